//! Passwords forgotten and changed: `ForgotPassword` "mails" a six-digit code (the
//! stack's [`Mailbox`]: `serve` prints it, the demo window shows it, and it is kept under
//! the data folder's `mail/`), `ConfirmForgotPassword` takes it once within the hour,
//! `ChangePassword` needs the current password.

use std::path::PathBuf;
use std::sync::Mutex;

use serde_json::{Value, json};

use super::config::UserStatus;
use super::error::{IdpError, not_authorized, refuse, text};
use super::secret_hash::check_secret_hash;
use super::{Idp, constant_time_eq};
use crate::local::ids::random_bytes;

/// How long a reset code is good for, as Cognito's (one hour).
const CODE_SECONDS: i64 = 3600;
/// Wrong codes before a code is spent.
const CODE_TRIES: u32 = 5;

/// A reset code waiting to be used.
pub(super) struct PendingReset {
    code: String,
    expires_at: i64,
    tries: u32,
}

/// A message the pool would have sent (a reset code), for whoever runs the stack.
#[derive(Clone, PartialEq, Eq)]
pub struct Mail {
    pub username: String,
    /// The masked address it "went" to.
    pub destination: String,
    pub code: String,
}

impl std::fmt::Debug for Mail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mail")
            .field("username", &self.username)
            .field("destination", &self.destination)
            .finish_non_exhaustive()
    }
}

/// Every code the stack "sent", newest last; `serve` waits on it to print them.
#[derive(Default)]
pub struct Mailbox {
    sent: Mutex<Vec<Mail>>,
    pub arrived: tokio::sync::Notify,
    dir: Option<PathBuf>,
}

impl Mailbox {
    pub(super) fn new(dir: PathBuf) -> Self {
        Self {
            dir: Some(dir),
            ..Self::default()
        }
    }

    fn post(&self, mail: Mail) {
        if let Some(dir) = &self.dir {
            // A code is a credential: owner-only, as the stack's keys are.
            let file = dir.join(format!("{}.txt", sanitize(&mail.username)));
            let _ = crate::fsutil::write_private_atomic(
                &file,
                format!(
                    "To: {}\nYour Receipt Desk (local stack) password reset code is {}\n",
                    mail.destination, mail.code
                )
                .as_bytes(),
            );
        }
        self.sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(mail);
        self.arrived.notify_waiters();
    }

    /// Every mail sent so far.
    pub fn all(&self) -> Vec<Mail> {
        self.sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The newest code sent for `username`.
    pub fn last_code(&self, username: &str) -> Option<String> {
        self.all()
            .into_iter()
            .rev()
            .find(|m| m.username == username)
            .map(|m| m.code)
    }
}

/// A username as a file name: letters, digits, `-`, `_`, `.` and `@` kept.
fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `alice@example.com` → `a***@e***`, as Cognito masks it.
fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!(
            "{}***@{}***",
            local.chars().next().unwrap_or('*'),
            domain.chars().next().unwrap_or('*')
        ),
        None => "***".to_owned(),
    }
}

fn six_digits() -> String {
    let bytes = random_bytes(4);
    let n = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) % 1_000_000;
    format!("{n:06}")
}

