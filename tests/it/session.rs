//! The session against the local stack: one refresh however many callers, refreshes on
//! schedule in the background, and a revoked refresh token ends the session with the
//! reason. Waits are on the session's state, never on sleeps; schedules run on a clock
//! the test moves (`support::clock`), never on real seconds.

use crate::support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use receipt_desk::cognito::{AuthStep, CognitoClient, Timeouts, Tokens};
use receipt_desk::credentials::Password;
use receipt_desk::session::{Session, SessionError, SessionState};
use support::clock::TestClock;
use support::{PASSWORD, Peer, cast};

async fn peer_with_lifetime(seconds: u32) -> Peer {
    Peer::local_with(|toml| {
        *toml = toml.replace(
            "id = \"desktoppublicclient0000001\"",
            &format!("id = \"desktoppublicclient0000001\"\naccess_token_seconds = {seconds}\nid_token_seconds = {seconds}"),
        );
    })
    .await
}

async fn sign_in(client: &CognitoClient) -> Tokens {
    match client
        .sign_in(cast::ALICE, &Password::new(PASSWORD))
        .await
        .expect("sign in")
    {
        AuthStep::SignedIn(tokens) => tokens,
        AuthStep::Challenge(c) => panic!("unexpected challenge {}", c.name),
    }
}

fn client(peer: &Peer) -> CognitoClient {
    CognitoClient::new(
        peer.pool.moto_url.clone(),
        &peer.pool.client_id,
        None,
        Timeouts::default(),
    )
    .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_callers_around_an_expiry_cause_exactly_one_refresh() {
    let peer = peer_with_lifetime(3600).await;
    let session = Session::new(client(&peer));
    let tokens = sign_in(&client(&peer)).await;
    let old_access = tokens.access.clone();
    // Received an hour ago: due now.
    session.begin_aged(tokens, Duration::from_hours(1)).await;

    let mut callers = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let session = Arc::clone(&session);
        callers.spawn(async move { session.tokens().await.expect("tokens").0 });
    }
    let mut seen = Vec::new();
    while let Some(access) = callers.join_next().await {
        seen.push(access.expect("caller"));
    }
    assert_eq!(session.refresh_count(), 1, "one refresh served all fifty");
    assert!(
        seen.iter().all(|a| *a == seen[0]),
        "everyone got the same fresh token"
    );
    assert_ne!(seen[0], old_access);
}

#[tokio::test]
async fn a_refusal_refreshes_once_even_when_reported_twice() {
    let peer = peer_with_lifetime(3600).await;
    let session = Session::new(client(&peer));
    session.begin(sign_in(&client(&peer)).await).await;
    let (refused, _) = session.tokens().await.expect("tokens");
    let (first, _) = session
        .refresh_after_refusal(&refused)
        .await
        .expect("refresh");
    // A second caller that saw the same refused token does not refresh again.
    let (second, _) = session
        .refresh_after_refusal(&refused)
        .await
        .expect("shared");
    assert_eq!(session.refresh_count(), 1);
    assert_eq!(first, second);
    assert_ne!(first, refused);
}

/// One-hour tokens are refreshed at 80 % of their life: every 48 minutes.
const HOUR_TOKENS_DUE: Duration = Duration::from_mins(48);
const A_SECOND: Duration = Duration::from_secs(1);

