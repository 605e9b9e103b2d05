//! Everything that can go wrong talking to Cognito, as values with the facts kept.
//!
//! Cognito's answer to a refused call is `{"__type": "...", "message": "..."}`; the
//! `__type` alone is often too coarse (wrong password, lockout and a bad secret hash are
//! all `NotAuthorizedException`), so [`classify`] also reads the message. Turning an
//! error into a sentence for a person is `crate::i18n`'s job, not this module's.

use std::fmt;

/// The Cognito operation a request was for; some errors mean different things per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    InitiateAuth,
    RespondToAuthChallenge,
    /// `InitiateAuth` with `REFRESH_TOKEN_AUTH`.
    Refresh,
    GlobalSignOut,
    RevokeToken,
    GetUser,
    AssociateSoftwareToken,
    VerifySoftwareToken,
    SetUserMfaPreference,
    ForgotPassword,
    ConfirmForgotPassword,
    ChangePassword,
    ConfirmDevice,
    UpdateDeviceStatus,
    ForgetDevice,
    /// The OAuth 2.0 token endpoint (browser sign-in).
    OAuthToken,
}

impl Operation {
    /// The `X-Amz-Target` operation name.
    pub fn target(self) -> &'static str {
        match self {
            Self::InitiateAuth | Self::Refresh => "InitiateAuth",
            Self::RespondToAuthChallenge => "RespondToAuthChallenge",
            Self::GlobalSignOut => "GlobalSignOut",
            Self::RevokeToken => "RevokeToken",
            Self::GetUser => "GetUser",
            Self::AssociateSoftwareToken => "AssociateSoftwareToken",
            Self::VerifySoftwareToken => "VerifySoftwareToken",
            Self::SetUserMfaPreference => "SetUserMFAPreference",
            Self::ForgotPassword => "ForgotPassword",
            Self::ConfirmForgotPassword => "ConfirmForgotPassword",
            Self::ChangePassword => "ChangePassword",
            Self::ConfirmDevice => "ConfirmDevice",
            Self::UpdateDeviceStatus => "UpdateDeviceStatus",
            Self::ForgetDevice => "ForgetDevice",
            Self::OAuthToken => "oauth2/token",
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refresh => f.write_str("InitiateAuth (REFRESH_TOKEN_AUTH)"),
            other => f.write_str(other.target()),
        }
    }
}

/// What a refusal from Cognito means for the person signing in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Wrong password, or an unknown user in a pool that hides which.
    IncorrectCredentials,
    UserNotFound,
    UserNotConfirmed,
    PasswordResetRequired,
    UserDisabled,
    /// Too many failed sign-ins (`Password attempts exceeded`, `TooManyFailedAttempts`).
    AttemptsExceeded,
    /// Throttling: `TooManyRequestsException`, `LimitExceededException`.
    TooManyRequests,
    /// The app client does not allow `USER_PASSWORD_AUTH` (or the flow used).
    FlowNotEnabled,
    /// A `SECRET_HASH` was sent but does not match.
    SecretHashMismatch,
    /// The app client has a secret and none was sent.
    SecretHashMissing,
    /// The refresh token is invalid, revoked, expired or rotated out.
    InvalidRefreshToken,
    /// The access token was revoked (sign-out elsewhere) or is not valid.
    InvalidAccessToken,
    /// The challenge `Session` is no longer valid (they last 3 to 15 minutes).
    SessionExpired,
    /// A wrong MFA or one-time code.
    CodeMismatch,
    ExpiredCode,
    /// The new password breaks the pool's password policy.
    InvalidPassword,
    /// The app client or user pool does not exist (wrong client id or region).
    ResourceNotFound,
    InvalidParameter,
    /// Refused for another reason (`NotAuthorizedException` with an unknown message).
    NotAuthorized,
    /// The pool has the feature turned off (token revocation, for one).
    Unsupported,
    /// The pool's own configuration is broken (for example SMS without a role).
    PoolMisconfigured,
    /// Cognito itself failed (`InternalErrorException`, 5xx).
    ServiceFailure,
    Other,
}

