//! A pool whose MFA is required enrols a user without an authenticator at sign-in:
//! `MFA_SETUP` → `AssociateSoftwareToken` → a code from the key → `VerifySoftwareToken`
//! → tokens; the next sign-in asks for the app's code. Against moto and the local stack.

use crate::support;

use receipt_desk::cognito::{
    AuthStep, Challenge, ChallengeAnswer, ChallengeKind, CognitoClient, ErrorKind,
};
use receipt_desk::credentials::{Password, TotpSecret};
use receipt_desk::totp;
use serde_json::json;
use support::{PASSWORD, Peer, cast};

/// Alice in a pool that requires MFA, with SRP sign-in (moto asks for MFA setup only
/// after SRP or a new password, as AWS does after any password step).
async fn moto_required() -> (CognitoClient, String) {
    let peer = Peer::moto().await;
    support::moto()
        .call(
            "SetUserPoolMfaConfig",
            json!({"UserPoolId": peer.pool.id,
                   "SoftwareTokenMfaConfiguration": {"Enabled": true},
                   "MfaConfiguration": "ON"}),
        )
        .await;
    (peer.pool.client(), peer.pool.id.clone())
}

async fn local_required() -> (Peer, CognitoClient, String) {
    let peer = Peer::local_with(|toml| toml.insert_str(0, "mfa = \"required\"\n")).await;
    let client = peer.pool.client();
    let id = peer.pool.id.clone();
    (peer, client, id)
}

fn code_for(key: &TotpSecret) -> String {
    totp::code(
        &totp::base32_decode(key.expose()).expect("the key is base32"),
        support::now_seconds(),
        6,
    )
}

async fn sign_in(client: &CognitoClient, pool_id: &str) -> AuthStep {
    client
        .sign_in_srp(pool_id, cast::ALICE, &Password::new(PASSWORD))
        .await
        .expect("the password is right")
}

fn setup_challenge(step: AuthStep) -> Challenge {
    match step {
        AuthStep::Challenge(c) if matches!(c.kind, ChallengeKind::MfaSetup { .. }) => {
            let ChallengeKind::MfaSetup { options } = &c.kind else {
                unreachable!()
            };
            // AWS lists what can be set up; moto 5.2.5 sends an empty list here.
            assert!(
                options.is_empty() || options.iter().any(|o| o == "SOFTWARE_TOKEN_MFA"),
                "{options:?}"
            );
            c
        }
        AuthStep::Challenge(c) => panic!("expected MFA_SETUP, got {}", c.name),
        AuthStep::SignedIn(_) => panic!("expected MFA_SETUP, got tokens"),
    }
}

/// Enrols with the key Cognito gives; then the next sign-in asks for the app's code.
async fn enrols_and_is_asked_next_time(client: &CognitoClient, pool_id: &str) {
    let challenge = setup_challenge(sign_in(client, pool_id).await);
    let (key, challenge) = client
        .associate_in_challenge(&challenge)
        .await
        .expect("a key");
    assert!(totp::base32_decode(key.expose()).is_some());
    let step = client
        .respond(&challenge, &ChallengeAnswer::Code(code_for(&key)))
        .await
        .expect("the code is right");
    let AuthStep::SignedIn(tokens) = step else {
        panic!("expected tokens after the setup");
    };
    assert_eq!(tokens.username, cast::ALICE);
    match sign_in(client, pool_id).await {
        AuthStep::Challenge(c) => assert_eq!(c.name, "SOFTWARE_TOKEN_MFA"),
        AuthStep::SignedIn(_) => panic!("an enrolled user must give a code"),
    }
}

#[tokio::test]
async fn moto_enrols_a_user_when_mfa_is_required() {
    let (client, pool_id) = moto_required().await;
    enrols_and_is_asked_next_time(&client, &pool_id).await;
}

#[tokio::test]
async fn the_local_stack_enrols_a_user_when_mfa_is_required() {
    let (_peer, client, pool_id) = local_required().await;
    enrols_and_is_asked_next_time(&client, &pool_id).await;
}

#[tokio::test]
async fn the_local_stack_asks_for_setup_after_the_password_flow_too() {
    let (_peer, client, _) = local_required().await;
    let step = client
        .sign_in(cast::ALICE, &Password::new(PASSWORD))
        .await
        .expect("the password is right");
    setup_challenge(step);
}

#[tokio::test]
async fn a_wrong_setup_code_is_a_code_mismatch_and_the_right_one_still_works() {
    let (_peer, client, pool_id) = local_required().await;
    let challenge = setup_challenge(sign_in(&client, &pool_id).await);
    let (key, challenge) = client
        .associate_in_challenge(&challenge)
        .await
        .expect("a key");
    let right = code_for(&key);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let refused = client
        .respond(&challenge, &ChallengeAnswer::Code(wrong.to_owned()))
        .await
        .expect_err("a wrong code");
    assert_eq!(refused.kind(), Some(ErrorKind::CodeMismatch), "{refused}");
    let step = client
        .respond(&challenge, &ChallengeAnswer::Code(right))
        .await
        .expect("the right code");
    assert!(matches!(step, AuthStep::SignedIn(_)));
}

#[tokio::test]
async fn mfa_setup_cannot_be_skipped() {
    let (_peer, client, _) = local_required().await;
    // As a broken client would: answer MFA_SETUP straight away, with no app verified.
    let call = |operation: &str, body: serde_json::Value| {
        reqwest::Client::new()
            .post(client.endpoint().clone())
            .header("Content-Type", "application/x-amz-json-1.1")
            .header(
                "X-Amz-Target",
                format!("AWSCognitoIdentityProviderService.{operation}"),
            )
            .json(&body)
            .send()
    };
    let started: serde_json::Value = call(
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client.client_id(),
               "AuthParameters": {"USERNAME": cast::ALICE, "PASSWORD": PASSWORD}}),
    )
    .await
    .expect("answers")
    .json()
    .await
    .expect("json");
    assert_eq!(started["ChallengeName"], "MFA_SETUP");
    let skipped = call(
        "RespondToAuthChallenge",
        json!({"ClientId": client.client_id(), "ChallengeName": "MFA_SETUP",
               "Session": started["Session"], "ChallengeResponses": {"USERNAME": cast::ALICE}}),
    )
    .await
    .expect("answers");
    assert_eq!(skipped.status().as_u16(), 400);
    let body: serde_json::Value = skipped.json().await.expect("json");
    assert_eq!(body["__type"], "InvalidParameterException", "{body}");
    assert!(body.get("AuthenticationResult").is_none());
}
