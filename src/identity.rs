//! A Cognito identity pool: the signed-in user's ID token exchanged for temporary AWS
//! credentials (`GetId`, then `GetCredentialsForIdentity`; unsigned JSON 1.1, the same
//! transport as the user pool's), so the desktop can list and read S3 itself — results
//! from a backend that isn't ours. The credentials stay in memory and are renewed five
//! minutes before they expire (the enhanced flow gives one hour).

use std::time::Duration;

use reqwest::Url;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::credentials::IdToken;

/// Renew the credentials this long before they expire: longer than a result URL made
/// with them lives (15 min; a presigned URL dies with its credentials).
const RENEW_BEFORE_SECONDS: i64 = 20 * 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The identity pool refused (`__type` and message as sent).
    #[error("the identity pool refused: {kind}: {message}")]
    Refused { kind: String, message: String },
    #[error("the identity pool could not be reached: {0}")]
    Network(String),
    #[error("the identity pool's answer could not be read: {0}")]
    Unreadable(String),
    /// The ID token carries no `iss` naming its user pool.
    #[error("the ID token names no user pool (iss)")]
    NoIssuer,
}

/// Temporary credentials and when they expire (Unix seconds), for one user.
#[derive(Clone)]
struct Held {
    /// The user pool and `sub` of the user they belong to: another user (after a
    /// sign-out, on the same profile) never gets them.
    owner: (String, String),
    identity_id: String,
    credentials: backend::aws::Credentials,
    expires_at: i64,
}

pub struct IdentityPool {
    http: reqwest::Client,
    endpoint: Url,
    pool_id: String,
    held: Mutex<Option<Held>>,
}

/// `REGION:GUID` → `REGION`.
pub fn pool_region(pool_id: &str) -> Option<&str> {
    pool_id
        .split_once(':')
        .map(|(region, _)| region)
        .filter(|r| crate::cognito::is_region_name(r))
}

impl IdentityPool {
    /// `endpoint` overrides `https://cognito-identity.REGION.amazonaws.com/` (moto).
    pub fn new(pool_id: &str, endpoint: Option<Url>) -> Result<Self, IdentityError> {
        let endpoint = if let Some(endpoint) = endpoint {
            endpoint
        } else {
            let region = pool_region(pool_id).ok_or_else(|| {
                IdentityError::Unreadable(format!("\"{pool_id}\" is not REGION:GUID"))
            })?;
            Url::parse(&format!("https://cognito-identity.{region}.amazonaws.com/"))
                .map_err(|e| IdentityError::Unreadable(e.to_string()))?
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| IdentityError::Network(e.to_string()))?;
        Ok(Self {
            http,
            endpoint,
            pool_id: pool_id.to_owned(),
            held: Mutex::new(None),
        })
    }

    async fn call(&self, operation: &str, body: Value) -> Result<Value, IdentityError> {
        let response = self
            .http
            .post(self.endpoint.clone())
            .header("Content-Type", "application/x-amz-json-1.1")
            .header(
                "X-Amz-Target",
                format!("AWSCognitoIdentityService.{operation}"),
            )
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| IdentityError::Network(e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| IdentityError::Network(e.to_string()))?;
        let value: Value = serde_json::from_str(&text)
            .map_err(|_| IdentityError::Unreadable(format!("HTTP {status}")))?;
        if status.is_success() {
            Ok(value)
        } else {
            let kind = value["__type"].as_str().unwrap_or("UnknownError");
            Err(IdentityError::Refused {
                kind: kind.rsplit('#').next().unwrap_or(kind).to_owned(),
                // A service may echo the login (the ID token) into its message.
                message: crate::credentials::scrub(
                    value["message"]
                        .as_str()
                        .or_else(|| value["Message"].as_str())
                        .unwrap_or_default(),
                    &[],
                ),
            })
        }
    }

    /// Credentials for the user of `id_token`, from memory while they last.
    pub async fn credentials(
        &self,
        id_token: &IdToken,
    ) -> Result<backend::aws::Credentials, IdentityError> {
        let now = jiff::Timestamp::now().as_second();
        let claims = crate::cognito::wire::decode_claims(id_token.expose())
            .ok_or(IdentityError::NoIssuer)?;
        let issuer = claims.iss.ok_or(IdentityError::NoIssuer)?;
        let owner = (issuer.clone(), claims.sub.unwrap_or_default());
        let mut held = self.held.lock().await;
        let known = held.as_ref().filter(|h| h.owner == owner);
        if let Some(current) = known
            && current.expires_at - RENEW_BEFORE_SECONDS > now
        {
            return Ok(current.credentials.clone());
        }
        // The login names the user pool that issued the token, as its `iss` without https.
        let provider = issuer.trim_start_matches("https://").to_owned();
        let logins = json!({ provider: id_token.expose() });
        let identity_id = if let Some(current) = known {
            current.identity_id.clone()
        } else {
            let answer = self
                .call(
                    "GetId",
                    json!({"IdentityPoolId": self.pool_id, "Logins": logins}),
                )
                .await?;
            answer["IdentityId"]
                .as_str()
                .ok_or_else(|| IdentityError::Unreadable("no IdentityId".to_owned()))?
                .to_owned()
        };
        let answer = self
            .call(
                "GetCredentialsForIdentity",
                json!({"IdentityId": identity_id, "Logins": logins}),
            )
            .await?;
        let c = &answer["Credentials"];
        let field = |name: &str| {
            c[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| IdentityError::Unreadable(format!("no Credentials.{name}")))
        };
        let credentials = backend::aws::Credentials {
            access_key_id: field("AccessKeyId")?,
            secret_access_key: field("SecretKey")?,
            session_token: Some(field("SessionToken")?),
        };
        // `Expiration` is epoch seconds as a JSON number (sometimes with a fraction).
        let expires_at = c["Expiration"].as_f64().map_or(now + 3600, |e| e as i64);
        *held = Some(Held {
            owner,
            identity_id,
            credentials: credentials.clone(),
            expires_at,
        });
        Ok(credentials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_comes_from_the_pool_id() {
        assert_eq!(
            pool_region("ap-northeast-1:0c0c0c0c-1111-2222-3333-444455556666"),
            Some("ap-northeast-1")
        );
        assert_eq!(pool_region("no-colon"), None);
        assert!(IdentityPool::new("bogus", None).is_err());
    }
}
