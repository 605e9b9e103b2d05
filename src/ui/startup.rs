//! A trace of the start, for the start-up benchmark (`benches/startup.rs`): with
//! `RECEIPT_DESK_STARTUP_TRACE=1` the app writes to stderr when each step is reached,
//! in milliseconds since `main` began — the window's creation (`App::new`), its first
//! frame, and the first frame of the real screen (the config and jobs read) once it has
//! been painted (the frame after it begins). With `…=exit` it then closes itself.

use std::sync::OnceLock;
use std::time::Instant;

/// The environment variable that turns the trace on (`1`, or `exit` to close after).
pub const TRACE_ENV: &str = "RECEIPT_DESK_STARTUP_TRACE";

static START: OnceLock<Instant> = OnceLock::new();

/// Call first thing in `main`: the moment the trace counts from.
pub fn mark_process_start() {
    let _ = START.set(Instant::now());
}

/// Whether the trace is on, and whether the app closes after it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    #[default]
    Off,
    On,
    ThenExit,
}

/// How far the start has come.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    #[default]
    Started,
    FirstFrame,
    ScreenDrawn,
    Done,
}

/// The trace's steps, each said once.
#[derive(Debug, Default)]
pub struct Trace {
    mode: Mode,
    step: Step,
}

impl Trace {
    pub fn from_env() -> Self {
        let mode = match std::env::var(TRACE_ENV).as_deref() {
            Ok("exit") => Mode::ThenExit,
            Ok("") | Err(_) => Mode::Off,
            Ok(_) => Mode::On,
        };
        Self {
            mode,
            step: Step::Started,
        }
    }

    fn on(&self) -> bool {
        self.mode != Mode::Off
    }

    /// Before the window is asked for.
    pub fn window_requested() {
        if Self::from_env().on() {
            say("window requested");
        }
    }

    /// When `App::new` begins (the window and its renderer are up).
    pub fn app_begins(&self) {
        if self.on() {
            say("renderer up");
        }
    }

    pub fn app_created(&self) {
        if self.on() {
            say("app created");
        }
    }

    /// At the start of each frame: the first, and the one after the screen was drawn
    /// (so the screen's frame has been painted).
    pub fn frame_begins(&mut self, ctx: &egui::Context) {
        if !self.on() {
            return;
        }
        match self.step {
            Step::Started => {
                self.step = Step::FirstFrame;
                say("first frame");
            }
            Step::ScreenDrawn => {
                self.step = Step::Done;
                say("screen painted");
                if self.mode == Mode::ThenExit {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Step::FirstFrame | Step::Done => {}
        }
    }

    /// The config and jobs files were read and taken in.
    pub fn files_read(&self) {
        if self.on() {
            say("files read");
        }
    }

    /// After the real screen (not the loading spinner) was drawn in this frame.
    pub fn screen_drawn(&mut self, ctx: &egui::Context) {
        if self.on() && self.step < Step::ScreenDrawn {
            self.step = Step::ScreenDrawn;
            say("screen drawn");
            // The next frame begins once this one is on screen.
            ctx.request_repaint();
        }
    }
}

#[expect(
    clippy::print_stderr,
    reason = "the trace is for the benchmark reading stderr"
)]
fn say(step: &str) {
    let since = START
        .get()
        .map_or(0.0, |s| s.elapsed().as_secs_f64() * 1000.0);
    eprintln!("startup: {step} at {since:.1} ms");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_screen_is_painted_the_frame_after_it_was_drawn_and_said_once() {
        let ctx = egui::Context::default();
        let mut trace = Trace {
            mode: Mode::On,
            step: Step::Started,
        };
        trace.frame_begins(&ctx);
        assert_eq!(trace.step, Step::FirstFrame);
        trace.screen_drawn(&ctx);
        assert_eq!(trace.step, Step::ScreenDrawn);
        trace.frame_begins(&ctx);
        assert_eq!(trace.step, Step::Done);
        trace.screen_drawn(&ctx);
        assert_eq!(trace.step, Step::Done);
        // Off: nothing moves.
        let mut off = Trace::default();
        off.frame_begins(&ctx);
        off.screen_drawn(&ctx);
        assert_eq!(off.step, Step::Started);
    }
}
