//! The desktop app driven through its accessibility tree (`egui_kittest`), headless,
//! against real servers on 127.0.0.1: the embedded local stack the app starts itself,
//! and moto for the challenge steps. Widgets are found by their accessible labels.
//!
//! No sleeps: after each action the test steps frames and, while the app has work in
//! flight, blocks on the app's own "idle" signal.

use crate::support;

use std::path::PathBuf;
use std::sync::Arc;

use egui::Key;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use receipt_desk::config::{Config, Profile};
use receipt_desk::i18n::Lang;
use receipt_desk::jobs::{JobFile, Phase};
use receipt_desk::secrets::{MemoryStore, SecretError, SecretStore};
use receipt_desk::session::SessionState;
use receipt_desk::totp;
use receipt_desk::ui::{App, AppOptions, FixedDialogs, Screen, Secrets};
use support::{PASSWORD, Peer, TEMPORARY_PASSWORD, cast, now_seconds};

const DEMO_PASSWORD: &str = "Receipts-r6!";

struct Fixture {
    runtime: tokio::runtime::Runtime,
    dir: tempfile::TempDir,
    store: Arc<MemoryStore>,
}

impl Fixture {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        Self {
            runtime,
            dir: tempfile::tempdir().expect("tempdir"),
            store: Arc::new(MemoryStore::default()),
        }
    }

    fn config_path(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn options(&self, lang: Lang) -> AppOptions {
        self.options_with(lang, None, "cache")
    }

    fn options_with(
        &self,
        lang: Lang,
        local_convert: Option<backend::ConvertSettings>,
        cache: &str,
    ) -> AppOptions {
        AppOptions {
            config_path: self.config_path(),
            data_dir: self.data_dir(),
            lang: Some(lang),
            theme: None,
            profile: None,
            cache_dir: Some(self.dir.path().join(cache)),
            local_convert,
            secrets: Secrets::Store(Arc::clone(&self.store) as Arc<dyn SecretStore>),
            dialogs: Arc::new(FixedDialogs {
                open: Some(self.dir.path().join("import.toml")),
                save: Some(self.dir.path().join("export.toml")),
                folder: Some(self.dir.path().join("saved")),
            }),
            runtime: self.runtime.handle().clone(),
        }
    }

    fn app(&self, lang: Lang) -> Harness<'static, App> {
        self.app_with(self.options(lang))
    }

    fn app_with(&self, options: AppOptions) -> Harness<'static, App> {
        let mut harness = Harness::builder()
            .with_size([1040.0, 720.0])
            .build_eframe(move |cc| App::new(&cc.egui_ctx, options));
        self.settle(&mut harness);
        harness
    }

    /// Steps frames until the app has nothing in flight and a frame started nothing new.
    fn settle(&self, harness: &mut Harness<'static, App>) {
        for _ in 0..500 {
            harness.step();
            if harness.state().in_flight() == 0 {
                harness.step();
                if harness.state().in_flight() == 0 {
                    return;
                }
            }
            self.runtime.block_on(harness.state().idle());
        }
        panic!("the app never became idle");
    }

    /// A config with one profile pointing at a peer's pool (no API).
    fn write_peer_profile(&self, peer: &Peer) {
        let mut config = Config::default();
        config.profiles.insert(
            "peer".to_owned(),
            Profile {
                client_id: peer.pool.client_id.clone(),
                cognito_endpoint: Some(peer.pool.moto_url.to_string()),
                ..Profile::default()
            },
        );
        config.default_profile = Some("peer".to_owned());
        config.save(&self.config_path()).expect("config");
    }
}

fn type_into(harness: &mut Harness<'static, App>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.step();
    // Select what is there, so typing replaces it.
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::A]);
    harness.step();
    harness.get_by_label(label).type_text(text);
    // One frame takes the text in, the next shows what follows from it.
    harness.step();
    harness.step();
}

fn click_button(harness: &mut Harness<'static, App>, label: &str) {
    scroll_into_view(harness, Role::Button, label);
    harness.get_by_role_and_label(Role::Button, label).click();
    harness.step();
    harness.step();
}

/// A widget below the fold or half under the navigation or status bar: scrolled to as a
/// person does with the wheel (nothing happens to one in view).
fn scroll_into_view(harness: &mut Harness<'static, App>, role: Role, label: &str) {
    let screen = harness.ctx.content_rect();
    let (top, bottom) = (screen.top() + 40.0, screen.bottom() - 40.0);
    for _ in 0..10 {
        let node = harness.get_by_role_and_label(role, label);
        let before = node.rect();
        if before.bottom() > bottom {
            node.scroll_down();
        } else if before.top() < top {
            node.scroll_up();
        } else {
            break;
        }
        for _ in 0..10 {
            harness.step();
        }
        if harness.get_by_role_and_label(role, label).rect() == before {
            break; // not in a scroll area (the navigation bar), or at its end
        }
    }
}

fn button_enabled(harness: &Harness<'static, App>, label: &str) -> bool {
    !harness
        .get_by_role_and_label(Role::Button, label)
        .accesskit_node()
        .is_disabled()
}

fn sign_in_demo(fixture: &Fixture, harness: &mut Harness<'static, App>, password: &str) {
    type_into(harness, "Password", password);
    click_button(harness, "Sign in");
    fixture.settle(harness);
}

#[test]
fn first_start_signs_in_to_the_local_demo_and_converts_its_receipts() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);

    // A "Local demo" profile pointing at the embedded stack, saved; its credentials shown.
    let saved = Config::load(&fixture.config_path()).expect("config written");
    let demo = saved.profiles.get("Local demo").expect("demo profile");
    assert!(demo.local_stack);
    assert!(app.state().local_stack().is_some(), "the stack runs");
    app.get_by_label_contains("Password: Receipts-r6!");
    assert_eq!(
        app.get_by_label("Username").value().as_deref(),
        Some("demo")
    );

    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    assert!(app.state().is_signed_in());
    assert_eq!(app.state().screen(), Screen::Convert);
    app.get_by_label_contains("Signed in as demo");
    // The status bar says the session renews itself, not "Not refreshed yet".
    app.get_by_label("Renewed automatically before it expires");

    // The form starts with the demo bucket and the seed's prefixes.
    assert_eq!(app.get_by_label("Bucket").value().as_deref(), Some("demo"));
    assert!(button_enabled(&app, "Start"));
    click_button(&mut app, "Start");
    fixture.settle(&mut app);

    assert_eq!(app.state().screen(), Screen::Jobs);
    let job = &app.state().jobs()[0];
    assert_eq!(job.phase, Phase::Partial, "{job:?}");
    assert_eq!(job.converted_count(), receipt_desk::local::demo::PAGES);
    let failed = &job.result.as_ref().expect("result").failed;
    assert_eq!(failed.len(), 1);
    assert!(failed[0].source_key.ends_with("broken-upload.pdf"));
    assert_eq!(job.diagnostics.as_ref().map(|d| d.status), Some(200));
    app.get_by_label_contains("broken-upload.pdf");
    app.get_by_label_contains("Partly failed — ");

    // The job list is on disk (written atomically by the app) and survives a restart.
    let (file, problem) = JobFile::load(&JobFile::path(&fixture.data_dir()));
    assert_eq!(problem, None);
    assert_eq!(file.jobs.len(), 1);
    assert_eq!(file.recent.bucket, ["demo"]);
    drop(app);
    let again = fixture.app(Lang::En);
    assert_eq!(again.state().jobs().len(), 1);
    assert_eq!(again.state().jobs()[0].phase, Phase::Partial);
}

/// Types `text` one character a frame into whatever has the keyboard focus, as a person
/// types: no focus request, no select-all.
fn type_letters(harness: &mut Harness<'static, App>, text: &str) {
    for c in text.chars() {
        harness.root().type_text(&c.to_string());
        harness.step();
        harness.step();
    }
}

fn focused(harness: &Harness<'static, App>, label: &str) -> bool {
    harness.get_by_label(label).is_focused()
}

/// A profile on the embedded local stack with no saved username, as every real pool
/// starts (and any profile picked in the picker).
fn write_profile_without_username(fixture: &Fixture) {
    let mut config = Config::default();
    config.profiles.insert(
        "Local demo".to_owned(),
        Profile {
            username: None,
            ..receipt_desk::ui::demo_profile()
        },
    );
    config.default_profile = Some("Local demo".to_owned());
    config.save(&fixture.config_path()).expect("config");
}

