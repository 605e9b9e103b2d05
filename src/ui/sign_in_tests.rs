//! Unit tests of `sign_in`.

use super::*;

#[test]
fn cancel_stops_waiting_and_keeps_what_was_typed() {
    let mut state = SignInState {
        username: "alice".to_owned(),
        password: "secret".to_owned(),
        ..SignInState::default()
    };
    let (_sender, promise) = Promise::new();
    state.pending = Some(promise);
    assert!(state.busy());
    state.cancel();
    assert!(!state.busy());
    assert_eq!(
        (state.username.as_str(), state.password.as_str()),
        ("alice", "secret")
    );
}

#[test]
fn a_session_that_ends_says_why_and_the_screen_takes_the_keyboard_again() {
    let mut state = SignInState {
        autofocused: true,
        ..SignInState::default()
    };
    state.signed_out(Some("refresh refused"), Lang::En);
    assert!(!state.autofocused);
    assert!(state.challenge.is_none());
    assert!(
        state
            .error
            .as_deref()
            .is_some_and(|e| e.ends_with("(refresh refused)"))
    );
    state.signed_out(None, Lang::En);
    assert_eq!(
        state.error, None,
        "a sign-out by the person needs no reason"
    );
}

#[test]
fn the_saved_username_is_filled_in_and_secrets_are_wiped() {
    let mut state = SignInState::default();
    state.prefill(Some(&Profile {
        username: Some("demo".to_owned()),
        ..Profile::default()
    }));
    assert_eq!(state.username, "demo");
    state.password = "pw".to_owned();
    state.code = "123456".to_owned();
    state.clear_secrets();
    assert!(state.password.is_empty() && state.code.is_empty());
}
