-- Migration 8: bulk loads. Credits keep songs' search text up to date once per statement, not
-- once per row: a bulk load (the MongoDB import credits a million songs) ran one UPDATE of Songs
-- per credited row; with transition tables it is one set-based UPDATE per statement.
-- PostgreSQL allows transition tables only on single-event triggers, hence three triggers.

DROP TRIGGER artist_songs_search_text ON ArtistSongs;
DROP FUNCTION ampli_credits_search_text();

CREATE FUNCTION ampli_credits_search_text_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE Songs s SET SearchText = ampli_song_search_text(s.SongID, s.Title)
     WHERE s.SongID IN (SELECT SongID FROM changed_credits);
    RETURN NULL;
END;
$$;

CREATE TRIGGER artist_songs_search_text_insert AFTER INSERT ON ArtistSongs
    REFERENCING NEW TABLE AS changed_credits
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_credits_search_text_changed();
CREATE TRIGGER artist_songs_search_text_delete AFTER DELETE ON ArtistSongs
    REFERENCING OLD TABLE AS changed_credits
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_credits_search_text_changed();
-- An update can move a credit from one song to another: both songs change.
CREATE FUNCTION ampli_credits_search_text_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE Songs s SET SearchText = ampli_song_search_text(s.SongID, s.Title)
     WHERE s.SongID IN (SELECT SongID FROM old_credits UNION SELECT SongID FROM new_credits);
    RETURN NULL;
END;
$$;
CREATE TRIGGER artist_songs_search_text_update AFTER UPDATE ON ArtistSongs
    REFERENCING OLD TABLE AS old_credits NEW TABLE AS new_credits
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_credits_search_text_updated();

-- UpdatedAt is "now" on every update, except in a transaction that says it carries the
-- source's own timestamps (the MongoDB import sets `ampli.keep_timestamps` locally): there the
-- row keeps the UpdatedAt it was given, so a re-run and the search-text refresh above leave the
-- earlier Ampli's dates alone.
CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS TRIGGER AS $$
BEGIN
    IF coalesce(current_setting('ampli.keep_timestamps', true), '') <> 'on' THEN
        NEW.UpdatedAt = now();
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
