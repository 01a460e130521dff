//! Pictures people upload: recognised by their content (JPEG, PNG, WebP), limited in bytes
//! and pixels before they are decoded, and re-encoded as square JPEGs in a few sizes, so that
//! what Ampli serves is always its own clean output, never the uploaded file.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{ImageFormat, ImageReader, Limits};

/// Largest picture accepted, in pixels (about 40 megapixels: a big phone photo).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side accepted.
pub const MAX_SIDE: u32 = 12_000;
/// Largest upload accepted, in bytes.
pub const MAX_BYTES: usize = 15 * 1024 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("not a JPEG, PNG or WebP picture")]
    Unsupported,
    #[error("the picture is too large")]
    TooLarge,
    #[error("the picture could not be read")]
    Corrupt,
}

/// One re-encoded size.
#[derive(Debug)]
pub struct Rendition {
    pub size: u32,
    pub jpeg: Vec<u8>,
}

/// Checks `bytes` and makes a square JPEG for each of `sizes` (centre-cropped). CPU-bound:
/// call it from a blocking thread.
pub fn square_renditions(bytes: &[u8], sizes: &[u32]) -> Result<Vec<Rendition>, ImageError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImageError::TooLarge);
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::Corrupt)?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(ImageError::Unsupported);
    }
    // The header's dimensions are checked before a single pixel is decoded.
    let (width, height) = reader.into_dimensions().map_err(|_| ImageError::Corrupt)?;
    if width == 0 || height == 0 {
        return Err(ImageError::Corrupt);
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::Corrupt)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let picture = reader.decode().map_err(|error| match error {
        image::ImageError::Limits(_) => ImageError::TooLarge,
        _ => ImageError::Corrupt,
    })?;
    sizes
        .iter()
        .map(|&size| {
            let square = picture
                .resize_to_fill(size, size, FilterType::Lanczos3)
                .to_rgb8();
            let mut jpeg = Vec::new();
            JpegEncoder::new_with_quality(&mut jpeg, 85)
                .encode_image(&square)
                .map_err(|_| ImageError::Corrupt)?;
            Ok(Rendition { size, jpeg })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture: RgbImage =
            ImageBuffer::from_fn(width, height, |x, y| Rgb([x as u8, y as u8, 128]));
        let mut out = Cursor::new(Vec::new());
        picture.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_picture_becomes_square_jpegs() {
        let renditions = square_renditions(&png(300, 200), &[64, 128]).unwrap();
        assert_eq!(renditions.len(), 2);
        for rendition in renditions {
            let decoded = image::load_from_memory(&rendition.jpeg).unwrap();
            assert_eq!(
                (decoded.width(), decoded.height()),
                (rendition.size, rendition.size)
            );
            assert_eq!(
                image::guess_format(&rendition.jpeg).unwrap(),
                ImageFormat::Jpeg
            );
        }
    }

    #[test]
    fn anything_else_is_refused_by_its_content() {
        assert_eq!(
            square_renditions(b"GIF89a....", &[64]).unwrap_err(),
            ImageError::Unsupported
        );
        assert_eq!(
            square_renditions(b"just text", &[64]).unwrap_err(),
            ImageError::Unsupported
        );
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert_eq!(
            square_renditions(&truncated, &[64]).unwrap_err(),
            ImageError::Corrupt
        );
    }

    // A header claiming a huge canvas is covered end to end in tests/it/accounts/avatar.rs.
}
