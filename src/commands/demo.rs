//! `ampli demo`: fills an empty instance with a few users, artists, albums with cover art and
//! short playable songs it composes itself (no downloads), one with synced lyrics, and builds
//! the discovery lists, so that a new user's home page has something to click.

use anyhow::{Context, bail};
use uuid::Uuid;

use crate::accounts::passwords::hash_raw;
use crate::accounts::store::users;
use crate::catalog::{Catalog, LocalSong};
use crate::config::Config;
use crate::db::{self, Database};
use crate::media::lyrics::Lyrics;
use crate::media::names::match_key;
use crate::media::tags::Tags;
use crate::storage::Storage;

/// Everyone signs in with this (printed at the end): it is a demo.
const DEMO_PASSWORD: &str = "ampli demo listener";

const PEOPLE: [(&str, &str); 3] = [
    ("Ada Lovelace", "ada@demo.ampli.test"),
    ("Miles Okafor", "miles@demo.ampli.test"),
    ("Sofía Reyes", "sofia@demo.ampli.test"),
];

const ARTISTS: [(&str, &str, &str); 4] = [
    ("The Sine Waves", "NZ", "Ambient"),
    ("Beyoncé Tribute Band", "US", "Pop"),
    ("Orquesta Pentatónica", "AR", "Classical"),
    ("Lo-Fi Kettle", "GB", "Lo-fi"),
];

/// Title, artist index, year, genre, owner index, cover colours (top, bottom).
type DemoAlbum = (
    &'static str,
    usize,
    i32,
    &'static str,
    usize,
    [u8; 3],
    [u8; 3],
);
const ALBUMS: [DemoAlbum; 3] = [
    (
        "Harbour Lights",
        0,
        2024,
        "Ambient",
        0,
        [32, 88, 160],
        [250, 190, 120],
    ),
    (
        "Yellow Kite",
        1,
        2023,
        "Pop",
        1,
        [250, 210, 40],
        [220, 60, 90],
    ),
    (
        "Cuerdas",
        2,
        2022,
        "Classical",
        2,
        [90, 30, 60],
        [200, 160, 90],
    ),
];

/// Title, category, artist index, root frequency (Hz), tempo (notes per second), album index
/// and track number (none for a single).
type DemoSong = (
    &'static str,
    &'static str,
    usize,
    f32,
    f32,
    Option<(usize, u16)>,
);
const SONGS: [DemoSong; 8] = [
    (
        "Morning Over the Harbour",
        "Music",
        0,
        220.0,
        2.0,
        Some((0, 1)),
    ),
    ("Yellow Kite", "Music", 1, 261.6, 4.0, Some((1, 1))),
    ("Crazy in Sines", "Music", 1, 293.7, 5.0, Some((1, 2))),
    ("Danza de las Cuerdas", "Music", 2, 196.0, 3.0, Some((2, 1))),
    ("Kettle Boils Twice", "Entertainment", 3, 174.6, 2.5, None),
    ("Bedtime for Robots", "Kids and Family", 3, 329.6, 2.0, None),
    ("Fourier's Lullaby", "Science", 0, 246.9, 1.5, Some((0, 2))),
    ("Stand-up Rehearsal", "Arts", 2, 164.8, 3.5, Some((2, 2))),
];

/// The synced lyrics "Yellow Kite" carries, to show the lyrics panel.
const YELLOW_KITE_LYRICS: &str = "[00:01.00]A yellow kite above the bay
[00:04.00]it pulls the string, it pulls the day
[00:08.00]and every sine that rings below
[00:12.00]is louder where the winds blow
[00:16.00]yellow kite, yellow kite";

pub async fn run(config: Config) -> anyhow::Result<()> {
    let database = Database::open_for_tool(&config).await?;
    db::migrate(&database.pool).await?;
    let result = fill(&config, &database).await;
    database.close().await?;
    result
}

