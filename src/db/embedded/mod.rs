//! The private PostgreSQL cluster that `ampli serve` runs when no DATABASE_URL is given.
//!
//! Layout inside the data directory:
//! - `postgres/`      the cluster (PGDATA) and its Unix socket `.s.PGSQL.4748`; no TCP port
//! - `postgres.log`   the server's own log
//! - `.ampli.lock`    held while an Ampli process owns the cluster
//!
//! PostgreSQL refuses to run as root, so a root Ampli runs it as an unprivileged system user.
//! That user often cannot walk the path to the data directory (a checkout under /root, say),
//! so the cluster is always given its folder as `/proc/self/fd/N`: an open directory handle
//! that Ampli passes down, which reaches the folder without crossing its parents.

mod binaries;
mod keeper;
mod lifecycle;
mod privileges;
mod settings;

use std::path::PathBuf;

pub use binaries::{LocateError, MIN_MAJOR_VERSION, locate};
pub use lifecycle::EmbeddedCluster;

/// The Unix socket's port number. Nothing listens on TCP: the number only names the socket
/// file, and is not PostgreSQL's standard 5432 so that the two are never confused.
pub const SOCKET_PORT: u16 = 4748;

/// The role and database the cluster is made with.
pub const ROLE: &str = "ampli";
pub const DATABASE: &str = "ampli";

/// How to reach a cluster another Ampli process runs in `data_dir`, if its socket is there.
pub fn running_cluster_options(
    data_dir: &std::path::Path,
    database: &str,
) -> Option<sqlx::postgres::PgConnectOptions> {
    let pgdata = std::path::absolute(data_dir).ok()?.join("postgres");
    pgdata
        .join(format!(".s.PGSQL.{SOCKET_PORT}"))
        .exists()
        .then(|| {
            sqlx::postgres::PgConnectOptions::new_without_pgpass()
                .socket(&pgdata)
                .port(SOCKET_PORT)
                .username(ROLE)
                .database(database)
                .application_name("ampli")
        })
}

/// What the cluster needs to know to start.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Ampli's data directory; the cluster lives in its `postgres/` folder.
    pub data_dir: PathBuf,
    /// Where `initdb` and `postgres` are, when not found by searching.
    pub bin_dir: Option<PathBuf>,
    /// The system user that runs the cluster when Ampli runs as root.
    pub run_as_user: String,
}

impl ClusterOptions {
    pub fn from_config(config: &crate::config::Config) -> Self {
        Self {
            data_dir: config.data_dir.clone(),
            bin_dir: config.postgres_bin_dir.clone(),
            run_as_user: config.postgres_user.clone(),
        }
    }
}
