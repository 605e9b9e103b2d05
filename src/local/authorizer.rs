//! Token checks as API Gateway's Cognito authorizer makes them.
//!
//! A token passes when its header names `RS256` and a `kid` in the trusted JWKS, the
//! signature verifies, `iss` is the trusted issuer, `exp` is in the future (with a small
//! leeway), `token_use` is one the mode accepts, and its client (`aud` on ID tokens,
//! `client_id` on access tokens) is one of the pool's app clients. Any failure is
//! `401 {"message":"Unauthorized"}`; an expired token is `401 {"message":"The incoming
//! token has expired"}`. Like API Gateway, revocation is not checked here.

use std::collections::HashMap;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

/// Seconds of clock skew tolerated on `exp`, `nbf` and `iat` by default.
pub const LEEWAY_SECONDS: i64 = 5;

/// Which tokens the authorizer takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Accept {
    /// The access token, as the seed's curl sends it (the local demo's default).
    #[default]
    Access,
    /// The ID token only: API Gateway's rule for a method without OAuth scopes.
    Id,
    Any,
}

/// Whether `Authorization: Bearer <token>` is taken, or only the bare token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BearerPrefix {
    #[default]
    Optional,
    Required,
    Refused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AuthorizerMode {
    pub accept: Accept,
    pub bearer: BearerPrefix,
}

impl AuthorizerMode {
    /// What API Gateway documents for the seed's SAM template: ID tokens only.
    pub const STRICT: Self = Self {
        accept: Accept::Id,
        bearer: BearerPrefix::Optional,
    };
}

/// Why a token was refused; only `Expired` changes what the client is told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("no Authorization header")]
    Missing,
    #[error("the Authorization header is not in the accepted form")]
    BadHeader,
    #[error("not a verifiable RS256 JWT: {0}")]
    Malformed(String),
    #[error("no trusted key has the kid {0:?}")]
    UnknownKey(Option<String>),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("issued by {0:?}, not the trusted issuer")]
    WrongIssuer(Option<String>),
    #[error("token_use {0:?} is not accepted here")]
    WrongUse(Option<String>),
    #[error("issued to another app client")]
    WrongClient,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
    /// No `sub` claim: nothing can belong to the caller.
    #[error("the token names no subject (sub)")]
    NoSubject,
}

impl Rejection {
    /// API Gateway's answer body.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Expired => "The incoming token has expired",
            _ => "Unauthorized",
        }
    }
}

/// Trusted keys by `kid`.
#[derive(Clone, Default)]
pub struct Jwks {
    keys: HashMap<String, DecodingKey>,
}

impl Jwks {
    /// Reads a JWKS document; keys other than RSA signing keys are skipped.
    pub fn from_json(document: &Value) -> Result<Self, String> {
        let list = document["keys"]
            .as_array()
            .ok_or_else(|| "a JWKS needs a \"keys\" array".to_owned())?;
        let mut keys = HashMap::new();
        for key in list {
            if key["kty"] != "RSA" {
                continue;
            }
            let (Some(kid), Some(n), Some(e)) =
                (key["kid"].as_str(), key["n"].as_str(), key["e"].as_str())
            else {
                continue;
            };
            let decoding = DecodingKey::from_rsa_components(n, e)
                .map_err(|err| format!("key {kid}: {err}"))?;
            keys.insert(kid.to_owned(), decoding);
        }
        if keys.is_empty() {
            return Err("the JWKS has no RSA keys".to_owned());
        }
        Ok(Self { keys })
    }
}

/// Who may present tokens: one issuer, its keys, and the pool's app clients.
#[derive(Clone)]
pub struct TokenRules {
    pub issuer: String,
    pub jwks: Jwks,
    /// Accepted app client ids; empty accepts any client of the issuer.
    pub client_ids: Vec<String>,
}

/// A token that passed.
#[derive(Debug, Clone)]
pub struct Verified {
    pub claims: Value,
}

impl Verified {
    pub fn token_use(&self) -> &str {
        self.claims["token_use"].as_str().unwrap_or_default()
    }

    /// The internal username (`username` or `cognito:username`).
    pub fn username(&self) -> &str {
        self.claims["username"]
            .as_str()
            .or_else(|| self.claims["cognito:username"].as_str())
            .unwrap_or_default()
    }

    pub fn int(&self, claim: &str) -> i64 {
        self.claims[claim].as_i64().unwrap_or_default()
    }