#[tokio::test]
async fn the_background_refresher_follows_the_schedule() {
    let peer = peer_with_lifetime(3600).await;
    let stack = peer.stack().expect("local");
    // Time moves only when the test moves it, the stack's in step with the session's.
    let mut clock = TestClock::hold(Some(&stack.clock));
    let session = Session::new(client(&peer));
    let changes = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&changes);
    session.set_on_change(move || {
        counted.fetch_add(1, Ordering::Relaxed);
    });
    let mut state = session.watch();
    let tokens = sign_in(&client(&peer)).await;
    let mut handed_out = tokens.access.clone();
    session.begin(tokens).await;
    state.borrow_and_update();
    let refresher = tokio::spawn(Arc::clone(&session).keep_fresh());
    for round in 1..=3 {
        // A second before it is due, the session still hands out the same token...
        clock
            .advance(HOUR_TOKENS_DUE.saturating_sub(A_SECOND))
            .await;
        let (access, _) = session.tokens().await.expect("tokens");
        assert_eq!(access, handed_out, "round {round}: refreshed early");
        assert_eq!(session.refresh_count(), round - 1, "round {round}");
        // ...and a second after it is due (tokio rounds timers up to the next
        // millisecond), the refresher has renewed it unasked: a new SignedIn state.
        clock.advance(2 * A_SECOND).await;
        clock
            .within_limit(state.changed())
            .await
            .expect("session alive");
        match &*state.borrow_and_update() {
            SessionState::SignedIn { refreshes, .. } => assert_eq!(*refreshes, round),
            other @ SessionState::SignedOut { .. } => panic!("round {round}: {other:?}"),
        }
        let (access, _) = session.tokens().await.expect("tokens");
        assert_ne!(access, handed_out, "round {round}: a new token");
        // The token the session hands out is valid at the server, whose clock moved too.
        client(&peer)
            .get_user(&access)
            .await
            .expect("a fresh token is accepted");
        handed_out = access;
    }
    assert_eq!(session.refresh_count(), 3);
    assert!(
        changes.load(Ordering::Relaxed) >= 4,
        "the wake-up callback ran on every change"
    );
    refresher.abort();
}

