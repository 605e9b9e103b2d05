//! `receipt-desk convert` as a script runs it, end to end against the local stack on
//! 127.0.0.1: the JSON matches the files on disk, --download writes every page, and each
//! kind of failure has its exit code and names what went wrong.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Output;

use receipt_desk::local::{RunningStack, demo};
use support::cli::text;

const DEMO_PASSWORD: &str = "Receipts-r6!";
const EXIT_USAGE: i32 = 2;
const EXIT_AUTH: i32 = 3;
const EXIT_PARTIAL: i32 = 6;

struct Setup {
    runtime: tokio::runtime::Runtime,
    stack: RunningStack,
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let stack = runtime.block_on(support::start_local(dir.path().join("stack"), None));
        let setup = Self {
            runtime,
            stack,
            dir,
        };
        let config = format!(
            r#"default_profile = "local"
[profiles.local]
client_id = "receiptdeskdemo00000000001"
cognito_endpoint = "{}"
api_url = "{}"
token_kind = "access"
bucket = "demo"
pdf_prefix = "api/receipts/r6/pdf/"
upload_prefix = "api/receipts/r6/jpeg/"
"#,
            setup.stack.cognito_endpoint(),
            setup.stack.api_url()
        );
        std::fs::write(setup.config(), config).expect("config");
        setup
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        support::cli::run(
            support::cli::command(self.dir.path(), &self.config(), args),
            stdin,
        )
    }

    /// Serves `api` on 127.0.0.1 and points the profile's API URL at it (the local stack
    /// still signs in).
    fn use_api(&self, api: axum::Router) {
        let address = self.runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let address = listener.local_addr().expect("address");
            tokio::spawn(async move { axum::serve(listener, api).await });
            address
        });
        let config = std::fs::read_to_string(self.config()).expect("config");
        let config = config.replace(
            &format!("api_url = \"{}\"", self.stack.api_url()),
            &format!("api_url = \"http://{address}/Prod\""),
        );
        std::fs::write(self.config(), config).expect("config");
    }

    fn bucket_file(&self, key: &str) -> PathBuf {
        self.dir.path().join("stack/buckets/demo").join(key)
    }
}

