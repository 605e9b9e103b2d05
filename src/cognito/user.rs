//! `GetUser`: the user's name and attributes, which also proves an access token works.

use std::collections::BTreeMap;

use super::wire;
use super::{CognitoClient, CognitoError, Operation};
use crate::credentials::AccessToken;

/// `GetUser`'s answer.
#[derive(Debug, Clone)]
pub struct UserInfo {
    pub username: String,
    pub attributes: BTreeMap<String, String>,
}

impl CognitoClient {
    /// The user's name and attributes; also proves an access token is accepted.
    pub async fn get_user(&self, access: &AccessToken) -> Result<UserInfo, CognitoError> {
        let request = wire::AccessTokenRequest {
            access_token: access.expose(),
        };
        let response: wire::GetUserResponse = self
            .call(Operation::GetUser, &request, &[access.expose()])
            .await?;
        Ok(UserInfo {
            username: response.username,
            attributes: response
                .user_attributes
                .into_iter()
                .map(|a| (a.name, a.value.unwrap_or_default()))
                .collect(),
        })
    }
}
