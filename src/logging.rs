//! Logs: to a daily-rotated file in the platform data dir (the last 7 days kept), to
//! stderr with `-v`, and the last warnings and errors kept in memory for "Copy
//! diagnostics". Nothing logged carries a password or a token: they are newtypes that
//! print `***`, and server messages are scrubbed before they become errors.

use std::collections::VecDeque;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// How many recent problems "Copy diagnostics" includes.
const RECENT: usize = 20;
/// Days of log files kept.
const KEEP_FILES: usize = 7;

static PROBLEMS: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());

/// The folder log files go to (`~/.local/share/receipt-desk/logs` on Linux).
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "receipt-desk").map(|d| d.data_dir().join("logs"))
}

/// Keeps the file writer flushing; dropping it (at exit) flushes what is left.
pub struct Guard {
    _file: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// Sets up logging. `verbose` (0–3) is for stderr (warnings by default); the file gets
/// `info` for this crate unless `RUST_LOG` says otherwise. A log folder that cannot be
/// created only costs the file.
pub fn init(verbose: u8, dir: Option<&Path>) -> Guard {
    let ours = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let stderr_filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(format!("warn,receipt_desk={ours}"))
        });
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .with_filter(stderr_filter);
    let (file, guard) = match dir.and_then(|d| file_writer(d).ok()) {
        Some((writer, guard)) => {
            let filter = tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,receipt_desk=info"));
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(filter);
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let problems = ProblemLayer.with_filter(tracing_subscriber::filter::LevelFilter::WARN);
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .with(problems)
        .try_init();
    Guard { _file: guard }
}

fn file_writer(
    dir: &Path,
) -> Result<
    (
        tracing_appender::non_blocking::NonBlocking,
        tracing_appender::non_blocking::WorkerGuard,
    ),
    String,
> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let appender = tracing_appender::rolling::RollingFileAppender::builder()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("receipt-desk")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|e| e.to_string())?;
    Ok(tracing_appender::non_blocking(appender))
}

/// The last warnings and errors, oldest first.
pub fn recent_problems() -> Vec<String> {
    PROBLEMS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .cloned()
        .collect()
}

/// Records a problem the person saw (a sign-in error, a failed job) for diagnostics.
pub fn note_problem(text: impl Into<String>) {
    let mut problems = PROBLEMS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if problems.len() == RECENT {
        problems.pop_front();
    }
    let stamp = jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ");
    problems.push_back(format!("{stamp} {}", text.into()));
}

/// Keeps warn/error events' messages and fields.
struct ProblemLayer;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for ProblemLayer {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut text = format!("{} ", event.metadata().level());
        event.record(&mut Fields(&mut text));
        note_problem(text);
    }
}

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write as _;
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}

/// What "Copy diagnostics" puts on the clipboard: version, system, the profile (which
/// holds no secret), and the recent problems.
pub fn diagnostics(
    profile_name: &str,
    profile: Option<&crate::config::Profile>,
    session: &str,
) -> String {
    let mut lines = vec![
        format!("receipt-desk {}", env!("CARGO_PKG_VERSION")),
        format!("os {} {}", std::env::consts::OS, std::env::consts::ARCH),
        format!("profile {profile_name}"),
    ];
    if let Some(profile) = profile {
        let mut shown = profile.clone();
        shown.username = shown.username.map(|_| "(set)".to_owned());
        lines.push(
            toml::to_string(&shown)
                .unwrap_or_default()
                .trim_end()
                .to_owned(),
        );
    }
    lines.push(format!("session {session}"));
    lines.push("recent problems:".to_owned());
    let problems = recent_problems();
    if problems.is_empty() {
        lines.push("  (none)".to_owned());
    }
    lines.extend(problems.into_iter().map(|p| format!("  {p}")));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_hold_the_profile_but_not_the_username_and_the_last_problems() {
        let profile = crate::config::Profile {
            client_id: "abc123".to_owned(),
            username: Some("alice@example.com".to_owned()),
            ..crate::config::Profile::default()
        };
        note_problem("the API answered HTTP 504");
        let text = diagnostics("work", Some(&profile), "signed in");
        assert!(text.contains("abc123"));
        assert!(!text.contains("alice@example.com"));
        assert!(text.contains("HTTP 504"));
        for n in 0..(RECENT + 5) {
            note_problem(format!("problem {n}"));
        }
        assert_eq!(recent_problems().len(), RECENT);
    }
}
