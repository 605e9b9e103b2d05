//! Cognito's JSON 1.1 wire types, JWT claims and `SECRET_HASH`: pure data, no I/O.
//!
//! Every response field that AWS documents as optional is optional here too
//! (`ExpiresIn`, `TokenType`, `ChallengeParameters`), and unknown fields are ignored,
//! so a new field on the server never breaks sign-in.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Base64(HMAC-SHA256(key = client secret, message = username + client id)).
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    // HMAC accepts a key of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest<'a> {
    pub auth_flow: &'a str,
    pub client_id: &'a str,
    pub auth_parameters: BTreeMap<&'static str, &'a str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallengeRequest<'a> {
    pub client_id: &'a str,
    pub challenge_name: &'a str,
    /// Left out when empty (pycognito answers `PASSWORD_VERIFIER` without one).
    #[serde(skip_serializing_if = "str::is_empty")]
    pub session: &'a str,
    pub challenge_responses: BTreeMap<String, &'a str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessTokenRequest<'a> {
    pub access_token: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeTokenRequest<'a> {
    pub token: &'a str,
    pub client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<&'a str>,
}

/// The answer to `InitiateAuth` and `RespondToAuthChallenge`: tokens or a challenge.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthResponse {
    pub authentication_result: Option<AuthenticationResult>,
    pub challenge_name: Option<String>,
    pub session: Option<String>,
    /// Values are strings on the wire; anything else is kept as its JSON text.
    pub challenge_parameters: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResult {
    pub access_token: Option<String>,
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    pub expires_in: Option<i64>,
    /// A pool that tracks devices names this one: confirm it (`ConfirmDevice`).
    #[serde(default)]
    pub new_device_metadata: Option<NewDeviceMetadata>,
}

/// `NewDeviceMetadata`: the key Cognito gave this device and its group's key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NewDeviceMetadata {
    pub device_key: String,
    pub device_group_key: String,
}

impl std::fmt::Debug for AuthenticationResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthenticationResult")
            .field("access_token", &self.access_token.as_ref().map(|_| "***"))
            .field("id_token", &self.id_token.as_ref().map(|_| "***"))
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "***"))
            .field("expires_in", &self.expires_in)
            .field("new_device_metadata", &self.new_device_metadata.is_some())
            .finish()
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserResponse {
    pub username: String,
    #[serde(default)]
    pub user_attributes: Vec<AttributeType>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeType {
    pub name: String,
    #[serde(default)]
    pub value: Option<String>,
}

/// The body of a refused call: `{"__type": "...", "message": "..."}` (some services
/// spell it `Message`).
#[derive(Debug, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "__type", alias = "code")]
    pub error_type: Option<String>,
    #[serde(alias = "Message")]
    pub message: Option<String>,
}

/// The claims of a Cognito access or ID token that the client needs. Read without
/// verifying the signature: the client only schedules refreshes with them; servers verify.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// `https://cognito-idp.REGION.amazonaws.com/POOL_ID`: the user pool that issued it.
    pub iss: Option<String>,
    pub exp: Option<i64>,
    pub iat: Option<i64>,
    pub sub: Option<String>,
    pub token_use: Option<String>,
    /// Access tokens: the internal username.
    pub username: Option<String>,
    /// ID tokens: the internal username.
    #[serde(rename = "cognito:username")]
    pub cognito_username: Option<String>,
    pub email: Option<String>,
    pub client_id: Option<String>,
    /// ID tokens from a browser sign-in: the `nonce` the authorize request sent.
    pub nonce: Option<String>,
}

impl Claims {
    /// The user's internal Cognito username (a UUID when e-mail is the username).
    pub fn internal_username(&self) -> Option<&str> {
        self.username
            .as_deref()
            .or(self.cognito_username.as_deref())
    }
}