impl ErrorKind {
    /// Worth retrying the same call later, unchanged.
    pub fn is_transient(self) -> bool {
        matches!(self, Self::TooManyRequests | Self::ServiceFailure)
    }
}

/// A refusal from Cognito, with everything a support request needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub operation: Operation,
    pub kind: ErrorKind,
    /// `__type` with any `prefix#` and `:suffix` removed.
    pub code: String,
    /// The server's message, with anything secret-looking removed.
    pub message: String,
    pub status: u16,
    pub request_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CognitoError {
    #[error("Cognito refused {}: {} ({}){}", .0.operation, .0.code, .0.message, request_id_suffix(.0.request_id.as_deref()))]
    Service(ServiceError),

    /// The server answered, but not in Cognito's JSON (an HTML error page, an empty body,
    /// a proxy's answer, a body too large).
    #[error("{operation}: HTTP {status} with an unreadable answer ({detail}){}", request_id_suffix(.request_id.as_deref()))]
    UnexpectedResponse {
        operation: Operation,
        status: u16,
        /// What was wrong with it, then the first characters of the body, scrubbed.
        detail: String,
        request_id: Option<String>,
    },

    #[error("{operation}: no answer from {endpoint} within {seconds} s{}", if *.while_connecting { " (while connecting)" } else { "" })]
    Timeout {
        operation: Operation,
        endpoint: String,
        while_connecting: bool,
        seconds: u64,
    },

    #[error("{operation}: {endpoint} refused the connection")]
    ConnectionRefused {
        operation: Operation,
        endpoint: String,
    },

    #[error("{operation}: network error talking to {endpoint}: {detail}")]
    Network {
        operation: Operation,
        endpoint: String,
        detail: String,
    },

    /// Cognito asked for a challenge this client cannot answer.
    #[error("Cognito asked for the sign-in challenge {name}, which Receipt Desk cannot answer")]
    UnsupportedChallenge { name: String },

    /// A setting or an argument is unusable before anything is sent.
    #[error("{0}")]
    InvalidInput(String),

    /// A browser sign-in did not end in tokens.
    #[error("browser sign-in: {0}")]
    Browser(super::oauth::OAuthError),
}

fn request_id_suffix(id: Option<&str>) -> String {
    id.map(|id| format!(" [request id {id}]"))
        .unwrap_or_default()
}

impl CognitoError {
    /// The refusal kind, when Cognito refused.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Self::Service(e) => Some(e.kind),
            _ => None,
        }
    }

    /// Worth retrying later: network trouble, throttling, a failing service.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Service(e) => e.kind.is_transient(),
            Self::UnexpectedResponse { status, .. } => *status >= 500 || *status == 429,
            Self::Timeout { .. } | Self::ConnectionRefused { .. } | Self::Network { .. } => true,
            Self::UnsupportedChallenge { .. } | Self::InvalidInput(_) | Self::Browser(_) => false,
        }
    }

    /// The request never got a usable answer from the server.
    pub fn is_network(&self) -> bool {
        matches!(
            self,
            Self::Timeout { .. }
                | Self::ConnectionRefused { .. }
                | Self::Network { .. }
                | Self::UnexpectedResponse { .. }
        ) || self.kind() == Some(ErrorKind::ServiceFailure)
    }
}

/// The AWS SDKs' rule: drop everything up to the last `#` and from the first `:`.
pub fn sanitize_error_code(raw: &str) -> &str {
    let after_hash = raw.rsplit('#').next().unwrap_or(raw);
    after_hash.split(':').next().unwrap_or(after_hash).trim()
}

