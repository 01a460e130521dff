//! All of the catalog's SQL but the transcoding queue's (`transcode.rs`, which jobs share):
//! songs (their answers, writes, plays and stream sources), credits, artists, albums, genres
//! and lyrics.

pub mod albums;
pub mod artists;
pub mod credits;
pub mod genres;
pub mod loudness;
pub mod lyrics;
pub mod songs;
