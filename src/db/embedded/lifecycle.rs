//! Starting and stopping the private cluster: initdb on first start, stale-lock recovery,
//! and the handle whose keeper thread (`keeper.rs`) watches the postmaster, restarts it when
//! it dies, and stops it in an orderly way that leaves no `postgres` process behind.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sqlx::postgres::PgConnectOptions;
use tokio::sync::watch;

use super::keeper::{Keeper, Postmaster, STOP_TIMEOUT};
use super::privileges::RunAs;
use super::{ClusterOptions, DATABASE, ROLE, SOCKET_PORT, binaries};
use crate::db::availability::{Availability, DatabaseStatus};

/// The descriptor number under which the cluster's processes find their data folder.
const PGDATA_FD: RawFd = 200;
const PGDATA_VIA_FD: &str = "/proc/self/fd/200";
/// sockaddr_un holds 108 bytes including the final NUL.
const MAX_SOCKET_PATH: usize = 107;

/// A running private cluster. Dropping it stops the cluster.
#[derive(Debug)]
pub struct EmbeddedCluster {
    pgdata: PathBuf,
    /// The current postmaster's, kept up to date by the keeper.
    pid: Arc<AtomicU32>,
    /// The thread that started the postmaster, restarts it and stops it (see `Keeper`).
    keeper: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
    stop: Option<mpsc::Sender<()>>,
    availability: watch::Receiver<Availability>,
    /// Kept open while the cluster runs: it is what `/proc/self/fd/200` points at, for the
    /// first start and every restart.
    _pgdata_handle: File,
    /// flock held while this process owns the cluster, so that two Ampli processes never
    /// share (or stop) one cluster.
    owner_lock: Option<File>,
}

impl EmbeddedCluster {
    /// Starts the cluster in `options.data_dir`, creating it on first use, and waits until it
    /// accepts connections. Blocking: call it outside the async runtime or in spawn_blocking.
    pub fn start(options: &ClusterOptions) -> anyhow::Result<Self> {
        let data_dir = absolute(&options.data_dir)?;
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
        let owner_lock = lock_data_dir(&data_dir)?;
        let pgdata = data_dir.join("postgres");
        let socket = pgdata.join(format!(".s.PGSQL.{SOCKET_PORT}"));
        if socket.as_os_str().len() > MAX_SOCKET_PATH {
            bail!(
                "the data directory's path is too long for a Unix socket ({} bytes, at most {} \
                 with the socket's name): choose a shorter --data-dir",
                socket.as_os_str().len(),
                MAX_SOCKET_PATH
            );
        }
        let existing_version = read_cluster_version(&pgdata)?;
        let binaries = binaries::locate(
            options.bin_dir.as_deref(),
            std::env::var("PATH").ok().as_deref(),
            &[Path::new("/usr/lib/postgresql")],
            existing_version,
        )?;
        let run_as = RunAs::resolve(&options.run_as_user)?;
        std::fs::create_dir_all(&pgdata)
            .with_context(|| format!("creating {}", pgdata.display()))?;
        run_as.take_ownership(&pgdata)?;
        let pgdata_handle =
            File::open(&pgdata).with_context(|| format!("opening {}", pgdata.display()))?;
        let log_path = data_dir.join("postgres.log");

        if existing_version.is_none() {
            tracing::info!(data = %pgdata.display(), bin = %binaries.dir.display(), "initialising the private PostgreSQL cluster");
            initdb(&binaries, run_as, &pgdata_handle, &pgdata)?;
        }
        clear_stale_postmaster(&pgdata)?;
        let cluster_version = read_cluster_version(&pgdata)?;

        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .with_context(|| format!("opening {}", log_path.display()))?;
        let binary = binaries.postgres();
        let mut command = cluster_command(binary.clone(), run_as, &pgdata_handle);
        command
            .arg("-D")
            .arg(PGDATA_VIA_FD)
            .args(["-c", "listen_addresses="])
            .args(["-c", &format!("unix_socket_directories={PGDATA_VIA_FD}")])
            .args(["-c", &format!("port={SOCKET_PORT}")])
            .args(["-c", "unix_socket_permissions=0700"])
            .args(
                super::settings::server_settings(
                    super::settings::machine_memory(),
                    cluster_version,
                )
                .iter()
                .flat_map(|setting| ["-c", setting.as_str()]),
            )
            .stdout(log.try_clone()?)
            .stderr(log)
            // Its own process group: a Ctrl-C in the terminal reaches Ampli, which drains its
            // requests first and only then stops the cluster.
            .process_group(0);
        let keeper = Keeper::spawn(Postmaster {
            command,
            pgdata: pgdata.clone(),
            binary,
            log_path,
        })?;
        let pid = keeper.pid.load(Ordering::Relaxed);
        tracing::info!(socket = %socket.display(), %pid, "private PostgreSQL cluster ready");
        Ok(Self {
            pgdata,
            pid: keeper.pid,
            keeper: Some(keeper.thread),
            stop: Some(keeper.stop),
            availability: keeper.availability,
            _pgdata_handle: pgdata_handle,
            owner_lock: Some(owner_lock),
        })
    }

