//! The fixed list of song categories (the earlier Ampli's), served by GET /categories.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::http::ApiJson;

pub const CATEGORIES: [&str; 9] = [
    "Arts",
    "Business",
    "Education",
    "Entertainment",
    "Kids and Family",
    "Music",
    "Science",
    "Tech",
    "Others",
];

pub const DEFAULT_CATEGORY: &str = "Others";

/// The category as listed, matched without regard to case; `None` if unknown.
pub fn canonical(category: &str) -> Option<&'static str> {
    CATEGORIES
        .iter()
        .find(|known| known.eq_ignore_ascii_case(category.trim()))
        .copied()
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_categories))
}

/// The song categories.
#[utoipa::path(get, path = "/api/v1/categories", tag = "songs",
    responses((status = 200, body = Vec<String>)))]
async fn list_categories() -> ApiJson<&'static [&'static str]> {
    ApiJson(&CATEGORIES)
}
