//! Remembered devices. A pool that tracks devices names each new one at sign-in
//! (`NewDeviceMetadata`); the client confirms it with an SRP verifier of a random device
//! password (`ConfirmDevice`), may mark it remembered (`UpdateDeviceStatus`), and signs in
//! from it later with `DEVICE_KEY`: Cognito then asks `DEVICE_SRP_AUTH` and
//! `DEVICE_PASSWORD_VERIFIER` instead of MFA. Refreshes must send the device key.
//!
//! A [`Device`] is a credential: it lives in the keyring only and prints as `Device(..)`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde_json::json;

use super::srp::{self, ClientEphemeral, DeviceVerifier};
use super::wire::{self, AuthResponse, NewDeviceMetadata};
use super::{AuthStep, CognitoClient, CognitoError, Operation};
use crate::credentials::{AccessToken, Password};

/// A confirmed device: Cognito's keys for it and the password only it knows.
#[derive(Clone, PartialEq, Eq)]
pub struct Device {
    pub key: String,
    pub group_key: String,
    password: Password,
}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Device(..)")
    }
}

#[derive(serde::Serialize, Deserialize)]
struct DeviceWire {
    #[serde(rename = "device_key")]
    key: String,
    #[serde(rename = "device_group_key")]
    group_key: String,
    #[serde(rename = "device_password")]
    password: String,
}

