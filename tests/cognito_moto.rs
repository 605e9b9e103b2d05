//! The Cognito client against moto, an independent Cognito implementation, over HTTP on
//! 127.0.0.1. Each test seeds a pool of its own in one shared moto.

mod support;

use std::collections::BTreeMap;

use receipt_desk::cognito::{
    AuthStep, Challenge, ChallengeAnswer, ChallengeKind, CognitoClient, CognitoError, ErrorKind,
    Revocation, Tokens,
};
use receipt_desk::credentials::{AccessToken, Password};
use receipt_desk::totp;
use serde_json::json;
use support::{PASSWORD, Pool, TEMPORARY_PASSWORD, moto};

async fn sign_in(client: &CognitoClient, username: &str, password: &str) -> AuthStep {
    client
        .sign_in(username, &Password::new(password))
        .await
        .unwrap_or_else(|e| panic!("sign-in of {username} failed: {e}"))
}

fn signed_in(step: AuthStep) -> Tokens {
    match step {
        AuthStep::SignedIn(tokens) => tokens,
        AuthStep::Challenge(c) => panic!("expected tokens, got the challenge {}", c.name),
    }
}

fn challenge(step: AuthStep) -> Challenge {
    match step {
        AuthStep::Challenge(c) => c,
        AuthStep::SignedIn(_) => panic!("expected a challenge, got tokens"),
    }
}

fn refusal(result: Result<impl std::fmt::Debug, CognitoError>) -> ErrorKind {
    match result {
        Err(CognitoError::Service(e)) => {
            assert_eq!(e.status, 400, "moto answers refusals with 400 like Cognito");
            e.kind
        }
        other => panic!("expected a Cognito refusal, got {other:?}"),
    }
}

async fn pool_with_alice() -> Pool {
    let pool = moto().pool().await;
    pool.confirmed_user(
        "alice",
        json!([{"Name": "email", "Value": "alice@example.com"}]),
    )
    .await;
    pool
}

#[tokio::test]
async fn confirmed_user_signs_in_and_tokens_tell_their_expiry_and_user() {
    let pool = pool_with_alice().await;
    let tokens = signed_in(sign_in(&pool.client(), "alice", PASSWORD).await);
    assert_eq!(tokens.username, "alice");
    // (moto's ID tokens carry no `email` claim, unlike Cognito's, so it is not checked here.)
    assert!(tokens.refresh.is_some());
    // moto issues one-hour tokens; the expiry comes from their `exp` claim.
    assert_eq!(tokens.lifetime().as_secs(), 3600);
    assert!(tokens.expires_at > jiff::Timestamp::now());
}

#[tokio::test]
async fn wrong_password_is_incorrect_credentials() {
    let pool = pool_with_alice().await;
    let result = pool
        .client()
        .sign_in("alice", &Password::new("not-the-password"))
        .await;
    assert_eq!(refusal(result), ErrorKind::IncorrectCredentials);
}

#[tokio::test]
async fn unknown_user_is_user_not_found() {
    let pool = pool_with_alice().await;
    let result = pool
        .client()
        .sign_in("nobody", &Password::new(PASSWORD))
        .await;
    assert_eq!(refusal(result), ErrorKind::UserNotFound);
}

#[tokio::test]
async fn unconfirmed_user_is_told_to_confirm() {
    let pool = moto().pool().await;
    pool.unconfirmed_user("carol").await;
    let result = pool
        .client()
        .sign_in("carol", &Password::new(PASSWORD))
        .await;
    assert_eq!(refusal(result), ErrorKind::UserNotConfirmed);
}

#[tokio::test]
async fn disabled_user_is_told_so() {
    let pool = pool_with_alice().await;
    pool.disable("alice").await;
    let result = pool
        .client()
        .sign_in("alice", &Password::new(PASSWORD))
        .await;
    assert_eq!(refusal(result), ErrorKind::UserDisabled);
}

