//! Playlists: order, concurrency and who may see what; likes, favourites and history; the
//! caller's state on every song the library lists.

mod collections;
mod playlists;
mod viewer;
