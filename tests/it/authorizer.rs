//! The local stack's authorizer against hostile tokens: each must get API Gateway's 401,
//! and the right token must pass in each mode. Real HTTP on 127.0.0.1; expiry is
//! reached by moving the stack's clock.

use crate::support;

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{KeyInit as _, Mac as _};
use receipt_desk::cognito::AuthStep;
use receipt_desk::credentials::Password;
use receipt_desk::local::authorizer::{
    Accept, AuthorizerMode, BearerPrefix, Jwks, Rejection, TokenRules, verify,
};
use receipt_desk::local::{self, ExternalIssuer, RunningStack, StackOptions};
use serde_json::{Value, json};

async fn stack(data: &Path, mode: AuthorizerMode) -> RunningStack {
    let mut options = StackOptions::new(data.to_owned());
    options.mode = mode;
    local::start(options).await.expect("stack")
}

use support::demo_tokens;

/// `POST {stage}/convert` with this `Authorization` header (none when `None`).
async fn convert(stack: &RunningStack, authorization: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/convert", stack.api_url()))
        .header("Content-Type", "application/json")
        .body(r#"{"source_bucket":"demo","pdf_prefix":"api/receipts/r6/pdf/","upload_prefix":"api/receipts/r6/jpeg/"}"#);
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    let response = request.send().await.expect("answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[track_caller]
fn assert_unauthorized(answer: &(u16, Value), why: &str) {
    assert_eq!(answer.0, 401, "{why}: {answer:?}");
    assert_eq!(answer.1, json!({"message": "Unauthorized"}), "{why}");
}

#[track_caller]
fn assert_passed(answer: &(u16, Value), why: &str) {
    assert!(
        answer.0 != 401 && answer.0 != 403,
        "{why}: the authorizer refused: {answer:?}"
    );
}

fn part(token: &str, index: usize) -> Value {
    let bytes = URL_SAFE_NO_PAD
        .decode(token.split('.').nth(index).expect("part"))
        .expect("base64");
    serde_json::from_slice(&bytes).expect("json")
}

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test]
async fn hostile_tokens_are_unauthorized() {
    let data = tempfile::tempdir().expect("tempdir");
    let stack = stack(data.path(), AuthorizerMode::default()).await;
    let tokens = demo_tokens(&stack).await;
    let access = tokens.access.expose();
    let header = part(access, 0);
    let payload = part(access, 1);
    let signature = access.split('.').nth(2).expect("signature");

    assert_passed(
        &convert(&stack, Some(&format!("Bearer {access}"))).await,
        "the real token",
    );
    // The same checks through the library, to see each forgery fail for its own reason.
    let jwks: Value = reqwest::get(stack.jwks_url())
        .await
        .expect("jwks")
        .json()
        .await
        .expect("json");
    let rules = TokenRules {
        issuer: stack.issuer.clone(),
        jwks: Jwks::from_json(&jwks).expect("jwks"),
        client_ids: stack.client_ids.clone(),
    };
    let now = jiff::Timestamp::now().as_second();
    let reason = |token: &str| verify(token, &rules, Accept::Access, now, 5).expect_err("refused");

    assert_unauthorized(&convert(&stack, None).await, "no header");
    assert_unauthorized(&convert(&stack, Some("Bearer garbage")).await, "garbage");
    assert_unauthorized(
        &convert(&stack, Some("Basic ZGVtbzpkZW1v")).await,
        "another scheme",
    );

    let none = format!(
        "{}.{}.",
        encode(&json!({"alg": "none", "kid": header["kid"]})),
        encode(&payload)
    );
    assert_unauthorized(
        &convert(&stack, Some(&format!("Bearer {none}"))).await,
        "alg none",
    );
    assert!(matches!(reason(&none), Rejection::Malformed(_)));

    // The classic confusion: HS256 keyed with the public key the JWKS publishes.
    let public_n = jwks["keys"][0]["n"].as_str().expect("n").to_owned();
    let hs_message = format!(
        "{}.{}",
        encode(&json!({"alg": "HS256", "kid": header["kid"]})),
        encode(&payload)
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(public_n.as_bytes()).expect("key");
    mac.update(hs_message.as_bytes());
    let hs256 = format!(
        "{hs_message}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    );
    assert_unauthorized(
        &convert(&stack, Some(&format!("Bearer {hs256}"))).await,
        "HS256 with the public key",
    );
    assert!(matches!(reason(&hs256), Rejection::Malformed(_)));

    let mut unknown_kid = header.clone();
    unknown_kid["kid"] = json!("not-a-known-kid");
    let forged = format!("{}.{}.{signature}", encode(&unknown_kid), encode(&payload));
    assert_unauthorized(
        &convert(&stack, Some(&format!("Bearer {forged}"))).await,
        "unknown kid",
    );
    assert_eq!(
        reason(&forged),
        Rejection::UnknownKey(Some("not-a-known-kid".to_owned()))
    );

    let mut tampered = payload.clone();
    tampered["username"] = json!("admin");
    let forged = format!("{}.{}.{signature}", encode(&header), encode(&tampered));
    assert_unauthorized(
        &convert(&stack, Some(&format!("Bearer {forged}"))).await,
        "tampered payload",
    );
    assert_eq!(reason(&forged), Rejection::BadSignature);

    let id = tokens.id.expose();
    assert_unauthorized(
        &convert(&stack, Some(&format!("Bearer {id}"))).await,
        "an ID token where access is expected",
    );
    assert_eq!(reason(id), Rejection::WrongUse(Some("id".to_owned())));
    assert!(verify(access, &rules, Accept::Access, now, 5).is_ok());
}

#[tokio::test]
async fn an_expired_token_is_told_it_expired_and_a_future_one_is_refused() {
    let data = tempfile::tempdir().expect("tempdir");
    let stack = stack(data.path(), AuthorizerMode::default()).await;
    let tokens = demo_tokens(&stack).await;
    let bearer = format!("Bearer {}", tokens.access.expose());
    // One hour and the leeway later.
    stack.clock.advance(3600 + 6);
    let answer = convert(&stack, Some(&bearer)).await;
    assert_eq!(
        answer,
        (401, json!({"message": "The incoming token has expired"}))
    );

    // Back to before it was issued, past the leeway: not valid yet.
    stack.clock.advance(-(3600 + 6) - 120);
    assert_unauthorized(
        &convert(&stack, Some(&bearer)).await,
        "issued in the future",
    );
}

#[tokio::test]
async fn tokens_from_another_issuer_or_pool_are_unauthorized() {
    let shared_keys = tempfile::tempdir().expect("tempdir");
    let here = stack(shared_keys.path(), AuthorizerMode::default()).await;
    // Same keys (same data folder), another address: another `iss`.
    let twin = stack(shared_keys.path(), AuthorizerMode::default()).await;
    let twin_token = demo_tokens(&twin).await;
    assert_unauthorized(
        &convert(
            &here,
            Some(&format!("Bearer {}", twin_token.access.expose())),
        )
        .await,
        "same key, wrong iss",
    );
    // Another pool altogether: its own keys.
    let elsewhere_data = tempfile::tempdir().expect("tempdir");
    let elsewhere = stack(elsewhere_data.path(), AuthorizerMode::default()).await;
    let foreign = demo_tokens(&elsewhere).await;
    assert_unauthorized(
        &convert(&here, Some(&format!("Bearer {}", foreign.access.expose()))).await,
        "another pool",
    );
}

#[tokio::test]
async fn a_token_for_another_app_client_is_unauthorized() {
    let idp_data = tempfile::tempdir().expect("tempdir");
    let idp = stack(idp_data.path(), AuthorizerMode::default()).await;
    let api_data = tempfile::tempdir().expect("tempdir");
    let mut options = StackOptions::new(api_data.path().to_owned());
    options.external_issuer = Some(ExternalIssuer {
        issuer: idp.issuer.clone(),
        jwks_url: idp.jwks_url(),
        client_ids: vec!["someotherappclient00000001".to_owned()],
    });
    let api = local::start(options).await.expect("api stack");
    let tokens = demo_tokens(&idp).await;
    assert_unauthorized(
        &convert(&api, Some(&format!("Bearer {}", tokens.access.expose()))).await,
        "wrong client",
    );
}

#[tokio::test]
async fn each_mode_takes_its_token_and_prefix() {
    let data = tempfile::tempdir().expect("tempdir");
    let cases = [
        (AuthorizerMode::default(), "access", "Bearer ", true),
        (AuthorizerMode::default(), "access", "", true),
        (AuthorizerMode::default(), "id", "Bearer ", false),
        (AuthorizerMode::STRICT, "id", "", true),
        (AuthorizerMode::STRICT, "id", "Bearer ", true),
        (AuthorizerMode::STRICT, "access", "Bearer ", false),
        (
            AuthorizerMode {
                accept: Accept::Any,
                bearer: BearerPrefix::Optional,
            },
            "id",
            "",
            true,
        ),
        (
            AuthorizerMode {
                accept: Accept::Any,
                bearer: BearerPrefix::Optional,
            },
            "access",
            "",
            true,
        ),
        (
            AuthorizerMode {
                accept: Accept::Access,
                bearer: BearerPrefix::Required,
            },
            "access",
            "",
            false,
        ),
        (
            AuthorizerMode {
                accept: Accept::Access,
                bearer: BearerPrefix::Required,
            },
            "access",
            "Bearer ",
            true,
        ),
        (
            AuthorizerMode {
                accept: Accept::Access,
                bearer: BearerPrefix::Refused,
            },
            "access",
            "Bearer ",
            false,
        ),
        (
            AuthorizerMode {
                accept: Accept::Access,
                bearer: BearerPrefix::Refused,
            },
            "access",
            "",
            true,
        ),
    ];
    for (mode, kind, prefix, passes) in cases {
        let stack = stack(data.path(), mode).await;
        let tokens = demo_tokens(&stack).await;
        let token = if kind == "id" {
            tokens.id.expose()
        } else {
            tokens.access.expose()
        };
        let answer = convert(&stack, Some(&format!("{prefix}{token}"))).await;
        let why = format!("{mode:?} with {prefix:?}{kind}");
        if passes {
            assert_passed(&answer, &why);
        } else {
            assert_unauthorized(&answer, &why);
        }
        stack.stop().await;
    }
}

#[tokio::test]
async fn like_api_gateway_a_signed_out_token_still_passes_until_it_expires() {
    let data = tempfile::tempdir().expect("tempdir");
    let stack = stack(data.path(), AuthorizerMode::default()).await;
    let tokens = demo_tokens(&stack).await;
    let client = support::demo_client(&stack);
    client
        .global_sign_out(&tokens.access)
        .await
        .expect("sign out");
    assert_passed(
        &convert(&stack, Some(&format!("Bearer {}", tokens.access.expose()))).await,
        "revocation is not checked by the authorizer",
    );
}

#[tokio::test]
async fn wrong_paths_and_methods_are_missing_authentication_token() {
    let data = tempfile::tempdir().expect("tempdir");
    let stack = stack(data.path(), AuthorizerMode::default()).await;
    let client = reqwest::Client::new();
    for (method, path) in [
        ("POST", "Dev/convert"),
        ("GET", "Prod/convert"),
        ("POST", "Prod/other"),
    ] {
        let url = stack.url.join(path).expect("url");
        let response = client
            .request(method.parse().expect("method"), url)
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status().as_u16(), 403, "{method} {path}");
        let body: Value = response.json().await.expect("json");
        assert_eq!(body, json!({"message": "Missing Authentication Token"}));
    }
}

#[tokio::test]
async fn moto_can_sign_in_while_the_local_stack_authorizes() {
    let peer = support::Peer::moto().await;
    let issuer = format!(
        "https://cognito-idp.us-east-1.amazonaws.com/{}",
        peer.pool.id
    );
    let jwks_url = peer
        .pool
        .moto_url
        .join(&format!("{}/.well-known/jwks.json", peer.pool.id))
        .expect("url");
    let data = tempfile::tempdir().expect("tempdir");
    let mut options = StackOptions::new(data.path().to_owned());
    options.external_issuer = Some(ExternalIssuer {
        issuer,
        jwks_url,
        client_ids: vec![peer.pool.client_id.clone()],
    });
    let api = local::start(options).await.expect("api stack");
    let AuthStep::SignedIn(tokens) = peer
        .pool
        .client()
        .sign_in(support::cast::ALICE, &Password::new(support::PASSWORD))
        .await
        .expect("moto sign-in")
    else {
        panic!("expected tokens");
    };
    assert_passed(
        &convert(&api, Some(&format!("Bearer {}", tokens.access.expose()))).await,
        "moto's access token",
    );
    // The stack's own tokens are not trusted in this mode.
    let own = demo_tokens(&api).await;
    assert_unauthorized(
        &convert(&api, Some(&format!("Bearer {}", own.access.expose()))).await,
        "the stack's own token when trusting moto",
    );
}
