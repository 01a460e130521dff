//! Annotation and listening state: stars and ratings, scrobbles and now-playing, bookmarks
//! (Ampli's resume points) and the saved play queue.
//!
//! - A starred song is a favourite (see `library::marks`); albums and artists are starred on
//!   their own.
//! - `scrobble` with `submission=true` (the default) counts a play and puts the song at the
//!   top of the listening history, through the same calls as the REST API's play report;
//!   `submission=false` says what the caller is playing now.
//! - A bookmark is the song's resume point in the listening history: creating one records
//!   the progress (whole seconds), deleting one sets it back to the start, and the list is
//!   the history's songs with a resume point.

use uuid::Uuid;

use crate::library::MarkTarget;
use crate::subsonic::error::SubsonicError;
use crate::subsonic::ids::{self, Id};
use crate::subsonic::now_playing::Playing;
use crate::subsonic::response::Node;
use crate::subsonic::routes::browsing::song_id;
use crate::subsonic::songs::{self, time};
use crate::subsonic::{Call, Reply};

/// Most bookmarks answered.
const MAX_BOOKMARKS: i64 = 500;

/// The targets of `id` (any kind), `albumId` and `artistId`.
fn targets(call: &Call<'_>) -> Result<Vec<MarkTarget>, SubsonicError> {
    let mut targets = Vec::new();
    let params = call.params;
    let named = params
        .all("id")
        .into_iter()
        .chain(params.all("albumId"))
        .chain(params.all("artistId"));
    for raw in named {
        targets.push(match Id::require(raw)? {
            Id::Song(id) | Id::Single(id) => MarkTarget::Song(id),
            Id::Album(id) => MarkTarget::Album(id),
            Id::Artist(id) => MarkTarget::Artist(id),
            _ => return Err(SubsonicError::not_found("Item")),
        });
    }
    Ok(targets)
}

pub async fn star(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    for target in targets(call)? {
        call.subsonic.library.star(call.user(), target).await?;
    }
    Ok(Reply::Empty)
}

pub async fn unstar(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    for target in targets(call)? {
        call.subsonic.library.unstar(call.user(), target).await?;
    }
    Ok(Reply::Empty)
}

pub async fn set_rating(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let target = match Id::require(call.params.required("id")?)? {
        Id::Song(id) | Id::Single(id) => MarkTarget::Song(id),
        Id::Album(id) => MarkTarget::Album(id),
        Id::Artist(id) => MarkTarget::Artist(id),
        _ => return Err(SubsonicError::not_found("Item")),
    };
    let rating = call
        .params
        .number::<i64>("rating")?
        .ok_or(SubsonicError::missing("rating"))?;
    call.subsonic
        .library
        .rate(call.user(), target, rating)
        .await?;
    Ok(Reply::Empty)
}

pub async fn scrobble(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let mut songs = Vec::new();
    for raw in call.params.all("id") {
        match Id::require(raw)? {
            Id::Song(id) => songs.push(id),
            _ => return Err(SubsonicError::not_found("Song")),
        }
    }
    if songs.is_empty() {
        return Err(SubsonicError::missing("id"));
    }
    let user = call.user();
    if call.params.flag("submission").unwrap_or(true) {
        for song in songs {
            call.subsonic.catalog.record_play(user, song).await?;
            call.subsonic.library.report_progress(user, song, 0).await?;
        }
    } else {
        let song = songs[0];
        call.subsonic.catalog.require_song(song).await?;
        let player: String = call
            .params
            .get("c")
            .unwrap_or("")
            .chars()
            .take(64)
            .collect();
        call.subsonic.now_playing.set(user, song, player).await;
    }
    Ok(Reply::Empty)
}

pub async fn now_playing(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let mut entries = Vec::new();
    for playing in call.subsonic.now_playing.current().await {
        let Playing {
            user,
            song,
            player,
            ago,
        } = playing;
        let Ok(view) = call
            .subsonic
            .catalog
            .song_answer(song, Some(call.user()))
            .await
        else {
            continue;
        };
        // Listeners are shown by their display name only; the caller also by their user name.
        let name = if user == call.user() {
            call.caller().email.clone()
        } else {
            "a listener".to_owned()
        };
        entries.push(
            songs::song(&view)
                .attr("username", name)
                .attr("minutesAgo", (ago.as_secs() / 60) as i64)
                .attr("playerId", 0)
                .attr("playerName", player),
        );
    }
    Ok(Reply::Body(
        Node::new().child("nowPlaying", Node::new().list("entry", entries)),
    ))
}

