//! Offset paging over keyset pages. Subsonic apps page by `offset` (a library sync walks
//! `search3` with an empty query to the end), but Ampli's lists continue from a cursor, which
//! costs the same on the thousandth page as on the first. This remembers, for each list and
//! offset, the cursor where the previous page ended, so the next page of a walk starts there;
//! an offset nobody reached yet is walked to once, in steps (long ones where the list can
//! skip rows without answering them), remembering each.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::http::pagination::Page;

/// Remembered positions, at most; past this the oldest half is forgotten.
const MAX_REMEMBERED: usize = 20_000;
/// A position is forgotten after this: the list may have changed a lot since.
const KEPT_FOR: Duration = Duration::from_secs(30 * 60);
/// Rows walked per step when reaching an offset nobody reached before, a page at a time.
const WALK_STEP: i64 = 500;
/// The same when the list can skip rows without answering them.
pub const SKIP_STEP: i64 = 20_000;

#[derive(Default)]
pub struct Positions {
    /// (list, offset) → the cursor that continues the list at that offset, or `End` when
    /// the list ended before it.
    cursors: Mutex<HashMap<(String, i64), (Position, Instant)>>,
}

#[derive(Debug, Clone)]
enum Position {
    At(String),
    End,
}

impl Positions {
    fn remembered(&self, list: &str, offset: i64) -> Option<Position> {
        let cursors = self.cursors.lock().unwrap_or_else(|e| e.into_inner());
        let (position, at) = cursors.get(&(list.to_owned(), offset))?;
        (at.elapsed() < KEPT_FOR).then(|| position.clone())
    }

    fn remember(&self, list: &str, offset: i64, cursor: Position) {
        let mut cursors = self.cursors.lock().unwrap_or_else(|e| e.into_inner());
        if cursors.len() >= MAX_REMEMBERED {
            let mut ages: Vec<Instant> = cursors.values().map(|(_, at)| *at).collect();
            ages.sort_unstable();
            let cut = ages[ages.len() / 2];
            cursors.retain(|_, (_, at)| *at > cut);
        }
        cursors.insert((list.to_owned(), offset), (cursor, Instant::now()));
    }

    /// `size` items of `list` from `offset`. `fetch(cursor, limit)` reads one keyset page;
    /// an offset nobody reached is walked to a page at a time.
    pub async fn page<T, E, F, Fut>(
        &self,
        list: &str,
        offset: i64,
        size: i64,
        fetch: F,
    ) -> Result<Vec<T>, E>
    where
        F: Fn(Option<String>, i64) -> Fut,
        Fut: Future<Output = Result<Page<T>, E>>,
    {
        let skip = |cursor: Option<String>, rows: i64| {
            let page = fetch(cursor, rows);
            async move { Ok(page.await?.next_cursor) }
        };
        self.page_skipping(list, offset, size, &fetch, skip, WALK_STEP)
            .await
    }

    /// As `page`, with `skip(cursor, rows)` answering the cursor `rows` further on (none past
    /// the end) without reading the rows: an offset nobody reached is walked to in long steps.
    pub async fn page_skipping<T, E, F, Fut, S, SFut>(
        &self,
        list: &str,
        offset: i64,
        size: i64,
        fetch: F,
        skip: S,
        step: i64,
    ) -> Result<Vec<T>, E>
    where
        F: Fn(Option<String>, i64) -> Fut,
        Fut: Future<Output = Result<Page<T>, E>>,
        S: Fn(Option<String>, i64) -> SFut,
        SFut: Future<Output = Result<Option<String>, E>>,
    {
        if size == 0 {
            return Ok(Vec::new());
        }
        let mut at = offset;
        let mut cursor = None;
        if offset > 0 {
            match self.remembered(list, offset) {
                Some(Position::At(known)) => cursor = Some(known),
                Some(Position::End) => return Ok(Vec::new()),
                None => {
                    // Walk from the start (or the nearest remembered step before the
                    // offset), remembering each step.
                    at = (offset / step) * step;
                    while at > 0 && !matches!(self.remembered(list, at), Some(Position::At(_))) {
                        at -= step;
                    }
                    cursor = match self.remembered(list, at) {
                        Some(Position::At(known)) if at > 0 => Some(known),
                        _ => None,
                    };
                    while at < offset {
                        let rows = step.min(offset - at);
                        let Some(next) = skip(cursor.clone(), rows).await? else {
                            self.remember(list, offset, Position::End);
                            return Ok(Vec::new());
                        };
                        at += rows;
                        self.remember(list, at, Position::At(next.clone()));
                        cursor = Some(next);
                    }
                }
            }
        }
        let page = fetch(cursor, size).await?;
        let next = match page.next_cursor {
            Some(next) => Position::At(next),
            None => Position::End,
        };
        self.remember(list, at + size, next);
        Ok(page.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A list of 0..n, paged by a cursor that is the next number; counts rows read.
    async fn numbers(
        n: i64,
        cursor: Option<String>,
        limit: i64,
        read: &AtomicUsize,
    ) -> Result<Page<i64>, ()> {
        let start: i64 = cursor.map_or(0, |c| c.parse().unwrap());
        let end = (start + limit).min(n);
        read.fetch_add((end - start) as usize, Ordering::Relaxed);
        Ok(Page {
            items: (start..end).collect(),
            next_cursor: (end < n).then(|| end.to_string()),
        })
    }

    #[tokio::test]
    async fn a_walk_to_the_end_reads_each_row_once_and_any_offset_answers_right() {
        let positions = Positions::default();
        let read = AtomicUsize::new(0);
        let mut all = Vec::new();
        for offset in (0..).step_by(7) {
            let page = positions
                .page("n", offset, 7, |c, l| numbers(100, c, l, &read))
                .await
                .unwrap();
            if page.is_empty() {
                break;
            }
            all.extend(page);
        }
        assert_eq!(all, (0..100).collect::<Vec<_>>());
        assert_eq!(read.load(Ordering::Relaxed), 100);
        // An offset nobody reached: walked to, and right.
        let cold = Positions::default();
        let page = cold
            .page("n", 1234 % 100, 5, |c, l| numbers(100, c, l, &read))
            .await
            .unwrap();
        assert_eq!(page, vec![34, 35, 36, 37, 38]);
        let past = cold
            .page("n", 150, 5, |c, l| numbers(100, c, l, &read))
            .await
            .unwrap();
        assert!(past.is_empty());
    }

    #[tokio::test]
    async fn a_list_that_skips_is_walked_in_long_steps_without_reading_rows() {
        let positions = Positions::default();
        let read = AtomicUsize::new(0);
        let skips = AtomicUsize::new(0);
        let skip = |cursor: Option<String>, rows: i64| {
            skips.fetch_add(1, Ordering::Relaxed);
            let start: i64 = cursor.map_or(0, |c| c.parse().unwrap());
            let at = start + rows;
            async move { Ok::<_, ()>((at < 1_000).then(|| at.to_string())) }
        };
        let page = positions
            .page_skipping("n", 950, 3, |c, l| numbers(1_000, c, l, &read), skip, 400)
            .await
            .unwrap();
        assert_eq!(page, vec![950, 951, 952]);
        assert_eq!(
            read.load(Ordering::Relaxed),
            3,
            "only the page's rows are read"
        );
        assert_eq!(skips.load(Ordering::Relaxed), 3, "400 + 400 + 150");
        let past = positions
            .page_skipping("n", 2_000, 3, |c, l| numbers(1_000, c, l, &read), skip, 400)
            .await
            .unwrap();
        assert!(past.is_empty());
    }
}
