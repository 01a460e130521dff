//! Helpers the tests share: fresh databases, the app called in-process, the binary.

pub mod app;
pub mod db;
pub mod process;

pub use app::TestApp;
pub use db::TestDb;
