//! Artwork for a song or album that has none: a diagonal two-colour gradient whose hues come
//! from the object's id, with the title's initials drawn on it. The same id and title always
//! give the same picture, so it can be cached like a stored poster, and two albums side by side
//! rarely look alike.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use uuid::Uuid;

/// The sizes Ampli makes of every poster, and so of generated artwork too.
pub const SIZES: [u32; 2] = [128, 512];

/// A PNG of `size` × `size` pixels for the object `id` titled `title`.
pub fn png(id: Uuid, title: &str, size: u32) -> Vec<u8> {
    let (from, to) = readable(palette(id));
    let text = text_colour(from, to);
    let mut picture = RgbImage::from_fn(size, size, |x, y| {
        // Along the diagonal, top left to bottom right.
        let t = (x + y) as f32 / (2 * size.max(1) - 1).max(1) as f32;
        Rgb(std::array::from_fn(|c| {
            (from[c] as f32 + (to[c] as f32 - from[c] as f32) * t).round() as u8
        }))
    });
    draw_initials(&mut picture, &initials(title), text);
    let mut bytes = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
        .expect("encoding a PNG in memory cannot fail");
    bytes
}

/// FNV-1a over the id's bytes: written out here rather than std's hasher, whose output may
/// change between Rust versions and would change every generated picture with it.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Two colours of the id's hue and of a hue 40-100° on, saturated but not loud.
fn palette(id: Uuid) -> ([u8; 3], [u8; 3]) {
    let hash = fnv1a(id.as_bytes());
    let hue = (hash % 360) as f32;
    let step = 40.0 + ((hash >> 16) % 61) as f32;
    let lightness = 0.30 + ((hash >> 32) % 30) as f32 / 100.0;
    (
        hsl(hue, 0.55, lightness),
        hsl((hue + step) % 360.0, 0.60, lightness + 0.12),
    )
}

fn hsl(hue: f32, saturation: f32, lightness: f32) -> [u8; 3] {
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue / 60.0;
    let x = chroma * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (chroma, x, 0.0),
        1 => (x, chroma, 0.0),
        2 => (0.0, chroma, x),
        3 => (0.0, x, chroma),
        4 => (x, 0.0, chroma),
        _ => (chroma, 0.0, x),
    };
    let m = lightness - chroma / 2.0;
    [r, g, b].map(|c| ((c + m).clamp(0.0, 1.0) * 255.0).round() as u8)
}

/// The palette darkened step by step until white or ink reads on both ends at WCAG AA (4.5:1):
/// some hues (yellows, greens) are too light at any lightness the palette picks.
fn readable((mut from, mut to): ([u8; 3], [u8; 3])) -> ([u8; 3], [u8; 3]) {
    let darken = |c: [u8; 3]| c.map(|v| (f32::from(v) * 0.9) as u8);
    let worst = |ink, a, b| contrast(ink, a).min(contrast(ink, b));
    while worst(WHITE, from, to) < 4.5 && worst(INK, from, to) < 4.5 {
        (from, to) = (darken(from), darken(to));
    }
    (from, to)
}

/// WCAG's relative luminance of an sRGB colour.
pub fn luminance(colour: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(colour[0]) + 0.7152 * linear(colour[1]) + 0.0722 * linear(colour[2])
}

pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

const WHITE: [u8; 3] = [255, 255, 255];
const INK: [u8; 3] = [20, 20, 24];

/// White or near-black, whichever stands out more against the gradient's worse end.
fn text_colour(from: [u8; 3], to: [u8; 3]) -> [u8; 3] {
    let worst = |ink| contrast(ink, from).min(contrast(ink, to));
    if worst(WHITE) >= worst(INK) {
        WHITE
    } else {
        INK
    }
}

