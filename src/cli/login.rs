//! `receipt-desk login`, `token` and `logout`: sign in (walking through challenges),
//! optionally remembered in the OS keyring, and sign out.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::prompt::{self, Prompter, Spinner};
use super::{CliError, Context, LoginArgs, LogoutArgs, SignInArgs, TokenArgs, print_line};
use crate::cognito::{
    AuthStep, Challenge, ChallengeAnswer, ChallengeKind, CognitoClient, CognitoError, ErrorKind,
    Revocation, Timeouts, Tokens,
};
use crate::config::{Config, Profile, TokenKind};
use crate::credentials::ClientSecret;
use crate::i18n::{self, Lang};
use crate::secrets::{self, KeyringStore, RememberedSignIn, SecretError, SecretStore};

/// The environment variable that holds an app client secret, for clients that have one.
pub const CLIENT_SECRET_ENV: &str = "RECEIPT_DESK_CLIENT_SECRET";

/// How many times a person at a terminal may retry a wrong code or a rejected password.
const TRIES: usize = 3;

pub(super) async fn login(context: &Context, args: &LoginArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let opened = open_profile(context).await?;
    let was_remembered = opened.config.is_remembered(
        &opened.name,
        args.sign_in
            .username
            .as_deref()
            .or(opened.profile.username.as_deref())
            .unwrap_or_default(),
    );
    let signed_in = sign_in(context, opened, &args.sign_in).await?;
    if args.remember {
        match remember(&signed_in).await {
            Ok(()) => {
                tracing::info!(profile = %signed_in.profile, "sign-in remembered in the keyring");
                mark_remembered(context, &signed_in.profile, &signed_in.username, true);
            }
            Err(e) => prompt_say(&format!(
                "{} ({e})",
                crate::i18n::remember_unavailable(lang, false)
            )),
        }
    }
    let who = match &signed_in.tokens.email {
        Some(email) if *email != signed_in.username => format!("{} <{email}>", signed_in.username),
        _ => signed_in.username.clone(),
    };
    if !args.remember && !was_remembered {
        prompt_say(i18n::sign_in_not_remembered(lang));
    }
    let until = describe_expiry(signed_in.tokens.expires_at, Timestamp::now(), lang);
    print_line(&match lang {
        Lang::En => format!(
            "Signed in as {who} (profile {}). The session is valid until {until}.",
            signed_in.profile
        ),
        Lang::Ja => format!(
            "{who} としてサインインしました（プロファイル {}）。セッションの有効期限は {until} です。",
            signed_in.profile
        ),
    });
    Ok(())
}

/// A signed-in profile for a command that calls the API: its name, settings and tokens,
/// from the remembered sign-in when there is one, else after signing in.
pub(super) struct Ready {
    pub name: String,
    pub profile: Profile,
    pub client: CognitoClient,
    pub tokens: Tokens,
}

pub(super) async fn ready(context: &Context, args: &SignInArgs) -> Result<Ready, CliError> {
    let opened = open_profile(context).await?;
    let restored = restore(
        context,
        &opened,
        args.username.as_deref(),
        args.password_stdin,
    )
    .await;
    let (name, profile, client) = (
        opened.name.clone(),
        opened.profile.clone(),
        opened.client.clone(),
    );
    let tokens = match restored {
        Restored::Tokens(tokens) => tokens,
        // A script (no terminal, no --password-stdin) cannot sign in again: say so with the
        // authentication exit code rather than failing to read a password.
        Restored::Refused
            if !args.password_stdin && !std::io::IsTerminal::is_terminal(&std::io::stdin()) =>
        {
            return Err(CliError {
                code: super::EXIT_AUTH,
                message: context
                    .lang
                    .pick(
                        "the remembered sign-in was refused and there is no terminal to ask for a password: run `receipt-desk login --remember` again (or pass --password-stdin)",
                        "記憶されたサインインが拒否され、パスワードを尋ねる端末がありません。`receipt-desk login --remember` をもう一度実行してください（または --password-stdin を使ってください）",
                    )
                    .to_owned(),
            });
        }
        // Remembered, but in a keyring this session cannot reach (cron): say where it is
        // instead of asking for a password nobody will type.
        Restored::Unreachable(e)
            if !args.password_stdin && !std::io::IsTerminal::is_terminal(&std::io::stdin()) =>
        {
            return Err(CliError {
                code: super::EXIT_AUTH,
                message: keyring_problem(&e, context.lang),
            });
        }
        Restored::Unreachable(e) => {
            prompt_say(&keyring_problem(&e, context.lang));
            sign_in(context, opened, args).await?.tokens
        }
        Restored::Refused | Restored::Nothing => sign_in(context, opened, args).await?.tokens,
    };
    Ok(Ready {
        name,
        profile,
        client,
        tokens,
    })
}

