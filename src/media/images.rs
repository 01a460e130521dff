//! Pictures people upload: recognised by their content (JPEG, PNG, WebP), limited in bytes
//! and pixels before they are decoded, and re-encoded as square JPEGs in a few sizes, so that
//! what Ampli serves is always its own clean output, never the uploaded file.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{ImageDecoder, ImageFormat, ImageReader, Limits};
use tokio::sync::Semaphore;

use crate::http::{ApiError, ErrorKind};

/// Largest picture accepted, in pixels: 4096 × 4096, twice the side of the largest size
/// Ampli makes (512) many times over, and the size of the largest album artwork stores ask for.
pub const MAX_PIXELS: u64 = 4096 * 4096;
/// Longest side accepted.
pub const MAX_SIDE: u32 = 8192;
/// Largest upload accepted, in bytes.
pub const MAX_BYTES: usize = 15 * 1024 * 1024;
/// The memory all decodes in flight may hold together, in bytes. Each decode takes a share
/// of it sized to the picture before a pixel is decoded and waits while the budget is spent,
/// so parallel uploads of large pictures queue instead of adding up.
pub const DECODE_BUDGET: usize = 384 * 1024 * 1024;
/// What a decode holds beside the decoded pixels: the resized copies and the encoder's buffers.
const DECODE_OVERHEAD: usize = 16 * 1024 * 1024;

/// Shares of [`DECODE_BUDGET`], one permit a mebibyte. Process-wide, as memory is.
static DECODE_PERMITS: Semaphore = Semaphore::const_new(DECODE_BUDGET >> 20);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImageError {
    #[error("not a JPEG, PNG or WebP picture")]
    Unsupported,
    #[error("the picture is too large")]
    TooLarge,
    #[error("the picture could not be read")]
    Corrupt,
}

impl From<ImageError> for ApiError {
    fn from(error: ImageError) -> Self {
        let (kind, code, detail) = match error {
            ImageError::Unsupported => (
                ErrorKind::UnsupportedMediaType,
                "unsupported_image",
                "Send a JPEG, PNG or WebP picture.".to_owned(),
            ),
            ImageError::TooLarge => (
                ErrorKind::PayloadTooLarge,
                "image_too_large",
                format!(
                    "The picture is too large: at most {} MB, {MAX_SIDE} pixels a side and {} megapixels.",
                    MAX_BYTES >> 20,
                    MAX_PIXELS / 1_000_000
                ),
            ),
            ImageError::Corrupt => (
                ErrorKind::Unprocessable,
                "invalid_image",
                "The picture could not be read.".to_owned(),
            ),
        };
        ApiError::new(kind, code, detail)
    }
}

/// One re-encoded size.
#[derive(Debug, Clone)]
pub struct Rendition {
    pub size: u32,
    pub jpeg: Vec<u8>,
}

impl Rendition {
    /// The file's name under its picture's prefix (`512.jpg`) and its bytes, for
    /// `Storage::put_all`.
    pub fn into_file(self) -> (String, Vec<u8>) {
        (format!("{}.jpg", self.size), self.jpeg)
    }
}

/// Checks `bytes` and makes a square JPEG for each of `sizes` (centre-cropped), on a blocking
/// thread once the decode's share of [`DECODE_BUDGET`] is free.
pub async fn square_renditions(
    bytes: Vec<u8>,
    sizes: &'static [u32],
) -> Result<Vec<Rendition>, ImageError> {
    let cost = decode_cost(&bytes)?;
    let permits = u32::try_from(cost.div_ceil(1 << 20)).unwrap_or(u32::MAX);
    let share = DECODE_PERMITS
        .acquire_many(permits.min((DECODE_BUDGET >> 20) as u32))
        .await
        .map_err(|_| ImageError::Corrupt)?;
    // The share goes with the decode, not with this future: a request dropped while it waits
    // (its timeout, its client gone) leaves the blocking decode running, and the memory held
    // until that decode ends.
    tokio::task::spawn_blocking(move || {
        let _share = share;
        decode_squares(&bytes, sizes)
    })
    .await
    .map_err(|_| ImageError::Corrupt)?
}

/// The bytes a decode of `bytes` will hold at its peak, from the header alone; refuses what
/// is not a supported picture or is larger than Ampli accepts.
fn decode_cost(bytes: &[u8]) -> Result<usize, ImageError> {
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
    let decoder = reader.into_decoder().map_err(|_| ImageError::Corrupt)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(ImageError::Corrupt);
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge);
    }
    // The decoded pixels, their 8-bit RGB copy made for resizing, and the rest.
    let pixels = usize::try_from(u64::from(width) * u64::from(height)).unwrap_or(usize::MAX);
    let decoded = usize::try_from(decoder.total_bytes()).unwrap_or(usize::MAX);
    Ok(decoded
        .saturating_add(pixels.saturating_mul(3))
        .saturating_add(DECODE_OVERHEAD))
}

/// Decodes `bytes` (already checked by [`decode_cost`]) and makes the squares. CPU-bound.
fn decode_squares(bytes: &[u8], sizes: &[u32]) -> Result<Vec<Rendition>, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::Corrupt)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    // 16-bit RGBA is 8 bytes a pixel.
    limits.max_alloc = Some(MAX_PIXELS * 8 + DECODE_OVERHEAD as u64);
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
        let renditions = decode_squares(&png(300, 200), &[64, 128]).unwrap();
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
            decode_cost(b"GIF89a....").unwrap_err(),
            ImageError::Unsupported
        );
        assert_eq!(
            decode_cost(b"just text").unwrap_err(),
            ImageError::Unsupported
        );
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert_eq!(
            decode_squares(&truncated, &[64]).unwrap_err(),
            ImageError::Corrupt
        );
    }

    #[tokio::test]
    async fn a_decode_keeps_its_share_of_the_budget_after_its_request_is_dropped() {
        let total = DECODE_BUDGET >> 20;
        let big = png(4096, 4096);
        let dropped = tokio::time::timeout(
            std::time::Duration::from_millis(1),
            square_renditions(big, &[64]),
        )
        .await;
        assert!(dropped.is_err(), "the decode outlasted the timeout");
        // The decode goes on on its blocking thread, so its share is still taken...
        assert!(DECODE_PERMITS.available_permits() < total);
        // ...and given back when it ends.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while DECODE_PERMITS.available_permits() < total {
            assert!(
                std::time::Instant::now() < deadline,
                "the share never came back"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    // A header claiming a huge canvas is covered end to end in tests/it/accounts/avatar.rs.
}
