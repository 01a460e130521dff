//! `ampli serve`: the HTTP server, from start-up to a graceful stop.

use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::app::AppState;
use crate::config::Config;
use crate::db::{self, Database};
use crate::http;
use crate::jobs::Periodic;
use crate::shared::instances::Instance;

pub async fn run(config: Config) -> anyhow::Result<()> {
    tracing::info!(?config, "starting Ampli");
    let database = Database::open(&config).await?;
    let served = serve(&config, &database).await;
    // Stop the private cluster whatever happened above, and only after the server is done.
    // A cluster that could not be restarted answers here why, and Ampli exits non-zero.
    let closed = database.close().await;
    served.and(closed)
}

async fn serve(config: &Config, database: &Database) -> anyhow::Result<()> {
    db::migrate(&database.pool).await?;
    let mut state = AppState::build(database.pool.clone(), config).await?;
    state.db_status = database.status();
    let cluster_failed = database.status();
    let listener = TcpListener::bind(config.listen).await.with_context(|| {
        format!(
            "invalid setting --listen (AMPLI_LISTEN): cannot listen on {}",
            config.listen
        )
    })?;
    // Registered once the address is ours (the registry takes a row with this host and
    // address for a predecessor that died), before any background work starts.
    let shareable = config.s3.is_some() && config.redis_url.is_some();
    let instance = Instance::this_process(listener.local_addr()?.to_string(), shareable);
    instance.register(&state.db).await?;
    let (workers_stop, workers_stopping) = watch::channel(false);
    let workers_stopping_for_sweep = workers_stopping.clone(); // for the periodic jobs
    let mut upkeep = vec![instance.spawn_heartbeat(state.db.clone(), workers_stopping.clone())];
    upkeep.extend(
        state
            .shared
            .invalidations
            .spawn_listener(workers_stopping.clone()),
    );
    upkeep.push(
        state
            .shared
            .notices
            .spawn_listener(workers_stopping.clone()),
    );
    upkeep.extend(
        state
            .reads
            .spawn_monitor(config.replica_max_lag, workers_stopping.clone()),
    );
    let flusher = state.catalog.plays.spawn_flusher();
    let transcoder = match state.catalog.transcoder(state.metrics.clone()) {
        Some(transcoder) => Some(tokio::spawn(transcoder.run(workers_stopping))),
        None => {
            tracing::warn!(
                "ffmpeg not found: songs are streamed as uploaded, without a bitrate ladder"
            );
            None
        }
    };
    let periodic = spawn_periodic_jobs(config, &state, &workers_stopping_for_sweep);
    let catalog = state.catalog.clone();
    let app = crate::app::router(state, config);
    tracing::info!(address = %listener.local_addr()?, "listening");

    let (stopping_tx, mut stopping_rx) = watch::channel(false);
    let limits = http::server::ConnectionLimits {
        header_read_timeout: config.header_read_timeout,
        idle_timeout: config.idle_timeout,
    };
    let server = http::server::serve(listener, app, limits, async move {
        tokio::select! {
            () = shutdown_signal() => tracing::info!("stopping: finishing in-flight requests"),
            // Serving on without a database would only answer 503 for ever; exiting lets a
            // supervisor restart Ampli (or tell someone).
            () = cluster_failed.failed() => tracing::error!(
                "stopping: the private PostgreSQL cluster cannot be started again"
            ),
        }
        let _ = stopping_tx.send(true);
    });
    let grace = config.shutdown_timeout;
    tokio::select! {
        () = server => {}
        _ = async {
            let _ = stopping_rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!(?grace, "in-flight requests did not finish in time; stopping anyway"),
    }
    // Background work stops after the requests: pending play counts are written last.
    let _ = workers_stop.send(true);
    if let Some(transcoder) = transcoder {
        let _ = transcoder.await;
    }
    for job in periodic.into_iter().chain(upkeep) {
        let _ = job.await;
    }
    catalog.plays.stop();
    let _ = flusher.await;
    Ok(())
}

/// The first orphan sweep's delay: long enough for start-up to settle.
const SWEEP_AFTER_START: Duration = Duration::from_secs(60);

/// How soon an upload shows in the discovery lists it belongs to.
const FRESHNESS: Duration = Duration::from_secs(60);

/// The periodic jobs: discovery lists (all hourly, the stale ones every minute), the orphan
/// sweep and the token clean-up.
fn spawn_periodic_jobs(
    config: &Config,
    state: &AppState,
    stop: &watch::Receiver<bool>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let hourly = Duration::from_secs(3600);
    let (db, metrics) = (state.db.clone(), state.metrics.clone());
    let refresh = Periodic {
        name: "refresh-playlists",
        every: config.playlists_refresh_interval,
        first_run: Duration::ZERO,
    };
    // Lists an upload made stale, within a minute; the first after start comes with the full
    // rebuild's first run, which clears the marks anyway.
    let fresh = Periodic {
        name: "refresh-stale-playlists",
        every: FRESHNESS,
        first_run: FRESHNESS,
    };
    let sweep = Periodic {
        name: "orphan-sweep",
        every: hourly,
        // Soon after start, so that what a crash left is gone within minutes of the restart
        // (the sweep's grace period still spares files of uploads in flight elsewhere).
        first_run: SWEEP_AFTER_START,
    };
    let clean_up = Periodic {
        name: "token-clean-up",
        every: hourly,
        first_run: Duration::ZERO,
    };
    let (db1, db2, db3, storage) = (db.clone(), db.clone(), db.clone(), state.storage.clone());
    let db4 = db.clone();
    let (discovery, discovery_too) = (state.discovery.clone(), state.discovery.clone());
    vec![
        fresh.spawn(db.clone(), metrics.clone(), stop.clone(), move || {
            let (db, discovery) = (db4.clone(), discovery.clone());
            async move {
                if crate::discovery::rebuild::refresh_stale(&db)
                    .await?
                    .unwrap_or(0)
                    > 0
                {
                    discovery.lists_changed().await;
                }
                Ok(())
            }
        }),
        refresh.spawn(db.clone(), metrics.clone(), stop.clone(), move || {
            let (db, discovery) = (db1.clone(), discovery_too.clone());
            async move {
                if crate::discovery::rebuild::rebuild_all(&db).await? {
                    discovery.lists_changed().await;
                }
                Ok(())
            }
        }),
        sweep.spawn(db.clone(), metrics.clone(), stop.clone(), move || {
            let (db, storage) = (db2.clone(), storage.clone());
            async move {
                // Deletions a crash left queued first: their files need no grace period.
                storage.remove_deleted(&db).await?;
                storage
                    .sweep_orphans(&db, crate::storage::orphans::GRACE)
                    .await
                    .map(|_| ())
            }
        }),
        clean_up.spawn(db, metrics, stop.clone(), move || {
            let db = db3.clone();
            async move { Ok(crate::accounts::store::clean_up_tokens(&db).await?) }
        }),
    ]
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}
