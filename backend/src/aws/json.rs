//! AWS's JSON 1.0 protocol, as `DynamoDB` and SQS speak it: a signed `POST /` with
//! `X-Amz-Target: <Service>.<Operation>`, answered by JSON, or on failure by
//! `{"__type": "…#Code", "message": "…"}`.

use serde_json::Value;

use super::{AwsConfig, CALL_TIMEOUT, Service};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JsonError {
    /// The call was not made or not answered (signing, connection, timeout).
    #[error("{target}: {detail}")]
    Call { target: String, detail: String },
    /// The service answered with an error.
    #[error("{target} failed: {code}: {message} (HTTP {status})")]
    Service {
        target: String,
        status: u16,
        /// `__type` without its namespace: `ConditionalCheckFailedException`.
        code: String,
        message: String,
        /// The whole answer, for details such as `CancellationReasons`.
        body: Value,
    },
    #[error("{target} answered HTTP {status} with something that is not JSON: {detail}")]
    Decode {
        target: String,
        status: u16,
        detail: String,
    },
}

impl JsonError {
    /// The service's error code, if it answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Service { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// Calls `target` (`DynamoDB_20120810.PutItem`, `AmazonSQS.ReceiveMessage`) with `body`.
pub async fn call(
    config: &AwsConfig,
    service: Service,
    target: &str,
    body: &Value,
) -> Result<Value, JsonError> {
    let failed = |detail: String| JsonError::Call {
        target: target.to_owned(),
        detail,
    };
    let url = config
        .service_url(service)
        .map_err(|e| failed(e.to_string()))?;
    let mut request = config
        .http
        .post(url)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", target)
        .body(body.to_string())
        .timeout(CALL_TIMEOUT)
        .build()
        .map_err(|e| failed(e.to_string()))?;
    config
        .sign(service, &mut request)
        .map_err(|e| failed(e.to_string()))?;
    tracing::debug!(operation = target, "AWS JSON call");
    let response = config
        .http
        .execute(request)
        .await
        .map_err(|e| failed(format!("no answer: {e}")))?;
    let status = response.status().as_u16();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| failed(format!("the answer broke off: {e}")))?;
    let decode_error = |detail: String| JsonError::Decode {
        target: target.to_owned(),
        status,
        detail,
    };
    let value: Value = if bytes.is_empty() {
        Value::Object(serde_json::Map::new())
    } else {
        serde_json::from_slice(&bytes).map_err(|e| {
            decode_error(format!(
                "{e}: {}",
                String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
            ))
        })?
    };
    if (200..300).contains(&status) {
        return Ok(value);
    }
    let kind = value
        .get("__type")
        .and_then(Value::as_str)
        .unwrap_or("UnknownError");
    let code = kind.rsplit('#').next().unwrap_or(kind).to_owned();
    let message = ["message", "Message"]
        .iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned();
    Err(JsonError::Service {
        target: target.to_owned(),
        status,
        code,
        message,
        body: value,
    })
}