#[tokio::test]
async fn unknown_app_client_is_resource_not_found() {
    let pool = pool_with_alice().await;
    let client = receipt_desk::cognito::CognitoClient::new(
        pool.moto_url.clone(),
        "doesnotexist0000000000000",
        None,
        receipt_desk::cognito::Timeouts::default(),
    )
    .expect("client");
    let result = client.sign_in("alice", &Password::new(PASSWORD)).await;
    assert_eq!(refusal(result), ErrorKind::ResourceNotFound);
}

#[tokio::test]
async fn new_password_required_is_completed_after_a_policy_refusal() {
    let pool = moto().pool().await;
    pool.new_user("bob", json!([])).await;
    let client = pool.client();
    let challenge = challenge(sign_in(&client, "bob", TEMPORARY_PASSWORD).await);
    assert_eq!(challenge.name, "NEW_PASSWORD_REQUIRED");
    assert_eq!(challenge.username, "bob");
    assert!(matches!(
        challenge.kind,
        ChallengeKind::NewPasswordRequired { .. }
    ));

    let weak = ChallengeAnswer::NewPassword {
        password: Password::new("weak"),
        attributes: BTreeMap::default(),
    };
    assert_eq!(
        refusal(client.respond(&challenge, &weak).await),
        ErrorKind::InvalidPassword
    );

    let strong = ChallengeAnswer::NewPassword {
        password: Password::new("N3w-Passw0rd!"),
        attributes: BTreeMap::default(),
    };
    let tokens = signed_in(
        client
            .respond(&challenge, &strong)
            .await
            .expect("new password"),
    );
    assert_eq!(tokens.username, "bob");

    // The new password is now the password; the temporary one is gone.
    signed_in(sign_in(&client, "bob", "N3w-Passw0rd!").await);
    let old = client
        .sign_in("bob", &Password::new(TEMPORARY_PASSWORD))
        .await;
    assert_eq!(refusal(old), ErrorKind::IncorrectCredentials);
}

#[tokio::test]
async fn a_spent_challenge_session_is_an_expired_session() {
    let pool = moto().pool().await;
    pool.new_user("bob", json!([])).await;
    let client = pool.client();
    let challenge = challenge(sign_in(&client, "bob", TEMPORARY_PASSWORD).await);
    let answer = ChallengeAnswer::NewPassword {
        password: Password::new("N3w-Passw0rd!"),
        attributes: BTreeMap::default(),
    };
    signed_in(
        client
            .respond(&challenge, &answer)
            .await
            .expect("first answer"),
    );
    let again = client.respond(&challenge, &answer).await;
    assert_eq!(refusal(again), ErrorKind::SessionExpired);
}

#[tokio::test]
async fn refresh_keeps_the_refresh_token_when_none_comes_back() {
    let pool = pool_with_alice().await;
    let client = pool.client();
    let tokens = signed_in(sign_in(&client, "alice", PASSWORD).await);
    let refresh = tokens.refresh.clone().expect("refresh token");
    let renewed = client
        .refresh(&refresh, &tokens.username)
        .await
        .expect("refresh");
    assert_eq!(renewed.refresh.as_ref(), Some(&refresh));
    assert_ne!(renewed.access, tokens.access, "a new access token");
    assert_eq!(renewed.username, "alice");
    // The renewed access token works.
    let user = client.get_user(&renewed.access).await.expect("get user");
    assert_eq!(user.username, "alice");
}

#[tokio::test]
async fn an_unknown_refresh_token_is_invalid() {
    let pool = pool_with_alice().await;
    let result = pool
        .client()
        .refresh(
            &receipt_desk::credentials::RefreshToken::new("not-a-token"),
            "alice",
        )
        .await;
    assert_eq!(refusal(result), ErrorKind::InvalidRefreshToken);
}

