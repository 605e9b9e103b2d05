//! `receipt-desk`: parse the command line, set up logging, hand over to the front end.

use std::process::ExitCode;

use clap::FromArgMatches as _;
use receipt_desk::cli::{self, Cli};
use receipt_desk::config::ThemePref;
use receipt_desk::i18n::Lang;
use receipt_desk::i18n::cli::start as t;
use receipt_desk::{logging, ui};

fn main() -> ExitCode {
    ui::startup::mark_process_start();
    // Started as a render process (`backend::render`), this never returns.
    backend::render_child_main_if_requested();
    // `--help` is printed by clap during parsing, so its language is found first.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli::lang_from_args(&args);
    let matches = cli::command(lang).get_matches_from(args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let _logs = logging::init(cli.verbose, logging::default_dir().as_deref());
    let runtime = match receipt_desk::runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            return fail(cli::EXIT_FAILURE, &t::runtime_failed(&e, lang));
        }
    };
    if cli.command.is_none() {
        return run_window(&cli, &runtime, lang);
    }
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e.code, &e.message),
    }
}

/// No command: the desktop app, with the async runtime beside the UI thread.
fn run_window(cli: &Cli, runtime: &tokio::runtime::Runtime, lang: Lang) -> ExitCode {
    let _entered = runtime.enter();
    let mut options = match ui::AppOptions::platform(runtime.handle().clone()) {
        Ok(options) => options,
        Err(e) => return fail(cli::EXIT_FAILURE, &e),
    };
    if let Some(path) = &cli.config {
        options.config_path.clone_from(path);
    }
    options.profile.clone_from(&cli.profile);
    options.lang = cli.lang.map(|l| match l {
        cli::LangArg::En => Lang::En,
        cli::LangArg::Ja => Lang::Ja,
    });
    options.theme = cli.theme.map(|t| match t {
        cli::ThemeArg::Light => ThemePref::Light,
        cli::ThemeArg::Dark => ThemePref::Dark,
    });
    match ui::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(cli::EXIT_FAILURE, &t::window_failed(&e, lang)),
    }
}

#[expect(
    clippy::print_stderr,
    reason = "the one place a fatal error reaches the person"
)]
fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("receipt-desk: {message}");
    ExitCode::from(code)
}
