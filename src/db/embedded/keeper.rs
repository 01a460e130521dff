//! The thread that owns the postmaster from spawn to exit: it starts it, watches it, starts
//! it again (with back-off) when it dies, gives up after a bounded number of attempts, and
//! stops it in an orderly way when asked.
//!
//! PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not the process; a
//! thread of its own, alive exactly as long as the cluster, makes the signal mean "Ampli died"
//! whichever thread (async worker, blocking pool, test thread) asked for the cluster. Restarts
//! fork from the same thread, so the signal keeps that meaning for every postmaster.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tokio::sync::watch;

use super::lifecycle::clear_stale_postmaster;
use crate::db::availability::Availability;

const START_TIMEOUT: Duration = Duration::from_secs(60);
pub(super) const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// How often the keeper looks whether the postmaster still runs: the longest a crash goes
/// unnoticed.
const WATCH_EVERY: Duration = Duration::from_millis(100);
/// The wait before each attempt at starting a dead cluster again; one attempt per entry. The
/// first is immediate, so a one-off crash costs only the crash recovery; a cluster that
/// cannot start makes Ampli exit after about eight seconds, for its supervisor to act.
const RESTART_BACKOFF: [Duration; 5] = [
    Duration::ZERO,
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
];
/// A cluster that stayed up this long before dying gets the whole back-off again; one that
/// dies sooner counts against the attempts still left, so a crash loop ends too.
const STABLE_AFTER: Duration = Duration::from_secs(60);
/// How long the backends of a killed postmaster get to exit after SIGKILL.
const ORPHANS_TIMEOUT: Duration = Duration::from_secs(5);

/// What starting the postmaster takes, kept for the restarts.
pub(super) struct Postmaster {
    pub command: Command,
    pub pgdata: PathBuf,
    /// The `postgres` executable, by which the orphans of a killed postmaster are told from
    /// anything else that happens to work in the data folder (an operator's shell, say).
    pub binary: PathBuf,
    pub log_path: PathBuf,
}

/// The running keeper, as the cluster's handle holds it.
pub(super) struct Keeper {
    pub thread: std::thread::JoinHandle<anyhow::Result<()>>,
    /// Dropping it (or sending) asks the keeper to stop the cluster.
    pub stop: mpsc::Sender<()>,
    /// The current postmaster's process id; changes with each restart.
    pub pid: Arc<AtomicU32>,
    pub availability: watch::Receiver<Availability>,
}

impl Keeper {
    /// Starts the postmaster on a thread of its own and returns once it accepts connections
    /// (or with the reason it did not).
    pub fn spawn(postmaster: Postmaster) -> anyhow::Result<Self> {
        let (ready_tx, ready_rx) = mpsc::channel::<anyhow::Result<u32>>();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let (availability_tx, availability) = watch::channel(Availability::Up);
        let pid = Arc::new(AtomicU32::new(0));
        let watched = Watched {
            postmaster,
            availability: availability_tx,
            pid: pid.clone(),
            attempts: 0,
        };
        let thread = std::thread::Builder::new()
            .name("postgres-keeper".into())
            .spawn(move || -> anyhow::Result<()> {
                let mut watched = watched;
                match watched.start() {
                    Ok(child) => {
                        let _ = ready_tx.send(Ok(child.id()));
                        watched.keep(child, &stop_rx)
                    }
                    Err(error) => {
                        let _ = ready_tx.send(Err(error));
                        Ok(())
                    }
                }
            })
            .context("starting the cluster's keeper thread")?;
        match ready_rx.recv() {
            Ok(Ok(_)) => Ok(Self {
                thread,
                stop: stop_tx,
                pid,
                availability,
            }),
            Ok(Err(error)) => {
                let _ = thread.join();
                Err(error)
            }
            Err(_) => {
                let _ = thread.join();
                bail!("the cluster's keeper thread ended unexpectedly")
            }
        }
    }
}

/// The keeper thread's own state.
struct Watched {
    postmaster: Postmaster,
    availability: watch::Sender<Availability>,
    pid: Arc<AtomicU32>,
    /// Restart attempts made since the cluster last stayed up for STABLE_AFTER.
    attempts: usize,
}

impl Watched {
    /// Spawns the postmaster and waits until it accepts connections.
    fn start(&mut self) -> anyhow::Result<Child> {
        let mut child = self
            .postmaster
            .command
            .spawn()
            .context("starting the PostgreSQL server")?;
        let pid_file = self.postmaster.pgdata.join("postmaster.pid");
        if let Err(error) = wait_until_ready(&mut child, &pid_file, &self.postmaster.log_path) {
            let _ = shut_down(&mut child);
            return Err(error);
        }
        self.pid.store(child.id(), Ordering::Relaxed);
        Ok(child)
    }

