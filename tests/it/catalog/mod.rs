//! The catalog: artists, uploads, streaming, plays, transcoding.

mod artists;
mod bodies;
mod broken_audio;
mod leftovers;
mod media_access;
mod nul_text;
mod s3;
mod streaming;
mod uploads;
