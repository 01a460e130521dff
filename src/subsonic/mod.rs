//! The OpenSubsonic API under `/rest/`, so that the music apps people already use (Symfonium,
//! DSub, Tempo, Feishin, Supersonic, …) can use Ampli. A thin translation: it parses Subsonic
//! parameters (`params`), authenticates with app passwords (`auth`), calls the same
//! capability services the REST API calls (never their tables), and writes the Subsonic
//! envelope in XML or JSON (`response`). Ids carry their kind (`ids`); errors are the spec's
//! codes (`error`). The methods are in `routes/`, one file per group of the spec.
//!
//! Sits above every capability it translates for (accounts, catalog, library, search); only
//! the composition root imports it.

mod auth;
mod error;
pub(crate) mod ids;
mod now_playing;
pub(crate) mod params;
mod positions;
pub(crate) mod response;
mod routes;
mod songs;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRef, Path, State};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::accounts::Accounts;
use crate::accounts::app_passwords::AppCaller;
use crate::catalog::Catalog;
use crate::discovery::Discovery;
use crate::http::client_ip::ClientIp;
use crate::library::Library;
use crate::metrics::RouteLabel;
use crate::search::Search;
use crate::shared::Shared;
pub use error::SubsonicError;
use now_playing::NowPlaying;
use params::Params;
use positions::Positions;
use response::{Envelope, Format, Node};
pub use routes::METHODS;

/// Most bytes a form body may carry: a playlist update naming a few thousand songs.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// The services the Subsonic methods call.
pub struct Subsonic {
    pub accounts: Arc<Accounts>,
    pub catalog: Arc<Catalog>,
    pub library: Arc<Library>,
    pub search: Arc<Search>,
    pub discovery: Arc<Discovery>,
    /// Where offset-paged lists continue, so that an app paging through a whole library
    /// does not make each page slower than the last.
    positions: Positions,
    now_playing: NowPlaying,
}

impl Subsonic {
    pub fn new(
        shared: Shared,
        accounts: Arc<Accounts>,
        catalog: Arc<Catalog>,
        library: Arc<Library>,
        search: Arc<Search>,
        discovery: Arc<Discovery>,
    ) -> Self {
        Self {
            accounts,
            catalog,
            library,
            search,
            discovery,
            positions: Positions::default(),
            now_playing: NowPlaying::new(shared.redis),
        }
    }
}

/// One request being answered: who asks and with what.
pub struct Call<'a> {
    pub subsonic: &'a Subsonic,
    /// None only for the methods that need no sign-in.
    caller: Option<AppCaller>,
    pub params: &'a Params,
    pub method: &'a Method,
    pub headers: &'a HeaderMap,
}

impl Call<'_> {
    pub fn caller(&self) -> &AppCaller {
        self.caller
            .as_ref()
            .expect("only methods that need no sign-in run without a caller")
    }

    pub fn user(&self) -> uuid::Uuid {
        self.caller().user_id
    }
}

/// What a method answers.
pub enum Reply {
    /// Success with no body element (`ping`, `star`, …).
    Empty,
    /// Success: the node's children are the answer's elements.
    Body(Node),
    /// Bytes rather than an envelope: streams, downloads, pictures.
    Raw(Response),
}

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Subsonic>: FromRef<S>,
{
    Router::new()
        .route("/rest/{method}", get(answer).post(answer))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
}

async fn answer(
    State(subsonic): State<Arc<Subsonic>>,
    Path(method): Path<String>,
    ClientIp(client_ip): ClientIp,
    http_method: Method,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let name = method.strip_suffix(".view").unwrap_or(&method);
    let known = METHODS.iter().find(|known| known.name == name);
    // The metrics label is the method's name when it is one of ours, so that the label set
    // stays bounded whatever names callers make up.
    let label = known.map_or("/rest/(unknown)", |known| known.label);
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"))
        .then_some(&body[..]);
    let mut response = match Params::parse(uri.query(), form) {
        Err(error) => Envelope::Failed(error).respond(&Format::Xml),
        Ok(params) => match Format::parse(params.get("f"), params.get("callback")) {
            Err((format, error)) => Envelope::Failed(error).respond(&format),
            Ok(format) => {
                let call = Call {
                    subsonic: &subsonic,
                    caller: None,
                    params: &params,
                    method: &http_method,
                    headers: &headers,
                };
                let reply = match (known, params.check_text()) {
                    (_, Err(error)) => Err(error),
                    (None, _) => Err(SubsonicError::not_offered("this method")),
                    (Some(known), Ok(())) => run(known, call, &client_ip).await,
                };
                match reply {
                    Ok(Reply::Empty) => Envelope::Ok(Node::new()).respond(&format),
                    Ok(Reply::Body(body)) => Envelope::Ok(body).respond(&format),
                    Ok(Reply::Raw(response)) => response,
                    Err(error) => Envelope::Failed(error).respond(&format),
                }
            }
        },
    };
    response.extensions_mut().insert(RouteLabel(label));
    response.into_response()
}

/// Signs the caller in (unless the method needs no sign-in) and runs the method.
async fn run(
    known: &routes::Method,
    mut call: Call<'_>,
    client_ip: &str,
) -> Result<Reply, SubsonicError> {
    if known.needs_sign_in {
        call.caller =
            Some(auth::authenticate(&call.subsonic.accounts, call.params, client_ip).await?);
    }
    routes::dispatch(known, &call).await
}
