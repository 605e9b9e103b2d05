//! The render budget (issue 17): hostile PDFs — drawing nested thirty levels deep, an
//! image that asks for 12.7 GB, 10,000 pages, a 2 GB decompression bomb — each end as a
//! `failed` entry with its reason beside demo PDFs that still convert, while the process
//! doing the work stays small (renders run in `receipt-desk`'s render processes, which
//! are gone afterwards); and `serve` stops on Ctrl+C in the middle of such a render.
//! No timing is asserted: the budgets are short so the tests are quick.

mod hostile;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use backend::contract::{ConvertResult, FailedPdf, JobStatus, reason};
use backend::jobs::{JobStore, MemoryJobs};
use backend::queue::{InProcessQueue, Queue};
use backend::storage::{FolderStorage, Storage};
use backend::{Backend, Caller, ConvertSettings};

use crate::support;

/// The real executable: the render processes are children of it.
const BINARY: &str = env!("CARGO_BIN_EXE_receipt-desk");
const BUCKET: &str = "receipts";
/// Peak RSS allowed to the process that converts (issue 17's acceptance).
const MAX_PEAK_RSS_KB: u64 = 512 * 1024;

/// The conversions here take turns, so one's render processes and peak memory are not
/// counted as another's.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Short budgets, the real render executable, every job converted inline.
fn settings() -> ConvertSettings {
    ConvertSettings {
        render_exe: Some(Path::new(BINARY)),
        render_budget_per_pdf: Duration::from_secs(2),
        render_budget_per_page: Duration::from_secs(2),
        async_threshold_pages: 100_000,
        ..ConvertSettings::default()
    }
}

fn demo_pdf(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/demo")
            .join(name),
    )
    .expect("demo PDF")
}

/// The hostile PDFs and two demo receipts (four pages) under `in/`.
fn write_inputs(root: &Path) {
    let dir = root.join(BUCKET).join("in");
    std::fs::create_dir_all(&dir).expect("bucket folder");
    let files: [(&str, Vec<u8>); 6] = [
        ("deep-nesting.pdf", hostile::deep_nesting(30)),
        ("huge-image.pdf", hostile::huge_image(100_000, 127_000)),
        ("many-pages.pdf", hostile::many_pages(10_000)),
        ("bomb.pdf", hostile::decompression_bomb(2_000_000_000)),
        ("hotel.pdf", demo_pdf("2024-06-hotel-3pages.pdf")),
        ("taxi.pdf", demo_pdf("2024-06-taxi.pdf")),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("write PDF");
    }
}

fn backend(root: &Path, settings: ConvertSettings) -> (Arc<Backend>, tokio::task::JoinHandle<()>) {
    let (queue, work) = InProcessQueue::new();
    let backend = Arc::new(Backend::new(
        Storage::Folder(FolderStorage::new(
            root.to_owned(),
            Arc::new(|bucket: &str, key: &str, _| format!("file:///{bucket}/{key}")),
        )),
        JobStore::Memory(MemoryJobs::default()),
        Queue::InProcess(queue),
        settings,
    ));
    let workers = backend.start_workers(work);
    (backend, workers)
}

fn caller() -> Caller {
    Caller {
        sub: "render-budget".to_owned(),
    }
}

const REQUEST: &[u8] = br#"{"source_bucket":"receipts","pdf_prefix":"in/","upload_prefix":"out/"}"#;

/// A 202's job, long-polled until every PDF is done (at most `polls` times).
async fn polled_to_the_end(
    backend: &Backend,
    accepted: &backend::Answer,
    polls: usize,
) -> JobStatus {
    let job = accepted.body["job_id"].as_str().expect("job id").to_owned();
    let mut status = None;
    for _ in 0..polls {
        let answer = backend.job_status(&caller(), &job, true).await;
        let polled: JobStatus = serde_json::from_value(answer.body).expect("status");
        let finished = polled.done == polled.total;
        status = Some(polled);
        if finished {
            break;
        }
    }
    status.expect("polled")
}

/// The failed entry of `key`, which must be the only one for it.
#[track_caller]
fn failure<'a>(failed: &'a [FailedPdf], key: &str) -> &'a FailedPdf {
    let of_key: Vec<&FailedPdf> = failed.iter().filter(|f| f.source_key == key).collect();
    assert_eq!(of_key.len(), 1, "{key}: {failed:#?}");
    of_key[0]
}

