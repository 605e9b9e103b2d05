//! The questions Cognito asks before it hands out tokens (new password, MFA codes, a
//! choice of MFA method), read from its challenge parameters, and their answers.

use std::collections::BTreeMap;

use super::CognitoError;
use super::wire;
use crate::credentials::{ChallengeSession, Password};

/// A question Cognito asks before it hands out tokens.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub kind: ChallengeKind,
    /// The username to answer with: Cognito's own (`USERNAME` / `USER_ID_FOR_SRP`
    /// parameter), which may differ from the alias that was typed.
    pub username: String,
    /// The challenge name exactly as Cognito sent it.
    pub name: String,
    pub(super) session: ChallengeSession,
    /// The device the sign-in came from: the tokens at the end refresh with it.
    pub(super) device_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeKind {
    /// A first sign-in with a temporary password: choose a new one.
    NewPasswordRequired {
        /// Attribute names (without `userAttributes.`) the pool needs a value for.
        required_attributes: Vec<String>,
        /// What the user already has, for showing.
        user_attributes: BTreeMap<String, String>,
    },
    /// A code from an authenticator app.
    SoftwareTokenMfa { device_name: Option<String> },
    /// A code sent by SMS.
    SmsMfa { destination: Option<String> },
    /// A code sent by e-mail (`EMAIL_OTP`, also spelt `EMAIL_MFA`).
    EmailOtp { destination: Option<String> },
    /// Pick one of several MFA methods; the answer is one of `options`.
    SelectMfaType { options: Vec<String> },
    /// The pool requires MFA and the user has none: set up an authenticator app
    /// (`AssociateSoftwareToken`, then a code from the app).
    MfaSetup { options: Vec<String> },
}

impl ChallengeKind {
    /// Whether the answer is a one-time code.
    pub fn wants_code(&self) -> bool {
        matches!(
            self,
            Self::SoftwareTokenMfa { .. }
                | Self::SmsMfa { .. }
                | Self::EmailOtp { .. }
                | Self::MfaSetup { .. }
        )
    }
}

/// An answer to a [`Challenge`].
#[derive(Debug)]
pub enum ChallengeAnswer {
    NewPassword {
        password: Password,
        /// Values for required attributes, by name without `userAttributes.`.
        attributes: BTreeMap<String, String>,
    },
    /// A one-time code; spaces and dashes (as pasted from an app) are removed.
    Code(String),
    /// One of `SelectMfaType`'s options.
    MfaType(String),
}

impl Challenge {
    pub(super) fn parse(
        name: String,
        session: String,
        parameters: &BTreeMap<String, serde_json::Value>,
        typed_username: &str,
    ) -> Result<Self, CognitoError> {
        let text = |key: &str| parameters.get(key).map(wire::parameter_text);
        let destination = text("CODE_DELIVERY_DESTINATION");
        let kind = match name.as_str() {
            "NEW_PASSWORD_REQUIRED" => ChallengeKind::NewPasswordRequired {
                required_attributes: wire::string_list(parameters.get("requiredAttributes"))
                    .into_iter()
                    .map(|a| {
                        a.strip_prefix("userAttributes.")
                            .map_or_else(|| a.clone(), str::to_owned)
                    })
                    .collect(),
                user_attributes: wire::string_map(parameters.get("userAttributes")),
            },
            "SOFTWARE_TOKEN_MFA" => ChallengeKind::SoftwareTokenMfa {
                device_name: text("FRIENDLY_DEVICE_NAME"),
            },
            "SMS_MFA" => ChallengeKind::SmsMfa { destination },
            "EMAIL_OTP" | "EMAIL_MFA" => ChallengeKind::EmailOtp { destination },
            "SELECT_MFA_TYPE" => ChallengeKind::SelectMfaType {
                options: wire::string_list(parameters.get("MFAS_CAN_CHOOSE")),
            },
            "MFA_SETUP" => ChallengeKind::MfaSetup {
                options: wire::string_list(parameters.get("MFAS_CAN_SETUP")),
            },
            _ => return Err(CognitoError::UnsupportedChallenge { name }),
        };
        let username = text("USERNAME")
            .or_else(|| text("USER_ID_FOR_SRP"))
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| typed_username.to_owned());
        Ok(Self {
            kind,
            username,
            name,
            session: ChallengeSession::new(session),
            device_key: None,
        })
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, serde_json::Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String((*v).to_owned())))
            .collect()
    }

    #[test]
    fn new_password_challenge_reads_its_json_strings() {
        let p = params(&[
            ("USER_ID_FOR_SRP", "alice-internal"),
            ("requiredAttributes", "[\"userAttributes.name\"]"),
            ("userAttributes", "{\"email\":\"alice@example.com\"}"),
        ]);
        let c = Challenge::parse(
            "NEW_PASSWORD_REQUIRED".to_owned(),
            "s".repeat(20),
            &p,
            "alice@example.com",
        )
        .expect("parse");
        assert_eq!(c.username, "alice-internal");
        assert_eq!(
            c.kind,
            ChallengeKind::NewPasswordRequired {
                required_attributes: vec!["name".to_owned()],
                user_attributes: BTreeMap::from([(
                    "email".to_owned(),
                    "alice@example.com".to_owned()
                )]),
            }
        );
    }

    #[test]
    fn mfa_challenges_are_recognised() {
        let sms = Challenge::parse(
            "SMS_MFA".to_owned(),
            "s".to_owned(),
            &params(&[("CODE_DELIVERY_DESTINATION", "+*******0100")]),
            "bob",
        )
        .expect("parse");
        assert_eq!(
            sms.kind,
            ChallengeKind::SmsMfa {
                destination: Some("+*******0100".to_owned())
            }
        );
        assert_eq!(sms.username, "bob");
        let select = Challenge::parse(
            "SELECT_MFA_TYPE".to_owned(),
            "s".to_owned(),
            &params(&[("MFAS_CAN_CHOOSE", "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]")]),
            "bob",
        )
        .expect("parse");
        assert_eq!(
            select.kind,
            ChallengeKind::SelectMfaType {
                options: vec!["SMS_MFA".to_owned(), "SOFTWARE_TOKEN_MFA".to_owned()]
            }
        );
        for name in ["EMAIL_OTP", "EMAIL_MFA"] {
            let c = Challenge::parse(name.to_owned(), "s".to_owned(), &BTreeMap::new(), "b")
                .expect("parse");
            assert!(matches!(c.kind, ChallengeKind::EmailOtp { .. }));
        }
    }

    #[test]
    fn an_unknown_challenge_is_an_error_that_names_it() {
        let err = Challenge::parse(
            "CUSTOM_CHALLENGE".to_owned(),
            "s".to_owned(),
            &BTreeMap::new(),
            "bob",
        )
        .expect_err("unknown");
        assert!(err.to_string().contains("CUSTOM_CHALLENGE"), "{err}");
    }
}
