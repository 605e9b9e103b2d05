//! The questions after the password (new password, MFA codes, a choice of method),
//! asked at the terminal; a wrong code or rejected password may be tried again.

use std::collections::BTreeMap;

use crate::cli::CliError;
use crate::cli::prompt::{Prompter, Spinner};
use crate::cognito::{
    AuthStep, Challenge, ChallengeAnswer, ChallengeKind, CognitoClient, CognitoError, ErrorKind,
};
use crate::i18n::{self, Lang};

/// How many times a person at a terminal may retry a wrong code or a rejected password.
const TRIES: usize = 3;

/// Asks for one challenge's answer and sends it; at a terminal, a wrong code or a
/// rejected new password may be tried again on the same session.
pub(super) async fn answer_challenge(
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

/// A method in the numbered list: the name a person reads, and Cognito's.
fn mfa_label(option: &str, lang: Lang) -> String {
    format!("{} [{option}]", crate::i18n::mfa_label(option, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mfa_options_have_labels() {
        assert_eq!(
            mfa_label("SOFTWARE_TOKEN_MFA", Lang::En),
            "Authenticator app [SOFTWARE_TOKEN_MFA]"
        );
        assert_eq!(mfa_label("NEW_THING", Lang::Ja), "NEW_THING [NEW_THING]");
    }
}
