//! Entry points for the fuzz targets in `fuzz/` (`scripts/fuzz`): each runs the code that reads
//! a stranger's bytes exactly as the server or the importer runs it. Not an API.
//!
//! Parsers already public (`media::range`, `media::audio`, `http::pagination`) are fuzzed
//! through their own paths; only what the crate keeps to itself is reached from here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::{Request, header};
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use crate::catalog::CatalogError;
use crate::catalog::upload::form as upload;
pub use crate::import::plan::Plan;
use crate::import::plan::{self, Target};
pub use crate::import::report::Report;
use crate::import::source::COLLECTIONS;
pub use crate::import::source::Collection;
use crate::media::audio::AudioFormat;

/// What an upload's body became once read and checked, as `POST /songs` has it just before it
/// stores the audio.
#[derive(Debug)]
pub struct CheckedUpload {
    /// Where the audio was spooled; removed by the time this is returned.
    pub spooled: PathBuf,
    /// Whether the spooled file was there while the upload was held.
    pub spooled_existed: bool,
    pub format: AudioFormat,
    pub duration_seconds: i32,
    pub title: String,
    pub about: Option<String>,
    pub category: &'static str,
    pub credits: Vec<(Uuid, &'static str)>,
    pub poster_bytes: Option<usize>,
}

/// One runtime for every call: the upload reads its parts asynchronously and inspects the
/// audio on the blocking pool, as under `ampli serve`.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// Reads `body` as a `multipart/form-data` upload with `boundary`, spooling its audio under
/// `tmp_dir`, through the same extractor and checks as `POST /songs` on a server without
/// ffmpeg (decoding each input in full would slow the fuzzing a hundredfold).
pub fn upload(
    body: &[u8],
    boundary: &str,
    tmp_dir: &Path,
    max_upload_size: u64,
) -> Result<CheckedUpload, CatalogError> {
    let request = Request::builder()
        .method("POST")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body.to_vec()))
        .expect("a request");
    runtime().block_on(async {
        let multipart = Multipart::from_request(request, &())
            .await
            .map_err(|rejection| CatalogError::MalformedUpload(rejection.body_text()))?;
        let checked = upload::read_upload(multipart, tmp_dir, max_upload_size, None).await?;
        Ok(CheckedUpload {
            spooled: checked.audio.0.clone(),
            spooled_existed: checked.audio.0.exists(),
            format: checked.info.format,
            duration_seconds: checked.info.duration_seconds,
            title: checked.title,
            about: checked.about,
            category: checked.category,
            credits: checked.credits,
            poster_bytes: checked.poster.map(|p| p.len()),
        })
    })
}

/// A dry run's results: what was read of each collection, the report and the rows.
pub struct DryRun {
    pub collections: HashMap<&'static str, Collection>,
    pub report: Report,
    pub plan: Plan,
}

/// Reads every collection's `<name>.bson` in `dir` (as from a `mongodump` directory) and
/// plans the import as `ampli import-mongo --dry-run` does, at `now`.
pub fn dry_run(dir: &Path, now: DateTime<Utc>) -> anyhow::Result<DryRun> {
    let mut collections = HashMap::new();
    for name in COLLECTIONS {
        let path = dir.join(format!("{name}.bson"));
        collections.insert(name, crate::import::source::dump::read(&path)?);
    }
    let target = Target {
        foreign_emails: Default::default(),
        now,
    };
    let mut report = Report::default();
    let plan = plan::build(&collections, &target, &mut report);
    Ok(DryRun {
        collections,
        report,
        plan,
    })
}

/// A Subsonic request's query string and form body as `/rest` reads them, with every value
/// then written back into an answer in XML and JSON, as a method echoing a stranger's text
/// would. Panics if reading panics, if the XML is not well-formed, or if the JSON does not
/// read back to the same text.
pub fn subsonic_request(query: &str, form: &[u8]) {
    use crate::subsonic::ids::Id;
    use crate::subsonic::params::Params;
    use crate::subsonic::response::{Envelope, Format, Node};

    let Ok(params) = Params::parse(Some(query), Some(form)) else {
        return;
    };
    let _ = params.check_text();
    let _ = Format::parse(params.get("f"), params.get("callback"));
    let items: Vec<Node> = params
        .pairs()
        .map(|(name, value)| {
            if let Some(id) = Id::parse(value) {
                assert_eq!(Id::parse(&id.to_string()), Some(id), "{value:?}");
            }
            Node::new()
                .attr("name", name)
                .attr("value", value)
                .text(value)
        })
        .collect();
    let envelope = Envelope::Ok(Node::new().child("echo", Node::new().list("item", items)));
    let xml = envelope.xml().expect("writing to memory does not fail");
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("ill-formed XML ({error}) for {query:?}"),
        }
        buffer.clear();
    }
    let json: serde_json::Value =
        serde_json::from_str(&envelope.json()).expect("the JSON reads back");
    let echoed = &json["subsonic-response"]["echo"]["item"];
    for (index, (name, value)) in params.pairs().enumerate() {
        assert_eq!(echoed[index]["name"], name);
        assert_eq!(echoed[index]["value"], value);
    }
}
