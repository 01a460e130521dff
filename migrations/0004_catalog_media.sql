-- Migration 4: what the catalog needs beside the seed's Songs, Artists and ArtistSongs.

-- The uploaded original: its detected format, size and content type, for streaming.
ALTER TABLE Songs
    ADD COLUMN FileFormat VARCHAR(20),
    ADD COLUMN FileSize BIGINT,
    ADD COLUMN ContentType VARCHAR(100);

-- Who made an artist entry: they may edit an artist no user account is linked to.
ALTER TABLE Artists ADD COLUMN CreatedBy UUID REFERENCES Users(UserID) ON DELETE SET NULL;

-- Each transcoded rendition of a song (the bitrate ladder): one row per quality.
CREATE TABLE SongRenditions (
    SongID UUID NOT NULL REFERENCES Songs(SongID) ON DELETE CASCADE,
    Quality VARCHAR(20) NOT NULL,       -- 'low', 'medium', 'high', 'mp3'
    Codec VARCHAR(20) NOT NULL,         -- 'opus', 'mp3'
    Bitrate INTEGER NOT NULL,           -- bits per second
    Size BIGINT NOT NULL,               -- bytes
    ObjectKey TEXT NOT NULL,
    ContentType VARCHAR(100) NOT NULL,
    CreatedAt TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (SongID, Quality)
);

-- Song lists: newest first and most played first, each with a unique tie-breaker for keyset
-- pages.
CREATE INDEX idx_songs_created_keyset ON Songs (CreatedAt DESC, SongID DESC);
CREATE INDEX idx_songs_popular_keyset ON Songs (PlayCount DESC, SongID DESC);
CREATE INDEX idx_artists_created_by ON Artists (CreatedBy);

-- Queued background work (transcoding and the like), taken with FOR UPDATE SKIP LOCKED so
-- that several instances share it and a job runs once.
CREATE TABLE Jobs (
    JobID UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    Kind VARCHAR(50) NOT NULL,
    Payload JSONB NOT NULL,
    Attempts INTEGER NOT NULL DEFAULT 0,
    RunAfter TIMESTAMPTZ NOT NULL DEFAULT now(),
    LastError TEXT,
    CreatedAt TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_jobs_due ON Jobs (RunAfter);
