//! All of the library's SQL: playlists and their ordered items, the two collections (likes,
//! favourites), listening history, and the per-song state the catalog's answers show.

pub mod collections;
pub mod history;
pub mod items;
pub mod marks;
pub mod play_queues;
pub mod playlists;
pub mod shares;
pub mod viewer;
