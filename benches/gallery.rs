//! 1,000 converted pages into the gallery, headless (`egui_kittest`, no GPU): the time until
//! every thumbnail has been loaded once (scrolling through the grid as a person would),
//! the process's peak RSS while doing so (target ≤ 250 MB), and the UI thread's time per
//! frame while thumbnails load (target: p99 ≤ 8 ms; no frame waits on I/O or decode).
//! `RECEIPT_DESK_BENCH_PAGES=10000` measures 10,000, #18's figure, as `scripts/test` does.
//!
//! The backend is the real local stack in its own process (`receipt-desk serve`), so its
//! work is not counted in our memory. It converts the demo receipts through the API; their
//! pages are then copied under new names in its bucket folder, as if from copies of the
//! PDFs, each with a URL signed as the stack signs its own, up to the page count
//! (converting 10,000 pages would take the stack minutes and measure the converter, not
//! the gallery). Every copy is its own object: downloaded, decoded and cached like any
//! page. Under `cargo test` a quick round
//! with the 7 demo pages checks the loop ends.
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::Key;
use egui_kittest::Harness;
use receipt_desk::api::{ApiClient, ConvertRequest, ConvertResult, ConvertedPage};
use receipt_desk::cognito::{AuthStep, CognitoClient, Timeouts};
use receipt_desk::config::{Config, HeaderStyle, Profile, TokenKind};
use receipt_desk::credentials::Password;
use receipt_desk::i18n::Lang;
use receipt_desk::jobs::{JobFile, JobRecord};
use receipt_desk::local::{demo, idp};
use receipt_desk::secrets::MemoryStore;
use receipt_desk::session::Session;
use receipt_desk::ui::{App, AppOptions, FixedDialogs, Secrets};

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// Copies the demo receipts into `bench/pdf/`; returns their page count.
fn fill_bucket(data: &Path) -> usize {
    let demo_pdfs = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let prefix = data.join("buckets/demo/bench/pdf");
    std::fs::create_dir_all(&prefix).expect("prefix");
    let set = [
        ("2024-05-konbini.pdf", 1),
        ("2024-06-文具.pdf", 1),
        ("2024-06-taxi.pdf", 1),
        ("2024-06-hotel-3pages.pdf", 3),
        ("2024-07-cafe-scan.pdf", 1),
    ];
    for (name, _) in set {
        std::fs::copy(demo_pdfs.join(name), prefix.join(name)).expect("copy");
    }
    set.iter().map(|(_, pages)| pages).sum()
}

