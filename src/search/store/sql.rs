//! The album, artist, user and playlist statements, named so the tests can EXPLAIN exactly what the
//! route runs (songs: `songs.rs`). Parameters: $1 the query text, $2 the limit, $3 the viewer.

/// Loose enough for two typos in a short name or word, tight enough to keep candidate sets
/// small.
pub const THRESHOLDS: &str = "set local pg_trgm.similarity_threshold = 0.3; set local pg_trgm.word_similarity_threshold = 0.6;";

/// Artists or users by name; `table` and `id` come from fixed call sites, never from input.
pub fn named(table: &'static str, id: &'static str) -> String {
    format!(
        "select {id} as id, name, avatarurl as avatar_url from {table}
          where ampli_normalize(name) % ampli_normalize($1) or ampli_normalize($1) <% ampli_normalize(name)
          order by greatest(similarity(ampli_normalize(name), ampli_normalize($1)),
                            word_similarity(ampli_normalize($1), ampli_normalize(name))) desc, {id}
          limit $2"
    )
}

/// Public playlists and the viewer's own ($3).
pub const PLAYLISTS: &str = "select playlistid as id, title, visibility, ownerid as owner_id from playlists
  where (visibility = 'public' or ownerid = $3)
    and (ampli_normalize(title) % ampli_normalize($1) or ampli_normalize($1) <% ampli_normalize(title))
  order by greatest(similarity(ampli_normalize(title), ampli_normalize($1)),
                    word_similarity(ampli_normalize($1), ampli_normalize(title))) desc, playlistid
  limit $2";

/// Albums whose words match tsquery `$1` (as songs', see `songs.rs`), ranked against the query
/// text `$2`; `$3` the query as a LIKE literal, `$4` the limit. At most a thousand matches are
/// ranked.
pub const ALBUMS: &str = "select c.albumid from (
    select a.albumid, a.title, a.words from searchalbums a
     where a.vector @@ to_tsquery('simple', $1)
     limit 1000
 ) c
 order by greatest(similarity(c.title, ampli_normalize($2)), similarity(c.words, ampli_normalize($2)))
          + case when c.title like ampli_normalize($3) || '%' then 0.3 else 0 end desc,
          c.albumid
 limit $4";
