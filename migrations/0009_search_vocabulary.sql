-- Migration 9: search by words, at a million songs. Trigram similarity over whole titles
-- turned every song sharing one common word with the query into a candidate (tens of
-- thousands of heap rechecks at a million songs). Instead, each word of the query is matched
-- against the catalog's vocabulary (typos by trigram similarity over distinct words, the last
-- word also as a prefix), and songs are found by a full-text index on their words.

-- The words of SearchText (title and artists' names, normalised), as the 'simple' parser
-- splits them.
ALTER TABLE Songs ADD COLUMN SearchVector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(SearchText, ''))) STORED;
CREATE INDEX idx_songs_search_vector ON Songs USING gin (SearchVector);

-- Migration 7's trigram indexes over songs' text served the search this replaces and nothing
-- else; each was one more GIN index to update for every song written. (The seed's own
-- idx_songs_title_trgm stays.)
DROP INDEX idx_songs_search_trgm;
DROP INDEX idx_songs_title_norm_trgm;

-- Every word of the catalog with the number of songs holding it: typo candidates come from
-- here, and the counts tell the search how many songs a query will match before it runs.
-- COLLATE "C" so that the primary key's B-tree serves prefix ranges.
CREATE TABLE SearchVocabulary (
    Word  TEXT COLLATE "C" PRIMARY KEY,
    Songs INTEGER NOT NULL
);
INSERT INTO SearchVocabulary (Word, Songs)
SELECT word, ndoc FROM ts_stat('SELECT SearchVector FROM Songs');
CREATE INDEX idx_search_vocabulary_trgm ON SearchVocabulary USING gin (Word gin_trgm_ops);

-- Counts follow inserts, updates and deletes of songs, once per statement (a bulk load
-- touches each word once, not once per song). Words whose count reaches zero stay: a typo
-- candidate that matches nothing costs one index probe.
CREATE FUNCTION ampli_search_vocabulary_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO SearchVocabulary (Word, Songs)
    SELECT word, count(*) FROM added_songs, unnest(tsvector_to_array(SearchVector)) AS word
     GROUP BY word
     -- In word order, so that concurrent loads lock shared words in the same order: they
     -- may wait for each other, never deadlock.
     ORDER BY word
    ON CONFLICT (Word) DO UPDATE SET Songs = SearchVocabulary.Songs + excluded.Songs;
    RETURN NULL;
END;
$$;
CREATE TRIGGER songs_search_vocabulary_insert AFTER INSERT ON Songs
    REFERENCING NEW TABLE AS added_songs
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_search_vocabulary_inserted();

CREATE FUNCTION ampli_search_vocabulary_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE SearchVocabulary v SET Songs = greatest(v.Songs - d.n, 0)
      FROM (SELECT word, count(*) AS n FROM removed_songs, unnest(tsvector_to_array(SearchVector)) AS word
             GROUP BY word) d
     WHERE v.Word = d.word;
    RETURN NULL;
END;
$$;
CREATE TRIGGER songs_search_vocabulary_delete AFTER DELETE ON Songs
    REFERENCING OLD TABLE AS removed_songs
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_search_vocabulary_deleted();

-- Updates: only rows whose words changed (play counts change far more often than titles).
CREATE FUNCTION ampli_search_vocabulary_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO SearchVocabulary (Word, Songs)
    SELECT word, sum(delta) FROM (
        SELECT unnest(tsvector_to_array(n.SearchVector)) AS word, 1 AS delta
          FROM new_songs n JOIN old_songs o ON o.SongID = n.SongID
         WHERE n.SearchVector IS DISTINCT FROM o.SearchVector
        UNION ALL
        SELECT unnest(tsvector_to_array(o.SearchVector)), -1
          FROM new_songs n JOIN old_songs o ON o.SongID = n.SongID
         WHERE n.SearchVector IS DISTINCT FROM o.SearchVector
    ) changes
     GROUP BY word HAVING sum(delta) <> 0
     ORDER BY word
    ON CONFLICT (Word) DO UPDATE SET Songs = greatest(SearchVocabulary.Songs + excluded.Songs, 0);
    RETURN NULL;
END;
$$;
CREATE TRIGGER songs_search_vocabulary_update AFTER UPDATE ON Songs
    REFERENCING OLD TABLE AS old_songs NEW TABLE AS new_songs
    FOR EACH STATEMENT EXECUTE FUNCTION ampli_search_vocabulary_updated();
