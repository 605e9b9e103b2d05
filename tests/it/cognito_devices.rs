//! Remembered devices against the local stack (moto answers `ConfirmDevice` with HTTP
//! 500): a sign-in names a new device, `ConfirmDevice` with an SRP verifier, a
//! remembered device signs in without MFA (`DEVICE_SRP_AUTH` →
//! `DEVICE_PASSWORD_VERIFIER`), its tokens refresh only with its key, and a forgotten or
//! forged device is asked for MFA or refused.

use crate::support;

use receipt_desk::cognito::{
    AuthStep, ChallengeAnswer, CognitoClient, Device, ErrorKind, FlowPlan, PasswordFlow, Timeouts,
    Tokens,
};
use receipt_desk::credentials::Password;
use support::{PASSWORD, Peer, cast};

const ALWAYS: &str = "devicealwaysclient00000001";
const OPT_IN: &str = "deviceoptinclient000000001";

async fn peer() -> Peer {
    Peer::local_with(|toml| {
        use std::fmt::Write as _;
        let _ = write!(
            toml,
            "\n[[clients]]\nid = \"{ALWAYS}\"\ndevice_tracking = \"always\"\n\
             \n[[clients]]\nid = \"{OPT_IN}\"\ndevice_tracking = \"user_opt_in\"\n"
        );
    })
    .await
}

fn client(peer: &Peer, id: &str) -> CognitoClient {
    CognitoClient::new(peer.pool.moto_url.clone(), id, None, Timeouts::default()).expect("client")
}

fn plan(peer: &Peer, flow: PasswordFlow) -> FlowPlan {
    FlowPlan {
        flows: vec![flow],
        pool_id: Some(peer.pool.id.clone()),
    }
}

/// Tina (who has an authenticator) signs in, from `device` when given, answering MFA
/// when asked; returns the tokens and whether MFA was asked.
async fn sign_in_tina(
    peer: &Peer,
    client: &CognitoClient,
    flow: PasswordFlow,
    device: Option<&Device>,
) -> (Tokens, bool) {
    let (step, _) = client
        .sign_in_from_device(
            &plan(peer, flow),
            cast::TINA,
            &Password::new(PASSWORD),
            device,
        )
        .await
        .expect("the password is right");
    match step {
        AuthStep::SignedIn(tokens) => (tokens, false),
        AuthStep::Challenge(challenge) => {
            assert_eq!(challenge.name, "SOFTWARE_TOKEN_MFA");
            let code = support::unused_code(peer, cast::TOTP_SECRET);
            match client
                .respond(&challenge, &ChallengeAnswer::Code(code))
                .await
                .expect("the code is right")
            {
                AuthStep::SignedIn(tokens) => (tokens, true),
                AuthStep::Challenge(c) => panic!("another challenge: {}", c.name),
            }
        }
    }
}

#[tokio::test]
async fn a_remembered_device_signs_in_without_mfa_and_refreshes_with_its_key() {
    let peer = peer().await;
    let client = client(&peer, ALWAYS);
    let (tokens, asked) = sign_in_tina(&peer, &client, PasswordFlow::Srp, None).await;
    assert!(asked, "a new device answers MFA");
    let new = tokens
        .new_device
        .clone()
        .expect("the pool named a new device");
    assert_eq!(tokens.device_key.as_deref(), Some(new.device_key.as_str()));
    // Before it is confirmed, its tokens do not refresh.
    let refresh = tokens.refresh.clone().expect("refresh token");
    let early = client
        .refresh_for_device(&refresh, &tokens.username, tokens.device_key.as_deref())
        .await
        .expect_err("unconfirmed device");
    assert_eq!(early.kind(), Some(ErrorKind::InvalidRefreshToken));
    let confirmed = client
        .confirm_device(&tokens.access, &new, "test device")
        .await
        .expect("confirmed");
    assert!(!confirmed.user_confirmation_necessary, "always remembered");
    let device = confirmed.device;
    client
        .refresh_for_device(&refresh, &tokens.username, Some(&device.key))
        .await
        .expect("refreshes with the device key");
    let without = client
        .refresh(&refresh, &tokens.username)
        .await
        .expect_err("no device key");
    assert_eq!(without.kind(), Some(ErrorKind::InvalidRefreshToken));

    // From the device: no MFA, in both flows, and no new device.
    for flow in [PasswordFlow::Srp, PasswordFlow::Password] {
        let (again, asked) = sign_in_tina(&peer, &client, flow, Some(&device)).await;
        assert!(!asked, "{flow:?}: a remembered device skips MFA");
        assert!(again.new_device.is_none());
        assert_eq!(again.device_key.as_deref(), Some(device.key.as_str()));
        let refresh = again.refresh.clone().expect("refresh");
        let refreshed = client
            .refresh_for_device(&refresh, &again.username, again.device_key.as_deref())
            .await
            .expect("refresh");
        assert_eq!(refreshed.device_key, again.device_key);
    }
}

#[tokio::test]
async fn an_opt_in_pool_remembers_a_device_only_when_asked_and_forgets_it() {
    let peer = peer().await;
    let client = client(&peer, OPT_IN);
    let (tokens, _) = sign_in_tina(&peer, &client, PasswordFlow::Srp, None).await;
    let confirmed = client
        .confirm_device(
            &tokens.access,
            &tokens.new_device.clone().expect("new"),
            "t",
        )
        .await
        .expect("confirmed");
    assert!(confirmed.user_confirmation_necessary);
    let device = confirmed.device;
    let (tokens, asked) = sign_in_tina(&peer, &client, PasswordFlow::Srp, Some(&device)).await;
    assert!(asked, "confirmed but not remembered: MFA as usual");
    client
        .remember_device(&tokens.access, &device.key, true)
        .await
        .expect("remembered");
    let (tokens, asked) = sign_in_tina(&peer, &client, PasswordFlow::Srp, Some(&device)).await;
    assert!(!asked, "remembered: no MFA");
    client
        .forget_device(&tokens.access, &device.key)
        .await
        .expect("forgotten");
    let (tokens, asked) = sign_in_tina(&peer, &client, PasswordFlow::Srp, Some(&device)).await;
    assert!(asked, "forgotten: MFA again");
    assert!(tokens.new_device.is_some(), "and a new device is named");
}

#[tokio::test]
async fn a_device_with_the_wrong_password_is_refused() {
    let peer = peer().await;
    let client = client(&peer, ALWAYS);
    let (tokens, _) = sign_in_tina(&peer, &client, PasswordFlow::Srp, None).await;
    let device = client
        .confirm_device(
            &tokens.access,
            &tokens.new_device.clone().expect("new"),
            "t",
        )
        .await
        .expect("confirmed")
        .device;
    let mut forged: serde_json::Value = serde_json::from_slice(&device.to_bytes()).expect("json");
    forged["device_password"] = serde_json::json!("not the device's password");
    let forged = Device::from_bytes(forged.to_string().as_bytes()).expect("device");
    let refused = client
        .sign_in_from_device(
            &plan(&peer, PasswordFlow::Srp),
            cast::TINA,
            &Password::new(PASSWORD),
            Some(&forged),
        )
        .await
        .expect_err("a forged device");
    assert_eq!(refused.kind(), Some(ErrorKind::IncorrectCredentials));
}
