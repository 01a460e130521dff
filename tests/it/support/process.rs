//! Running the real `ampli` binary and talking to it over real HTTP.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn ampli() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ampli"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("AMPLI_CONFIG")
        .env("AMPLI_LOG", "info")
        .stdin(Stdio::null());
    command
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `ampli serve` on its embedded defaults in `data_dir`, with its log in `data_dir/../serve.log`.
pub fn spawn_serve(data_dir: &Path, port: u16) -> Child {
    let log = std::fs::File::create(data_dir.with_extension("serve.log")).unwrap();
    ampli()
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("ampli starts")
}

/// A server that is killed if its test fails before stopping it, so that no `ampli serve`
/// (nor, through it, its cluster) outlives the test.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// `ampli serve` on a test app's database and data folder, with `extra` settings, its log in
/// `log`: requests may go to the app in-process and to the binary over TCP alike.
pub fn serve_app(app: &super::TestApp, port: u16, log: &Path, extra: &[&str]) -> Child {
    spawn_serve_on(app.data_dir.path(), &app.db.url(), port, extra, log)
}

/// A plain HTTP/1.1 GET; answers (status, body).
pub fn http_get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    http_get_answer(port, path).map(|answer| (answer.status, answer.body))
}

/// An answer read off the wire.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// The status line and header lines, as received.
    pub head: String,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// A plain HTTP/1.1 GET, with the answer's headers.
pub fn http_get_answer(port: u16, path: &str) -> std::io::Result<Answer> {
    http_send(port, "GET", path, &[], b"", Duration::from_secs(10))
}

/// The pid of the postmaster running the private cluster in `data_dir`, from its
/// `postmaster.pid`; None while there is no such file (a cluster being restarted).
pub fn postmaster_pid(data_dir: &Path) -> Option<i32> {
    let text = std::fs::read_to_string(data_dir.join("postgres/postmaster.pid")).ok()?;
    text.lines().next()?.trim().parse().ok()
}

/// Sends `signal` to `child` and waits (at most a minute) until it exits with success.
pub fn stop_with(child: &mut Child, signal: nix::sys::signal::Signal) {
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, signal).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "ampli exited with {status}");
            return;
        }
        assert!(Instant::now() < deadline, "ampli did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Polls /readyz until it answers 200, or panics with the server's log.
pub fn wait_until_ready(child: &mut Child, port: u16, log: &Path) {
    let deadline = Instant::now() + Duration::from_secs(90);
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            panic!(
                "ampli exited early ({status}):\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if let Ok((200, _)) = http_get(port, "/readyz") {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!(
        "ampli did not become ready:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// Whether a process with this id exists.
pub fn process_alive(pid: i32) -> bool {
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None).is_ok()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s.contains(") Z "))
            .unwrap_or(true)
}

/// Every live process whose working directory is `dir` (a postmaster and its children work in
/// their data folder).
pub fn processes_in(dir: &Path) -> Vec<i32> {
    let Ok(dir) = dir.canonicalize() else {
        return Vec::new();
    };
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_link(format!("/proc/{pid}/cwd"))
                .ok()
                .as_deref()
                == Some(dir.as_path())
        })
        .filter(|pid| process_alive(*pid))
        .collect()
}

/// `ampli serve` on the database at `database_url` and the data folder `data_dir`, with the
/// further flags `extra`, its log in `log`.
pub fn spawn_serve_on(
    data_dir: &Path,
    database_url: &str,
    port: u16,
    extra: &[&str],
    log: &Path,
) -> Child {
    spawn_serve_with_env(data_dir, database_url, port, extra, &[], log)
}

/// [`spawn_serve_on`] with more environment variables (a `PATH` that puts a wrapped tool
/// first, say).
pub fn spawn_serve_with_env(
    data_dir: &Path,
    database_url: &str,
    port: u16,
    extra: &[&str],
    env: &[(&str, String)],
    log: &Path,
) -> Child {
    let file = std::fs::File::create(log).unwrap();
    ampli()
        .envs(env.iter().map(|(key, value)| (*key, value.as_str())))
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data_dir)
        .args(extra)
        .env("DATABASE_URL", database_url)
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .expect("ampli starts")
}

/// One HTTP/1.1 request with a body, `headers` given as whole lines; answers what came back.
/// A server may answer and close before the whole body is sent (a refusal): the answer is
/// read all the same.
pub fn http_send(
    port: u16,
    method: &str,
    path: &str,
    headers: &[String],
    body: &[u8],
    timeout: Duration,
) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(timeout))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let answer = String::from_utf8_lossy(&raw);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    Ok(Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    })
}

/// A memory figure of process `pid` from /proc/<pid>/status (`VmRSS`, `VmHWM`), in bytes.
pub fn memory_of(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
    kib * 1024
}

/// Resets the peak resident set size of `pid` (`VmHWM`) to its current one, so that the
/// next reading is the peak of what happens from now on.
pub fn reset_peak_memory(pid: u32) {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").unwrap();
}
