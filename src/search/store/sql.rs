//! The album, artist, user and playlist statements, named so the tests can EXPLAIN exactly what the
//! route runs (songs: `songs.rs`). All of them find rows by the query's tsqueries (see
//! `songs::tsqueries`): `$1` the tsquery, `$2` the query text, `$3` the limit; playlists
//! `$4` the viewer; albums `$3` the LIKE literal, `$4` the limit.

/// Loose enough for two typos in a long word, for a word the catalog does not know; one typo
/// for a rare word it does (`songs::ANALYSE`). No sequential scans: every statement is meant
/// to be answered from an index, and a `limit` over matches the planner wrongly thought
/// plentiful (a relaxed query's alternatives) made it read all million songs in turn
/// (370-450 ms, a twentieth of `cargo bench --bench search`'s misspelled titles).
pub const THRESHOLDS: &str = "set local pg_trgm.similarity_threshold = 0.3; set local pg_trgm.strict_word_similarity_threshold = 0.5; set local enable_seqscan = off;";

/// Most rows of a kind ranked per query; more matches than this are cut before ranking, so
/// that a two-letter prefix matching half the table costs what a whole name does.
pub const CANDIDATES: i64 = 100;

/// Artists or users whose name holds every word of the tsquery (migration 20's word
/// indexes), ranked by similarity to the query text; `table` and `id` come from fixed call
/// sites, never from input.
pub fn named(table: &'static str, id: &'static str) -> String {
    format!(
        "select c.id, c.name, c.avatar_url from (
            select {id} as id, name, avatarurl as avatar_url from {table}
             where to_tsvector('simple', ampli_normalize(name)) @@ to_tsquery('simple', $1)
             limit {CANDIDATES}
         ) c
         order by similarity(ampli_normalize(c.name), ampli_normalize($2)) desc, c.id
         limit $3"
    )
}

/// Public playlists and the viewer's own (`$4`) whose title holds every word: the viewer's
/// own are always candidates, however many public ones match.
pub fn playlists() -> String {
    format!(
        "select c.id, c.title, c.visibility, c.owner_id from (
    (select playlistid as id, title, visibility, ownerid as owner_id from playlists
      where ownerid = $4
        and to_tsvector('simple', ampli_normalize(title)) @@ to_tsquery('simple', $1)
      limit {CANDIDATES})
    union
    (select playlistid as id, title, visibility, ownerid as owner_id from playlists
      where visibility = 'public'
        and to_tsvector('simple', ampli_normalize(title)) @@ to_tsquery('simple', $1)
      limit {CANDIDATES})
 ) c
 order by similarity(ampli_normalize(c.title), ampli_normalize($2)) desc, c.id
 limit $3"
    )
}

/// Albums whose words match tsquery `$1` (a query's whole tsquery, see `songs.rs`), ranked
/// against the query text `$2`; `$3` the query as a LIKE literal, `$4` the limit. At most
/// [`CANDIDATES`] matches are ranked.
pub fn albums() -> String {
    format!(
        "select c.albumid from (
            select a.albumid, a.title, a.words from searchalbums a
             where a.vector @@ to_tsquery('simple', $1)
             limit {CANDIDATES}
         ) c
         order by greatest(similarity(c.title, ampli_normalize($2)), similarity(c.words, ampli_normalize($2)))
                  + case when c.title like ampli_normalize($3) || '%' then 0.3 else 0 end desc,
                  c.albumid
         limit $4"
    )
}
