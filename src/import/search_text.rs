//! The songs' search text for a bulk load: `ampli_normalize(title || ' ' || artists)`
//! (migration 7), worked out by the importer where that gives the same text, so that the
//! songs go straight into their table by `COPY`.
//!
//! `ampli_normalize` is `lower(unaccent(…))`. PostgreSQL's unaccent rules have no entry for an
//! ASCII character and every collation but the Turkic ones lowercases ASCII as ASCII, so on
//! ASCII text it is ASCII lowercasing; the database is asked once per batch to confirm it
//! for every ASCII character (an operator may have changed the rules). Any other text is
//! normalised by PostgreSQL itself, in one statement per batch. Computing every text in SQL
//! instead took 1.35 s of a core per million songs and a scratch table to compute it from.

use sqlx::PgConnection;

use super::plan::SongRow;

/// Every ASCII character but NUL, which PostgreSQL text cannot hold.
fn every_ascii_character() -> String {
    (1u8..=127).map(char::from).collect()
}

/// Whether this database's `ampli_normalize` lowercases ASCII text as ASCII and does nothing
/// else to it.
async fn ascii_is_only_lowercased(db: &mut PgConnection) -> sqlx::Result<bool> {
    let probe = every_ascii_character();
    let normalized: Option<String> = sqlx::query_scalar("select ampli_normalize($1)")
        .bind(&probe)
        .fetch_one(db)
        .await?;
    Ok(normalized.is_some_and(|text| text == probe.to_ascii_lowercase()))
}

/// Each song's search text, in the order of `songs`.
pub async fn search_texts(db: &mut PgConnection, songs: &[SongRow]) -> sqlx::Result<Vec<String>> {
    let lowercase_ascii = ascii_is_only_lowercased(&mut *db).await?;
    let mut texts: Vec<String> = songs
        .iter()
        .map(|song| format!("{} {}", song.title, song.artist_name))
        .collect();
    let mut for_postgres = Vec::new();
    for (index, text) in texts.iter_mut().enumerate() {
        if lowercase_ascii && text.is_ascii() {
            text.make_ascii_lowercase();
        } else {
            for_postgres.push(index);
        }
    }
    if !for_postgres.is_empty() {
        let originals: Vec<&str> = for_postgres.iter().map(|&i| texts[i].as_str()).collect();
        let normalized: Vec<String> = sqlx::query_scalar(
            "select ampli_normalize(t) from unnest($1::text[]) with ordinality as x(t, i) order by i",
        )
        .bind(&originals)
        .fetch_all(&mut *db)
        .await?;
        for (index, text) in for_postgres.into_iter().zip(normalized) {
            texts[index] = text;
        }
    }
    Ok(texts)
}