pub(super) async fn token(context: &Context, args: &TokenArgs) -> Result<(), CliError> {
    // A remembered sign-in serves without a password, unless one is being given.
    let Ready {
        profile, tokens, ..
    } = ready(context, &args.sign_in).await?;
    let kind = args.kind(profile.token_kind);
    let token = match kind {
        TokenKind::Id => tokens.id.expose().to_owned(),
        TokenKind::Access => tokens.access.expose().to_owned(),
    };
    print_line(&token);
    Ok(())
}

pub(super) async fn logout(context: &Context, args: &LogoutArgs) -> Result<(), CliError> {
    let lang = context.lang;
    let opened = open_profile(context).await?;
    let Some(username) = args
        .username
        .clone()
        .or_else(|| opened.profile.username.clone())
    else {
        return Err(CliError::usage(lang.pick(
            "No one has signed in with this profile: nothing to sign out.",
            "このプロファイルでサインインしたユーザーがいません。サインアウトするものはありません。",
        )));
    };
    let account = secrets::session_account(&opened.name, &username);
    let stored = match keyring_get(account.clone()).await {
        Ok(stored) => stored,
        Err(e) if opened.config.is_remembered(&opened.name, &username) => {
            return Err(CliError::failure(keyring_problem(&e, lang)));
        }
        Err(e) => {
            tracing::info!(error = %e, "no keyring, so no remembered sign-in");
            None
        }
    };
    let Some(remembered) = stored else {
        mark_remembered(context, &opened.name, &username, false);
        print_line(&match lang {
            Lang::En => format!(
                "{username} has no remembered sign-in with profile {}; nothing to do.",
                opened.name
            ),
            Lang::Ja => format!(
                "{username} にはプロファイル {} で記憶されたサインインがありません。何もしません。",
                opened.name
            ),
        });
        return Ok(());
    };
    // The local part always happens: the keyring entry goes first.
    let deleted = keyring_delete(account).await;
    let mut remote_problems = Vec::new();
    match opened
        .client
        .refresh(&remembered.refresh, &remembered.username)
        .await
    {
        Ok(tokens) => {
            if let Err(e) = opened.client.global_sign_out(&tokens.access).await {
                remote_problems.push(i18n::cognito_error(&e, lang));
            }
        }
        // Already invalid on the server: nothing left to end there.
        Err(CognitoError::Service(e)) if e.kind == ErrorKind::InvalidRefreshToken => {}
        Err(e) => remote_problems.push(i18n::cognito_error(&e, lang)),
    }
    match opened.client.revoke_token(&remembered.refresh).await {
        Ok(Revocation::Revoked | Revocation::NotSupported) => {}
        Err(CognitoError::Service(e)) if e.kind == ErrorKind::InvalidRefreshToken => {}
        Err(e) => remote_problems.push(i18n::cognito_error(&e, lang)),
    }
    if let Err(e) = deleted {
        return Err(CliError::failure(match lang {
            Lang::En => format!("the remembered sign-in could not be deleted: {e}"),
            Lang::Ja => format!("記憶されたサインインを削除できませんでした: {e}"),
        }));
    }
    mark_remembered(context, &opened.name, &username, false);
    print_line(&match lang {
        Lang::En => format!(
            "Signed out {username} (profile {}); the remembered sign-in is deleted.",
            opened.name
        ),
        Lang::Ja => format!(
            "{username} をサインアウトしました（プロファイル {}）。記憶されたサインインを削除しました。",
            opened.name
        ),
    });
    for problem in remote_problems {
        prompt_say(&format!(
            "{} {problem}",
            lang.pick(
                "The server could not be told (the sign-out on this computer is done):",
                "サーバーへの通知はできませんでした（このコンピューターでのサインアウトは完了しています）:",
            )
        ));
    }
    Ok(())
}