impl Device {
    /// For the keyring.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&DeviceWire {
            key: self.key.clone(),
            group_key: self.group_key.clone(),
            password: self.password.expose().to_owned(),
        })
        .unwrap_or_default()
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let wire: DeviceWire = serde_json::from_slice(bytes).ok()?;
        Some(Self {
            key: wire.key,
            group_key: wire.group_key,
            password: Password::new(wire.password),
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ConfirmResponse {
    #[serde(default)]
    user_confirmation_necessary: bool,
}

/// What confirming a new device gave.
#[derive(Debug)]
pub struct Confirmed {
    pub device: Device,
    /// The pool remembers devices only when the user says so (`UpdateDeviceStatus`).
    pub user_confirmation_necessary: bool,
}

impl CognitoClient {
    /// Confirms the device a sign-in named, with a fresh verifier.
    pub async fn confirm_device(
        &self,
        access: &AccessToken,
        new: &NewDeviceMetadata,
        device_name: &str,
    ) -> Result<Confirmed, CognitoError> {
        let verifier = DeviceVerifier::new(&new.device_group_key, &new.device_key);
        let response: ConfirmResponse = self
            .call(
                Operation::ConfirmDevice,
                &json!({"AccessToken": access.expose(), "DeviceKey": new.device_key,
                        "DeviceName": device_name,
                        "DeviceSecretVerifierConfig": {"Salt": verifier.salt_b64,
                                                       "PasswordVerifier": verifier.verifier_b64}}),
                &[access.expose(), &verifier.password],
            )
            .await?;
        Ok(Confirmed {
            device: Device {
                key: new.device_key.clone(),
                group_key: new.device_group_key.clone(),
                password: Password::new(verifier.password.clone()),
            },
            user_confirmation_necessary: response.user_confirmation_necessary,
        })
    }

    /// Marks a confirmed device remembered (MFA is skipped from it) or not.
    pub async fn remember_device(
        &self,
        access: &AccessToken,
        device_key: &str,
        remembered: bool,
    ) -> Result<(), CognitoError> {
        let status = if remembered {
            "remembered"
        } else {
            "not_remembered"
        };
        self.call::<_, serde::de::IgnoredAny>(
            Operation::UpdateDeviceStatus,
            &json!({"AccessToken": access.expose(), "DeviceKey": device_key,
                    "DeviceRememberedStatus": status}),
            &[access.expose()],
        )
        .await?;
        Ok(())
    }

    /// Forgets a device on the server: its next sign-in is a new device again.
    pub async fn forget_device(
        &self,
        access: &AccessToken,
        device_key: &str,
    ) -> Result<(), CognitoError> {
        self.call::<_, serde::de::IgnoredAny>(
            Operation::ForgetDevice,
            &json!({"AccessToken": access.expose(), "DeviceKey": device_key}),
            &[access.expose()],
        )
        .await?;
        Ok(())
    }

    /// After a sign-in step: answers `DEVICE_SRP_AUTH` for a remembered device, then
    /// reads tokens or the next challenge; tokens carry the device key to refresh with.
    pub(super) async fn device_step(
        &self,
        operation: Operation,
        response: AuthResponse,
        username: &str,
        device: Option<&Device>,
    ) -> Result<AuthStep, CognitoError> {
        let response = match (response.challenge_name.as_deref(), device) {
            (Some("DEVICE_SRP_AUTH"), Some(device)) => {
                let answer_as = response
                    .challenge_parameters
                    .as_ref()
                    .and_then(|p| p.get("USERNAME"))
                    .map(wire::parameter_text)
                    .filter(|u| !u.is_empty())
                    .unwrap_or_else(|| username.to_owned());
                self.device_password_verifier(
                    &answer_as,
                    response.session.unwrap_or_default(),
                    device,
                )
                .await?
            }
            _ => response,
        };
        let mut step = Self::step(operation, response, username)?;
        if let Some(device) = device {
            match &mut step {
                AuthStep::SignedIn(tokens) if tokens.new_device.is_none() => {
                    tokens.device_key = Some(device.key.clone());
                }
                AuthStep::Challenge(challenge) => {
                    challenge.device_key = Some(device.key.clone());
                }
                AuthStep::SignedIn(_) => {}
            }
        }
        Ok(step)
    }

    /// `DEVICE_SRP_AUTH` then `DEVICE_PASSWORD_VERIFIER`: the device proves its password
    /// as a user proves theirs, with the group key for the pool and the device key for
    /// the user.
    async fn device_password_verifier(
        &self,
        username: &str,
        session: String,
        device: &Device,
    ) -> Result<AuthResponse, CognitoError> {
        let ephemeral = ClientEphemeral::new();
        let a_hex = ephemeral.public_hex();
        let hash = self.secret_hash(username);
        let mut responses: BTreeMap<String, &str> = BTreeMap::from([
            ("USERNAME".to_owned(), username),
            ("SRP_A".to_owned(), a_hex.as_str()),
            ("DEVICE_KEY".to_owned(), device.key.as_str()),
        ]);
        if let Some(hash) = &hash {
            responses.insert("SECRET_HASH".to_owned(), hash);
        }
        let request = wire::RespondToAuthChallengeRequest {
            client_id: &self.client_id,
            challenge_name: "DEVICE_SRP_AUTH",
            session: &session,
            challenge_responses: responses,
        };
        let challenge: AuthResponse = self
            .call(
                Operation::RespondToAuthChallenge,
                &request,
                &[&session, hash.as_deref().unwrap_or_default()],
            )
            .await?;
        let unexpected = |detail: String| CognitoError::UnexpectedResponse {
            operation: Operation::RespondToAuthChallenge,
            status: 200,
            detail,
            request_id: None,
        };
        if challenge.challenge_name.as_deref() != Some("DEVICE_PASSWORD_VERIFIER") {
            return Err(unexpected(format!(
                "DEVICE_SRP_AUTH was answered with {:?}",
                challenge.challenge_name
            )));
        }
        let parameters = challenge.challenge_parameters.unwrap_or_default();
        let get = |key: &str| {
            parameters
                .get(key)
                .map(wire::parameter_text)
                .unwrap_or_default()
        };
        let secret_block = get("SECRET_BLOCK");
        let timestamp = srp::timestamp(jiff::Timestamp::now().as_second());
        let signature = ephemeral
            .password_claim(
                srp::ClaimContext {
                    pool_name: &device.group_key,
                    user_id: &device.key,
                    timestamp: &timestamp,
                },
                device.password.expose(),
                &get("SALT"),
                &get("SRP_B"),
                &secret_block,
            )
            .map_err(|e| unexpected(format!("DEVICE_PASSWORD_VERIFIER: {e}")))?;
        let mut responses: BTreeMap<String, &str> = BTreeMap::from([
            ("USERNAME".to_owned(), username),
            (
                "PASSWORD_CLAIM_SECRET_BLOCK".to_owned(),
                secret_block.as_str(),
            ),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), signature.as_str()),
            ("TIMESTAMP".to_owned(), timestamp.as_str()),
            ("DEVICE_KEY".to_owned(), device.key.as_str()),
        ]);
        if let Some(hash) = &hash {
            responses.insert("SECRET_HASH".to_owned(), hash);
        }
        let session = challenge.session.unwrap_or_default();
        let request = wire::RespondToAuthChallengeRequest {
            client_id: &self.client_id,
            challenge_name: "DEVICE_PASSWORD_VERIFIER",
            session: &session,
            challenge_responses: responses,
        };
        self.call(
            Operation::RespondToAuthChallenge,
            &request,
            &[
                &session,
                &secret_block,
                &signature,
                hash.as_deref().unwrap_or_default(),
            ],
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_round_trips_through_the_keyring_bytes_and_never_prints() {
        let device = Device {
            key: "ap-northeast-1_k".to_owned(),
            group_key: "-g".to_owned(),
            password: Password::new("device-password"),
        };
        assert_eq!(Device::from_bytes(&device.to_bytes()), Some(device.clone()));
        assert_eq!(format!("{device:?}"), "Device(..)");
        assert_eq!(Device::from_bytes(b"not json"), None);
    }
}
