//! The local stack's user pool where it goes beyond what moto can show: aliases, lockout,
//! expiry (by moving the stack's clock, never by sleeping), restarts, the wire edges.

use crate::support;

use std::collections::BTreeMap;

use receipt_desk::cognito::{
    AuthStep, ChallengeAnswer, ChallengeKind, CognitoClient, CognitoError, ErrorKind, Timeouts,
    Tokens,
};
use receipt_desk::credentials::{ClientSecret, Password};
use receipt_desk::local::idp::{DEMO_CLIENT_ID, DEMO_PASSWORD, DEMO_USERNAME};
use serde_json::{Value, json};
use support::{PASSWORD, Peer, TEMPORARY_PASSWORD, cast, start_local};

fn kind(result: Result<impl std::fmt::Debug, CognitoError>) -> ErrorKind {
    match result {
        Err(CognitoError::Service(e)) => e.kind,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn tokens(step: AuthStep) -> Tokens {
    match step {
        AuthStep::SignedIn(t) => t,
        AuthStep::Challenge(c) => panic!("unexpected challenge {}", c.name),
    }
}

fn client(peer: &Peer, id: &str, secret: Option<&str>) -> CognitoClient {
    CognitoClient::new(
        peer.pool.moto_url.clone(),
        id,
        secret.map(ClientSecret::new),
        Timeouts::default(),
    )
    .expect("client")
}

/// Email is the sign-in name and the internal username is a UUID, as in pools that use
/// e-mail as username.
async fn alias_peer() -> Peer {
    Peer::local_with(|toml| {
        toml.push_str(
            r#"
[[users]]
username = "7d0c6a52-0c8e-4f7c-9a51-3d2f3f4a9b10"
password = "Corr3ct-Horse!"
email = "frank@example.com"
"#,
        );
    })
    .await
}

#[tokio::test]
async fn refresh_with_a_secret_hashes_the_internal_username_not_the_alias() {
    let peer = alias_peer().await;
    let confidential = peer.pool.secret_client();
    let signed_in = tokens(
        confidential
            .sign_in("frank@example.com", &Password::new(PASSWORD))
            .await
            .expect("sign in by e-mail"),
    );
    assert_eq!(signed_in.username, "7d0c6a52-0c8e-4f7c-9a51-3d2f3f4a9b10");
    let refresh = signed_in.refresh.clone().expect("refresh");
    confidential
        .refresh(&refresh, &signed_in.username)
        .await
        .expect("refresh hashed over the internal username");
    // Hashing the typed alias is what breaks refresh in many clients; Cognito says so.
    let err = confidential.refresh(&refresh, "frank@example.com").await;
    assert_eq!(kind(err), ErrorKind::SecretHashMismatch);
}

#[tokio::test]
async fn a_missing_or_wrong_secret_hash_at_sign_in_is_named() {
    let peer = Peer::local().await;
    let missing = client(&peer, &peer.pool.secret_client_id, None)
        .sign_in(cast::ALICE, &Password::new(PASSWORD))
        .await;
    assert_eq!(kind(missing), ErrorKind::SecretHashMissing);
    let wrong = client(&peer, &peer.pool.secret_client_id, Some("not-the-secret"))
        .sign_in(cast::ALICE, &Password::new(PASSWORD))
        .await;
    assert_eq!(kind(wrong), ErrorKind::SecretHashMismatch);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_for_a_while() {
    let peer = Peer::local().await;
    let stack = peer.stack().expect("local");
    let client = peer.pool.client();
    for attempt in 1..=4 {
        let result = client
            .sign_in(cast::ALICE, &Password::new("wrong-pass"))
            .await;
        assert_eq!(
            kind(result),
            ErrorKind::IncorrectCredentials,
            "attempt {attempt}"
        );
    }
    let fifth = client
        .sign_in(cast::ALICE, &Password::new("wrong-pass"))
        .await;
    assert_eq!(kind(fifth), ErrorKind::AttemptsExceeded);
    let right_but_locked = client.sign_in(cast::ALICE, &Password::new(PASSWORD)).await;
    assert_eq!(kind(right_but_locked), ErrorKind::AttemptsExceeded);
    stack.clock.advance(2);
    tokens(
        client
            .sign_in(cast::ALICE, &Password::new(PASSWORD))
            .await
            .expect("unlocked"),
    );
}

#[tokio::test]
async fn a_challenge_session_expires_after_three_minutes() {
    let peer = Peer::local().await;
    let client = peer.pool.client();
    let AuthStep::Challenge(challenge) = client
        .sign_in(cast::BOB, &Password::new(TEMPORARY_PASSWORD))
        .await
        .expect("challenge")
    else {
        panic!("expected NEW_PASSWORD_REQUIRED");
    };
    peer.stack().expect("local").clock.advance(181);
    let answer = ChallengeAnswer::NewPassword {
        password: Password::new("N3w-Passw0rd!"),
        attributes: BTreeMap::new(),
    };
    let err = client.respond(&challenge, &answer).await;
    match err {
        Err(CognitoError::Service(e)) => {
            assert_eq!(e.kind, ErrorKind::SessionExpired);
            assert!(e.message.contains("session is expired"), "{}", e.message);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn refresh_tokens_expire_at_the_clients_lifetime() {
    let peer = Peer::local_with(|toml| {
        *toml = toml.replace(
            "id = \"desktoppublicclient0000001\"",
            "id = \"desktoppublicclient0000001\"\naccess_token_seconds = 5\nrefresh_token_seconds = 60",
        );
    })
    .await;
    let client = peer.pool.client();
    let signed_in = tokens(
        client
            .sign_in(cast::ALICE, &Password::new(PASSWORD))
            .await
            .expect("sign in"),
    );
    assert_eq!(
        signed_in.lifetime().as_secs(),
        5,
        "seconds-long lifetimes are honoured"
    );
    let refresh = signed_in.refresh.clone().expect("refresh");
    peer.stack().expect("local").clock.advance(61);
    let err = client.refresh(&refresh, &signed_in.username).await;
    assert_eq!(kind(err), ErrorKind::InvalidRefreshToken);
}

#[tokio::test]
async fn a_client_without_password_auth_says_the_flow_is_not_enabled() {
    let peer = Peer::local_with(|toml| {
        *toml = toml.replace(
            "id = \"desktoppublicclient0000001\"",
            "id = \"desktoppublicclient0000001\"\nexplicit_auth_flows = [\"ALLOW_REFRESH_TOKEN_AUTH\"]",
        );
    })
    .await;
    let err = peer
        .pool
        .client()
        .sign_in(cast::ALICE, &Password::new(PASSWORD))
        .await;
    assert_eq!(kind(err), ErrorKind::FlowNotEnabled);
}

#[tokio::test]
async fn a_forced_reset_is_password_reset_required() {
    let peer = Peer::local_with(|toml| {
        toml.push_str("\n[[users]]\nusername = \"rita\"\npassword = \"Corr3ct-Horse!\"\nstatus = \"reset_required\"\n");
    })
    .await;
    let err = peer
        .pool
        .client()
        .sign_in("rita", &Password::new(PASSWORD))
        .await;
    assert_eq!(kind(err), ErrorKind::PasswordResetRequired);
}

#[tokio::test]
async fn a_new_password_challenge_collects_required_attributes() {
    let peer = Peer::local_with(|toml| {
        *toml = toml.replacen(
            "sign_in_aliases",
            "required_attributes = [\"name\"]\nsign_in_aliases",
            1,
        );
    })
    .await;
    let client = peer.pool.client();
    let AuthStep::Challenge(challenge) = client
        .sign_in(cast::BOB, &Password::new(TEMPORARY_PASSWORD))
        .await
        .expect("challenge")
    else {
        panic!("expected NEW_PASSWORD_REQUIRED");
    };
    let ChallengeKind::NewPasswordRequired {
        required_attributes,
        ..
    } = &challenge.kind
    else {
        panic!("{:?}", challenge.kind);
    };
    assert_eq!(required_attributes, &vec!["name".to_owned()]);
    let without = ChallengeAnswer::NewPassword {
        password: Password::new("N3w-Passw0rd!"),
        attributes: BTreeMap::new(),
    };
    assert_eq!(
        kind(client.respond(&challenge, &without).await),
        ErrorKind::InvalidParameter
    );
    let with = ChallengeAnswer::NewPassword {
        password: Password::new("N3w-Passw0rd!"),
        attributes: BTreeMap::from([("name".to_owned(), "Bob 山田".to_owned())]),
    };
    tokens(client.respond(&challenge, &with).await.expect("accepted"));
}

#[tokio::test]
async fn keys_refresh_tokens_and_revocations_survive_a_restart() {
    let data = tempfile::tempdir().expect("tempdir");
    let first = start_local(data.path().to_owned(), None).await;
    let jwks_before: Value = reqwest::get(first.jwks_url())
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    let client = support::demo_client(&first);
    let kept = tokens(
        client
            .sign_in(DEMO_USERNAME, &Password::new(DEMO_PASSWORD))
            .await
            .expect("demo sign-in"),
    );
    let revoked = tokens(
        client
            .sign_in(DEMO_USERNAME, &Password::new(DEMO_PASSWORD))
            .await
            .expect("demo sign-in"),
    );
    client
        .revoke_token(revoked.refresh.as_ref().expect("refresh"))
        .await
        .expect("revoke");
    first.stop().await;

    let second = start_local(data.path().to_owned(), None).await;
    let jwks_after: Value = reqwest::get(second.jwks_url())
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    assert_eq!(jwks_before, jwks_after, "the same keys");
    let client = support::demo_client(&second);
    client
        .refresh(kept.refresh.as_ref().expect("refresh"), &kept.username)
        .await
        .expect("a refresh token from before the restart still works");
    let err = client
        .refresh(
            revoked.refresh.as_ref().expect("refresh"),
            &revoked.username,
        )
        .await;
    assert_eq!(
        kind(err),
        ErrorKind::InvalidRefreshToken,
        "revocations are kept"
    );
}

async fn raw(url: &reqwest::Url, target: Option<&str>, body: &str) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(url.clone())
        .header("Content-Type", "application/x-amz-json-1.1")
        .body(body.to_owned());
    if let Some(target) = target {
        request = request.header("X-Amz-Target", target);
    }
    let response = request.send().await.expect("answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn protocol_edges_answer_like_aws() {
    let data = tempfile::tempdir().expect("tempdir");
    let stack = start_local(data.path().to_owned(), None).await;
    let url = stack.cognito_endpoint();

    let (status, body) = raw(
        &url,
        Some("AWSCognitoIdentityProviderService.AdminDeleteUser"),
        "{}",
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    let (status, body) = raw(&url, None, "{}").await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    let (status, body) = raw(
        &url,
        Some("AWSCognitoIdentityProviderService.InitiateAuth"),
        "{not json",
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    let (status, body) = raw(
        &url,
        Some("AWSCognitoIdentityProviderService.InitiateAuth"),
        "{}",
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("InvalidParameterException"))
    );

    let get = reqwest::get(url.clone()).await.expect("get");
    assert_eq!(get.status().as_u16(), 403);
    let body: Value = get.json().await.expect("json");
    assert_eq!(body, json!({"message": "Missing Authentication Token"}));

    let jwks: Value = reqwest::get(stack.jwks_url())
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["kid"].as_str())
        .collect();
    assert_eq!(kids.len(), 2, "access and ID tokens have their own keys");
    assert_ne!(kids[0], kids[1]);
    let other = url
        .join("ap-northeast-1_Other/.well-known/jwks.json")
        .expect("url");
    assert_eq!(
        reqwest::get(other).await.expect("get").status().as_u16(),
        404
    );
}

#[tokio::test]
async fn the_demo_pool_signs_in_the_printed_demo_user_with_cognito_claims() {
    let data = tempfile::tempdir().expect("tempdir");
    let stack = start_local(data.path().to_owned(), None).await;
    let client = support::demo_client(&stack);
    let signed_in = tokens(
        client
            .sign_in(DEMO_USERNAME, &Password::new(DEMO_PASSWORD))
            .await
            .expect("demo sign-in"),
    );
    let id = receipt_desk::cognito::wire::decode_claims(signed_in.id.expose()).expect("id claims");
    assert_eq!(id.token_use.as_deref(), Some("id"));
    assert_eq!(id.cognito_username.as_deref(), Some(DEMO_USERNAME));
    assert_eq!(id.email.as_deref(), Some("demo@example.com"));
    let access_payload: Value = {
        use base64::Engine as _;
        let part = signed_in
            .access
            .expose()
            .split('.')
            .nth(1)
            .expect("payload");
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(part)
                .expect("base64"),
        )
        .expect("json")
    };
    assert_eq!(access_payload["iss"], stack.issuer.as_str());
    assert_eq!(access_payload["client_id"], DEMO_CLIENT_ID);
    for claim in [
        "exp",
        "iat",
        "auth_time",
        "jti",
        "origin_jti",
        "sub",
        "username",
    ] {
        assert!(
            !access_payload[claim].is_null(),
            "access token lacks {claim}"
        );
    }
    assert!(access_payload["aud"].is_null(), "access tokens have no aud");
}