/// Decides what a refusal means from its code, its message and the operation.
pub fn classify(operation: Operation, code: &str, message: &str) -> ErrorKind {
    let lower = message.to_ascii_lowercase();
    match code {
        "NotAuthorizedException" => classify_not_authorized(operation, &lower),
        "UserNotFoundException" => ErrorKind::UserNotFound,
        "UserNotConfirmedException" => ErrorKind::UserNotConfirmed,
        "PasswordResetRequiredException" => ErrorKind::PasswordResetRequired,
        "TooManyFailedAttemptsException" => ErrorKind::AttemptsExceeded,
        "TooManyRequestsException" | "LimitExceededException" | "ThrottlingException" => {
            ErrorKind::TooManyRequests
        }
        // "USER_PASSWORD_AUTH flow not enabled for this client",
        // "USER_SRP_AUTH is not enabled for this client."
        "InvalidParameterException"
            if lower.contains("flow not enabled")
                || lower.contains("not enabled for this client") =>
        {
            ErrorKind::FlowNotEnabled
        }
        "InvalidParameterException" => ErrorKind::InvalidParameter,
        "InvalidPasswordException" => ErrorKind::InvalidPassword,
        // VerifySoftwareToken's "Code mismatch and fail enable Software Token MFA".
        "CodeMismatchException" | "EnableSoftwareTokenMFAException" => ErrorKind::CodeMismatch,
        "ExpiredCodeException" => ErrorKind::ExpiredCode,
        "RefreshTokenReuseException" => ErrorKind::InvalidRefreshToken,
        // The app client was good a moment ago, so in a challenge answer this means the
        // session is gone (moto answers a spent session this way).
        "ResourceNotFoundException" if operation == Operation::RespondToAuthChallenge => {
            ErrorKind::SessionExpired
        }
        "ResourceNotFoundException" => ErrorKind::ResourceNotFound,
        "UnsupportedOperationException"
        | "UnsupportedTokenTypeException"
        | "UnknownOperationException" => ErrorKind::Unsupported,
        "InvalidUserPoolConfigurationException"
        | "InvalidSmsRoleAccessPolicyException"
        | "InvalidSmsRoleTrustRelationshipException"
        | "InvalidEmailRoleAccessPolicyException"
        | "InvalidLambdaResponseException"
        | "UnexpectedLambdaException"
        | "UserLambdaValidationException" => ErrorKind::PoolMisconfigured,
        "InternalErrorException" | "InternalFailure" | "ServiceUnavailable" => {
            ErrorKind::ServiceFailure
        }
        _ => ErrorKind::Other,
    }
}

