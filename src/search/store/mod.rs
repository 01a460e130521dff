//! All of search's SQL: the statements are named in `sql.rs` (albums, artists, users,
//! playlists) and
//! `songs.rs` (songs by words), so that the tests can EXPLAIN exactly what the route runs.
//! Search reads the other capabilities' tables directly, on purpose: it is a read model over
//! them, served by its own full-text and trigram indexes (migrations 9 and 20). Albums, newer,
//! are found in search's own SearchAlbums table (migration 12) and answered by the catalog.

pub mod songs;
pub mod sql;

use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;

use super::SearchQuery;
use songs::TsQuery;

/// An artist or a user found by name.
#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct NamedResult {
    pub id: Uuid,
    pub name: String,
    pub avatar_url: Option<String>,
}

#[derive(Debug, Serialize, ToSchema, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
pub struct PlaylistResult {
    id: Uuid,
    title: String,
    visibility: Option<String>,
    owner_id: Uuid,
}

/// The similarity thresholds for the rest of the transaction.
pub async fn set_thresholds(tx: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::raw_sql(sql::THRESHOLDS).execute(&mut *tx).await?;
    Ok(())
}

/// Songs by the query's tsqueries (see `songs::find`).
pub async fn song_ids(
    tx: &mut PgConnection,
    query: &SearchQuery,
    tsqueries: &[TsQuery],
) -> sqlx::Result<Vec<Uuid>> {
    songs::find(
        tx,
        tsqueries,
        &query.text,
        &query.like_pattern(),
        query.limit,
    )
    .await
}

/// Albums by the words of their title and album artists, typos forgiven as for songs (the
/// same tsqueries), from search's own table (migration 12): the strict query first, then the
/// relaxed one while the limit is not reached.
pub async fn album_ids(
    tx: &mut PgConnection,
    query: &SearchQuery,
    tsqueries: &[TsQuery],
) -> sqlx::Result<Vec<Uuid>> {
    let mut found: Vec<Uuid> = Vec::new();
    for tsquery in tsqueries {
        if found.len() as i64 >= query.limit {
            break;
        }
        let select = sqlx::query_scalar(sqlx::AssertSqlSafe(sql::albums()))
            .bind(&tsquery.whole)
            .bind(&query.text)
            .bind(query.like_pattern())
            .bind(query.limit);
        let ids: Vec<Uuid> = select.fetch_all(&mut *tx).await?;
        for id in ids {
            if !found.contains(&id) && (found.len() as i64) < query.limit {
                found.push(id);
            }
        }
    }
    Ok(found)
}

/// Artists or users by the words of their name: every word of the query (the strict
/// tsquery; names are short, so no relaxed one).
pub async fn named(
    tx: &mut PgConnection,
    table: &'static str,
    id: &'static str,
    query: &SearchQuery,
    tsqueries: &[TsQuery],
) -> sqlx::Result<Vec<NamedResult>> {
    let Some(strict) = tsqueries.first() else {
        return Ok(Vec::new());
    };
    sqlx::query_as(sqlx::AssertSqlSafe(sql::named(table, id)))
        .bind(&strict.whole)
        .bind(&query.text)
        .bind(query.limit)
        .fetch_all(&mut *tx)
        .await
}

/// Public playlists and `viewer`'s own, by the words of their title.
pub async fn playlists(
    tx: &mut PgConnection,
    query: &SearchQuery,
    tsqueries: &[TsQuery],
    viewer: Option<Uuid>,
) -> sqlx::Result<Vec<PlaylistResult>> {
    let Some(strict) = tsqueries.first() else {
        return Ok(Vec::new());
    };
    sqlx::query_as(sqlx::AssertSqlSafe(sql::playlists()))
        .bind(&strict.whole)
        .bind(&query.text)
        .bind(query.limit)
        .bind(viewer)
        .fetch_all(&mut *tx)
        .await
}
