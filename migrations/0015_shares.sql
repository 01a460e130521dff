-- Migration 15: shares, public links to a song, an album or a playlist that play without an
-- account until they expire or are deleted (made from Subsonic apps, opened in the web app).
--
-- The token is the link's secret part. It is kept as it is, not hashed, because its owner
-- lists their links again; holding it grants no more than listening to what it names.
CREATE TABLE Shares (
    ShareID UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    Token TEXT NOT NULL UNIQUE,
    UserID UUID NOT NULL REFERENCES Users(UserID) ON DELETE CASCADE,
    SongID UUID REFERENCES Songs(SongID) ON DELETE CASCADE,
    AlbumID UUID REFERENCES Albums(AlbumID) ON DELETE CASCADE,
    PlaylistID UUID REFERENCES Playlists(PlaylistID) ON DELETE CASCADE,
    Description VARCHAR(500),
    ExpiresAt TIMESTAMPTZ,
    CreatedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    LastVisitedAt TIMESTAMPTZ,
    VisitCount BIGINT NOT NULL DEFAULT 0,
    CHECK (num_nonnulls(SongID, AlbumID, PlaylistID) = 1)
);

CREATE INDEX idx_shares_user ON Shares(UserID, CreatedAt DESC);
CREATE INDEX idx_shares_song ON Shares(SongID) WHERE SongID IS NOT NULL;
CREATE INDEX idx_shares_album ON Shares(AlbumID) WHERE AlbumID IS NOT NULL;
CREATE INDEX idx_shares_playlist ON Shares(PlaylistID) WHERE PlaylistID IS NOT NULL;
