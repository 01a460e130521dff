//! Media processing: checking and re-encoding images (avatars now, posters with the catalog).

pub mod images;
