//! `SECRET_HASH` for app clients with a secret: Base64(HMAC-SHA256(secret, username +
//! client id)), checked on sign-in, challenge answers and refresh.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;

use super::config::ClientConfig;
use super::error::{IdpError, not_authorized};

/// Cognito's formula, computed here rather than borrowed from the client
/// (`cognito::wire::secret_hash`): the stack shares no client code, and a peer that
/// computed it with the client's own function could not catch a mistake in it.
fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Nothing to check for a client without a secret; else the hash must be sent and match.
pub(super) fn check_secret_hash(
    client: &ClientConfig,
    hashed_username: &str,
    sent: Option<&str>,
    mismatch: &str,
) -> Result<(), IdpError> {
    let Some(secret) = &client.secret else {
        return Ok(());
    };
    let Some(sent) = sent else {
        return Err(not_authorized(format!(
            "Client {} is configured for secret but secret was not received",
            client.id
        )));
    };
    if secret_hash(secret, hashed_username, &client.id) == sent {
        Ok(())
    } else {
        Err(not_authorized(mismatch.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same vector as the client's test: computed with Python's `hmac` and `hashlib`.
    #[test]
    fn secret_hash_is_username_then_client_id() {
        assert_eq!(
            secret_hash(
                "1a911ac3-de6e-4ada-9253-ef8e78bf03b1",
                "alice",
                "ed6b16b2242e4165a81884819d"
            ),
            "doW9llcOhfCokz1oYX3SAogbgQjoW2/3WsCfH+VPSP0="
        );
    }

    #[test]
    fn a_client_with_a_secret_needs_the_hash() {
        let client = ClientConfig {
            secret: Some("s3cret".to_owned()),
            ..ClientConfig::default()
        };
        let right = secret_hash("s3cret", "alice", &client.id);
        assert!(check_secret_hash(&client, "alice", Some(&right), "no").is_ok());
        assert!(check_secret_hash(&client, "bob", Some(&right), "no").is_err());
        let missing = check_secret_hash(&client, "alice", None, "no").expect_err("missing");
        assert!(missing.message.contains("secret was not received"));
        assert!(check_secret_hash(&ClientConfig::default(), "alice", None, "no").is_ok());
    }
}
