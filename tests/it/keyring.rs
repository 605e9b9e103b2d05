//! Remember-me through the real Secret Service: each test runs `receipt-desk` inside its
//! own `dbus-run-session` with a `gnome-keyring-daemon` unlocked by a test password,
//! against the local stack on 127.0.0.1. `scripts/test` installs both programs.

use crate::support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::cli::text;

use receipt_desk::credentials::AccessToken;
use receipt_desk::local::idp::{DEMO_CLIENT_ID, DEMO_PASSWORD};

fn require(program: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{program} is needed for the keyring tests: run scripts/test, which installs it"
    );
}

fn write_profile(dir: &Path, endpoint: &str) -> std::path::PathBuf {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"local\"\n[profiles.local]\nclient_id = \"{DEMO_CLIENT_ID}\"\ncognito_endpoint = \"{endpoint}\"\n"
        ),
    )
    .expect("config");
    config
}

/// Runs `script` (bash) in a fresh D-Bus session with an unlocked gnome-keyring.
fn in_keyring_session(home: &Path, config: &Path, script: &str) -> Output {
    let full = format!(
        "set -u\nprintf 'test-keyring-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1\n{script}"
    );
    Command::new("dbus-run-session")
        .args(["--", "bash", "-c", &full])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home)
        .env("RECEIPT_DESK_CONFIG", config)
        .env("RD", support::cli::BINARY)
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .expect("dbus-run-session")
}

#[tokio::test]
async fn a_remembered_sign_in_serves_tokens_until_logout() {
    require("dbus-run-session");
    require("gnome-keyring-daemon");
    let data = tempfile::tempdir().expect("tempdir");
    let stack = support::start_local(data.path().join("stack"), None).await;
    let home = tempfile::tempdir().expect("home");
    let config = write_profile(home.path(), stack.cognito_endpoint().as_str());
    let token_file = home.path().join("token.txt");
    let script = format!(
        r#"
echo '{DEMO_PASSWORD}' | "$RD" login -u demo --remember --password-stdin; echo "LOGIN=$?"
"$RD" token --access > '{token}' < /dev/null; echo "TOKEN=$?"
"$RD" logout; echo "LOGOUT=$?"
"$RD" token --access < /dev/null; echo "AFTER=$?"
"#,
        token = token_file.display()
    );
    // The CLI blocks; the stack answers from this runtime's other threads.
    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let out =
        tokio::task::spawn_blocking(move || in_keyring_session(&home_path, &config_path, &script))
            .await
            .expect("session");
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    for marker in ["LOGIN=0", "TOKEN=0", "LOGOUT=0", "AFTER=2"] {
        assert!(
            stdout.contains(marker),
            "{marker} missing:\n{stdout}\n{stderr}"
        );
    }
    assert!(stdout.contains("Signed out demo"), "{stdout}");
    assert!(
        stderr.contains("stdin ended before an answer to \"Password for demo\""),
        "after logout, token asks for the password: {stderr}"
    );
    assert!(!stderr.contains("Remember me is not available"), "{stderr}");

    // The token printed without a password is a real, accepted access token...
    let token = std::fs::read_to_string(&token_file).expect("token file");
    let client = support::demo_client(&stack);
    let access = AccessToken::new(token.trim());
    // ...that logout's GlobalSignOut has since revoked.
    let err = client.get_user(&access).await.expect_err("signed out");
    assert_eq!(
        err.kind(),
        Some(receipt_desk::cognito::ErrorKind::InvalidAccessToken),
        "{err}"
    );

    // Nothing in the output, the config, the home (keyring files included) or the stack's
    // data folder holds the secrets in clear.
    std::fs::remove_file(&token_file).expect("remove the token we asked for");
    let output = format!("{stdout}{stderr}");
    let home_files = support::files::under(home.path());
    let stack_files = support::files::under(data.path());
    // The search covers the keyring itself (gnome-keyring keeps it under XDG_DATA_HOME).
    assert!(
        home_files.has_file_under(&home.path().join("data/keyrings")),
        "{:?}",
        home_files.paths
    );
    for secret in [DEMO_PASSWORD, token.trim(), "eyJ"] {
        assert!(!output.contains(secret), "a secret is in the output");
        assert!(
            !home_files.contains(secret) && !stack_files.contains(secret),
            "a secret is on disk in clear"
        );
    }
}

#[tokio::test]
async fn without_a_keyring_remember_me_is_refused_and_sign_in_still_works() {
    let data = tempfile::tempdir().expect("tempdir");
    let stack = support::start_local(data.path().join("stack"), None).await;
    let home = tempfile::tempdir().expect("home");
    let config = write_profile(home.path(), stack.cognito_endpoint().as_str());
    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let out = tokio::task::spawn_blocking(move || {
        support::cli::run(
            support::cli::command(
                &home_path,
                &config_path,
                &["login", "-u", "demo", "--remember", "--password-stdin"],
            ),
            &format!("{DEMO_PASSWORD}\n"),
        )
    })
    .await
    .expect("join");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("Signed in as demo"));
    assert!(
        text(&out.stderr).contains("Remember me is not available"),
        "{}",
        text(&out.stderr)
    );
    let written = support::files::under(home.path());
    assert!(
        written.has_file_under(&config),
        "the config is among the files searched: {:?}",
        written.paths
    );
    assert!(!written.contains("eyJ"), "no token fell back to a file");
}

