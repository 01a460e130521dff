//! The composition root: builds every capability's service, assembles their routers and the
//! OpenAPI document, and wraps them in the shared middleware. Nothing in the crate imports
//! this file but the commands that serve; capabilities name only the services they need, which
//! their routers take from this state through `FromRef`.

use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use sqlx::PgPool;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::accounts::Accounts;
use crate::catalog::Catalog;
use crate::config::Config;
use crate::db::availability::DatabaseStatus;
use crate::db::replicas::Reads;
use crate::discovery::Discovery;
use crate::http::{self, FieldError, Problem};
use crate::library::Library;
use crate::metrics::Metrics;
use crate::search::Search;
use crate::shared::Shared;
use crate::social::Social;
use crate::storage::Storage;
use crate::subsonic::Subsonic;

/// Every service, built once at start; handlers take only the part they need.
#[derive(Clone)]
pub struct AppState {
    pub db: PgPool,
    /// Whether the database is known to be down (the private cluster restarting): set by
    /// `ampli serve` for the cluster it runs; never down otherwise.
    pub db_status: DatabaseStatus,
    pub metrics: Metrics,
    /// Where lag-tolerant reads go: a healthy replica, else the primary (`db`).
    pub reads: Reads,
    /// Redis and the cache invalidations, when instances share them.
    pub shared: Shared,
    pub storage: Storage,
    pub accounts: Arc<Accounts>,
    pub catalog: Arc<Catalog>,
    pub library: Arc<Library>,
    pub social: Arc<Social>,
    pub search: Arc<Search>,
    pub discovery: Arc<Discovery>,
    pub subsonic: Arc<Subsonic>,
}

impl AppState {
    /// Builds every capability's service, lower layers first. Needs a migrated database (it
    /// reads the access-token and stream-link keys from it).
    pub async fn build(db: PgPool, config: &Config) -> anyhow::Result<Self> {
        let storage = Storage::from_config(config)?;
        let shared = Shared::new(config, &db)?;
        let reads = Reads::from_config(db.clone(), config)?;
        let accounts = Accounts::new(db.clone(), config, storage.clone(), &shared).await?;
        // The catalog answers songs with what the caller did with them, which the library
        // keeps: it is handed the library's lookup rather than importing the library.
        let viewer_states = Arc::new(crate::library::ViewerStates::new(db.clone()));
        let catalog = Catalog::new(
            db.clone(),
            config,
            storage.clone(),
            viewer_states,
            reads.clone(),
            &shared,
        )
        .await?;
        // Discovery hears of each added song (its lists go stale) without the catalog
        // importing it.
        let discovery = Arc::new(Discovery::new(
            db.clone(),
            reads.clone(),
            &shared,
            catalog.clone(),
        ));
        catalog.listen_for_songs(discovery.clone());
        let library = Arc::new(Library::new(db.clone(), catalog.clone()));
        let search = Arc::new(Search::new(reads.clone(), catalog.clone()));
        // The Subsonic API translates for the capabilities below it, through their services.
        let subsonic = Arc::new(Subsonic::new(
            shared.clone(),
            accounts.clone(),
            catalog.clone(),
            library.clone(),
            search.clone(),
            discovery.clone(),
        ));
        Ok(Self {
            library,
            social: Arc::new(Social::new(db.clone(), reads.clone(), catalog.clone())),
            search,
            discovery,
            subsonic,
            accounts,
            catalog,
            storage,
            reads,
            shared,
            db,
            db_status: DatabaseStatus::default(),
            metrics: Metrics::default(),
        })
    }
}

/// `FromRef` for each part of the state a handler may take.
macro_rules! parts {
    ($($field:ident: $type:ty),* $(,)?) => {
        $(impl FromRef<AppState> for $type {
            fn from_ref(state: &AppState) -> Self {
                state.$field.clone()
            }
        })*
    };
}

parts!(
    db: PgPool,
    db_status: DatabaseStatus,
    metrics: Metrics,
    reads: Reads,
    shared: Shared,
    storage: Storage,
    accounts: Arc<Accounts>,
    catalog: Arc<Catalog>,
    library: Arc<Library>,
    social: Arc<Social>,
    search: Arc<Search>,
    discovery: Arc<Discovery>,
    subsonic: Arc<Subsonic>,
);

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ampli",
        description = "A self-hostable music streaming platform. Errors are RFC 9457 problems \
                       (application/problem+json) with a stable `code`."
    ),
    components(schemas(Problem, FieldError))
)]
struct ApiDoc;

/// Every capability's routes with their OpenAPI description. A new capability adds its
/// `router()` here.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(crate::operations::router())
        .merge(crate::accounts::router())
        .merge(crate::catalog::router())
        .merge(crate::library::router())
        .merge(crate::social::router())
        .merge(crate::discovery::router())
        .merge(crate::search::router())
        .merge(crate::storage::router())
        .merge(http::docs::router())
}

/// The OpenAPI document, as served at /api/openapi.json.
pub fn openapi() -> utoipa::openapi::OpenApi {
    http::openapi::complete(api_routes().into_openapi())
}

/// The whole application, ready to serve.
pub fn router(state: AppState, config: &Config) -> Router {
    let (routes, openapi) = api_routes().split_for_parts();
    let openapi = http::openapi::complete(openapi);
    // Serialised once: the document only changes with the binary.
    let document = openapi.to_json().unwrap_or_else(|error| {
        tracing::error!(%error, "serialising the OpenAPI document");
        "{}".to_owned()
    });
    let routes = routes
        .layer(axum::Extension(Arc::new(document)))
        .merge(crate::web::router())
        .merge(crate::subsonic::router());
    with_common_layers(routes, state, config)
}

/// `routes` with the state applied and every shared layer around them.
pub fn with_common_layers(routes: Router<AppState>, state: AppState, config: &Config) -> Router {
    let shared = http::Shared {
        db_status: state.db_status.clone(),
        metrics: state.metrics.clone(),
        max_body_size: config.max_body_size,
        request_timeout: config.request_timeout,
    };
    let routes = routes
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(config.trusted_proxies.clone()),
            http::client_ip::resolve,
        ));
    http::with_common_layers(routes, shared)
}