fn typing_a_username_letter_by_letter_stays_in_the_username(lang: Lang) {
    let fixture = Fixture::new();
    write_profile_without_username(&fixture);
    let mut app = fixture.app(lang);
    let (user, password, sign_in) = match lang {
        Lang::En => ("Username", "Password", "Signed in as demo"),
        Lang::Ja => ("ユーザー名", "パスワード", "でサインイン中"),
    };
    assert_eq!(app.get_by_label(user).value().as_deref(), Some(""));
    // The screen opened with the focus in the first empty field: the username.
    assert!(focused(&app, user), "the username takes the keyboard first");
    type_letters(&mut app, "demo");
    assert!(focused(&app, user), "typing stays in the username");
    assert_eq!(app.get_by_label(user).value().as_deref(), Some("demo"));
    // Enter on an empty password keeps the focus there (nothing to submit yet).
    app.key_press(Key::Enter);
    app.step();
    app.step();
    assert!(focused(&app, password), "Enter moves on to the password");
    app.key_press(Key::Enter);
    app.step();
    app.step();
    assert!(
        focused(&app, password),
        "Enter on an empty password keeps the focus"
    );
    assert!(!app.state().is_signed_in());
    type_letters(&mut app, DEMO_PASSWORD);
    assert!(focused(&app, password));
    app.key_press(Key::Enter);
    app.step();
    fixture.settle(&mut app);
    assert!(app.state().is_signed_in());
    app.get_by_label_contains(sign_in);
}

#[test]
fn typing_a_username_letter_by_letter_stays_in_the_username_in_english() {
    typing_a_username_letter_by_letter_stays_in_the_username(Lang::En);
}

#[test]
fn typing_a_username_letter_by_letter_stays_in_the_username_in_japanese() {
    typing_a_username_letter_by_letter_stays_in_the_username(Lang::Ja);
}

/// A person who starts typing the moment the sign-in screen opens (the frame the window
/// gets the keyboard) loses no letter: the first empty field has the focus before it is
/// drawn, so the key in that same frame lands in it.
#[test]
fn the_first_key_in_the_frame_the_sign_in_screen_opens_lands_in_the_field() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    assert!(app.state().is_signed_in());
    app.get_by_role_and_label(Role::Button, "Sign out").click();
    // The click's frame signs out; the screen changes after it.
    app.step();
    assert_eq!(app.state().screen(), Screen::SignIn);
    // The next frame is the first the sign-in screen draws, and it carries a key.
    app.event(egui::Event::Text("R".to_owned()));
    app.step();
    app.step();
    assert!(focused(&app, "Password"), "the username is filled in");
    type_letters(&mut app, &DEMO_PASSWORD[1..]);
    app.key_press(Key::Enter);
    app.step();
    fixture.settle(&mut app);
    assert!(
        app.state().is_signed_in(),
        "the password typed from the first frame signs in: {:?}",
        app.state().session_state()
    );
}

/// A server on 127.0.0.1 that accepts connections and never answers.
fn silent_server(fixture: &Fixture) -> String {
    let listener = fixture
        .runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let address = listener.local_addr().expect("address");
    fixture.runtime.spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    format!("http://{address}")
}

#[test]
fn a_sign_in_that_never_gets_an_answer_can_be_cancelled_and_keeps_the_form() {
    let fixture = Fixture::new();
    let mut config = Config::default();
    config.profiles.insert(
        "silent".to_owned(),
        Profile {
            client_id: "1234567890abcdefghijklmnop".to_owned(),
            cognito_endpoint: Some(silent_server(&fixture)),
            ..Profile::default()
        },
    );
    config.default_profile = Some("silent".to_owned());
    config.save(&fixture.config_path()).expect("config");
    let mut app = fixture.app(Lang::En);
    type_letters(&mut app, "alice");
    type_into(&mut app, "Password", "whatever-it-is");
    click_button(&mut app, "Sign in");
    app.get_by_label("Waiting for Cognito…");
    assert!(app.state().in_flight() > 0);
    click_button(&mut app, "Cancel");
    assert!(app.query_by_label("Waiting for Cognito…").is_none());
    // Nothing is left running, nothing typed is lost, and the person can try again.
    fixture.settle(&mut app);
    assert_eq!(app.state().in_flight(), 0);
    assert_eq!(
        app.get_by_label("Username").value().as_deref(),
        Some("alice")
    );
    assert!(button_enabled(&app, "Sign in"));
    assert!(!app.state().is_signed_in());
}

#[test]
fn a_job_whose_api_never_answers_shows_activity_and_can_be_cancelled() {
    let fixture = Fixture::new();
    let stack = fixture
        .runtime
        .block_on(support::start_local(fixture.dir.path().join("stack"), None));
    let mut config = Config::default();
    config.profiles.insert(
        "slow api".to_owned(),
        Profile {
            client_id: receipt_desk::local::idp::DEMO_CLIENT_ID.to_owned(),
            cognito_endpoint: Some(stack.url.to_string()),
            api_url: Some(format!("{}/Prod", silent_server(&fixture))),
            bucket: Some("demo".to_owned()),
            pdf_prefix: Some("api/receipts/r6/pdf/".to_owned()),
            upload_prefix: Some("api/receipts/r6/jpeg/".to_owned()),
            username: Some("demo".to_owned()),
            ..Profile::default()
        },
    );
    config.default_profile = Some("slow api".to_owned());
    config.save(&fixture.config_path()).expect("config");
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    assert!(app.state().is_signed_in());
    click_button(&mut app, "Start");
    assert_eq!(app.state().screen(), Screen::Jobs);
    assert_eq!(app.state().running_jobs(), 1);
    app.get_by_label_contains("Running — demo/api/receipts/r6/pdf/");
    click_button(&mut app, "Cancel");
    assert_eq!(app.state().running_jobs(), 0);
    fixture.settle(&mut app);
    assert_eq!(app.state().jobs()[0].phase, Phase::Cancelled);
    app.get_by_label_contains("You stopped waiting for this job");
    assert!(button_enabled(&app, "Retry"));
    drop(stack);
}

#[test]
fn a_wrong_password_shows_the_sentence_and_keeps_the_form() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, "not-the-password");
    assert!(!app.state().is_signed_in());
    app.get_by_label_contains("The username or password is incorrect");
    // Nothing typed is lost: the username stays, and the button is there to try again.
    assert_eq!(
        app.get_by_label("Username").value().as_deref(),
        Some("demo")
    );
    assert!(button_enabled(&app, "Sign in"));
    // The keyboard is back in the password field, to type it again.
    app.step();
    assert!(
        focused(&app, "Password"),
        "the password field has the keyboard again"
    );
    // The password is in no file the app wrote: config, jobs, cache, the stack's data.
    let written = support::files::under(fixture.dir.path());
    assert!(
        written.has_file_under(&fixture.config_path()),
        "the config is among the files searched: {:?}",
        written.paths
    );
    assert!(!written.contains("not-the-password"), "{:?}", written.paths);
}

#[test]
fn too_many_attempts_disable_the_button_with_the_reason() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    // The local pool locks a user out after five failed sign-ins, as Cognito does.
    for _ in 0..6 {
        sign_in_demo(&fixture, &mut app, "still-wrong");
        if app.query_by_label_contains("Try again in").is_some() {
            break;
        }
    }
    app.get_by_label_contains("Try again in");
    assert!(!button_enabled(&app, "Sign in"));
    // Changing the username lifts the block (another user is not locked out).
    type_into(&mut app, "Username", "someone-else");
    type_into(&mut app, "Password", "whatever");
    assert!(button_enabled(&app, "Sign in"));
}

#[test]
fn japanese_locale_shows_japanese_strings_and_errors() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::Ja);
    app.get_by_label("ユーザー名");
    app.get_by_label_contains("ローカルデモ");
    type_into(&mut app, "パスワード", "wrong-password");
    click_button(&mut app, "サインイン");
    fixture.settle(&mut app);
    app.get_by_label_contains("ユーザー名またはパスワードが正しくありません");
    type_into(&mut app, "パスワード", DEMO_PASSWORD);
    click_button(&mut app, "サインイン");
    fixture.settle(&mut app);
    assert!(app.state().is_signed_in());
    app.get_by_label("バケット");
    app.get_by_role_and_label(Role::Button, "開始");
    app.get_by_label_contains("サインイン中");
}

