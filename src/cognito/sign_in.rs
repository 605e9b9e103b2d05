//! Signing in: `USER_SRP_AUTH` (the password proven, never sent) or
//! `USER_PASSWORD_AUTH`, the fallback from one to the other when the app client allows
//! only the other, and the answers to challenges, each step ending in tokens or the next
//! challenge.

use std::collections::BTreeMap;

use super::srp::{self, ClientEphemeral};
use super::wire::{self, AuthResponse};
use super::{
    Challenge, ChallengeAnswer, ChallengeKind, CognitoClient, CognitoError, Device, ErrorKind,
    Operation, Tokens,
};
use crate::credentials::Password;

/// What a sign-in step led to.
#[derive(Debug)]
pub enum AuthStep {
    SignedIn(Tokens),
    Challenge(Challenge),
}

/// How a password reaches Cognito.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordFlow {
    /// `USER_SRP_AUTH`: the password is proven, never sent (needs the pool id).
    Srp,
    /// `USER_PASSWORD_AUTH`: the password goes over TLS.
    Password,
}

/// The flows to try, in order, and the user pool id SRP needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowPlan {
    pub flows: Vec<PasswordFlow>,
    pub pool_id: Option<String>,
}

impl CognitoClient {
    /// Signs in with the plan's first flow that the app client allows: a refusal that
    /// says the flow is not enabled moves on to the next one. Returns the flow that
    /// answered, to be tried first next time.
    pub async fn sign_in_with(
        &self,
        plan: &FlowPlan,
        username: &str,
        password: &Password,
    ) -> Result<(AuthStep, PasswordFlow), CognitoError> {
        self.sign_in_from_device(plan, username, password, None)
            .await
    }

    /// [`Self::sign_in_with`] from a confirmed device: `DEVICE_KEY` goes with the sign-in,
    /// a remembered device answers `DEVICE_SRP_AUTH` (instead of MFA), and the tokens
    /// refresh with its key.
    pub async fn sign_in_from_device(
        &self,
        plan: &FlowPlan,
        username: &str,
        password: &Password,
        device: Option<&Device>,
    ) -> Result<(AuthStep, PasswordFlow), CognitoError> {
        let flows: Vec<PasswordFlow> = plan
            .flows
            .iter()
            .copied()
            .filter(|f| *f == PasswordFlow::Password || plan.pool_id.is_some())
            .collect();
        let Some((last, first)) = flows.split_last() else {
            return Err(CognitoError::InvalidInput(
                "SRP sign-in needs the user pool id (REGION_ID) in the profile".to_owned(),
            ));
        };
        for flow in first.iter().chain([last]) {
            let result = match flow {
                PasswordFlow::Srp => {
                    let pool_id = plan.pool_id.as_deref().unwrap_or_default();
                    self.srp_sign_in(pool_id, username, password, device).await
                }
                PasswordFlow::Password => self.password_sign_in(username, password, device).await,
            };
            match result {
                Err(e) if e.kind() == Some(ErrorKind::FlowNotEnabled) && flow != last => {
                    tracing::info!(
                        ?flow,
                        "the app client does not allow this flow; trying the next"
                    );
                }
                other => return other.map(|step| (step, *flow)),
            }
        }
        unreachable!("the last flow returns")
    }

    /// Signs in with `USER_SRP_AUTH`, answering the `PASSWORD_VERIFIER` challenge; what
    /// follows (a new password, MFA) comes back as usual.
    pub async fn sign_in_srp(
        &self,
        pool_id: &str,
        username: &str,
        password: &Password,
    ) -> Result<AuthStep, CognitoError> {
        self.srp_sign_in(pool_id, username, password, None).await
    }

