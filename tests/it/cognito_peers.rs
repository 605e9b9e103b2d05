//! The Cognito client's scenarios, run unchanged against two independent peers over HTTP
//! on 127.0.0.1: moto (`moto::…`) and our local stack (`local_stack::…`). Both must give
//! the same HTTP status and `__type` where moto follows AWS.

use crate::support;

use std::collections::BTreeMap;

use receipt_desk::cognito::{
    AuthStep, Challenge, ChallengeAnswer, ChallengeKind, CognitoClient, CognitoError, ErrorKind,
    Revocation, Timeouts, Tokens,
};
use receipt_desk::credentials::{AccessToken, ClientSecret, Password, RefreshToken};
use receipt_desk::totp;
use support::{PASSWORD, Peer, TEMPORARY_PASSWORD, cast, now_seconds};

macro_rules! on_both_peers {
    ($($scenario:ident),* $(,)?) => {
        mod moto {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(crate::support::Peer::moto().await).await;
                }
            )*
        }
        mod local_stack {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(crate::support::Peer::local().await).await;
                }
            )*
        }
    };
}

on_both_peers!(
    confirmed_user_signs_in_and_tokens_tell_their_expiry_and_user,
    wrong_password_is_incorrect_credentials,
    unknown_user_is_user_not_found,
    unconfirmed_user_is_told_to_confirm,
    disabled_user_is_told_so,
    unknown_app_client_is_resource_not_found,
    new_password_required_is_completed_after_a_policy_refusal,
    a_spent_challenge_session_is_an_expired_session,
    refresh_keeps_the_refresh_token_when_none_comes_back,
    an_unknown_refresh_token_is_invalid,
    a_secret_client_signs_in_and_refreshes_with_secret_hash,
    a_wrong_client_secret_is_refused_and_not_echoed,
    global_sign_out_ends_every_token,
    global_sign_out_with_a_bad_token_does_not_echo_it,
    revoke_token_revokes_or_says_it_cannot,
    software_token_mfa_takes_the_right_code_and_refuses_a_wrong_one,
    an_answer_of_the_wrong_kind_is_refused_before_sending,
);

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

/// The refusal's kind, after checking it came as Cognito sends refusals: HTTP 400.
fn refusal(result: Result<impl std::fmt::Debug, CognitoError>) -> ErrorKind {
    refusal_with_code(result).0
}

fn refusal_with_code(result: Result<impl std::fmt::Debug, CognitoError>) -> (ErrorKind, String) {
    match result {
        Err(CognitoError::Service(e)) => {
            assert_eq!(e.status, 400, "refusals are HTTP 400 like Cognito's: {e:?}");
            (e.kind, e.code)
        }
        other => panic!("expected a Cognito refusal, got {other:?}"),
    }
}

fn client_with_secret(peer: &Peer, secret: Option<&str>) -> CognitoClient {
    CognitoClient::new(
        peer.pool.moto_url.clone(),
        &peer.pool.secret_client_id,
        secret.map(ClientSecret::new),
        Timeouts::default(),
    )
    .expect("client")
}

async fn confirmed_user_signs_in_and_tokens_tell_their_expiry_and_user(peer: Peer) {
    let tokens = signed_in(sign_in(&peer.pool.client(), cast::ALICE, PASSWORD).await);
    assert_eq!(tokens.username, cast::ALICE);
    assert!(tokens.refresh.is_some());
    // Both peers issue one-hour tokens; the expiry comes from their `exp` claim.
    assert_eq!(tokens.lifetime().as_secs(), 3600);
    assert!(tokens.expires_at > jiff::Timestamp::now());
    let claims = receipt_desk::cognito::wire::decode_claims(tokens.access.expose()).expect("jwt");
    assert_eq!(claims.token_use.as_deref(), Some("access"));
    assert_eq!(
        claims.client_id.as_deref(),
        Some(peer.pool.client_id.as_str())
    );
}

async fn wrong_password_is_incorrect_credentials(peer: Peer) {
    let result = peer
        .pool
        .client()
        .sign_in(cast::ALICE, &Password::new("not-the-password"))
        .await;
    assert_eq!(
        refusal(result),
        ErrorKind::IncorrectCredentials,
        "{}",
        peer.name()
    );
}

async fn unknown_user_is_user_not_found(peer: Peer) {
    let result = peer
        .pool
        .client()
        .sign_in("nobody", &Password::new(PASSWORD))
        .await;
    assert_eq!(refusal(result), ErrorKind::UserNotFound);
}

async fn unconfirmed_user_is_told_to_confirm(peer: Peer) {
    let result = peer
        .pool
        .client()
        .sign_in(cast::CAROL, &Password::new(PASSWORD))
        .await;
    assert_eq!(refusal(result), ErrorKind::UserNotConfirmed);
}

async fn disabled_user_is_told_so(peer: Peer) {
    let result = peer
        .pool
        .client()
        .sign_in(cast::DAVE, &Password::new(PASSWORD))
        .await;
    assert_eq!(refusal(result), ErrorKind::UserDisabled);
}

async fn unknown_app_client_is_resource_not_found(peer: Peer) {
    let client = CognitoClient::new(
        peer.pool.moto_url.clone(),
        "doesnotexist0000000000000",
        None,
        Timeouts::default(),
    )
    .expect("client");
    let result = client.sign_in(cast::ALICE, &Password::new(PASSWORD)).await;
    assert_eq!(refusal(result), ErrorKind::ResourceNotFound);
}