#[tokio::test]
async fn a_secret_client_signs_in_and_refreshes_with_secret_hash() {
    let pool = pool_with_alice().await;
    let client = pool.secret_client();
    let tokens = signed_in(sign_in(&client, "alice", PASSWORD).await);
    let refresh = tokens.refresh.clone().expect("refresh token");
    // moto checks SECRET_HASH on refresh: a correct hash over the internal username passes.
    let renewed = client
        .refresh(&refresh, &tokens.username)
        .await
        .expect("refresh with secret hash");
    assert_eq!(renewed.username, "alice");

    // The same refresh without the secret is refused.
    let no_secret = CognitoClient::new(
        pool.moto_url.clone(),
        &pool.secret_client_id,
        None,
        receipt_desk::cognito::Timeouts::default(),
    )
    .expect("client");
    let result = no_secret.refresh(&refresh, &tokens.username).await;
    assert_eq!(refusal(result), ErrorKind::InvalidRefreshToken);
}

#[tokio::test]
async fn a_wrong_client_secret_is_refused_and_not_echoed() {
    let pool = pool_with_alice().await;
    let tokens = signed_in(sign_in(&pool.secret_client(), "alice", PASSWORD).await);
    let refresh = tokens.refresh.clone().expect("refresh token");
    let wrong = CognitoClient::new(
        pool.moto_url.clone(),
        &pool.secret_client_id,
        Some(receipt_desk::credentials::ClientSecret::new(
            "wrong-secret-value",
        )),
        receipt_desk::cognito::Timeouts::default(),
    )
    .expect("client");
    let err = wrong
        .refresh(&refresh, &tokens.username)
        .await
        .expect_err("wrong secret");
    // moto puts the hash it was sent into its message; it must not reach the error text.
    let text = err.to_string();
    let sent_hash = receipt_desk::cognito::wire::secret_hash(
        "wrong-secret-value",
        "alice",
        &pool.secret_client_id,
    );
    assert!(!text.contains(&sent_hash), "{text}");
    assert!(!text.contains("wrong-secret-value"), "{text}");
    assert!(!text.contains(refresh.expose()), "{text}");
}

#[tokio::test]
async fn global_sign_out_ends_every_token() {
    let pool = pool_with_alice().await;
    let client = pool.client();
    let tokens = signed_in(sign_in(&client, "alice", PASSWORD).await);
    client.get_user(&tokens.access).await.expect("valid before");
    client
        .global_sign_out(&tokens.access)
        .await
        .expect("sign out");
    assert_eq!(
        refusal(client.get_user(&tokens.access).await),
        ErrorKind::InvalidAccessToken
    );
    let refresh = tokens.refresh.clone().expect("refresh");
    assert_eq!(
        refusal(client.refresh(&refresh, &tokens.username).await),
        ErrorKind::InvalidRefreshToken
    );
}

#[tokio::test]
async fn global_sign_out_with_a_bad_token_does_not_echo_it() {
    let pool = pool_with_alice().await;
    let bogus = AccessToken::new("bogus-access-token-value");
    let err = pool
        .client()
        .global_sign_out(&bogus)
        .await
        .expect_err("bad token");
    assert_eq!(err.kind(), Some(ErrorKind::InvalidAccessToken));
    assert!(
        !err.to_string().contains("bogus-access-token-value"),
        "{err}"
    );
}

#[tokio::test]
async fn revoke_token_reports_when_the_server_lacks_it() {
    let pool = pool_with_alice().await;
    let client = pool.client();
    let tokens = signed_in(sign_in(&client, "alice", PASSWORD).await);
    // moto 5.2.5 has no RevokeToken (it answers with an HTML 500 page).
    let outcome = client
        .revoke_token(tokens.refresh.as_ref().expect("refresh"))
        .await
        .expect("revocation outcome");
    assert_eq!(outcome, Revocation::NotSupported);
}