#[tokio::test]
async fn a_revoked_refresh_token_signs_the_session_out_with_the_reason() {
    let peer = peer_with_lifetime(3600).await;
    let session = Session::new(client(&peer));
    let tokens = sign_in(&client(&peer)).await;
    client(&peer)
        .revoke_token(tokens.refresh.as_ref().expect("refresh"))
        .await
        .expect("revoke");
    session.begin_aged(tokens, Duration::from_hours(1)).await;
    let err = session.tokens().await.expect_err("refused");
    assert!(matches!(err, SessionError::Cognito(_)), "{err}");
    match &*session.watch().borrow() {
        SessionState::SignedOut {
            reason: Some(reason),
        } => {
            assert!(
                reason.contains("Refresh Token has been revoked"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        session.tokens().await,
        Err(SessionError::SignedOut)
    ));
}

#[tokio::test]
async fn sign_out_ends_the_session_here_and_on_the_server() {
    let peer = peer_with_lifetime(3600).await;
    let session = Session::new(client(&peer));
    session.begin(sign_in(&client(&peer)).await).await;
    let (access, _) = session.tokens().await.expect("tokens");
    session.sign_out().await.expect("sign out");
    assert_eq!(
        *session.watch().borrow(),
        SessionState::SignedOut { reason: None }
    );
    assert!(matches!(
        session.tokens().await,
        Err(SessionError::SignedOut)
    ));
    assert!(
        client(&peer).get_user(&access).await.is_err(),
        "the server ended it too"
    );
}

#[tokio::test]
async fn a_stream_of_api_calls_over_several_lifetimes_never_sees_a_401() {
    use receipt_desk::api::{ApiClient, ConvertOutcome, ConvertRequest};
    use receipt_desk::config::{HeaderStyle, TokenKind};
    // One-hour tokens and an authorizer with no leeway: a stale token would fail.
    let data = tempfile::tempdir().expect("tempdir");
    let pool_file = data.path().join("pool.toml");
    std::fs::write(
        &pool_file,
        format!(
            "[[clients]]\nid = \"shortlivedclient0000000001\"\naccess_token_seconds = 3600\nid_token_seconds = 3600\n\
             [[users]]\nusername = \"alice\"\npassword = \"{PASSWORD}\"\n"
        ),
    )
    .expect("pool");
    let mut options = receipt_desk::local::StackOptions::new(data.path().join("stack"));
    options.pool = Some(receipt_desk::local::idp::PoolConfig::load(&pool_file).expect("pool"));
    options.leeway_seconds = 0;
    let stack = receipt_desk::local::start(options).await.expect("stack");
    std::fs::create_dir_all(data.path().join("stack/buckets/empty")).expect("bucket");
    let mut clock = TestClock::hold(Some(&stack.clock));
    let cognito = CognitoClient::new(
        stack.cognito_endpoint(),
        "shortlivedclient0000000001",
        None,
        Timeouts::default(),
    )
    .expect("client");
    let session = Session::new(cognito.clone());
    session.begin(sign_in(&cognito).await).await;
    let refresher = tokio::spawn(Arc::clone(&session).keep_fresh());
    let api = ApiClient::new(
        stack.api_url(),
        Arc::clone(&session),
        TokenKind::Access,
        HeaderStyle::Bearer,
    )
    .expect("api");
    let request = ConvertRequest {
        source_bucket: "empty".to_owned(),
        pdf_prefix: "pdf/".to_owned(),
        upload_prefix: "jpeg/".to_owned(),
    };
    // A steady stream, as a person working would make: a call every 30 s (of the test's
    // clock, the stack's moving with it) through three refreshes. The loop ends on the
    // session's state, not on time.
    let mut calls = 0;
    while session.refresh_count() < 3 {
        clock.advance(Duration::from_secs(30)).await;
        let (outcome, diagnostics) = clock
            .within_limit(api.convert(&request))
            .await
            .expect("every call succeeds");
        assert!(matches!(outcome, ConvertOutcome::Done(_)));
        assert_eq!(diagnostics.status, 200);
        calls += 1;
        assert!(calls < 500, "three refreshes never came");
    }
    // Three lifetimes' worth of calls: the schedule, not the 401 recovery, kept them valid.
    assert_eq!(calls, 3 * 96, "a refresh every 48 minutes of calls");
    assert_eq!(
        api.unauthorized_count(),
        0,
        "no call ever met a 401 in {calls} calls"
    );
    refresher.abort();
}

#[tokio::test]
async fn moto_tokens_of_the_clients_lifetime_are_refreshed_on_schedule() {
    let moto = support::moto();
    let pool = moto.pool().await;
    pool.confirmed_user(cast::ALICE, serde_json::json!([]))
        .await;
    let created = moto
        .call(
            "CreateUserPoolClient",
            serde_json::json!({"UserPoolId": pool.id, "ClientName": "short",
                "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "AccessTokenValidity": 2, "IdTokenValidity": 2,
                "TokenValidityUnits": {"AccessToken": "seconds", "IdToken": "seconds"}}),
        )
        .await;
    let client_id = created["UserPoolClient"]["ClientId"].as_str().expect("id");
    let cognito = CognitoClient::new(pool.moto_url.clone(), client_id, None, Timeouts::default())
        .expect("client");
    // moto keeps its own time; the session's is the test's (two-second tokens are
    // refreshed at 1.6 s, well before moto's real seconds run out).
    let mut clock = TestClock::hold(None);
    let tokens = sign_in(&cognito).await;
    assert_eq!(
        tokens.lifetime(),
        Duration::from_secs(2),
        "moto honours the client's validity"
    );
    let session = Session::new(cognito.clone());
    let mut state = session.watch();
    let mut handed_out = tokens.access.clone();
    session.begin(tokens).await;
    state.borrow_and_update();
    let refresher = tokio::spawn(Arc::clone(&session).keep_fresh());
    for round in 1..=2 {
        // Due at 1.6 s: not at 1.5 s, done by 1.7 s.
        clock.advance(Duration::from_millis(1500)).await;
        let (access, _) = session.tokens().await.expect("tokens");
        assert_eq!(access, handed_out, "round {round}: refreshed early");
        clock.advance(Duration::from_millis(200)).await;
        clock.within_limit(state.changed()).await.expect("alive");
        assert_eq!(session.refresh_count(), round);
        let (access, _) = session.tokens().await.expect("tokens");
        assert_ne!(access, handed_out, "round {round}: a new token");
        handed_out = access;
    }
    let user = cognito
        .get_user(&handed_out)
        .await
        .expect("moto accepts the refreshed token");
    assert_eq!(user.username, cast::ALICE);
    refresher.abort();
}