/// Keeps the config's note of which sign-ins are in the keyring (names only) in step.
fn mark_remembered(context: &Context, profile: &str, username: &str, remembered: bool) {
    if let Err(e) = Config::mark_remembered(&context.config_path, profile, username, remembered) {
        tracing::warn!(error = %e, "could not note the remembered sign-in in the config");
    }
}

/// The sentence for a remembered sign-in the keyring would not give back.
fn keyring_problem(error: &SecretError, lang: Lang) -> String {
    match error {
        SecretError::Unavailable(detail) => {
            format!("{} ({detail})", i18n::keyring_unreachable(lang))
        }
        other => format!(
            "{} ({other})",
            lang.pick(
                "The remembered sign-in is in the system keyring, which did not give it back (locked, or access denied). Unlock the keyring, or pass --password-stdin with the password from a file only you can read (chmod 600).",
                "記憶されたサインインはシステムのキーリングにありますが、取り出せませんでした（ロック中、またはアクセス拒否）。キーリングのロックを解除するか、自分だけが読めるファイル（chmod 600）のパスワードを --password-stdin で渡してください。",
            )
        ),
    }
}

fn prompt_say(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// A profile, checked, with a client for its user pool.
struct OpenedProfile {
    config: Config,
    name: String,
    profile: Profile,
    client: CognitoClient,
}

async fn open_profile(context: &Context) -> Result<OpenedProfile, CliError> {
    let lang = context.lang;
    let config = context.load_config()?;
    let (name, profile) = config
        .profile(context.profile.as_deref())
        .map_err(|e| CliError::from_config(&e, lang))?;
    let (name, profile) = (name, profile.clone());
    profile
        .validate(&name)
        .map_err(|e| CliError::from_config(&e, lang))?;
    let endpoint = profile
        .cognito_endpoint(&name)
        .map_err(|e| CliError::from_config(&e, lang))?;
    // The client secret: the environment for scripts, else the keyring.
    let secret = match std::env::var(CLIENT_SECRET_ENV)
        .ok()
        .filter(|s| !s.is_empty())
    {
        Some(secret) => Some(ClientSecret::new(secret)),
        None => keyring_get_raw(secrets::client_secret_account(&name))
            .await
            .ok()
            .flatten()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(ClientSecret::new),
    };
    let client = CognitoClient::new(endpoint, &profile.client_id, secret, Timeouts::default())
        .map_err(|e| CliError::from_cognito(&e, lang))?;
    Ok(OpenedProfile {
        config,
        name,
        profile,
        client,
    })
}

struct SignedIn {
    profile: String,
    username: String,
    tokens: Tokens,
}

async fn sign_in(
    context: &Context,
    opened: OpenedProfile,
    args: &SignInArgs,
) -> Result<SignedIn, CliError> {
    let lang = context.lang;
    let OpenedProfile {
        mut config,
        name,
        profile,
        client,
    } = opened;
    let mut prompter = prompt::for_stdin(args.password_stdin, lang);
    let io_error = |e: std::io::Error| CliError::usage(e.to_string());
    let username = match args.username.clone().or_else(|| profile.username.clone()) {
        Some(u) if !u.trim().is_empty() => u.trim().to_owned(),
        _ => prompter
            .line(lang.pick("Username", "ユーザー名"))
            .map_err(io_error)?
            .trim()
            .to_owned(),
    };
    let password = prompter
        .secret(&match lang {
            Lang::En => format!("Password for {username}"),
            Lang::Ja => format!("{username} のパスワード"),
        })
        .map_err(io_error)?;

    tracing::info!(profile = %name, endpoint = %client.endpoint(), "signing in");
    let spinner = Spinner::start(lang.pick("Signing in…", "サインインしています…"));
    let mut step = client
        .sign_in(&username, &password)
        .await
        .map_err(|e| CliError::from_cognito(&e, lang))?;
    drop(spinner);
    drop(password);
    let tokens = loop {
        match step {
            AuthStep::SignedIn(tokens) => break tokens,
            AuthStep::Challenge(challenge) => {
                step = answer_challenge(&client, &challenge, prompter.as_mut(), lang).await?;
            }
        }
    };

    tracing::info!(profile = %name, user = %tokens.username, expires_at = %tokens.expires_at, "signed in");
    // Remember who signed in last (a convenience; not a secret).
    if profile.username.as_deref() != Some(username.as_str())
        && let Some(p) = config.profiles.get_mut(&name)
    {
        p.username = Some(username.clone());
        if let Err(e) = config.save(&context.config_path) {
            tracing::warn!(error = %e, "could not remember the username");
        }
    }
    Ok(SignedIn {
        profile: name,
        username,
        tokens,
    })
}

async fn remember(signed_in: &SignedIn) -> Result<(), SecretError> {
    let refresh = signed_in
        .tokens
        .refresh
        .clone()
        .ok_or_else(|| SecretError::Failed("Cognito returned no refresh token".to_owned()))?;
    let remembered = RememberedSignIn {
        refresh,
        username: signed_in.tokens.username.clone(),
    };
    let account = secrets::session_account(&signed_in.profile, &signed_in.username);
    let mut bytes = remembered.to_bytes();
    keyring_blocking(move |store| {
        let result = store.set(&account, &bytes);
        zeroize::Zeroize::zeroize(&mut bytes);
        result
    })
    .await
}

/// What a remembered sign-in gave.
enum Restored {
    Tokens(Tokens),
    /// Nothing remembered (or no keyring, or a password was given).
    Nothing,
    /// One was remembered and the server refused it (a refused one is deleted).
    Refused,
    /// The config notes one in the keyring, and the keyring cannot be reached.
    Unreachable(SecretError),
}

/// Fresh tokens from a remembered sign-in.
async fn restore(
    context: &Context,
    opened: &OpenedProfile,
    username: Option<&str>,
    password_given: bool,
) -> Restored {
    if password_given {
        return Restored::Nothing;
    }
    let Some(username) = username
        .map(str::to_owned)
        .or_else(|| opened.profile.username.clone())
    else {
        return Restored::Nothing;
    };
    let account = secrets::session_account(&opened.name, &username);
    let noted = opened.config.is_remembered(&opened.name, &username);
    let remembered = match keyring_get(account.clone()).await {
        Ok(Some(remembered)) => remembered,
        Ok(None) => {
            if noted {
                mark_remembered(context, &opened.name, &username, false);
            }
            return Restored::Nothing;
        }
        Err(e) if noted => return Restored::Unreachable(e),
        Err(e) => {
            tracing::info!(error = %e, "no keyring, so no remembered sign-in");
            return Restored::Nothing;
        }
    };
    let spinner = Spinner::start(context.lang.pick(
        "Restoring the remembered sign-in…",
        "記憶されたサインインを復元しています…",
    ));
    let refreshed = opened
        .client
        .refresh(&remembered.refresh, &remembered.username)
        .await;
    drop(spinner);
    match refreshed {
        Ok(tokens) => Restored::Tokens(tokens),
        Err(e) => {
            prompt_say(&format!(
                "{} {}",
                context.lang.pick(
                    "The remembered sign-in could not be used; sign in again.",
                    "記憶されたサインインは使えませんでした。もう一度サインインしてください。",
                ),
                i18n::cognito_error(&e, context.lang)
            ));
            if e.kind() == Some(ErrorKind::InvalidRefreshToken)
                && keyring_delete(account).await.is_ok()
            {
                mark_remembered(context, &opened.name, &username, false);
            }
            Restored::Refused
        }
    }
}

/// Runs a keyring call on a blocking thread (D-Bus round trips must not stall the runtime).
async fn keyring_blocking<T: Send + 'static>(
    call: impl FnOnce(&KeyringStore) -> Result<T, SecretError> + Send + 'static,
) -> Result<T, SecretError> {
    tokio::task::spawn_blocking(move || call(&KeyringStore::platform()?))
        .await
        .map_err(|e| SecretError::Failed(e.to_string()))?
}

