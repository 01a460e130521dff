//! Media processing: audio inspection and decode checks, tags and lyrics, image checking and
//! re-encoding, byte ranges.

pub mod audio;
pub mod decode;
pub mod generated_art;
pub mod images;
pub mod loudness;
pub mod lyrics;
pub mod names;
pub mod peaks;
pub mod range;
mod synced_lyrics;
pub mod tags;
