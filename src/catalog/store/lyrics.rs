//! Songs' lyrics rows.

use sqlx::PgExecutor;
use uuid::Uuid;

use crate::media::lyrics::{LyricLine, Lyrics};

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredLine {
    start_ms: Option<u32>,
    text: String,
}

/// Sets (or replaces) a song's lyrics.
pub async fn put(db: impl PgExecutor<'_>, song: Uuid, lyrics: &Lyrics) -> sqlx::Result<()> {
    let lines: Vec<StoredLine> = lyrics
        .lines
        .iter()
        .map(|line| StoredLine {
            start_ms: line.start_ms,
            text: line.text.clone(),
        })
        .collect();
    sqlx::query(
        "insert into songlyrics (songid, language, synced, lines) values ($1, $2, $3, $4)
         on conflict (songid) do update
            set language = excluded.language, synced = excluded.synced,
                lines = excluded.lines, updatedat = now()",
    )
    .bind(song)
    .bind(lyrics.language.as_deref())
    .bind(lyrics.synced)
    .bind(sqlx::types::Json(lines))
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find(db: impl PgExecutor<'_>, song: Uuid) -> sqlx::Result<Option<Lyrics>> {
    let row: Option<(Option<String>, bool, sqlx::types::Json<Vec<StoredLine>>)> =
        sqlx::query_as("select language, synced, lines from songlyrics where songid = $1")
            .bind(song)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(language, synced, lines)| Lyrics {
        language,
        synced,
        lines: lines
            .0
            .into_iter()
            .map(|line| LyricLine {
                start_ms: line.start_ms,
                text: line.text,
            })
            .collect(),
    }))
}

/// False when the song had none.
pub async fn delete(db: impl PgExecutor<'_>, song: Uuid) -> sqlx::Result<bool> {
    let done = sqlx::query("delete from songlyrics where songid = $1")
        .bind(song)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
