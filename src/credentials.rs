//! Secret values (passwords, tokens, client secrets) as newtypes that never print.
//!
//! `Debug` and `Display` show `***`, the memory is zeroed on drop, and the only way to
//! read the value is the explicit `expose()`. [`scrub`] removes secrets from text that
//! came back from a server, because emulators (and some real services) echo what they
//! were sent inside error messages.

use std::fmt;

use zeroize::Zeroize;

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself: call only where it goes on the wire or into a keyring.
            pub fn expose(&self) -> &str {
                &self.0
            }

            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}(***)", stringify!($name))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("***")
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.0.zeroize();
            }
        }
    };
}

secret_string!(
    /// A user's password, as typed.
    Password
);
secret_string!(
    /// An app client secret; only confidential app clients have one.
    ClientSecret
);
secret_string!(
    /// A Cognito access token (a JWT).
    AccessToken
);
secret_string!(
    /// A Cognito ID token (a JWT).
    IdToken
);
secret_string!(
    /// A Cognito refresh token: an opaque string, never parsed.
    RefreshToken
);
secret_string!(
    /// The `Session` string that ties a challenge answer to its sign-in.
    ChallengeSession
);
secret_string!(
    /// An authenticator app's shared secret (base32), from `AssociateSoftwareToken`.
    TotpSecret
);

/// Replaces every occurrence of `secrets` in `text`, and anything shaped like a JWT,
/// with `***`.
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        // Short values (an empty string, a 6-digit code) would mangle ordinary words.
        if secret.len() >= 8 && out.contains(secret) {
            out = out.replace(secret, "***");
        }
    }
    scrub_jwts(&out)
}

/// JWTs start with a base64url-encoded `{"` (`eyJ`) and run on in base64url and dots.
fn scrub_jwts(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("eyJ") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .unwrap_or(tail.len());
        if tail[..len].contains('.') && len >= 20 {
            out.push_str("***");
        } else {
            out.push_str(&tail[..len]);
        }
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let password = Password::new("hunter2-is-my-password");
        let token = RefreshToken::new("opaque-refresh-token-value");
        for shown in [
            format!("{password:?}"),
            format!("{password}"),
            format!("{token:?}"),
            format!("{token}"),
            format!("{:?}", Some(&password)),
        ] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(!shown.contains("opaque"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
        assert_eq!(password.expose(), "hunter2-is-my-password");
    }

    #[test]
    fn scrub_removes_known_secrets_and_jwts() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        let text = format!("token {jwt} and session 0fefa528-ff6e-413b-bb2a; ok");
        let cleaned = scrub(&text, &["0fefa528-ff6e-413b-bb2a"]);
        assert_eq!(cleaned, "token *** and session ***; ok");
    }

    #[test]
    fn scrub_leaves_ordinary_text_alone() {
        let text = "Incorrect username or password. eyJ alone is fine.";
        assert_eq!(scrub(text, &["", "123456"]), text);
    }
}
