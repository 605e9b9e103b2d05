//! The API behind the authorizer — `POST /{stage}/convert`, `GET /{stage}/jobs/{id}` and
//! `GET /{stage}/prefixes` — as an adapter: the authorizer decides as API Gateway does,
//! then the backend's own handlers (the code the Lambdas run) answer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use backend::{Answer, Caller};
use serde_json::json;

use super::{Shared, answer, missing_authentication_token};
use crate::local::authorizer;

/// The authorizer's decision for a request, as API Gateway makes it: the caller, or the
/// 401 it answers.
fn authorize(shared: &Shared, headers: &HeaderMap) -> Result<Caller, Box<Response>> {
    let header_value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    authorizer::token_from_header(header_value, shared.mode.bearer)
        .and_then(|token| {
            authorizer::verify(
                token,
                &shared.rules,
                shared.mode.accept,
                shared.clock.now(),
                shared.leeway,
            )
        })
        .and_then(|verified| match verified.claims["sub"].as_str() {
            // Jobs belong to a `sub`: a token without one owns nothing.
            Some(sub) if !sub.is_empty() => Ok(Caller {
                sub: sub.to_owned(),
            }),
            _ => Err(authorizer::Rejection::NoSubject),
        })
        .map_err(|rejection| {
            tracing::debug!(%rejection, "authorizer refused");
            Box::new(answer(
                StatusCode::UNAUTHORIZED,
                "application/json",
                &json!({"message": rejection.message()}),
            ))
        })
}

fn respond(handled: &Answer) -> Response {
    let status = StatusCode::from_u16(handled.status).unwrap_or(StatusCode::BAD_GATEWAY);
    answer(status, "application/json", &handled.body)
}

/// The stage's URL, as a queued job's status URL starts.
fn stage_url(shared: &Shared) -> String {
    let mut url = shared.base_url.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().push(&shared.stage);
    }
    url.to_string()
}

/// API Gateway's order: a stage it does not serve is its 403, then the authorizer
/// decides, then the handler answers for the caller.
async fn behind_authorizer<F, Fut>(
    shared: &Shared,
    stage: &str,
    headers: &HeaderMap,
    handle: F,
) -> Response
where
    F: FnOnce(Caller) -> Fut,
    Fut: std::future::Future<Output = Answer>,
{
    if stage != shared.stage {
        return missing_authentication_token().await;
    }
    match authorize(shared, headers) {
        Ok(caller) => respond(&handle(caller).await),
        Err(refused) => *refused,
    }
}

pub(super) async fn convert(
    State(shared): State<Arc<Shared>>,
    Path(stage): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let stage_url = stage_url(&shared);
    let backend = Arc::clone(&shared.backend);
    behind_authorizer(&shared, &stage, &headers, |caller| async move {
        backend.convert(&caller, &body, &stage_url).await
    })
    .await
}

#[derive(serde::Deserialize)]
pub(super) struct StatusQuery {
    /// Hold the answer until the job changes (at most 20 s).
    wait: Option<String>,
}

pub(super) async fn job_status(
    State(shared): State<Arc<Shared>>,
    Path((stage, job_id)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<StatusQuery>,
    headers: HeaderMap,
) -> Response {
    let wait = query.wait.is_some_and(|w| w != "0" && w != "false");
    let backend = Arc::clone(&shared.backend);
    behind_authorizer(&shared, &stage, &headers, |caller| async move {
        backend.job_status(&caller, &job_id, wait).await
    })
    .await
}

pub(super) async fn prefixes(
    State(shared): State<Arc<Shared>>,
    Path(stage): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let backend = Arc::clone(&shared.backend);
    behind_authorizer(&shared, &stage, &headers, |caller| async move {
        let query = query.unwrap_or_default();
        backend.prefixes(&caller, &query).await
    })
    .await
}