async fn keyring_get_raw(account: String) -> Result<Option<Vec<u8>>, SecretError> {
    keyring_blocking(move |store| store.get(&account)).await
}

async fn keyring_get(account: String) -> Result<Option<RememberedSignIn>, SecretError> {
    let bytes = keyring_get_raw(account).await?;
    Ok(bytes.and_then(|mut b| {
        let parsed = RememberedSignIn::from_bytes(&b);
        zeroize::Zeroize::zeroize(&mut b);
        parsed
    }))
}

async fn keyring_delete(account: String) -> Result<(), SecretError> {
    keyring_blocking(move |store| store.delete(&account)).await
}

/// Asks for one challenge's answer and sends it; at a terminal, a wrong code or a
/// rejected new password may be tried again on the same session.
async fn answer_challenge(
    client: &CognitoClient,
    challenge: &Challenge,
    prompter: &mut dyn Prompter,
    lang: Lang,
) -> Result<AuthStep, CliError> {
    let io_error = |e: std::io::Error| CliError::usage(e.to_string());
    for attempt in 1..=TRIES {
        let answer = ask(challenge, prompter, lang).map_err(io_error)?;
        let spinner = Spinner::start(lang.pick("Signing in…", "サインインしています…"));
        let responded = client.respond(challenge, &answer).await;
        drop(spinner);
        match responded {
            Ok(step) => return Ok(step),
            Err(CognitoError::Service(e))
                if prompter.is_interactive()
                    && attempt < TRIES
                    && matches!(e.kind, ErrorKind::CodeMismatch | ErrorKind::InvalidPassword) =>
            {
                prompter.say(i18n::error_kind_sentence(e.kind, lang));
            }
            Err(e) => return Err(CliError::from_cognito(&e, lang)),
        }
    }
    unreachable!("the last attempt returns")
}