#[test]
fn an_invalid_bucket_blocks_start_with_the_reason() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    type_into(&mut app, "Bucket", "Receipts_2024");
    assert!(!button_enabled(&app, "Start"));
    app.get_by_label_contains("is not allowed: use lowercase letters");
    // Ctrl+Enter does not start it either.
    app.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Enter]);
    fixture.settle(&mut app);
    assert!(app.state().jobs().is_empty());

    type_into(&mut app, "Bucket", "demo");
    type_into(&mut app, "Upload prefix", "api/receipts/r6/pdf");
    assert!(!button_enabled(&app, "Start"));
    app.get_by_label_contains("must differ");
    type_into(&mut app, "Upload prefix", "api/receipts/r6/jpeg");
    assert!(button_enabled(&app, "Start"), "a missing / is only a hint");
    click_button(&mut app, "Add the trailing \"/\"");
    assert_eq!(
        app.get_by_label("Upload prefix").value().as_deref(),
        Some("api/receipts/r6/jpeg/")
    );
    // Ctrl+Enter starts it.
    app.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Enter]);
    fixture.settle(&mut app);
    assert_eq!(app.state().jobs().len(), 1);
}

#[test]
fn a_401_in_the_middle_of_a_session_recovers_by_refreshing() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    // The server's clock moves past the tokens' expiry; the app's does not know.
    app.state()
        .local_stack()
        .expect("stack")
        .clock
        .advance(2 * 3600);
    click_button(&mut app, "Start");
    fixture.settle(&mut app);
    let job = &app.state().jobs()[0];
    assert_eq!(job.phase, Phase::Partial, "{job:?}");
    let conn = app.state().connection().expect("connection");
    assert!(conn.api.as_ref().expect("api").unauthorized_count() >= 1);
    assert!(conn.session.refresh_count() >= 1);
    assert!(app.state().is_signed_in());
}

/// A system with no keyring (a headless session without a Secret Service).
struct NoKeyring;

impl SecretStore for NoKeyring {
    fn get(&self, _: &str) -> Result<Option<Vec<u8>>, SecretError> {
        Err(SecretError::Unavailable("no session bus".to_owned()))
    }
    fn set(&self, _: &str, _: &[u8]) -> Result<(), SecretError> {
        Err(SecretError::Unavailable("no session bus".to_owned()))
    }
    fn delete(&self, _: &str) -> Result<(), SecretError> {
        Err(SecretError::Unavailable("no session bus".to_owned()))
    }
}

#[test]
fn remember_me_without_a_keyring_says_so_where_the_person_lands_until_dismissed() {
    let fixture = Fixture::new();
    let mut options = fixture.options(Lang::En);
    options.secrets = Secrets::Store(Arc::new(NoKeyring));
    let mut app = fixture.app_with(options);
    app.get_by_label("Remember me (kept in the system keyring)")
        .click();
    app.step();
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    assert!(app.state().is_signed_in());
    assert_eq!(app.state().screen(), Screen::Convert);
    let sentence = "Remember me is not available: there is no usable keyring";
    app.get_by_label_contains(sentence);
    // It stays while the person works, until they dismiss it.
    click_button(&mut app, "Jobs");
    app.get_by_label_contains(sentence);
    click_button(&mut app, "Dismiss");
    assert!(app.query_by_label_contains(sentence).is_none());
}

fn demo_owner() -> receipt_desk::secrets::Owner {
    receipt_desk::secrets::Owner::new("Local demo", &receipt_desk::ui::demo_profile().client_id)
}

#[test]
fn remember_me_keeps_the_refresh_token_in_the_store_and_signs_in_on_restart() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    app.get_by_label("Remember me (kept in the system keyring)")
        .click();
    app.step();
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    assert!(app.state().is_signed_in());
    let account = demo_owner().session("demo").name;
    let stored = fixture
        .store
        .get(&account)
        .expect("store")
        .expect("remembered");
    assert!(!stored.is_empty());
    let config = std::fs::read_to_string(fixture.config_path()).expect("config");
    assert!(
        !config.contains("refresh"),
        "no token in the config: {config}"
    );
    // A note that the sign-in is in the keyring (so the command line can explain a
    // keyring out of reach), never the token itself.
    let saved = Config::load(&fixture.config_path()).expect("config");
    assert!(saved.is_remembered("Local demo", "demo"), "{config}");
    drop(app);

    // A new start (a new stack on the same data folder, which keeps its keys): the
    // remembered sign-in is restored without a password.
    let mut again = fixture.app(Lang::En);
    assert!(
        again.state().is_signed_in(),
        "{:?}",
        again.state().session_state()
    );
    assert_eq!(again.state().screen(), Screen::Convert);

    // Signing out forgets it.
    click_button(&mut again, "Sign out");
    fixture.settle(&mut again);
    assert!(!again.state().is_signed_in());
    assert_eq!(fixture.store.get(&account).expect("store"), None);
    let saved = Config::load(&fixture.config_path()).expect("config");
    assert!(!saved.is_remembered("Local demo", "demo"));
}

#[test]
fn a_remembered_sign_in_the_server_refuses_is_deleted_with_a_sentence() {
    let fixture = Fixture::new();
    drop(fixture.app(Lang::En));
    let account = demo_owner().session("demo").name;
    let stale = receipt_desk::secrets::RememberedSignIn {
        refresh: receipt_desk::credentials::RefreshToken::new("not-a-refresh-token"),
        username: "demo".to_owned(),
        device_key: None,
    };
    fixture
        .store
        .set(&account, &stale.to_bytes())
        .expect("store");
    let app = fixture.app(Lang::En);
    assert!(!app.state().is_signed_in());
    app.get_by_label_contains("The remembered sign-in could not be used");
    assert_eq!(fixture.store.get(&account).expect("store"), None);
}