    /// How to connect to `database` on this cluster.
    pub fn connect_options(&self, database: &str) -> PgConnectOptions {
        PgConnectOptions::new_without_pgpass()
            .socket(&self.pgdata)
            .port(SOCKET_PORT)
            .username(ROLE)
            .database(database)
            .application_name("ampli")
    }

    /// Creates Ampli's database on first start.
    pub async fn ensure_database(&self) -> anyhow::Result<()> {
        use sqlx::Connection;
        let mut connection = sqlx::PgConnection::connect_with(&self.connect_options("postgres"))
            .await
            .context("connecting to the private cluster")?;
        let exists: bool =
            sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
                .bind(DATABASE)
                .fetch_one(&mut connection)
                .await?;
        if !exists {
            sqlx::query(sqlx::AssertSqlSafe(format!("create database {DATABASE}")))
                .execute(&mut connection)
                .await
                .context("creating the ampli database")?;
        }
        connection.close().await?;
        Ok(())
    }

    pub fn pgdata(&self) -> &Path {
        &self.pgdata
    }

    /// The postmaster's process id (a new one after each restart).
    pub fn pid(&self) -> u32 {
        self.pid.load(Ordering::Relaxed)
    }

    /// Whether the cluster is up, being restarted after a crash, or given up on.
    pub fn status(&self) -> DatabaseStatus {
        DatabaseStatus::watching(self.availability.clone())
    }

    /// Stops the cluster and waits until its processes are gone. Idempotent.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        drop(self.stop.take());
        let Some(keeper) = self.keeper.take() else {
            return Ok(());
        };
        let result = keeper
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("the cluster's keeper thread panicked")));
        // A stopped cluster no longer owns the data directory.
        drop(self.owner_lock.take());
        result
    }
}

impl Drop for EmbeddedCluster {
    fn drop(&mut self) {
        if let Err(error) = self.stop() {
            tracing::error!(error = format!("{error:#}"), "stopping the private cluster");
        }
    }
}

/// A command for one of the cluster's programs: run as `run_as`, from `/` (the cluster's user
/// may not be able to enter Ampli's working directory), with the data folder on PGDATA_FD.
fn cluster_command(program: PathBuf, run_as: RunAs, pgdata: &File) -> Command {
    let mut command = Command::new(program);
    command.current_dir("/").stdin(Stdio::null());
    command.env_remove("PGDATA").env("LC_MESSAGES", "C");
    if let Some(uid) = run_as.uid {
        command.uid(uid.as_raw());
    }
    if let Some(gid) = run_as.gid {
        command.gid(gid.as_raw());
    }
    let source = pgdata.as_raw_fd();
    // SAFETY: only async-signal-safe calls (dup2, fcntl, prctl) between fork and exec.
    unsafe {
        command.pre_exec(move || {
            if source == PGDATA_FD {
                // dup2 onto itself keeps close-on-exec set; clear it instead.
                if libc::fcntl(PGDATA_FD, libc::F_SETFD, 0) < 0 {
                    return Err(io::Error::last_os_error());
                }
            } else if libc::dup2(source, PGDATA_FD) < 0 {
                return Err(io::Error::last_os_error());
            }
            // Should Ampli die without stopping the cluster, the postmaster gets a fast
            // shutdown rather than living on. Set after the uid change, which clears it.
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT);
            Ok(())
        });
    }
    command
}

