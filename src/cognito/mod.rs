//! The Cognito Identity Provider JSON protocol, as a desktop client speaks it.
//!
//! One `POST /` per operation with `X-Amz-Target`, no `SigV4`: sign-in with
//! `USER_SRP_AUTH` or `USER_PASSWORD_AUTH`, the challenges a real pool can send, refresh, sign-out. Every
//! answer — JSON, HTML, empty, cut off, late — becomes a value; nothing here panics.
//!
//! One file per job: `client` (the client and its timeouts), `sign_in` and `challenge`,
//! `refresh`, `sign_out`, `user` (`GetUser`), `transport` (the HTTP call), `tokens`,
//! `endpoint` (regions and client ids); `wire` and `error` hold the types.

mod challenge;
mod client;
mod device;
mod endpoint;
pub mod error;
mod loopback;
pub mod mfa;
pub mod oauth;
mod password;
mod refresh;
mod sign_in;
mod sign_out;
pub mod srp;
mod tokens;
mod transport;
mod user;
pub mod wire;

pub use self::challenge::{Challenge, ChallengeAnswer, ChallengeKind};
pub use self::client::{CALL_TIMEOUT, CONNECT_TIMEOUT, CognitoClient, Timeouts};
pub use self::device::{Confirmed, Device};
pub use self::endpoint::{is_client_id, is_region_name, is_user_pool_id, region_endpoint};
pub use self::error::{CognitoError, ErrorKind, Operation, ServiceError};
pub use self::password::CodeDelivery;
pub use self::sign_in::{AuthStep, FlowPlan, PasswordFlow};
pub use self::sign_out::Revocation;
pub use self::tokens::Tokens;
pub use self::user::UserInfo;
