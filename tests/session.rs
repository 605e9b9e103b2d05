//! The session against the local stack: one refresh however many callers, refreshes on
//! schedule in the background, and a revoked refresh token ends the session with the
//! reason. Waits are on the session's state, never on sleeps.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use receipt_desk::cognito::{AuthStep, CognitoClient, Timeouts, Tokens};
use receipt_desk::credentials::Password;
use receipt_desk::session::{Session, SessionError, SessionState};
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_refresher_follows_the_schedule() {
    // Two-second tokens: refreshed at 80 %, so every 1.6 s.
    let peer = peer_with_lifetime(2).await;
    let session = Session::new(client(&peer));
    let changes = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&changes);
    session.set_on_change(move || {
        counted.fetch_add(1, Ordering::Relaxed);
    });
    let mut state = session.watch();
    session.begin(sign_in(&client(&peer)).await).await;
    let refresher = tokio::spawn(Arc::clone(&session).keep_fresh());
    // Wait on the state: three refreshes, each seen as a new SignedIn state.
    let mut refreshes_seen = 0;
    while refreshes_seen < 3 {
        tokio::time::timeout(Duration::from_secs(30), state.changed())
            .await
            .expect("a refresh within 30 s")
            .expect("session alive");
        if let SessionState::SignedIn { refreshes, .. } = &*state.borrow() {
            refreshes_seen = *refreshes;
        }
    }
    assert_eq!(session.refresh_count(), 3);
    // Each token the session hands out is still valid at the server.
    let (access, _) = session.tokens().await.expect("tokens");
    client(&peer)
        .get_user(&access)
        .await
        .expect("a fresh token is accepted");
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
