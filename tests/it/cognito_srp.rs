//! SRP sign-in (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`) over HTTP on 127.0.0.1.
//!
//! Our client against both peers for the wire shape and the challenges that follow
//! (moto checks no SRP proof at all: a wrong password signs in there, so the math is
//! proven only against the local stack); an independent client, pycognito, against the
//! local stack's server half; the fallback between flows; hostile SRP numbers.

use crate::support;

use std::process::Command;

use receipt_desk::cognito::{
    AuthStep, ChallengeKind, CognitoClient, CognitoError, ErrorKind, FlowPlan, PasswordFlow,
    Timeouts,
};
use receipt_desk::credentials::Password;
use serde_json::{Value, json};
use support::{PASSWORD, Peer, cast};

/// An app client of the local test pool that allows only SRP (and refresh), as the
/// console and Amplify make them.
const SRP_ONLY_CLIENT: &str = "srponlyclient0000000000001";
/// One that allows only `USER_PASSWORD_AUTH` (and refresh), as the seed's pool does.
const PASSWORD_ONLY_CLIENT: &str = "passwordonlyclient00000001";

async fn local_peer() -> Peer {
    Peer::local_with(|toml| {
        use std::fmt::Write as _;
        let _ = write!(
            toml,
            "\n[[clients]]\nid = \"{SRP_ONLY_CLIENT}\"\n\
             explicit_auth_flows = [\"ALLOW_USER_SRP_AUTH\", \"ALLOW_REFRESH_TOKEN_AUTH\"]\n\
             \n[[clients]]\nid = \"{PASSWORD_ONLY_CLIENT}\"\n\
             explicit_auth_flows = [\"ALLOW_USER_PASSWORD_AUTH\", \"ALLOW_REFRESH_TOKEN_AUTH\"]\n"
        );
    })
    .await
}

fn client(peer: &Peer, client_id: &str) -> CognitoClient {
    CognitoClient::new(
        peer.pool.moto_url.clone(),
        client_id,
        None,
        Timeouts::default(),
    )
    .expect("client")
}

async fn srp(peer: &Peer, client: &CognitoClient, user: &str, password: &str) -> AuthStep {
    client
        .sign_in_srp(&peer.pool.id, user, &Password::new(password))
        .await
        .unwrap_or_else(|e| panic!("SRP sign-in of {user} on {} failed: {e}", peer.name()))
}

fn kind(result: Result<impl std::fmt::Debug, CognitoError>) -> ErrorKind {
    match result {
        Err(e) => e.kind().unwrap_or_else(|| panic!("not a refusal: {e:?}")),
        Ok(v) => panic!("expected a refusal, got {v:?}"),
    }
}

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
                    super::$scenario(super::local_peer().await).await;
                }
            )*
        }
    };
}

on_both_peers!(
    srp_signs_in_a_confirmed_user,
    srp_with_a_client_secret_signs_in,
    srp_then_a_new_password_is_asked_for,
    srp_then_the_authenticator_code_is_asked_for,
);

async fn srp_signs_in_a_confirmed_user(peer: Peer) {
    let step = srp(&peer, &peer.pool.client(), cast::ALICE, PASSWORD).await;
    let AuthStep::SignedIn(tokens) = step else {
        panic!("expected tokens on {}", peer.name());
    };
    assert_eq!(tokens.username, cast::ALICE);
    assert!(tokens.expires_at > jiff::Timestamp::now());
}

async fn srp_with_a_client_secret_signs_in(peer: Peer) {
    let step = srp(&peer, &peer.pool.secret_client(), cast::ALICE, PASSWORD).await;
    assert!(matches!(step, AuthStep::SignedIn(_)), "{}", peer.name());
}

async fn srp_then_a_new_password_is_asked_for(peer: Peer) {
    let step = srp(
        &peer,
        &peer.pool.client(),
        cast::BOB,
        support::TEMPORARY_PASSWORD,
    )
    .await;
    let AuthStep::Challenge(challenge) = step else {
        panic!("expected NEW_PASSWORD_REQUIRED on {}", peer.name());
    };
    assert!(
        matches!(challenge.kind, ChallengeKind::NewPasswordRequired { .. }),
        "{:?}",
        challenge.kind
    );
}

async fn srp_then_the_authenticator_code_is_asked_for(peer: Peer) {
    let step = srp(&peer, &peer.pool.client(), cast::TINA, PASSWORD).await;
    let AuthStep::Challenge(challenge) = step else {
        panic!("expected SOFTWARE_TOKEN_MFA on {}", peer.name());
    };
    assert_eq!(challenge.name, "SOFTWARE_TOKEN_MFA");
    let code = receipt_desk::totp::code(
        &receipt_desk::totp::base32_decode(cast::TOTP_SECRET).expect("secret"),
        support::now_seconds(),
        6,
    );
    let answered = peer
        .pool
        .client()
        .respond(
            &challenge,
            &receipt_desk::cognito::ChallengeAnswer::Code(code),
        )
        .await;
    // A step boundary between the code and its check may refuse it; a retry is a new
    // sign-in, so only the kinds of answer are checked.
    match answered {
        Ok(AuthStep::SignedIn(tokens)) => assert_eq!(tokens.username, cast::TINA),
        Err(e) => assert_eq!(e.kind(), Some(ErrorKind::CodeMismatch), "{e}"),
        Ok(AuthStep::Challenge(c)) => panic!("another challenge: {}", c.name),
    }
}

