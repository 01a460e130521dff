//! Progress on standard error: a bar redrawn in place on a terminal, a plain line per stage
//! and every few seconds otherwise (logs, CI).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    terminal: bool,
    quiet: bool,
    stage: &'static str,
    total: usize,
    done: usize,
    last: Instant,
    started: Instant,
    /// Seconds each finished stage took, in order.
    pub timings: Vec<(&'static str, f64)>,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Self {
            terminal: std::io::stderr().is_terminal(),
            quiet,
            stage: "",
            total: 0,
            done: 0,
            last: Instant::now(),
            started: Instant::now(),
            timings: Vec::new(),
        }
    }

    pub fn stage(&mut self, stage: &'static str, total: usize) {
        self.finish_line();
        self.time_stage();
        self.started = Instant::now();
        self.stage = stage;
        self.total = total;
        self.done = 0;
        self.last = Instant::now();
        if !self.terminal {
            self.say(format!("{stage}: {total} rows"));
        }
        self.draw();
    }

    pub fn advance(&mut self, rows: usize) {
        self.done += rows;
        if self.terminal || self.last.elapsed() >= Duration::from_secs(5) {
            self.last = Instant::now();
            self.draw();
        }
    }

    pub fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", line.as_ref());
        }
    }

    fn time_stage(&mut self) {
        if !self.stage.is_empty() {
            self.timings
                .push((self.stage, self.started.elapsed().as_secs_f64()));
        }
    }

    pub fn done(&mut self) {
        self.finish_line();
        self.time_stage();
        self.stage = "";
    }

    fn draw(&self) {
        if self.quiet || self.stage.is_empty() {
            return;
        }
        let fraction = if self.total == 0 {
            1.0
        } else {
            self.done as f64 / self.total as f64
        };
        if self.terminal {
            let filled = (fraction * 30.0).round() as usize;
            eprint!(
                "\r{:<26} [{}{}] {:>9}/{:<9}",
                self.stage,
                "#".repeat(filled),
                " ".repeat(30 - filled.min(30)),
                self.done,
                self.total
            );
            std::io::stderr().flush().ok();
        } else if self.done > 0 {
            self.say(format!(
                "{}: {}/{} ({:.0}%)",
                self.stage,
                self.done,
                self.total,
                fraction * 100.0
            ));
        }
    }

    fn finish_line(&self) {
        if self.terminal && !self.quiet && !self.stage.is_empty() {
            eprintln!();
        }
    }
}
