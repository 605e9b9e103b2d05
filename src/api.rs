//! The `/convert` contract (DESIGN.md, version 1) over a Cognito-authorized API Gateway.
//!
//! Every call carries the token the profile asks for. On a 401, API Gateway's message
//! says what to do: "The incoming token has expired" → refresh once and retry;
//! "Unauthorized" → try the other token kind once (a REST authorizer without OAuth
//! scopes wants the ID token; the seed's curl sends the access token) and, if that
//! works, keep using it and say so. Errors keep the status, the message and the
//! `x-amzn-RequestId` / `x-amz-apigw-id` a person can quote.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::config::{HeaderStyle, TokenKind};
use crate::credentials::{AccessToken, IdToken, scrub};
use crate::session::{Session, SessionError};

const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

// The contract's types: one definition, shared with the backend and the local stack.
pub use backend::contract::{
    Accepted, ConvertRequest, ConvertResult, ConvertedPage, FailedPdf, Folder, JobState, JobStatus,
    PdfObject, Prefixes,
};

/// What `/convert` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConvertOutcome {
    Done(ConvertResult),
    /// A long job: follow `status_url`.
    Accepted {
        job_id: String,
        status_url: String,
    },
}

/// The facts of one HTTP exchange, for the job view and bug reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Diagnostics {
    pub status: u16,
    pub request_id: Option<String>,
    pub apigw_id: Option<String>,
    /// Set when the other token kind worked after a 401: tell the person, and keep it with
    /// `Config::remember_token_kind`.
    pub switched_to: Option<TokenKind>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the API refused the token ({message}); sent: {sent}")]
    Unauthorized {
        message: String,
        /// Which token was sent and how, e.g. "the ID token after `Bearer `".
        sent: String,
        diagnostics: Diagnostics,
    },
    #[error("the API answered HTTP {}: {message}", .diagnostics.status)]
    Refused {
        message: String,
        diagnostics: Diagnostics,
    },
    /// A 2xx without the contract's `converted`/`failed`: a backend that isn't Receipt
    /// Desk's (the seed's own Lambda may answer `{"message":"ok"}`). The conversion may
    /// have run; it is never taken for a success of 0 pages. The body is kept.
    #[error("the API answered HTTP {} without the /convert contract's converted/failed", .diagnostics.status)]
    NotOurContract {
        body: String,
        diagnostics: Diagnostics,
    },
    /// A 2xx the contract could not read: the body is kept (pretty JSON when it is JSON).
    #[error("the API's answer could not be read ({detail})")]
    Unreadable {
        detail: String,
        body: String,
        diagnostics: Diagnostics,
    },
    #[error("network error talking to the API: {0}")]
    Network(String),
    /// The API took the request (the connection was made) and did not answer in time.
    #[error("the API did not answer within {seconds} s")]
    Timeout { seconds: u64 },
    /// A 202's `status_url` points away from the API's own origin: the token is not sent
    /// there (a server that isn't ours could collect it).
    #[error("the job status URL {url} is not on the API's origin; the token was not sent there")]
    ForeignStatusUrl { url: String },
    #[error(transparent)]
    Session(#[from] SessionError),
}

impl ApiError {
    /// Worth asking again (for a request that may be repeated, like a job's status): the
    /// network, a timeout, a 5xx or 429, a 2xx that arrived cut short.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Network(_) | Self::Timeout { .. } | Self::Unreadable { .. } => true,
            Self::Refused { diagnostics, .. } => {
                diagnostics.status >= 500 || diagnostics.status == 429
            }
            _ => false,
        }
    }
}

/// How long the API client waits: to connect, and for the whole exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiTimeouts {
    pub connect: Duration,
    pub overall: Duration,
}

impl Default for ApiTimeouts {
    /// 10 s to connect; 35 s in all, because API Gateway gives up at 29 s and a little
    /// more lets its 504 arrive.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            overall: Duration::from_secs(35),
        }
    }
}

/// The API of one profile.
pub struct ApiClient {
    http: reqwest::Client,
    timeouts: ApiTimeouts,
    api_url: Url,
    session: Arc<Session>,
    kind: Mutex<TokenKind>,
    style: HeaderStyle,
    refusals: std::sync::atomic::AtomicU64,
}

fn kind_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Id => "the ID token",
        TokenKind::Access => "the access token",
    }
}

