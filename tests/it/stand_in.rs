//! The local stack's Cognito as an attacker sees it: nothing tells a stranger from a
//! user, an account's state is told only to someone with its password, authenticator
//! codes can neither be guessed at speed nor used twice, and a sign-out revokes tokens
//! by id (a sign-in in the same second works).

use crate::support;

use receipt_desk::cognito::{
    AuthStep, ChallengeAnswer, CognitoClient, CognitoError, ErrorKind, Timeouts,
};
use receipt_desk::credentials::Password;
use receipt_desk::totp;
use support::{PASSWORD, Peer, cast, now_seconds};

/// A client that hides who has an account, as new app clients do.
const HIDING_CLIENT: &str = "hidingclient00000000000001";

async fn peer() -> Peer {
    Peer::local_with(|toml| {
        toml.push_str("\n[[clients]]\nid = \"");
        toml.push_str(HIDING_CLIENT);
        toml.push_str("\"\n");
    })
    .await
}

fn hiding_client(peer: &Peer) -> CognitoClient {
    CognitoClient::new(
        peer.pool.moto_url.clone(),
        HIDING_CLIENT,
        None,
        Timeouts::default(),
    )
    .expect("client")
}

/// What a refusal tells: its kind and its message.
fn told(result: Result<AuthStep, CognitoError>) -> (ErrorKind, String) {
    match result {
        Err(CognitoError::Service(e)) => (e.kind, e.message),
        Err(other) => panic!("expected a refusal, got {other:?}"),
        Ok(_) => panic!("expected a refusal, got a sign-in step"),
    }
}

#[tokio::test]
async fn a_stranger_and_a_wrong_password_are_told_alike_in_both_flows() {
    let peer = peer().await;
    let client = hiding_client(&peer);
    let wrong = Password::new("Not-the-password-1");
    let stranger = told(client.sign_in("nobody-here", &wrong).await);
    let user = told(client.sign_in(cast::ALICE, &wrong).await);
    assert_eq!(stranger, user);
    assert_eq!(stranger.0, ErrorKind::IncorrectCredentials);
    // SRP: a stranger gets a challenge too, and the proof is refused the same way.
    let stranger = told(
        client
            .sign_in_srp(&peer.pool.id, "nobody-here", &wrong)
            .await,
    );
    let user = told(client.sign_in_srp(&peer.pool.id, cast::ALICE, &wrong).await);
    assert_eq!(stranger, user);
    // The right password still signs in by SRP.
    let step = client
        .sign_in_srp(&peer.pool.id, cast::ALICE, &Password::new(PASSWORD))
        .await
        .expect("SRP sign-in");
    assert!(matches!(step, AuthStep::SignedIn(_)));
}

#[tokio::test]
async fn an_accounts_state_is_told_only_after_its_password() {
    let peer = peer().await;
    let client = peer.pool.client();
    let wrong = Password::new("Not-the-password-1");
    for user in [cast::DAVE, cast::CAROL] {
        assert_eq!(
            told(client.sign_in(user, &wrong).await).0,
            ErrorKind::IncorrectCredentials,
            "{user} with a wrong password"
        );
        assert_eq!(
            told(client.sign_in_srp(&peer.pool.id, user, &wrong).await).0,
            ErrorKind::IncorrectCredentials,
            "{user} by SRP with a wrong password"
        );
    }
    let right = Password::new(PASSWORD);
    assert_eq!(
        told(client.sign_in(cast::DAVE, &right).await).0,
        ErrorKind::UserDisabled
    );
    assert_eq!(
        told(client.sign_in_srp(&peer.pool.id, cast::DAVE, &right).await).0,
        ErrorKind::UserDisabled
    );
    assert_eq!(
        told(client.sign_in(cast::CAROL, &right).await).0,
        ErrorKind::UserNotConfirmed
    );
}

fn tina_code(at: u64) -> String {
    let secret = totp::base32_decode(cast::TOTP_SECRET).expect("base32");
    totp::code(&secret, at, 6)
}

async fn tina_challenge(client: &CognitoClient) -> receipt_desk::cognito::Challenge {
    match client.sign_in(cast::TINA, &Password::new(PASSWORD)).await {
        Ok(AuthStep::Challenge(challenge)) => challenge,
        other => panic!("expected the code challenge, got {other:?}"),
    }
}

