//! All of the catalog's SQL but the transcoding queue's (`transcode.rs`, which jobs share):
//! songs (their answers, writes, plays and stream sources), credits and artists.

pub mod artists;
pub mod credits;
pub mod songs;
