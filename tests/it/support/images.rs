//! Pictures made by the tests: real encodings, and a PNG whose header lies about its size.

use std::io::Cursor;

use image::{ImageBuffer, ImageFormat, Rgb, RgbImage};

pub fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let image: RgbImage = ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// CRC-32 (ISO-HDLC), as PNG chunks carry it.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A valid PNG whose header claims `side` × `side` pixels, with almost no data behind it.
pub fn png_claiming(mut png: Vec<u8>, side: u32) -> Vec<u8> {
    png[16..20].copy_from_slice(&side.to_be_bytes());
    png[20..24].copy_from_slice(&side.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    png
}
