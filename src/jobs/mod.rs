//! Background work, one mechanism for all of Ampli:
//! - queued jobs live in the Jobs table and are taken with `FOR UPDATE SKIP LOCKED`
//!   (transcoding: `catalog::transcode`, its SQL in `catalog/store/transcode_jobs.rs`);
//! - periodic jobs are run by `Periodic`, each under a PostgreSQL advisory lock so that with
//!   several instances only one runs it at a time, and once per period over all of them (the
//!   PeriodicJobRuns table), retried with back-off, counted in /metrics.
//!   What a job does belongs to its capability (the token clean-up is
//!   `accounts::store::clean_up_tokens`); `ampli serve` schedules them.
//!
//! Every job is idempotent: running one twice does no harm.

use std::future::Future;
use std::time::Duration;

use sqlx::PgPool;
use tokio::sync::watch;

use crate::metrics::Metrics;

/// A job that runs every `every`.
pub struct Periodic {
    pub name: &'static str,
    pub every: Duration,
    /// When the first run comes after start: at once for what a new instance needs (the
    /// discovery lists), soon for clean-up that should not wait a whole `every`.
    pub first_run: Duration,
}

impl Periodic {
    /// A stable advisory-lock key from the job's name.
    fn lock_key(&self) -> i64 {
        self.name.bytes().fold(0x616d_706c_6900_i64, |key, byte| {
            key.wrapping_mul(31).wrapping_add(i64::from(byte))
        })
    }

    /// Runs `job` on its schedule until `stop` turns true.
    pub fn spawn<F, Fut>(
        self,
        db: PgPool,
        metrics: Metrics,
        mut stop: watch::Receiver<bool>,
        job: F,
    ) -> tokio::task::JoinHandle<()>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send,
    {
        tokio::spawn(async move {
            let mut wait = self.first_run;
            let mut failures = 0u32;
            loop {
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.changed() => return,
                }
                let outcome = self.run_once(&db, &job).await;
                let label = match &outcome {
                    Ok(true) => "ok",
                    Ok(false) => "skipped",
                    Err(_) => "failed",
                };
                metrics.record_job(self.name, label);
                wait = match outcome {
                    Ok(_) => {
                        failures = 0;
                        self.every
                    }
                    Err(error) => {
                        failures += 1;
                        tracing::warn!(
                            job = self.name,
                            error = format!("{error:#}"),
                            failures,
                            "periodic job failed; retrying"
                        );
                        // 30 s, 60 s, 120 s, … but never later than the next regular run.
                        (Duration::from_secs(30) * 2u32.saturating_pow(failures - 1))
                            .min(self.every)
                    }
                };
            }
        })
    }

    /// Runs the job if no other instance holds its lock; answers whether it ran.
    pub async fn run_once<F, Fut>(&self, db: &PgPool, job: &F) -> anyhow::Result<bool>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = anyhow::Result<()>>,
    {
        let mut connection = db.acquire().await?;
        let locked: bool = sqlx::query_scalar("select pg_try_advisory_lock($1)")
            .bind(self.lock_key())
            .fetch_one(&mut *connection)
            .await?;
        if !locked {
            return Ok(false);
        }
        // Once per period over all instances: the lock keeps two runs apart, the record of
        // the last run keeps another instance (whose timer fires a moment later) from running
        // it again in the same period. A tenth of the period is left as slack for timers.
        let due: bool = sqlx::query_scalar(
            "insert into periodicjobruns (jobname, lastrunat) values ($1, now())
             on conflict (jobname) do update set lastrunat = now()
              where periodicjobruns.lastrunat <= now() - make_interval(secs => $2)
             returning true",
        )
        .bind(self.name)
        .bind(self.every.as_secs_f64() * 0.9)
        .fetch_optional(&mut *connection)
        .await?
        .unwrap_or(false);
        if !due {
            sqlx::query("select pg_advisory_unlock($1)")
                .bind(self.lock_key())
                .execute(&mut *connection)
                .await?;
            return Ok(false);
        }
        let result = job().await;
        if result.is_err() {
            // Not run after all: the retry must find it due.
            sqlx::query("update periodicjobruns set lastrunat = '-infinity' where jobname = $1")
                .bind(self.name)
                .execute(&mut *connection)
                .await?;
        }
        sqlx::query("select pg_advisory_unlock($1)")
            .bind(self.lock_key())
            .execute(&mut *connection)
            .await?;
        result.map(|()| true)
    }
}
