//! Rows into PostgreSQL. A table that holds no rows yet is loaded in one transaction with its
//! indexes set aside and built afterwards, by `COPY` for the big tables ([`BulkLoad`]); songs,
//! likes and the small tables load side by side ([`write`]). Otherwise rows go in as multi-row
//! `INSERT … SELECT FROM unnest(…)` statements of a few thousand rows, each batch in its own
//! transaction. Either way every id is derived from the source, so work repeated after an
//! import was stopped converges on the same rows: conflicts update only rows the importer
//! made, and only when something differs.

use std::cell::RefCell;
use std::collections::BTreeMap;

use anyhow::bail;
use futures_util::future::{try_join, try_join3};
use futures_util::stream::{self, StreamExt};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use tokio::sync::watch;

use super::bulk::{BulkLoad, InsertTriggers, LoadedWhole};
use super::plan::Plan;
use super::progress::Progress;
use accounts::{write_follows, write_sessions, write_users};
use catalog::{write_artists, write_playlists, write_songs};
use listening::{write_history, write_pairs};

mod accounts;
mod catalog;
mod listening;

const BATCH: usize = 5_000;
/// Rows a statement writes in a bulk load, where no other transaction waits on the rows'
/// locks and each statement's fixed cost is better spread.
const FRESH_BATCH: usize = 100_000;
/// Batches in flight at once, each on its own connection: PostgreSQL works on each with a core
/// of its own, so the import is not bound to one.
const WRITERS: usize = 2;
/// Connections the four lanes of [`write`] need so that the users and the songs always
/// progress: the likes' load may hold one while it waits for the songs, the small tables up to
/// three (playlists, favourites and history, each waiting for the songs; before them follows
/// and sessions take up to `WRITERS`), the songs one while they wait for the users, and the
/// users one more.
const LANE_CONNECTIONS: u32 = 1 + 3 + 1 + 1;

/// How a batch meets the rows already in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Into tables that were empty, inside a [`BulkLoad`]: plain inserts (the keys that
    /// conflicts would be found by are being rebuilt afterwards).
    Fresh,
    /// Beside rows that are there already: an importer's row is updated, anyone else's kept.
    Merge,
}

/// `insert`, followed in [`Mode::Merge`] by its conflict clause.
fn statement(mode: Mode, insert: &str, on_conflict: &str) -> String {
    match mode {
        Mode::Fresh => insert.to_owned(),
        Mode::Merge => format!("{insert}\n{on_conflict}"),
    }
}

pub(super) async fn begin(pool: &PgPool) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = pool.begin().await?;
    // Keep the source's UpdatedAt through the seed's "touch on update" trigger (migration 8),
    // and skip the credits' search-text refresh: the songs' statement writes that text itself.
    sqlx::query("select set_config('ampli.keep_timestamps', 'on', true), set_config('ampli.search_text_written', 'on', true)")
        .execute(&mut *tx)
        .await?;
    Ok(tx)
}

async fn analyze(pool: &PgPool, tables: &str) -> sqlx::Result<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("analyze {tables}")))
        .execute(pool)
        .await
        .map(|_| ())
}

/// A transaction for rows that only join users and songs the import wrote before them (likes,
/// favourites, history, follows). When `unchecked`, PostgreSQL's per-row foreign-key checks
/// are off for it, as `pg_restore --disable-triggers` does: three quarters of such an insert's
/// time is those lookups. The plan only makes such rows from references it resolved, and
/// `verify::orphans` checks every one of them afterwards in one pass.
async fn begin_relations(
    pool: &PgPool,
    unchecked: bool,
) -> sqlx::Result<Transaction<'static, Postgres>> {
    let mut tx = begin(pool).await?;
    if unchecked {
        sqlx::query("set local session_replication_role = replica")
            .execute(&mut *tx)
            .await?;
    }
    Ok(tx)
}

