//! The catalog's HTTP handlers, one file per resource; `super::router` assembles them.

pub mod albums;
pub mod artists;
pub mod artwork;
pub mod categories;
pub mod credits;
pub mod lyrics;
pub mod peaks;
pub mod songs;
pub mod stream;
