//! PDF→JPEG pages per second at 150 dpi, quality 85: our pipeline (hayro + libjpeg-turbo)
//! against `pdftoppm -r 150 -jpeg -jpegopt quality=85` (poppler-utils) on the same PDFs,
//! in the same run: single-threaded (time per page), and on all cores (ours: a thread
//! per core taking pages; pdftoppm: one process per core taking PDFs). Prints both
//! figures and the ratios. The demo PDFs, or `RECEIPT_DESK_BENCH_INPUT=DIR`'s.
//!
//! `cargo bench --bench convert` measures; under `cargo test` it runs one quick round
//! that only checks every page renders.
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backend::ConvertSettings;
use backend::render::render_page;

fn demo_pdfs() -> Vec<PathBuf> {
    let dir = std::env::var_os("RECEIPT_DESK_BENCH_INPUT").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo"),
        PathBuf::from,
    );
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("broken"))
        })
        .collect();
    pdfs.sort();
    pdfs
}

fn page_count(bytes: &Arc<Vec<u8>>) -> usize {
    hayro::hayro_syntax::Pdf::new(Arc::clone(bytes))
        .expect("a readable demo PDF")
        .pages()
        .len()
}

/// Renders every page of every PDF once; returns the page count.
fn ours(inputs: &[Arc<Vec<u8>>], settings: &ConvertSettings) -> usize {
    let mut pages = 0;
    for bytes in inputs {
        for index in 0..page_count(bytes) {
            let backend::render::Jpeg {
                bytes: jpeg,
                width,
                height,
            } = render_page(bytes, index, settings).expect("renders");
            assert!(jpeg.len() > 1000 && width > 0 && height > 0);
            pages += 1;
        }
    }
    pages
}

/// Runs pdftoppm on every PDF once; `None` when it is not installed.
fn pdftoppm(pdfs: &[PathBuf], out: &Path) -> Option<()> {
    for (i, pdf) in pdfs.iter().enumerate() {
        let status = Command::new("pdftoppm")
            .args(["-r", "150", "-jpeg", "-jpegopt", "quality=85"])
            .arg(pdf)
            .arg(out.join(format!("p{i}")))
            .status()
            .ok()?;
        assert!(status.success(), "pdftoppm failed on {}", pdf.display());
    }
    Some(())
}

/// Every page of every PDF on all cores: a thread per core takes the next page.
fn ours_parallel(inputs: &[Arc<Vec<u8>>], settings: &ConvertSettings, threads: usize) -> usize {
    let work: Vec<(usize, usize)> = inputs
        .iter()
        .enumerate()
        .flat_map(|(pdf, bytes)| (0..page_count(bytes)).map(move |page| (pdf, page)))
        .collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(pdf, page)) = work.get(at) else {
                        break;
                    };
                    render_page(&inputs[pdf], page, settings).expect("renders");
                }
            });
        }
    });
    work.len()
}

/// pdftoppm on all cores: one process per core, each taking the next PDF.
fn pdftoppm_parallel(pdfs: &[PathBuf], out: &Path, processes: usize) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..processes {
            scope.spawn(|| {
                loop {
                    let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(pdf) = pdfs.get(at) else {
                        break;
                    };
                    let status = Command::new("pdftoppm")
                        .args(["-r", "150", "-jpeg", "-jpegopt", "quality=85"])
                        .arg(pdf)
                        .arg(out.join(format!("q{at}")))
                        .status()
                        .expect("pdftoppm");
                    assert!(status.success());
                }
            });
        }
    });
}

/// CPU time this thread has run, from the scheduler's nanosecond count; `None` off Linux.
fn own_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(
        stat.split_whitespace().next()?.parse().ok()?,
    ))
}