#[tokio::test]
async fn an_authenticator_code_signs_in_once() {
    let peer = peer().await;
    let client = peer.pool.client();
    // A code accepted near the end of its step could be refused as "used" by the
    // next; the code of the step after next is not yet valid. So take the next step's
    // code, which the stand-in accepts (one step of skew) and which stays usable.
    let code = tina_code(now_seconds() + totp::STEP_SECONDS);
    let first = client
        .respond(
            &tina_challenge(&client).await,
            &ChallengeAnswer::Code(code.clone()),
        )
        .await
        .expect("the code signs in");
    assert!(matches!(first, AuthStep::SignedIn(_)));
    let again = client
        .respond(&tina_challenge(&client).await, &ChallengeAnswer::Code(code))
        .await;
    assert_eq!(told(again).0, ErrorKind::CodeMismatch);
    // An older code is refused too, even within the skew.
    let older = tina_code(now_seconds());
    let again = client
        .respond(
            &tina_challenge(&client).await,
            &ChallengeAnswer::Code(older),
        )
        .await;
    assert_eq!(told(again).0, ErrorKind::CodeMismatch);
}

#[tokio::test]
async fn wrong_codes_lock_the_user_out_across_fresh_sessions() {
    let peer = peer().await;
    let client = peer.pool.client();
    let right = tina_code(now_seconds());
    let wrong = format!(
        "{:06}",
        (right.parse::<u32>().expect("digits") + 500_000) % 1_000_000
    );
    let mut outcomes = Vec::new();
    for _ in 0..6 {
        // A new session each time: the password is right, only the code is guessed.
        let challenge = tina_challenge(&client).await;
        let answer = client
            .respond(&challenge, &ChallengeAnswer::Code(wrong.clone()))
            .await;
        outcomes.push(told(answer));
    }
    assert!(
        outcomes[..5]
            .iter()
            .all(|(kind, _)| *kind == ErrorKind::CodeMismatch),
        "{outcomes:?}"
    );
    assert!(outcomes[5].1.contains("attempts exceeded"), "{outcomes:?}");
    // Locked: even the right code is not checked now.
    let challenge = tina_challenge(&client).await;
    let answer = client
        .respond(&challenge, &ChallengeAnswer::Code(right))
        .await;
    assert!(told(answer).1.contains("attempts exceeded"));
}

#[tokio::test]
async fn a_sign_in_right_after_a_global_sign_out_keeps_its_tokens() {
    let peer = peer().await;
    let client = peer.pool.client();
    let sign_in = || async {
        match client.sign_in(cast::ALICE, &Password::new(PASSWORD)).await {
            Ok(AuthStep::SignedIn(tokens)) => tokens,
            other => panic!("sign-in: {other:?}"),
        }
    };
    let before = sign_in().await;
    client
        .global_sign_out(&before.access)
        .await
        .expect("sign out");
    // In the same second, as a person signing in again at once does.
    let after = sign_in().await;
    client
        .get_user(&after.access)
        .await
        .expect("the new tokens work");
    let refresh = after.refresh.clone().expect("refresh token");
    client
        .refresh(&refresh, &after.username)
        .await
        .expect("and refresh");
    assert_eq!(
        client
            .get_user(&before.access)
            .await
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(Some(ErrorKind::InvalidAccessToken))
    );
}

/// Idle connections that never send a request are closed at the head deadline, and
/// more of them than the server takes at once cannot lock anyone out.
#[tokio::test]
async fn idle_connections_are_closed_and_cannot_lock_out_a_request() {
    use tokio::io::AsyncReadExt as _;
    let data = tempfile::tempdir().expect("tempdir");
    let mut options = receipt_desk::local::StackOptions::new(data.path().to_owned());
    options.limits = receipt_desk::local::HttpLimits {
        head_timeout: std::time::Duration::from_secs(1),
        max_connections: 4,
    };
    let stack = receipt_desk::local::start(options).await.expect("stack");
    let address = stack.url.socket_addrs(|| None).expect("address")[0];
    let mut idle = Vec::new();
    for _ in 0..12 {
        idle.push(
            tokio::net::TcpStream::connect(address)
                .await
                .expect("connect"),
        );
    }
    // A person's request is answered all the same (once idle ones are shed).
    let answer = reqwest::Client::new()
        .get(stack.jwks_url())
        .timeout(std::time::Duration::from_mins(1))
        .send()
        .await
        .expect("answered despite the idle connections");
    assert!(answer.status().is_success(), "{}", answer.status());
    // The first idle connection was closed by the server: reading ends, with no bytes.
    let mut buffer = [0_u8; 64];
    let read = tokio::time::timeout(std::time::Duration::from_mins(1), idle[0].read(&mut buffer))
        .await
        .expect("the server closed the idle connection");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
}
