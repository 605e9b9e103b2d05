//! A refused call as Cognito words it: the `__type` and message sent back with HTTP 400,
//! and the complaint about a missing request member.

use serde_json::Value;

/// A refused call: Cognito's `__type` and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdpError {
    pub error_type: &'static str,
    pub message: String,
}

pub(super) fn refuse(error_type: &'static str, message: impl Into<String>) -> IdpError {
    IdpError {
        error_type,
        message: message.into(),
    }
}

pub(super) fn not_authorized(message: impl Into<String>) -> IdpError {
    refuse("NotAuthorizedException", message)
}

/// A required string member, or Cognito's complaint about it.
pub(super) fn text<'a>(body: &'a Value, name: &str) -> Result<&'a str, IdpError> {
    body[name]
        .as_str()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            refuse(
                "InvalidParameterException",
                format!("Missing required parameter {name}"),
            )
        })
}
