//! The library's HTTP handlers, one file per resource; `super::router` assembles them.

pub mod collections;
pub mod history;
pub mod playlist_items;
pub mod playlists;
pub mod shares;
