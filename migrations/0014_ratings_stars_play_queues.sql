-- Migration 14: what Subsonic apps keep for a listener beyond likes and favourites.
--
-- A song's star is its favourite (Favorites); albums and artists, which have no favourites,
-- are starred here. Ratings (1 to 5; 0 clears) are per listener for songs, albums and
-- artists. Each row names exactly one object, by a foreign key that takes the row with it
-- when the object is deleted, so nothing is left pointing at nothing.
CREATE TABLE Stars (
    UserID UUID NOT NULL REFERENCES Users(UserID) ON DELETE CASCADE,
    AlbumID UUID REFERENCES Albums(AlbumID) ON DELETE CASCADE,
    ArtistID UUID REFERENCES Artists(ArtistID) ON DELETE CASCADE,
    CreatedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(AlbumID, ArtistID) = 1)
);
CREATE UNIQUE INDEX idx_stars_album ON Stars(UserID, AlbumID) WHERE AlbumID IS NOT NULL;
CREATE UNIQUE INDEX idx_stars_artist ON Stars(UserID, ArtistID) WHERE ArtistID IS NOT NULL;
CREATE INDEX idx_stars_album_id ON Stars(AlbumID) WHERE AlbumID IS NOT NULL;
CREATE INDEX idx_stars_artist_id ON Stars(ArtistID) WHERE ArtistID IS NOT NULL;

CREATE TABLE Ratings (
    UserID UUID NOT NULL REFERENCES Users(UserID) ON DELETE CASCADE,
    SongID UUID REFERENCES Songs(SongID) ON DELETE CASCADE,
    AlbumID UUID REFERENCES Albums(AlbumID) ON DELETE CASCADE,
    ArtistID UUID REFERENCES Artists(ArtistID) ON DELETE CASCADE,
    Rating SMALLINT NOT NULL CHECK (Rating BETWEEN 1 AND 5),
    RatedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(SongID, AlbumID, ArtistID) = 1)
);
CREATE UNIQUE INDEX idx_ratings_song ON Ratings(UserID, SongID) WHERE SongID IS NOT NULL;
CREATE UNIQUE INDEX idx_ratings_album ON Ratings(UserID, AlbumID) WHERE AlbumID IS NOT NULL;
CREATE UNIQUE INDEX idx_ratings_artist ON Ratings(UserID, ArtistID) WHERE ArtistID IS NOT NULL;
CREATE INDEX idx_ratings_song_id ON Ratings(SongID) WHERE SongID IS NOT NULL;
CREATE INDEX idx_ratings_album_id ON Ratings(AlbumID) WHERE AlbumID IS NOT NULL;
CREATE INDEX idx_ratings_artist_id ON Ratings(ArtistID) WHERE ArtistID IS NOT NULL;

-- The one play queue an app saves for a listener, to resume on another device. Songs are
-- listed by id; a song deleted since is left out when the queue is read.
CREATE TABLE PlayQueues (
    UserID UUID PRIMARY KEY REFERENCES Users(UserID) ON DELETE CASCADE,
    SongIDs UUID[] NOT NULL,
    CurrentIndex INTEGER,
    PositionMs BIGINT NOT NULL DEFAULT 0,
    ChangedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    ChangedBy VARCHAR(100) NOT NULL
);