/// Enrols alice's authenticator with moto's fixed TOTP secret; codes are checked for real.
async fn enrol_totp(pool: &Pool, access: &AccessToken) -> Vec<u8> {
    let associated = moto()
        .call(
            "AssociateSoftwareToken",
            json!({"AccessToken": access.expose()}),
        )
        .await;
    let secret = totp::base32_decode(associated["SecretCode"].as_str().expect("secret"))
        .expect("base32 secret");
    // A code is valid for its 30-second step only; if the step turned over between
    // computing and checking, compute again.
    let mut verified = false;
    for _ in 0..3 {
        let now = now_seconds();
        let (status, body) = moto()
            .try_call(
                "VerifySoftwareToken",
                json!({"AccessToken": access.expose(), "UserCode": totp::code(&secret, now, 6)}),
            )
            .await;
        if status == 200 {
            verified = true;
            break;
        }
        assert_ne!(
            now / 30,
            now_seconds() / 30,
            "a fresh code was refused: {body}"
        );
    }
    assert!(verified, "VerifySoftwareToken never accepted a code");
    moto()
        .call(
            "SetUserMFAPreference",
            json!({"AccessToken": access.expose(),
                   "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
        )
        .await;
    let _ = pool;
    secret
}

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

#[tokio::test]
async fn software_token_mfa_takes_the_right_code_and_refuses_a_wrong_one() {
    let pool = pool_with_alice().await;
    pool.allow_mfa().await;
    let client = pool.client();
    let tokens = signed_in(sign_in(&client, "alice", PASSWORD).await);
    let secret = enrol_totp(&pool, &tokens.access).await;

    let challenge = challenge(sign_in(&client, "alice", PASSWORD).await);
    assert_eq!(challenge.name, "SOFTWARE_TOKEN_MFA");
    assert!(matches!(
        challenge.kind,
        ChallengeKind::SoftwareTokenMfa { .. }
    ));

    let right = totp::code(&secret, now_seconds(), 6);
    let wrong = format!(
        "{:06}",
        (right.parse::<u32>().expect("digits") + 1) % 1_000_000
    );
    assert_eq!(
        refusal(
            client
                .respond(&challenge, &ChallengeAnswer::Code(wrong))
                .await
        ),
        ErrorKind::CodeMismatch
    );

    // The session survives a wrong code; a code pasted with a space still works.
    let mut tokens = None;
    for _ in 0..3 {
        let now = now_seconds();
        let code = totp::code(&secret, now, 6);
        let pasted = format!("{} {}", &code[..3], &code[3..]);
        match client
            .respond(&challenge, &ChallengeAnswer::Code(pasted))
            .await
        {
            Ok(step) => {
                tokens = Some(signed_in(step));
                break;
            }
            Err(e) => assert_ne!(
                now / 30,
                now_seconds() / 30,
                "a fresh code was refused: {e}"
            ),
        }
    }
    assert_eq!(tokens.expect("signed in with TOTP").username, "alice");
}

#[tokio::test]
async fn sms_mfa_is_answered_with_the_code() {
    let pool = moto().pool().await;
    pool.confirmed_user(
        "sam",
        json!([{"Name": "phone_number", "Value": "+15555550100"},
               {"Name": "phone_number_verified", "Value": "true"}]),
    )
    .await;
    pool.allow_mfa().await;
    pool.prefer_sms_mfa("sam").await;
    let client = pool.client();
    let challenge = challenge(sign_in(&client, "sam", PASSWORD).await);
    assert_eq!(challenge.name, "SMS_MFA");
    assert!(matches!(challenge.kind, ChallengeKind::SmsMfa { .. }));
    // moto sends no SMS and takes any code; the point is the wire shape (SMS_MFA_CODE).
    let tokens = signed_in(
        client
            .respond(&challenge, &ChallengeAnswer::Code("123456".to_owned()))
            .await
            .expect("sms code"),
    );
    assert_eq!(tokens.username, "sam");
}

#[tokio::test]
async fn an_answer_of_the_wrong_kind_is_refused_before_sending() {
    let pool = moto().pool().await;
    pool.new_user("bob", json!([])).await;
    let client = pool.client();
    let challenge = challenge(sign_in(&client, "bob", TEMPORARY_PASSWORD).await);
    let err = client
        .respond(&challenge, &ChallengeAnswer::Code("123456".to_owned()))
        .await
        .expect_err("wrong kind");
    assert!(matches!(err, CognitoError::InvalidInput(_)), "{err}");
}