pub async fn bookmarks(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let user = call.user();
    let history = call
        .subsonic
        .library
        .history(user, None, MAX_BOOKMARKS)
        .await?;
    let nodes = history
        .items
        .iter()
        .filter(|entry| entry.progress > 0)
        .map(|entry| {
            Node::new()
                .attr("position", i64::from(entry.progress) * 1000)
                .attr("username", &call.caller().email)
                .attr("comment", "")
                .attr("created", time(entry.last_played_at))
                .attr("changed", time(entry.last_played_at))
                .child("entry", songs::song(&entry.song))
        })
        .collect();
    Ok(Reply::Body(
        Node::new().child("bookmarks", Node::new().list("bookmark", nodes)),
    ))
}

pub async fn create_bookmark(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = song_id(call, "id")?;
    let position = call
        .params
        .number::<i64>("position")?
        .ok_or(SubsonicError::missing("position"))?;
    if position < 0 {
        return Err(SubsonicError::invalid("position cannot be negative."));
    }
    call.subsonic
        .library
        .report_progress(call.user(), id, position / 1000)
        .await?;
    Ok(Reply::Empty)
}

pub async fn delete_bookmark(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let id = song_id(call, "id")?;
    call.subsonic
        .library
        .report_progress(call.user(), id, 0)
        .await?;
    Ok(Reply::Empty)
}

/// The saved queue's parts shared by both forms, or none when nothing is saved.
async fn queue_node(call: &Call<'_>, by_index: bool) -> Result<Option<Node>, SubsonicError> {
    let Some(queue) = call.subsonic.library.play_queue(call.user()).await? else {
        return Ok(None);
    };
    let current = queue
        .current
        .and_then(|index| usize::try_from(index).ok())
        .filter(|&index| index < queue.songs.len());
    let mut node = Node::new()
        .attr("position", queue.position_ms)
        .attr("username", &call.caller().email)
        .attr("changed", time(queue.changed_at))
        .attr("changedBy", &queue.changed_by);
    node = if by_index {
        node.opt("currentIndex", current)
    } else {
        node.opt(
            "current",
            current.map(|index| ids::song(queue.songs[index].id)),
        )
    };
    Ok(Some(node.list(
        "entry",
        queue.songs.iter().map(songs::song).collect(),
    )))
}

pub async fn play_queue(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    Ok(match queue_node(call, false).await? {
        Some(node) => Reply::Body(Node::new().child("playQueue", node)),
        None => Reply::Empty,
    })
}

pub async fn play_queue_by_index(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    Ok(match queue_node(call, true).await? {
        Some(node) => Reply::Body(Node::new().child("playQueueByIndex", node)),
        None => Reply::Empty,
    })
}

fn queue_songs(call: &Call<'_>) -> Result<Vec<Uuid>, SubsonicError> {
    call.params
        .all("id")
        .into_iter()
        .map(|raw| match Id::require(raw)? {
            Id::Song(id) => Ok(id),
            _ => Err(SubsonicError::not_found("Song")),
        })
        .collect()
}

async fn save_queue(
    call: &Call<'_>,
    songs: &[Uuid],
    current: Option<i32>,
) -> Result<Reply, SubsonicError> {
    let position = call.params.number::<i64>("position")?.unwrap_or(0);
    let player = call.params.get("c").unwrap_or("a Subsonic app");
    call.subsonic
        .library
        .save_play_queue(call.user(), songs, current, position, player)
        .await?;
    Ok(Reply::Empty)
}

pub async fn save_play_queue(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let songs = queue_songs(call)?;
    let current = match call.params.get("current") {
        None => None,
        Some(raw) => {
            let Some(Id::Song(current)) = Id::parse(raw) else {
                return Err(SubsonicError::not_found("Song"));
            };
            let index = songs
                .iter()
                .position(|song| *song == current)
                .ok_or(SubsonicError::invalid("current is not in the queue."))?;
            Some(index as i32)
        }
    };
    save_queue(call, &songs, current).await
}

pub async fn save_play_queue_by_index(call: &Call<'_>) -> Result<Reply, SubsonicError> {
    let songs = queue_songs(call)?;
    let current = call.params.number::<i32>("currentIndex")?;
    save_queue(call, &songs, current).await
}
