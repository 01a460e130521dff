//! GET /categories: the fixed list songs are filed under.

use crate::catalog::categories::CATEGORIES;
use crate::http::ApiJson;

/// The song categories.
#[utoipa::path(get, path = "/api/v1/categories", tag = "songs",
    responses((status = 200, body = Vec<String>)))]
pub async fn list_categories() -> ApiJson<&'static [&'static str]> {
    ApiJson(&CATEGORIES)
}
