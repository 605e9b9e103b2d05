//! Devices, for app clients with `device_tracking`: a sign-in from an unknown device
//! names a new one (`NewDeviceMetadata`), `ConfirmDevice` keeps its SRP verifier,
//! `UpdateDeviceStatus` remembers it (or `always` does), and a sign-in with a remembered
//! `DEVICE_KEY` proves the device (`DEVICE_SRP_AUTH` → `DEVICE_PASSWORD_VERIFIER`)
//! instead of answering MFA. Refresh tokens a device got refresh only with its key.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use super::challenges::SrpPending;
use super::config::{ClientConfig, DeviceTracking};
use super::error::{IdpError, not_authorized, refuse, text};
use super::{Idp, State, constant_time_eq};
use crate::cognito::srp;
use crate::local::ids::{random_bytes, random_uuid};

/// A device Cognito named for a user.
pub(super) struct DeviceRecord {
    pub(super) username: String,
    pub(super) client_id: String,
    pub(super) group_key: String,
    /// From `ConfirmDevice`; `None` until then.
    pub(super) verifier: Option<srp::Verifier>,
    pub(super) remembered: bool,
}

impl Idp {
    /// The device `key` when it is `username`'s, confirmed and remembered.
    pub(super) fn remembered_device<'s>(
        state: &'s State,
        client: &ClientConfig,
        username: &str,
        key: &str,
    ) -> Option<&'s DeviceRecord> {
        if client.device_tracking == DeviceTracking::Off {
            return None;
        }
        state
            .devices
            .get(key)
            .filter(|d| d.username == username && d.verifier.is_some() && d.remembered)
    }

    /// For tokens being issued: the device they belong to (a confirmed one the sign-in
    /// named, or a new one, returned as `NewDeviceMetadata`).
    pub(super) fn device_for_tokens(
        &self,
        state: &mut State,
        client: &ClientConfig,
        username: &str,
        presented: Option<&str>,
    ) -> (Option<String>, Option<Value>) {
        if client.device_tracking == DeviceTracking::Off {
            return (None, None);
        }
        if let Some(key) = presented
            && state
                .devices
                .get(key)
                .is_some_and(|d| d.username == username && d.verifier.is_some())
        {
            return (Some(key.to_owned()), None);
        }
        let region = self.pool_id.split('_').next().unwrap_or("local");
        let key = format!("{region}_{}", random_uuid());
        let group_key = format!("-{}", URL_SAFE_NO_PAD.encode(random_bytes(6)));
        state.devices.insert(
            key.clone(),
            DeviceRecord {
                username: username.to_owned(),
                client_id: client.id.clone(),
                group_key: group_key.clone(),
                verifier: None,
                remembered: false,
            },
        );
        let metadata = json!({"DeviceKey": key, "DeviceGroupKey": group_key});
        (Some(key), Some(metadata))
    }

    /// Whether a refresh token issued to `device` may be used with the `DEVICE_KEY` sent.
    pub(super) fn device_may_refresh(state: &State, device: &str, sent: Option<&str>) -> bool {
        sent.is_some_and(|sent| constant_time_eq(sent.as_bytes(), device.as_bytes()))
            && state
                .devices
                .get(device)
                .is_some_and(|d| d.verifier.is_some())
    }

    /// `DEVICE_SRP_AUTH`: the device's `SRP_A`; answered with its salt, `B` and a block.
    pub(super) fn device_srp_auth(
        state: &mut State,
        client: &ClientConfig,
        username: &str,
        device: Option<&str>,
        responses: &Value,
        now: i64,
    ) -> Result<Value, IdpError> {
        let invalid = || not_authorized("Invalid session for the user.");
        let key = device.ok_or_else(invalid)?;
        let sent = text(responses, "DEVICE_KEY")?;
        if sent != key {
            return Err(refuse(
                "ResourceNotFoundException",
                "Device does not exist.",
            ));
        }
        let a_hex = text(responses, "SRP_A")?;
        if !srp::acceptable_a(a_hex) {
            return Err(refuse(
                "InvalidParameterException",
                "SRP_A is not a valid SRP value",
            ));
        }
        let record = Self::remembered_device(state, client, username, key).ok_or_else(invalid)?;
        let verifier = record.verifier.clone().ok_or_else(invalid)?;
        let server = srp::ServerEphemeral::new(&verifier);
        let block = random_bytes(64);
        let parameters = json!({
            "SALT": verifier.salt_hex(),
            "SRP_B": server.public_hex(),
            "SECRET_BLOCK": STANDARD.encode(&block),
            "USERNAME": username,
            "DEVICE_KEY": key,
        });
        let session = Self::open_srp_session(
            state,
            username,
            client,
            "DEVICE_PASSWORD_VERIFIER",
            SrpPending {
                verifier,
                server,
                a_hex: a_hex.to_owned(),
                block,
            },
            Some(key),
            now,
        );
        Ok(json!({
            "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
            "Session": session,
            "ChallengeParameters": parameters,
        }))
    }

    /// The device's proof, checked as a password's is, with the group key for the pool
    /// and the device key for the user.
    pub(super) fn device_proven(
        state: &State,
        key: &str,
        pending: &SrpPending,
        responses: &Value,
    ) -> Result<bool, IdpError> {
        let Some(record) = state.devices.get(key) else {
            return Ok(false);
        };
        let block = srp::decode_secret_block(text(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?)
            .ok()
            .filter(|b| constant_time_eq(b, &pending.block));
        let Some(block) = block else {
            return Ok(false);
        };
        Ok(pending.server.verify(
            &pending.verifier,
            &pending.a_hex,
            srp::ClaimContext {
                pool_name: &record.group_key,
                user_id: key,
                timestamp: text(responses, "TIMESTAMP")?,
            },
            &block,
            text(responses, "PASSWORD_CLAIM_SIGNATURE")?,
        ))
    }

    /// The signed-in user's device `DeviceKey`, or Cognito's refusal.
    fn own_device<'s>(
        &self,
        state: &'s mut State,
        body: &Value,
    ) -> Result<&'s mut DeviceRecord, IdpError> {
        let username = self.access_user(state, body)?;
        let key = text(body, "DeviceKey")?;
        state
            .devices
            .get_mut(key)
            .filter(|d| d.username == username)
            .ok_or_else(|| refuse("ResourceNotFoundException", "Device does not exist."))
    }

    pub(super) fn confirm_device(&self, body: &Value) -> Result<Value, IdpError> {
        let config = &body["DeviceSecretVerifierConfig"];
        let verifier = srp::Verifier::from_base64(
            config["Salt"].as_str().unwrap_or_default(),
            config["PasswordVerifier"].as_str().unwrap_or_default(),
        )
        .ok_or_else(|| {
            refuse(
                "InvalidParameterException",
                "DeviceSecretVerifierConfig is not a valid salt and verifier",
            )
        })?;
        let mut state = self.lock();
        let device = self.own_device(&mut state, body)?;
        let tracking = self
            .clients
            .get(&device.client_id)
            .map_or(DeviceTracking::Off, |c| c.device_tracking);
        device.verifier = Some(verifier);
        device.remembered = tracking == DeviceTracking::Always;
        Ok(json!({"UserConfirmationNecessary": tracking == DeviceTracking::UserOptIn}))
    }

    pub(super) fn update_device_status(&self, body: &Value) -> Result<Value, IdpError> {
        let remembered = match text(body, "DeviceRememberedStatus")? {
            "remembered" => true,
            "not_remembered" => false,
            other => {
                return Err(refuse(
                    "InvalidParameterException",
                    format!("DeviceRememberedStatus {other} is not remembered or not_remembered"),
                ));
            }
        };
        let mut state = self.lock();
        let device = self.own_device(&mut state, body)?;
        if device.verifier.is_none() {
            return Err(refuse(
                "InvalidParameterException",
                "The device is not confirmed",
            ));
        }
        device.remembered = remembered;
        Ok(json!({}))
    }

    pub(super) fn forget_device(&self, body: &Value) -> Result<Value, IdpError> {
        let mut state = self.lock();
        self.own_device(&mut state, body)?;
        let key = text(body, "DeviceKey")?.to_owned();
        state.devices.remove(&key);
        Ok(json!({}))
    }
}