#[test]
fn json_matches_the_files_on_disk_and_the_partial_failure_has_its_code() {
    let setup = Setup::new();
    let out = setup.run(
        &["convert", "-u", "demo", "--password-stdin", "--json"],
        &format!("{DEMO_PASSWORD}\n"),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(EXIT_PARTIAL), "{stderr}");
    assert!(stderr.contains("broken-upload.pdf"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let converted = json["converted"].as_array().expect("converted");
    assert_eq!(converted.len(), demo::PAGES);
    for page in converted {
        let key = page["key"].as_str().expect("key");
        let on_disk = std::fs::metadata(setup.bucket_file(key)).expect("the page is in the bucket");
        assert_eq!(Some(on_disk.len()), page["bytes"].as_u64(), "{key}");
    }
    assert_eq!(
        json["failed"][0]["source_key"],
        "api/receipts/r6/pdf/broken-upload.pdf"
    );
    assert_eq!(json["failed"][0]["reason"], "damaged_pdf");
    // Nothing secret on either stream.
    assert!(!text(&out.stdout).contains(DEMO_PASSWORD) && !stderr.contains(DEMO_PASSWORD));
    assert!(!text(&out.stdout).contains("eyJ") && !stderr.contains("eyJ"));
}

#[test]
fn download_writes_every_page() {
    let setup = Setup::new();
    let folder = setup.dir.path().join("receipts");
    let out = setup.run(
        &[
            "convert",
            "-u",
            "demo",
            "--password-stdin",
            "--download",
            folder.to_str().expect("utf-8"),
        ],
        &format!("{DEMO_PASSWORD}\n"),
    );
    assert_eq!(
        out.status.code(),
        Some(EXIT_PARTIAL),
        "{}",
        text(&out.stderr)
    );
    let files = list(&folder);
    assert_eq!(files.len(), demo::PAGES, "{files:?}");
    assert!(files.contains(&"2024-06-文具-p1.jpg".to_owned()));
    for name in &files {
        let bytes = std::fs::read(folder.join(name)).expect("read");
        assert!(bytes.starts_with(&[0xFF, 0xD8]), "{name}");
    }
    // The table names every page.
    assert!(text(&out.stdout).contains("api/receipts/r6/jpeg/2024-07-cafe-scan-p1.jpg"));

    // Run again: the files there are kept, not overwritten.
    std::fs::write(folder.join(&files[0]), b"mine").expect("write");
    let again = setup.run(
        &[
            "convert",
            "-u",
            "demo",
            "--password-stdin",
            "--download",
            folder.to_str().expect("utf-8"),
        ],
        &format!("{DEMO_PASSWORD}\n"),
    );
    assert_eq!(again.status.code(), Some(EXIT_PARTIAL));
    assert_eq!(
        std::fs::read(folder.join(&files[0])).expect("read"),
        b"mine"
    );
    assert!(text(&again.stderr).contains("already there were kept"));
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_bad_bucket_is_a_usage_error_with_the_reason_before_any_password() {
    let setup = Setup::new();
    // No password on stdin: the check must come first.
    let out = setup.run(&["convert", "--bucket", "Receipts_2024"], "");
    assert_eq!(out.status.code(), Some(EXIT_USAGE));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--bucket") && stderr.contains("is not allowed"),
        "{stderr}"
    );
    let same = setup.run(
        &[
            "convert",
            "--pdf-prefix",
            "a/pdf/",
            "--upload-prefix",
            "a/pdf",
        ],
        "",
    );
    assert_eq!(same.status.code(), Some(EXIT_USAGE));
    assert!(text(&same.stderr).contains("must differ"));
}

#[test]
fn a_wrong_password_is_an_authentication_failure() {
    let setup = Setup::new();
    let out = setup.run(&["convert", "-u", "demo", "--password-stdin"], "wrong\n");
    assert_eq!(out.status.code(), Some(EXIT_AUTH));
    assert!(text(&out.stderr).contains("incorrect"));
    assert!(text(&out.stdout).is_empty());
}

#[test]
fn no_wait_prints_the_job_of_a_long_conversion() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let stack = runtime.block_on(async {
        let mut options = receipt_desk::local::StackOptions::new(dir.path().join("stack"));
        options.convert.async_threshold_pages = 1;
        receipt_desk::local::start(options).await.expect("stack")
    });
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.local]\nclient_id = \"receiptdeskdemo00000000001\"\ncognito_endpoint = \"{}\"\napi_url = \"{}\"\ntoken_kind = \"access\"\n",
            stack.cognito_endpoint(),
            stack.api_url()
        ),
    )
    .expect("config");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "convert",
            "-u",
            "demo",
            "--password-stdin",
            "--json",
            "--bucket",
            "demo",
            "--pdf-prefix",
            "api/receipts/r6/pdf/",
            "--upload-prefix",
            "api/receipts/r6/jpeg/",
        ];
        args.extend_from_slice(extra);
        support::cli::run(
            support::cli::command(dir.path(), &config, &args),
            &format!("{DEMO_PASSWORD}\n"),
        )
    };
    let out = run(&["--no-wait"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(
        json["status_url"]
            .as_str()
            .is_some_and(|u| u.contains("/Prod/jobs/"))
    );
    // Followed (the default), the same job ends with the pages and the failure.
    let out = run(&[]);
    assert_eq!(
        out.status.code(),
        Some(EXIT_PARTIAL),
        "{}",
        text(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        json["converted"].as_array().map(Vec::len),
        Some(demo::PAGES)
    );
    // Not a terminal: progress comes as plain lines, counting PDFs (one queued each).
    assert!(
        text(&out.stderr).contains("/6 PDFs"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["--lang", "ja"]);
    assert_eq!(out.status.code(), Some(EXIT_PARTIAL));
    let progress = text(&out.stderr);
    assert!(
        progress
            .lines()
            .any(|l| l.starts_with("ジョブ ") && l.ends_with(" 件の PDF")),
        "{progress}"
    );
    assert!(!progress.contains("PDFs"), "{progress}");
}

#[test]
fn in_japanese_the_table_lines_up_kanji_names_and_failures_say_why() {
    let setup = Setup::new();
    let out = setup.run(
        &["--lang", "ja", "convert", "-u", "demo", "--password-stdin"],
        &format!("{DEMO_PASSWORD}\n"),
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(EXIT_PARTIAL), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    // The header and one row per page: the same width on screen, kanji counting two.
    let table: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("キー") || l.starts_with("api/"))
        .collect();
    assert_eq!(table.len(), demo::PAGES + 1, "{stdout}");
    assert!(table.iter().any(|l| l.contains("文具")), "{stdout}");
    let widths: Vec<usize> = table
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(*l))
        .collect();
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "{stdout}");
    // The failed file's reason, translated from its code.
    assert!(
        stdout
            .contains("失敗 api/receipts/r6/pdf/broken-upload.pdf: PDF が壊れていて読み込めません"),
        "{stdout}"
    );
    assert!(stderr.contains("件の PDF が失敗しました"), "{stderr}");
    assert!(!stderr.contains("damaged"), "{stderr}");
    assert!(stderr.contains("（標準入力から読み込みます）"), "{stderr}");
}

#[test]
fn ls_lists_a_level_of_the_bucket_and_dry_run_counts_without_converting() {
    let setup = Setup::new();
    let password = format!("{DEMO_PASSWORD}\n");
    let out = setup.run(
        &["ls", "api/receipts/", "-u", "demo", "--password-stdin"],
        &password,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.starts_with("s3://demo/api/receipts/\n"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.trim_start().starts_with("r6/") && l.contains("6 PDFs")),
        "{table}"
    );

    let out = setup.run(
        &[
            "ls",
            "api/receipts/r6/pdf/",
            "--json",
            "-u",
            "demo",
            "--password-stdin",
        ],
        &password,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["pdfs"].as_array().map(Vec::len), Some(6), "{json}");
    assert!(json["pdfs"][0]["bytes"].as_u64().is_some_and(|b| b > 0));

    // In Japanese, and a prefix the rules refuse is a usage error before any password.
    let out = setup.run(
        &[
            "ls",
            "api/receipts/",
            "--lang",
            "ja",
            "-u",
            "demo",
            "--password-stdin",
        ],
        &password,
    );
    assert!(
        text(&out.stdout).contains("PDF 6 件"),
        "{}",
        text(&out.stdout)
    );
    let out = setup.run(&["ls", "../etc/"], "");
    assert_eq!(out.status.code(), Some(EXIT_USAGE));
    assert!(
        text(&out.stderr).contains("PREFIX"),
        "{}",
        text(&out.stderr)
    );

    // --dry-run counts what a conversion would take in and converts nothing.
    let out = setup.run(
        &[
            "convert",
            "--dry-run",
            "--json",
            "-u",
            "demo",
            "--password-stdin",
        ],
        &password,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["pdfs"], 6, "{json}");
    let on_disk: u64 = std::fs::read_dir(setup.bucket_file("api/receipts/r6/pdf"))
        .expect("pdf folder")
        .map(|e| e.expect("entry").metadata().expect("metadata").len())
        .sum();
    assert_eq!(json["bytes"], on_disk);
    assert!(
        !setup.bucket_file("api/receipts/r6/jpeg").exists(),
        "a dry run writes nothing"
    );
    let out = setup.run(
        &["convert", "--dry-run", "-u", "demo", "--password-stdin"],
        &password,
    );
    assert!(
        text(&out.stdout).contains("would convert 6 PDFs"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_backend_that_is_not_ours_exits_7_and_shows_its_answer() {
    let setup = Setup::new();
    let foreign = axum::Router::new().route(
        "/Prod/convert",
        axum::routing::post(|| async { axum::Json(serde_json::json!({"message": "ok"})) }),
    );
    setup.use_api(foreign);
    let out = setup.run(
        &["convert", "-u", "demo", "--password-stdin"],
        &format!("{DEMO_PASSWORD}\n"),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(
        stderr.contains("not with Receipt Desk's /convert contract"),
        "{stderr}"
    );
    assert!(stderr.contains("\"message\": \"ok\""), "{stderr}");
    assert!(text(&out.stdout).is_empty(), "no table of 0 pages");
}

/// An API that echoes the Authorization header it got, as API Gateway does for a
/// malformed one: first in a 500's message, then in a 200 that is not our contract.
#[test]
fn a_token_the_api_echoes_reaches_no_output_log_or_file() {
    use std::sync::{Arc, Mutex};
    let setup = Setup::new();
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let record = Arc::clone(&seen);
    let echo = axum::Router::new().route(
        "/Prod/convert",
        axum::routing::post(move |headers: axum::http::HeaderMap| {
            let record = Arc::clone(&record);
            async move {
                let header = headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let mut seen = record.lock().expect("lock");
                seen.push(header.clone());
                let message = format!("Invalid key=value pair in Authorization header: '{header}'");
                let status = if seen.len() == 1 { 500 } else { 200 };
                (
                    axum::http::StatusCode::from_u16(status).expect("status"),
                    axum::Json(serde_json::json!({"message": message})),
                )
            }
        }),
    );
    setup.use_api(echo);
    let mut outputs = Vec::new();
    for expected in [5, 7] {
        let out = setup.run(
            &["-v", "convert", "-u", "demo", "--password-stdin"],
            &format!("{DEMO_PASSWORD}\n"),
        );
        assert_eq!(out.status.code(), Some(expected), "{}", text(&out.stderr));
        outputs.push(format!("{}{}", text(&out.stdout), text(&out.stderr)));
    }
    // What was echoed is visible, only without the token.
    assert!(
        outputs[0].contains("Invalid key=value pair"),
        "{}",
        outputs[0]
    );
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2);
    let written = support::files::under(setup.dir.path());
    assert!(written.has_file_under(&setup.dir.path().join(".local/share/receipt-desk/logs")));
    for header in &seen {
        let token = header.strip_prefix("Bearer ").unwrap_or(header);
        assert!(token.len() > 100, "a real token was sent: {header}");
        for output in &outputs {
            assert!(!output.contains(token), "{output}");
        }
        assert!(!written.contains(token), "a file holds the token");
    }
}

/// Two receipts with one name in two folders: both are downloaded, each in its folder.
#[test]
fn download_keeps_folders_so_same_named_receipts_both_arrive() {
    let setup = Setup::new();
    let demo_pdf = setup.bucket_file("api/receipts/r6/pdf/2024-05-konbini.pdf");
    for shop in ["shop-a", "shop-b"] {
        let dir = setup.bucket_file(&format!("api/receipts/r7/pdf/{shop}"));
        std::fs::create_dir_all(&dir).expect("folder");
        std::fs::copy(&demo_pdf, dir.join("receipt.pdf")).expect("copy");
    }
    let folder = setup.dir.path().join("receipts");
    let out = setup.run(
        &[
            "convert",
            "-u",
            "demo",
            "--password-stdin",
            "--pdf-prefix",
            "api/receipts/r7/pdf/",
            "--upload-prefix",
            "api/receipts/r7/jpeg/",
            "--download",
            folder.to_str().expect("utf-8"),
        ],
        &format!("{DEMO_PASSWORD}\n"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for shop in ["shop-a", "shop-b"] {
        let page = folder.join(shop).join("receipt-p1.jpg");
        let bytes = std::fs::read(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        assert!(bytes.starts_with(&[0xFF, 0xD8]));
    }
}