fn classify_not_authorized(operation: Operation, lower: &str) -> ErrorKind {
    if lower.contains("incorrect username or password") {
        ErrorKind::IncorrectCredentials
    } else if lower.contains("attempts exceeded") {
        ErrorKind::AttemptsExceeded
    } else if lower.contains("was not received") {
        // "Client X is configured for secret but secret was not received" and
        // "... configured with secret but SECRET_HASH was not received"
        ErrorKind::SecretHashMissing
    } else if lower.contains("secret hash") || lower.contains("secrethash") {
        ErrorKind::SecretHashMismatch
    } else if lower.contains("refresh token") {
        ErrorKind::InvalidRefreshToken
    } else if lower.contains("access token") {
        ErrorKind::InvalidAccessToken
    } else if lower.contains("invalid session") || lower.contains("session is expired") {
        ErrorKind::SessionExpired
    } else if lower.contains("user is disabled") {
        ErrorKind::UserDisabled
    } else {
        match operation {
            Operation::Refresh => ErrorKind::InvalidRefreshToken,
            Operation::GlobalSignOut | Operation::GetUser => ErrorKind::InvalidAccessToken,
            _ => ErrorKind::NotAuthorized,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_lose_their_prefix_and_suffix() {
        assert_eq!(
            sanitize_error_code("com.amazonaws.cognito#NotAuthorizedException"),
            "NotAuthorizedException"
        );
        assert_eq!(
            sanitize_error_code("NotAuthorizedException:"),
            "NotAuthorizedException"
        );
        assert_eq!(
            sanitize_error_code(
                "aws.protocoltests#UserNotFoundException:http://internal.amazon.com/"
            ),
            "UserNotFoundException"
        );
        assert_eq!(sanitize_error_code(""), "");
    }

    #[test]
    fn not_authorized_is_told_apart_by_its_message() {
        let cases = [
            (
                "Incorrect username or password.",
                ErrorKind::IncorrectCredentials,
            ),
            ("Password attempts exceeded", ErrorKind::AttemptsExceeded),
            (
                "Unable to verify secret hash for client 4b2q",
                ErrorKind::SecretHashMismatch,
            ),
            (
                "SecretHash does not match for the client: 4b2q",
                ErrorKind::SecretHashMismatch,
            ),
            (
                "Client 4b2q is configured for secret but secret was not received",
                ErrorKind::SecretHashMissing,
            ),
            (
                "Client 4b2q is configured with secret but SECRET_HASH was not received",
                ErrorKind::SecretHashMissing,
            ),
            ("Invalid Refresh Token.", ErrorKind::InvalidRefreshToken),
            (
                "Refresh Token has been revoked",
                ErrorKind::InvalidRefreshToken,
            ),
            (
                "Access Token has been revoked",
                ErrorKind::InvalidAccessToken,
            ),
            ("Invalid session for the user.", ErrorKind::SessionExpired),
            (
                "Invalid session for the user, session is expired.",
                ErrorKind::SessionExpired,
            ),
            ("User is disabled.", ErrorKind::UserDisabled),
            ("Something new", ErrorKind::NotAuthorized),
        ];
        for (message, kind) in cases {
            assert_eq!(
                classify(Operation::InitiateAuth, "NotAuthorizedException", message),
                kind,
                "{message}"
            );
        }
    }

    #[test]
    fn the_operation_decides_an_unexplained_refusal() {
        assert_eq!(
            classify(Operation::Refresh, "NotAuthorizedException", ""),
            ErrorKind::InvalidRefreshToken
        );
        assert_eq!(
            classify(
                Operation::GetUser,
                "NotAuthorizedException",
                "Invalid token"
            ),
            ErrorKind::InvalidAccessToken
        );
        assert_eq!(
            classify(
                Operation::RespondToAuthChallenge,
                "ResourceNotFoundException",
                "0fefa528"
            ),
            ErrorKind::SessionExpired
        );
        assert_eq!(
            classify(
                Operation::InitiateAuth,
                "ResourceNotFoundException",
                "nonexist"
            ),
            ErrorKind::ResourceNotFound
        );
    }

    #[test]
    fn other_types_map_to_their_kind() {
        let cases = [
            ("UserNotFoundException", "", ErrorKind::UserNotFound),
            ("UserNotConfirmedException", "", ErrorKind::UserNotConfirmed),
            (
                "PasswordResetRequiredException",
                "",
                ErrorKind::PasswordResetRequired,
            ),
            ("TooManyRequestsException", "", ErrorKind::TooManyRequests),
            (
                "TooManyFailedAttemptsException",
                "",
                ErrorKind::AttemptsExceeded,
            ),
            (
                "InvalidParameterException",
                "USER_PASSWORD_AUTH flow not enabled for this client",
                ErrorKind::FlowNotEnabled,
            ),
            (
                "InvalidParameterException",
                "x",
                ErrorKind::InvalidParameter,
            ),
            ("InvalidPasswordException", "", ErrorKind::InvalidPassword),
            ("CodeMismatchException", "", ErrorKind::CodeMismatch),
            ("ExpiredCodeException", "", ErrorKind::ExpiredCode),
            (
                "RefreshTokenReuseException",
                "",
                ErrorKind::InvalidRefreshToken,
            ),
            ("InternalErrorException", "", ErrorKind::ServiceFailure),
            ("SomethingNewException", "", ErrorKind::Other),
        ];
        for (code, message, kind) in cases {
            assert_eq!(
                classify(Operation::InitiateAuth, code, message),
                kind,
                "{code}"
            );
        }
    }
}
