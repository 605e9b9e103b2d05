//! Asking a person (or a script) for answers.
//!
//! On a terminal, passwords are read without echo from the terminal itself. Otherwise
//! (or with `--password-stdin`) answers are read from stdin, one per line, in the order
//! the questions come; prompts always go to stderr so stdout stays clean for scripts.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use crate::credentials::Password;

pub trait Prompter {
    /// A visible answer (a username, a code, a choice).
    fn line(&mut self, prompt: &str) -> std::io::Result<String>;
    /// A hidden answer (a password).
    fn secret(&mut self, prompt: &str) -> std::io::Result<Password>;
    /// Whether a person is answering (so a wrong answer may be asked again).
    fn is_interactive(&self) -> bool;
    /// Information for the person, on stderr.
    fn say(&mut self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}");
    }
}

/// The right prompter for how we were started.
pub fn for_stdin(password_stdin: bool) -> Box<dyn Prompter> {
    if password_stdin || !std::io::stdin().is_terminal() {
        Box::new(LinePrompter)
    } else {
        Box::new(TerminalPrompter)
    }
}

struct TerminalPrompter;

impl Prompter for TerminalPrompter {
    fn line(&mut self, prompt: &str) -> std::io::Result<String> {
        {
            let mut err = std::io::stderr().lock();
            write!(err, "{prompt}: ")?;
            err.flush()?;
        }
        read_stdin_line(prompt)
    }

    fn secret(&mut self, prompt: &str) -> std::io::Result<Password> {
        rpassword::prompt_password(format!("{prompt}: ")).map(Password::new)
    }

    fn is_interactive(&self) -> bool {
        true
    }
}

struct LinePrompter;

impl Prompter for LinePrompter {
    fn line(&mut self, prompt: &str) -> std::io::Result<String> {
        {
            let mut err = std::io::stderr().lock();
            writeln!(err, "{prompt}: (reading from stdin)")?;
        }
        read_stdin_line(prompt)
    }

    fn secret(&mut self, prompt: &str) -> std::io::Result<Password> {
        self.line(prompt).map(Password::new)
    }

    fn is_interactive(&self) -> bool {
        false
    }
}

fn read_stdin_line(prompt: &str) -> std::io::Result<String> {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line)?;
    if read == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("stdin ended before an answer to \"{prompt}\""),
        ));
    }
    // Only the line ending goes: spaces may be part of a password.
    let trimmed_len = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(trimmed_len);
    Ok(line)
}
