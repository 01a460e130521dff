//! Songs by words. Each word of the query is looked up in the catalog's vocabulary (migration
//! 9): the word itself, up to four close spellings (trigram similarity over distinct words:
//! typos), and for the last word every word it begins (as you type). Songs holding one of
//! each word's spellings are found by the full-text index on their words (title, artists and album,
//! normalised: accents, case and word order do not matter), then ranked by similarity of the
//! whole text, a bonus for a title that starts with the query, and popularity.
//!
//! A query whose words are common would match tens of thousands of songs. The vocabulary's
//! counts say so before the search runs: then the most popular matching songs are read in
//! popularity order from an index and only those are ranked, instead of every match.

use sqlx::PgConnection;
use uuid::Uuid;

/// Matching songs ranked per query; more matches than this are cut to the most popular.
const CANDIDATES: i64 = 100;
/// Above this many expected matches, read candidates in popularity order (each one costs a
/// filter check) rather than all matches from the word index (each one costs a heap fetch).
const POPULARITY_ORDER_ABOVE: i64 = 5_000;

/// One word of the query as the vocabulary knows it.
#[derive(Debug, sqlx::FromRow)]
struct Word {
    word: String,
    last: bool,
    songs: i64,
    /// Songs in the catalog (the planner's estimate), to estimate how many match all words.
    catalog: i64,
    prefix_songs: i64,
    spellings: Vec<String>,
    spelling_songs: Vec<i64>,
}

/// Words, their counts, typo spellings and (last word) prefix counts, in query order.
/// `$1` is the query text.
pub const ANALYSE: &str = "with q as (
    select u.lexeme as word, u.positions[1] as position,
           u.positions[1] = max(u.positions[1]) over () as last,
           coalesce((select v.songs from searchvocabulary v where v.word = u.lexeme), 0)::int8 as songs
      from unnest(to_tsvector('simple', ampli_normalize($1))) u
)
select q.word, q.last, q.songs,
       greatest((select c.reltuples from pg_class c where c.oid = 'songs'::regclass), 1)::int8 as catalog,
       case when q.last then coalesce((
           select sum(p.songs) from (
               select v.songs from searchvocabulary v
                where v.word > q.word collate \"C\" and v.word < (q.word || chr(1114111)) collate \"C\"
                limit 1000) p), 0)
       else 0 end::int8 as prefix_songs,
       coalesce(e.words, '{}') as spellings,
       coalesce(e.songs, '{}') as spelling_songs
  from q
  left join lateral (
      select array_agg(x.word order by x.rank) as words, array_agg(x.songs::int8 order by x.rank) as songs
        from (select v.word, v.songs, row_number() over (order by similarity(v.word, q.word) desc, v.songs desc) as rank
                from searchvocabulary v
               where v.word % q.word and v.word <> q.word and v.songs > 0
               order by similarity(v.word, q.word) desc, v.songs desc
               limit 4) x
       -- A word many songs hold is spelled as the catalog spells it: no typo lookup.
       where length(q.word) >= 3 and q.songs < 20
  ) e on true
 order by q.position";

/// Candidates matching tsquery `$1`, ranked against the query text `$2`; `$3` the query as a
/// LIKE literal, `$4` the limit. `order` picks the candidates (see [`candidates_order`]).
pub fn ranked(order: &str) -> String {
    format!(
        "select c.songid from (
            select s.songid, s.title, s.searchtext, s.playcount from songs s
             where s.searchvector @@ to_tsquery('simple', $1)
             order by {order}
             limit {CANDIDATES}
         ) c
         order by greatest(similarity(ampli_normalize(c.title), ampli_normalize($2)),
                           similarity(c.searchtext, ampli_normalize($2)))
                  + case when ampli_normalize(c.title) like ampli_normalize($3) || '%' then 0.3 else 0 end
                  + 0.03 * ln(1 + coalesce(c.playcount, 0)) desc,
                  c.songid
         limit $4"
    )
}

/// Popularity order straight from `idx_songs_popular_keyset` for many expected matches; for
/// few, an order no index gives, so that the word index finds them all and they are sorted.
pub fn candidates_order(expected: i64) -> &'static str {
    if expected > POPULARITY_ORDER_ABOVE {
        "s.playcount desc, s.songid desc"
    } else {
        "coalesce(s.playcount, 0) desc, s.songid"
    }
}

/// A word as a tsquery operand: quoted, so that any character is just a character.
fn operand(word: &str, prefix: bool) -> String {
    let quoted = format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"));
    if prefix {
        format!("{quoted}:*")
    } else {
        quoted
    }
}

