-- Migration 16: the album list's artist order from an index. ArtistKey is the album's first
-- album artist's name in lower case (empty without one), kept by triggers on AlbumArtists and
-- on artists' names, so that "by artist" pages by an index like the other orders (before, it
-- was worked out per album on every page: 0.8 s over 100,000 albums, bench/README.md).
ALTER TABLE Albums ADD COLUMN ArtistKey TEXT NOT NULL DEFAULT '';

CREATE FUNCTION ampli_album_artist_key(album UUID) RETURNS TEXT LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT lower(ar.Name) FROM AlbumArtists x
                       JOIN Artists ar ON ar.ArtistID = x.ArtistID
                      WHERE x.AlbumID = album
                      ORDER BY x.Position, ar.Name, ar.ArtistID LIMIT 1), '')
$$;

UPDATE Albums SET ArtistKey = ampli_album_artist_key(AlbumID);

CREATE FUNCTION ampli_album_artists_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE Albums SET ArtistKey = ampli_album_artist_key(OLD.AlbumID)
         WHERE AlbumID = OLD.AlbumID;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE Albums SET ArtistKey = ampli_album_artist_key(NEW.AlbumID)
         WHERE AlbumID = NEW.AlbumID;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER album_artists_key AFTER INSERT OR UPDATE OR DELETE ON AlbumArtists
    FOR EACH ROW EXECUTE FUNCTION ampli_album_artists_key();

CREATE FUNCTION ampli_artist_albums_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE Albums SET ArtistKey = ampli_album_artist_key(AlbumID)
     WHERE AlbumID IN (SELECT AlbumID FROM AlbumArtists WHERE ArtistID = NEW.ArtistID);
    RETURN NULL;
END;
$$;
CREATE TRIGGER artists_album_key AFTER UPDATE OF Name ON Artists
    FOR EACH ROW WHEN (OLD.Name IS DISTINCT FROM NEW.Name)
    EXECUTE FUNCTION ampli_artist_albums_key();

CREATE INDEX idx_albums_artist_keyset ON Albums (ArtistKey, lower(Title), AlbumID);
