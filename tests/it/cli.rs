//! `receipt-desk` as a script runs it, against moto on 127.0.0.1: exit codes, the
//! sentences people read, and no secret in anything the commands write.

use crate::support;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::json;
use support::cli::assert_success;
use support::{PASSWORD, Pool, TEMPORARY_PASSWORD, moto};

/// A temporary home and config file, so the tests never touch a real one.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config/receipt-desk.toml")
    }

    fn command(&self, args: &[&str]) -> Command {
        support::cli::command(self.dir.path(), &self.config(), args)
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        Self::run_with(self.command(args), stdin)
    }

    fn run_with(command: Command, stdin: &str) -> Output {
        support::cli::run(command, stdin)
    }

    /// A profile named `moto` for the pool's public app client.
    fn profile_for(&self, pool: &Pool, client_id: &str) {
        let out = self.run(
            &[
                "profile",
                "set",
                "moto",
                "--cognito-endpoint",
                pool.moto_url.as_str(),
                "--client-id",
                client_id,
                "--bucket",
                "shitadan",
            ],
            "",
        );
        assert_success(&out);
    }
}

fn stdout(out: &Output) -> String {
    support::cli::text(&out.stdout)
}

fn stderr(out: &Output) -> String {
    support::cli::text(&out.stderr)
}

async fn pool_with_users() -> Pool {
    let pool = moto().pool().await;
    pool.confirmed_user("alice", json!([])).await;
    pool.new_user("bob", json!([])).await;
    pool
}

#[tokio::test]
async fn login_signs_in_and_says_who_and_until_when() {
    let pool = pool_with_users().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&pool, &pool.client_id);
    let out = sandbox.run(
        &["login", "--username", "alice", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert_success(&out);
    let text = stdout(&out);
    assert!(
        text.starts_with("Signed in as alice (profile moto). The session is valid until "),
        "{text}"
    );
    assert!(text.trim_end().ends_with(" min)."), "{text}");
    // Without --remember, the person learns that nothing was kept, and how to keep it.
    assert!(
        stderr(&out).contains("The sign-in was not remembered")
            && stderr(&out).contains("receipt-desk login --remember"),
        "{}",
        stderr(&out)
    );
    // The username is remembered for next time; nothing else is added.
    let config = std::fs::read_to_string(sandbox.config()).expect("config");
    assert!(config.contains("username = \"alice\""), "{config}");
    let again = sandbox.run(&["login", "--password-stdin"], &format!("{PASSWORD}\n"));
    assert_success(&again);
}

#[tokio::test]
async fn login_completes_a_new_password_challenge_from_the_answers_given() {
    let pool = pool_with_users().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&pool, &pool.client_id);
    let out = sandbox.run(
        &["login", "-u", "bob", "--password-stdin"],
        &format!("{TEMPORARY_PASSWORD}\nN3w-Passw0rd!\n"),
    );
    assert_success(&out);
    assert!(
        stderr(&out).contains("bob must choose a new password"),
        "{}",
        stderr(&out)
    );
    assert!(
        stdout(&out).starts_with("Signed in as bob"),
        "{}",
        stdout(&out)
    );
    let with_new = sandbox.run(
        &["login", "-u", "bob", "--password-stdin"],
        "N3w-Passw0rd!\n",
    );
    assert_success(&with_new);
}

