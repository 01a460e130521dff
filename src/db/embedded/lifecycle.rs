//! Starting and stopping the private cluster: initdb on first start, stale-lock recovery,
//! readiness, and an orderly shutdown that leaves no `postgres` process behind.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use sqlx::postgres::PgConnectOptions;

use super::privileges::RunAs;
use super::{ClusterOptions, DATABASE, ROLE, SOCKET_PORT, binaries};

/// The descriptor number under which the cluster's processes find their data folder.
const PGDATA_FD: RawFd = 200;
const PGDATA_VIA_FD: &str = "/proc/self/fd/200";
/// sockaddr_un holds 108 bytes including the final NUL.
const MAX_SOCKET_PATH: usize = 107;
const START_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// A running private cluster. Dropping it stops the cluster.
#[derive(Debug)]
pub struct EmbeddedCluster {
    pgdata: PathBuf,
    pid: u32,
    /// The thread that started the postmaster and stops it (see `Keeper`).
    keeper: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
    stop: Option<mpsc::Sender<()>>,
    /// Kept open while the cluster starts: it is what `/proc/self/fd/200` points at.
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

        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .with_context(|| format!("opening {}", log_path.display()))?;
        let mut command = cluster_command(binaries.postgres(), run_as, &pgdata_handle);
        command
            .arg("-D")
            .arg(PGDATA_VIA_FD)
            .args(["-c", "listen_addresses="])
            .args(["-c", &format!("unix_socket_directories={PGDATA_VIA_FD}")])
            .args(["-c", &format!("port={SOCKET_PORT}")])
            .args(["-c", "unix_socket_permissions=0700"])
            .args(
                super::settings::server_settings(super::settings::machine_memory())
                    .iter()
                    .flat_map(|setting| ["-c", setting.as_str()]),
            )
            .stdout(log.try_clone()?)
            .stderr(log)
            // Its own process group: a Ctrl-C in the terminal reaches Ampli, which drains its
            // requests first and only then stops the cluster.
            .process_group(0);
        let (keeper, pid, stop) = Keeper::spawn(command, pgdata.join("postmaster.pid"), log_path)?;
        tracing::info!(socket = %socket.display(), %pid, "private PostgreSQL cluster ready");
        Ok(Self {
            pgdata,
            pid,
            keeper: Some(keeper),
            stop: Some(stop),
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

    /// The postmaster's process id.
    pub fn pid(&self) -> u32 {
        self.pid
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

/// The thread that owns the postmaster process from spawn to exit.
///
/// PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not the process; a
/// thread of its own, alive exactly as long as the cluster, makes the signal mean "Ampli died"
/// whichever thread (async worker, blocking pool, test thread) asked for the cluster.
struct Keeper;

impl Keeper {
    fn spawn(
        mut command: Command,
        pid_file: PathBuf,
        log_path: PathBuf,
    ) -> anyhow::Result<(
        std::thread::JoinHandle<anyhow::Result<()>>,
        u32,
        mpsc::Sender<()>,
    )> {
        let (ready_tx, ready_rx) = mpsc::channel::<anyhow::Result<u32>>();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let keeper = std::thread::Builder::new()
            .name("postgres-keeper".into())
            .spawn(move || -> anyhow::Result<()> {
                let mut postmaster = match command.spawn() {
                    Ok(child) => child,
                    Err(error) => {
                        let _ =
                            ready_tx
                                .send(Err(anyhow::Error::new(error)
                                    .context("starting the PostgreSQL server")));
                        return Ok(());
                    }
                };
                match wait_until_ready(&mut postmaster, &pid_file, &log_path) {
                    Ok(()) => {
                        let _ = ready_tx.send(Ok(postmaster.id()));
                        // Returns when stop() sends or the cluster handle is dropped.
                        let _ = stop_rx.recv();
                        shut_down(&mut postmaster)
                    }
                    Err(error) => {
                        let _ = shut_down(&mut postmaster);
                        let _ = ready_tx.send(Err(error));
                        Ok(())
                    }
                }
            })
            .context("starting the cluster's keeper thread")?;
        match ready_rx.recv() {
            Ok(Ok(pid)) => Ok((keeper, pid, stop_tx)),
            Ok(Err(error)) => {
                let _ = keeper.join();
                Err(error)
            }
            Err(_) => {
                let _ = keeper.join();
                bail!("the cluster's keeper thread ended unexpectedly")
            }
        }
    }
}

/// A fast shutdown (open sessions are ended, data is flushed), then harsher signals only if
/// it does not finish in time.
fn shut_down(postmaster: &mut Child) -> anyhow::Result<()> {
    let pid = Pid::from_raw(postmaster.id() as i32);
    for signal in [Signal::SIGINT, Signal::SIGQUIT, Signal::SIGKILL] {
        if postmaster.try_wait()?.is_some() {
            break;
        }
        let _ = kill(pid, signal);
        if wait_for_exit(postmaster, STOP_TIMEOUT)? {
            if signal != Signal::SIGINT {
                tracing::warn!(
                    ?signal,
                    "the private cluster needed a harsher signal to stop"
                );
            }
            break;
        }
    }
    tracing::info!("private PostgreSQL cluster stopped");
    Ok(())
}

fn wait_until_ready(
    postmaster: &mut Child,
    pid_file: &Path,
    log_path: &Path,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Some(status) = postmaster.try_wait()? {
            bail!(
                "the private PostgreSQL cluster exited during start-up ({status}); its log \
                 ({}) ends with: {}",
                log_path.display(),
                log_tail(log_path)
            );
        }
        // Line 8 of postmaster.pid is the postmaster's status; "ready" once it accepts
        // connections (this is what pg_ctl watches too).
        if let Ok(text) = std::fs::read_to_string(pid_file) {
            let mut lines = text.lines();
            let same_pid = lines.next().map(str::trim) == Some(&postmaster.id().to_string());
            if same_pid && lines.nth(6).map(str::trim) == Some("ready") {
                return Ok(());
            }
        }
        if Instant::now() > deadline {
            bail!(
                "the private PostgreSQL cluster did not become ready within {}s; see {}",
                START_TIMEOUT.as_secs(),
                log_path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
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
fn clear_stale_postmaster(pgdata: &Path) -> anyhow::Result<()> {
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

fn wait_for_exit(child: &mut Child, timeout: Duration) -> io::Result<bool> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if child.try_wait()?.is_some() {
            return Ok(true);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(child.try_wait()?.is_some())
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

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}
