//! Songs by words. Each word of the query is looked up in the catalog's vocabulary (migration
//! 9): the word itself, up to four close spellings (trigram similarity over distinct words:
//! typos), and for the last word every word it begins (as you type; one to three letters are
//! looked up as a word start, migration 20). Songs holding one of each word's spellings are
//! found by the full-text index on their words (title, artists and album, normalised: accents,
//! case and word order do not matter), then ranked by similarity of the whole text, a bonus
//! for a title that starts with the query, and popularity.
//!
//! A query whose words are common would match tens of thousands of songs. The vocabulary's
//! counts say so before the search runs: then the most popular matching songs are read in
//! popularity order from an index and only those are ranked, instead of every match.

use sqlx::PgConnection;
use uuid::Uuid;

/// Matching songs ranked per query; more matches than this are cut to the most popular.
const CANDIDATES: i64 = 100;
/// Above this many expected matches, read candidates in popularity order (each one costs a
/// filter check) rather than matches from the word index (each one costs a heap fetch).
const POPULARITY_ORDER_ABOVE: i64 = 5_000;
/// At most this many matches are read from the word index: a query the counts said would
/// match a few thousand songs (a common word and a one-letter start, "fuego p") read and
/// sorted them all, 3,500 heap fetches and 28 ms; past this many, the candidates are the
/// most popular of the first ones the index gives.
const MATCHES_READ: i64 = 1_000;

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
///
/// Typo spellings are looked up only where a typo is likely, because the lookup (trigram
/// similarity over a million distinct words) is the dearest part of a search: never for a
/// word many songs hold, nor for a last word that begins words of the catalog (it is being
/// typed); for a word the catalog does not know at all, loosely (`%`, similarity 0.3: two
/// typos in a long word); for a rare word it knows, strictly (`<<%`, 0.5: one typo), which
/// matches far fewer of the vocabulary's trigrams.
pub const ANALYSE: &str = "with q as (
    select u.lexeme as word, u.positions[1] as position,
           u.positions[1] = max(u.positions[1]) over () as last,
           coalesce((select v.songs from searchvocabulary v where v.word = u.lexeme), 0)::int8 as songs
      from unnest(to_tsvector('simple', ampli_normalize($1))) u
), w as (
    select q.*, coalesce(p.songs, 0)::int8 as prefix_songs
      from q
      left join lateral (
          select sum(b.songs) as songs from (
              select v.songs from searchvocabulary v
               where v.word > q.word collate \"C\" and v.word < (q.word || chr(1114111)) collate \"C\"
               limit 1000) b
           where q.last
      ) p on true
)
select w.word, w.last, w.songs,
       greatest((select c.reltuples from pg_class c where c.oid = 'songs'::regclass), 1)::int8 as catalog,
       w.prefix_songs,
       coalesce(unknown.words, rare.words, '{}') as spellings,
       coalesce(unknown.songs, rare.songs, '{}') as spelling_songs
  from w
  left join lateral (
      select array_agg(x.word order by x.rank) as words, array_agg(x.songs::int8 order by x.rank) as songs
        from (select v.word, v.songs, row_number() over (order by similarity(v.word, w.word) desc, v.songs desc) as rank
                from searchvocabulary v
               where v.word % w.word and v.word <> w.word and v.songs > 0
               order by similarity(v.word, w.word) desc, v.songs desc
               limit 4) x
       where length(w.word) >= 3 and w.songs = 0 and w.prefix_songs = 0
  ) unknown on true
  left join lateral (
      select array_agg(x.word order by x.rank) as words, array_agg(x.songs::int8 order by x.rank) as songs
        from (select v.word, v.songs, row_number() over (order by similarity(v.word, w.word) desc, v.songs desc) as rank
                from searchvocabulary v
               where w.word <<% v.word and v.word <> w.word and v.songs > 0
               order by similarity(v.word, w.word) desc, v.songs desc
               limit 4) x
       where length(w.word) >= 3 and w.songs between 1 and 19 and w.prefix_songs = 0
  ) rare on true
 order by w.position";

/// A query's words as tsqueries. Songs are found by `words` (on `SearchVector`) and `start`
/// (on `SearchStarts`, migration 20: a last word of one to three letters, as the word start it
/// is), whichever are there; albums and names, whose tables are smaller, by `whole`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsQuery {
    pub words: Option<String>,
    pub start: Option<String>,
    pub whole: String,
    /// How many songs are expected to match (see [`queries`]).
    pub expected: i64,
}

