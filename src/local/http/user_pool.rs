//! The user pool's endpoints: Cognito's JSON 1.1 protocol at `POST /` (the operation in
//! `X-Amz-Target`, refusals as HTTP 400 with `__type`) and the pool's JWKS.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{Shared, answer};

const AMZ_JSON: &str = "application/x-amz-json-1.1";
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

pub(super) async fn cognito(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let refuse = |error_type: &str, message: &str| {
        let mut response = answer(
            StatusCode::BAD_REQUEST,
            AMZ_JSON,
            &json!({"__type": error_type, "message": message}),
        );
        if let Ok(value) = HeaderValue::from_str(&format!("{error_type}:")) {
            response.headers_mut().insert("x-amzn-ErrorType", value);
        }
        response
    };
    let Some(operation) = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix(TARGET_PREFIX))
    else {
        return refuse(
            "UnknownOperationException",
            "Missing or unknown X-Amz-Target",
        );
    };
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return refuse(
            "SerializationException",
            "The request body is not valid JSON",
        );
    };
    if !request.is_object() {
        return refuse(
            "SerializationException",
            "The request body must be a JSON object",
        );
    }
    match shared.idp.call(operation, &request) {
        Ok(result) => answer(StatusCode::OK, AMZ_JSON, &result),
        Err(e) => {
            tracing::debug!(%operation, error_type = e.error_type, "refused");
            refuse(e.error_type, &e.message)
        }
    }
}

pub(super) async fn jwks(State(shared): State<Arc<Shared>>, Path(pool): Path<String>) -> Response {
    if pool == shared.idp.pool_id {
        answer(StatusCode::OK, "application/json", &shared.idp.jwks())
    } else {
        answer(
            StatusCode::NOT_FOUND,
            "application/json",
            &json!({"message": "User pool does not exist."}),
        )
    }
}
