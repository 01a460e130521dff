//! All of search's SQL: the statements are named in `sql.rs` (albums, artists, users,
//! playlists) and
//! `songs.rs` (songs by words), so that the tests can EXPLAIN exactly what the route runs.
//! Search reads the other capabilities' tables directly, on purpose: it is a read model over
//! them, served by its own trigram and full-text indexes (migrations 7 and 9). Albums, newer,
//! are found in search's own SearchAlbums table (migration 12) and answered by the catalog.

pub mod songs;
pub mod sql;

use serde::Serialize;
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;

use super::SearchQuery;

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

pub async fn song_ids(tx: &mut PgConnection, query: &SearchQuery) -> sqlx::Result<Vec<Uuid>> {
    songs::find(tx, &query.text, &query.like_pattern(), query.limit).await
}

/// Albums by the words of their title and album artists, typos forgiven as for songs (the
/// same tsqueries), from search's own table (migration 12): the strict query first, then the
/// relaxed one while the limit is not reached.
pub async fn album_ids(tx: &mut PgConnection, query: &SearchQuery) -> sqlx::Result<Vec<Uuid>> {
    let mut found: Vec<Uuid> = Vec::new();
    for (tsquery, _) in songs::tsqueries(tx, &query.text).await? {
        if found.len() as i64 >= query.limit {
            break;
        }
        let ids: Vec<Uuid> = sqlx::query_scalar(sql::ALBUMS)
            .bind(&tsquery)
            .bind(&query.text)
            .bind(query.like_pattern())
            .bind(query.limit)
            .fetch_all(&mut *tx)
            .await?;
        for id in ids {
            if !found.contains(&id) && (found.len() as i64) < query.limit {
                found.push(id);
            }
        }
    }
    Ok(found)
}

/// Artists or users by name.
pub async fn named(
    tx: &mut PgConnection,
    table: &'static str,
    id: &'static str,
    query: &SearchQuery,
) -> sqlx::Result<Vec<NamedResult>> {
    sqlx::query_as(sqlx::AssertSqlSafe(sql::named(table, id)))
        .bind(&query.text)
        .bind(query.limit)
        .fetch_all(&mut *tx)
        .await
}

/// Public playlists and `viewer`'s own.
pub async fn playlists(
    tx: &mut PgConnection,
    query: &SearchQuery,
    viewer: Option<Uuid>,
) -> sqlx::Result<Vec<PlaylistResult>> {
    sqlx::query_as(sql::PLAYLISTS)
        .bind(&query.text)
        .bind(query.limit)
        .bind(viewer)
        .fetch_all(&mut *tx)
        .await
}