fn challenge_flows(peer: &Peer, fixture: &Fixture) {
    fixture.write_peer_profile(peer);

    // NEW_PASSWORD_REQUIRED: the step, the policy, a confirm field that must match.
    let mut app = fixture.app(Lang::En);
    type_into(&mut app, "Username", cast::BOB);
    type_into(&mut app, "Password", TEMPORARY_PASSWORD);
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    app.get_by_label_contains("choose a new password");
    app.get_by_label_contains("At least 8 characters");
    type_into(&mut app, "New password", PASSWORD);
    type_into(&mut app, "Confirm new password", "Something-Else1!");
    assert!(!button_enabled(&app, "Set new password"));
    app.get_by_label_contains("do not match");
    type_into(&mut app, "Confirm new password", PASSWORD);
    click_button(&mut app, "Set new password");
    fixture.settle(&mut app);
    assert!(
        app.state().is_signed_in(),
        "{}: {:?}",
        peer.name(),
        app.state().session_state()
    );
    drop(app);

    // SOFTWARE_TOKEN_MFA: a code pasted with a space in it.
    let mut app = fixture.app(Lang::En);
    type_into(&mut app, "Username", cast::TINA);
    type_into(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    app.get_by_label_contains("authenticator app");
    let secret = totp::base32_decode(cast::TOTP_SECRET).expect("base32");
    let code = totp::code(&secret, now_seconds(), 6);
    type_into(&mut app, "Code", &format!("{} {}", &code[..3], &code[3..]));
    assert_eq!(
        app.get_by_label("Code").value().as_deref(),
        Some(code.as_str())
    );
    click_button(&mut app, "Verify");
    fixture.settle(&mut app);
    match app.state().session_state() {
        SessionState::SignedIn { username, .. } => assert_eq!(username, cast::TINA),
        other @ SessionState::SignedOut { .. } => panic!("{}: {other:?}", peer.name()),
    }
}

#[test]
fn challenge_steps_against_the_local_stack() {
    let fixture = Fixture::new();
    let peer = fixture.runtime.block_on(Peer::local());
    challenge_flows(&peer, &fixture);
}

#[test]
fn challenge_steps_against_moto() {
    let fixture = Fixture::new();
    let peer = fixture.runtime.block_on(Peer::moto());
    challenge_flows(&peer, &fixture);
}

#[test]
fn settings_validate_as_typed_and_export_and_import_profiles() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    click_button(&mut app, "Settings");
    // The profile in use is marked with words, not a bare `*`.
    app.get_by_label("Local demo (in use)");
    click_button(&mut app, "New profile");
    // The region picker says what it is (not an empty box).
    app.get_by_role_and_label(Role::ComboBox, "Known regions…")
        .click();
    app.step();
    app.step();
    app.get_by_label("ap-northeast-3").click();
    app.step();
    app.step();
    assert_eq!(
        app.get_by_label("Region").value().as_deref(),
        Some("ap-northeast-3")
    );
    app.get_by_label("App client id").focus();
    app.step();
    type_letters(&mut app, "n");
    // A field being typed into is not told off; leaving it shows its problem.
    assert!(
        app.query_by_label_contains("is not an app client id")
            .is_none()
    );
    type_into(&mut app, "Profile name", "aws");
    type_into(&mut app, "App client id", "not a client id!");
    type_into(&mut app, "API URL (with stage)", "http://example.com/Prod");
    app.key_press(Key::Tab);
    app.step();
    app.step();
    app.get_by_label_contains("must use https");
    app.get_by_label_contains("is not an app client id");
    // Save with problems saves nothing.
    click_button(&mut app, "Save profile");
    fixture.settle(&mut app);
    let saved = Config::load(&fixture.config_path()).expect("config");
    assert!(!saved.profiles.contains_key("aws"));
    type_into(&mut app, "App client id", "1example23456789abcdefghij");
    type_into(
        &mut app,
        "API URL (with stage)",
        "https://abc123.execute-api.ap-northeast-1.amazonaws.com/Prod",
    );
    type_into(&mut app, "Default bucket", "shitadan");
    click_button(&mut app, "Save profile");
    fixture.settle(&mut app);
    let saved = Config::load(&fixture.config_path()).expect("config");
    let aws = saved.profiles.get("aws").expect("saved");
    assert_eq!(aws.region.as_deref(), Some("ap-northeast-3"));
    assert_eq!(aws.bucket.as_deref(), Some("shitadan"));

    click_button(&mut app, "Export…");
    fixture.settle(&mut app);
    let exported = std::fs::read_to_string(fixture.dir.path().join("export.toml")).expect("export");
    assert!(exported.contains("1example23456789abcdefghij"));

    std::fs::write(fixture.dir.path().join("import.toml"), exported).expect("import file");
    click_button(&mut app, "Import…");
    fixture.settle(&mut app);
    let saved = Config::load(&fixture.config_path()).expect("config");
    assert!(
        saved.profiles.contains_key("aws (2)"),
        "{:?}",
        saved.profiles.keys()
    );
    app.get_by_label_contains("Imported: aws (2)");

    // Switching language in settings changes every string at once.
    scroll_into_view(&mut app, Role::RadioButton, "日本語");
    app.get_by_label("日本語").click();
    app.step();
    fixture.settle(&mut app);
    app.get_by_role_and_label(Role::Button, "プロファイルを保存");
    assert_eq!(app.state().lang(), Lang::Ja);
}

/// The same bad values, typed into Settings and given to `profile set`: both refuse each
/// one (one set of rules below both front ends).
#[test]
fn settings_and_profile_set_refuse_the_same_bad_values() {
    let bad = [
        ("App client id", "--client-id", "not a client id!"),
        (
            "API URL (with stage)",
            "--api-url",
            "http://example.com/Prod",
        ),
        ("Default bucket", "--bucket", "Bad_Bucket"),
        ("Default PDF prefix", "--pdf-prefix", "/absolute/"),
        ("Region", "--region", "tokyo"),
    ];
    let good_client = "1example23456789abcdefghij";
    for (label, flag, value) in bad {
        // The command line refuses it with a usage error and saves nothing.
        let dir = tempfile::tempdir().expect("tempdir");
        let config = dir.path().join("config.toml");
        let mut args = vec![
            "--config".to_owned(),
            config.display().to_string(),
            "--lang".to_owned(),
            "en".to_owned(),
            "profile".to_owned(),
            "set".to_owned(),
            "aws".to_owned(),
        ];
        if flag != "--region" {
            args.extend(["--region".to_owned(), "ap-northeast-1".to_owned()]);
        }
        if flag != "--client-id" {
            args.extend(["--client-id".to_owned(), good_client.to_owned()]);
        }
        args.extend([flag.to_owned(), value.to_owned()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output =
            support::cli::run_without_input(support::cli::command(dir.path(), &config, &args));
        assert_eq!(output.status.code(), Some(2), "{flag} {value}: {output:?}");
        assert!(!config.exists(), "{flag} {value}: nothing saved");

        // Settings refuses it too, under the field, and saves nothing.
        let fixture = Fixture::new();
        let mut app = fixture.app(Lang::En);
        click_button(&mut app, "Settings");
        click_button(&mut app, "New profile");
        type_into(&mut app, "Profile name", "aws");
        if label != "App client id" {
            type_into(&mut app, "App client id", good_client);
        }
        type_into(&mut app, label, value);
        click_button(&mut app, "Save profile");
        fixture.settle(&mut app);
        let saved = Config::load(&fixture.config_path()).expect("config");
        assert!(
            !saved.profiles.contains_key("aws"),
            "{label} {value} was saved"
        );
        // Both say the same sentence.
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let sentence = stderr
            .rsplit(": ")
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        assert!(!sentence.is_empty(), "{stderr}");
        app.get_by_label_contains(&sentence);
    }
}

/// The screens fit the minimum window size (nothing is cut off) in both languages.
#[test]
fn the_minimum_window_fits_the_sign_in_and_convert_screens() {
    for lang in [Lang::En, Lang::Ja] {
        let fixture = Fixture::new();
        let options = fixture.options(lang);
        let mut app = Harness::builder()
            .with_size([receipt_desk::ui::MIN_WIDTH, receipt_desk::ui::MIN_HEIGHT])
            .build_eframe(move |cc| App::new(&cc.egui_ctx, options));
        fixture.settle(&mut app);
        let fits = |rect: egui::Rect| {
            rect.max.x <= receipt_desk::ui::MIN_WIDTH && rect.max.y <= receipt_desk::ui::MIN_HEIGHT
        };
        let sign_in = lang.pick("Sign in", "サインイン");
        assert!(fits(
            app.get_by_role_and_label(Role::Button, sign_in).rect()
        ));
        type_into(&mut app, lang.pick("Password", "パスワード"), DEMO_PASSWORD);
        click_button(&mut app, sign_in);
        fixture.settle(&mut app);
        assert!(app.state().is_signed_in());
        let start = app.get_by_role_and_label(Role::Button, lang.pick("Start", "開始"));
        assert!(fits(start.rect()), "{:?}", start.rect());
        let sign_out =
            app.get_by_role_and_label(Role::Button, lang.pick("Sign out", "サインアウト"));
        assert!(fits(sign_out.rect()), "{:?}", sign_out.rect());
    }
}

// ----- the gallery -----

fn saved_files(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_jobs_thumbnails_appear_and_a_second_start_needs_no_downloads() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    click_button(&mut app, "Start");
    fixture.settle(&mut app);
    let pages = receipt_desk::local::demo::PAGES;
    assert_eq!(app.state().gallery_state().counts(), (pages, 0, 0));
    assert_eq!(app.state().thumbnailer().downloads(), pages as u64);
    // Every tile is a labelled control, Japanese file names included.
    app.get_by_role_and_label(Role::Button, "2024-06-文具-p1.jpg");
    app.get_by_label(&format!("{pages} pages"));
    // The counter counts tiles: under a filter it says how many of how many.
    type_into(&mut app, "Filter", "konbini");
    app.get_by_label_contains(&format!("1 of {pages} pages"));
    type_into(&mut app, "Filter", "");
    drop(app);

    // A restart shows the same job's gallery from the disk cache: no download at all.
    let mut again = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut again, DEMO_PASSWORD);
    again.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Num2]);
    fixture.settle(&mut again);
    assert_eq!(again.state().screen(), Screen::Jobs);
    assert_eq!(again.state().gallery_state().counts(), (pages, 0, 0));
    assert_eq!(again.state().thumbnailer().downloads(), 0);
}

/// The viewer's texture size and the scan's own.
fn viewer_sizes(app: &Harness<'static, App>) -> ([usize; 2], [u32; 2]) {
    app.state()
        .gallery_state()
        .viewer()
        .and_then(receipt_desk::ui::viewer::Viewer::sizes)
        .expect("sizes")
}

