-- Migration 11: albums, and the rest of what a file's tags carry (numbers, year, composer,
-- genres, lyrics, loudness). The seed's tables keep their shape: new tables, new columns.

-- An album belongs to the user who uploaded it, as songs do. MatchKey is its title and album
-- artists compared the way people mean them (case, accents, spacing: media::names): one
-- owner's uploads whose tags name the same album join it.
CREATE TABLE Albums (
    AlbumID UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    Title TEXT NOT NULL,
    MatchKey TEXT NOT NULL,
    About TEXT,
    ReleaseYear INTEGER CHECK (ReleaseYear BETWEEN 1000 AND 2999),
    ReleaseDate DATE,
    PosterURL TEXT,
    PosterPublicID TEXT,
    OwnerID UUID NOT NULL REFERENCES Users(UserID) ON DELETE CASCADE,
    -- The sum of its songs' plays, kept by the play counter's flush, for "popular" lists.
    PlayCount BIGINT NOT NULL DEFAULT 0,
    -- ReplayGain's album values, from tags or worked out once every song is measured.
    AlbumGain REAL,
    AlbumPeak REAL,
    CreatedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    UpdatedAt TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX idx_albums_owner_match ON Albums (OwnerID, MatchKey);
-- Keyset pages for each sort, each with the id as the unique tie-breaker.
CREATE INDEX idx_albums_created_keyset ON Albums (CreatedAt DESC, AlbumID DESC);
CREATE INDEX idx_albums_popular_keyset ON Albums (PlayCount DESC, AlbumID DESC);
CREATE INDEX idx_albums_title_keyset ON Albums (lower(Title), AlbumID);
CREATE INDEX idx_albums_year_keyset ON Albums (ReleaseYear DESC NULLS LAST, AlbumID DESC);
CREATE INDEX idx_albums_title_trgm ON Albums USING gin (Title gin_trgm_ops);

-- Album artists, credited with roles like songs' artists, in the order the tags name them.
CREATE TABLE AlbumArtists (
    AlbumID UUID NOT NULL REFERENCES Albums(AlbumID) ON DELETE CASCADE,
    ArtistID UUID NOT NULL REFERENCES Artists(ArtistID) ON DELETE CASCADE,
    Role VARCHAR(50),
    Position SMALLINT NOT NULL DEFAULT 0,
    CreatedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (AlbumID, ArtistID)
);
CREATE INDEX idx_album_artists_artist ON AlbumArtists (ArtistID);

-- Artists named by tags are matched by name as people mean it: the same key as albums'.
-- Rows made before this migration get theirs from the catalog at start (the key is worked
-- out in Rust, which PostgreSQL has no function for without extensions).
ALTER TABLE Artists ADD COLUMN MatchKey TEXT;
CREATE INDEX idx_artists_match_key ON Artists (MatchKey);

-- A song's place on its album, and what else its tags said. Numbers outside what a record
-- can have are cleaned away before they get here (media::tags); the checks are the backstop.
ALTER TABLE Songs
    ADD COLUMN AlbumID UUID REFERENCES Albums(AlbumID) ON DELETE SET NULL,
    ADD COLUMN DiscNumber SMALLINT CHECK (DiscNumber BETWEEN 1 AND 99),
    ADD COLUMN DiscTotal SMALLINT CHECK (DiscTotal BETWEEN 1 AND 99),
    ADD COLUMN TrackNumber SMALLINT CHECK (TrackNumber BETWEEN 1 AND 999),
    ADD COLUMN TrackTotal SMALLINT CHECK (TrackTotal BETWEEN 1 AND 999),
    ADD COLUMN ReleaseYear INTEGER CHECK (ReleaseYear BETWEEN 1000 AND 2999),
    ADD COLUMN Composer TEXT,
    ADD COLUMN TrackGain REAL,
    ADD COLUMN TrackPeak REAL;
-- An album's songs in play order; the partial index stays small while most songs are singles.
CREATE INDEX idx_songs_album_order ON Songs (AlbumID, DiscNumber, TrackNumber, SongID)
    WHERE AlbumID IS NOT NULL;

-- Genres are free text from tags (or the upload form), one row per name as people mean it.
-- The seed's fixed Category stays beside them.
CREATE TABLE Genres (
    GenreID UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    Name VARCHAR(60) NOT NULL,
    MatchKey VARCHAR(240) NOT NULL UNIQUE,
    CreatedAt TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE SongGenres (
    SongID UUID NOT NULL REFERENCES Songs(SongID) ON DELETE CASCADE,
    GenreID UUID NOT NULL REFERENCES Genres(GenreID) ON DELETE CASCADE,
    Position SMALLINT NOT NULL DEFAULT 0,
    PRIMARY KEY (SongID, GenreID)
);
CREATE INDEX idx_song_genres_genre ON SongGenres (GenreID, SongID);

-- A song's lyrics: plain lines, or lines with the millisecond each starts at.
CREATE TABLE SongLyrics (
    SongID UUID PRIMARY KEY REFERENCES Songs(SongID) ON DELETE CASCADE,
    Language VARCHAR(3),
    Synced BOOLEAN NOT NULL,
    -- [{"startMs": 1000 | null, "text": "..."}], in order.
    Lines JSONB NOT NULL,
    UpdatedAt TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- An album's files (its poster sizes) go when the album does, as songs' do (migration 10).
CREATE TRIGGER albums_queue_media_deletions AFTER DELETE ON Albums
    REFERENCING OLD TABLE AS gone_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_queue_media_deletions('albums', 'albumid');
