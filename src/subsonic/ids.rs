//! Subsonic ids: strings with a kind prefix, so that one id space covers every kind of object
//! (`ar-` artists, `al-` albums, `so-` songs, `pl-` playlists, `ap-` auto-generated playlists,
//! `sh-` shares) and any id names what it is.
//!
//! A song on no album is shown as a single: an album of its own whose id is `sg-` and the
//! song's id, holding that one song, so every song has an album that `getAlbum` resolves.

use uuid::Uuid;

use super::error::SubsonicError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Id {
    Artist(Uuid),
    Album(Uuid),
    /// The single made of an album-less song (the song's id).
    Single(Uuid),
    Song(Uuid),
    Playlist(Uuid),
    /// One of discovery's auto-generated lists (Trending, New Releases, …): read-only.
    AutoPlaylist(Uuid),
    Share(Uuid),
}

impl Id {
    pub fn parse(text: &str) -> Option<Self> {
        let (kind, uuid) = text.split_once('-')?;
        let uuid = Uuid::parse_str(uuid).ok()?;
        Some(match kind {
            "ar" => Self::Artist(uuid),
            "al" => Self::Album(uuid),
            "sg" => Self::Single(uuid),
            "so" => Self::Song(uuid),
            "pl" => Self::Playlist(uuid),
            "ap" => Self::AutoPlaylist(uuid),
            "sh" => Self::Share(uuid),
            _ => return None,
        })
    }

    /// A parameter's id, or "not found" when it names nothing Ampli could hold: a wrong id
    /// is an absent object, as on the REST API.
    pub fn require(text: &str) -> Result<Self, SubsonicError> {
        Self::parse(text).ok_or(SubsonicError::not_found("Item"))
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (kind, uuid) = match self {
            Self::Artist(id) => ("ar", id),
            Self::Album(id) => ("al", id),
            Self::Single(id) => ("sg", id),
            Self::Song(id) => ("so", id),
            Self::Playlist(id) => ("pl", id),
            Self::AutoPlaylist(id) => ("ap", id),
            Self::Share(id) => ("sh", id),
        };
        write!(f, "{kind}-{uuid}")
    }
}

pub fn artist(id: Uuid) -> String {
    Id::Artist(id).to_string()
}

pub fn album(id: Uuid) -> String {
    Id::Album(id).to_string()
}

pub fn single(song: Uuid) -> String {
    Id::Single(song).to_string()
}

pub fn song(id: Uuid) -> String {
    Id::Song(id).to_string()
}

pub fn playlist(id: Uuid) -> String {
    Id::Playlist(id).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_strangers_are_refused() {
        let uuid = Uuid::new_v4();
        for id in [
            Id::Artist(uuid),
            Id::Album(uuid),
            Id::Single(uuid),
            Id::Song(uuid),
            Id::Playlist(uuid),
            Id::AutoPlaylist(uuid),
        ] {
            assert_eq!(Id::parse(&id.to_string()), Some(id));
        }
        for bad in [
            "",
            "al",
            "al-",
            "xx-00000000-0000-0000-0000-000000000000",
            "al-1",
            &uuid.to_string(),
        ] {
            assert_eq!(Id::parse(bad), None, "{bad}");
        }
    }
}
