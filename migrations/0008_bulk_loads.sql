-- Migration 8: bulk loads. Credits keep songs' search text up to date once per statement, not
-- once per row: a bulk load (the MongoDB import credits a million songs) ran one UPDATE of Songs
-- per credited row; with transition tables it is one set-based UPDATE per statement.
-- PostgreSQL allows transition tables only on single-event triggers, hence three triggers.

DROP TRIGGER artist_songs_search_text ON ArtistSongs;
DROP FUNCTION ampli_credits_search_text();

-- Only songs whose text really changes are written: every write of a song re-indexes it in
-- each of its GIN indexes. A transaction that wrote the right text itself (the MongoDB import
-- sets `ampli.search_text_written` locally) skips the check altogether.
CREATE FUNCTION ampli_credits_search_text_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A bulk load that writes each song's search text with its credits says so.
    IF coalesce(current_setting('ampli.search_text_written', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    UPDATE Songs s SET SearchText = fresh.text
      FROM (SELECT c.SongID, ampli_song_search_text(c.SongID, x.Title) AS text
              FROM (SELECT DISTINCT SongID FROM changed_credits) c JOIN Songs x ON x.SongID = c.SongID) fresh
     WHERE s.SongID = fresh.SongID AND s.SearchText IS DISTINCT FROM fresh.text;
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
    UPDATE Songs s SET SearchText = fresh.text
      FROM (SELECT c.SongID, ampli_song_search_text(c.SongID, x.Title) AS text
              FROM (SELECT SongID FROM old_credits UNION SELECT SongID FROM new_credits) c
              JOIN Songs x ON x.SongID = c.SongID) fresh
     WHERE s.SongID = fresh.SongID AND s.SearchText IS DISTINCT FROM fresh.text;
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

-- A new song's search text is computed from its title and credits, unless the statement that
-- inserts it computed it already (a bulk load that knows the credits it is about to write);
-- a change of title always recomputes it.
CREATE OR REPLACE FUNCTION ampli_songs_search_text_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR NEW.SearchText IS NULL THEN
        NEW.SearchText = ampli_song_search_text(NEW.SongID, NEW.Title);
    END IF;
    RETURN NEW;
END;
$$;
