//! Asking a person (or a script) for answers.
//!
//! On a terminal, passwords are read without echo from the terminal itself. Otherwise
//! (or with `--password-stdin`) answers are read from stdin, one per line, in the order
//! the questions come; prompts always go to stderr so stdout stays clean for scripts.

use std::io::{BufRead as _, IsTerminal as _, Write as _};

use crate::credentials::Password;
use crate::i18n::Lang;
use crate::i18n::cli::prompt as t;

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
pub fn for_stdin(password_stdin: bool, lang: Lang) -> Box<dyn Prompter> {
    if password_stdin || !std::io::stdin().is_terminal() {
        Box::new(LinePrompter { lang })
    } else {
        Box::new(TerminalPrompter { lang })
    }
}

struct TerminalPrompter {
    lang: Lang,
}

impl Prompter for TerminalPrompter {
    fn line(&mut self, prompt: &str) -> std::io::Result<String> {
        {
            let mut err = std::io::stderr().lock();
            write!(err, "{prompt}: ")?;
            err.flush()?;
        }
        read_stdin_line(prompt, self.lang)
    }

    fn secret(&mut self, prompt: &str) -> std::io::Result<Password> {
        rpassword::prompt_password(format!("{prompt}: ")).map(Password::new)
    }

    fn is_interactive(&self) -> bool {
        true
    }
}

struct LinePrompter {
    lang: Lang,
}

impl Prompter for LinePrompter {
    fn line(&mut self, prompt: &str) -> std::io::Result<String> {
        {
            let mut err = std::io::stderr().lock();
            writeln!(err, "{prompt}: {}", self.lang.text(t::READING_FROM_STDIN))?;
        }
        read_stdin_line(prompt, self.lang)
    }

    fn secret(&mut self, prompt: &str) -> std::io::Result<Password> {
        self.line(prompt).map(Password::new)
    }

    fn is_interactive(&self) -> bool {
        false
    }
}

fn read_stdin_line(prompt: &str, lang: Lang) -> std::io::Result<String> {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line)?;
    if read == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            t::stdin_ended(prompt, lang),
        ));
    }
    // Only the line ending goes: spaces may be part of a password.
    let trimmed_len = line.trim_end_matches(['\n', '\r']).len();
    line.truncate(trimmed_len);
    Ok(line)
}

/// A spinner on stderr while we wait for a server, on a terminal only (scripts get no
/// animation in their logs). It disappears when dropped.
pub struct Spinner(Option<indicatif::ProgressBar>);

impl Spinner {
    pub fn start(message: &str) -> Self {
        Self(std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message(message.to_owned());
            bar.enable_steady_tick(std::time::Duration::from_millis(100));
            bar
        }))
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