    async fn srp_sign_in(
        &self,
        pool_id: &str,
        username: &str,
        password: &Password,
        device: Option<&Device>,
    ) -> Result<AuthStep, CognitoError> {
        let username = username.trim();
        if username.is_empty() {
            return Err(CognitoError::InvalidInput(
                "the username is empty".to_owned(),
            ));
        }
        let pool_name =
            srp::pool_name(pool_id).map_err(|e| CognitoError::InvalidInput(e.to_string()))?;
        let ephemeral = ClientEphemeral::new();
        let a_hex = ephemeral.public_hex();
        let hash = self.secret_hash(username);
        let mut parameters = BTreeMap::from([("USERNAME", username), ("SRP_A", a_hex.as_str())]);
        if let Some(hash) = &hash {
            parameters.insert("SECRET_HASH", hash);
        }
        if let Some(device) = device {
            parameters.insert("DEVICE_KEY", &device.key);
        }
        let request = wire::InitiateAuthRequest {
            auth_flow: "USER_SRP_AUTH",
            client_id: &self.client_id,
            auth_parameters: parameters,
        };
        let response: AuthResponse = self
            .call(
                Operation::InitiateAuth,
                &request,
                &[hash.as_deref().unwrap_or_default()],
            )
            .await?;
        if response.challenge_name.as_deref() != Some("PASSWORD_VERIFIER") {
            return self
                .device_step(Operation::InitiateAuth, response, username, device)
                .await;
        }
        let parameters = response.challenge_parameters.unwrap_or_default();
        let get = |key: &str| {
            parameters
                .get(key)
                .map(wire::parameter_text)
                .unwrap_or_default()
        };
        let user_id = get("USER_ID_FOR_SRP");
        let secret_block = get("SECRET_BLOCK");
        // Cognito's own username (pycognito's choice; moto refuses the sub here).
        let answer_as = Some(get("USERNAME"))
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| username.to_owned());
        let unexpected = |detail: String| CognitoError::UnexpectedResponse {
            operation: Operation::InitiateAuth,
            status: 200,
            detail,
            request_id: None,
        };
        if user_id.is_empty() {
            return Err(unexpected(
                "PASSWORD_VERIFIER came without USER_ID_FOR_SRP".to_owned(),
            ));
        }
        let timestamp = srp::timestamp(jiff::Timestamp::now().as_second());
        let signature = ephemeral
            .password_claim(
                srp::ClaimContext {
                    pool_name,
                    user_id: &user_id,
                    timestamp: &timestamp,
                },
                password.expose(),
                &get("SALT"),
                &get("SRP_B"),
                &secret_block,
            )
            .map_err(|e| unexpected(format!("PASSWORD_VERIFIER: {e}")))?;
        let hash = self.secret_hash(&answer_as);
        let mut responses: BTreeMap<String, &str> = BTreeMap::from([
            ("USERNAME".to_owned(), answer_as.as_str()),
            (
                "PASSWORD_CLAIM_SECRET_BLOCK".to_owned(),
                secret_block.as_str(),
            ),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), signature.as_str()),
            ("TIMESTAMP".to_owned(), timestamp.as_str()),
        ]);
        if let Some(hash) = &hash {
            responses.insert("SECRET_HASH".to_owned(), hash);
        }
        if let Some(device) = device {
            responses.insert("DEVICE_KEY".to_owned(), &device.key);
        }
        let session = response.session.unwrap_or_default();
        let request = wire::RespondToAuthChallengeRequest {
            client_id: &self.client_id,
            challenge_name: "PASSWORD_VERIFIER",
            session: &session,
            challenge_responses: responses,
        };
        let response: AuthResponse = self
            .call(
                Operation::RespondToAuthChallenge,
                &request,
                &[
                    &session,
                    &secret_block,
                    &signature,
                    hash.as_deref().unwrap_or_default(),
                ],
            )
            .await?;
        self.device_step(
            Operation::RespondToAuthChallenge,
            response,
            &answer_as,
            device,
        )
        .await
    }

    /// Signs in with `USER_PASSWORD_AUTH`.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &Password,
    ) -> Result<AuthStep, CognitoError> {
        self.password_sign_in(username, password, None).await
    }

    async fn password_sign_in(
        &self,
        username: &str,
        password: &Password,
        device: Option<&Device>,
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
        if let Some(device) = device {
            parameters.insert("DEVICE_KEY", &device.key);
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
        self.device_step(Operation::InitiateAuth, response, username, device)
            .await
    }

    /// Answers a challenge with its session; the result may be another challenge.
    pub async fn respond(
        &self,
        challenge: &Challenge,
        answer: &ChallengeAnswer,
    ) -> Result<AuthStep, CognitoError> {
        let code;
        let mut session = challenge.session.clone();
        if let (ChallengeKind::MfaSetup { .. }, ChallengeAnswer::Code(typed)) =
            (&challenge.kind, answer)
        {
            let typed = super::mfa::clean_code(typed);
            if typed.is_empty() {
                return Err(CognitoError::InvalidInput("the code is empty".to_owned()));
            }
            // The app is proven first; MFA_SETUP then needs only the new session.
            session = self.verify_in_challenge(challenge, &typed).await?;
        }
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
            (ChallengeKind::MfaSetup { .. }, ChallengeAnswer::Code(_)) => {}
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
            session: session.expose(),
            challenge_responses: responses,
        };
        let mut secrets = vec![session.expose(), hash.as_deref().unwrap_or_default()];
        if let ChallengeAnswer::NewPassword { password, .. } = answer {
            secrets.push(password.expose());
        }
        let response: AuthResponse = self
            .call(Operation::RespondToAuthChallenge, &request, &secrets)
            .await?;
        let mut step = Self::step(
            Operation::RespondToAuthChallenge,
            response,
            &challenge.username,
        )?;
        match &mut step {
            AuthStep::SignedIn(tokens) if tokens.new_device.is_none() => {
                tokens.device_key.clone_from(&challenge.device_key);
            }
            AuthStep::Challenge(next) => next.device_key.clone_from(&challenge.device_key),
            AuthStep::SignedIn(_) => {}
        }
        Ok(step)
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