#[tokio::test]
async fn a_weak_new_password_fails_with_the_policy_sentence() {
    let pool = pool_with_users().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&pool, &pool.client_id);
    let out = sandbox.run(
        &["login", "-u", "bob", "--password-stdin"],
        &format!("{TEMPORARY_PASSWORD}\nweak\n"),
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("does not meet the password policy"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn wrong_password_exits_3_with_a_sentence_in_the_persons_language() {
    let pool = pool_with_users().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&pool, &pool.client_id);
    let out = sandbox.run(&["login", "-u", "alice", "--password-stdin"], "nope-nope\n");
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("The username or password is incorrect. Check both"),
        "{}",
        stderr(&out)
    );

    let mut japanese = sandbox.command(&["login", "-u", "alice", "--password-stdin"]);
    japanese.env("LANG", "ja_JP.UTF-8");
    let out = Sandbox::run_with(japanese, "nope-nope\n");
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("ユーザー名またはパスワードが正しくありません"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn unknown_user_exits_3() {
    let pool = pool_with_users().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&pool, &pool.client_id);
    let out = sandbox.run(&["login", "-u", "zed", "--password-stdin"], "whatever1\n");
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("There is no user with this name"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn token_prints_an_access_token_that_moto_accepts() {
    let pool = pool_with_users().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&pool, &pool.client_id);
    let out = sandbox.run(
        &["token", "--access", "-u", "alice", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert_success(&out);
    let token = stdout(&out);
    assert_eq!(token.lines().count(), 1, "one line: {token}");
    let user = moto()
        .call("GetUser", json!({"AccessToken": token.trim()}))
        .await;
    assert_eq!(user["Username"], "alice");

    // By default the profile's kind: the ID token.
    let out = sandbox.run(
        &["token", "-u", "alice", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert_success(&out);
    let claims = receipt_desk::cognito::wire::decode_claims(stdout(&out).trim()).expect("jwt");
    assert_eq!(claims.token_use.as_deref(), Some("id"));
}

#[tokio::test]
async fn a_secret_client_works_with_the_secret_from_the_environment() {
    let pool = pool_with_users().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&pool, &pool.secret_client_id);
    let mut command = sandbox.command(&["token", "--access", "-u", "alice", "--password-stdin"]);
    command.env("RECEIPT_DESK_CLIENT_SECRET", &pool.client_secret);
    let out = Sandbox::run_with(command, &format!("{PASSWORD}\n"));
    assert_success(&out);
    let config = std::fs::read_to_string(sandbox.config()).expect("config");
    assert!(!config.contains(&pool.client_secret), "{config}");
}

#[tokio::test]
async fn an_unreachable_endpoint_exits_4() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    drop(listener);
    let sandbox = Sandbox::new();
    let set = sandbox.run(
        &[
            "profile",
            "set",
            "gone",
            "--cognito-endpoint",
            &url,
            "--client-id",
            "abc123",
        ],
        "",
    );
    assert_success(&set);
    let out = sandbox.run(
        &["login", "-u", "alice", "--password-stdin"],
        "a-password\n",
    );
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Nothing is answering"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn usage_errors_exit_2() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["login", "--password-stdin"], "x\n");
    assert_eq!(out.status.code(), Some(2), "no profile yet");
    assert!(
        stderr(&out).contains("no profile is set up yet"),
        "{}",
        stderr(&out)
    );

    let out = sandbox.run(
        &[
            "profile",
            "set",
            "p",
            "--region",
            "tokyo",
            "--client-id",
            "abc",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("region"), "{}", stderr(&out));

    let out = sandbox.run(
        &[
            "profile",
            "set",
            "p",
            "--region",
            "ap-northeast-1",
            "--client-id",
            "abc",
            "--api-url",
            "http://example.com/Prod",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("https"), "{}", stderr(&out));

    let out = sandbox.run(&["login", "--frobnicate"], "");
    assert_eq!(out.status.code(), Some(2));

    let ok = sandbox.run(
        &[
            "profile",
            "set",
            "p",
            "--region",
            "ap-northeast-1",
            "--client-id",
            "abc",
        ],
        "",
    );
    assert_success(&ok);
    let out = sandbox.run(&["--profile", "q", "login", "--password-stdin"], "x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no profile named \"q\""),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn help_documents_the_exit_codes() {
    let out = Sandbox::new().run(&["--help"], "");
    assert_success(&out);
    let help = stdout(&out);
    for line in ["2  usage", "3  authentication", "4  network"] {
        assert!(help.contains(line), "{help}");
    }
}

#[tokio::test]
async fn no_password_or_token_reaches_output_logs_or_config() {
    let pool = pool_with_users().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&pool, &pool.client_id);
    let mut seen = String::new();
    for (args, input) in [
        (
            vec!["-vvv", "login", "-u", "alice", "--password-stdin"],
            format!("{PASSWORD}\n"),
        ),
        (
            vec!["-vvv", "login", "-u", "bob", "--password-stdin"],
            format!("{TEMPORARY_PASSWORD}\nN3w-Passw0rd!\n"),
        ),
        (
            vec!["-vvv", "login", "-u", "alice", "--password-stdin"],
            "wrong-password-9\n".to_owned(),
        ),
        (vec!["-vvv", "profile", "show"], String::new()),
    ] {
        let out = sandbox.run(&args, &input);
        seen.push_str(&stdout(&out));
        seen.push_str(&stderr(&out));
    }
    assert!(
        seen.contains("Signed in as alice"),
        "the commands ran: {seen}"
    );
    let written = support::files::under(sandbox.dir.path());
    assert!(
        written.has_file_under(&sandbox.config()),
        "the config is among the files searched: {:?}",
        written.paths
    );
    for secret in [
        PASSWORD,
        TEMPORARY_PASSWORD,
        "N3w-Passw0rd!",
        "wrong-password-9",
        "eyJ",
    ] {
        assert!(!seen.contains(secret), "{secret} leaked into:\n{seen}");
        assert!(
            !written.contains(secret),
            "{secret} leaked into a file: {:?}",
            written.paths
        );
    }
}

#[tokio::test]
async fn usage_errors_are_japanese_with_lang_ja() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(&["--lang", "ja", "login", "--password-stdin"], "x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("プロファイルがまだありません"),
        "{}",
        stderr(&out)
    );
    let out = sandbox.run(
        &[
            "--lang",
            "ja",
            "profile",
            "set",
            "p",
            "--region",
            "ap-northeast-1",
            "--client-id",
            "has space",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("アプリクライアント ID ではありません"),
        "{}",
        stderr(&out)
    );
    let out = sandbox.run(
        &[
            "--lang",
            "ja",
            "profile",
            "set",
            "p",
            "--region",
            "ap-northeast-1",
            "--client-id",
            "abc",
            "--api-url",
            "http://example.com/Prod",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("https にしてください"),
        "{}",
        stderr(&out)
    );
    let ok = sandbox.run(
        &[
            "profile",
            "set",
            "p",
            "--region",
            "ap-northeast-1",
            "--client-id",
            "abc",
        ],
        "",
    );
    assert_success(&ok);
    let mut command = sandbox.command(&["--profile", "q", "login", "--password-stdin"]);
    command.env("LANG", "ja_JP.UTF-8");
    let out = Sandbox::run_with(command, "x\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("「q」という名前のプロファイルはありません"),
        "{}",
        stderr(&out)
    );
    let out = sandbox.run(&["--lang", "ja", "profile", "remove", "q"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("「q」という名前"), "{}", stderr(&out));
    // The prompt on a script's stdin says so in Japanese too.
    let out = sandbox.run(&["--lang", "ja", "--profile", "p", "login"], "");
    assert!(
        stderr(&out).contains("（標準入力から読み込みます）"),
        "{}",
        stderr(&out)
    );
}

/// The words of a help line still in English: ASCII words that are not option, value,
/// command or environment names.
fn english_words(line: &str) -> Vec<String> {
    const NAMES: &[&str] = &[
        "receipt-desk",
        "login",
        "token",
        "logout",
        "convert",
        "serve",
        "profile",
        "set",
        "list",
        "show",
        "remove",
        "help",
    ];
    if !line.is_ascii() {
        return Vec::new();
    }
    line.split_whitespace()
        .map(|w| w.trim_matches(|c: char| c == ',' || c == ':'))
        .filter(|w| {
            !(w.is_empty()
                || w.starts_with('-')
                || w.starts_with('<')
                || w.starts_with('[')
                || !w.chars().any(|c| c.is_ascii_lowercase())
                || NAMES.contains(w))
        })
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn help_of_every_command_is_japanese_with_lang_ja_or_a_japanese_locale() {
    let sandbox = Sandbox::new();
    let commands: &[&[&str]] = &[
        &["--help"],
        &["login", "--help"],
        &["token", "--help"],
        &["logout", "--help"],
        &["convert", "--help"],
        &["serve", "--help"],
        &["profile", "--help"],
        &["profile", "set", "--help"],
        &["profile", "list", "--help"],
        &["profile", "show", "--help"],
        &["profile", "remove", "--help"],
        &["help", "convert"],
        &["profile", "help", "set"],
    ];
    for words in commands {
        for by_locale in [false, true] {
            let mut args: Vec<&str> = if by_locale {
                Vec::new()
            } else {
                vec!["--lang", "ja"]
            };
            args.extend_from_slice(words);
            let mut command = sandbox.command(&args);
            if by_locale {
                command.env("LANG", "ja_JP.UTF-8");
            }
            let out = Sandbox::run_with(command, "");
            assert_success(&out);
            let help = stdout(&out);
            assert!(help.contains("使い方:"), "{args:?}:\n{help}");
            let option_lines = help
                .lines()
                .filter(|l| l.trim_start().starts_with('-'))
                .count();
            assert!(option_lines >= 2, "{args:?}:\n{help}");
            for line in help.lines() {
                let english = english_words(line);
                assert!(
                    english.is_empty(),
                    "{args:?}: English left in \"{line}\": {english:?}\n{help}"
                );
            }
        }
    }
    // English stays English.
    let out = sandbox.run(&["convert", "--help"], "");
    assert!(stdout(&out).contains("Usage:") && stdout(&out).contains("The S3 bucket"));
}

/// An app client that allows only SRP, on the local stack (moto checks no SRP proof).
async fn srp_only_stack() -> support::Peer {
    support::Peer::local_with(|toml| {
        toml.push_str(
            "\n[[clients]]\nid = \"srponlyclient0000000000001\"\n\
             explicit_auth_flows = [\"ALLOW_USER_SRP_AUTH\", \"ALLOW_REFRESH_TOKEN_AUTH\"]\n",
        );
    })
    .await
}

// The commands block this thread; the stack answers on the runtime's other one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_an_srp_only_client_signs_in_and_no_srp_value_is_written() {
    let peer = srp_only_stack().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&peer.pool, "srponlyclient0000000000001");
    // Without the pool id, SRP cannot be done: the password flow is tried and refused.
    let refused = sandbox.run(
        &["login", "-u", "alice", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert_eq!(refused.status.code(), Some(3), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("does not allow this way of signing in"),
        "{}",
        stderr(&refused)
    );
    let set = sandbox.run(
        &["profile", "set", "moto", "--user-pool-id", &peer.pool.id],
        "",
    );
    assert_success(&set);
    let mut seen = String::new();
    for (input, code) in [
        ("Wrong-pass1!\n".to_owned(), Some(3)),
        (format!("{PASSWORD}\n"), Some(0)),
    ] {
        let out = sandbox.run(
            &["-vvv", "login", "-u", "alice", "--password-stdin"],
            &input,
        );
        assert_eq!(out.status.code(), code, "{}", stderr(&out));
        seen.push_str(&stdout(&out));
        seen.push_str(&stderr(&out));
    }
    assert!(seen.contains("Signed in as alice"), "{seen}");
    assert!(seen.contains("incorrect"), "{seen}");
    let config = std::fs::read_to_string(sandbox.config()).expect("config");
    assert!(config.contains("learned_auth_flow = \"srp\""), "{config}");
    // SRP_A, SRP_B and the salt are long hex numbers; none may be kept or printed (the
    // client id and a job id are the longest hex-looking things allowed).
    let written = support::files::under(sandbox.dir.path());
    assert!(written.has_file_under(&sandbox.config()));
    assert!(written.longest_hex_run() < 64, "{:?}", written.paths);
    assert!(
        support::files::longest_hex_run(seen.as_bytes()) < 64,
        "{seen}"
    );
    assert!(!written.contains(PASSWORD) && !seen.contains(PASSWORD));
}

// The commands block this thread; the stack answers on the runtime's other one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn password_forgot_takes_the_mailed_code_and_change_takes_the_current_password() {
    use std::io::{BufRead as _, Write as _};
    let peer = srp_only_stack().await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&peer.pool, &peer.pool.client_id);
    // forgot: the code is asked for after it was sent, so it is typed when asked.
    let mut child = sandbox
        .command(&["password", "forgot", "-u", "alice", "--password-stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    let mut stderr_lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut told = String::new();
    for line in stderr_lines.by_ref() {
        let line = line.expect("stderr line");
        told.push_str(&line);
        if line.contains("A reset code was sent to a***@e***") {
            break;
        }
    }
    assert!(told.contains("A reset code was sent"), "{told}");
    let code = peer
        .stack()
        .expect("stack")
        .mailbox
        .last_code("alice")
        .expect("mailed");
    let mut stdin = child.stdin.take().expect("stdin");
    writeln!(stdin, "{code}\nBrand-new-pass7!").expect("answers");
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        stderr_lines.map_while(Result::ok).collect::<String>()
    );
    assert!(
        stdout(&out).contains("The password of alice was reset"),
        "{}",
        stdout(&out)
    );
    let login = sandbox.run(
        &["login", "-u", "alice", "--password-stdin"],
        "Brand-new-pass7!\n",
    );
    assert_success(&login);

    // change: sign in, the current password (wrong first), the new one.
    let wrong = sandbox.run(
        &["password", "change", "-u", "alice", "--password-stdin"],
        "Brand-new-pass7!\nNot-the-current1!\nThird-pass9!\n",
    );
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    let changed = sandbox.run(
        &["password", "change", "-u", "alice", "--password-stdin"],
        "Brand-new-pass7!\nBrand-new-pass7!\nThird-pass9!\n",
    );
    assert_success(&changed);
    assert!(stdout(&changed).contains("The password of alice was changed"));
    // Neither the code nor a password is in the output or the sandbox's files.
    let written = support::files::under(sandbox.dir.path());
    for secret in [code.as_str(), "Brand-new-pass7!", "Third-pass9!"] {
        assert!(!written.contains(secret), "{secret} in a file");
        assert!(!stdout(&changed).contains(secret) && !stderr(&changed).contains(secret));
    }
}

// The commands block this thread; the stack answers on the runtime's other one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_sign_in_from_the_command_line_writes_no_device_secret() {
    let peer = support::Peer::local_with(|toml| {
        toml.push_str(
            "\n[[clients]]\nid = \"devicealwaysclient00000001\"\ndevice_tracking = \"always\"\n",
        );
    })
    .await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&peer.pool, "devicealwaysclient00000001");
    assert_success(&sandbox.run(
        &["profile", "set", "moto", "--user-pool-id", &peer.pool.id],
        "",
    ));
    let secret = receipt_desk::totp::base32_decode(support::cast::TOTP_SECRET).expect("base32");
    let code = receipt_desk::totp::code(&secret, support::now_seconds(), 6);
    let out = sandbox.run(
        &[
            "-vvv",
            "login",
            "--remember-device",
            "-u",
            "tina",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n{code}\n"),
    );
    assert_success(&out);
    let seen = format!("{}{}", stdout(&out), stderr(&out));
    assert!(seen.contains("Signed in as tina"), "{seen}");
    // No keyring here: the device is not kept, and says so without its secrets.
    assert!(seen.contains("this device could not be kept"), "{seen}");
    let written = support::files::under(sandbox.dir.path());
    assert!(
        support::files::longest_hex_run(seen.as_bytes()) < 64,
        "{seen}"
    );
    assert!(written.longest_hex_run() < 64);
    for secret in [PASSWORD, "device_password", "PasswordVerifier", "eyJ"] {
        assert!(!seen.contains(secret), "{secret} in the output");
        assert!(!written.contains(secret), "{secret} in a file");
    }
}

// The command blocks this thread; the stack answers on the runtime's other one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_the_browser_prints_the_link_and_signs_in_when_the_browser_comes_back() {
    use std::io::BufRead as _;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let peer = support::Peer::local_with(move |toml| {
        *toml = toml.replacen(
            "id = \"desktoppublicclient0000001\"\n",
            &format!(
                "id = \"desktoppublicclient0000001\"\n\
                 callback_urls = [\"http://127.0.0.1:{port}/callback\"]\n"
            ),
            1,
        );
    })
    .await;
    let sandbox = Sandbox::new();
    sandbox.profile_for(&peer.pool, &peer.pool.client_id);
    // Without a domain: a usage error that says what to set.
    let none = sandbox.run(&["login", "--browser"], "");
    assert_eq!(none.status.code(), Some(2), "{}", stderr(&none));
    assert!(
        stderr(&none).contains("--hosted-ui-domain"),
        "{}",
        stderr(&none)
    );
    assert_success(&sandbox.run(
        &[
            "profile",
            "set",
            "moto",
            "--hosted-ui-domain",
            peer.pool.moto_url.as_str(),
            "--callback-ports",
            &port.to_string(),
        ],
        "",
    ));
    let mut child = sandbox
        .command(&["login", "--browser"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run");
    let mut lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let link = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.trim()
                .starts_with("http://")
                .then(|| line.trim().to_owned())
        })
        .expect("the link is printed");
    let url = reqwest::Url::parse(&link).expect("a URL");
    let location = crate::oauth::sign_in_on_the_page(&url, support::cast::ALICE, PASSWORD)
        .await
        .expect("signed in on the page");
    crate::oauth::arrive(&location).await;
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "{:?}", out.status);
    assert!(
        stdout(&out).starts_with("Signed in as alice"),
        "{}",
        stdout(&out)
    );
    let written = support::files::under(sandbox.dir.path());
    assert!(!written.contains("eyJ"), "no token in a file");
}
