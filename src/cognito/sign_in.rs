//! Signing in: `USER_PASSWORD_AUTH` and the answers to challenges, each step ending in
//! tokens or the next challenge.

use std::collections::BTreeMap;

use super::wire::{self, AuthResponse};
use super::{
    Challenge, ChallengeAnswer, ChallengeKind, CognitoClient, CognitoError, Operation, Tokens,
};
use crate::credentials::Password;

/// What a sign-in step led to.
#[derive(Debug)]
pub enum AuthStep {
    SignedIn(Tokens),
    Challenge(Challenge),
}

impl CognitoClient {
    /// Signs in with `USER_PASSWORD_AUTH`.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &Password,
    ) -> Result<AuthStep, CognitoError> {
        let username = username.trim();
        if username.is_empty() {
            return Err(CognitoError::InvalidInput(
                "the username is empty".to_owned(),
            ));
        }
        let hash = self.secret_hash(username);
        let mut parameters =
            BTreeMap::from([("USERNAME", username), ("PASSWORD", password.expose())]);
        if let Some(hash) = &hash {
            parameters.insert("SECRET_HASH", hash);
        }
        let request = wire::InitiateAuthRequest {
            auth_flow: "USER_PASSWORD_AUTH",
            client_id: &self.client_id,
            auth_parameters: parameters,
        };
        let response: AuthResponse = self
            .call(
                Operation::InitiateAuth,
                &request,
                &[password.expose(), hash.as_deref().unwrap_or_default()],
            )
            .await?;
        Self::step(Operation::InitiateAuth, response, username)
    }

    /// Answers a challenge with its session; the result may be another challenge.
    pub async fn respond(
        &self,
        challenge: &Challenge,
        answer: &ChallengeAnswer,
    ) -> Result<AuthStep, CognitoError> {
        let code;
        let hash = self.secret_hash(&challenge.username);
        let mut responses: BTreeMap<String, &str> =
            BTreeMap::from([("USERNAME".to_owned(), challenge.username.as_str())]);
        if let Some(hash) = &hash {
            responses.insert("SECRET_HASH".to_owned(), hash);
        }
        match (&challenge.kind, answer) {
            (
                ChallengeKind::NewPasswordRequired { .. },
                ChallengeAnswer::NewPassword {
                    password,
                    attributes,
                },
            ) => {
                if password.is_empty() {
                    return Err(CognitoError::InvalidInput(
                        "the new password is empty".to_owned(),
                    ));
                }
                responses.insert("NEW_PASSWORD".to_owned(), password.expose());
                for (name, value) in attributes {
                    responses.insert(format!("userAttributes.{name}"), value);
                }
            }
            (kind, ChallengeAnswer::Code(typed)) if kind.wants_code() => {
                code = typed
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .collect::<String>();
                if code.is_empty() {
                    return Err(CognitoError::InvalidInput("the code is empty".to_owned()));
                }
                // SMS_MFA_CODE, SOFTWARE_TOKEN_MFA_CODE, EMAIL_OTP_CODE, EMAIL_MFA_CODE
                responses.insert(format!("{}_CODE", challenge.name), &code);
            }
            (ChallengeKind::SelectMfaType { options }, ChallengeAnswer::MfaType(choice)) => {
                if !options.is_empty() && !options.contains(choice) {
                    return Err(CognitoError::InvalidInput(format!(
                        "{choice} is not one of the offered methods ({})",
                        options.join(", ")
                    )));
                }
                responses.insert("ANSWER".to_owned(), choice);
            }
            (_, answer) => {
                return Err(CognitoError::InvalidInput(format!(
                    "{answer:?} does not answer the challenge {}",
                    challenge.name
                )));
            }
        }
        let request = wire::RespondToAuthChallengeRequest {
            client_id: &self.client_id,
            challenge_name: &challenge.name,
            session: challenge.session.expose(),
            challenge_responses: responses,
        };
        let mut secrets = vec![
            challenge.session.expose(),
            hash.as_deref().unwrap_or_default(),
        ];
        if let ChallengeAnswer::NewPassword { password, .. } = answer {
            secrets.push(password.expose());
        }
        let response: AuthResponse = self
            .call(Operation::RespondToAuthChallenge, &request, &secrets)
            .await?;
        Self::step(
            Operation::RespondToAuthChallenge,
            response,
            &challenge.username,
        )
    }

    /// Tokens, or the next challenge, from an `InitiateAuth` or challenge answer.
    pub(super) fn step(
        operation: Operation,
        response: AuthResponse,
        username: &str,
    ) -> Result<AuthStep, CognitoError> {
        if let Some(result) = response.authentication_result {
            return Tokens::from_result(operation, result, None, username).map(AuthStep::SignedIn);
        }
        match (response.challenge_name, response.session) {
            (Some(name), Some(session)) if !name.is_empty() => Challenge::parse(
                name,
                session,
                &response.challenge_parameters.unwrap_or_default(),
                username,
            )
            .map(AuthStep::Challenge),
            (Some(name), None) if !name.is_empty() => Err(CognitoError::UnexpectedResponse {
                operation,
                status: 200,
                detail: format!("the challenge {name} came without a Session"),
                request_id: None,
            }),
            _ => Err(CognitoError::UnexpectedResponse {
                operation,
                status: 200,
                detail: "the answer has neither tokens nor a challenge".to_owned(),
                request_id: None,
            }),
        }
    }
}