/// Where rows go: the tables a batch writes (the first names the progress stage), how many rows
/// a batch holds, and what may be skipped or replaced on the way.
struct Destination<'a> {
    tables: &'a [&'static str],
    /// Rows a batch holds beside existing rows (a bulk load sends `FRESH_BATCH`).
    batch: usize,
    /// Rows that only join users and songs written before them: beside existing rows, a
    /// superuser writes them without per-row foreign-key checks (see [`begin_relations`]).
    relations: bool,
    /// Insert triggers a bulk load replaces (see [`InsertTriggers`]).
    triggers: Option<&'static InsertTriggers>,
    /// Rows these point at that another load, running beside this one, is still writing:
    /// turns true once they are committed. Foreign keys are checked only after that.
    waits_for: Option<&'a watch::Receiver<bool>>,
    /// Told once every row is written (before the indexes are built and the rows committed).
    announces_written: Option<&'a watch::Sender<bool>>,
    /// In a bulk load, turns true when the indexes may be built (see [`write`]).
    builds_after: Option<&'a watch::Receiver<bool>>,
}

/// What a load of rows that point at songs waits for, when the songs load beside it.
#[derive(Clone, Copy)]
struct AfterSongs<'a> {
    /// The songs' rows are written: indexes may be built.
    written: &'a watch::Receiver<bool>,
    /// The songs are committed: foreign keys may be checked.
    committed: &'a watch::Receiver<bool>,
}

fn into<'a>(tables: &'a [&'static str], batch: usize) -> Destination<'a> {
    Destination {
        tables,
        batch,
        relations: false,
        triggers: None,
        waits_for: None,
        announces_written: None,
        builds_after: None,
    }
}

impl<'a> Destination<'a> {
    fn relations(self) -> Self {
        Self {
            relations: true,
            ..self
        }
    }

    fn waiting_for(self, committed: &'a watch::Receiver<bool>) -> Self {
        Self {
            waits_for: Some(committed),
            ..self
        }
    }

    fn after(self, songs: AfterSongs<'a>) -> Self {
        Self {
            waits_for: Some(songs.committed),
            builds_after: Some(songs.written),
            ..self
        }
    }

    fn announcing_written(self, written: &'a watch::Sender<bool>) -> Self {
        Self {
            announces_written: Some(written),
            ..self
        }
    }

    fn announce_written(&self) {
        if let Some(written) = self.announces_written {
            written.send_replace(true);
        }
    }

    fn replacing(self, triggers: &'static InsertTriggers) -> Self {
        Self {
            triggers: Some(triggers),
            ..self
        }
    }
}

/// Row counts of tables loaded whole by a [`BulkLoad`], taken in its transaction.
pub type CountedOnLoad = BTreeMap<&'static str, u64>;

/// The database being written, whether its role may skip per-row foreign-key checks, and the
/// tables this import's loads have loaded whole so far.
#[derive(Clone, Copy)]
struct Db<'a> {
    pool: &'a PgPool,
    superuser: bool,
    loaded_whole: &'a LoadedWhole,
}

/// Writes `rows` with `write`, a batch at a time: all in one [`BulkLoad`] when every table of
/// `to` is empty (answering their counts), otherwise each batch in its own transaction,
/// `WRITERS` at a time (answering no counts).
async fn load<T: Sync>(
    db: Db<'_>,
    to: Destination<'_>,
    rows: &[T],
    progress: &RefCell<Progress>,
    write: impl AsyncFn(&mut PgConnection, &[T], Mode) -> anyhow::Result<()>,
) -> anyhow::Result<CountedOnLoad> {
    let stage = to.tables[0];
    progress.borrow_mut().stage(stage, rows.len());
    let counted = if rows.is_empty() {
        to.announce_written();
        CountedOnLoad::new()
    } else {
        write_rows(db, &to, rows, progress, write).await?
    };
    progress.borrow_mut().finish(stage);
    Ok(counted)
}