impl Idp {
    /// The app client and the username a reset call names, its `SecretHash` checked
    /// over the name as typed.
    fn reset_caller<'b>(
        &self,
        body: &'b Value,
    ) -> Result<(&super::config::ClientConfig, &'b str), IdpError> {
        let client = self.client(body)?;
        let typed = text(body, "Username")?;
        check_secret_hash(
            client,
            typed,
            body["SecretHash"].as_str(),
            &format!("Unable to verify secret hash for client {}", client.id),
        )?;
        Ok((client, typed))
    }

    pub(super) fn forgot_password(&self, body: &Value) -> Result<Value, IdpError> {
        let (client, typed) = self.reset_caller(body)?;
        let now = self.clock.now();
        let mut state = self.lock();
        let Some(username) = self.resolve(&state, typed) else {
            if client.prevent_user_existence_errors {
                // The same answer as for a real user, so nobody learns who exists.
                return Ok(json!({"CodeDeliveryDetails": {
                    "Destination": mask_email(&format!("{typed}@example.com")),
                    "DeliveryMedium": "EMAIL", "AttributeName": "email"}}));
            }
            return Err(refuse(
                "UserNotFoundException",
                "Username/client id combination not found.",
            ));
        };
        let user = state
            .users
            .get(&username)
            .unwrap_or_else(|| unreachable!("resolved above"));
        let Some(email) = user.config.email.clone() else {
            return Err(refuse(
                "InvalidParameterException",
                "Cannot reset password for the user as there is no registered/verified email or phone_number",
            ));
        };
        if user.config.status == UserStatus::Disabled {
            return Err(not_authorized("User is disabled."));
        }
        let code = six_digits();
        let destination = mask_email(&email);
        state.resets.insert(
            username.clone(),
            PendingReset {
                code: code.clone(),
                expires_at: now + CODE_SECONDS,
                tries: 0,
            },
        );
        drop(state);
        self.mailbox.post(Mail {
            username,
            destination: destination.clone(),
            code,
        });
        Ok(json!({"CodeDeliveryDetails": {
            "Destination": destination, "DeliveryMedium": "EMAIL", "AttributeName": "email"}}))
    }

    pub(super) fn confirm_forgot_password(&self, body: &Value) -> Result<Value, IdpError> {
        let (client, typed) = self.reset_caller(body)?;
        let code = text(body, "ConfirmationCode")?;
        let password = text(body, "Password")?;
        let now = self.clock.now();
        let mut state = self.lock();
        let mismatch = || {
            refuse(
                "CodeMismatchException",
                "Invalid verification code provided, please try again.",
            )
        };
        let Some(username) = self.resolve(&state, typed) else {
            return Err(if client.prevent_user_existence_errors {
                mismatch()
            } else {
                refuse(
                    "UserNotFoundException",
                    "Username/client id combination not found.",
                )
            });
        };
        let expired = || {
            refuse(
                "ExpiredCodeException",
                "Invalid code provided, please request a code again.",
            )
        };
        let pending = state.resets.get_mut(&username).ok_or_else(expired)?;
        if pending.expires_at <= now || pending.tries >= CODE_TRIES {
            state.resets.remove(&username);
            return Err(expired());
        }
        if !constant_time_eq(pending.code.as_bytes(), code.as_bytes()) {
            pending.tries += 1;
            return Err(mismatch());
        }
        self.policy
            .check(password)
            .map_err(|m| refuse("InvalidPasswordException", m))?;
        state.resets.remove(&username);
        let user = state
            .users
            .get_mut(&username)
            .unwrap_or_else(|| unreachable!("resolved above"));
        password.clone_into(&mut user.config.password);
        if matches!(
            user.config.status,
            UserStatus::ResetRequired | UserStatus::ForceChangePassword
        ) {
            user.config.status = UserStatus::Confirmed;
        }
        user.lockout.right_password();
        Ok(json!({}))
    }

    pub(super) fn change_password(&self, body: &Value) -> Result<Value, IdpError> {
        let previous = text(body, "PreviousPassword")?;
        let proposed = text(body, "ProposedPassword")?;
        let now = self.clock.now();
        let mut state = self.lock();
        let username = self.access_user(&state, body)?;
        let user = state
            .users
            .get_mut(&username)
            .ok_or_else(|| refuse("UserNotFoundException", "User does not exist."))?;
        if user.lockout.is_locked(now) {
            return Err(not_authorized("Password attempts exceeded"));
        }
        if !constant_time_eq(user.config.password.as_bytes(), previous.as_bytes()) {
            return Err(Self::wrong_password(user, now));
        }
        self.policy
            .check(proposed)
            .map_err(|m| refuse("InvalidPasswordException", m))?;
        proposed.clone_into(&mut user.config.password);
        user.lockout.right_password();
        Ok(json!({}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_masked_and_codes_are_six_digits() {
        assert_eq!(mask_email("alice@example.com"), "a***@e***");
        let code = six_digits();
        assert_eq!(code.len(), 6);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(sanitize("../x y"), ".._x_y");
    }

    #[test]
    fn a_mail_does_not_print_its_code() {
        let mail = Mail {
            username: "alice".to_owned(),
            destination: "a***@e***".to_owned(),
            code: "123456".to_owned(),
        };
        assert!(!format!("{mail:?}").contains("123456"));
    }
}
