//! Media processing: audio inspection, image checking and re-encoding, byte ranges.

pub mod audio;
pub mod images;
pub mod range;