#[tokio::test]
async fn a_client_secret_kept_in_the_keyring_signs_in_a_confidential_client() {
    require("dbus-run-session");
    require("gnome-keyring-daemon");
    let data = tempfile::tempdir().expect("tempdir");
    let pool_file = data.path().join("pool.toml");
    std::fs::write(
        &pool_file,
        "[[clients]]\nid = \"confidentialclient00000001\"\nsecret = \"keyring-held-client-secret-42\"\n\
         [[users]]\nusername = \"alice\"\npassword = \"Corr3ct-Horse!\"\n",
    )
    .expect("pool");
    let pool = receipt_desk::local::idp::PoolConfig::load(&pool_file).expect("pool");
    let stack = support::start_local(data.path().join("stack"), Some(pool)).await;
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"work\"\n[profiles.work]\nclient_id = \"confidentialclient00000001\"\ncognito_endpoint = \"{}\"\n",
            stack.cognito_endpoint()
        ),
    )
    .expect("config");
    let script = r#"
echo 'Corr3ct-Horse!' | "$RD" login -u alice --password-stdin; echo "WITHOUT=$?"
echo 'keyring-held-client-secret-42' | "$RD" profile set work --client-secret-stdin; echo "STORED=$?"
echo 'Corr3ct-Horse!' | "$RD" login -u alice --password-stdin; echo "WITH=$?"
"#;
    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let out =
        tokio::task::spawn_blocking(move || in_keyring_session(&home_path, &config_path, script))
            .await
            .expect("session");
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    for marker in ["WITHOUT=3", "STORED=0", "WITH=0"] {
        assert!(
            stdout.contains(marker),
            "{marker} missing:\n{stdout}\n{stderr}"
        );
    }
    assert!(
        stderr.contains("has a client secret, and none is set"),
        "{stderr}"
    );
    let written = support::files::under(home.path());
    assert!(
        written.has_file_under(&home.path().join("data/keyrings")),
        "the keyring is among the files searched: {:?}",
        written.paths
    );
    assert!(
        !written.contains("keyring-held-client-secret-42"),
        "the client secret is not on disk in clear"
    );
}

#[tokio::test]
async fn logout_without_the_server_still_forgets_the_sign_in_here() {
    require("dbus-run-session");
    require("gnome-keyring-daemon");
    let data = tempfile::tempdir().expect("tempdir");
    let stack = support::start_local(data.path().join("stack"), None).await;
    let home = tempfile::tempdir().expect("home");
    let config = write_profile(home.path(), stack.cognito_endpoint().as_str());
    let remember = format!(
        "echo '{DEMO_PASSWORD}' | \"$RD\" login -u demo --remember --password-stdin; echo \"LOGIN=$?\"\n"
    );
    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let out = tokio::task::spawn_blocking(move || {
        in_keyring_session(&home_path, &config_path, &remember)
    })
    .await
    .expect("session");
    assert!(
        text(&out.stdout).contains("LOGIN=0"),
        "{}",
        text(&out.stderr)
    );
    // The server goes away; the keyring (on disk in HOME) stays.
    stack.stop().await;
    let script = r#"
"$RD" logout; echo "LOGOUT=$?"
"$RD" token --access < /dev/null; echo "AFTER=$?"
"#;
    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let out =
        tokio::task::spawn_blocking(move || in_keyring_session(&home_path, &config_path, script))
            .await
            .expect("session");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(stdout.contains("LOGOUT=0"), "{stdout}\n{stderr}");
    assert!(stdout.contains("Signed out demo"), "{stdout}");
    assert!(stderr.contains("The server could not be told"), "{stderr}");
    assert!(
        stdout.contains("AFTER=2"),
        "the remembered sign-in is gone: {stdout}\n{stderr}"
    );
}

