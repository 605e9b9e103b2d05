//! The parent's handle on one render process: start it with the PDF, ask it one task at
//! a time before a deadline, and when it overruns or dies, kill it and say why.

use std::path::Path;
use std::process::{ExitStatus, Stdio};

use tokio::io::{AsyncReadExt as _, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::time::Instant;

use super::wire::{self, Reply, Setup, Task};
use super::{COMMAND, Jpeg, PageError};
use crate::contract::reason;

/// What the child answered.
pub(super) enum Answer {
    Pages(u32),
    Page(Jpeg),
    /// The PDF or page is the problem; the process is still good for the next page.
    Failed(PageError),
}

/// The process is gone (killed or crashed); start another for the next page.
pub(super) enum Lost {
    /// Still working at the deadline, so it was killed.
    TimedOut,
    Crashed(PageError),
}

pub(super) struct RenderProcess {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    memory_bytes: u64,
}

impl RenderProcess {
    /// Starts `exe` as a render process and hands it the setup and the PDF.
    pub(super) async fn start(
        exe: &Path,
        setup: &Setup,
        pdf: &[u8],
        deadline: Instant,
    ) -> Result<Self, Lost> {
        let mut child = Command::new(exe)
            .arg(COMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                Lost::Crashed(PageError::new(
                    reason::RENDER_FAILED,
                    format!("cannot start the render process {}: {e}", exe.display()),
                ))
            })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(Lost::Crashed(PageError::new(
                reason::RENDER_FAILED,
                "the render process has no pipes",
            )));
        };
        let mut process = Self {
            child,
            stdin,
            stdout: BufReader::new(stdout),
            memory_bytes: setup.memory_bytes,
        };
        let sent = tokio::time::timeout_at(deadline, async {
            let setup = serde_json::to_vec(setup)?;
            wire::write_frame_async(&mut process.stdin, &setup).await?;
            wire::write_frame_async(&mut process.stdin, pdf).await
        })
        .await;
        match sent {
            Ok(Ok(())) => Ok(process),
            Ok(Err(_)) => Err(process.post_mortem().await),
            Err(_) => {
                process.end().await;
                Err(Lost::TimedOut)
            }
        }
    }

    /// Asks one task; an `Err` means the process is gone.
    pub(super) async fn ask(&mut self, task: Task, deadline: Instant) -> Result<Answer, Lost> {
        let asked = tokio::time::timeout_at(deadline, async {
            let task = serde_json::to_vec(&task)?;
            wire::write_frame_async(&mut self.stdin, &task).await?;
            match wire::read_json_async::<Reply>(&mut self.stdout).await? {
                Reply::Pages { count } => Ok(Answer::Pages(count)),
                Reply::Failed { reason, error } => Ok(Answer::Failed(PageError::new(
                    wire::known_reason(&reason),
                    error,
                ))),
                Reply::Page { width, height } => {
                    let bytes = wire::read_frame_async(&mut self.stdout, wire::MAX_JPEG).await?;
                    Ok(Answer::Page(Jpeg {
                        bytes,
                        width,
                        height,
                    }))
                }
            }
        })
        .await;
        match asked {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err::<_, std::io::Error>(_)) => Err(self.post_mortem().await),
            Err(_) => {
                self.kill().await;
                Err(Lost::TimedOut)
            }
        }
    }

    /// Ends the process (it holds nothing worth a graceful exit) and reaps it.
    pub(super) async fn end(mut self) {
        self.kill().await;
    }

    async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// The pipe broke: the child died or is dying. Why, from its status and stderr.
    async fn post_mortem(&mut self) -> Lost {
        let grace = std::time::Duration::from_secs(2);
        let status = tokio::time::timeout(grace, self.child.wait())
            .await
            .ok()
            .and_then(Result::ok);
        if status.is_none() {
            self.kill().await;
        }
        let mut stderr = Vec::new();
        if let Some(pipe) = self.child.stderr.take() {
            let mut pipe = pipe.take(16 * 1024);
            let _ = tokio::time::timeout(grace, pipe.read_to_end(&mut stderr)).await;
        }
        Lost::Crashed(crash_error(
            status,
            &String::from_utf8_lossy(&stderr),
            self.memory_bytes,
        ))
    }
}

/// Names a render process's death for the person reading the failed entry.
fn crash_error(status: Option<ExitStatus>, stderr: &str, memory_bytes: u64) -> PageError {
    if stderr.contains("memory allocation of") {
        return PageError::new(
            reason::TOO_LARGE,
            format!(
                "the page needs more memory than allowed ({} MB)",
                memory_bytes / (1024 * 1024)
            ),
        );
    }
    if stderr.contains("has overflowed its stack") {
        return PageError::new(
            reason::TOO_LARGE,
            "the page's drawing is nested too deeply to render",
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        const SIGXCPU: i32 = 24;
        if status.and_then(|s| s.signal()) == Some(SIGXCPU) {
            return PageError::new(reason::RENDER_TIMEOUT, "the renderer used up its CPU time");
        }
    }
    let said = stderr.lines().last().unwrap_or("").trim();
    let status = status.map_or_else(|| "no exit status".to_owned(), |s| s.to_string());
    PageError::new(
        reason::RENDER_FAILED,
        if said.is_empty() {
            format!("the render process crashed ({status})")
        } else {
            format!("the render process crashed ({status}): {said}")
        },
    )
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::process::ExitStatusExt as _;

    use super::*;

    const SIGABRT: i32 = 6;

    #[test]
    fn an_allocation_beyond_the_limit_is_too_large() {
        let error = crash_error(
            Some(ExitStatus::from_raw(SIGABRT)),
            "memory allocation of 12700000000 bytes failed\n",
            1 << 30,
        );
        assert_eq!(error.reason, reason::TOO_LARGE);
        assert!(error.error.contains("1024 MB"), "{}", error.error);
    }

    #[test]
    fn cpu_time_used_up_is_a_timeout_and_other_deaths_are_failures() {
        let cpu = crash_error(Some(ExitStatus::from_raw(24)), "", 0);
        assert_eq!(cpu.reason, reason::RENDER_TIMEOUT);
        let other = crash_error(Some(ExitStatus::from_raw(11)), "", 0);
        assert_eq!(other.reason, reason::RENDER_FAILED);
        assert!(other.error.contains("crashed"), "{}", other.error);
    }
}
