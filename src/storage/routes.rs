//! GET /media/{key}: the pictures Ampli shows to anyone (posters, avatars), streamed from the
//! object store. Keys hold a fresh UUID per upload, so a file never changes under its URL and
//! may be cached for a long time.

use axum::extract::{FromRef, Path, State};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use super::serve::Object;
use super::{Storage, is_valid_key};
use crate::http::{ApiError, ErrorKind, Problem};

/// The key spans several path segments, which needs axum's `{*key}`; the OpenAPI document
/// names it as the plain parameter `{key}`.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    Storage: FromRef<S>,
{
    #[derive(OpenApi)]
    #[openapi(paths(get_media))]
    struct MediaDoc;
    OpenApiRouter::with_openapi(MediaDoc::openapi()).route("/media/{*key}", get(get_media))
}

fn not_found() -> ApiError {
    ApiError::new(
        ErrorKind::NotFound,
        "media_not_found",
        "There is no such media file.",
    )
}

/// Whether `key` is one of the pictures Ampli made to be shown to anyone: a user's or an
/// artist's picture (`avatars/<user>/<id>/<size>.jpg`, `artists/<artist>/<id>/<size>.jpg`) or
/// a song poster (`songs/<song>/poster-<id>/<size>.jpg`).
/// Audio (originals and renditions) is never public: it is reached through the song's
/// authorised stream route or a signed link.
fn is_public(key: &str) -> bool {
    let parts: Vec<&str> = key.split('/').collect();
    let picture = |name: &str| {
        name.strip_suffix(".jpg")
            .is_some_and(|size| size.parse::<u32>().is_ok())
    };
    match parts.as_slice() {
        ["avatars" | "artists", _, _, name] => picture(name),
        ["songs", _, folder, name] => folder.starts_with("poster-") && picture(name),
        _ => false,
    }
}

/// A public picture (poster, avatar) by its key, with Range support. Anything else is 404,
/// audio included.
#[utoipa::path(get, path = "/media/{key}", tag = "media",
    params(("key" = String, Path, description = "The media key, e.g. avatars/<user>/<id>/256.jpg")),
    responses((status = 200, description = "The file"), (status = 206, description = "Part of the file"),
              (status = 304), (status = 404, body = Problem), (status = 416, body = Problem)))]
async fn get_media(
    State(storage): State<Storage>,
    Path(key): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !is_valid_key(&key) || !is_public(&key) {
        return Err(not_found());
    }
    let object = Object {
        key: &key,
        content_type: "image/jpeg",
        // A key holds a fresh id per upload: the file never changes under its URL.
        cache_control: "public, max-age=31536000, immutable",
    };
    storage
        .respond(object, &method, &headers)
        .await?
        .ok_or_else(not_found)
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn only_pictures_are_public() {
        assert!(is_public("avatars/u/a/256.jpg"));
        assert!(is_public("artists/a/p/64.jpg"));
        assert!(is_public("songs/s/poster-p/512.jpg"));
        for private in [
            "songs/s/original.mp3",
            "songs/s/mp3.mp3",
            "songs/s/high.ogg",
            "songs/s/original.jpg",
            "songs/s/poster-p/x.mp3",
            "songs/s/poster-p/512.mp3",
            "avatars/u/a/b/256.jpg",
            "tmp/x/256.jpg",
        ] {
            assert!(!is_public(private), "{private}");
        }
    }
}