/// One word's alternatives as a tsquery group, and how many songs it may match.
fn group(word: &Word) -> (String, i64) {
    let mut alternatives = vec![operand(&word.word, word.last)];
    alternatives.extend(word.spellings.iter().map(|s| operand(s, false)));
    let expected = word.songs + word.prefix_songs + word.spelling_songs.iter().sum::<i64>();
    (format!("({})", alternatives.join(" | ")), expected)
}

/// The strict query (every word) and, for two words or more, a relaxed one (every word but
/// one, or either of two), each with its expected number of matches: words are taken as
/// independent, so all of them match `catalog × Π(matches of a word / catalog)` songs.
fn queries(words: &[Word]) -> Vec<(String, i64)> {
    let groups: Vec<(String, i64)> = words.iter().map(group).collect();
    let catalog = words.first().map_or(1, |w| w.catalog.max(1)) as f64;
    let all = |skip: Option<usize>| {
        let kept: Vec<&(String, i64)> = groups
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != skip)
            .map(|(_, g)| g)
            .collect();
        let text: Vec<&str> = kept.iter().map(|(t, _)| t.as_str()).collect();
        let share: f64 = kept
            .iter()
            .map(|(_, e)| (*e as f64 / catalog).min(1.0))
            .product();
        (
            format!("({})", text.join(" & ")),
            (share * catalog).ceil() as i64,
        )
    };
    let mut queries = vec![all(None)];
    if groups.len() >= 2 {
        let leave_one_out: Vec<(String, i64)> = (0..groups.len()).map(|i| all(Some(i))).collect();
        let text: Vec<&str> = leave_one_out.iter().map(|(t, _)| t.as_str()).collect();
        let expected = leave_one_out.iter().map(|(_, e)| *e).sum();
        queries.push((text.join(" | "), expected));
    }
    queries
}

/// The tsqueries for `text`, strict first, each with its expected number of matching songs;
/// none for a query of only symbols. Albums are found with the same ones.
pub async fn tsqueries(tx: &mut PgConnection, text: &str) -> sqlx::Result<Vec<(String, i64)>> {
    let words: Vec<Word> = sqlx::query_as(ANALYSE)
        .bind(text)
        .fetch_all(&mut *tx)
        .await?;
    if words.is_empty() {
        // Only symbols: nothing a song's words could match.
        return Ok(Vec::new());
    }
    Ok(queries(&words))
}

/// The ids of the best `limit` songs for `text` (`like` is it as a LIKE literal).
pub async fn find(
    tx: &mut PgConnection,
    text: &str,
    like: &str,
    limit: i64,
) -> sqlx::Result<Vec<Uuid>> {
    let mut found: Vec<Uuid> = Vec::new();
    for (tsquery, expected) in tsqueries(tx, text).await? {
        if found.len() as i64 >= limit {
            break;
        }
        let ids: Vec<Uuid> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(ranked(candidates_order(expected))))
                .bind(&tsquery)
                .bind(text)
                .bind(like)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
        for id in ids {
            if !found.contains(&id) && (found.len() as i64) < limit {
                found.push(id);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(word: &str, last: bool, songs: i64, spellings: &[(&str, i64)]) -> Word {
        Word {
            word: word.into(),
            last,
            songs,
            catalog: 1_000_000,
            prefix_songs: if last { 7 } else { 0 },
            spellings: spellings.iter().map(|(s, _)| s.to_string()).collect(),
            spelling_songs: spellings.iter().map(|(_, n)| *n).collect(),
        }
    }

    #[test]
    fn every_word_is_required_then_all_but_one() {
        let words = [
            word("beetles", false, 0, &[("beatles", 40)]),
            word("yelow", false, 0, &[("yellow", 9000)]),
            word("sub", true, 3, &[]),
        ];
        let queries = queries(&words);
        // 40 × 9,000 × 10 songs out of a million match all three: one, rounded up.
        let strict = "(('beetles' | 'beatles') & ('yelow' | 'yellow') & ('sub':*))";
        assert_eq!(queries[0], (strict.to_owned(), 1));
        // Leaving one word out: 9,000 × 10, 40 × 10 and 40 × 9,000, out of a million.
        assert_eq!(queries[1].1, 1 + 1 + 1);
        assert_eq!(queries.len(), 2);
        assert_eq!(queries[1].0.matches(" & ").count(), 3);
    }

    #[test]
    fn quotes_and_backslashes_in_words_are_just_characters() {
        assert_eq!(operand(r"it's\", true), r"'it''s\\':*");
        assert_eq!(candidates_order(5_001), "s.playcount desc, s.songid desc");
    }
}
