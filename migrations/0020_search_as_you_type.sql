-- Migration 20: search as you type, at a million songs and a hundred thousand names.

-- Artists, users and playlists are found by their words, as songs are (migration 9).
-- Trigram similarity on whole names made a short query as dear as a common one: a two-letter
-- prefix shares a trigram with most names, and each candidate cost a similarity check
-- (35-75 ms for users and playlists at 100,000 and 50,000 rows under bench/load). A word
-- index answers a prefix from its posting lists, and typos come from the vocabulary's
-- spellings, which every kind of search shares.
CREATE INDEX idx_artists_search_words ON Artists USING gin (to_tsvector('simple'::regconfig, ampli_normalize(Name)));
CREATE INDEX idx_users_search_words ON Users USING gin (to_tsvector('simple'::regconfig, ampli_normalize(Name)));
CREATE INDEX idx_playlists_search_words ON Playlists USING gin (to_tsvector('simple'::regconfig, ampli_normalize(Title)));

-- Migration 7's trigram indexes on names served only the search this replaces; each was one
-- more GIN index to update for every row written.
DROP INDEX idx_artists_search_trgm;
DROP INDEX idx_users_search_trgm;
DROP INDEX idx_playlists_search_trgm;

-- The first one, two and three letters of each of a song's words, as words of their own: a
-- one- to three-letter prefix typed last ("sombra b") is then one posting list, which the
-- index intersects with the other words' by skipping through it, where a prefix scan ('b':*)
-- gathered the posting lists of every word it begins (tens of thousands at a million songs)
-- before intersecting: 62 ms against 19 ms for "sombra b".
CREATE FUNCTION ampli_word_starts(words tsvector) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$
        SELECT array_to_tsvector(coalesce(array_agg(DISTINCT left(w, n)), '{}'))
          FROM unnest(tsvector_to_array(words)) w, generate_series(1, least(3, length(w))) n
    $$;
ALTER TABLE Songs ADD COLUMN SearchStarts tsvector
    GENERATED ALWAYS AS (ampli_word_starts(to_tsvector('simple'::regconfig, coalesce(SearchText, '')))) STORED;
-- One index over both, so that a word and a start are intersected inside one index scan.
DROP INDEX idx_songs_search_vector;
CREATE INDEX idx_songs_search_words ON Songs USING gin (SearchVector, SearchStarts);
