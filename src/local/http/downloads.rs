//! `GET /files/{bucket}/{key}`: downloads through signed, expiring URLs, like S3's
//! presigned ones, with S3's XML errors, an `ETag` and `If-None-Match`.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::Shared;
use backend::files;

use crate::local::ids;

fn s3_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{}</RequestId></Error>",
        ids::random_hex_id()
    );
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    response
}

#[derive(serde::Deserialize)]
pub(super) struct Signature {
    expires: Option<String>,
    signature: Option<String>,
}

pub(super) async fn file(
    State(shared): State<Arc<Shared>>,
    Path((bucket, key)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<Signature>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Response {
    let (Some(expires), Some(signature)) = (query.expires, query.signature) else {
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Query-string authentication requires the expires and signature parameters",
        );
    };
    let Ok(expires) = expires.parse::<i64>() else {
        return s3_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Invalid expires value",
        );
    };
    if let Err(e) = shared
        .signer
        .check(uri.path(), expires, &signature, shared.clock.now())
    {
        return s3_error(StatusCode::FORBIDDEN, e.s3_code(), e.s3_message());
    }
    let root = shared.buckets.clone();
    let path = match files::object_path(&root, &bucket, &key) {
        Ok(path) => path,
        Err(e) => return s3_error(StatusCode::BAD_REQUEST, "InvalidArgument", &e.to_string()),
    };
    let Ok(bytes) = files::read_inside(&root.join(&bucket), &path).await else {
        return s3_error(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        );
    };
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &bytes);
    let etag = format!("\"{}\"", &ids::hex(digest.as_ref())[..32]);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let content_type = if key.to_ascii_lowercase().ends_with(".jpg")
        || key.to_ascii_lowercase().ends_with(".jpeg")
    {
        "image/jpeg"
    } else if key.to_ascii_lowercase().ends_with(".pdf") {
        "application/pdf"
    } else {
        "application/octet-stream"
    };
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, bytes).into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}
