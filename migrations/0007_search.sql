-- Migration 7: search that forgives typos, accents and case, on index-backed plans.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could change), so it cannot feed an index; this
-- wrapper pins the dictionary and is declared IMMUTABLE, the usual way to index unaccented
-- text.
CREATE FUNCTION ampli_normalize(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;

-- What a song is found by: its title and its artists' names, normalised. Kept up to date by
-- the triggers below (a generated column cannot read other tables).
ALTER TABLE Songs ADD COLUMN SearchText TEXT;

CREATE FUNCTION ampli_song_search_text(song UUID, title TEXT) RETURNS text
    LANGUAGE sql STABLE
    AS $$
        SELECT ampli_normalize(title || coalesce(' ' || (
            SELECT string_agg(a.Name, ' ' ORDER BY a.Name)
              FROM ArtistSongs x JOIN Artists a ON a.ArtistID = x.ArtistID
             WHERE x.SongID = song), ''))
    $$;

CREATE FUNCTION ampli_songs_search_text_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.SearchText = ampli_song_search_text(NEW.SongID, NEW.Title);
    RETURN NEW;
END;
$$;
CREATE TRIGGER songs_search_text BEFORE INSERT OR UPDATE OF Title ON Songs
    FOR EACH ROW EXECUTE FUNCTION ampli_songs_search_text_row();

CREATE FUNCTION ampli_credits_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE Songs SET SearchText = ampli_song_search_text(SongID, Title)
     WHERE SongID = CASE WHEN TG_OP = 'DELETE' THEN OLD.SongID ELSE NEW.SongID END;
    RETURN NULL;
END;
$$;
CREATE TRIGGER artist_songs_search_text AFTER INSERT OR UPDATE OR DELETE ON ArtistSongs
    FOR EACH ROW EXECUTE FUNCTION ampli_credits_search_text();

CREATE FUNCTION ampli_artist_rename_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE Songs s SET SearchText = ampli_song_search_text(s.SongID, s.Title)
      FROM ArtistSongs x WHERE x.ArtistID = NEW.ArtistID AND x.SongID = s.SongID;
    RETURN NULL;
END;
$$;
CREATE TRIGGER artists_search_text AFTER UPDATE OF Name ON Artists
    FOR EACH ROW EXECUTE FUNCTION ampli_artist_rename_search_text();

UPDATE Songs SET SearchText = ampli_song_search_text(SongID, Title);

CREATE INDEX idx_songs_search_trgm ON Songs USING gin (SearchText gin_trgm_ops);
-- The title alone too: a misspelled title is closer to the title than to title and artists.
CREATE INDEX idx_songs_title_norm_trgm ON Songs USING gin (ampli_normalize(Title) gin_trgm_ops);
CREATE INDEX idx_artists_search_trgm ON Artists USING gin (ampli_normalize(Name) gin_trgm_ops);
CREATE INDEX idx_users_search_trgm ON Users USING gin (ampli_normalize(Name) gin_trgm_ops);
CREATE INDEX idx_playlists_search_trgm ON Playlists USING gin (ampli_normalize(Title) gin_trgm_ops);
