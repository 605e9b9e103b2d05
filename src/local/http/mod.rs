//! The stack's HTTP side: the route table and what every answer shares (AWS's headers
//! and request ids, API Gateway's 403 for a route that does not exist). The endpoints
//! live in `user_pool` (Cognito, JWKS), `oauth` (managed login), `api` (the backend's
//! handlers behind the authorizer) and `downloads`.

mod api;
mod downloads;
mod oauth;
pub mod serve;
mod user_pool;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use reqwest::Url;
use serde_json::{Value, json};

use super::Clock;
use super::authorizer::{AuthorizerMode, TokenRules};
use super::idp::Idp;
use super::ids;
use backend::files::UrlSigner;

/// What every request handler reads.
pub(super) struct Shared {
    pub(super) idp: Idp,
    pub(super) rules: TokenRules,
    pub(super) mode: AuthorizerMode,
    pub(super) leeway: i64,
    pub(super) stage: String,
    pub(super) clock: Clock,
    pub(super) base_url: Url,
    pub(super) backend: Arc<backend::Backend>,
    /// Where the folder buckets are (`/files` serves them).
    pub(super) buckets: std::path::PathBuf,
    pub(super) signer: UrlSigner,
}

/// The routes, as API Gateway, Cognito and S3 lay them out; anything else is API
/// Gateway's 403.
pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/",
            post(user_pool::cognito).fallback(missing_authentication_token),
        )
        .route(
            "/{pool}/.well-known/jwks.json",
            get(user_pool::jwks).fallback(missing_authentication_token),
        )
        .route(
            "/{pool}/.well-known/openid-configuration",
            get(oauth::openid_configuration).fallback(missing_authentication_token),
        )
        .route("/oauth2/authorize", get(oauth::authorize))
        .route("/login", post(oauth::login))
        .route("/login/code", post(oauth::login_code))
        .route("/oauth2/token", post(oauth::token))
        .route("/oauth2/revoke", post(oauth::revoke))
        .route("/oauth2/userInfo", get(oauth::user_info))
        .route("/logout", get(oauth::logout))
        .route(
            "/{stage}/convert",
            post(api::convert).fallback(missing_authentication_token),
        )
        .route(
            "/{stage}/jobs/{job_id}",
            get(api::job_status).fallback(missing_authentication_token),
        )
        .route(
            "/{stage}/prefixes",
            get(api::prefixes).fallback(missing_authentication_token),
        )
        .route(
            "/files/{bucket}/{*key}",
            get(downloads::file).fallback(missing_authentication_token),
        )
        .fallback(missing_authentication_token)
        .with_state(shared)
}

/// A JSON answer with the headers AWS services send.
pub(super) fn answer(status: StatusCode, content_type: &'static str, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(&ids::random_hex_id()) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

pub(super) async fn missing_authentication_token() -> Response {
    answer(
        StatusCode::FORBIDDEN,
        "application/json",
        &json!({"message": "Missing Authentication Token"}),
    )
}