fn initdb(
    binaries: &binaries::Binaries,
    run_as: RunAs,
    pgdata_handle: &File,
    pgdata: &Path,
) -> anyhow::Result<()> {
    let output = cluster_command(binaries.initdb(), run_as, pgdata_handle)
        .arg("-D")
        .arg(PGDATA_VIA_FD)
        .arg(format!("--username={ROLE}"))
        // Only the socket is open, in a folder no one else may enter.
        .args(["--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"])
        .output()
        .with_context(|| format!("running {}", binaries.initdb().display()))?;
    if !output.status.success() {
        // Leave an empty folder so that the next start tries again from scratch.
        if let Ok(entries) = std::fs::read_dir(pgdata) {
            for entry in entries.flatten() {
                let path = entry.path();
                let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
            }
        }
        bail!(
            "initdb failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// The major version of an existing cluster, from its PG_VERSION file.
fn read_cluster_version(pgdata: &Path) -> anyhow::Result<Option<u32>> {
    match std::fs::read_to_string(pgdata.join("PG_VERSION")) {
        Ok(text) => text
            .trim()
            .parse()
            .map(Some)
            .with_context(|| format!("reading {}/PG_VERSION", pgdata.display())),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).context("reading PG_VERSION"),
    }
}

/// A postmaster.pid left by a crash must not block the start. Since this process holds the
/// data directory's lock, a live postmaster on this folder is an orphan of an Ampli that died
/// uncleanly: it is stopped. A dead or unrelated pid just has its file removed.
pub(super) fn clear_stale_postmaster(pgdata: &Path) -> anyhow::Result<()> {
    let pid_file = pgdata.join("postmaster.pid");
    let Ok(text) = std::fs::read_to_string(&pid_file) else {
        return Ok(());
    };
    let Some(pid) = text
        .lines()
        .next()
        .and_then(|l| l.trim().parse::<i32>().ok())
    else {
        std::fs::remove_file(&pid_file)?;
        return Ok(());
    };
    let pid = Pid::from_raw(pid);
    if kill(pid, None).is_ok() && runs_in(pid, pgdata) {
        tracing::warn!(%pid, "stopping a PostgreSQL left running by an earlier Ampli");
        let _ = kill(pid, Signal::SIGINT);
        let deadline = Instant::now() + STOP_TIMEOUT;
        while kill(pid, None).is_ok() {
            if Instant::now() > deadline {
                let _ = kill(pid, Signal::SIGKILL);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if !pid_file.exists() {
            return Ok(());
        }
    } else {
        tracing::info!(%pid, "removing a stale postmaster.pid");
    }
    std::fs::remove_file(&pid_file).or_else(|e| match e.kind() {
        io::ErrorKind::NotFound => Ok(()),
        _ => Err(e),
    })?;
    Ok(())
}

/// Whether process `pid` works in `dir` (a postmaster's working directory is its PGDATA).
fn runs_in(pid: Pid, dir: &Path) -> bool {
    let cwd = std::fs::read_link(format!("/proc/{pid}/cwd"));
    match (cwd, dir.canonicalize()) {
        (Ok(cwd), Ok(dir)) => cwd == dir,
        _ => false,
    }
}

/// Tries for the data directory's lock, 100 ms apart.
const LOCK_TRIES: u32 = 30;

fn lock_data_dir(data_dir: &Path) -> anyhow::Result<File> {
    let path = data_dir.join(".ampli.lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    // A few tries: the lock of an owner that just stopped can outlive it for a moment, in a
    // process forked (by any thread) before the owner let go and not yet exec'd.
    for attempt in 0..LOCK_TRIES {
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return Ok(file);
        }
        if attempt + 1 < LOCK_TRIES {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    bail!(
        "another Ampli process is using the data directory {}",
        data_dir.display()
    )
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("resolving {}", path.display()))
}
