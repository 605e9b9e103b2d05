//! `receipt-desk` as a script runs it: the built binary with nothing from the test's
//! environment, a home and a config of the test's own, English unless the test says
//! otherwise, and no session bus (so no keyring).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub const BINARY: &str = env!("CARGO_BIN_EXE_receipt-desk");

/// The binary with `args` in a sandbox: `HOME` and the XDG folders under `home`, the
/// config at `config`, `LANG=C.UTF-8`. Change or add variables on the result.
pub fn command(home: &Path, config: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(BINARY);
    command
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env("XDG_RUNTIME_DIR", home)
        .env("RECEIPT_DESK_CONFIG", config)
        .env("LANG", "C.UTF-8");
    command
}

/// Runs `command` with `stdin` as its input, to the end.
pub fn run(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run receipt-desk");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

/// Runs `command` with stdin closed, as cron does.
pub fn run_without_input(mut command: Command) -> Output {
    command
        .stdin(Stdio::null())
        .output()
        .expect("run receipt-desk")
}

/// What a stream carried, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
}
