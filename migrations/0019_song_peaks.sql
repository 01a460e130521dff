-- Migration 19: a song's waveform, as the web player's seek bar draws it. The transcoding job
-- decodes each song once and keeps the loudest sample of each of 512 equal slices, scaled to
-- 0..255: half a kilobyte a song, served as is, never recomputed.
CREATE TABLE IF NOT EXISTS SongPeaks (
    SongID UUID PRIMARY KEY REFERENCES Songs(SongID) ON DELETE CASCADE,
    Peaks BYTEA NOT NULL CHECK (octet_length(Peaks) = 512),
    MeasuredAt TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Songs transcoded before this migration get their waveform from one more run of their job,
-- which makes only what a song lacks (renditions already there are kept as they are).
INSERT INTO Jobs (Kind, Payload)
SELECT 'transcode', jsonb_build_object('songId', s.SongID::text)
  FROM Songs s
 WHERE NOT EXISTS (SELECT 1 FROM SongPeaks p WHERE p.SongID = s.SongID)
   AND NOT EXISTS (SELECT 1 FROM Jobs j
                    WHERE j.Kind = 'transcode' AND j.Payload->>'songId' = s.SongID::text);
