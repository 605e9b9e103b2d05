//! Forgotten and changed passwords against the local stack, which really checks the
//! codes it "mails" (moto accepts a fixed code): `ForgotPassword` → the code from the
//! stack's mailbox → `ConfirmForgotPassword`; `ChangePassword`; and a pool that hides who
//! has an account (`PreventUserExistenceErrors`, on for new AWS app clients).

use crate::support;

use receipt_desk::cognito::{AuthStep, CognitoClient, ErrorKind, Timeouts};
use receipt_desk::credentials::Password;
use support::{PASSWORD, Peer, cast};

const NEW_PASSWORD: &str = "Brand-new-pass7!";
/// An app client with `PreventUserExistenceErrors` on (the stack's default).
const HIDING_CLIENT: &str = "hidingclient00000000000001";

async fn peer() -> Peer {
    Peer::local_with(|toml| {
        use std::fmt::Write as _;
        let _ = write!(
            toml,
            "\n[[users]]\nusername = \"rita\"\npassword = \"{PASSWORD}\"\n\
             email = \"rita@example.com\"\nstatus = \"reset_required\"\n\
             \n[[clients]]\nid = \"{HIDING_CLIENT}\"\n"
        );
    })
    .await
}

fn code_for(peer: &Peer, username: &str) -> String {
    peer.stack()
        .expect("the local stack")
        .mailbox
        .last_code(username)
        .expect("a code was mailed")
}

async fn signs_in(client: &CognitoClient, username: &str, password: &str) -> bool {
    matches!(
        client.sign_in(username, &Password::new(password)).await,
        Ok(AuthStep::SignedIn(_))
    )
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_mailed_code() {
    let peer = peer().await;
    let client = peer.pool.client();
    let delivery = client.forgot_password(cast::ALICE).await.expect("sent");
    assert_eq!(delivery.destination, "a***@e***");
    assert_eq!(delivery.medium, "EMAIL");
    let code = code_for(&peer, cast::ALICE);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = client
        .confirm_forgot_password(cast::ALICE, wrong, &Password::new(NEW_PASSWORD))
        .await
        .expect_err("a wrong code");
    assert_eq!(refused.kind(), Some(ErrorKind::CodeMismatch));
    let weak = client
        .confirm_forgot_password(cast::ALICE, &code, &Password::new("short"))
        .await
        .expect_err("a weak password");
    assert_eq!(weak.kind(), Some(ErrorKind::InvalidPassword));
    client
        .confirm_forgot_password(cast::ALICE, &code, &Password::new(NEW_PASSWORD))
        .await
        .expect("reset");
    assert!(signs_in(&client, cast::ALICE, NEW_PASSWORD).await);
    assert!(!signs_in(&client, cast::ALICE, PASSWORD).await);
    // A code is good once.
    let again = client
        .confirm_forgot_password(cast::ALICE, &code, &Password::new("Another-pass8!"))
        .await
        .expect_err("spent");
    assert_eq!(again.kind(), Some(ErrorKind::ExpiredCode));
}

#[tokio::test]
async fn a_required_reset_is_refused_at_sign_in_and_done_with_a_code() {
    let peer = peer().await;
    let client = peer.pool.client();
    let refused = client
        .sign_in("rita", &Password::new(PASSWORD))
        .await
        .expect_err("a reset is required");
    assert_eq!(refused.kind(), Some(ErrorKind::PasswordResetRequired));
    client.forgot_password("rita").await.expect("sent");
    client
        .confirm_forgot_password(
            "rita",
            &code_for(&peer, "rita"),
            &Password::new(NEW_PASSWORD),
        )
        .await
        .expect("reset");
    assert!(signs_in(&client, "rita", NEW_PASSWORD).await);
}

#[tokio::test]
async fn a_pool_that_hides_who_exists_answers_alike_for_everyone() {
    let peer = peer().await;
    let client = CognitoClient::new(
        peer.pool.moto_url.clone(),
        HIDING_CLIENT,
        None,
        Timeouts::default(),
    )
    .expect("client");
    let unknown = client
        .sign_in("nobody", &Password::new(PASSWORD))
        .await
        .expect_err("unknown");
    let wrong = client
        .sign_in(cast::ALICE, &Password::new("Wrong-pass1!"))
        .await
        .expect_err("wrong");
    assert_eq!(unknown.kind(), Some(ErrorKind::IncorrectCredentials));
    let sentence = |e: &receipt_desk::cognito::CognitoError| {
        e.to_string()
            .split(" [request id")
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(sentence(&unknown), sentence(&wrong));
    // A reset for nobody seems to be sent, and no mail goes anywhere.
    let delivery = client.forgot_password("nobody").await.expect("no tell");
    assert!(!delivery.destination.is_empty());
    assert!(
        peer.stack()
            .expect("stack")
            .mailbox
            .last_code("nobody")
            .is_none()
    );
    let refused = client
        .confirm_forgot_password("nobody", "123456", &Password::new(NEW_PASSWORD))
        .await
        .expect_err("no such user");
    assert_eq!(refused.kind(), Some(ErrorKind::CodeMismatch));
}

#[tokio::test]
async fn a_signed_in_user_changes_the_password_with_the_current_one() {
    let peer = peer().await;
    let client = peer.pool.client();
    let AuthStep::SignedIn(tokens) = client
        .sign_in(cast::ALICE, &Password::new(PASSWORD))
        .await
        .expect("signed in")
    else {
        panic!("tokens expected");
    };
    let wrong = client
        .change_password(
            &tokens.access,
            &Password::new("Wrong-pass1!"),
            &Password::new(NEW_PASSWORD),
        )
        .await
        .expect_err("wrong current password");
    assert_eq!(wrong.kind(), Some(ErrorKind::IncorrectCredentials));
    client
        .change_password(
            &tokens.access,
            &Password::new(PASSWORD),
            &Password::new(NEW_PASSWORD),
        )
        .await
        .expect("changed");
    assert!(signs_in(&client, cast::ALICE, NEW_PASSWORD).await);
}

#[tokio::test]
async fn moto_takes_a_forgot_password_call_of_the_same_shape() {
    // moto confirms with fixed codes, so only the request and answer shape is proven.
    let peer = Peer::moto().await;
    let delivery = peer
        .pool
        .client()
        .forgot_password(cast::ALICE)
        .await
        .expect("moto answers");
    assert!(!delivery.medium.is_empty(), "{delivery:?}");
}