#[tokio::test]
async fn moto_takes_any_srp_proof_so_only_the_local_stack_proves_the_math() {
    // Recorded so that a moto that starts checking shows up here: today a wrong
    // password signs in with SRP on moto (shared/SRP.md §1.4).
    let peer = Peer::moto().await;
    let step = peer
        .pool
        .client()
        .sign_in_srp(&peer.pool.id, cast::ALICE, &Password::new("Wrong-pass1!"))
        .await
        .expect("moto answers");
    assert!(matches!(step, AuthStep::SignedIn(_)));
}

#[tokio::test]
async fn the_local_stack_refuses_a_wrong_password_and_counts_it() {
    let peer = local_peer().await;
    let client = peer.pool.client();
    let wrong = client
        .sign_in_srp(&peer.pool.id, cast::ALICE, &Password::new("Wrong-pass1!"))
        .await;
    assert_eq!(kind(wrong), ErrorKind::IncorrectCredentials);
    // The lockout counts SRP failures as it counts password ones.
    let mut last = ErrorKind::IncorrectCredentials;
    for _ in 0..10 {
        last = kind(
            client
                .sign_in_srp(&peer.pool.id, cast::ALICE, &Password::new("Wrong-pass1!"))
                .await,
        );
        if last == ErrorKind::AttemptsExceeded {
            break;
        }
    }
    assert_eq!(last, ErrorKind::AttemptsExceeded);
}

#[tokio::test]
async fn an_srp_only_client_refuses_the_password_flow_and_auto_falls_back() {
    let peer = local_peer().await;
    let client = client(&peer, SRP_ONLY_CLIENT);
    let password = Password::new(PASSWORD);
    assert_eq!(
        kind(client.sign_in(cast::ALICE, &password).await),
        ErrorKind::FlowNotEnabled
    );
    // Auto, having last used the password flow: it tries that, then SRP.
    let plan = FlowPlan {
        flows: vec![PasswordFlow::Password, PasswordFlow::Srp],
        pool_id: Some(peer.pool.id.clone()),
    };
    let (step, used) = client
        .sign_in_with(&plan, cast::ALICE, &password)
        .await
        .expect("falls back to SRP");
    assert!(matches!(step, AuthStep::SignedIn(_)));
    assert_eq!(used, PasswordFlow::Srp);
}

#[tokio::test]
async fn a_password_only_client_refuses_srp_and_auto_falls_back() {
    let peer = local_peer().await;
    let client = client(&peer, PASSWORD_ONLY_CLIENT);
    let password = Password::new(PASSWORD);
    assert_eq!(
        kind(
            client
                .sign_in_srp(&peer.pool.id, cast::ALICE, &password)
                .await
        ),
        ErrorKind::FlowNotEnabled
    );
    let plan = FlowPlan {
        flows: vec![PasswordFlow::Srp, PasswordFlow::Password],
        pool_id: Some(peer.pool.id.clone()),
    };
    let (step, used) = client
        .sign_in_with(&plan, cast::ALICE, &password)
        .await
        .expect("falls back to the password flow");
    assert!(matches!(step, AuthStep::SignedIn(_)));
    assert_eq!(used, PasswordFlow::Password);
    // A wrong password is not a reason to try the other flow: it is said once.
    let wrong = client
        .sign_in_with(&plan, cast::ALICE, &Password::new("Wrong-pass1!"))
        .await;
    assert_eq!(kind(wrong), ErrorKind::IncorrectCredentials);
    // Only SRP, with no pool id to do it with: said before anything is sent.
    let no_pool = FlowPlan {
        flows: vec![PasswordFlow::Srp],
        pool_id: None,
    };
    let err = client
        .sign_in_with(&no_pool, cast::ALICE, &password)
        .await
        .expect_err("no pool id");
    assert!(matches!(err, CognitoError::InvalidInput(_)), "{err:?}");
}

/// One raw Cognito call to the local stack.
async fn raw(peer: &Peer, operation: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(peer.pool.moto_url.clone())
        .header("Content-Type", "application/x-amz-json-1.1")
        .header(
            "X-Amz-Target",
            format!("AWSCognitoIdentityProviderService.{operation}"),
        )
        .json(&body)
        .send()
        .await
        .expect("local stack answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn hostile_srp_values_are_refused_before_any_arithmetic() {
    let peer = local_peer().await;
    // Zero, N itself (zero modulo N), 100,000 digits, not hex.
    let n = receipt_desk::cognito::srp::N_HEX.to_owned();
    for a in ["0".to_owned(), n, "f".repeat(100_000), "xyz".to_owned()] {
        let (status, body) = raw(
            &peer,
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": peer.pool.client_id,
                   "AuthParameters": {"USERNAME": cast::ALICE, "SRP_A": a}}),
        )
        .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["__type"], "InvalidParameterException", "{body}");
    }
}