    /// Watches the postmaster until asked to stop, starting it again whenever it dies.
    /// Returns an error only when the cluster could not be started again.
    fn keep(&mut self, mut postmaster: Child, stop: &mpsc::Receiver<()>) -> anyhow::Result<()> {
        let mut started_at = Instant::now();
        loop {
            match stop.recv_timeout(WATCH_EVERY) {
                Err(RecvTimeoutError::Timeout) => {}
                // A message, or the handle dropped: stop.
                _ => return shut_down(&mut postmaster),
            }
            let Some(status) = postmaster.try_wait()? else {
                continue;
            };
            tracing::error!(
                %status,
                log = log_tail(&self.postmaster.log_path),
                "the private PostgreSQL cluster stopped unexpectedly; starting it again"
            );
            self.availability.send_replace(Availability::Restarting);
            if started_at.elapsed() >= STABLE_AFTER {
                self.attempts = 0;
            }
            match self.restart(stop) {
                Ok(Some(child)) => {
                    tracing::info!(pid = child.id(), "private PostgreSQL cluster ready again");
                    postmaster = child;
                    started_at = Instant::now();
                    self.availability.send_replace(Availability::Up);
                }
                Ok(None) => return Ok(()),
                Err(error) => {
                    tracing::error!(
                        error = format!("{error:#}"),
                        "giving up on the private PostgreSQL cluster"
                    );
                    self.availability.send_replace(Availability::Failed);
                    return Err(error);
                }
            }
        }
    }

    /// Attempts to start the cluster again, waiting the back-off before each; `None` when
    /// asked to stop meanwhile.
    fn restart(&mut self, stop: &mpsc::Receiver<()>) -> anyhow::Result<Option<Child>> {
        let mut last_error = None;
        while let Some(&delay) = RESTART_BACKOFF.get(self.attempts) {
            self.attempts += 1;
            match stop.recv_timeout(delay) {
                Err(RecvTimeoutError::Timeout) => {}
                _ => return Ok(None),
            }
            let started = end_orphans(&self.postmaster.pgdata, &self.postmaster.binary)
                .and_then(|()| clear_stale_postmaster(&self.postmaster.pgdata))
                .and_then(|()| self.start());
            match started {
                Ok(child) => return Ok(Some(child)),
                Err(error) => {
                    tracing::warn!(
                        attempt = self.attempts,
                        error = format!("{error:#}"),
                        "starting the private PostgreSQL cluster again failed"
                    );
                    last_error = Some(error);
                }
            }
        }
        let error = last_error.unwrap_or_else(|| anyhow::anyhow!("it kept stopping"));
        Err(error.context(format!(
            "the private PostgreSQL cluster stopped and could not be started again ({} \
             attempts); see {}",
            RESTART_BACKOFF.len(),
            self.postmaster.log_path.display()
        )))
    }
}

/// The backends of a postmaster killed outright live on for a moment, attached to its shared
/// memory, and a new postmaster refuses to start while they do. Their work is lost anyway
/// (crash recovery replays the WAL), so they are killed, and waited for.
fn end_orphans(pgdata: &Path, binary: &Path) -> anyhow::Result<()> {
    let deadline = Instant::now() + ORPHANS_TIMEOUT;
    loop {
        let orphans = postgres_processes_in(pgdata, binary);
        if orphans.is_empty() {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "the processes {orphans:?} of the stopped cluster did not exit within {}s",
                ORPHANS_TIMEOUT.as_secs()
            );
        }
        for pid in orphans {
            let _ = kill(pid, Signal::SIGKILL);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The live `binary` processes working in `dir`: a postmaster and every process it forks
/// work in their data folder. A zombie has no working directory left, so it is not listed.
fn postgres_processes_in(dir: &Path, binary: &Path) -> Vec<Pid> {
    let (Ok(dir), Ok(binary), Ok(entries)) = (
        dir.canonicalize(),
        binary.canonicalize(),
        std::fs::read_dir("/proc"),
    ) else {
        return Vec::new();
    };
    let link_is = |pid: i32, link: &str, target: &Path| {
        std::fs::read_link(format!("/proc/{pid}/{link}")).is_ok_and(|path| path == target)
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<i32>().ok())
        .filter(|&pid| link_is(pid, "cwd", &dir) && link_is(pid, "exe", &binary))
        .map(Pid::from_raw)
        .collect()
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

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}