fn ask(
    challenge: &Challenge,
    prompter: &mut dyn Prompter,
    lang: Lang,
) -> std::io::Result<ChallengeAnswer> {
    match &challenge.kind {
        ChallengeKind::NewPasswordRequired {
            required_attributes,
            ..
        } => {
            prompter.say(&match lang {
                Lang::En => format!(
                    "{} must choose a new password (the one used was temporary).",
                    challenge.username
                ),
                Lang::Ja => format!(
                    "{} は新しいパスワードを設定する必要があります（使用したパスワードは一時パスワードです）。",
                    challenge.username
                ),
            });
            let mut attributes = BTreeMap::new();
            for attribute in required_attributes {
                let value = prompter.line(&match lang {
                    Lang::En => format!("Your {attribute} (required by the user pool)"),
                    Lang::Ja => format!("{attribute}（ユーザープールで必須）"),
                })?;
                attributes.insert(attribute.clone(), value.trim().to_owned());
            }
            let password = loop {
                let first = prompter.secret(lang.pick("New password", "新しいパスワード"))?;
                if !prompter.is_interactive() {
                    break first;
                }
                let again =
                    prompter.secret(lang.pick("New password again", "新しいパスワード（確認）"))?;
                if first == again {
                    break first;
                }
                prompter.say(lang.pick(
                    "The two passwords differ. Try again.",
                    "2 つのパスワードが一致しません。もう一度入力してください。",
                ));
            };
            Ok(ChallengeAnswer::NewPassword {
                password,
                attributes,
            })
        }
        ChallengeKind::SoftwareTokenMfa { device_name } => {
            let from = device_name
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let prompt = match lang {
                Lang::En => format!("6-digit code from your authenticator app{from}"),
                Lang::Ja => format!("認証アプリの 6 桁のコード{from}"),
            };
            prompter.line(&prompt).map(ChallengeAnswer::Code)
        }
        ChallengeKind::SmsMfa { destination } | ChallengeKind::EmailOtp { destination } => {
            let sms = matches!(challenge.kind, ChallengeKind::SmsMfa { .. });
            let to = destination
                .as_deref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default();
            let prompt = match (lang, sms) {
                (Lang::En, true) => format!("Code sent by SMS{to}"),
                (Lang::En, false) => format!("Code sent by e-mail{to}"),
                (Lang::Ja, true) => format!("SMS で送信されたコード{to}"),
                (Lang::Ja, false) => format!("メールで送信されたコード{to}"),
            };
            prompter.line(&prompt).map(ChallengeAnswer::Code)
        }
        ChallengeKind::SelectMfaType { options } => {
            prompter.say(lang.pick(
                "Choose how to receive your sign-in code:",
                "サインインコードの受け取り方法を選んでください:",
            ));
            for (i, option) in options.iter().enumerate() {
                prompter.say(&format!("  {}. {}", i + 1, mfa_label(option, lang)));
            }
            loop {
                let choice = prompter.line(lang.pick("Number", "番号"))?;
                let choice = choice.trim();
                let picked = choice
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| options.get(i))
                    .or_else(|| options.iter().find(|o| o.eq_ignore_ascii_case(choice)));
                match picked {
                    Some(option) => return Ok(ChallengeAnswer::MfaType(option.clone())),
                    None if prompter.is_interactive() => {}
                    None => {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidInput,
                            match lang {
                                Lang::En => {
                                    format!("\"{choice}\" is not one of the listed methods")
                                }
                                Lang::Ja => format!("「{choice}」は一覧にある方法ではありません"),
                            },
                        ));
                    }
                }
            }
        }
    }
}

