//! The catalog: artists, uploads, streaming, plays, transcoding, and the caller's state on
//! the songs it answers.

mod albums;
mod artists;
mod artwork;
mod bodies;
mod broken_audio;
mod leftovers;
mod lists;
mod media_access;
mod nul_text;
mod peaks;
mod s3;
mod streaming;
mod uploads;
mod viewer;
