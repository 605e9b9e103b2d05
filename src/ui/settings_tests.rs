//! Unit tests of `settings`: import, rename, and the profile in use renamed.

use super::*;
use crate::config::Profile;
use crate::ui::test_app::{app, unreachable_profile};

#[test]
fn a_renamed_profile_takes_its_stored_secrets_and_remembered_sign_ins_along() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(&runtime, dir.path());
    let client = unreachable_profile().client_id;
    let old = secrets::Owner::new("second", &client);
    let new = secrets::Owner::new("renamed", &client);
    let store = app.secrets.clone();
    runtime.block_on(async {
        for (account, value) in [
            (old.client_secret(), "old secret"),
            (old.session("alice"), "alice's sign-in"),
            (old.device("alice"), "alice's device"),
        ] {
            store
                .set(account.name, value.as_bytes().to_vec())
                .await
                .expect("set");
        }
    });
    app.config
        .remembered
        .entry("second".to_owned())
        .or_default()
        .insert("alice".to_owned());
    // Renamed, with a new client secret typed in the same save.
    let mut draft = Draft::from_profile("second", &app.config.profiles["second"]);
    draft.name = "renamed".to_owned();
    app.settings.secret = "new secret".to_owned();
    app.save_draft(&draft);
    runtime.block_on(app.idle());
    app.poll_settings();

    let read = |account: secrets::Account| {
        runtime
            .block_on(store.get(account.name))
            .expect("get")
            .map(|bytes| String::from_utf8(bytes).expect("utf-8"))
    };
    assert_eq!(read(new.client_secret()).as_deref(), Some("new secret"));
    assert_eq!(
        read(new.session("alice")).as_deref(),
        Some("alice's sign-in")
    );
    assert_eq!(read(new.device("alice")).as_deref(), Some("alice's device"));
    for account in old.accounts(&["alice".to_owned()]) {
        assert_eq!(read(account.clone()), None, "{account:?} left behind");
    }
    assert!(app.config.is_remembered("renamed", "alice"));
    assert!(!app.config.remembered.contains_key("second"));
    assert_eq!(
        app.settings.message,
        Some((true, t::SAVED_THE_CLIENT_SECRET_IS_IN.en.to_owned()))
    );
}

#[test]
fn the_profile_in_use_reconnects_after_its_move_and_another_client_s_entries_are_deleted() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(&runtime, dir.path());
    let client = unreachable_profile().client_id;
    let store = app.secrets.clone();
    let put = |account: secrets::Account| {
        runtime
            .block_on(store.set(account.name, b"x".to_vec()))
            .expect("set");
    };
    let read = |account: secrets::Account| runtime.block_on(store.get(account.name)).expect("get");
    put(secrets::Owner::new("first", &client).session("alice"));
    put(secrets::Owner::new("second", &client).session("bob"));
    put(secrets::Owner::new("second", &client).client_secret());
    for (profile, user) in [("first", "alice"), ("second", "bob")] {
        app.config
            .remembered
            .entry(profile.to_owned())
            .or_default()
            .insert(user.to_owned());
    }

    // "first" is in use: renamed with a new client secret, it reconnects only once
    // its entries are under the new name.
    let mut draft = Draft::from_profile("first", &app.config.profiles["first"]);
    draft.name = "main".to_owned();
    app.settings.secret = "new secret".to_owned();
    app.save_draft(&draft);
    assert_eq!(app.profile_name(), "main");
    assert!(
        !app.actions.contains(&Action::Reconnect),
        "not before the move"
    );
    runtime.block_on(app.idle());
    app.poll_settings();
    assert!(app.actions.contains(&Action::Reconnect));
    assert!(read(secrets::Owner::new("main", &client).session("alice")).is_some());

    // "second" renamed onto another app client: the old client's entries are of no
    // use to it, so they go, and so does the note that bob's sign-in is remembered.
    let mut draft = Draft::from_profile("second", &app.config.profiles["second"]);
    draft.name = "other".to_owned();
    draft.client_id = "2another3456789abcdefghijk".to_owned();
    app.save_draft(&draft);
    runtime.block_on(app.idle());
    let old = secrets::Owner::new("second", &client);
    let kept_client = secrets::Owner::new("other", &client);
    for account in old
        .accounts(&["bob".to_owned()])
        .into_iter()
        .chain(kept_client.accounts(&["bob".to_owned()]))
    {
        assert_eq!(read(account.clone()), None, "{account:?}");
    }
    assert!(!app.config.remembered.contains_key("second"));
    assert!(!app.config.remembered.contains_key("other"));
}

#[test]
fn an_import_takes_free_names_drops_the_user_and_says_what_it_refused() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut app = app(&runtime, dir.path());
    let mut imported = Config::default();
    imported.profiles.insert(
        "first".to_owned(),
        Profile {
            username: Some("alice".to_owned()),
            local_stack: true,
            ..unreachable_profile()
        },
    );
    imported.profiles.insert(
        "broken".to_owned(),
        Profile {
            client_id: "not a client id".to_owned(),
            ..unreachable_profile()
        },
    );
    app.take_imported(imported);

    // "first" is taken: the import is "first (2)", with no user and not the demo.
    let added = app.config.profiles.get("first (2)").expect("imported");
    assert_eq!(
        (added.username.as_deref(), added.local_stack),
        (None, false)
    );
    assert!(!app.config.profiles.contains_key("broken"));
    assert_eq!(
        app.settings.draft.as_ref().map(|d| d.name.as_str()),
        Some("first (2)")
    );
    let (ok, text) = app.settings.message.clone().expect("a message");
    assert!(!ok, "a refused profile makes the message an error");
    assert!(
        text.contains("first (2)") && text.contains("broken"),
        "{text}"
    );

    // Nothing importable: the refusal alone, and nothing opened.
    let other = tempfile::tempdir().expect("tempdir");
    let mut app = crate::ui::test_app::app(&runtime, other.path());
    let mut only_broken = Config::default();
    only_broken.profiles.insert(
        "broken".to_owned(),
        Profile {
            client_id: String::new(),
            ..unreachable_profile()
        },
    );
    app.take_imported(only_broken);
    assert!(app.settings.draft.is_none());
    assert!(app.settings.message.as_ref().is_some_and(|(ok, _)| !ok));
}
