//! `ampli import-mongo`: moves an earlier MongoDB-based Ampli into PostgreSQL.
//!
//! Read every collection (`source`), turn documents into rows and account for everything that
//! does not become one (`plan`, `report`), write the rows in batches that are safe to repeat
//! (`write`), and check PostgreSQL against the plan (`verify`).
//!
//! Depends on the catalog (its categories), `secrets`, `db` and `config`. It
//! writes the tables of every capability in bulk, as one migration run from the command line,
//! so its SQL stays with its pipeline rather than going through the services.

mod bulk;
pub use bulk::{HASH_MEMORY, SORT_MEMORY};
mod copy;
mod fields;
pub mod ids;
pub(crate) mod plan;
mod progress;
mod references;
pub mod report;
mod search_text;
pub(crate) mod source;
pub use source::Source;
mod verify;
mod write;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::Utc;
use sqlx::PgPool;

use crate::config::Config;
use crate::db::{self, Database};
use progress::Progress;
use report::Report;
use source::COLLECTIONS;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub from: String,
    pub dry_run: bool,
    pub report: Option<PathBuf>,
    pub quiet: bool,
}

pub async fn run(options: ImportOptions, config: Config) -> anyhow::Result<()> {
    let source = Source::open(&options.from)?;
    let database = Database::open_for_tool(&config).await?;
    let result = import(&options, &source, &database.pool).await;
    database.close().await?;
    let report = result?;
    println!("{}", report.summary());
    println!(
        "{} documents in {:.1} s ({:.0} a second){}",
        report.documents_read(),
        report.seconds,
        report.documents_per_second,
        if options.dry_run {
            "; dry run: nothing written"
        } else {
            ""
        }
    );
    if let Some(path) = &options.report {
        let json = serde_json::to_vec_pretty(&report)?;
        std::fs::write(path, json)
            .with_context(|| format!("writing the report to {}", path.display()))?;
        println!("report: {}", path.display());
    }
    if !report.balanced() {
        bail!("the report's counts do not add up; this is a bug in the importer");
    }
    if report.verified == Some(false) {
        bail!("verification found fewer rows than were written (see MISMATCH above)");
    }
    Ok(())
}

/// Does the whole import (or dry run) and answers its report.
pub async fn import(
    options: &ImportOptions,
    source: &Source,
    pool: &PgPool,
) -> anyhow::Result<Report> {
    let started = Instant::now();
    let mut progress = Progress::new(options.quiet);
    progress.say(format!("reading {}", source.describe()));
    let mut collections = HashMap::new();
    for name in COLLECTIONS {
        let collection = source.read(name).await?;
        progress.say(format!(
            "  {name}: {} documents{}",
            collection.len(),
            if collection.unreadable.is_empty() {
                String::new()
            } else {
                format!(", {} unreadable", collection.unreadable.len())
            }
        ));
        collections.insert(name, collection);
    }
    if !options.dry_run {
        db::migrate(pool).await?;
    }
    let target = plan::Target {
        foreign_emails: foreign_emails(pool).await?,
        now: Utc::now(),
    };
    let mut report = Report {
        source: source.describe(),
        dry_run: options.dry_run,
        ..Report::default()
    };
    let read_seconds = started.elapsed().as_secs_f64();
    let planning = Instant::now();
    if options.dry_run {
        plan::build(&collections, &target, &mut report);
    } else {
        // Only a superuser may switch off foreign-key checks for a transaction.
        let superuser: bool =
            sqlx::query_scalar("select rolsuper from pg_roles where rolname = current_user")
                .fetch_one(pool)
                .await?;
        // The users and songs go in while the rest of the plan is made, on a thread of its
        // own with a report of its own (added after the first part's, in the same order).
        let (mut plan, rest) = plan::build_first(&collections, &target, &mut report);
        let plan_seconds = planning.elapsed().as_secs_f64();
        let rest = tokio::task::spawn_blocking(move || {
            let mut report = Report::default();
            let rest = rest.build(&collections, &mut report);
            // Millions of documents take a while to free; the writing need not wait for that.
            std::thread::spawn(move || drop(collections));
            (rest, report)
        });
        let rest_report = RefCell::new(None);
        let rest = async {
            let (rest, report) = rest.await.context("planning the rest of the import")?;
            *rest_report.borrow_mut() = Some(report);
            Ok(rest)
        };
        let shared = RefCell::new(progress);
        let (counted, rest) = write::write(pool, &plan, rest, &shared, superuser).await?;
        progress = shared.into_inner();
        if let Some(rest_report) = rest_report.into_inner() {
            report.absorb(rest_report);
        }
        plan.absorb(rest);
        plan.count_rows(&mut report);
        report.stage_seconds = vec![("read", read_seconds), ("plan", plan_seconds)];
        report.stage_seconds.append(&mut progress.timings);
        progress.say("verifying");
        let verifying = Instant::now();
        let checks = verify::verify(pool, &plan, &report.rows, &counted).await?;
        let orphans = verify::orphans(pool, &counted).await?;
        report.verified = Some(
            checks.values().all(|c| c.expected == c.found) && orphans.values().all(|n| *n == 0),
        );
        report.verification = Some(checks);
        report.orphans = Some(orphans);
        report
            .stage_seconds
            .push(("verify", verifying.elapsed().as_secs_f64()));
    }
    report.seconds = started.elapsed().as_secs_f64();
    report.documents_per_second = report.documents_read() as f64 / report.seconds.max(1e-9);
    Ok(report)
}

/// Lower-cased addresses of accounts the importer did not make; none before migrations ran.
async fn foreign_emails(pool: &PgPool) -> anyhow::Result<HashSet<String>> {
    let migrated: bool = sqlx::query_scalar("select to_regclass('public.users') is not null")
        .fetch_one(pool)
        .await?;
    if !migrated {
        return Ok(HashSet::new());
    }
    let emails: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select lower(trim(email)) from users where not {}",
        ids::sql_is_imported("userid")
    )))
    .fetch_all(pool)
    .await?;
    Ok(emails.into_iter().collect())
}