#[test]
fn the_viewer_opens_zooms_and_moves_between_pages() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    click_button(&mut app, "Start");
    fixture.settle(&mut app);
    app.get_by_role_and_label(Role::Button, "2024-05-konbini-p1.jpg")
        .click();
    app.step();
    fixture.settle(&mut app);
    let viewer = |app: &Harness<'static, App>| {
        let gallery = app.state().gallery_state();
        let viewer = gallery.viewer().expect("the viewer is open");
        (viewer.index(), viewer.zoom(), viewer.is_loaded())
    };
    assert_eq!(viewer(&app), (0, None, true));
    app.key_press(Key::ArrowRight);
    app.step();
    fixture.settle(&mut app);
    assert_eq!(viewer(&app).0, 1);
    app.get_by_label_contains("2024-06-hotel-3pages-p1.jpg");
    // Zoom in from Fit makes the page on screen larger by a step, never a dot.
    let shown = |app: &Harness<'static, App>| {
        let gallery = app.state().gallery_state();
        gallery
            .viewer()
            .and_then(receipt_desk::ui::viewer::Viewer::shown_zoom)
            .expect("a page on screen")
    };
    let fitted = shown(&app);
    app.get_by_label_contains(&format!("{:.0} %", fitted * 100.0));
    // The first decode fits the window: smaller than the scan.
    let (texture, scan) = viewer_sizes(&app);
    assert!(texture[0] < scan[0] as usize, "{texture:?} {scan:?}");
    click_button(&mut app, "Zoom in");
    let zoomed = viewer(&app).1.expect("a zoom level");
    assert!((zoomed / fitted - 1.25).abs() < 0.01, "{fitted} → {zoomed}");
    app.get_by_label_contains(&format!("{:.0} %", zoomed * 100.0));
    click_button(&mut app, "Zoom in");
    assert!(viewer(&app).1.expect("zoom") > zoomed);
    click_button(&mut app, "Zoom out");
    click_button(&mut app, "Zoom out");
    assert!((shown(&app) / fitted - 1.0).abs() < 0.01);
    // 1:1 is one scan pixel per screen pixel: the page is decoded again at the scan's
    // own size (zooming past the fitted decode may have asked for it already).
    click_button(&mut app, "1:1");
    fixture.settle(&mut app);
    assert_eq!(viewer(&app).1, Some(1.0));
    app.get_by_label_contains("100 %");
    let (texture, scan) = viewer_sizes(&app);
    assert_eq!(texture, [scan[0] as usize, scan[1] as usize]);
    // The system viewer is always one click away.
    assert!(button_enabled(&app, "Open"));
    app.key_press(Key::Num0);
    app.step();
    assert_eq!(viewer(&app).1, None, "0 fits the page again");
    click_button(&mut app, "Previous");
    fixture.settle(&mut app);
    assert_eq!(viewer(&app).0, 0);
    // Save… writes the page where the (test) dialog says.
    click_button(&mut app, "Save…");
    fixture.settle(&mut app);
    assert_eq!(
        saved_files(&fixture.dir.path().join("saved")),
        ["2024-05-konbini-p1.jpg"]
    );
    app.key_press(Key::Escape);
    app.step();
    assert!(app.state().gallery_state().viewer().is_none());
}

#[test]
fn without_a_file_dialog_the_window_asks_for_the_path_and_a_cancel_is_no_error() {
    let fixture = Fixture::new();
    let mut options = fixture.options(Lang::En);
    options.dialogs = Arc::new(receipt_desk::ui::NativeDialogs::in_app_only());
    let mut app = fixture.app_with(options);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    click_button(&mut app, "Start");
    fixture.settle(&mut app);
    app.get_by_role_and_label(Role::Button, "2024-05-konbini-p1.jpg")
        .click();
    app.step();
    fixture.settle(&mut app);
    // Save… asks inside the window, with a default path filled in.
    click_button(&mut app, "Save…");
    app.step();
    app.get_by_label_contains("No file dialog is available on this system");
    let offered = app.get_by_label("File").value().unwrap_or_default();
    assert!(offered.ends_with("2024-05-konbini-p1.jpg"), "{offered}");
    // A cancel is not an error: nothing red, nothing left running.
    click_button(&mut app, "Cancel");
    fixture.settle(&mut app);
    assert!(app.query_by_label_contains("No file dialog").is_none());
    assert!(app.query_by_label_contains("cancelled").is_none());
    // The typed path is where the page goes.
    let folder = fixture.dir.path().join("typed");
    std::fs::create_dir_all(&folder).expect("mkdir");
    click_button(&mut app, "Save…");
    app.step();
    let target = folder.join("receipt.jpg");
    type_into(&mut app, "File", &target.display().to_string());
    click_button(&mut app, "OK");
    fixture.settle(&mut app);
    let bytes = std::fs::read(&target).expect("saved where typed");
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    // A saved page is the person's file: the umask decides, as for any new file (not
    // 0600 like the app's own files).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let reference = folder.join("reference");
        std::fs::write(&reference, b"x").expect("write");
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
        };
        assert_eq!(mode(&target), mode(&reference));
    }
}

#[test]
fn save_all_writes_every_page_and_never_overwrites_without_asking() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    click_button(&mut app, "Start");
    fixture.settle(&mut app);
    click_button(&mut app, "Save all…");
    fixture.settle(&mut app);
    let folder = fixture.dir.path().join("saved");
    let saved = saved_files(&folder);
    assert_eq!(saved.len(), receipt_desk::local::demo::PAGES, "{saved:?}");
    for name in &saved {
        let bytes = std::fs::read(folder.join(name)).expect("read");
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "{name} is a JPEG");
    }
    // A file the person changed is not overwritten unless they say so.
    let mine = folder.join(&saved[0]);
    std::fs::write(&mine, b"my own edit").expect("write");
    click_button(&mut app, "Save all…");
    fixture.settle(&mut app);
    app.get_by_label_contains("already exist");
    click_button(&mut app, "Keep them (skip)");
    fixture.settle(&mut app);
    let report = app
        .state()
        .gallery_state()
        .last_save()
        .expect("a report")
        .clone();
    assert_eq!(
        (report.saved, report.skipped),
        (0, receipt_desk::local::demo::PAGES)
    );
    assert_eq!(std::fs::read(&mine).expect("read"), b"my own edit");
}

#[test]
fn expired_links_are_renewed_through_the_job_status() {
    let fixture = Fixture::new();
    // Every job answers 202 and is followed through its status URL.
    let settings = backend::ConvertSettings {
        async_threshold_pages: 1,
        ..backend::ConvertSettings::default()
    };
    let mut app = fixture.app_with(fixture.options_with(Lang::En, Some(settings), "cache"));
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    click_button(&mut app, "Start");
    // Leave the jobs screen so no thumbnail is asked for while the links are fresh.
    app.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Num3]);
    fixture.settle(&mut app);
    assert_eq!(
        app.state().screen(),
        Screen::Settings,
        "Ctrl+3 is the third tab"
    );
    let job = app.state().jobs()[0].clone();
    assert!(job.server_job.is_some(), "the job answered 202: {job:?}");
    assert_eq!(job.phase, Phase::Partial);
    // An hour later the signed links (15 minutes) have expired, and so have the tokens.
    app.state()
        .local_stack()
        .expect("stack")
        .clock
        .advance(3600);
    app.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Num2]);
    fixture.settle(&mut app);
    let pages = receipt_desk::local::demo::PAGES;
    let renewed = &app.state().jobs()[0];
    assert_eq!(
        app.state().gallery_state().counts(),
        (pages, 0, 0),
        "failed: {:?}",
        renewed.result.as_ref().map(|r| &r.failed)
    );
    assert_ne!(
        renewed.result.as_ref().map(|r| r.converted[0].url.clone()),
        job.result.as_ref().map(|r| r.converted[0].url.clone()),
        "fresh links were fetched"
    );
}

