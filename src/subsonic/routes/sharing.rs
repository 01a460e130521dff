//! Shares: public links to a song, an album or a playlist, with an expiry, that play in the
//! web app's `/share/{token}` page without an account (see `library::shares`).

use chrono::{DateTime, Utc};

use crate::library::{ShareView, Shared, share_path};
use crate::subsonic::error::SubsonicError;
use crate::subsonic::ids::Id;
use crate::subsonic::response::Node;
use crate::subsonic::songs::{self, time};
use crate::subsonic::{Call, Reply};

/// `expires` in milliseconds since 1970; 0 or nothing means never.
fn expiry(call: &Call<'_>) -> Result<Option<Option<DateTime<Utc>>>, SubsonicError> {
    match call.params.number::<i64>("expires")? {
        None => Ok(None),
        Some(0) => Ok(Some(None)),
        Some(ms) => DateTime::from_timestamp_millis(ms)
            .map(|at| Some(Some(at)))
            .ok_or(SubsonicError::invalid("expires is not a time.")),
    }
}

fn share_node(call: &Call<'_>, share: &ShareView) -> Node {
    let url = format!(
        "{}{}",
        call.subsonic.accounts.public_url,
        share_path(&share.token)
    );
    Node::new()
        .attr("id", Id::Share(share.id).to_string())
        .attr("url", url)
        .opt("description", share.description.as_deref())
        .attr("username", &call.caller().email)
        .attr("created", time(share.created_at))
        .opt("expires", share.expires_at.map(time))
        .opt("lastVisited", share.last_visited_at.map(time))
        .attr("visitCount", share.visit_count)
        .list("entry", share.songs.iter().map(songs::song).collect())
}

fn share_id(call: &Call<'_>) -> Result<uuid::Uuid, SubsonicError> {
    match Id::require(call.params.required("id")?)? {
        Id::Share(id) => Ok(id),
        _ => Err(SubsonicError::not_found("Share")),
    }
}

pub async fn create(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let ids = call.params.all("id");
    let [one] = ids.as_slice() else {
        return Err(match ids.len() {
            0 => SubsonicError::missing("id"),
            _ => SubsonicError::invalid("A share is of one song, album or playlist."),
        });
    };
    let shared = match Id::require(one)? {
        Id::Song(id) => Shared::Song(id),
        Id::Album(id) => Shared::Album(id),
        Id::Playlist(id) => Shared::Playlist(id),
        _ => return Err(SubsonicError::not_found("Item")),
    };
    let share = call
        .subsonic
        .library
        .create_share(
            call.user(),
            shared,
            call.params.get("description"),
            expiry(call)?.flatten(),
        )
        .await?;
    Ok(Reply::Body(Node::new().child(
        "shares",
        Node::new().list("share", vec![share_node(call, &share)]),
    )))
}

pub async fn list(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let shares = call.subsonic.library.shares(call.user()).await?;
    let nodes = shares.iter().map(|share| share_node(call, share)).collect();
    Ok(Reply::Body(
        Node::new().child("shares", Node::new().list("share", nodes)),
    ))
}

pub async fn update(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = share_id(call)?;
    call.subsonic
        .library
        .update_share(
            call.user(),
            id,
            call.params.get("description"),
            expiry(call)?,
        )
        .await?;
    Ok(Reply::Empty)
}

pub async fn delete(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = share_id(call)?;
    call.subsonic.library.delete_share(call.user(), id).await?;
    Ok(Reply::Empty)
}
