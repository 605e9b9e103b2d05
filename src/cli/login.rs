//! `receipt-desk login` and `receipt-desk token`: sign in, walking through challenges.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::prompt::{self, Prompter};
use super::{CliError, Context, SignInArgs, TokenArgs, print_line};
use crate::cognito::{
    AuthStep, Challenge, ChallengeAnswer, ChallengeKind, CognitoClient, CognitoError, ErrorKind,
    Timeouts, Tokens,
};
use crate::config::TokenKind;
use crate::credentials::ClientSecret;
use crate::i18n::{self, Lang};

/// The environment variable that holds an app client secret, for clients that have one.
pub const CLIENT_SECRET_ENV: &str = "RECEIPT_DESK_CLIENT_SECRET";

/// How many times a person at a terminal may retry a wrong code or a rejected password.
const TRIES: usize = 3;

pub(super) async fn login(context: &Context, args: &SignInArgs) -> Result<(), CliError> {
    let signed_in = sign_in(context, args).await?;
    let lang = context.lang;
    let who = match &signed_in.tokens.email {
        Some(email) if *email != signed_in.username => format!("{} <{email}>", signed_in.username),
        _ => signed_in.username.clone(),
    };
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

pub(super) async fn token(context: &Context, args: &TokenArgs) -> Result<(), CliError> {
    let signed_in = sign_in(context, &args.sign_in).await?;
    let token = match args.kind(signed_in.token_kind) {
        TokenKind::Id => signed_in.tokens.id.expose().to_owned(),
        TokenKind::Access => signed_in.tokens.access.expose().to_owned(),
    };
    print_line(&token);
    Ok(())
}

struct SignedIn {
    profile: String,
    username: String,
    token_kind: TokenKind,
    tokens: Tokens,
}

async fn sign_in(context: &Context, args: &SignInArgs) -> Result<SignedIn, CliError> {
    let lang = context.lang;
    let mut config = context.load_config()?;
    let (name, profile) = config
        .profile(context.profile.as_deref())
        .map_err(|e| CliError::from_config(&e))?;
    let profile = profile.clone();
    profile
        .validate(&name)
        .map_err(|e| CliError::from_config(&e))?;
    let endpoint = profile
        .cognito_endpoint(&name)
        .map_err(|e| CliError::from_config(&e))?;
    let secret = std::env::var(CLIENT_SECRET_ENV)
        .ok()
        .filter(|s| !s.is_empty())
        .map(ClientSecret::new);
    let client = CognitoClient::new(endpoint, &profile.client_id, secret, Timeouts::default())
        .map_err(|e| CliError::from_cognito(&e, lang))?;

    let mut prompter = prompt::for_stdin(args.password_stdin);
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
    let mut step = client
        .sign_in(&username, &password)
        .await
        .map_err(|e| CliError::from_cognito(&e, lang))?;
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
        token_kind: profile.token_kind,
        tokens,
    })
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
        match client.respond(challenge, &answer).await {
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
                            format!("\"{choice}\" is not one of the listed methods"),
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