/// Up to two letters: the first letter or digit of each of the first two words, upper-cased;
/// a character the font does not have is drawn as `#`.
pub fn initials(title: &str) -> Vec<char> {
    title
        .split_whitespace()
        .filter_map(|word| word.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .map(|c| {
            let upper = c.to_uppercase().next().unwrap_or(c);
            if glyph(upper).is_some() { upper } else { '#' }
        })
        .collect()
}

/// Draws the initials centred, each glyph cell a square of a fifth of the picture's width
/// spread over 5 × 7 cells.
fn draw_initials(picture: &mut RgbImage, letters: &[char], colour: [u8; 3]) {
    if letters.is_empty() {
        return;
    }
    let size = picture.width();
    let cell = (size / (6 * letters.len() as u32 + 4)).max(1);
    let width = cell * (6 * letters.len() as u32 - 1);
    let left = (size - width.min(size)) / 2;
    let top = (size - (7 * cell).min(size)) / 2;
    for (index, letter) in letters.iter().enumerate() {
        let Some(rows) = glyph(*letter) else { continue };
        let x0 = left + index as u32 * 6 * cell;
        for (row, bits) in rows.iter().enumerate() {
            for column in 0..5u32 {
                if bits & (0b10000 >> column) == 0 {
                    continue;
                }
                for dy in 0..cell {
                    for dx in 0..cell {
                        let (x, y) = (x0 + column * cell + dx, top + row as u32 * cell + dy);
                        if x < size && y < size {
                            picture.put_pixel(x, y, Rgb(colour));
                        }
                    }
                }
            }
        }
    }
}

/// A 5 × 7 bitmap font of capitals, digits and `#`, one row a byte (high bit on the left).
fn glyph(c: char) -> Option<[u8; 7]> {
    Some(match c {
        'A' => [0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'B' => [0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E],
        'C' => [0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E],
        'D' => [0x1E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1E],
        'E' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F],
        'F' => [0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10],
        'G' => [0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F],
        'H' => [0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11],
        'I' => [0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E],
        'J' => [0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C],
        'K' => [0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11],
        'L' => [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F],
        'M' => [0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11],
        'N' => [0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11],
        'O' => [0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'P' => [0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10],
        'Q' => [0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D],
        'R' => [0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11],
        'S' => [0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E],
        'T' => [0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04],
        'U' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E],
        'V' => [0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04],
        'W' => [0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A],
        'X' => [0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11],
        'Y' => [0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04],
        'Z' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F],
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        '#' => [0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> RgbImage {
        image::load_from_memory_with_format(bytes, ImageFormat::Png)
            .expect("a PNG")
            .to_rgb8()
    }

    #[test]
    fn the_same_id_and_title_give_the_same_picture_in_each_size() {
        let id = Uuid::from_u128(7);
        for size in SIZES {
            let bytes = png(id, "Blue Monday", size);
            assert_eq!(bytes, png(id, "Blue Monday", size));
            let picture = decode(&bytes);
            assert_eq!((picture.width(), picture.height()), (size, size));
        }
    }

    #[test]
    fn different_ids_look_different() {
        let a = decode(&png(Uuid::from_u128(1), "Song", 128));
        let b = decode(&png(Uuid::from_u128(2), "Song", 128));
        assert_ne!(a.get_pixel(0, 0), b.get_pixel(0, 0));
    }

    #[test]
    fn initials_are_the_first_letters_of_two_words() {
        assert_eq!(initials("blue monday"), ['B', 'M']);
        assert_eq!(initials("  (the) end of it"), ['T', 'E']);
        assert_eq!(initials("Ångström"), ['#']);
        assert_eq!(initials("1999"), ['1']);
        assert_eq!(initials(""), Vec::<char>::new());
    }

    #[test]
    fn the_initials_are_drawn_and_readable_on_every_palette() {
        for n in 0..500u128 {
            let (from, to) = readable(palette(Uuid::from_u128(n * 7919)));
            let ink = text_colour(from, to);
            let worst = contrast(ink, from).min(contrast(ink, to));
            assert!(worst >= 4.5, "id {n}: {worst:.2}");
        }
        let picture = decode(&png(Uuid::from_u128(3), "Xylophone", 128));
        let centre = picture.get_pixel(64, 64).0;
        let corner = picture.get_pixel(0, 64).0;
        assert!(
            picture
                .pixels()
                .any(|p| p.0 == [255, 255, 255] || p.0 == INK),
            "the letter's ink is on the picture (centre {centre:?}, edge {corner:?})"
        );
    }
}