fn other(kind: TokenKind) -> TokenKind {
    match kind {
        TokenKind::Id => TokenKind::Access,
        TokenKind::Access => TokenKind::Id,
    }
}

struct Answer {
    status: u16,
    body: Vec<u8>,
    diagnostics: Diagnostics,
}

impl ApiClient {
    pub fn new(
        api_url: Url,
        session: Arc<Session>,
        kind: TokenKind,
        style: HeaderStyle,
    ) -> Result<Self, ApiError> {
        Self::with_timeouts(api_url, session, kind, style, ApiTimeouts::default())
    }

    /// [`ApiClient::new`] with other timeouts (tests wait seconds, not 35 s).
    pub fn with_timeouts(
        api_url: Url,
        session: Arc<Session>,
        kind: TokenKind,
        style: HeaderStyle,
        timeouts: ApiTimeouts,
    ) -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.overall)
            .pool_idle_timeout(crate::HTTP_IDLE)
            .build()
            .map_err(|e| ApiError::Network(e.to_string()))?;
        Ok(Self {
            http,
            timeouts,
            api_url,
            session,
            kind: Mutex::new(kind),
            style,
            refusals: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// How many 401 answers this client has received (recovered from or not).
    pub fn unauthorized_count(&self) -> u64 {
        self.refusals.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The token kind in use (it changes when the other kind proved to work).
    pub fn token_kind(&self) -> TokenKind {
        *self
            .kind
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn header(&self, kind: TokenKind, tokens: &(AccessToken, IdToken)) -> String {
        let token = match kind {
            TokenKind::Id => tokens.1.expose(),
            TokenKind::Access => tokens.0.expose(),
        };
        match self.style {
            HeaderStyle::Bearer => format!("Bearer {token}"),
            HeaderStyle::Bare => token.to_owned(),
        }
    }

    fn how_sent(&self, kind: TokenKind) -> String {
        match self.style {
            HeaderStyle::Bearer => format!("{} after `Bearer `", kind_name(kind)),
            HeaderStyle::Bare => format!("{} alone", kind_name(kind)),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<&[u8]>,
        authorization: &str,
    ) -> Result<Answer, ApiError> {
        let mut request = self
            .http
            .request(method, url)
            .header(reqwest::header::AUTHORIZATION, authorization);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        let mut response = request
            .send()
            .await
            .map_err(|e| self.transport_error(&e, authorization))?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let diagnostics = Diagnostics {
            status: response.status().as_u16(),
            request_id: header("x-amzn-requestid"),
            apigw_id: header("x-amz-apigw-id"),
            switched_to: None,
        };
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(&e, authorization))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(ApiError::Network(format!(
                    "the answer is larger than {MAX_BODY_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status: diagnostics.status,
            body: without_token(body, authorization, diagnostics.status),
            diagnostics,
        })
    }

    /// A connection made and then no answer in time is a timeout (the server is there but
    /// slow); a connection that could not be made is a network problem.
    fn transport_error(&self, error: &reqwest::Error, authorization: &str) -> ApiError {
        if error.is_timeout() && !error.is_connect() {
            ApiError::Timeout {
                seconds: self.timeouts.overall.as_secs(),
            }
        } else {
            ApiError::Network(scrub(&error.to_string(), &[authorization]))
        }
    }

    /// Sends with the current token; on 401 refreshes or switches kind as the message
    /// says, once each.
    async fn authorized(
        &self,
        method: reqwest::Method,
        url: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, ApiError> {
        let first_kind = self.token_kind();
        let mut tokens = self.session.tokens().await?;
        let mut kind = first_kind;
        let mut refreshed = false;
        let mut switched = false;
        loop {
            let authorization = self.header(kind, &tokens);
            let mut answer = self.send(method.clone(), url, body, &authorization).await?;
            if answer.status != 401 {
                if kind != first_kind {
                    *self
                        .kind
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = kind;
                    answer.diagnostics.switched_to = Some(kind);
                }
                return Ok(answer);
            }
            self.refusals
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let message = message_of(&answer.body);
            tracing::info!(status = 401, %message, token = kind_name(kind), "API refused the token");
            if message.to_ascii_lowercase().contains("expired") && !refreshed {
                tokens = self.session.refresh_after_refusal(&tokens.0).await?;
                refreshed = true;
            } else if !switched {
                kind = other(kind);
                switched = true;
            } else if !refreshed {
                tokens = self.session.refresh_after_refusal(&tokens.0).await?;
                refreshed = true;
                kind = first_kind;
            } else {
                return Err(ApiError::Unauthorized {
                    message,
                    sent: format!(
                        "{} (then {}, after a refresh)",
                        self.how_sent(first_kind),
                        kind_name(other(first_kind))
                    ),
                    diagnostics: answer.diagnostics,
                });
            }
        }
    }

    /// `POST {api_url}/convert`.
    pub async fn convert(
        &self,
        request: &ConvertRequest,
    ) -> Result<(ConvertOutcome, Diagnostics), ApiError> {
        let url = format!("{}/convert", self.api_url.as_str().trim_end_matches('/'));
        let body = serde_json::to_vec(request).map_err(|e| ApiError::Network(e.to_string()))?;
        let answer = self
            .authorized(reqwest::Method::POST, &url, Some(&body))
            .await?;
        match answer.status {
            200 if !follows_the_contract(&answer.body) => Err(ApiError::NotOurContract {
                body: shown_body(&answer.body),
                diagnostics: answer.diagnostics,
            }),
            200 => parse::<ConvertResult>(&answer)
                .map(|r| (ConvertOutcome::Done(r), answer.diagnostics.clone())),
            202 => parse::<Accepted>(&answer).map(|a| {
                (
                    ConvertOutcome::Accepted {
                        job_id: a.job_id,
                        status_url: a.status_url,
                    },
                    answer.diagnostics.clone(),
                )
            }),
            _ => Err(refused(answer)),
        }
    }

    /// `GET {api_url}/prefixes`: one level of `bucket` below `prefix` (folders with their
    /// PDF counts, and the PDFs there); `continuation` is a previous answer's `next`.
    pub async fn prefixes(
        &self,
        bucket: &str,
        prefix: &str,
        continuation: Option<&str>,
    ) -> Result<Prefixes, ApiError> {
        let mut url = Url::parse(&format!(
            "{}/prefixes",
            self.api_url.as_str().trim_end_matches('/')
        ))
        .map_err(|e| ApiError::Network(e.to_string()))?;
        url.query_pairs_mut()
            .append_pair("bucket", bucket)
            .append_pair("prefix", prefix);
        if let Some(token) = continuation {
            url.query_pairs_mut().append_pair("continuation", token);
        }
        let answer = self
            .authorized(reqwest::Method::GET, url.as_str(), None)
            .await?;
        if answer.status == 200 {
            parse(&answer)
        } else {
            Err(refused(answer))
        }
    }

    /// `GET status_url`; with `wait`, the local stack holds the answer until the job moves.
    pub async fn job_status(&self, status_url: &str, wait: bool) -> Result<JobStatus, ApiError> {
        // The bearer token goes to the API's own origin only (a relative URL is on it).
        let resolved = self
            .api_url
            .join(status_url)
            .map_err(|_| ApiError::ForeignStatusUrl {
                url: status_url.to_owned(),
            })?;
        if resolved.origin() != self.api_url.origin() {
            return Err(ApiError::ForeignStatusUrl {
                url: status_url.to_owned(),
            });
        }
        let status_url = resolved.as_str();
        let url = if wait {
            format!(
                "{status_url}{}wait=1",
                if status_url.contains('?') { '&' } else { '?' }
            )
        } else {
            status_url.to_owned()
        };
        let answer = self.authorized(reqwest::Method::GET, &url, None).await?;
        if answer.status == 200 {
            parse(&answer)
        } else {
            Err(refused(answer))
        }
    }
}

/// An answer's body with the token it was sent taken out: servers echo a malformed
/// header in their error messages, and bodies reach the screen, the log and the jobs
/// file. Error answers also lose anything shaped like a JWT; a contract's answer keeps
/// its signed URLs intact.
fn without_token(body: Vec<u8>, authorization: &str, status: u16) -> Vec<u8> {
    let token = authorization
        .strip_prefix("Bearer ")
        .unwrap_or(authorization)
        .trim();
    let has = |needle: &[u8]| !needle.is_empty() && body.windows(needle.len()).any(|w| w == needle);
    let is_error = !(200..300).contains(&status);
    let echoes = has(token.as_bytes()) || (is_error && has(b"eyJ"));
    if !echoes {
        return body;
    }
    let mut text = String::from_utf8_lossy(&body).into_owned();
    if !token.is_empty() {
        text = text.replace(token, "***");
    }
    if is_error {
        scrub(&text, &[]).into_bytes()
    } else {
        text.into_bytes()
    }
}

fn message_of(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            v.get("message")
                .or_else(|| v.get("Message"))
                .and_then(|m| m.as_str().map(str::to_owned))
        })
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(200).collect())
}

fn refused(answer: Answer) -> ApiError {
    ApiError::Refused {
        message: message_of(&answer.body),
        diagnostics: answer.diagnostics,
    }
}

/// A `/convert` 200 of this contract is an object with `converted` or `failed`.
fn follows_the_contract(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .as_ref()
        .and_then(serde_json::Value::as_object)
        .is_some_and(|o| o.contains_key("converted") || o.contains_key("failed"))
}

/// A body as shown to a person: pretty JSON when it is JSON.
fn shown_body(body: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned())
}

fn parse<T: serde::de::DeserializeOwned>(answer: &Answer) -> Result<T, ApiError> {
    serde_json::from_slice(&answer.body).map_err(|e| ApiError::Unreadable {
        detail: e.to_string(),
        body: serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| String::from_utf8_lossy(&answer.body).into_owned()),
        diagnostics: answer.diagnostics.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_ignore_unknown_fields_and_tolerate_missing_urls() {
        let body = br#"{"converted":[{"source_key":"a.pdf","page":1,"key":"a-1.jpg","extra":true}],
                        "failed":[{"source_key":"b.pdf","error":"not a PDF"}],"version":2}"#;
        let result: ConvertResult = serde_json::from_slice(body).expect("parse");
        assert_eq!(result.converted[0].url, None);
        assert_eq!(result.failed[0].error, "not a PDF");
        assert_eq!(result.failed[0].reason, None, "older servers send no code");
    }

    #[test]
    fn failure_reason_codes_are_read_and_unknown_ones_kept() {
        let body = br#"{"converted":[],"failed":[
            {"source_key":"a.pdf","error":"the PDF is damaged","reason":"damaged_pdf"},
            {"source_key":"b.pdf","error":"something new","reason":"brand_new_code"}]}"#;
        let result: ConvertResult = serde_json::from_slice(body).expect("parse");
        assert_eq!(result.failed[0].reason.as_deref(), Some("damaged_pdf"));
        assert_eq!(result.failed[1].reason.as_deref(), Some("brand_new_code"));
        let again = serde_json::to_value(&result.failed[0]).expect("serialise");
        assert_eq!(again["reason"], "damaged_pdf", "--json passes the code on");
    }

    #[test]
    fn job_status_reads_progress_and_results() {
        let body = br#"{"state":"running","done":3,"total":10,"converted":[],"failed":[]}"#;
        let status: JobStatus = serde_json::from_slice(body).expect("parse");
        assert_eq!(
            (status.state, status.done, status.total),
            (JobState::Running, 3, 10)
        );
    }

    #[test]
    fn echoed_tokens_are_taken_out_of_bodies() {
        let token = "eyJraWQiOiJrIn0.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWJ5dGVz";
        let echo = format!(r#"{{"message":"bad header: 'Bearer {token}'"}}"#);
        for status in [200, 401, 500] {
            let body = without_token(
                echo.clone().into_bytes(),
                &format!("Bearer {token}"),
                status,
            );
            let body = String::from_utf8(body).expect("utf-8");
            assert!(!body.contains(token) && body.contains("***"), "{body}");
        }
        // Another JWT in an error answer goes too; a success keeps what is not ours.
        let other = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ5In0.c2ln";
        let body = without_token(format!("saw {other}").into_bytes(), "Bearer abcdefgh", 500);
        assert_eq!(String::from_utf8(body).expect("utf-8"), "saw ***");
        let url = format!("https://s3/k.jpg?X-Amz-Security-Token={other}");
        let body = without_token(url.clone().into_bytes(), "Bearer abcdefgh", 200);
        assert_eq!(String::from_utf8(body).expect("utf-8"), url);
    }

    #[test]
    fn messages_come_from_json_or_the_raw_body() {
        assert_eq!(message_of(br#"{"message":"Unauthorized"}"#), "Unauthorized");
        assert_eq!(message_of(b"<html>gateway</html>"), "<html>gateway</html>");
    }
}