    pub fn text(&self, claim: &str) -> &str {
        self.claims[claim].as_str().unwrap_or_default()
    }
}

/// The token from an `Authorization` header value, following the mode's prefix rule.
pub fn token_from_header(value: Option<&str>, bearer: BearerPrefix) -> Result<&str, Rejection> {
    let value = value
        .map(str::trim)
        .filter(|v| !v.is_empty() && !v.eq_ignore_ascii_case("bearer"))
        .ok_or(Rejection::Missing)?;
    let (prefixed, token) = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => (true, rest.trim()),
        Some(_) => return Err(Rejection::BadHeader),
        None => (false, value),
    };
    match (bearer, prefixed) {
        (BearerPrefix::Required, false) | (BearerPrefix::Refused, true) => {
            Err(Rejection::BadHeader)
        }
        _ if token.is_empty() => Err(Rejection::Missing),
        _ => Ok(token),
    }
}

/// Checks one token at time `now` (Unix seconds), tolerating `leeway` seconds of skew.
pub fn verify(
    token: &str,
    rules: &TokenRules,
    accept: Accept,
    now: i64,
    leeway: i64,
) -> Result<Verified, Rejection> {
    let header =
        jsonwebtoken::decode_header(token).map_err(|e| Rejection::Malformed(e.to_string()))?;
    if header.alg != Algorithm::RS256 {
        return Err(Rejection::Malformed(format!("alg {:?}", header.alg)));
    }
    let key = header
        .kid
        .as_ref()
        .and_then(|kid| rules.jwks.keys.get(kid))
        .ok_or_else(|| Rejection::UnknownKey(header.kid.clone()))?;
    // Time claims are checked below against the stack's own clock, which tests can move.
    let mut validation = Validation::new(Algorithm::RS256);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    let data =
        jsonwebtoken::decode::<Value>(token, key, &validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidSignature => Rejection::BadSignature,
            _ => Rejection::Malformed(e.to_string()),
        })?;
    let verified = Verified {
        claims: data.claims,
    };

    let issuer = verified.claims["iss"].as_str();
    if issuer != Some(rules.issuer.as_str()) {
        return Err(Rejection::WrongIssuer(issuer.map(str::to_owned)));
    }
    let exp = verified.claims["exp"].as_i64().ok_or(Rejection::Expired)?;
    if now > exp + leeway {
        return Err(Rejection::Expired);
    }
    for claim in ["nbf", "iat"] {
        if verified.claims[claim]
            .as_i64()
            .is_some_and(|t| t > now + leeway)
        {
            return Err(Rejection::NotYetValid);
        }
    }
    let token_use = verified.token_use();
    let client = match (token_use, accept) {
        ("access", Accept::Access | Accept::Any) => verified.claims["client_id"].as_str(),
        ("id", Accept::Id | Accept::Any) => verified.claims["aud"].as_str(),
        _ => {
            return Err(Rejection::WrongUse(
                Some(token_use.to_owned()).filter(|u| !u.is_empty()),
            ));
        }
    };
    let client = client.ok_or(Rejection::WrongClient)?;
    if !rules.client_ids.is_empty() && !rules.client_ids.iter().any(|c| c == client) {
        return Err(Rejection::WrongClient);
    }
    Ok(verified)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_rule_follows_the_mode() {
        use BearerPrefix as B;
        assert_eq!(
            token_from_header(Some("Bearer abc"), B::Optional),
            Ok("abc")
        );
        assert_eq!(
            token_from_header(Some("bearer  abc "), B::Optional),
            Ok("abc")
        );
        assert_eq!(token_from_header(Some("abc"), B::Optional), Ok("abc"));
        assert_eq!(
            token_from_header(Some("abc"), B::Required),
            Err(Rejection::BadHeader)
        );
        assert_eq!(
            token_from_header(Some("Bearer abc"), B::Refused),
            Err(Rejection::BadHeader)
        );
        assert_eq!(
            token_from_header(Some("Basic abc"), B::Optional),
            Err(Rejection::BadHeader)
        );
        assert_eq!(
            token_from_header(None, B::Optional),
            Err(Rejection::Missing)
        );
        assert_eq!(
            token_from_header(Some("Bearer "), B::Optional),
            Err(Rejection::Missing)
        );
    }

    #[test]
    fn only_expiry_changes_the_message() {
        assert_eq!(
            Rejection::Expired.message(),
            "The incoming token has expired"
        );
        assert_eq!(Rejection::BadSignature.message(), "Unauthorized");
    }
}