/// The first `limit` songs matching `query`'s parts (`$1` its words, `$5` its start),
/// ranked against the query text `$2`; `$3` is the query as a LIKE literal, `$4` the limit.
///
/// The candidates ranked are the most popular matches: for many expected matches, read in
/// popularity order straight from `idx_songs_popular_keyset` (each row read costs a check
/// of its words); for fewer, the matches the word index finds, at most [`MATCHES_READ`] of
/// them (each costs a heap fetch), sorted.
pub fn ranked(query: &TsQuery) -> String {
    let mut found_by = Vec::new();
    if query.words.is_some() {
        found_by.push("s.searchvector @@ to_tsquery('simple', $1)");
    }
    if query.start.is_some() {
        found_by.push("s.searchstarts @@ to_tsquery('simple', $5)");
    }
    let found_by = found_by.join(" and ");
    let columns = "s.songid, s.title, s.searchtext, s.playcount";
    let candidates = if query.expected > POPULARITY_ORDER_ABOVE {
        format!(
            "select {columns} from songs s where {found_by}
              order by s.playcount desc, s.songid desc limit {CANDIDATES}"
        )
    } else {
        format!(
            "select s.* from (select {columns} from songs s where {found_by} limit {MATCHES_READ}) s
              order by coalesce(s.playcount, 0) desc, s.songid limit {CANDIDATES}"
        )
    };
    format!(
        "select c.songid from ({candidates}) c
         order by greatest(similarity(ampli_normalize(c.title), ampli_normalize($2)),
                           similarity(c.searchtext, ampli_normalize($2)))
                  + case when ampli_normalize(c.title) like ampli_normalize($3) || '%' then 0.3 else 0 end
                  + 0.03 * ln(1 + coalesce(c.playcount, 0)) desc,
                  c.songid
         limit $4"
    )
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

/// The longest last word looked up as a word start (`SearchStarts` holds starts of up to
/// three letters).
const LONGEST_START: usize = 3;

/// The last word as a word start, when it is one: a prefix of one to three letters with no
/// typo spellings (it begins words of the catalog, see [`ANALYSE`]).
fn start(word: &Word) -> Option<String> {
    (word.last && word.spellings.is_empty() && word.word.chars().count() <= LONGEST_START)
        .then(|| format!("({})", operand(&word.word, false)))
}

/// The strict query (every word) and, for two words or more, a relaxed one (every word but
/// one, or either of two; a word start left out), each with its expected number of matches:
/// words are taken as independent, so all of them match
/// `catalog × Π(matches of a word / catalog)` songs.
fn queries(words: &[Word]) -> Vec<TsQuery> {
    let groups: Vec<(String, i64)> = words.iter().map(group).collect();
    let catalog = words.first().map_or(1, |w| w.catalog.max(1)) as f64;
    let all = |kept: &[&(String, i64)]| {
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
    let every: Vec<&(String, i64)> = groups.iter().collect();
    let (whole, expected) = all(&every);
    let start = words.last().and_then(start);
    // The words the index looks up: all of them but a start, which has its own column.
    let looked_up: Vec<&(String, i64)> = match start {
        Some(_) => every[..every.len() - 1].to_vec(),
        None => every,
    };
    // A start that begins another word of the query ("whisper w") is held by every song that
    // word is: it narrows nothing, and the words alone say how many songs match.
    let start_begins_a_word = start.is_some()
        && words.split_last().is_some_and(|(last, others)| {
            others
                .iter()
                .any(|other| other.word.starts_with(&last.word))
        });
    let strict = TsQuery {
        words: (!looked_up.is_empty()).then(|| all(&looked_up).0),
        start,
        whole,
        expected: if start_begins_a_word {
            all(&looked_up).1
        } else {
            expected
        },
    };
    let mut queries = vec![strict];
    if groups.len() >= 2 && looked_up.len() >= 2 {
        let leave_one_out: Vec<(String, i64)> = (0..looked_up.len())
            .map(|skip| {
                let kept: Vec<&(String, i64)> = looked_up
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, g)| *g)
                    .collect();
                all(&kept)
            })
            .collect();
        let text: Vec<&str> = leave_one_out.iter().map(|(t, _)| t.as_str()).collect();
        let index = text.join(" | ");
        queries.push(TsQuery {
            words: Some(index.clone()),
            start: None,
            whole: index,
            expected: leave_one_out.iter().map(|(_, e)| *e).sum(),
        });
    } else if groups.len() >= 2 {
        // Two words, the last a start: the other word alone.
        let (index, expected) = all(&looked_up);
        queries.push(TsQuery {
            words: Some(index.clone()),
            start: None,
            whole: index,
            expected,
        });
    }
    queries
}