async fn write_rows<T: Sync>(
    db: Db<'_>,
    to: &Destination<'_>,
    rows: &[T],
    progress: &RefCell<Progress>,
    write: impl AsyncFn(&mut PgConnection, &[T], Mode) -> anyhow::Result<()>,
) -> anyhow::Result<CountedOnLoad> {
    let stage = to.tables[0];
    let pool = db.pool;
    if !db.superuser {
        // This load will set its foreign keys aside, which locks the tables they point at: it
        // must not take those locks before the load writing them has committed, or each would
        // wait for the other.
        until_true(to.waits_for).await;
    }
    if let Some(mut bulk) = BulkLoad::begin(pool, to.tables, to.triggers, db.superuser).await? {
        for batch in rows.chunks(FRESH_BATCH) {
            write(bulk.connection(), batch, Mode::Fresh).await?;
            progress.borrow_mut().advance(stage, batch.len());
        }
        to.announce_written();
        until_true(to.builds_after).await;
        // Counted and analysed in its transaction.
        let planned = rows.len() as u64;
        return bulk
            .finish(until_true(to.waits_for), db.loaded_whole, planned)
            .await;
    }
    // Beside existing rows, each batch's foreign keys may be checked as it is written.
    until_true(to.waits_for).await;
    let write = &write;
    let unchecked = db.superuser && to.relations;
    let mut written = stream::iter(rows.chunks(to.batch).map(|batch| async move {
        let mut tx = begin_relations(pool, unchecked).await?;
        write(&mut *tx, batch, Mode::Merge).await?;
        tx.commit().await?;
        Ok::<_, anyhow::Error>(batch.len())
    }))
    .buffer_unordered(WRITERS);
    while let Some(count) = written.next().await {
        progress.borrow_mut().advance(stage, count?);
    }
    to.announce_written();
    analyze(pool, &to.tables.join(", ")).await?;
    Ok(CountedOnLoad::new())
}

/// Resolves once `signal` turns true (at once when there is none): another load's rows
/// written or committed. A load that failed drops its sender, which ends the wait too: the
/// foreign keys then find the rows missing.
async fn until_true(signal: Option<&watch::Receiver<bool>>) {
    if let Some(receiver) = signal {
        let _ = receiver.clone().wait_for(|done| *done).await;
    }
}