/// What the hostile PDFs and the demo receipts must come to, inline or queued.
#[track_caller]
fn assert_budgeted(result: &ConvertResult, root: &Path) {
    let nesting = failure(&result.failed, "in/deep-nesting.pdf");
    assert_eq!(
        nesting.reason.as_deref(),
        Some(reason::RENDER_TIMEOUT),
        "{nesting:?}"
    );
    let image = failure(&result.failed, "in/huge-image.pdf");
    assert_eq!(
        image.reason.as_deref(),
        Some(reason::TOO_LARGE),
        "{image:?}"
    );
    assert!(
        image.error.contains("more memory than allowed"),
        "{image:?}"
    );
    let many = failure(&result.failed, "in/many-pages.pdf");
    assert_eq!(
        many.reason.as_deref(),
        Some(reason::TOO_MANY_PAGES),
        "{many:?}"
    );
    assert!(many.error.contains("10000 pages"), "{many:?}");
    // Whichever budget the bomb exhausts first, time or memory, it is one of the two.
    let bomb = failure(&result.failed, "in/bomb.pdf");
    assert!(
        [Some(reason::RENDER_TIMEOUT), Some(reason::TOO_LARGE)].contains(&bomb.reason.as_deref()),
        "{bomb:?}"
    );
    assert_eq!(result.failed.len(), 4, "{:#?}", result.failed);
    let mut converted: Vec<(String, Option<u32>)> = result
        .converted
        .iter()
        .map(|p| (p.source_key.clone(), p.page))
        .collect();
    converted.sort();
    assert_eq!(
        converted,
        [
            ("in/hotel.pdf".to_owned(), Some(1)),
            ("in/hotel.pdf".to_owned(), Some(2)),
            ("in/hotel.pdf".to_owned(), Some(3)),
            ("in/taxi.pdf".to_owned(), Some(1)),
        ]
    );
    for page in &result.converted {
        let jpeg = std::fs::read(root.join(BUCKET).join(&page.key)).expect("the page is written");
        assert!(jpeg.starts_with(&[0xFF, 0xD8]), "{} is a JPEG", page.key);
    }
}

/// This process's peak resident set, in kB (`VmHWM`).
fn peak_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// Starts the peak over, so what other tests in this binary did before does not count.
fn reset_peak_rss() {
    // "5" resets the peak RSS (Linux 4.0+); if refused, the peak since start is read.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Live render processes whose parent is `parent` (a zombie has no command line).
fn render_processes_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // The parent is the second field after the command name in parentheses.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            ppid == Some(parent)
                && String::from_utf8_lossy(&cmdline).contains(backend::render::COMMAND)
        })
        .collect()
}

/// Seconds of CPU a process has used, from `/proc/{pid}/stat` (clock ticks of 1/100 s).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    // utime and stime are fields 14 and 15, the 12th and 13th after the name.
    let ticks: u64 = fields
        .get(11..13)
        .map_or(0, |t| t.iter().filter_map(|v| v.parse::<u64>().ok()).sum());
    ticks as f64 / 100.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_pdfs_fail_with_their_reason_beside_demo_pdfs_that_convert() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let root = tempfile::tempdir().expect("tempdir");
    write_inputs(root.path());
    let (backend, _workers) = backend(root.path(), settings());
    reset_peak_rss();
    let answer = backend
        .convert(&caller(), REQUEST, "http://127.0.0.1/Prod")
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let result: ConvertResult = serde_json::from_value(answer.body).expect("contract");
    assert_budgeted(&result, root.path());
    let peak = peak_rss_kb();
    assert!(
        peak < MAX_PEAK_RSS_KB,
        "the converting process peaked at {peak} kB"
    );
    assert_eq!(render_processes_of(std::process::id()), Vec::<u32>::new());
}

/// The worker's path (the Lambda's too): the same budget for queued PDFs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_hostile_pdfs_fail_with_their_reason_too() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let root = tempfile::tempdir().expect("tempdir");
    write_inputs(root.path());
    let (backend, _workers) = backend(
        root.path(),
        ConvertSettings {
            inline_max_pdfs: 0,
            workers: 2,
            ..settings()
        },
    );
    reset_peak_rss();
    let answer = backend
        .convert(&caller(), REQUEST, "http://127.0.0.1/Prod")
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    // Each long poll returns when the job moves; six PDFs move it at most six times.
    let status = polled_to_the_end(&backend, &answer, 12).await;
    assert_eq!((status.done, status.total), (6, 6));
    assert_budgeted(&status.results, root.path());
    let peak = peak_rss_kb();
    assert!(
        peak < MAX_PEAK_RSS_KB,
        "the converting process peaked at {peak} kB"
    );
    assert_eq!(render_processes_of(std::process::id()), Vec::<u32>::new());
}

/// The bomb really is one: small, it inflates to a page hayro paints blue.
#[test]
fn the_decompression_bomb_inflates_to_a_real_content_stream() {
    let small = hostile::decompression_bomb(100_000);
    let jpeg = backend::render::render_page(&Arc::new(small), 0, &ConvertSettings::default())
        .expect("renders");
    let image = image::load_from_memory(&jpeg.bytes)
        .expect("decodes")
        .to_rgb8();
    let [r, g, b] = image.get_pixel(image.width() / 2, image.height() / 2).0;
    assert!(b > 200 && r < 60 && g < 60, "the page is blue: {r},{g},{b}");
    // And the 2 GB one is still small.
    assert!(hostile::decompression_bomb(2_000_000_000).len() < 200 * 1024);
}

