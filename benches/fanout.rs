//! Fan-out: a job of 1,000 one-page PDFs through the backend's queue, with 1 and then 2
//! in-process workers (the local stack's stand-in for SQS-triggered Lambdas): pages/s
//! and the scaling ratio; the handlers' cold start in-process; the Lambda binaries'
//! sizes when `scripts/lambda-build` has made them.
//!
//!   cargo bench --bench fanout        (1,000 pages; under `cargo test`, a 12-page check)

#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backend::jobs::{JobStore, MemoryJobs};
use backend::queue::{InProcessQueue, Queue};
use backend::storage::{FolderStorage, Storage};
use backend::{Backend, Caller, ConvertSettings};

/// The demo's one-page receipts; the job cycles through them.
const ONE_PAGE: [&str; 4] = [
    "2024-05-konbini.pdf",
    "2024-06-taxi.pdf",
    "2024-06-文具.pdf",
    "2024-07-cafe-scan.pdf",
];

fn write_job(root: &Path, pages: usize) {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let dir = root.join("bench/in");
    std::fs::create_dir_all(&dir).expect("bucket folder");
    let pdfs: Vec<Vec<u8>> = ONE_PAGE
        .iter()
        .map(|name| std::fs::read(demo.join(name)).expect("demo PDF"))
        .collect();
    for i in 0..pages {
        std::fs::write(dir.join(format!("{i:04}.pdf")), &pdfs[i % pdfs.len()]).expect("write");
    }
}

/// Runs the whole job with `workers` workers; the time from the request to the last PDF.
fn run(runtime: &tokio::runtime::Runtime, root: &Path, workers: usize, pages: usize) -> Duration {
    let out = root.join("bench/out");
    let _ = std::fs::remove_dir_all(&out);
    runtime.block_on(async {
        let (queue, work) = InProcessQueue::new();
        let backend = Arc::new(Backend::new(
            Storage::Folder(FolderStorage::new(
                root.to_owned(),
                Arc::new(|bucket: &str, key: &str, _| format!("file:///{bucket}/{key}")),
            )),
            JobStore::Memory(MemoryJobs::default()),
            Queue::InProcess(queue),
            ConvertSettings {
                workers,
                inline_max_pdfs: 0,
                ..ConvertSettings::default()
            },
        ));
        let _workers = backend.start_workers(work);
        let caller = Caller {
            sub: "bench".to_owned(),
        };
        let started = Instant::now();
        let accepted = backend
            .convert(
                &caller,
                br#"{"source_bucket":"bench","pdf_prefix":"in/","upload_prefix":"out/"}"#,
                "http://127.0.0.1/Prod",
            )
            .await;
        assert_eq!(accepted.status, 202, "{}", accepted.body);
        let job = accepted.body["job_id"].as_str().expect("job id").to_owned();
        loop {
            let status = backend.job_status(&caller, &job, true).await;
            if status.body["state"] != "running" {
                assert_eq!(status.body["state"], "succeeded", "{}", status.body);
                let converted = status.body["converted"].as_array().map_or(0, Vec::len);
                assert_eq!(converted, pages);
                break;
            }
        }
        started.elapsed()
    })
}

/// The handlers' start as a Lambda makes it: an HTTP client (TLS roots) and the three
/// AWS services behind it.
fn cold_init() -> Duration {
    let started = Instant::now();
    let aws = backend::aws::AwsConfig {
        region: "ap-northeast-1".to_owned(),
        endpoint: None,
        credentials: backend::aws::Credentials {
            access_key_id: "bench".to_owned(),
            secret_access_key: "bench".to_owned(),
            session_token: None,
        },
        http: reqwest::Client::new(),
    };
    let backend = Backend::new(
        Storage::S3(backend::storage::S3Storage::new(aws.clone())),
        JobStore::Dynamo(backend::jobs::DynamoJobs::new(
            aws.clone(),
            "jobs".to_owned(),
        )),
        Queue::Sqs(Box::new(backend::queue::SqsQueue::new(aws, String::new()))),
        ConvertSettings::default(),
    );
    let elapsed = started.elapsed();
    drop(backend);
    elapsed
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let pages = if measuring { 1000 } else { 12 };
    let root = tempfile::tempdir().expect("tempdir");
    write_job(root.path(), pages);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!(
        "fan-out: {pages} one-page PDFs (150 dpi, q85) through the in-process queue, {cores} cores{}",
        if measuring {
            ""
        } else {
            " (quick check under cargo test; use cargo bench)"
        }
    );
    let one = run(&runtime, root.path(), 1, pages);
    let two = run(&runtime, root.path(), 2, pages);
    for (workers, time) in [(1, one), (2, two)] {
        println!(
            "  {workers} worker{}: {:6.2} s  {:6.1} pages/s",
            if workers == 1 { " " } else { "s" },
            time.as_secs_f64(),
            pages as f64 / time.as_secs_f64()
        );
    }
    println!(
        "  scaling 1 → 2 workers: {:.2}× (2.00 is perfect on 2 cores)",
        one.as_secs_f64() / two.as_secs_f64()
    );
    println!(
        "  handlers' cold init in-process (HTTP client + S3, DynamoDB, SQS): {:.1} ms",
        cold_init().as_secs_f64() * 1000.0
    );
    let lambda = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/lambda");
    for bin in ["api", "worker"] {
        match std::fs::metadata(lambda.join(bin).join("bootstrap")) {
            Ok(m) => println!(
                "  Lambda {bin}/bootstrap: {:.1} MB",
                m.len() as f64 / 1_000_000.0
            ),
            Err(_) => println!("  Lambda {bin}/bootstrap: not built here (scripts/lambda-build)"),
        }
    }
}
