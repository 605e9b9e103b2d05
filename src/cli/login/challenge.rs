//! The questions after the password (new password, MFA codes, a choice of method),
//! asked at the terminal; a wrong code or rejected password may be tried again.

use std::collections::BTreeMap;

use crate::cli::CliError;
use crate::cli::prompt::{Prompter, Spinner};
use crate::cognito::{
    AuthStep, Challenge, ChallengeAnswer, ChallengeKind, CognitoClient, CognitoError, ErrorKind,
};
use crate::i18n::cli::challenge as t;
use crate::i18n::cli::login::SIGNING_IN;
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
    let mut challenge = challenge.clone();
    if matches!(challenge.kind, ChallengeKind::MfaSetup { .. }) {
        let (key, next) = client
            .associate_in_challenge(&challenge)
            .await
            .map_err(|e| CliError::from_cognito(&e, lang))?;
        let uri = crate::cognito::mfa::otpauth_uri(&key, &next.username);
        let grouped = crate::cognito::mfa::grouped(&key);
        prompter.say(&t::set_up_authenticator(&grouped, &uri, lang));
        challenge = next;
    }
    let challenge = &challenge;
    for attempt in 1..=TRIES {
        let answer = ask(challenge, prompter, lang).map_err(io_error)?;
        let spinner = Spinner::start(lang.text(SIGNING_IN));
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
            prompter.say(&t::must_choose_new_password(&challenge.username, lang));
            let mut attributes = BTreeMap::new();
            for attribute in required_attributes {
                let value = prompter.line(&t::required_attribute(attribute, lang))?;
                attributes.insert(attribute.clone(), value.trim().to_owned());
            }
            let password = loop {
                let first = prompter.secret(lang.text(t::NEW_PASSWORD))?;
                if !prompter.is_interactive() {
                    break first;
                }
                let again = prompter.secret(lang.text(t::NEW_PASSWORD_AGAIN))?;
                if first == again {
                    break first;
                }
                prompter.say(lang.text(t::PASSWORDS_DIFFER));
            };
            Ok(ChallengeAnswer::NewPassword {
                password,
                attributes,
            })
        }
        ChallengeKind::MfaSetup { .. } => prompter
            .line(&t::authenticator_code(None, lang))
            .map(ChallengeAnswer::Code),
        ChallengeKind::SoftwareTokenMfa { device_name } => {
            let prompt = t::authenticator_code(device_name.as_deref(), lang);
            prompter.line(&prompt).map(ChallengeAnswer::Code)
        }
        ChallengeKind::SmsMfa { destination } | ChallengeKind::EmailOtp { destination } => {
            let sms = matches!(challenge.kind, ChallengeKind::SmsMfa { .. });
            let prompt = t::sent_code(sms, destination.as_deref(), lang);
            prompter.line(&prompt).map(ChallengeAnswer::Code)
        }
        ChallengeKind::SelectMfaType { options } => {
            prompter.say(lang.text(t::CHOOSE_METHOD));
            for (i, option) in options.iter().enumerate() {
                prompter.say(&format!("  {}. {}", i + 1, mfa_label(option, lang)));
            }
            loop {
                let choice = prompter.line(lang.text(t::NUMBER))?;
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
                            t::not_a_listed_method(choice, lang),
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
