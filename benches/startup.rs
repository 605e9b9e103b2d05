//! Cold start to the first painted frame of the real screen: the release binary, a new
//! process each time, under Xvfb (started here), a fresh home (first start: the demo
//! profile, the embedded local stack) and then a second start on the same home. The
//! time is taken here, from the spawn until the app says the screen's frame has been
//! painted (`RECEIPT_DESK_STARTUP_TRACE=exit`: the next frame began); the app's own
//! trace gives the steps. glow (the default), and wgpu in a build with `--features wgpu`.
//! Target ≤ 0.3 s.
//!
//! Needs `Xvfb` (the `xvfb` package). Under `cargo test` one start checks the trace.
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_receipt-desk");

/// An Xvfb of our own, on a display number free for it.
struct Display {
    server: Child,
    name: String,
}

impl Display {
    fn start() -> Option<Self> {
        for number in 90..120 {
            if Path::new(&format!("/tmp/.X11-unix/X{number}")).exists() {
                continue;
            }
            let server = Command::new("Xvfb")
                .arg(format!(":{number}"))
                .args(["-screen", "0", "1280x800x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let socket = format!("/tmp/.X11-unix/X{number}");
            let ready = Instant::now() + Duration::from_secs(10);
            while !Path::new(&socket).exists() && Instant::now() < ready {
                std::thread::sleep(Duration::from_millis(10));
            }
            return Some(Self {
                server,
                name: format!(":{number}"),
            });
        }
        None
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// One start: the time from spawn to the painted screen, and the app's trace.
fn start_once(display: &str, home: &Path, renderer: &str) -> (Duration, Vec<String>) {
    let started = Instant::now();
    let mut child = Command::new(BINARY)
        .env_clear()
        .env("HOME", home)
        .env("DISPLAY", display)
        .env("LANG", "C.UTF-8")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RECEIPT_DESK_STARTUP_TRACE", "exit")
        .env("RECEIPT_DESK_RENDERER", renderer)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("receipt-desk");
    let mut painted = None;
    let mut trace = Vec::new();
    for line in BufReader::new(child.stderr.take().expect("stderr")).lines() {
        let Ok(line) = line else { break };
        if let Some(step) = line.strip_prefix("startup: ") {
            if step.starts_with("screen painted") {
                painted = Some(started.elapsed());
            }
            trace.push(step.to_owned());
        }
    }
    let _ = child.wait();
    (painted.expect("the app said its screen was painted"), trace)
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let Some(display) = Display::start() else {
        println!("startup: Xvfb is not installed (apt-get install xvfb): not measured");
        return;
    };
    let rounds = if measuring { 5 } else { 1 };
    let label = if measuring {
        ""
    } else {
        " (debug build, smoke check only)"
    };
    println!("cold start → the screen's first painted frame, Xvfb{label}:");
    if !cfg!(feature = "wgpu") {
        println!("  wgpu: not in this build (cargo bench --features wgpu --bench startup)");
    }
    let renderers: &[&str] = if cfg!(feature = "wgpu") {
        &["glow", "wgpu"]
    } else {
        &["glow"]
    };
    for &renderer in renderers {
        let mut first_starts = Vec::new();
        let mut later_starts = Vec::new();
        let mut last_trace = Vec::new();
        for _ in 0..rounds {
            let home = tempfile::tempdir().expect("home");
            let (first, _) = start_once(&display.name, home.path(), renderer);
            let (later, trace) = start_once(&display.name, home.path(), renderer);
            first_starts.push(first);
            later_starts.push(later);
            last_trace = trace;
        }
        first_starts.sort();
        later_starts.sort();
        let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
        let all = |v: &[Duration]| {
            v.iter()
                .map(|d| format!("{:.0}", ms(d)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let median = |v: &[Duration]| ms(&v[v.len() / 2]);
        println!(
            "  {renderer}{}: first start (demo set up) median {:.0} ms [{}]; a later start median {:.0} ms [{}] (target ≤ 300 ms; ratio {:.2} of the target)",
            if renderer == "glow" { " (default)" } else { "" },
            median(&first_starts),
            all(&first_starts),
            median(&later_starts),
            all(&later_starts),
            median(&later_starts) / 300.0
        );
        println!(
            "    the app's trace of a later start: {}",
            last_trace.join("; ")
        );
    }
}