#[tokio::test]
async fn a_forged_proof_is_an_incorrect_password_and_spends_the_challenge() {
    let peer = local_peer().await;
    let (status, challenge) = raw(
        &peer,
        "InitiateAuth",
        json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": peer.pool.client_id,
               "AuthParameters": {"USERNAME": cast::ALICE, "SRP_A": "2"}}),
    )
    .await;
    assert_eq!(status, 200, "{challenge}");
    assert_eq!(challenge["ChallengeName"], "PASSWORD_VERIFIER");
    let parameters = &challenge["ChallengeParameters"];
    for key in [
        "SALT",
        "SRP_B",
        "SECRET_BLOCK",
        "USER_ID_FOR_SRP",
        "USERNAME",
    ] {
        assert!(
            parameters[key].as_str().is_some_and(|v| !v.is_empty()),
            "{key}"
        );
    }
    let answer = json!({
        "ClientId": peer.pool.client_id,
        "ChallengeName": "PASSWORD_VERIFIER",
        "Session": challenge["Session"],
        "ChallengeResponses": {
            "USERNAME": cast::ALICE,
            "PASSWORD_CLAIM_SECRET_BLOCK": parameters["SECRET_BLOCK"],
            "PASSWORD_CLAIM_SIGNATURE": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "TIMESTAMP": "Mon Feb 10 18:30:12 UTC 2025",
        },
    });
    let (status, body) = raw(&peer, "RespondToAuthChallenge", answer.clone()).await;
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "NotAuthorizedException");
    assert_eq!(body["message"], "Incorrect username or password.");
    // The challenge is spent: the same answer again is an invalid session.
    let (_, again) = raw(&peer, "RespondToAuthChallenge", answer).await;
    assert_eq!(again["message"], "Invalid session for the user.");
}

/// pycognito (from `PyPI`), an SRP client that shares no code with ours, against the local
/// stack: it answers without a `Session`, as it does on AWS.
fn pycognito(peer: &Peer, username: &str, password: &str) -> String {
    let script = r#"
import sys, boto3, botocore
from pycognito.aws_srp import AWSSRP
url, pool, client_id, user, password = sys.argv[1:6]
cognito = boto3.client("cognito-idp", endpoint_url=url, region_name="ap-northeast-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
try:
    result = AWSSRP(username=user, password=password, pool_id=pool, client_id=client_id,
                    client=cognito).authenticate_user()
    print("TOKENS" if result.get("AuthenticationResult", {}).get("AccessToken") else "NO TOKENS")
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"], e.response["Error"]["Message"])
"#;
    let out = Command::new(support::moto_python())
        .arg("-c")
        .arg(script)
        .args([
            peer.pool.moto_url.as_str(),
            peer.pool.id.as_str(),
            SRP_ONLY_CLIENT,
            username,
            password,
        ])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "pycognito failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn pycognito_signs_in_to_the_local_stack_with_the_right_password_only() {
    let peer = local_peer().await;
    // The process blocks; the stack runs on this runtime's other threads.
    let right = tokio::task::block_in_place(|| pycognito(&peer, cast::ALICE, PASSWORD));
    assert_eq!(right, "TOKENS");
    let wrong = tokio::task::block_in_place(|| pycognito(&peer, cast::ALICE, "Wrong-pass1!"));
    assert_eq!(
        wrong,
        "NotAuthorizedException Incorrect username or password."
    );
}

#[tokio::test]
async fn challenges_opened_before_a_lockout_get_no_guess_after_it() {
    let peer = local_peer().await;
    // Many SRP challenges, opened while alice is not locked out.
    let mut opened = Vec::new();
    for _ in 0..3 {
        let (status, challenge) = raw(
            &peer,
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": peer.pool.client_id,
                   "AuthParameters": {"USERNAME": cast::ALICE, "SRP_A": "2"}}),
        )
        .await;
        assert_eq!(status, 200, "{challenge}");
        opened.push(challenge);
    }
    // Then wrong passwords lock her out.
    let client = peer.pool.client();
    let mut last = ErrorKind::IncorrectCredentials;
    for _ in 0..10 {
        last = kind(
            client
                .sign_in(cast::ALICE, &Password::new("Wrong-pass1!"))
                .await,
        );
        if last == ErrorKind::AttemptsExceeded {
            break;
        }
    }
    assert_eq!(last, ErrorKind::AttemptsExceeded);
    // An earlier challenge's proof is not even checked now.
    let challenge = &opened[0];
    let (status, body) = raw(
        &peer,
        "RespondToAuthChallenge",
        json!({
            "ClientId": peer.pool.client_id,
            "ChallengeName": "PASSWORD_VERIFIER",
            "Session": challenge["Session"],
            "ChallengeResponses": {
                "USERNAME": cast::ALICE,
                "PASSWORD_CLAIM_SECRET_BLOCK": challenge["ChallengeParameters"]["SECRET_BLOCK"],
                "PASSWORD_CLAIM_SIGNATURE": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
                "TIMESTAMP": "Mon Feb 10 18:30:12 UTC 2025",
            },
        }),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], "Password attempts exceeded", "{body}");
}