#[test]
fn damaged_pages_show_marked_tiles_and_the_others_load() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    click_button(&mut app, "Start");
    // Away from the gallery while the job runs, so nothing is loaded yet.
    app.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Num3]);
    fixture.settle(&mut app);
    // Damage two pages in the bucket: one cut short, one emptied.
    let pages_dir = fixture
        .data_dir()
        .join("local-stack/buckets/demo/api/receipts/r6/jpeg");
    let taxi = pages_dir.join("2024-06-taxi-p1.jpg");
    let bytes = std::fs::read(&taxi).expect("a converted page");
    std::fs::write(&taxi, &bytes[..bytes.len() / 3]).expect("cut");
    std::fs::write(pages_dir.join("2024-05-konbini-p1.jpg"), b"").expect("empty");
    app.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Num2]);
    fixture.settle(&mut app);
    let pages = receipt_desk::local::demo::PAGES;
    assert_eq!(app.state().gallery_state().counts(), (pages - 2, 2, 0));
    app.get_by_label_contains(&format!("{pages} pages · 2 could not be shown"));
}

/// Picking prefixes by browsing: into a folder from the bucket's top, "Use this folder"
/// fills the PDF prefix and proposes the upload prefix, and the form says what Start
/// would convert; in Japanese the same.
fn browsing_the_bucket_fills_the_form(lang: Lang) {
    let fixture = Fixture::new();
    let mut app = fixture.app(lang);
    let (pdf, upload, browse, use_folder, up) = match lang {
        Lang::En => (
            "PDF prefix",
            "Upload prefix",
            "Browse the bucket…",
            "Use this folder",
            "Up one level",
        ),
        Lang::Ja => (
            "PDF プレフィックス",
            "アップロード先プレフィックス",
            "バケットを参照…",
            "このフォルダーを使う",
            "1 つ上へ",
        ),
    };
    let password = match lang {
        Lang::En => "Password",
        Lang::Ja => "パスワード",
    };
    type_into(&mut app, password, DEMO_PASSWORD);
    app.key_press(Key::Enter);
    app.step();
    fixture.settle(&mut app);
    assert!(app.state().is_signed_in());
    type_into(&mut app, pdf, "api/receipts/");
    type_into(&mut app, upload, "somewhere/else/");
    click_button(&mut app, browse);
    fixture.settle(&mut app);
    app.get_by_label("s3://demo/api/receipts/");
    let folder = match lang {
        Lang::En => "r6/  —  6 PDFs, ",
        Lang::Ja => "r6/  —  PDF 6 件、",
    };
    app.get_by_label_contains(folder).click();
    app.step();
    app.step();
    fixture.settle(&mut app);
    app.get_by_label("s3://demo/api/receipts/r6/");
    app.get_by_label_contains("pdf/  —  ").click();
    app.step();
    app.step();
    fixture.settle(&mut app);
    app.get_by_label_contains("2024-06-taxi.pdf");
    click_button(&mut app, use_folder);
    assert_eq!(
        app.get_by_label(pdf).value().as_deref(),
        Some("api/receipts/r6/pdf/")
    );
    assert_eq!(
        app.get_by_label(upload).value().as_deref(),
        Some("api/receipts/r6/jpeg/"),
        "the seed's pattern: …/pdf/ → …/jpeg/"
    );
    let summary = match lang {
        Lang::En => "Start converts 6 PDFs (",
        Lang::Ja => "開始すると PDF 6 件（",
    };
    app.get_by_label_contains(summary);
    // Up goes back a level.
    click_button(&mut app, up);
    fixture.settle(&mut app);
    app.get_by_label("s3://demo/api/receipts/r6/");
}

#[test]
fn browsing_the_bucket_fills_the_form_in_english() {
    browsing_the_bucket_fills_the_form(Lang::En);
}

#[test]
fn browsing_the_bucket_fills_the_form_in_japanese() {
    browsing_the_bucket_fills_the_form(Lang::Ja);
}

/// A backend that isn't ours answers `{"message":"ok"}`: the job says so, reads the
/// pages written under the upload prefix through the profile's identity pool, and the
/// gallery shows them.
#[test]
fn a_job_on_a_backend_that_is_not_ours_shows_the_pages_it_wrote() {
    job_on_a_backend_that_is_not_ours(true);
}

/// Without an identity pool the same job says what to configure, and shows no pages.
#[test]
fn a_job_on_a_backend_that_is_not_ours_says_what_to_configure() {
    job_on_a_backend_that_is_not_ours(false);
}

fn job_on_a_backend_that_is_not_ours(with_identity_pool: bool) {
    let fixture = Fixture::new();
    let (pool, identity_pool_id, bucket, address) = fixture.runtime.block_on(async {
        let pool = support::moto().pool().await;
        pool.confirmed_user("ida", serde_json::json!([])).await;
        let identity_pool_id = crate::identity::identity_pool(&pool).await;
        let bucket = support::aws::create_bucket().await;
        let address = crate::identity::foreign_backend(bucket.clone()).await;
        (pool, identity_pool_id, bucket, address)
    });
    let mut config = Config::default();
    config.profiles.insert(
        "moto".to_owned(),
        Profile {
            client_id: pool.client_id.clone(),
            cognito_endpoint: Some(pool.moto_url.to_string()),
            api_url: Some(format!("http://{address}/Prod")),
            identity_pool_id: with_identity_pool.then_some(identity_pool_id),
            aws_endpoint: Some(pool.moto_url.to_string()),
            bucket: Some(bucket),
            pdf_prefix: Some("r6/pdf/".to_owned()),
            upload_prefix: Some("r6/jpeg/".to_owned()),
            ..Profile::default()
        },
    );
    config.default_profile = Some("moto".to_owned());
    config.save(&fixture.config_path()).expect("config");
    let mut app = fixture.app(Lang::En);
    type_letters(&mut app, "ida");
    type_into(&mut app, "Password", support::PASSWORD);
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    assert!(
        app.state().is_signed_in(),
        "{:?}",
        app.state().session_state()
    );
    click_button(&mut app, "Start");
    fixture.settle(&mut app);
    // What the API answered stays on record.
    app.get_by_label_contains("without the /convert contract's converted/failed");
    if with_identity_pool {
        // The pages came from S3.
        app.get_by_label_contains("these 1 were read from the upload prefix");
        app.get_by_label_contains("scan-p1.jpg");
        assert_eq!(app.state().jobs()[0].converted_count(), 1);
    } else {
        app.get_by_label_contains("not with Receipt Desk's /convert contract");
        app.get_by_label_contains("set the profile's identity pool in Settings");
        assert_eq!(app.state().jobs()[0].converted_count(), 0);
    }
}

/// After a conversion, the browser marks the PDF folder whose upload folder (…/pdf/ →
/// …/jpeg/) already holds pages.
#[test]
fn the_browser_marks_a_folder_converted_before() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    click_button(&mut app, "Start");
    fixture.settle(&mut app);
    assert_eq!(app.state().jobs().len(), 1);
    click_button(&mut app, "Convert");
    type_into(&mut app, "PDF prefix", "api/receipts/r6/");
    click_button(&mut app, "Browse the bucket…");
    fixture.settle(&mut app);
    app.get_by_label("s3://demo/api/receipts/r6/");
    app.get_by_label_contains("pdf/  —  6 PDFs, ");
    app.get_by_label_contains("converted before: 7 JPEGs in jpeg/");
    app.get_by_label_contains("jpeg/  —  0 PDFs, 0 B  ·  7 JPEGs already");
}

/// The identity pool field of a new profile, typed letter by letter into the empty field:
/// a wrong id is named when the field is left and blocks Save; a right one is saved.
#[test]
fn settings_take_an_identity_pool_typed_by_hand() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    click_button(&mut app, "Settings");
    click_button(&mut app, "New profile");
    type_into(&mut app, "Profile name", "pool");
    type_into(&mut app, "Region", "ap-northeast-1");
    type_into(&mut app, "App client id", "1example23456789abcdefghij");
    assert_eq!(
        app.get_by_label("Identity pool (optional)")
            .value()
            .as_deref(),
        Some("")
    );
    app.get_by_label("Identity pool (optional)").focus();
    app.step();
    type_letters(&mut app, "ap-northeast-1:not-a-guid");
    assert!(
        focused(&app, "Identity pool (optional)"),
        "typing stays in the field"
    );
    app.key_press(Key::Tab);
    app.step();
    app.step();
    app.get_by_label_contains("is not an identity pool id like ap-northeast-1:");
    click_button(&mut app, "Save profile");
    fixture.settle(&mut app);
    let saved = Config::load(&fixture.config_path()).expect("config");
    assert!(!saved.profiles.contains_key("pool"));
    type_into(
        &mut app,
        "Identity pool (optional)",
        "ap-northeast-1:0c0c0c0c-1111-2222-3333-444455556666",
    );
    click_button(&mut app, "Save profile");
    fixture.settle(&mut app);
    let saved = Config::load(&fixture.config_path()).expect("config");
    assert_eq!(
        saved
            .profiles
            .get("pool")
            .and_then(|p| p.identity_pool_id.as_deref()),
        Some("ap-northeast-1:0c0c0c0c-1111-2222-3333-444455556666")
    );
}