#[tokio::test]
async fn a_refused_remembered_sign_in_makes_convert_exit_with_the_authentication_code() {
    require("dbus-run-session");
    require("gnome-keyring-daemon");
    let data = tempfile::tempdir().expect("tempdir");
    let first = support::start_local(data.path().join("first"), None).await;
    // Another pool (other keys): the refresh token remembered from the first is worthless.
    let second = support::start_local(data.path().join("second"), None).await;
    let home = tempfile::tempdir().expect("home");
    let config = write_profile(home.path(), first.cognito_endpoint().as_str());
    let elsewhere = home.path().join("elsewhere.toml");
    std::fs::write(
        &elsewhere,
        format!(
            "default_profile = \"local\"\n[profiles.local]\nclient_id = \"{DEMO_CLIENT_ID}\"\ncognito_endpoint = \"{}\"\napi_url = \"{}\"\ntoken_kind = \"access\"\nusername = \"demo\"\nbucket = \"demo\"\npdf_prefix = \"api/receipts/r6/pdf/\"\nupload_prefix = \"api/receipts/r6/jpeg/\"\n",
            second.cognito_endpoint(),
            second.api_url()
        ),
    )
    .expect("config");
    let script = format!(
        r#"
echo '{DEMO_PASSWORD}' | "$RD" login -u demo --remember --password-stdin; echo "LOGIN=$?"
cp '{elsewhere}' "$RECEIPT_DESK_CONFIG"
"$RD" convert < /dev/null; echo "CONVERT=$?"
"#,
        elsewhere = elsewhere.display()
    );
    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let out =
        tokio::task::spawn_blocking(move || in_keyring_session(&home_path, &config_path, &script))
            .await
            .expect("session");
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(stdout.contains("LOGIN=0"), "{stdout}\n{stderr}");
    assert!(stdout.contains("CONVERT=3"), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("the remembered sign-in was refused"),
        "{stderr}"
    );
}

/// Runs the binary as cron does: no session bus, stdin closed, nothing else in the
/// environment but the config and the language.
fn as_cron(home: &Path, config: &Path, lang: &str, args: &[&str]) -> Output {
    let mut command = support::cli::command(home, config, args);
    command.env("LANG", lang);
    support::cli::run_without_input(command)
}

#[tokio::test]
async fn a_remembered_sign_in_out_of_reach_of_cron_says_where_it_is_and_exits_3() {
    require("dbus-run-session");
    require("gnome-keyring-daemon");
    let data = tempfile::tempdir().expect("tempdir");
    let stack = support::start_local(data.path().join("stack"), None).await;
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "default_profile = \"local\"\n[profiles.local]\nclient_id = \"{DEMO_CLIENT_ID}\"\ncognito_endpoint = \"{}\"\napi_url = \"{}\"\ntoken_kind = \"access\"\nbucket = \"demo\"\npdf_prefix = \"api/receipts/r6/pdf/\"\nupload_prefix = \"api/receipts/r6/jpeg/\"\n",
            stack.cognito_endpoint(),
            stack.api_url()
        ),
    )
    .expect("config");
    let remember = format!(
        "echo '{DEMO_PASSWORD}' | \"$RD\" login -u demo --remember --password-stdin; echo \"LOGIN=$?\"\n"
    );
    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let out = tokio::task::spawn_blocking(move || {
        in_keyring_session(&home_path, &config_path, &remember)
    })
    .await
    .expect("session");
    assert!(
        text(&out.stdout).contains("LOGIN=0"),
        "{}",
        text(&out.stderr)
    );
    // The config notes the remembered sign-in by name only.
    let noted = std::fs::read_to_string(&config).expect("config");
    assert!(noted.contains("[remembered]"), "{noted}");
    assert!(!noted.contains("eyJ"), "no token in the config");

    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let runs = tokio::task::spawn_blocking(move || {
        [
            as_cron(&home_path, &config_path, "C.UTF-8", &["convert"]),
            as_cron(&home_path, &config_path, "C.UTF-8", &["token"]),
            as_cron(&home_path, &config_path, "ja_JP.UTF-8", &["convert"]),
        ]
    })
    .await
    .expect("cron runs");
    for out in &runs[..2] {
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{stderr}");
        assert!(
            stderr.contains("The remembered sign-in is in the system keyring")
                && stderr.contains("cannot reach")
                && stderr.contains("DBUS_SESSION_BUS_ADDRESS")
                && stderr.contains("--password-stdin"),
            "{stderr}"
        );
        assert!(
            !stderr.contains("stdin ended"),
            "no password was asked: {stderr}"
        );
        assert!(out.stdout.is_empty(), "nothing on stdout");
    }
    let ja = text(&runs[2].stderr);
    assert_eq!(runs[2].status.code(), Some(3), "{ja}");
    assert!(
        ja.contains("記憶されたサインインはシステムのキーリングにあります")
            && ja.contains("DBUS_SESSION_BUS_ADDRESS"),
        "{ja}"
    );

    // Logout in the keyring session deletes it and the note; cron then asks as before.
    let logout = "\"$RD\" logout; echo \"LOGOUT=$?\"\n";
    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let out =
        tokio::task::spawn_blocking(move || in_keyring_session(&home_path, &config_path, logout))
            .await
            .expect("session");
    assert!(
        text(&out.stdout).contains("LOGOUT=0"),
        "{}",
        text(&out.stderr)
    );
    let noted = std::fs::read_to_string(&config).expect("config");
    assert!(!noted.contains("[remembered]"), "{noted}");
    let (home_path, config_path) = (home.path().to_owned(), config.clone());
    let after = tokio::task::spawn_blocking(move || {
        as_cron(&home_path, &config_path, "C.UTF-8", &["convert"])
    })
    .await
    .expect("cron run");
    assert_eq!(after.status.code(), Some(2), "{}", text(&after.stderr));
    assert!(!text(&after.stderr).contains("system keyring"));
}