/// `result`'s pages copied in the stack's bucket folder until there are `pages` of them,
/// named as the stack names the pages of a copied PDF (`bench/jpeg/0001-NAME-p1.jpg` from
/// `bench/pdf/0001-NAME.pdf`), each with a URL the stack serves.
fn replicate(
    data: &Path,
    url: &reqwest::Url,
    result: ConvertResult,
    pages: usize,
) -> ConvertResult {
    let sign = receipt_desk::local::file_urls(url.clone(), data).expect("the stack's URL key");
    let bucket = data.join("buckets").join(demo::BUCKET);
    let originals = result.converted.clone();
    assert!(!originals.is_empty(), "the demo converted");
    let renamed = |path: &str, copy: usize| match path.rsplit_once('/') {
        Some((folder, name)) => format!("{folder}/{copy:04}-{name}"),
        None => format!("{copy:04}-{path}"),
    };
    let mut converted = result.converted;
    for copy in 1.. {
        for page in &originals {
            if converted.len() >= pages {
                return ConvertResult {
                    converted,
                    ..result
                };
            }
            let key = renamed(&page.key, copy);
            std::fs::copy(bucket.join(&page.key), bucket.join(&key)).expect("copy a page");
            converted.push(ConvertedPage {
                url: Some(sign(demo::BUCKET, &key, 24 * 3600)),
                source_key: renamed(&page.source_key, copy),
                key,
                ..page.clone()
            });
        }
    }
    unreachable!("the loop returns once there are enough pages")
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let wanted = if measuring {
        std::env::var("RECEIPT_DESK_BENCH_PAGES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000)
    } else {
        demo::PAGES
    };
    // The app's own runtime settings.
    let runtime = receipt_desk::runtime().expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let stack_data = dir.path().join("stack");
    std::fs::create_dir_all(&stack_data).expect("stack dir");
    // The stack installs the demo bucket on its first start; then our copies join it.
    let mut server = Command::new(env!("CARGO_BIN_EXE_receipt-desk"))
        .args(["serve", "--port", "0", "--data"])
        .arg(&stack_data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("receipt-desk serve");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let url = lines
        .find_map(|l| {
            l.ok().and_then(|l| {
                l.split_whitespace()
                    .find(|w| w.starts_with("http://"))
                    .map(str::to_owned)
            })
        })
        .expect("the stack's URL");
    let demo_pages = fill_bucket(&stack_data);

    // Convert through the API as the app would, to get real signed URLs.
    let url = reqwest::Url::parse(&url).expect("url");
    let result = runtime.block_on(async {
        let client =
            CognitoClient::new(url.clone(), idp::DEMO_CLIENT_ID, None, Timeouts::default())
                .expect("client");
        let AuthStep::SignedIn(tokens) = client
            .sign_in(idp::DEMO_USERNAME, &Password::new(idp::DEMO_PASSWORD))
            .await
            .expect("sign in")
        else {
            panic!("a challenge for the demo user");
        };
        let session = Session::new(client);
        session.begin(tokens).await;
        let api = ApiClient::new(
            url.join("Prod").expect("api"),
            session,
            TokenKind::Access,
            HeaderStyle::Bearer,
        )
        .expect("api");
        let request = ConvertRequest {
            source_bucket: demo::BUCKET.to_owned(),
            pdf_prefix: "bench/pdf/".to_owned(),
            upload_prefix: "bench/jpeg/".to_owned(),
        };
        let (live, _) = tokio::sync::watch::channel(receipt_desk::jobs::Live::default());
        let (result, _) = receipt_desk::jobs::run(&api, &request, &live)
            .await
            .expect("converted");
        (request, result)
    });
    let (request, result) = result;
    assert_eq!(result.converted.len(), demo_pages);
    let result = replicate(&stack_data, &url, result, wanted.max(demo_pages));
    let pages = result.converted.len();

    // The app's files: one profile (not the embedded demo, so no second stack) and the job.
    let app_dir = dir.path().join("app");
    let mut config = Config::default();
    config.profiles.insert(
        "bench".to_owned(),
        Profile {
            client_id: idp::DEMO_CLIENT_ID.to_owned(),
            cognito_endpoint: Some(url.to_string()),
            ..Profile::default()
        },
    );
    config.save(&app_dir.join("config.toml")).expect("config");
    let mut file = JobFile::default();
    let mut job = JobRecord::new("bench".to_owned(), "bench".to_owned(), request, 0);
    job.finish(Ok((result, receipt_desk::api::Diagnostics::default())), 1);
    file.add(job);
    receipt_desk::fsutil::write_private_atomic(
        &JobFile::path(&app_dir.join("data")),
        &file.to_json(),
    )
    .expect("jobs");

    let options = AppOptions {
        config_path: app_dir.join("config.toml"),
        data_dir: app_dir.join("data"),
        lang: Some(Lang::En),
        theme: None,
        profile: None,
        cache_dir: Some(app_dir.join("cache")),
        local_convert: None,
        secrets: Secrets::Store(Arc::new(MemoryStore::default())),
        dialogs: Arc::new(FixedDialogs {
            open: None,
            save: None,
            folder: None,
        }),
        runtime: runtime.handle().clone(),
    };
    let mut harness = Harness::builder()
        .with_size([1040.0, 720.0])
        .build_eframe(move |cc| App::new(&cc.egui_ctx, options));
    // Only the gallery phase counts towards the peak.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let baseline = peak_rss_kib();

    // The app reads its files off the UI thread: wait for that, then open the Jobs tab
    // (the second tab before signing in).
    runtime.block_on(harness.state().idle());
    harness.step();
    harness.key_combination_modifiers(egui::Modifiers::COMMAND, &[Key::Num2]);
    let start = Instant::now();
    let mut frames = Vec::new();
    let deadline = start + Duration::from_mins(10);
    harness.hover_at(egui::pos2(700.0, 500.0));
    loop {
        let t = Instant::now();
        harness.step();
        frames.push(t.elapsed());
        let app = harness.state();
        let (_, failed, waiting) = app.gallery_state().counts();
        let loaded = app.thumbnailer().downloads() as usize;
        if loaded >= pages && waiting == 0 {
            break;
        }
        assert_eq!(failed, 0, "no thumbnail fails");
        assert!(
            Instant::now() < deadline,
            "the gallery never finished loading"
        );
        // When what is visible is loaded, scroll on, as a person skimming would.
        if waiting == 0 {
            harness.event(egui::Event::MouseWheel {
                unit: egui::MouseWheelUnit::Point,
                delta: egui::vec2(0.0, -400.0),
                modifiers: egui::Modifiers::NONE,
                phase: egui::TouchPhase::Move,
                source: egui::MouseWheelSource::Wheel,
            });
        } else {
            // Let the workers run; the UI thread has nothing to do until a result lands.
            runtime.block_on(async { tokio::time::sleep(Duration::from_millis(2)).await });
        }
    }
    let took = start.elapsed();
    let peak = peak_rss_kib();
    let textures = harness.state().gallery_state().texture_bytes();
    frames.sort();
    let p = |q: f64| frames[((frames.len() - 1) as f64 * q) as usize].as_secs_f64() * 1000.0;
    let label = if measuring {
        ""
    } else {
        " (debug build, smoke check only)"
    };
    println!("gallery: {pages} pages from the local stack, headless{label}:");
    println!(
        "  all thumbnails loaded once in {:.1} s ({:.1} ms/page)",
        took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / pages as f64
    );
    println!(
        "  peak RSS {:.0} MB (target ≤ 250 MB; {:.0} MB before the gallery), textures held {:.0} MB",
        peak as f64 / 1024.0,
        baseline as f64 / 1024.0,
        textures as f64 / 1_048_576.0
    );
    println!(
        "  UI-thread time per frame over {} frames: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target p99 ≤ 8 ms)",
        frames.len(),
        p(0.5),
        p(0.99),
        p(1.0)
    );
    let _ = server.kill();
    let _ = server.wait();
}