/// CPU time (user + system) of the finished child processes waited for so far, from
/// `/proc/self/stat` in clock ticks (Linux's `USER_HZ` is 100 on every architecture).
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name's closing parenthesis; cutime and cstime are the
    // 16th and 17th of the line, so the 14th and 15th here.
    let after = &stat[stat.rfind(')')? + 2..];
    let mut fields = after.split_whitespace().skip(13);
    let ticks: u64 = fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn per_page(total: Duration, pages: usize) -> f64 {
    total.as_secs_f64() * 1000.0 / pages as f64
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let rounds = if measuring { 9 } else { 1 };
    let pdfs = demo_pdfs();
    let inputs: Vec<Arc<Vec<u8>>> = pdfs
        .iter()
        .map(|p| Arc::new(std::fs::read(p).expect("read")))
        .collect();
    let settings = ConvertSettings::default();
    let pages_per_round: usize = inputs.iter().map(page_count).sum();

    // Warm-up (font caches, page faults), then the measured rounds, ours and pdftoppm's
    // taking turns, so a noisy neighbour on a shared machine slows both alike; each side's
    // figure is the median round.
    ours(&inputs, &settings);
    let out = tempfile::tempdir().expect("tempdir");
    let installed = pdftoppm(&pdfs, out.path()).is_some();
    let mut ours_rounds = Vec::new();
    let mut their_rounds = Vec::new();
    // CPU time besides wall time: a neighbour taking the core for a while shows in the
    // wall time of whichever side was running, not in its CPU time.
    let (mut ours_cpu, mut their_cpu) = (Some(Duration::ZERO), Some(Duration::ZERO));
    for _ in 0..rounds {
        let (started, cpu) = (Instant::now(), own_cpu());
        assert_eq!(ours(&inputs, &settings), pages_per_round);
        ours_rounds.push(started.elapsed());
        ours_cpu = ours_cpu
            .zip(cpu.zip(own_cpu()))
            .map(|(sum, (a, b))| sum + b.saturating_sub(a));
        if installed {
            let (started, cpu) = (Instant::now(), children_cpu());
            pdftoppm(&pdfs, out.path());
            their_rounds.push(started.elapsed());
            their_cpu = their_cpu
                .zip(cpu.zip(children_cpu()))
                .map(|(sum, (a, b))| sum + b.saturating_sub(a));
        }
    }
    let median = |rounds: &mut Vec<Duration>| {
        rounds.sort();
        rounds[rounds.len() / 2]
    };
    let pages = pages_per_round;
    let ours_time = median(&mut ours_rounds);
    let reference = installed.then(|| median(&mut their_rounds));

    println!(
        "PDF→JPEG at 150 dpi, q85, single thread: {} PDFs, {pages_per_round} pages, median of {rounds} alternating rounds{}",
        pdfs.len(),
        if measuring {
            ""
        } else {
            " (quick check under cargo test; use cargo bench)"
        }
    );
    println!(
        "  receipt-desk (hayro + libjpeg-turbo): {:7.1} ms/page  {:6.1} pages/s",
        per_page(ours_time, pages),
        pages as f64 / ours_time.as_secs_f64()
    );
    match reference {
        Some(time) => {
            println!(
                "  pdftoppm -r 150 -jpeg (poppler):     {:7.1} ms/page  {:6.1} pages/s",
                per_page(time, pages),
                pages as f64 / time.as_secs_f64()
            );
            println!(
                "  ratio: {:.2} × pdftoppm's time per page (target ≤ 0.50)",
                ours_time.as_secs_f64() / time.as_secs_f64()
            );
            if let (Some(ours_cpu), Some(their_cpu)) = (ours_cpu, their_cpu) {
                let all = pages * rounds;
                println!(
                    "  CPU time per page over all {rounds} rounds: receipt-desk {:.1} ms, pdftoppm {:.1} ms, ratio {:.2}",
                    per_page(ours_cpu, all),
                    per_page(their_cpu, all),
                    ours_cpu.as_secs_f64() / their_cpu.as_secs_f64()
                );
            }
            // All cores: the same pages many times over, so each core stays busy.
            let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
            let many: Vec<Arc<Vec<u8>>> = (0..rounds.max(2) * 2)
                .flat_map(|_| inputs.iter().cloned())
                .collect();
            let many_pdfs: Vec<PathBuf> = (0..rounds.max(2) * 2)
                .flat_map(|_| pdfs.iter().cloned())
                .collect();
            let started = Instant::now();
            let pages = ours_parallel(&many, &settings, cores);
            let ours_rate = pages as f64 / started.elapsed().as_secs_f64();
            let started = Instant::now();
            pdftoppm_parallel(&many_pdfs, out.path(), cores);
            let theirs_rate = pages as f64 / started.elapsed().as_secs_f64();
            println!("PDF→JPEG on all {cores} cores, {pages} pages:");
            println!("  receipt-desk ({cores} threads):            {ours_rate:6.1} pages/s");
            println!("  pdftoppm ({cores} processes in parallel):  {theirs_rate:6.1} pages/s");
            println!(
                "  ratio: {:.2} × pdftoppm's pages/s (target ≥ 1.50)",
                ours_rate / theirs_rate
            );
        }
        None if measuring => panic!("pdftoppm is not installed (apt-get install poppler-utils)"),
        None => println!("  pdftoppm not installed: no ratio in this quick check"),
    }
}
