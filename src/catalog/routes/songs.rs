//! The song handlers: upload, read, list, edit, delete and the poster.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::accounts::{AuthUser, MaybeAuthUser};
use crate::catalog::albums::PlacementEdit;
use crate::catalog::store::songs::{SongCursor, SongFilter};
use crate::catalog::views::SongView;
use crate::catalog::{Catalog, categories};
use crate::http::body::read_limited;
use crate::http::pagination::{self, Page};
use crate::http::{ApiError, ApiJson, ErrorKind, Problem};
use crate::media::images;

/// Uploads a song (multipart/form-data): the audio in `file`, an optional picture in
/// `poster`, and the text parts `title`, `about`, `category` and `artists`
/// (JSON `[{"artistId", "role"}]`). Tags fill what the form leaves out. Needs a verified email.
#[utoipa::path(post, path = "/api/v1/songs", tag = "songs", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "file, poster, title, about, category, artists"),
    responses((status = 201, body = SongView), (status = 403, body = Problem), (status = 413, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem), (status = 503, body = Problem)))]
pub async fn upload_song(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    multipart: Multipart,
) -> Result<(StatusCode, ApiJson<SongView>), ApiError> {
    let song = catalog.upload(&caller, multipart).await?;
    Ok((StatusCode::CREATED, ApiJson(song.into())))
}

/// A song with its artists and roles.
#[utoipa::path(get, path = "/api/v1/songs/{id}", tag = "songs", security((), ("bearer" = [])),
    params(("id" = Uuid, Path, description = "The song")),
    responses((status = 200, body = SongView), (status = 404, body = Problem)))]
pub async fn get_song(
    State(catalog): State<Arc<Catalog>>,
    viewer: MaybeAuthUser,
    Path(id): Path<Uuid>,
) -> Result<ApiJson<SongView>, ApiError> {
    Ok(ApiJson(catalog.song_answer(id, viewer.user_id()).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only this category.
    #[param(schema_with = category)]
    category: Option<String>,
    /// Only songs uploaded by this user.
    owner: Option<Uuid>,
    /// Only songs crediting this artist.
    artist: Option<Uuid>,
    /// Only songs of this genre (matched regardless of case and accents).
    genre: Option<String>,
    /// `new` (default) or `popular`.
    #[param(schema_with = sort)]
    sort: Option<String>,
    /// 1 to 100, default 20.
    limit: Option<i64>,
    /// From the previous page's `nextCursor`.
    #[param(schema_with = crate::http::openapi::cursor)]
    cursor: Option<String>,
}

fn category() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&categories::CATEGORIES, true)
}

fn sort() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::openapi::one_of(&["new", "popular"], true)
}

impl ListQuery {
    /// The filter asked for; `invalid_query` for a sort or category that is not one of ours.
    fn filter(&self) -> Result<SongFilter, ApiError> {
        let bad = |detail: &str| ApiError::new(ErrorKind::BadRequest, "invalid_query", detail);
        let popular = match self.sort.as_deref() {
            None | Some("new") => false,
            Some("popular") => true,
            Some(_) => return Err(bad("sort is new or popular.")),
        };
        let category = match self.category.as_deref() {
            None => None,
            Some(given) => Some(
                categories::canonical(given)
                    .ok_or_else(|| bad("Unknown category."))?
                    .to_owned(),
            ),
        };
        Ok(SongFilter {
            category,
            owner: self.owner,
            artist: self.artist,
            followed_by: None,
            genre: self.genre.as_deref().map(crate::media::names::match_key),
            popular,
        })
    }
}

/// Songs, newest or most played first, in keyset pages.
#[utoipa::path(get, path = "/api/v1/songs", tag = "songs", security((), ("bearer" = [])), params(ListQuery),
    responses((status = 200, body = Page<SongView>), (status = 400, body = Problem)))]
pub async fn list_songs(
    State(catalog): State<Arc<Catalog>>,
    viewer: MaybeAuthUser,
    Query(query): Query<ListQuery>,
) -> Result<ApiJson<Page<SongView>>, ApiError> {
    let filter = query.filter()?;
    let limit = pagination::limit(query.limit);
    let cursor: Option<SongCursor> = pagination::decode_cursor(query.cursor.as_deref())?;
    let page = catalog
        .song_page(&filter, cursor.as_ref(), limit, viewer.user_id())
        .await?;
    Ok(ApiJson(Page {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateSong {
    title: Option<String>,
    /// An empty text clears the description.
    about: Option<String>,
    category: Option<String>,
    /// Moves the song onto this album (your own), or off its album with null.
    #[serde(default, deserialize_with = "crate::http::json::nullable")]
    #[schema(value_type = Option<Uuid>)]
    album_id: Option<Option<Uuid>>,
    /// 1 to 999; null clears it.
    #[serde(
        default,
        deserialize_with = "crate::http::json::whole_number::nullable"
    )]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 999)]
    track_number: Option<Option<i64>>,
    /// 1 to 99; null clears it.
    #[serde(
        default,
        deserialize_with = "crate::http::json::whole_number::nullable"
    )]
    #[schema(value_type = Option<i64>, minimum = 1, maximum = 99)]
    disc_number: Option<Option<i64>>,
}

/// Changes a song's title, description or category, or moves it onto, between or off albums.
#[utoipa::path(patch, path = "/api/v1/songs/{id}", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = UpdateSong,
    responses((status = 200, body = SongView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_song(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    ApiJson(body): ApiJson<UpdateSong>,
) -> Result<ApiJson<SongView>, ApiError> {
    let song = catalog
        .update_song(
            &caller,
            id,
            body.title.as_deref(),
            body.about.as_deref(),
            body.category.as_deref(),
            &PlacementEdit {
                album: body.album_id,
                disc: body.disc_number,
                track: body.track_number,
            },
        )
        .await?;
    Ok(ApiJson(song.into()))
}

/// Deletes a song and its files.
#[utoipa::path(delete, path = "/api/v1/songs/{id}", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn delete_song(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    catalog.delete_song(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces a song's poster. The body is the picture (JPEG, PNG or WebP).
#[utoipa::path(put, path = "/api/v1/songs/{id}/poster", tag = "songs", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body(content = Vec<u8>, content_type = "image/*"),
    responses((status = 200, body = SongView), (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem)))]
pub async fn put_poster(
    State(catalog): State<Arc<Catalog>>,
    caller: AuthUser,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<ApiJson<SongView>, ApiError> {
    // Who may change the song is settled before a byte of the body is read.
    let song = catalog.poster_editable(&caller, id).await?;
    let bytes = read_limited(body, images::MAX_BYTES).await?;
    let song = catalog.replace_poster(song, Vec::from(bytes)).await?;
    Ok(ApiJson(song.into()))
}
