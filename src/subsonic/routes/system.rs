//! System methods: ping, licence, the extensions Ampli speaks, the signed-in user, and the
//! library scan Ampli does not have.

use crate::subsonic::error::SubsonicError;
use crate::subsonic::response::{Node, Value};
use crate::subsonic::{Call, Reply};

/// The OpenSubsonic extensions Ampli implements, with their versions.
pub const EXTENSIONS: [(&str, i64); 4] = [
    ("apiKeyAuthentication", 1),
    ("formPost", 1),
    ("songLyrics", 1),
    ("indexBasedQueue", 1),
];

pub async fn ping(_call: &Call<'_>) -> Result<Reply, SubsonicError> {
    Ok(Reply::Empty)
}

pub async fn extensions(_call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let extensions = EXTENSIONS
        .iter()
        .map(|(name, version)| {
            Node::new()
                .attr("name", *name)
                .values("versions", vec![Value::Int(*version)])
        })
        .collect();
    Ok(Reply::Body(
        Node::new().list("openSubsonicExtensions", extensions),
    ))
}

pub async fn license(_call: &Call<'_>) -> Result<Reply, SubsonicError> {
    // Ampli is free software: there is no licence to check, so it is always valid.
    Ok(Reply::Body(
        Node::new().child("license", Node::new().attr("valid", true)),
    ))
}

pub async fn token_info(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    Ok(Reply::Body(Node::new().child(
        "tokenInfo",
        Node::new().attr("username", &call.caller().email),
    )))
}

/// The signed-in user. Others' accounts are not shown over Subsonic.
pub async fn user(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let caller = call.caller();
    let asked = call.params.required("username")?;
    if !asked.eq_ignore_ascii_case(&caller.email) {
        return Err(SubsonicError::not_authorized(
            "Only your own account is shown here.",
        ));
    }
    let user = Node::new()
        .attr("username", &caller.email)
        .attr("email", &caller.email)
        .attr("scrobblingEnabled", true)
        .attr("adminRole", caller.is_admin)
        .attr("settingsRole", false)
        .attr("downloadRole", true)
        .attr("uploadRole", false)
        .attr("playlistRole", true)
        .attr("coverArtRole", false)
        .attr("commentRole", false)
        .attr("podcastRole", false)
        .attr("streamRole", true)
        .attr("jukeboxRole", false)
        .attr("shareRole", true)
        .attr("videoConversionRole", false)
        .values("folder", vec![Value::Int(1)]);
    Ok(Reply::Body(Node::new().child("user", user)))
}

/// Ampli has no library scan (songs are uploaded, not found in folders): nothing is ever
/// scanning, and the count is the songs there are. `startScan` answers the same.
pub async fn scan_status(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let count = call.subsonic.catalog.song_count().await?;
    Ok(Reply::Body(Node::new().child(
        "scanStatus",
        Node::new().attr("scanning", false).attr("count", count),
    )))
}