/// The tsqueries for `text`, strict first; none for a query of only symbols. Songs, albums,
/// artists, users and playlists are all found with the same ones, worked out once a search.
pub async fn tsqueries(tx: &mut PgConnection, text: &str) -> sqlx::Result<Vec<TsQuery>> {
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

/// The ids of the best `limit` songs for `text` (`like` is it as a LIKE literal), found
/// with `tsqueries`.
pub async fn find(
    tx: &mut PgConnection,
    tsqueries: &[TsQuery],
    text: &str,
    like: &str,
    limit: i64,
) -> sqlx::Result<Vec<Uuid>> {
    let mut found: Vec<Uuid> = Vec::new();
    for tsquery in tsqueries {
        if found.len() as i64 >= limit {
            break;
        }
        let statement = ranked(tsquery);
        let select = sqlx::query_scalar(sqlx::AssertSqlSafe(statement))
            .bind(&tsquery.words)
            .bind(text)
            .bind(like)
            .bind(limit)
            .bind(&tsquery.start);
        let ids: Vec<Uuid> = select.fetch_all(&mut *tx).await?;
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
            word("subm", true, 3, &[]),
        ];
        let queries = queries(&words);
        // 40 × 9,000 × 10 songs out of a million match all three: one, rounded up.
        let strict = "(('beetles' | 'beatles') & ('yelow' | 'yellow') & ('subm':*))";
        assert_eq!(
            queries[0],
            TsQuery {
                words: Some(strict.to_owned()),
                start: None,
                whole: strict.to_owned(),
                expected: 1
            }
        );
        // Leaving one word out: 9,000 × 10, 40 × 10 and 40 × 9,000, out of a million.
        assert_eq!(queries[1].expected, 1 + 1 + 1);
        assert_eq!(queries.len(), 2);
        assert_eq!(queries[1].whole.matches(" & ").count(), 3);
        assert_eq!(queries[1].start, None);
    }

    #[test]
    fn a_short_last_word_is_a_word_start() {
        let mut b = word("b", true, 0, &[]);
        b.prefix_songs = 400_000;
        let words = [word("sombra", false, 900, &[]), b];
        let strict = &queries(&words)[0];
        assert_eq!(strict.words.as_deref(), Some("(('sombra'))"));
        assert_eq!(strict.start.as_deref(), Some("('b')"));
        assert_eq!(strict.whole, "(('sombra') & ('b':*))");
        // 900 × 400,000 out of a million.
        assert_eq!(strict.expected, 360);
        // Relaxed: the other word alone.
        assert_eq!(queries(&words)[1].words.as_deref(), Some("(('sombra'))"));
        assert_eq!(queries(&words).len(), 2);
        // A start that begins another word narrows nothing: "whisper w" matches as "whisper".
        let words = [word("whisper", false, 36_000, &[]), word("w", true, 0, &[])];
        assert_eq!(queries(&words)[0].expected, 36_000);
        // Alone, a start is all there is to look up.
        let alone = &queries(&words[1..]);
        assert_eq!((alone[0].words.as_deref(), alone.len()), (None, 1));
        // Three words, the last a start: the relaxed query leaves one of the other two out.
        let words = [
            word("liebe", false, 30_000, &[]),
            word("lustzhohek", false, 2, &[]),
            word("ri", true, 0, &[]),
        ];
        let relaxed = &queries(&words)[1];
        assert_eq!(relaxed.whole, "(('lustzhohek')) | (('liebe'))");
        // Four letters, or a typo's spellings: looked up as words.
        let words = [
            word("liebe", false, 30_000, &[]),
            word("lust", true, 0, &[]),
        ];
        assert_eq!(queries(&words)[0].start, None);
        let words = [word("xqz", true, 0, &[("xyz", 3)])];
        assert_eq!(queries(&words)[0].start, None);
    }

    #[test]
    fn quotes_and_backslashes_in_words_are_just_characters() {
        assert_eq!(operand(r"it's\", true), r"'it''s\\':*");
    }
}
