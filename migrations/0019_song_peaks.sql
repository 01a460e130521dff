-- Migration 19: a song's waveform, as the web player's seek bar draws it. The transcoding job
-- decodes each song once and keeps the loudest sample of each of 512 equal slices, scaled to
-- 0..255: half a kilobyte a song, served as is, never recomputed.
CREATE TABLE IF NOT EXISTS SongPeaks (
    SongID UUID PRIMARY KEY REFERENCES Songs(SongID) ON DELETE CASCADE,
    Peaks BYTEA NOT NULL CHECK (octet_length(Peaks) = 512),
    MeasuredAt TIMESTAMPTZ NOT NULL DEFAULT now()
);
