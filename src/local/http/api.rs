//! The API behind the authorizer: `POST /{stage}/convert` and the long-polled
//! `GET /{stage}/jobs/{id}`, with fresh signed URLs for the pages in every answer.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Shared, answer, missing_authentication_token};
use crate::local::authorizer;
use crate::local::convert::{self, Started};

/// The authorizer's decision for a request, as API Gateway makes it.
fn authorize(
    shared: &Shared,
    headers: &HeaderMap,
) -> Result<authorizer::Verified, authorizer::Rejection> {
    let header_value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    authorizer::token_from_header(header_value, shared.mode.bearer).and_then(|token| {
        authorizer::verify(
            token,
            &shared.rules,
            shared.mode.accept,
            shared.clock.now(),
            shared.leeway,
        )
    })
}

fn unauthorized(rejection: &authorizer::Rejection) -> Response {
    tracing::debug!(%rejection, "authorizer refused");
    answer(
        StatusCode::UNAUTHORIZED,
        "application/json",
        &json!({"message": rejection.message()}),
    )
}

pub(super) async fn convert(
    State(shared): State<Arc<Shared>>,
    Path(stage): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if stage != shared.stage {
        return missing_authentication_token().await;
    }
    let caller = match authorize(&shared, &headers) {
        Ok(verified) => verified,
        Err(rejection) => return unauthorized(&rejection),
    };
    let bad_request = |message: String| {
        answer(
            StatusCode::BAD_REQUEST,
            "application/json",
            &json!({ "message": message }),
        )
    };
    let request = match convert::parse_request(&body) {
        Ok(request) => request,
        Err(message) => return bad_request(message),
    };
    tracing::info!(user = caller.username(), bucket = %request.bucket, prefix = %request.pdf_prefix, "convert");
    match shared.converter.start(request).await {
        Ok(Started::Finished(id)) => match shared.converter.jobs.get(&id) {
            Some(job) => answer(StatusCode::OK, "application/json", &results(&shared, &job)),
            None => bad_request("the job vanished".to_owned()),
        },
        Ok(Started::Accepted(id)) => answer(
            StatusCode::ACCEPTED,
            "application/json",
            &json!({"job_id": id, "status_url": status_url(&shared, &id)}),
        ),
        Err(message) => bad_request(message),
    }
}

fn status_url(shared: &Shared, id: &str) -> String {
    let mut url = shared.base_url.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments
            .pop_if_empty()
            .push(&shared.stage)
            .push("jobs")
            .push(id);
    }
    url.to_string()
}

/// A signed, expiring GET URL for an object, like an S3 presigned URL.
fn signed_url(shared: &Shared, bucket: &str, key: &str) -> String {
    let mut url = shared.base_url.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments
            .pop_if_empty()
            .push("files")
            .push(bucket)
            .extend(key.split('/'));
    }
    let expires = shared.clock.now() + shared.converter.settings.url_ttl_seconds;
    let signature = shared.signer.sign(url.path(), expires);
    url.query_pairs_mut()
        .append_pair("expires", &expires.to_string())
        .append_pair("signature", &signature);
    url.to_string()
}

/// The contract's `converted`/`failed`, with fresh URLs.
fn results(shared: &Shared, job: &convert::Job) -> Value {
    let converted: Vec<Value> = job
        .converted
        .iter()
        .map(|c| {
            let mut item = serde_json::to_value(c).unwrap_or(Value::Null);
            item["url"] = json!(signed_url(shared, &job.bucket, &c.key));
            item
        })
        .collect();
    json!({"converted": converted, "failed": job.failed})
}

#[derive(serde::Deserialize)]
pub(super) struct StatusQuery {
    /// Hold the answer until the job changes (at most [`LONG_POLL`]).
    wait: Option<String>,
}

/// Below API Gateway's 29-second integration timeout.
const LONG_POLL: std::time::Duration = std::time::Duration::from_secs(20);

pub(super) async fn job_status(
    State(shared): State<Arc<Shared>>,
    Path((stage, job_id)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<StatusQuery>,
    headers: HeaderMap,
) -> Response {
    if stage != shared.stage {
        return missing_authentication_token().await;
    }
    if let Err(rejection) = authorize(&shared, &headers) {
        return unauthorized(&rejection);
    }
    let wait = query.wait.is_some_and(|w| w != "0" && w != "false");
    let mut changes = shared.converter.jobs.subscribe();
    let seen = shared
        .converter
        .jobs
        .get(&job_id)
        .map(|j| (j.state, j.done));
    if wait && seen.is_some_and(|(state, _)| state == convert::JobState::Running) {
        let _ = tokio::time::timeout(LONG_POLL, async {
            while changes.changed().await.is_ok() {
                let now = shared
                    .converter
                    .jobs
                    .get(&job_id)
                    .map(|j| (j.state, j.done));
                if now != seen {
                    break;
                }
            }
        })
        .await;
    }
    let Some(job) = shared.converter.jobs.get(&job_id) else {
        return answer(
            StatusCode::NOT_FOUND,
            "application/json",
            &json!({"message": format!("There is no job {job_id}")}),
        );
    };
    let mut body = results(&shared, &job);
    body["job_id"] = json!(job_id);
    body["state"] = json!(job.state);
    body["done"] = json!(job.done);
    body["total"] = json!(job.total);
    answer(StatusCode::OK, "application/json", &body)
}