/// A profile for an app client of the local test pool that allows only SRP.
fn srp_only_peer(fixture: &Fixture, extra_pool_settings: &str) -> Peer {
    let extra = extra_pool_settings.to_owned();
    let peer = fixture.runtime.block_on(Peer::local_with(move |toml| {
        toml.insert_str(0, &extra);
        toml.push_str(
            "\n[[clients]]\nid = \"srponlyclient0000000000001\"\n\
             explicit_auth_flows = [\"ALLOW_USER_SRP_AUTH\", \"ALLOW_REFRESH_TOKEN_AUTH\"]\n",
        );
    }));
    let mut config = Config::default();
    config.profiles.insert(
        "peer".to_owned(),
        Profile {
            client_id: "srponlyclient0000000000001".to_owned(),
            cognito_endpoint: Some(peer.pool.moto_url.to_string()),
            user_pool_id: Some(peer.pool.id.clone()),
            // Auto, having last signed in with the password flow elsewhere.
            learned_auth_flow: Some(receipt_desk::config::AuthFlow::Password),
            ..Profile::default()
        },
    );
    config.default_profile = Some("peer".to_owned());
    config.save(&fixture.config_path()).expect("config");
    peer
}

#[test]
fn an_srp_only_client_signs_in_from_the_window_and_auto_remembers_srp() {
    let fixture = Fixture::new();
    let _peer = srp_only_peer(&fixture, "");
    let mut app = fixture.app(Lang::En);
    // A wrong password: SRP's refusal, said once (not a fallback to another flow).
    type_letters_into(&mut app, "Username", cast::ALICE);
    type_letters_into(&mut app, "Password", "Wrong-pass1!");
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    app.get_by_label_contains("The username or password is incorrect");
    assert!(!app.state().is_signed_in());
    type_into(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    assert!(
        app.state().is_signed_in(),
        "{:?}",
        app.state().session_state()
    );
    let saved = Config::load(&fixture.config_path()).expect("config");
    assert_eq!(
        saved.profiles["peer"].learned_auth_flow,
        Some(receipt_desk::config::AuthFlow::Srp),
        "auto remembers the flow that worked"
    );
}

/// Types `text` one character at a time into the empty field labelled `label`.
fn type_letters_into(harness: &mut Harness<'static, App>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.step();
    assert_eq!(
        harness.get_by_label(label).value().as_deref(),
        Some(""),
        "{label} starts empty"
    );
    type_letters(harness, text);
    let shown = harness.get_by_label(label).value().unwrap_or_default();
    if shown.starts_with('•') {
        // A password field shows a dot a character.
        assert_eq!(shown.chars().count(), text.chars().count(), "{label}");
    } else {
        assert_eq!(shown, text, "{label}");
    }
}

#[test]
fn a_pool_that_requires_mfa_enrols_a_new_user_from_the_window() {
    let fixture = Fixture::new();
    let _peer = srp_only_peer(&fixture, "mfa = \"required\"\n");
    let mut app = fixture.app(Lang::En);
    type_letters_into(&mut app, "Username", cast::ALICE);
    type_letters_into(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    app.get_by_label_contains("Set up an authenticator app");
    // The QR code is there, and the key a person can type instead.
    app.get_by_role_and_label(Role::Image, "QR code for your authenticator app");
    let key: String = app
        .query_all_by_role(Role::Label)
        .filter_map(|n| n.value())
        .find(|v| {
            v.len() >= 32
                && v.chars()
                    .all(|c| c == ' ' || c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        })
        .expect("the setup key is shown in groups")
        .replace(' ', "");
    let secret = totp::base32_decode(&key).expect("base32");
    let code = totp::code(&secret, now_seconds(), 6);
    assert!(!button_enabled(&app, "Verify"), "no code yet");
    type_letters_into(&mut app, "Code", &code);
    click_button(&mut app, "Verify");
    fixture.settle(&mut app);
    match app.state().session_state() {
        SessionState::SignedIn { username, .. } => assert_eq!(username, cast::ALICE),
        other @ SessionState::SignedOut { .. } => panic!("{other:?}"),
    }
    drop(app);
    // Enrolled: the next sign-in asks for the app's code.
    let mut app = fixture.app(Lang::En);
    type_letters_into(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    app.get_by_label_contains("6-digit code from your authenticator app");
}

#[test]
fn a_forgotten_password_is_reset_from_the_sign_in_screen_and_signs_in() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    click_button(&mut app, "Forgot your password?");
    app.get_by_label_contains("sends a code to the e-mail address");
    assert_eq!(
        app.get_by_label("Username").value().as_deref(),
        Some("demo"),
        "the username carries over"
    );
    click_button(&mut app, "Send code");
    fixture.settle(&mut app);
    app.get_by_label_contains("A code was sent to d***@e***");
    // The demo has no mail: its code is shown as its password is.
    let hint = app
        .get_by_label_contains("Local demo: the code is")
        .value()
        .unwrap_or_default();
    let code: String = hint.chars().filter(char::is_ascii_digit).take(6).collect();
    assert_eq!(code.len(), 6, "{hint}");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    type_letters_into(&mut app, "Code", wrong);
    type_letters_into(&mut app, "New password", "Brand-new-pass7!");
    type_letters_into(&mut app, "Confirm new password", "Brand-new-pass7!");
    click_button(&mut app, "Set new password and sign in");
    fixture.settle(&mut app);
    app.get_by_label_contains("The code is not correct");
    assert!(!app.state().is_signed_in());
    type_letters_into(&mut app, "Code", &code);
    click_button(&mut app, "Set new password and sign in");
    fixture.settle(&mut app);
    assert!(
        app.state().is_signed_in(),
        "{:?}",
        app.state().session_state()
    );
}

#[test]
fn settings_change_the_password_and_turn_on_an_authenticator_app() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    assert!(app.state().is_signed_in());
    click_button(&mut app, "Settings");
    app.get_by_label("Change password").click();
    app.step();
    app.step();
    type_letters_into(&mut app, "Current password", "Wrong-pass1!");
    type_letters_into(&mut app, "New password", "Brand-new-pass7!");
    type_letters_into(&mut app, "Confirm new password", "Brand-new-pass7!");
    click_button(&mut app, "Save the new password");
    fixture.settle(&mut app);
    app.get_by_label_contains("The username or password is incorrect");
    type_into(&mut app, "Current password", DEMO_PASSWORD);
    click_button(&mut app, "Save the new password");
    fixture.settle(&mut app);
    app.get_by_label_contains("The password was changed");

    app.get_by_label("Set up an authenticator app").click();
    app.step();
    app.step();
    click_button(&mut app, "Show a new key");
    fixture.settle(&mut app);
    app.get_by_role_and_label(Role::Image, "QR code for your authenticator app");
    let key: String = app
        .query_all_by_role(Role::Label)
        .filter_map(|n| n.value())
        .find(|v| {
            v.len() >= 32
                && v.chars()
                    .all(|c| c == ' ' || c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        })
        .expect("the key is shown")
        .replace(' ', "");
    let code = totp::code(
        &totp::base32_decode(&key).expect("base32"),
        now_seconds(),
        6,
    );
    type_letters_into(&mut app, "Code from the app", &code);
    click_button(&mut app, "Turn on");
    fixture.settle(&mut app);
    app.get_by_label_contains("The authenticator app is on");

    // Signed out and in again: the new password, then the app's code.
    click_button(&mut app, "Sign out");
    fixture.settle(&mut app);
    type_into(&mut app, "Password", "Brand-new-pass7!");
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    app.get_by_label_contains("6-digit code from your authenticator app");
}

#[test]
fn a_remembered_device_signs_in_without_the_mfa_code_next_time() {
    let fixture = Fixture::new();
    let peer = fixture.runtime.block_on(Peer::local_with(|toml| {
        toml.push_str(
            "\n[[clients]]\nid = \"devicealwaysclient00000001\"\ndevice_tracking = \"always\"\n",
        );
    }));
    let mut config = Config::default();
    config.profiles.insert(
        "peer".to_owned(),
        Profile {
            client_id: "devicealwaysclient00000001".to_owned(),
            cognito_endpoint: Some(peer.pool.moto_url.to_string()),
            user_pool_id: Some(peer.pool.id.clone()),
            ..Profile::default()
        },
    );
    config.default_profile = Some("peer".to_owned());
    config.save(&fixture.config_path()).expect("config");

    let mut app = fixture.app(Lang::En);
    type_letters_into(&mut app, "Username", cast::TINA);
    type_letters_into(&mut app, "Password", PASSWORD);
    app.get_by_label_contains("Remember this device").click();
    app.step();
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    app.get_by_label_contains("6-digit code from your authenticator app");
    let secret = totp::base32_decode(cast::TOTP_SECRET).expect("base32");
    type_letters_into(&mut app, "Code", &totp::code(&secret, now_seconds(), 6));
    click_button(&mut app, "Verify");
    fixture.settle(&mut app);
    assert!(
        app.state().is_signed_in(),
        "{:?}",
        app.state().session_state()
    );
    // The device's keys and password went to the secret store, never to a file.
    let account = receipt_desk::secrets::Owner::new("peer", "devicealwaysclient00000001")
        .device(cast::TINA)
        .name;
    let kept = fixture
        .store
        .get(&account)
        .expect("store")
        .expect("device kept");
    let device = receipt_desk::cognito::Device::from_bytes(&kept).expect("a device");
    let written = support::files::under(fixture.dir.path());
    assert!(
        !written.contains(&device.key),
        "the device key is in no file"
    );

    click_button(&mut app, "Sign out");
    fixture.settle(&mut app);
    type_into(&mut app, "Password", PASSWORD);
    click_button(&mut app, "Sign in");
    fixture.settle(&mut app);
    assert!(
        app.state().is_signed_in(),
        "no code asked: {:?}",
        app.state().session_state()
    );
}

#[test]
fn sign_in_with_browser_waits_for_the_browser_and_signs_in() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::En);
    assert_eq!(app.state().browser_sign_in_url(), None);
    click_button(&mut app, "Sign in with browser");
    let url = app
        .state()
        .browser_sign_in_url()
        .expect("the link is known at once");
    // The waiting state: what to do, the link to copy, Cancel.
    app.get_by_label_contains("Finish signing in in your browser");
    app.get_by_role_and_label(Role::Button, "Copy the sign-in link");
    app.get_by_role_and_label(Role::Button, "Cancel");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert!(url.contains("lang=en"), "{url}");
    // The test is the browser: the local stack's login page, then back to the app.
    let url = reqwest::Url::parse(&url).expect("url");
    fixture.runtime.block_on(async {
        let location = crate::oauth::sign_in_on_the_page(&url, "demo", DEMO_PASSWORD)
            .await
            .expect("signed in on the page");
        crate::oauth::arrive(&location).await;
    });
    fixture.settle(&mut app);
    assert!(
        app.state().is_signed_in(),
        "{:?}",
        app.state().session_state()
    );
    assert_eq!(app.state().browser_sign_in_url(), None);
    // The tokens call /convert like any others (the demo has one damaged PDF on purpose).
    click_button(&mut app, "Start");
    fixture.settle(&mut app);
    assert!(
        app.state()
            .jobs()
            .first()
            .is_some_and(|j| j.phase == Phase::Partial),
        "{:?}",
        app.state().jobs().first().map(|j| &j.phase)
    );
}

#[test]
fn a_browser_sign_in_can_be_cancelled_and_the_port_is_free_again() {
    let fixture = Fixture::new();
    let mut app = fixture.app(Lang::Ja);
    click_button(&mut app, "ブラウザでサインイン");
    assert!(app.state().browser_sign_in_url().is_some());
    app.get_by_label_contains("ブラウザでサインインを完了してください");
    click_button(&mut app, "キャンセル");
    fixture.settle(&mut app);
    assert_eq!(app.state().browser_sign_in_url(), None);
    assert!(!app.state().is_signed_in());
    // Again: the port it had is free.
    click_button(&mut app, "ブラウザでサインイン");
    let url = app.state().browser_sign_in_url().expect("started again");
    assert!(url.contains("lang=ja"), "{url}");
}

#[test]
fn an_unreadable_config_is_kept_aside_and_a_later_save_does_not_lose_it() {
    let fixture = Fixture::new();
    let broken = "[profiles.work]\nclient_id = \"abc\"\nregion = \n";
    std::fs::write(fixture.config_path(), broken).expect("config");
    // A write killed mid-way left its temporary file (of a process that is gone).
    let stale = fixture.dir.path().join(".config.toml.4194305.tmp");
    std::fs::write(&stale, "[profiles.half").expect("temp");
    let mut app = fixture.app(Lang::En);
    let banner = app.state().banner().expect("a banner").to_owned();
    assert!(banner.contains("is not a valid config file"), "{banner}");
    assert!(banner.contains("kept as"), "{banner}");
    app.get_by_label_contains("kept as");
    assert!(
        !stale.exists(),
        "the killed write's temporary file is removed"
    );
    // A setting changed now writes a new file; the unreadable one stays as it was.
    click_button(&mut app, "Settings");
    app.get_by_label("Dark").click();
    fixture.settle(&mut app);
    let kept: Vec<_> = std::fs::read_dir(fixture.dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".unreadable-"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        std::fs::read_to_string(kept[0].path()).expect("read"),
        broken
    );
    let saved = Config::load(&fixture.config_path()).expect("the new file is valid");
    assert_eq!(saved.ui.theme, receipt_desk::config::ThemePref::Dark);
}

/// A start without the network: past jobs and their cached thumbnails show, and the
/// remembered sign-in is kept (not forgotten, not signed out) until the server can say
/// yes or no; once it is back, "Try again" signs in.
#[test]
fn offline_the_past_jobs_show_and_the_remembered_sign_in_is_kept() {
    let fixture = Fixture::new();
    let stack_dir = fixture.dir.path().join("remote");
    let stack = fixture
        .runtime
        .block_on(support::start_local(stack_dir.clone(), None));
    let port = stack.url.port().expect("port");
    let mut config = Config::default();
    config.profiles.insert(
        "remote".to_owned(),
        Profile {
            local_stack: false,
            cognito_endpoint: Some(stack.cognito_endpoint().to_string()),
            api_url: Some(stack.api_url().to_string()),
            ..receipt_desk::ui::demo_profile()
        },
    );
    config.default_profile = Some("remote".to_owned());
    config.save(&fixture.config_path()).expect("config");

    let mut app = fixture.app(Lang::En);
    app.get_by_label("Remember me (kept in the system keyring)")
        .click();
    app.step();
    sign_in_demo(&fixture, &mut app, DEMO_PASSWORD);
    assert!(app.state().is_signed_in());
    click_button(&mut app, "Start");
    fixture.settle(&mut app);
    let pages = receipt_desk::local::demo::PAGES;
    assert_eq!(app.state().gallery_state().counts(), (pages, 0, 0));
    drop(app);
    fixture.runtime.block_on(stack.stop());

    // Offline.
    let mut app = fixture.app(Lang::En);
    assert!(!app.state().is_signed_in());
    app.get_by_label_contains("Your remembered sign-in is kept");
    let account =
        receipt_desk::secrets::Owner::new("remote", receipt_desk::local::idp::DEMO_CLIENT_ID)
            .session("demo")
            .name;
    assert!(
        fixture.store.get(&account).expect("store").is_some(),
        "kept"
    );
    app.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Num2]);
    fixture.settle(&mut app);
    assert_eq!(app.state().screen(), Screen::Jobs);
    assert_eq!(app.state().gallery_state().counts(), (pages, 0, 0));
    assert_eq!(app.state().thumbnailer().downloads(), 0);

    // Back online (the same server, on the same port): Try again signs in.
    let mut options = receipt_desk::local::StackOptions::new(stack_dir);
    options.port = port;
    let _stack = fixture
        .runtime
        .block_on(receipt_desk::local::start(options))
        .expect("the stack again");
    app.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Num1]);
    fixture.settle(&mut app);
    click_button(&mut app, "Try again");
    fixture.settle(&mut app);
    assert!(
        app.state().is_signed_in(),
        "{:?}",
        app.state().session_state()
    );
}