fn column<T, U>(rows: &[T], f: impl Fn(&T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

/// Songs' insert triggers, off in a bulk load: the row trigger would only keep the search text
/// each insert provides, and the vocabulary is counted once over all the songs instead of once
/// per batch. (Migrations 7 and 9 define them.)
static SONG_INSERT_TRIGGERS: InsertTriggers = InsertTriggers {
    table: "songs",
    triggers: &["songs_search_text", "songs_search_vocabulary_insert"],
    // The table was empty: every song in it now is one this load wrote. `ts_stat` counts the
    // songs holding each word (migration 9's own definition of the vocabulary) in a third of
    // the time of unnesting every vector and grouping the words (0.95 s against 2.7 s for a
    // million songs, measured in psql).
    insert: "insert into searchvocabulary (word, songs)
                select word, ndoc from ts_stat('select searchvector from songs')",
    on_conflict: "on conflict (word) do update set songs = searchvocabulary.songs + excluded.songs",
    reindexed: &["searchvocabulary"],
};

/// Writes the plan. `superuser`: the role may skip per-row foreign-key checks (and then
/// checks the rows set-based instead; see [`BulkLoad`] and [`begin_relations`]).
///
/// `plan` is the plan's first part (users, artists, songs), `rest` the second, still being
/// made when the first part's loads start ([`super::plan::Rest`]); answers the second part
/// once written. Each part's references are checked against the plan before its rows go in.
///
/// Four lanes, side by side: the users and their artists; the songs; the likes; the small
/// tables. The songs and the likes take most of the time, much of it PostgreSQL building
/// indexes on one core. Every load starts as soon as its rows are planned, and checks its
/// foreign keys only once what they point at is committed: the songs and the small tables
/// wait for the users, the likes and the tables that point at songs for the songs (which
/// commit only after the users). A role that must set its keys aside starts each load only
/// then, as that locks the tables they point at.
pub async fn write(
    pool: &PgPool,
    plan: &Plan,
    rest: impl Future<Output = anyhow::Result<Plan>>,
    progress: &RefCell<Progress>,
    superuser: bool,
) -> anyhow::Result<(CountedOnLoad, Plan)> {
    points_into(plan, plan, "nothing was written")?;
    let loaded_whole = LoadedWhole::default();
    let db = Db {
        pool,
        superuser,
        loaded_whole: &loaded_whole,
    };
    // Loads may hold connections while they wait for the songs: side by side only when the
    // pool leaves the songs one (`db_pool_max` is the operator's to set).
    let side_by_side = pool.options().get_max_connections() >= LANE_CONNECTIONS;
    let (users_committed, users) = watch::channel(false);
    let users_lane = async {
        let mut counted = write_users(db, &plan.users, progress).await?;
        counted.extend(write_artists(db, &plan.artists, progress).await?);
        users_committed.send_replace(true);
        Ok::<_, anyhow::Error>(counted)
    };
    // The songs commit only once the users and artists have: committed songs mean all three.
    let (songs_committed, songs) = watch::channel(false);
    // The loads that point at songs build their indexes once the songs' rows are in.
    // Building the songs' indexes and vocabulary after that is a third of their load and one
    // core's work for PostgreSQL: built beside the songs' rows, the likes' indexes were done by
    // then and the other core stood idle (vmstat: ten seconds at 50 % idle).
    let (songs_written_sender, songs_written) = watch::channel(false);
    let after_songs = AfterSongs {
        written: &songs_written,
        committed: &songs,
    };
    let songs_lane = async {
        let songs = &plan.songs;
        let written = &songs_written_sender;
        let counted = write_songs(db, songs, &users, written, progress).await?;
        songs_committed.send_replace(true);
        Ok(counted)
    };
    // The plan's second part is made while the users and songs go in.
    let rest_lanes = async {
        let rest = rest.await?;
        points_into(plan, &rest, "those rows were not written")?;
        let likes_lane = write_pairs(db, "likes", "likeid", &rest.likes, after_songs, progress);
        let other_lane = write_rest(db, &rest, &users, after_songs, progress);
        let (from_likes, from_the_rest) = if side_by_side {
            try_join(likes_lane, other_lane).await?
        } else {
            (likes_lane.await?, other_lane.await?)
        };
        let mut counted = from_likes;
        counted.extend(from_the_rest);
        Ok((counted, rest))
    };
    let (from_users, from_songs, (from_the_rest, rest)) = if side_by_side {
        try_join3(users_lane, songs_lane, rest_lanes).await?
    } else {
        let users = users_lane.await?;
        (users, songs_lane.await?, rest_lanes.await?)
    };
    let mut counted = from_users;
    counted.extend(from_songs.into_iter().chain(from_the_rest));
    Ok((counted, rest))
}

/// Fails, before `pointing`'s rows are written, when any of them points at a row `holding`
/// does not hold: a bug in the importer (see [`super::references`]).
fn points_into(holding: &Plan, pointing: &Plan, outcome: &str) -> anyhow::Result<()> {
    let dangling = super::references::dangling(holding, pointing);
    if !dangling.is_empty() {
        bail!(
            "the plan's rows point at rows it does not hold (a bug in the importer; {outcome}): {dangling:?}"
        );
    }
    Ok(())
}

/// The small tables: follows and sessions, then playlists, favourites and history side by
/// side.
async fn write_rest(
    db: Db<'_>,
    plan: &Plan,
    users: &watch::Receiver<bool>,
    songs: AfterSongs<'_>,
    progress: &RefCell<Progress>,
) -> anyhow::Result<CountedOnLoad> {
    let mut counted = write_follows(db, &plan.follows, users, progress).await?;
    counted.extend(write_sessions(db, &plan.sessions, users, progress).await?);
    // Each of these waits for the songs before its foreign keys are checked: side by side,
    // so that all three are done soon after the songs are.
    let playlists = async {
        let mut counted = write_playlists(db, &plan.playlists, false, songs, progress).await?;
        let auto = &plan.auto_playlists;
        counted.extend(write_playlists(db, auto, true, songs, progress).await?);
        Ok(counted)
    };
    let favorites = &plan.favorites;
    let favorites = write_pairs(db, "favorites", "favoriteid", favorites, songs, progress);
    let history = write_history(db, &plan.history, songs, progress);
    let (playlists, favorites, history) = try_join3(playlists, favorites, history).await?;
    counted.extend(playlists.into_iter().chain(favorites).chain(history));
    Ok(counted)
}
