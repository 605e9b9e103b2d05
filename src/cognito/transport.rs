//! One JSON 1.1 call over HTTP: `X-Amz-Target`, a bounded body, and every answer —
//! JSON, HTML, empty, cut off, late, refused — turned into a value or a typed error,
//! with anything the server echoes back scrubbed of the secrets that were sent.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{CognitoClient, CognitoError, ErrorKind, Operation, ServiceError, error, wire};
use crate::credentials::scrub;

/// A Cognito answer is a few kilobytes; anything past this is not Cognito.
const MAX_BODY_BYTES: usize = 1024 * 1024;
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

impl CognitoClient {
    /// One JSON 1.1 call. `secrets` are the sensitive values in the request, removed from
    /// anything the server echoes back into an error.
    pub(super) async fn call<Req: Serialize, Resp: DeserializeOwned>(
        &self,
        operation: Operation,
        request: &Req,
        secrets: &[&str],
    ) -> Result<Resp, CognitoError> {
        let body = serde_json::to_vec(request)
            .map_err(|e| CognitoError::InvalidInput(format!("request encoding: {e}")))?;
        tracing::debug!(%operation, endpoint = %self.endpoint, "cognito call");
        let response = self
            .http
            .post(self.endpoint.clone())
            .header(reqwest::header::CONTENT_TYPE, CONTENT_TYPE)
            .header(
                "X-Amz-Target",
                format!("{TARGET_PREFIX}.{}", operation.target()),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| self.transport_error(operation, &e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let request_id = header_text(&headers, "x-amzn-requestid");
        let bytes = read_limited(response).await.map_err(|e| match e {
            BodyError::Transport(e) => self.transport_error(operation, &e),
            BodyError::TooLarge => CognitoError::UnexpectedResponse {
                operation,
                status,
                detail: format!("the answer is larger than {MAX_BODY_BYTES} bytes"),
                request_id: request_id.clone(),
            },
        })?;
        let mut secrets = secrets.to_vec();
        if let Some(secret) = &self.secret {
            secrets.push(secret.expose());
        }
        let unreadable = |what: &str| CognitoError::UnexpectedResponse {
            operation,
            status,
            detail: format!("{what}: {}", snippet(&bytes, &secrets)),
            request_id: request_id.clone(),
        };

        if (200..300).contains(&status) {
            let json: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
                b"{}"
            } else {
                &bytes
            };
            return serde_json::from_slice(json).map_err(|e| {
                tracing::debug!(%operation, error = %e, "unreadable success body");
                unreadable("not Cognito's JSON")
            });
        }

        let parsed: Option<wire::ErrorBody> = serde_json::from_slice(&bytes).ok();
        let code = parsed
            .as_ref()
            .and_then(|b| b.error_type.clone())
            .or_else(|| header_text(&headers, "x-amzn-errortype"))
            .map(|raw| error::sanitize_error_code(&raw).to_owned())
            .filter(|c| !c.is_empty());
        let Some(code) = code else {
            let what = if bytes.is_empty() {
                "an empty body".to_owned()
            } else {
                "not Cognito's JSON".to_owned()
            };
            return Err(unreadable(&what));
        };
        let message = parsed
            .and_then(|b| b.message)
            .or_else(|| header_text(&headers, "x-amzn-errormessage"))
            .unwrap_or_default();
        let message = scrub(&message, &secrets);
        let mut kind = error::classify(operation, &code, &message);
        if kind == ErrorKind::Other && status >= 500 {
            kind = ErrorKind::ServiceFailure;
        }
        Err(CognitoError::Service(ServiceError {
            operation,
            kind,
            code,
            message,
            status,
            request_id,
        }))
    }

    fn transport_error(&self, operation: Operation, error: &reqwest::Error) -> CognitoError {
        let endpoint = self.endpoint.to_string();
        if error.is_timeout() {
            let while_connecting = error.is_connect();
            let limit = if while_connecting {
                self.timeouts.connect
            } else {
                self.timeouts.call
            };
            return CognitoError::Timeout {
                operation,
                endpoint,
                while_connecting,
                seconds: limit.as_secs().max(1),
            };
        }
        if error.is_connect() && io_kind(error) == Some(std::io::ErrorKind::ConnectionRefused) {
            return CognitoError::ConnectionRefused {
                operation,
                endpoint,
            };
        }
        CognitoError::Network {
            operation,
            endpoint,
            detail: error_chain(error),
        }
    }
}

enum BodyError {
    Transport(reqwest::Error),
    TooLarge,
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn header_text(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .filter(|v| !v.is_empty())
}

/// The start of a body for an error message: one line, scrubbed, at most 160 characters.
fn snippet(bytes: &[u8], secrets: &[&str]) -> String {
    if bytes.is_empty() {
        return "(empty)".to_owned();
    }
    let text = String::from_utf8_lossy(bytes);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let clean = scrub(&flat, secrets);
    let mut cut: String = clean.chars().take(160).collect();
    if clean.chars().count() > 160 {
        cut.push('…');
    }
    cut
}

fn io_kind(error: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = e.source();
    }
    None
}

fn error_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_short_flat_and_scrubbed() {
        let body = b"<html>\n<title>500</title>\n secret-session-value </html>";
        assert_eq!(
            snippet(body, &["secret-session-value"]),
            "<html> <title>500</title> *** </html>"
        );
        assert_eq!(snippet(b"", &[]), "(empty)");
        assert!(snippet(&[b'x'; 400], &[]).ends_with('…'));
    }
}