fn mfa_label(option: &str, lang: Lang) -> String {
    let label = match option {
        "SOFTWARE_TOKEN_MFA" => lang.pick("Authenticator app", "認証アプリ"),
        "SMS_MFA" => lang.pick("Text message (SMS)", "SMS"),
        "EMAIL_OTP" | "EMAIL_MFA" => lang.pick("E-mail", "メール"),
        other => other,
    };
    format!("{label} [{option}]")
}

/// `2026-11-29 14:05 JST (in 59 min)` in the system's time zone.
fn describe_expiry(expires_at: Timestamp, now: Timestamp, lang: Lang) -> String {
    let zoned = expires_at.to_zoned_datetime(TimeZone::system());
    let minutes = (expires_at.as_second() - now.as_second()).max(0) / 60;
    let when = zoned.strftime("%Y-%m-%d %H:%M %Z");
    match lang {
        Lang::En => format!("{when} (in {minutes} min)"),
        Lang::Ja => format!("{when}（あと {minutes} 分）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_is_shown_with_the_minutes_left() {
        let now = Timestamp::from_second(2_000_000_000).expect("ts");
        let later = Timestamp::from_second(2_000_003_600).expect("ts");
        let text = describe_expiry(later, now, Lang::En);
        assert!(text.ends_with("(in 60 min)"), "{text}");
        assert!(text.starts_with("2033-05-18"), "{text}");
        assert!(describe_expiry(later, now, Lang::Ja).ends_with("（あと 60 分）"));
    }

    #[test]
    fn mfa_options_have_labels() {
        assert_eq!(
            mfa_label("SOFTWARE_TOKEN_MFA", Lang::En),
            "Authenticator app [SOFTWARE_TOKEN_MFA]"
        );
        assert_eq!(mfa_label("NEW_THING", Lang::Ja), "NEW_THING [NEW_THING]");
    }
}
