//! All of the catalog's SQL: songs (their answers, writes, plays and stream sources),
//! credits, artists, albums, genres, lyrics, loudness, and the transcoding queue's jobs and
//! renditions.

pub mod album_lists;
pub mod albums;
pub mod artists;
pub mod credits;
pub mod genres;
pub mod loudness;
pub mod lyrics;
pub mod peaks;
pub mod sampling;
pub mod songs;
pub mod transcode_jobs;