/// Decodes a JWT's payload; `None` when it is not a JWT with a JSON payload.
pub fn decode_claims(jwt: &str) -> Option<Claims> {
    let mut parts = jwt.split('.');
    let (_header, payload, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A `ChallengeParameters` value as a string (some arrive as JSON inside a string).
pub fn parameter_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Reads a parameter that holds a JSON array of strings encoded as a string, such as
/// `requiredAttributes` = `"[\"email\"]"` or `MFAS_CAN_CHOOSE`. Lenient: a real array
/// works too, and a malformed one gives an empty list.
pub fn string_list(value: Option<&serde_json::Value>) -> Vec<String> {
    let parsed = match value {
        Some(serde_json::Value::String(s)) => serde_json::from_str(s).ok(),
        Some(v @ serde_json::Value::Array(_)) => Some(v.clone()),
        _ => None,
    };
    match parsed {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// Reads a parameter that holds a JSON object encoded as a string (`userAttributes`).
pub fn string_map(value: Option<&serde_json::Value>) -> BTreeMap<String, String> {
    let parsed = match value {
        Some(serde_json::Value::String(s)) => serde_json::from_str(s).ok(),
        Some(v @ serde_json::Value::Object(_)) => Some(v.clone()),
        _ => None,
    };
    match parsed {
        Some(serde_json::Value::Object(map)) => map
            .into_iter()
            .map(|(k, v)| (k, parameter_text(&v)))
            .collect(),
        _ => BTreeMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2 (key "Jefe"), split so that username + client id is its
    /// message: HMAC-SHA256 = 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843.
    #[test]
    fn secret_hash_matches_the_rfc_4231_vector() {
        assert_eq!(
            secret_hash("Jefe", "what do ya want ", "for nothing?"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
        );
    }

    /// Computed with Python's `hmac` and `hashlib`, the way boto3 users compute it.
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
    fn claims_come_from_the_payload() {
        // A token as moto issues it (payload only matters).
        let payload = URL_SAFE_NO_PAD.encode(
            r#"{"sub":"641c","token_use":"access","exp":1795919810,"iat":1795916210,"username":"alice","client_id":"ea40"}"#,
        );
        let jwt = format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2ln");
        let claims = decode_claims(&jwt).expect("claims");
        assert_eq!(claims.exp, Some(1_795_919_810));
        assert_eq!(claims.internal_username(), Some("alice"));
        assert_eq!(claims.token_use.as_deref(), Some("access"));
    }

    #[test]
    fn id_token_username_claim_is_read() {
        let payload = URL_SAFE_NO_PAD
            .encode(r#"{"cognito:username":"837346b1","email":"frank@example.com","exp":5}"#);
        let claims = decode_claims(&format!("a.{payload}.b")).expect("claims");
        assert_eq!(claims.internal_username(), Some("837346b1"));
    }

    #[test]
    fn non_jwts_have_no_claims() {
        for text in ["", "opaque", "a.b", "a.b.c.d", "a.!!!.c", "a.bm90IGpzb24.c"] {
            assert_eq!(decode_claims(text), None, "{text}");
        }
    }

    #[test]
    fn json_in_string_parameters_is_read_leniently() {
        let required = serde_json::json!("[\"userAttributes.email\",\"name\"]");
        assert_eq!(
            string_list(Some(&required)),
            vec!["userAttributes.email", "name"]
        );
        assert!(string_list(Some(&serde_json::json!("not json"))).is_empty());
        assert!(string_list(None).is_empty());
        let attributes = serde_json::json!("{\"email\":\"a@example.com\",\"email_verified\":true}");
        let map = string_map(Some(&attributes));
        assert_eq!(map["email"], "a@example.com");
        assert_eq!(map["email_verified"], "true");
    }

    #[test]
    fn responses_without_optional_fields_parse() {
        let body = r#"{"AuthenticationResult":{"AccessToken":"a","IdToken":"i"}}"#;
        let parsed: AuthResponse = serde_json::from_str(body).expect("parse");
        let result = parsed.authentication_result.expect("result");
        assert_eq!(result.expires_in, None);
        assert_eq!(result.refresh_token, None);
        assert!(parsed.challenge_parameters.is_none());
        assert!(!format!("{result:?}").contains("\"a\""));
    }

    #[test]
    fn error_bodies_parse_in_both_spellings() {
        let body: ErrorBody =
            serde_json::from_str(r#"{"__type":"X#NotAuthorizedException","message":"m"}"#)
                .expect("parse");
        assert_eq!(body.error_type.as_deref(), Some("X#NotAuthorizedException"));
        assert_eq!(body.message.as_deref(), Some("m"));
        let body: ErrorBody =
            serde_json::from_str(r#"{"__type":"T","Message":"M"}"#).expect("parse");
        assert_eq!(body.message.as_deref(), Some("M"));
    }
}
