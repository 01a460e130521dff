//! Helpers the tests share: fresh databases, the app called in-process, the binary.

pub mod accounts;
pub mod app;
pub mod audio;
pub mod db;
pub mod images;
pub mod process;
pub mod songs;

pub use app::{TestApp, TestResponse};
pub use db::TestDb;
