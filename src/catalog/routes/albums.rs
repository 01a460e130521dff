//! The album handlers: list, read with its songs, change, delete (keeping or deleting the
//! songs) and the poster; and the genres songs and albums carry.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::accounts::{AuthUser, MaybeAuthUser};
use crate::catalog::Catalog;
use crate::catalog::album_views::{AlbumDetail, AlbumView, GenreView};
use crate::catalog::albums::AlbumEdit;
use crate::catalog::store::albums::{AlbumCursor, AlbumFilter, AlbumSort};
use crate::http::body::read_limited;
use crate::http::pagination::{self, Page};
use crate::http::{ApiError, ApiJson, ErrorKind, Problem};
use crate::media::images;
use crate::media::names::match_key;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AlbumListQuery {
    /// Only albums crediting this artist as an album artist.
    artist: Option<Uuid>,
    /// Only albums uploaded by this user.
    owner: Option<Uuid>,
    /// Only albums with a song of this genre (matched regardless of case and accents).
    genre: Option<String>,
    /// Only albums released this year.
    year: Option<i32>,
    /// `newest` (default), `popular`, `title`, `year` or `artist` (the first album artist's
    /// name, then title).
    #[param(schema_with = sort)]
    sort: Option<String>,
    /// 1 to 100, default 20.
    limit: Option<i64>,
    /// From the previous page's `nextCursor`.
    #[param(schema_with = crate::http::openapi::cursor)]
    cursor: Option<String>,
}

fn sort() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&["newest", "popular", "title", "year", "artist"], true)
}

impl AlbumListQuery {
    fn filter(&self) -> Result<AlbumFilter, ApiError> {
        let bad = |detail: &str| ApiError::new(ErrorKind::BadRequest, "invalid_query", detail);
        let sort = match self.sort.as_deref() {
            None | Some("newest") => AlbumSort::Newest,
            Some("popular") => AlbumSort::Popular,
            Some("title") => AlbumSort::Title,
            Some("year") => AlbumSort::Year,
            Some("artist") => AlbumSort::Artist,
            Some(_) => return Err(bad("sort is newest, popular, title, year or artist.")),
        };
        Ok(AlbumFilter {
            artist: self.artist,
            owner: self.owner,
            genre: self.genre.as_deref().map(match_key),
            year: self.year,
            years: None,
            sort,
        })
    }
}

/// Albums, newest, most played, by title or by year, in keyset pages.
#[utoipa::path(get, path = "/api/v1/albums", tag = "albums", params(AlbumListQuery),
    responses((status = 200, body = Page<AlbumView>), (status = 400, body = Problem)))]
pub async fn list_albums(
    State(catalog): State<Arc<Catalog>>,
    Query(query): Query<AlbumListQuery>,
) -> Result<ApiJson<Page<AlbumView>>, ApiError> {
    let filter = query.filter()?;
    let limit = pagination::limit(query.limit);
    let cursor: Option<AlbumCursor> = pagination::decode_cursor(query.cursor.as_deref())?;
    let page = catalog.album_page(&filter, cursor.as_ref(), limit).await?;
    Ok(ApiJson(Page {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// An album with its songs in disc and track order, and its total length.
#[utoipa::path(get, path = "/api/v1/albums/{id}", tag = "albums", security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The album")),
    responses((status = 200, body = AlbumDetail), (status = 404, body = Problem)))]
pub async fn get_album(
    State(catalog): State<Arc<Catalog>>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<AlbumDetail>, ApiError> {
    Ok(ApiJson(catalog.album_answer(id, viewer.user_id()).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAlbum {
    title: Option<String>,
    /// An empty text clears the description.
    about: Option<String>,
    /// The release year; null clears it.
    #[serde(
        default,
        deserialize_with = "crate::http::json::whole_number::nullable"
    )]
    #[schema(value_type = Option<i64>, minimum = 1000, maximum = 2999)]
    year: Option<Option<i64>>,
}

/// Changes an album's title, description or year (its owner or an administrator).
#[utoipa::path(patch, path = "/api/v1/albums/{id}", tag = "albums", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = UpdateAlbum,
    responses((status = 200, body = AlbumView), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_album(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<UpdateAlbum>,
) -> Result<ApiJson<AlbumView>, ApiError> {
    let edit = AlbumEdit {
        title: body.title.as_deref(),
        about: body.about.as_deref(),
        year: body.year,
    };
    Ok(ApiJson(catalog.update_album(&caller, id, edit).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DeleteAlbumQuery {
    /// `keep` (default: the songs stay, as singles) or `delete` (the songs and their files go
    /// too).
    #[param(schema_with = songs_choice)]
    songs: Option<String>,
}

fn songs_choice() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&["keep", "delete"], true)
}

/// Deletes an album and its poster; its songs stay as singles or go too, as asked.
#[utoipa::path(delete, path = "/api/v1/albums/{id}", tag = "albums", security(("bearer" = [])),
    params(("id" = Uuid, Path), DeleteAlbumQuery),
    responses((status = 204), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_album(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    Query(query): Query<DeleteAlbumQuery>,
) -> Result<StatusCode, ApiError> {
    let with_songs = match query.songs.as_deref() {
        None | Some("keep") => false,
        Some("delete") => true,
        Some(_) => {
            return Err(ApiError::new(
                ErrorKind::BadRequest,
                "invalid_query",
                "songs is keep or delete.",
            ));
        }
    };
    catalog.delete_album(&caller, id, with_songs).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces an album's poster. The body is the picture (JPEG, PNG or WebP).
#[utoipa::path(put, path = "/api/v1/albums/{id}/poster", tag = "albums", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, body = AlbumView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem)))]
pub async fn put_album_poster(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<ApiJson<AlbumView>, ApiError> {
    // Who may change the album is settled before a byte of the body is read.
    let album = catalog.album_poster_editable(&caller, id).await?;
    let bytes = read_limited(body, images::MAX_BYTES).await?;
    Ok(ApiJson(
        catalog.set_album_poster(album, Vec::from(bytes)).await?,
    ))
}

/// Every genre some song carries, the most used first, with song and album counts.
#[utoipa::path(get, path = "/api/v1/genres", tag = "albums",
    responses((status = 200, body = Vec<GenreView>)))]
pub async fn list_genres(
    State(catalog): State<Arc<Catalog>>,
) -> Result<ApiJson<Vec<GenreView>>, ApiError> {
    Ok(ApiJson(catalog.genres().await?))
}
