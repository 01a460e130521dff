//! All of the catalog's SQL: songs (their answers, writes, plays and stream sources),
//! credits, artists, and the transcoding queue's jobs and renditions.

pub mod artists;
pub mod credits;
pub mod songs;
pub mod transcode_jobs;
