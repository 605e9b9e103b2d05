//! The render process: the app's (or a Lambda's) own executable started again with
//! [`COMMAND`] as its first argument. It lowers its own limits first (address space, CPU
//! time, no core files), then reads the PDF once from stdin and answers the parent's
//! tasks on stdout until stdin closes. An allocation beyond the limit aborts this process
//! only; the parent sees the crash. Should the parent die without killing it, Linux kills
//! it too (`PR_SET_PDEATHSIG`, which follows the spawning *thread*: tokio's workers live
//! as long as their runtime), and the CPU limit ends it elsewhere.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use super::page;
use super::wire::{self, Reply, Setup, Task};
use super::{PageError, PageSettings};
use crate::contract::reason;

/// The hidden first argument that turns the executable into a render process.
pub const COMMAND: &str = "__receipt-desk-render";

/// Exit codes the parent tells apart from a crash in the renderer.
const EXIT_BAD_INPUT: i32 = 2;
const EXIT_NO_LIMITS: i32 = 3;

/// Serves one parent over `input`/`output`; the process's exit code.
pub(super) fn serve(input: impl Read, output: impl Write) -> i32 {
    let (mut input, mut output) = (BufReader::new(input), BufWriter::new(output));
    let setup: Setup = match wire::read_frame(&mut input, wire::MAX_MESSAGE) {
        Ok(Some(frame)) => match serde_json::from_slice(&frame) {
            Ok(setup) => setup,
            Err(e) => return complain(EXIT_BAD_INPUT, &format!("bad setup: {e}")),
        },
        Ok(None) => return 0,
        Err(e) => return complain(EXIT_BAD_INPUT, &format!("no setup: {e}")),
    };
    if let Err(e) = limit_self(&setup) {
        return complain(EXIT_NO_LIMITS, &format!("cannot set the limits: {e}"));
    }
    // A panic becomes the page's error; the default hook would only fill stderr.
    std::panic::set_hook(Box::new(|_| {}));
    answer(&setup.settings, &mut input, &mut output)
}

/// Reads the PDF, then answers tasks until the parent closes stdin.
fn answer(settings: &PageSettings, input: &mut impl Read, output: &mut impl Write) -> i32 {
    let bytes = match wire::read_frame(input, u32::MAX as usize) {
        Ok(Some(bytes)) => Arc::new(bytes),
        Ok(None) => return 0,
        Err(e) => return complain(EXIT_BAD_INPUT, &format!("no PDF: {e}")),
    };
    let pdf = guarded(|| page::open(&bytes));
    loop {
        let task = match wire::read_frame(input, wire::MAX_MESSAGE) {
            Ok(Some(frame)) => match serde_json::from_slice::<Task>(&frame) {
                Ok(task) => task,
                Err(e) => return complain(EXIT_BAD_INPUT, &format!("bad task: {e}")),
            },
            Ok(None) => return 0,
            Err(e) => return complain(EXIT_BAD_INPUT, &format!("no task: {e}")),
        };
        let answered = match (&pdf, task) {
            (Err(e), _) => wire::write_json(output, &Reply::from(e.clone())),
            (Ok(pdf), Task::Count) => match guarded(|| page::pages_of(pdf)) {
                Ok(count) => wire::write_json(output, &Reply::Pages { count }),
                Err(e) => wire::write_json(output, &Reply::from(e)),
            },
            (Ok(pdf), Task::Render { index }) => {
                match guarded(|| page::render_page_of(pdf, index as usize, settings)) {
                    Ok(jpeg) => wire::write_json(
                        output,
                        &Reply::Page {
                            width: jpeg.width,
                            height: jpeg.height,
                        },
                    )
                    .and_then(|()| wire::write_frame(output, &jpeg.bytes)),
                    Err(e) => wire::write_json(output, &Reply::from(e)),
                }
            }
        };
        if answered.and_then(|()| output.flush()).is_err() {
            // The parent is gone or gave up on us.
            return 0;
        }
    }
}

/// Runs hayro, turning a panic into a [`PageError`].
fn guarded<T>(work: impl FnOnce() -> Result<T, PageError>) -> Result<T, PageError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(PageError::new(
            reason::RENDER_FAILED,
            format!("the renderer failed: {what}"),
        ))
    })
}

#[expect(
    clippy::print_stderr,
    reason = "the render process's only way to tell its parent what went wrong"
)]
fn complain(code: i32, message: &str) -> i32 {
    eprintln!("receipt-desk render process: {message}");
    code
}

#[cfg(unix)]
fn limit_self(setup: &Setup) -> io::Result<()> {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    // A soft limit may not exceed the hard one; lowering both is always allowed.
    let lower = |resource: Resource, soft: u64, hard: u64| {
        let allowed = getrlimit(resource).maximum.unwrap_or(u64::MAX);
        setrlimit(
            resource,
            Rlimit {
                current: Some(soft.min(allowed)),
                maximum: Some(hard.min(allowed)),
            },
        )
    };
    lower(Resource::Core, 0, 0)?;
    if setup.memory_bytes > 0 {
        lower(Resource::As, setup.memory_bytes, setup.memory_bytes)?;
    }
    if setup.cpu_seconds > 0 {
        // SIGXCPU at the soft limit, SIGKILL a second later.
        lower(Resource::Cpu, setup.cpu_seconds, setup.cpu_seconds + 1)?;
    }
    #[cfg(target_os = "linux")]
    rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))?;
    Ok(())
}

#[cfg(not(unix))]
fn limit_self(_setup: &Setup) -> io::Result<()> {
    // No address-space limit here: the deadline still ends a runaway render.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The protocol without a process or limits (they would bind the test runner).
    fn exchange(pdf: &[u8], tasks: &[Task]) -> (i32, Vec<Reply>) {
        let mut input = Vec::new();
        wire::write_frame(&mut input, pdf).expect("pdf");
        for task in tasks {
            wire::write_json(&mut input, task).expect("task");
        }
        let mut output = Vec::new();
        let settings = PageSettings::from(&crate::ConvertSettings::default());
        let code = answer(&settings, &mut input.as_slice(), &mut output);
        let mut replies = Vec::new();
        let mut output = output.as_slice();
        while let Some(frame) = wire::read_frame(&mut output, wire::MAX_JPEG).expect("read") {
            if let Ok(reply) = serde_json::from_slice(&frame) {
                replies.push(reply);
            }
        }
        (code, replies)
    }

    #[test]
    fn a_file_that_is_not_a_pdf_is_answered_not_crashed() {
        let (code, replies) = exchange(b"hello", &[Task::Count, Task::Render { index: 0 }]);
        assert_eq!(code, 0);
        assert_eq!(replies.len(), 2);
        assert!(
            replies
                .iter()
                .all(|r| matches!(r, Reply::Failed { reason, .. } if reason == reason::NOT_PDF))
        );
    }

    #[test]
    fn a_panic_in_the_renderer_is_a_render_failure() {
        let failed = guarded::<()>(|| panic!("boom"));
        let failed = failed.expect_err("panicked");
        assert_eq!(failed.reason, reason::RENDER_FAILED);
        assert!(failed.error.contains("boom"));
    }
}