async fn fill(config: &Config, database: &Database) -> anyhow::Result<()> {
    let pool = &database.pool;
    let existing: i64 = sqlx::query_scalar("select count(*) from songs")
        .fetch_one(pool)
        .await?;
    if existing > 0 {
        bail!("this instance already has {existing} songs; ampli demo fills only an empty one");
    }
    let storage = Storage::from_config(config)?;
    let viewer = std::sync::Arc::new(crate::library::ViewerStates::new(pool.clone()));
    // Demo data goes to the primary; nothing here is shared with other instances.
    let reads = crate::db::replicas::Reads::primary_only(pool.clone());
    let shared = crate::shared::Shared::one_off(pool);
    let catalog = Catalog::new(pool.clone(), config, storage, viewer, reads, &shared).await?;
    let hash = hash_raw(DEMO_PASSWORD)?;
    let mut owners = Vec::new();
    for (name, email) in PEOPLE {
        let user = users::create(pool, name, email, &hash)
            .await
            .with_context(|| format!("creating {email}"))?;
        users::mark_verified(pool, user.userid).await?;
        owners.push(user.userid);
    }
    let mut artists = Vec::new();
    for (name, country, genre) in ARTISTS {
        let id: Uuid = sqlx::query_scalar(
            "insert into artists (name, country, genre, verified, matchkey)
             values ($1, $2, $3, true, $4) returning artistid",
        )
        .bind(name)
        .bind(country)
        .bind(genre)
        .bind(match_key(name))
        .fetch_one(pool)
        .await?;
        artists.push(id);
    }
    let work = config.data_dir.join("tmp");
    std::fs::create_dir_all(&work)?;
    for (index, (title, category, artist, root, tempo, place)) in SONGS.iter().enumerate() {
        let path = work.join(format!("demo-{index}.wav"));
        std::fs::write(&path, melody(*root, *tempo, index as u32))?;
        let category = crate::catalog::categories::canonical(category).unwrap_or("Others");
        let mut tags = Tags::default();
        let mut poster = None;
        let owner = match place {
            Some((album, track)) => {
                let (album_title, album_artist, year, genre, owner, top, bottom) = ALBUMS[*album];
                tags.album = Some(album_title.to_owned());
                tags.album_artists = vec![ARTISTS[album_artist].0.to_owned()];
                tags.track.number = Some(*track);
                tags.year = Some(year);
                tags.genres = vec![genre.to_owned()];
                poster = Some(cover(top, bottom)?);
                owners[owner]
            }
            None => {
                tags.genres = vec![ARTISTS[*artist].2.to_owned()];
                owners[index % owners.len()]
            }
        };
        if *title == "Yellow Kite" {
            tags.lyrics = Some(Lyrics::parse(YELLOW_KITE_LYRICS, Some("en"))?);
        }
        let song = LocalSong {
            title,
            category,
            credits: &[(artists[*artist], "Primary")],
            tags: &tags,
            poster,
        };
        let added = catalog.add_song_from_file(owner, &path, song).await;
        let _ = std::fs::remove_file(&path);
        added.map_err(|error| anyhow::anyhow!("adding {title}: {error}"))?;
    }
    // The home page's lists (Trending, New Releases, …) now, not at the first hourly rebuild.
    crate::discovery::rebuild::rebuild_all(pool).await?;
    println!(
        "Added {} users, {} artists, {} albums and {} songs.",
        PEOPLE.len(),
        ARTISTS.len(),
        ALBUMS.len(),
        SONGS.len()
    );
    println!("Sign in as any of them with the password {DEMO_PASSWORD:?}:");
    for (name, email) in PEOPLE {
        println!("  {email}  ({name})");
    }
    Ok(())
}

/// A 512-pixel square cover: a vertical gradient from `top` to `bottom`, as a PNG.
fn cover(top: [u8; 3], bottom: [u8; 3]) -> anyhow::Result<Vec<u8>> {
    const SIZE: u32 = 512;
    let picture = image::RgbImage::from_fn(SIZE, SIZE, |x, y| {
        let along = (y as f32 + x as f32 * 0.25) / (SIZE as f32 * 1.25);
        image::Rgb(std::array::from_fn(|c| {
            (f32::from(top[c]) + (f32::from(bottom[c]) - f32::from(top[c])) * along) as u8
        }))
    });
    let mut png = Vec::new();
    picture.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
    Ok(png)
}

/// Twenty seconds of a pentatonic melody with soft note envelopes, as a 22.05 kHz mono WAV.
fn melody(root: f32, notes_per_second: f32, seed: u32) -> Vec<u8> {
    const RATE: u32 = 22_050;
    const SECONDS: u32 = 20;
    const SCALE: [f32; 5] = [1.0, 9.0 / 8.0, 5.0 / 4.0, 3.0 / 2.0, 5.0 / 3.0];
    let total = RATE * SECONDS;
    let note_length = (RATE as f32 / notes_per_second) as u32;
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut samples = Vec::with_capacity(total as usize);
    let mut frequency = root;
    for i in 0..total {
        let in_note = i % note_length;
        if in_note == 0 {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            frequency = root
                * SCALE[(state % 5) as usize]
                * if state.is_multiple_of(7) { 2.0 } else { 1.0 };
        }
        let t = i as f32 / RATE as f32;
        let envelope = (in_note as f32 / 400.0).min(1.0)
            * (1.0 - in_note as f32 / note_length as f32).max(0.0);
        let value = (t * frequency * std::f32::consts::TAU).sin() * 0.6
            + (t * frequency * 2.0 * std::f32::consts::TAU).sin() * 0.15;
        samples.push((value * envelope * 12_000.0) as i16);
    }
    crate::media::audio::wav_pcm16(&samples, RATE)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_melody_is_a_twenty_second_wav() {
        let bytes = super::melody(220.0, 2.0, 1);
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(bytes.len(), 44 + 22_050 * 20 * 2);
    }
}