/// Reads `serve`'s stdout until the line saying it is ready; the stack's URL.
fn ready_url(stdout: std::process::ChildStdout) -> String {
    use std::io::BufRead as _;
    let mut url = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.expect("serve's stdout");
        if let Some(found) = line.strip_prefix("Receipt Desk local stack on ") {
            url = Some(found.trim().to_owned());
        }
        if line.contains("Ctrl+C") {
            break;
        }
    }
    url.expect("serve printed its URL")
}

/// Polls `check` every 50 ms for up to `bound`; whether it came true.
async fn eventually(bound: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + bound;
    loop {
        if check() {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn is_gone(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Gone, or a zombie waiting for whoever inherited it.
    stat.rsplit_once(')')
        .is_none_or(|(_, rest)| rest.trim_start().starts_with('Z'))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_stops_on_ctrl_c_while_a_hostile_pdf_renders() {
    use receipt_desk::cognito::{AuthStep, CognitoClient, Timeouts};
    use receipt_desk::credentials::Password;
    use receipt_desk::local::idp::{DEMO_CLIENT_ID, DEMO_PASSWORD, DEMO_USERNAME};

    let home = tempfile::tempdir().expect("tempdir");
    let data: PathBuf = home.path().join("data");
    let data_arg = data.to_str().expect("utf-8 path").to_owned();
    let mut serve = support::cli::command(
        home.path(),
        &home.path().join("config.toml"),
        &["serve", "--port", "0", "--data", &data_arg],
    )
    .stdin(std::process::Stdio::null())
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::null())
    .spawn()
    .expect("start serve");
    let stdout = serve.stdout.take().expect("stdout");
    let url = tokio::task::spawn_blocking(move || ready_url(stdout))
        .await
        .expect("read stdout");
    let endpoint = reqwest::Url::parse(&url).expect("url");
    let tokens =
        match CognitoClient::new(endpoint.clone(), DEMO_CLIENT_ID, None, Timeouts::default())
            .expect("client")
            .sign_in(DEMO_USERNAME, &Password::new(DEMO_PASSWORD))
            .await
            .expect("demo sign-in")
        {
            AuthStep::SignedIn(tokens) => tokens,
            AuthStep::Challenge(c) => panic!("unexpected challenge {}", c.name),
        };
    let dir = data.join("buckets/demo/hostile/pdf");
    std::fs::create_dir_all(&dir).expect("folder");
    std::fs::write(dir.join("deep-nesting.pdf"), hostile::deep_nesting(30)).expect("write");
    let request = reqwest::Client::new()
        .post(endpoint.join("Prod/convert").expect("url"))
        .bearer_auth(tokens.access.expose())
        .header("Content-Type", "application/json")
        .body(r#"{"source_bucket":"demo","pdf_prefix":"hostile/pdf/","upload_prefix":"hostile/jpeg/"}"#);
    // The answer never comes: serve is stopped first.
    let _pending = tokio::spawn(request.send());
    let pid = serve.id();
    let mut renderer = None;
    let rendering = eventually(Duration::from_secs(10), || {
        renderer = render_processes_of(pid)
            .into_iter()
            .find(|&child| cpu_seconds(child) >= 0.3);
        renderer.is_some()
    })
    .await;
    assert!(rendering, "a render process of serve is busy on the PDF");
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill -INT");
    assert!(interrupted.success());
    let mut status = None;
    let exited = eventually(Duration::from_secs(10), || {
        status = serve.try_wait().expect("try_wait");
        status.is_some()
    })
    .await;
    if !exited {
        let _ = serve.kill();
    }
    assert!(exited, "serve exits after Ctrl+C while rendering");
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    let renderer = renderer.expect("the render process");
    assert!(
        eventually(Duration::from_secs(5), || is_gone(renderer)).await,
        "the render process {renderer} died with serve"
    );
}

/// An inline conversion still running at its deadline is queued instead (API Gateway
/// cuts at 29 s): the answer is a 202 and the job ends with the same outcome.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inline_conversion_past_its_deadline_turns_into_a_job() {
    let _turn = ONE_AT_A_TIME.lock().await;
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join(BUCKET).join("in");
    std::fs::create_dir_all(&dir).expect("bucket folder");
    // Its render runs to the PDF's whole budget (5 s), past the 1 s deadline.
    std::fs::write(dir.join("deep-nesting.pdf"), hostile::deep_nesting(30)).expect("write");
    let (backend, _workers) = backend(
        root.path(),
        ConvertSettings {
            inline_deadline: Duration::from_secs(1),
            render_budget_per_pdf: Duration::from_secs(5),
            render_budget_per_page: Duration::from_secs(5),
            ..settings()
        },
    );
    let answer = backend
        .convert(&caller(), REQUEST, "http://127.0.0.1/Prod")
        .await;
    assert_eq!(answer.status, 202, "{}", answer.body);
    let status = polled_to_the_end(&backend, &answer, 4).await;
    assert_eq!((status.done, status.total), (1, 1));
    let nesting = failure(&status.results.failed, "in/deep-nesting.pdf");
    assert_eq!(nesting.reason.as_deref(), Some(reason::RENDER_TIMEOUT));
}
