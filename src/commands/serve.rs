//! `ampli serve`: the HTTP server, from start-up to a graceful stop.

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::db::{self, Database};
use crate::http;
use crate::state::AppState;

pub async fn run(config: Config) -> anyhow::Result<()> {
    tracing::info!(?config, "starting Ampli");
    let database = Database::open(&config).await?;
    let served = serve(&config, &database).await;
    // Stop the private cluster whatever happened above, and only after the server is done.
    let closed = database.close().await;
    served.and(closed)
}

async fn serve(config: &Config, database: &Database) -> anyhow::Result<()> {
    db::migrate(&database.pool).await?;
    let state = AppState::build(database.pool.clone(), config).await?;
    let (workers_stop, workers_stopping) = watch::channel(false);
    let workers_stopping_for_sweep = workers_stopping.clone();
    let flusher = state.catalog.plays.spawn_flusher();
    let transcoder = match state.catalog.transcoder() {
        Some(transcoder) => Some(tokio::spawn(transcoder.run(workers_stopping))),
        None => {
            tracing::warn!(
                "ffmpeg not found: songs are streamed as uploaded, without a bitrate ladder"
            );
            None
        }
    };
    let sweeper = crate::storage::orphans::spawn_periodic(
        database.pool.clone(),
        state.storage.clone(),
        std::time::Duration::from_secs(3600),
        workers_stopping_for_sweep,
    );
    let catalog = state.catalog.clone();
    let app =
        http::router(state, config).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let listener = TcpListener::bind(config.listen).await.with_context(|| {
        format!(
            "invalid setting --listen (AMPLI_LISTEN): cannot listen on {}",
            config.listen
        )
    })?;
    tracing::info!(address = %listener.local_addr()?, "listening");

    let (stopping_tx, mut stopping_rx) = watch::channel(false);
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("stopping: finishing in-flight requests");
        let _ = stopping_tx.send(true);
    });
    let grace = config.shutdown_timeout;
    let mut served = Ok(());
    tokio::select! {
        result = server => served = result.context("serving HTTP"),
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
    let _ = sweeper.await;
    catalog.plays.stop();
    let _ = flusher.await;
    served
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
