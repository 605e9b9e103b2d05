//! Time the test moves: tokio's clock paused and held still, even while real HTTP is in
//! flight, and moved only by [`TestClock::advance`] — with the local stack's clock in
//! step, so what the session schedules and what the server checks agree.
//!
//! The session keeps time with `tokio::time::Instant` and `sleep_until`, so pausing
//! tokio's clock injects this one into it. Tokio would advance a paused clock by itself
//! whenever the runtime waits (on a socket too, firing request timeouts); a blocking
//! task in flight stops that, so one waits here for the test to end, and doubles as a
//! real-time limit on the whole test.

use std::sync::mpsc;
use std::time::Duration;

use receipt_desk::local::Clock;

/// How long, in real time, a test on the held clock may take.
const REAL_TIME_LIMIT: Duration = Duration::from_mins(1);

pub struct TestClock {
    /// The local stack's clock, moved with tokio's.
    stack: Option<Clock>,
    /// Dropping it ends the hold.
    _release: mpsc::SyncSender<()>,
    /// Ends with `true` when the real-time limit passed first.
    hold: tokio::task::JoinHandle<bool>,
}

impl TestClock {
    /// Pauses and holds tokio's clock. Needs a `current_thread` runtime (plain
    /// `#[tokio::test]`), where tokio allows pausing.
    pub fn hold(stack: Option<&Clock>) -> Self {
        tokio::time::pause();
        let (release, released) = mpsc::sync_channel::<()>(1);
        // Started before any await, so the clock never moves on its own.
        let hold = tokio::task::spawn_blocking(move || {
            matches!(
                released.recv_timeout(REAL_TIME_LIMIT),
                Err(mpsc::RecvTimeoutError::Timeout)
            )
        });
        Self {
            stack: stack.cloned(),
            _release: release,
            hold,
        }
    }

    /// Moves both clocks by `by` (whole seconds when the stack follows). Call it while no
    /// request is in flight: its timeout would fire.
    pub async fn advance(&self, by: Duration) {
        if let Some(stack) = &self.stack {
            assert_eq!(
                by.subsec_nanos(),
                0,
                "the stack's clock moves in whole seconds"
            );
            stack.advance(i64::try_from(by.as_secs()).expect("seconds"));
        }
        tokio::time::advance(by).await;
    }

    /// `work`, failing the test if it is not done within the real-time limit.
    pub async fn within_limit<T>(&mut self, work: impl Future<Output = T>) -> T {
        tokio::select! {
            done = work => done,
            held = &mut self.hold => {
                assert!(!held.expect("the hold"), "not done within {REAL_TIME_LIMIT:?} of real time");
                panic!("the clock was released while waiting");
            }
        }
    }
}
