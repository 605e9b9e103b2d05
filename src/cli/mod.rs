//! The command line: the same jobs as the app, for people at a terminal and for scripts.
//!
//! Output rules: results go to stdout (only `token` ever prints a token), prompts and
//! errors to stderr, and each kind of failure has its own exit code (see [`EXIT_CODES`]).

mod connect;
mod convert;
mod help;
mod login;
mod ls;
mod profile;
mod prompt;
mod serve;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cognito::{CognitoError, ErrorKind};
use crate::config::{Config, ConfigError, HeaderStyle, TokenKind};
use crate::i18n::{self, Lang};

pub use help::{command, lang_from_args};

/// Exit codes, as `--help` documents them.
pub const EXIT_CODES: &str = i18n::cli::help::EXIT_CODES.en;

#[derive(Debug, Parser)]
#[command(
    name = "receipt-desk",
    version,
    about = "Sign in to Amazon Cognito, convert scanned receipt PDFs to JPEG and preview them.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    /// The config file to use instead of the default one.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The profile to use (default: the config's default profile).
    #[arg(long, short = 'p', global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// The language of messages (default: from the locale).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,

    /// The window's theme (default: the setting, else the system's).
    #[arg(long, global = true, value_enum)]
    pub theme: Option<ThemeArg>,

    /// More log output on stderr (-v, -vv, -vvv). Secrets are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ThemeArg {
    Light,
    Dark,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    En,
    Ja,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in, answering any challenge (new password, MFA code) at the prompt, and show
    /// who signed in and until when.
    Login(Box<LoginArgs>),
    /// Print a fresh token on stdout, for curl: from the remembered sign-in when there is
    /// one, else after signing in. The only command that prints a token.
    Token(Box<TokenArgs>),
    /// Sign out everywhere and delete the remembered sign-in (works offline too: the
    /// local part always happens).
    Logout(Box<LogoutArgs>),
    /// Convert every PDF under a prefix to JPEG pages (the profile's defaults fill in what
    /// is not given), follow the job to its end, print a summary or the JSON, optionally
    /// download the pages.
    Convert(Box<convert::ConvertArgs>),
    /// List one level of a bucket through the API: folders with their PDF counts, and
    /// the PDFs there, to pick prefixes from.
    Ls(Box<ls::LsArgs>),
    /// Run the local stack (Cognito, JWKS, an authorizer and conversion) on 127.0.0.1
    /// until Ctrl+C; with no --pool file, a demo user is printed.
    Serve(Box<serve::ServeArgs>),
    /// Reset a forgotten password, or change the password.
    Password {
        #[command(subcommand)]
        action: login::PasswordAction,
    },
    /// Create, change, list and remove profiles.
    Profile {
        #[command(subcommand)]
        action: profile::ProfileAction,
    },
}

#[derive(Debug, Args)]
pub struct SignInArgs {
    /// The username (default: the profile's last one, else asked).
    #[arg(long, short = 'u')]
    pub username: Option<String>,

    /// Read the password (and any challenge answers, one per line) from stdin instead of
    /// the terminal. This is also what happens when stdin is not a terminal.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub sign_in: SignInArgs,

    /// Keep the sign-in in the OS keyring (never in a file), so later commands need no
    /// password until it expires or you log out.
    #[arg(long)]
    pub remember: bool,

    /// In a pool that tracks devices: remember this device, so that signing in from it
    /// asks no MFA code (its key and password go to the OS keyring).
    #[arg(long)]
    pub remember_device: bool,

    /// Sign in with the system browser on the profile's managed-login page (needs
    /// `--hosted-ui-domain`); the link is printed when no browser opens (SSH).
    #[arg(long, conflicts_with_all = ["password_stdin", "remember_device"])]
    pub browser: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The user (default: the profile's last one).
    #[arg(long, short = 'u')]
    pub username: Option<String>,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    #[command(flatten)]
    pub sign_in: SignInArgs,

    /// Print the ID token (what a REST API Cognito authorizer without scopes takes).
    #[arg(long, conflicts_with = "access")]
    pub id: bool,

    /// Print the access token.
    #[arg(long)]
    pub access: bool,
}

impl TokenArgs {
    fn kind(&self, profile_default: TokenKind) -> TokenKind {
        if self.id {
            TokenKind::Id
        } else if self.access {
            TokenKind::Access
        } else {
            profile_default
        }
    }
}

/// A failed command: what to tell the person, and the exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_AUTH: u8 = 3;
pub const EXIT_NETWORK: u8 = 4;
pub const EXIT_REFUSED: u8 = 5;
pub const EXIT_PARTIAL: u8 = 6;
pub const EXIT_NOT_OUR_CONTRACT: u8 = 7;
pub const EXIT_INTERRUPTED: u8 = 130;

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self {
            code: EXIT_FAILURE,
            message: message.into(),
        }
    }

    fn from_config(error: &ConfigError, lang: Lang) -> Self {
        let code = match error {
            ConfigError::Write { .. } | ConfigError::Read { .. } => EXIT_FAILURE,
            _ => EXIT_USAGE,
        };
        Self {
            code,
            message: i18n::config_error(error, lang),
        }
    }

    fn from_cognito(error: &CognitoError, lang: Lang) -> Self {
        let code = match error {
            CognitoError::InvalidInput(_) => EXIT_USAGE,
            e if e.is_network() => EXIT_NETWORK,
            CognitoError::Service(e)
                if matches!(
                    e.kind,
                    ErrorKind::ResourceNotFound | ErrorKind::InvalidParameter
                ) =>
            {
                EXIT_USAGE
            }
            _ => EXIT_AUTH,
        };
        Self {
            code,
            message: i18n::cognito_error(error, lang),
        }
    }
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> Result<(), CliError> {
    let lang = match cli.lang {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::Ja) => Lang::Ja,
        None => Lang::from_env(),
    };
    let config_path =
        Config::path(cli.config.as_deref()).map_err(|e| CliError::from_config(&e, lang))?;
    let context = Context {
        config_path,
        profile: cli.profile,
        lang,
    };
    match cli.command {
        Some(Command::Login(args)) => login::login(&context, &args).await,
        Some(Command::Token(args)) => login::token(&context, &args).await,
        Some(Command::Logout(args)) => login::logout(&context, &args).await,
        Some(Command::Password { action }) => login::password(&context, action).await,
        Some(Command::Profile { action }) => profile::run(&context, action).await,
        Some(Command::Serve(args)) => serve::serve(*args, lang).await,
        Some(Command::Convert(args)) => convert::convert(&context, &args).await,
        Some(Command::Ls(args)) => ls::ls(&context, &args).await,
        // `main` opens the window when there is no command; from elsewhere, show help.
        None => {
            print_line(&command(lang).render_help().to_string());
            Ok(())
        }
    }
}

/// What every command needs.
struct Context {
    config_path: PathBuf,
    profile: Option<String>,
    lang: Lang,
}

impl Context {
    fn load_config(&self) -> Result<Config, CliError> {
        Config::load(&self.config_path).map_err(|e| CliError::from_config(&e, self.lang))
    }
}

/// Writes a line to stdout; a closed pipe (`| head`) is not an error worth a panic.
fn print_line(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

fn header_style_name(style: HeaderStyle) -> &'static str {
    match style {
        HeaderStyle::Bearer => "bearer",
        HeaderStyle::Bare => "bare",
    }
}

fn token_kind_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Id => "id",
        TokenKind::Access => "access",
    }
}