async fn new_password_required_is_completed_after_a_policy_refusal(peer: Peer) {
    let client = peer.pool.client();
    let challenge = challenge(sign_in(&client, cast::BOB, TEMPORARY_PASSWORD).await);
    assert_eq!(challenge.name, "NEW_PASSWORD_REQUIRED");
    assert_eq!(challenge.username, cast::BOB);
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
    assert_eq!(tokens.username, cast::BOB);

    // The new password is now the password; the temporary one is gone.
    signed_in(sign_in(&client, cast::BOB, "N3w-Passw0rd!").await);
    let old = client
        .sign_in(cast::BOB, &Password::new(TEMPORARY_PASSWORD))
        .await;
    assert_eq!(refusal(old), ErrorKind::IncorrectCredentials);
}

async fn a_spent_challenge_session_is_an_expired_session(peer: Peer) {
    let client = peer.pool.client();
    let challenge = challenge(sign_in(&client, cast::BOB, TEMPORARY_PASSWORD).await);
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

async fn refresh_keeps_the_refresh_token_when_none_comes_back(peer: Peer) {
    let client = peer.pool.client();
    let tokens = signed_in(sign_in(&client, cast::ALICE, PASSWORD).await);
    let refresh = tokens.refresh.clone().expect("refresh token");
    let renewed = client
        .refresh(&refresh, &tokens.username)
        .await
        .expect("refresh");
    assert_eq!(renewed.refresh.as_ref(), Some(&refresh));
    assert_ne!(renewed.access, tokens.access, "a new access token");
    assert_eq!(renewed.username, cast::ALICE);
    let user = client.get_user(&renewed.access).await.expect("get user");
    assert_eq!(user.username, cast::ALICE);
}

async fn an_unknown_refresh_token_is_invalid(peer: Peer) {
    let result = peer
        .pool
        .client()
        .refresh(&RefreshToken::new("not-a-token"), cast::ALICE)
        .await;
    assert_eq!(refusal(result), ErrorKind::InvalidRefreshToken);
}

async fn a_secret_client_signs_in_and_refreshes_with_secret_hash(peer: Peer) {
    let client = peer.pool.secret_client();
    let tokens = signed_in(sign_in(&client, cast::ALICE, PASSWORD).await);
    let refresh = tokens.refresh.clone().expect("refresh token");
    let renewed = client
        .refresh(&refresh, &tokens.username)
        .await
        .expect("refresh with secret hash");
    assert_eq!(renewed.username, cast::ALICE);

    // The same refresh without the secret is refused (both say NotAuthorizedException;
    // moto's message is empty, the local stack's says the secret is missing).
    let (_, code) = refusal_with_code(
        client_with_secret(&peer, None)
            .refresh(&refresh, &tokens.username)
            .await,
    );
    assert_eq!(code, "NotAuthorizedException");
}

async fn a_wrong_client_secret_is_refused_and_not_echoed(peer: Peer) {
    let tokens = signed_in(sign_in(&peer.pool.secret_client(), cast::ALICE, PASSWORD).await);
    let refresh = tokens.refresh.clone().expect("refresh token");
    let result = client_with_secret(&peer, Some("wrong-secret-value"))
        .refresh(&refresh, &tokens.username)
        .await;
    let text = format!("{result:?}");
    let (_, code) = refusal_with_code(result);
    assert_eq!(code, "NotAuthorizedException");
    // moto puts the hash it was sent into its message; it must not reach the error.
    let sent_hash = receipt_desk::cognito::wire::secret_hash(
        "wrong-secret-value",
        cast::ALICE,
        &peer.pool.secret_client_id,
    );
    assert!(!text.contains(&sent_hash), "{text}");
    assert!(!text.contains("wrong-secret-value"), "{text}");
    assert!(!text.contains(refresh.expose()), "{text}");
}

async fn global_sign_out_ends_every_token(peer: Peer) {
    let client = peer.pool.client();
    let tokens = signed_in(sign_in(&client, cast::ALICE, PASSWORD).await);
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

async fn global_sign_out_with_a_bad_token_does_not_echo_it(peer: Peer) {
    let bogus = AccessToken::new("bogus-access-token-value");
    let err = peer
        .pool
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

async fn revoke_token_revokes_or_says_it_cannot(peer: Peer) {
    let client = peer.pool.client();
    let tokens = signed_in(sign_in(&client, cast::ALICE, PASSWORD).await);
    let refresh = tokens.refresh.clone().expect("refresh");
    let outcome = client
        .revoke_token(&refresh)
        .await
        .expect("revocation outcome");
    if peer.is_moto() {
        // moto 5.2.5 has no RevokeToken (it answers with an HTML 500 page).
        assert_eq!(outcome, Revocation::NotSupported);
    } else {
        assert_eq!(outcome, Revocation::Revoked);
        assert_eq!(
            refusal(client.refresh(&refresh, &tokens.username).await),
            ErrorKind::InvalidRefreshToken
        );
        // The access tokens made from it go too.
        assert_eq!(
            refusal(client.get_user(&tokens.access).await),
            ErrorKind::InvalidAccessToken
        );
    }
}

async fn software_token_mfa_takes_the_right_code_and_refuses_a_wrong_one(peer: Peer) {
    let client = peer.pool.client();
    let secret = totp::base32_decode(cast::TOTP_SECRET).expect("base32");
    let challenge = challenge(sign_in(&client, cast::TINA, PASSWORD).await);
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
    assert_eq!(tokens.expect("signed in with TOTP").username, cast::TINA);
}

async fn an_answer_of_the_wrong_kind_is_refused_before_sending(peer: Peer) {
    let client = peer.pool.client();
    let challenge = challenge(sign_in(&client, cast::BOB, TEMPORARY_PASSWORD).await);
    let err = client
        .respond(&challenge, &ChallengeAnswer::Code("123456".to_owned()))
        .await
        .expect_err("wrong kind");
    assert!(matches!(err, CognitoError::InvalidInput(_)), "{err}");
}
