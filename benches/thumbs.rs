//! Thumbnail time per image: our pipeline (jpeg-decoder's DCT-domain downscale, a small
//! resize, and the JPEG the disk cache keeps) against `vipsthumbnail -s 256`
//! (libvips-tools, shrink-on-load), single-threaded, on the same 50 realistic
//! 2480×3508 q85 JPEGs, in the same run. The JPEGs are rendered here from the demo's A4
//! receipt pages at 300 dpi (text and a scanned receipt, not flat colour).
//!
//! `cargo bench --bench thumbs` measures; under `cargo test` one quick round on a few
//! images checks the pipeline and the reference agree on the output size.
#![expect(clippy::print_stdout, reason = "a benchmark prints its figures")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backend::ConvertSettings;
use backend::render::render_page;
use receipt_desk::thumbs::decode_fit;

const SIDE: u32 = 256;

/// Renders the demo's A4 pages at 300 dpi, q85, and writes `count` files cycling them.
fn make_inputs(dir: &Path, count: usize) -> Vec<PathBuf> {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo");
    let settings = ConvertSettings {
        dpi: 300.0,
        quality: 85,
        ..ConvertSettings::default()
    };
    let mut pages = Vec::new();
    for name in ["2024-06-hotel-3pages.pdf", "2024-07-cafe-scan.pdf"] {
        let bytes = Arc::new(std::fs::read(demo.join(name)).expect("demo PDF"));
        let count = hayro::hayro_syntax::Pdf::new(Arc::clone(&bytes))
            .expect("readable")
            .pages()
            .len();
        for index in 0..count {
            let backend::render::Jpeg {
                bytes: jpeg,
                width,
                height,
            } = render_page(&bytes, index, &settings).expect("renders");
            // A4 at 300 dpi (841.89 pt rounds to 3507 or 3508 rows).
            assert!(
                width == 2480 && (3507..=3508).contains(&height),
                "{width}×{height}"
            );
            pages.push(jpeg);
        }
    }
    (0..count)
        .map(|i| {
            let path = dir.join(format!("receipt-{i:03}.jpg"));
            std::fs::write(&path, &pages[i % pages.len()]).expect("write");
            path
        })
        .collect()
}

/// Our pipeline on every file, one thread: read, decode downscaled, resize, encode the
/// cache's JPEG. Returns the thumbnails' sizes.
fn ours(files: &[PathBuf]) -> Vec<(u32, u32)> {
    files
        .iter()
        .map(|file| {
            let bytes = std::fs::read(file).expect("read");
            let thumb = decode_fit(&bytes, SIDE, SIDE).expect("decode");
            let mut jpeg = Vec::new();
            jpeg_encoder::Encoder::new(&mut jpeg, 90)
                .encode(
                    &thumb.rgba,
                    thumb.width as u16,
                    thumb.height as u16,
                    jpeg_encoder::ColorType::Rgba,
                )
                .expect("encode");
            (thumb.width, thumb.height)
        })
        .collect()
}

/// vipsthumbnail on every file in one process, one thread; `None` when not installed.
fn vips(files: &[PathBuf], out: &Path) -> Option<()> {
    let status = Command::new("vipsthumbnail")
        .env("VIPS_CONCURRENCY", "1")
        .arg("-s")
        .arg(SIDE.to_string())
        .arg("-o")
        .arg(format!("{}/%s.jpg[Q=90]", out.display()))
        .args(files)
        .status()
        .ok()?;
    assert!(status.success(), "vipsthumbnail failed");
    Some(())
}

fn per_image(total: Duration, images: usize) -> f64 {
    total.as_secs_f64() * 1000.0 / images as f64
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let (count, rounds) = if measuring { (50, 3) } else { (3, 1) };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("vips");
    std::fs::create_dir_all(&out).expect("out");
    let files = make_inputs(dir.path(), count);

    let mut best_ours = Duration::MAX;
    let mut best_vips: Option<Duration> = None;
    let mut sizes = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        sizes = ours(&files);
        best_ours = best_ours.min(start.elapsed());
        let start = Instant::now();
        if vips(&files, &out).is_some() {
            let took = start.elapsed();
            best_vips = Some(best_vips.map_or(took, |b| b.min(took)));
        }
    }
    assert!(sizes.iter().all(|&(w, h)| w.max(h) == SIDE), "{sizes:?}");
    let ours_ms = per_image(best_ours, count);
    let label = if measuring {
        ""
    } else {
        " (debug build, smoke check only)"
    };
    println!("thumbnails of {count} × 2480×3508 q85 JPEGs to {SIDE} px, single thread{label}:");
    println!(
        "  receipt-desk (jpeg-decoder DCT scale + resize + cache JPEG): {ours_ms:.1} ms/image"
    );
    match best_vips {
        Some(vips) => {
            let vips_ms = per_image(vips, count);
            if let Ok(reference) = image::open(out.join("receipt-000.jpg")) {
                let theirs = (reference.width(), reference.height());
                assert_eq!(theirs, sizes[0], "same thumbnail size as vipsthumbnail");
            }
            println!(
                "  vipsthumbnail -s {SIDE} (VIPS_CONCURRENCY=1):                 {vips_ms:.1} ms/image"
            );
            println!(
                "  ratio (ours / vipsthumbnail): {:.2} (target ≤ 1.00)",
                ours_ms / vips_ms
            );
        }
        None => {
            println!("  vipsthumbnail is not installed (apt-get install libvips-tools): no ratio");
        }
    }
}
