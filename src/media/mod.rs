//! Media processing: audio inspection and decode checks, image checking and re-encoding, byte ranges.

pub mod audio;
pub mod decode;
pub mod images;
pub mod range;
