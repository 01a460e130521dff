//! Progress on standard error: a bar redrawn in place on a terminal, a plain line per stage
//! and every few seconds otherwise (logs, CI). Two stages may run at once (small tables are
//! written beside a big one); the bar shows every stage still running.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

struct Stage {
    name: &'static str,
    total: usize,
    done: usize,
    started: Instant,
}

pub struct Progress {
    terminal: bool,
    quiet: bool,
    running: Vec<Stage>,
    last: Instant,
    /// Seconds each finished stage took, in the order they finished.
    pub timings: Vec<(&'static str, f64)>,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Self {
            terminal: std::io::stderr().is_terminal(),
            quiet,
            running: Vec::new(),
            last: Instant::now(),
            timings: Vec::new(),
        }
    }

    /// A stage of `total` rows starts.
    pub fn stage(&mut self, name: &'static str, total: usize) {
        if !self.terminal {
            self.say(format!("{name}: {total} rows"));
        }
        self.running.push(Stage {
            name,
            total,
            done: 0,
            started: Instant::now(),
        });
        self.draw();
    }

    pub fn advance(&mut self, name: &'static str, rows: usize) {
        if let Some(stage) = self.running.iter_mut().find(|s| s.name == name) {
            stage.done += rows;
        }
        if self.terminal || self.last.elapsed() >= Duration::from_secs(5) {
            self.last = Instant::now();
            self.draw();
        }
    }

    /// The stage is over: its time is kept for the report.
    pub fn finish(&mut self, name: &'static str) {
        if let Some(at) = self.running.iter().position(|s| s.name == name) {
            let stage = self.running.remove(at);
            self.timings
                .push((name, stage.started.elapsed().as_secs_f64()));
        }
        if self.terminal && !self.quiet {
            // The finished stage's last state stays on its own line.
            eprintln!();
        }
        self.draw();
    }

    pub fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", line.as_ref());
        }
    }

    fn draw(&self) {
        if self.quiet || self.running.is_empty() {
            return;
        }
        if self.terminal {
            let bars: Vec<String> = self
                .running
                .iter()
                .map(|stage| {
                    let filled = (fraction(stage) * 20.0).round() as usize;
                    format!(
                        "{} [{}{}] {}/{}",
                        stage.name,
                        "#".repeat(filled),
                        " ".repeat(20 - filled.min(20)),
                        stage.done,
                        stage.total
                    )
                })
                .collect();
            // Cleared to the end of the line: the line before may have been longer.
            eprint!("\r{}\x1b[K", bars.join("   "));
            std::io::stderr().flush().ok();
        } else {
            for stage in self.running.iter().filter(|s| s.done > 0) {
                self.say(format!(
                    "{}: {}/{} ({:.0}%)",
                    stage.name,
                    stage.done,
                    stage.total,
                    fraction(stage) * 100.0
                ));
            }
        }
    }
}

fn fraction(stage: &Stage) -> f64 {
    if stage.total == 0 {
        1.0
    } else {
        stage.done as f64 / stage.total as f64
    }
}
