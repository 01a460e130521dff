//! Playlists: order, concurrency and who may see what.

mod collections;
mod playlists;
