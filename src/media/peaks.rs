//! A song's waveform: the loudest sample in each of `PEAK_COUNT` equal slices of the song,
//! scaled to 0..255. ffmpeg decodes to mono 16-bit samples at a low rate on a pipe; the
//! samples are folded into short blocks as they arrive, so memory grows with the song's
//! length in blocks (40 a second), never with its samples.

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, bail};
use tokio::io::AsyncReadExt;

use super::decode::Ffmpeg;

/// How many slices a waveform has: one per pixel of a wide seek bar.
pub const PEAK_COUNT: usize = 512;

/// The rate the song is decoded at: peaks need no more than a few thousand samples a second.
const SAMPLE_RATE: u32 = 8_000;
/// Samples per block: 25 ms.
const BLOCK: usize = 200;

impl Ffmpeg {
    /// The waveform of `path`'s first audio stream (one ffmpeg run, holding a decode permit).
    pub async fn peaks(&self, path: &Path) -> anyhow::Result<Vec<u8>> {
        let _permit = self.permit().await;
        let mut child = tokio::process::Command::new(&self.path)
            .args(["-nostdin", "-v", "error", "-i"])
            .arg(path)
            .args(["-map", "0:a:0", "-ac", "1", "-ar", &SAMPLE_RATE.to_string()])
            .args(["-f", "s16le", "-c:a", "pcm_s16le", "-"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .context("running ffmpeg")?;
        let mut stdout = child.stdout.take().context("ffmpeg's output")?;
        let mut blocks = BlockPeaks::default();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = stdout.read(&mut buffer).await.context("reading ffmpeg")?;
            if read == 0 {
                break;
            }
            blocks.push_bytes(&buffer[..read]);
        }
        let status = child.wait().await.context("waiting for ffmpeg")?;
        if !status.success() {
            bail!("ffmpeg could not decode the song for its waveform");
        }
        let maxima = blocks.finish();
        if maxima.is_empty() {
            bail!("the song decoded to no samples");
        }
        Ok(scale(&maxima, PEAK_COUNT))
    }
}

/// The loudest absolute sample of each block, fed little-endian bytes in any split.
#[derive(Default)]
struct BlockPeaks {
    maxima: Vec<u16>,
    current: u16,
    in_block: usize,
    odd_byte: Option<u8>,
}

impl BlockPeaks {
    fn push_bytes(&mut self, mut bytes: &[u8]) {
        if let Some(low) = self.odd_byte.take()
            && let Some((&high, rest)) = bytes.split_first()
        {
            self.push(i16::from_le_bytes([low, high]));
            bytes = rest;
        }
        let mut pairs = bytes.chunks_exact(2);
        for pair in &mut pairs {
            self.push(i16::from_le_bytes([pair[0], pair[1]]));
        }
        self.odd_byte = pairs.remainder().first().copied();
    }

    fn push(&mut self, sample: i16) {
        self.current = self.current.max(sample.unsigned_abs());
        self.in_block += 1;
        if self.in_block == BLOCK {
            self.maxima.push(self.current);
            self.current = 0;
            self.in_block = 0;
        }
    }

    fn finish(mut self) -> Vec<u16> {
        if self.in_block > 0 {
            self.maxima.push(self.current);
        }
        self.maxima
    }
}

/// `count` values, each the loudest block of its share of `maxima` scaled so that full scale
/// is 255. A song shorter than `count` blocks repeats blocks rather than leaving gaps.
fn scale(maxima: &[u16], count: usize) -> Vec<u8> {
    (0..count)
        .map(|slot| {
            let start = slot * maxima.len() / count;
            let end = ((slot + 1) * maxima.len() / count).max(start + 1);
            let loudest = maxima[start..end.min(maxima.len())]
                .iter()
                .copied()
                .max()
                .unwrap_or(0);
            // 32768 (i16::MIN's magnitude) and 32767 both read as full scale.
            (u32::from(loudest.min(32767)) * 255 / 32767) as u8
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_take_the_loudest_sample_whatever_the_byte_split() {
        let samples: Vec<i16> = (0..(BLOCK * 2 + 3))
            .map(|i| {
                if i == 10 {
                    -20_000
                } else if i == BLOCK + 5 {
                    300
                } else {
                    1
                }
            })
            .collect();
        let bytes: Vec<u8> = samples.iter().flat_map(|s| s.to_le_bytes()).collect();
        let mut whole = BlockPeaks::default();
        whole.push_bytes(&bytes);
        let mut split = BlockPeaks::default();
        for chunk in bytes.chunks(7) {
            split.push_bytes(chunk);
        }
        assert_eq!(whole.finish(), vec![20_000, 300, 1]);
        assert_eq!(split.finish(), vec![20_000, 300, 1]);
    }

    #[test]
    fn scaling_keeps_loud_and_quiet_parts_apart() {
        let mut maxima = vec![32767u16; 1000];
        maxima.extend(vec![3277u16; 1000]);
        let peaks = scale(&maxima, PEAK_COUNT);
        assert_eq!(peaks.len(), PEAK_COUNT);
        assert!(peaks[..255].iter().all(|&p| p == 255));
        assert!(peaks[257..].iter().all(|&p| p == 25));
        // Fewer blocks than slots: every slot still has a value.
        assert_eq!(scale(&[i16::MAX as u16, 0], 4), vec![255, 255, 0, 0]);
        assert_eq!(scale(&[32768], 2), vec![255, 255]);
    }
}
