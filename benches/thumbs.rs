//! Thumbnail time per image: our pipeline (libjpeg-turbo's DCT-domain downscale, a small
//! resize, and the JPEG the disk cache keeps) against `vipsthumbnail -s 256`
//! (libvips-tools, shrink-on-load), single-threaded, on the same 2480×3508 q85 JPEGs, in
//! the same run. Two built-in sets of 25, made here from the demo's A4 receipt pages at
//! 300 dpi: clean rendered pages, and the same pages as a scanner gives them (paper tint,
//! sensor noise, a slight rotation, q85 4:2:0), which cost more to decode.
//! `RECEIPT_DESK_BENCH_INPUT=DIR` measures the JPEGs in DIR instead (your own receipts).
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

/// The clean pages, and the same as scans.
struct Sets {
    clean: Vec<PathBuf>,
    scans: Vec<PathBuf>,
}

/// A rendered page as a scanner gives it: the paper's tint, sensor noise, turned by
/// 0.7°, encoded at q85 with 4:2:0 chroma.
fn scanned(jpeg: &[u8], seed: u32) -> Vec<u8> {
    let page = image::load_from_memory(jpeg).expect("decodes").to_rgb8();
    let (w, h) = page.dimensions();
    let (sin, cos) = (0.7_f32.to_radians().sin(), 0.7_f32.to_radians().cos());
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 17) as f32 - 8.0
    };
    let mut out = vec![0_u8; (w * h * 3) as usize];
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let sx = (cos * dx + sin * dy + cx).round();
            let sy = (-sin * dx + cos * dy + cy).round();
            let source = if sx >= 0.0 && sy >= 0.0 && (sx as u32) < w && (sy as u32) < h {
                page.get_pixel(sx as u32, sy as u32).0
            } else {
                [250, 250, 250]
            };
            let n = noise();
            let at = ((y * w + x) * 3) as usize;
            for (c, tint) in [246.0_f32, 240.0, 226.0].iter().enumerate() {
                let v = f32::from(source[c]) * tint / 255.0 + n;
                out[at + c] = v.clamp(0.0, 255.0) as u8;
            }
        }
    }
    let mut jpeg_out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg_out, 85);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    encoder
        .encode(&out, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encode");
    jpeg_out
}

/// Renders the demo's A4 pages at 300 dpi, q85, and writes `count` files of each set,
/// cycling the pages.
fn make_inputs(dir: &Path, count: usize) -> Sets {
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
    let scans: Vec<Vec<u8>> = pages
        .iter()
        .enumerate()
        .map(|(i, page)| scanned(page, i as u32 + 1))
        .collect();
    let write = |prefix: &str, set: &[Vec<u8>]| -> Vec<PathBuf> {
        (0..count)
            .map(|i| {
                let path = dir.join(format!("{prefix}-{i:03}.jpg"));
                std::fs::write(&path, &set[i % set.len()]).expect("write");
                path
            })
            .collect()
    };
    Sets {
        clean: write("receipt", &pages),
        scans: write("scan", &scans),
    }
}

/// The JPEGs in `RECEIPT_DESK_BENCH_INPUT`, when it names a folder.
fn given_inputs() -> Option<(PathBuf, Vec<PathBuf>)> {
    let dir = PathBuf::from(std::env::var_os("RECEIPT_DESK_BENCH_INPUT")?);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("RECEIPT_DESK_BENCH_INPUT={}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("jpg") || x.eq_ignore_ascii_case("jpeg"))
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no .jpg in {}", dir.display());
    Some((dir, files))
}

/// Our pipeline on every file, one thread: read, decode downscaled, resize, encode the
/// cache's JPEG. Returns the thumbnails' sizes.
fn ours(files: &[PathBuf]) -> Vec<(u32, u32)> {
    files
        .iter()
        .map(|file| {
            let bytes = std::fs::read(file).expect("read");
            let thumb = decode_fit(&bytes, SIDE, SIDE).expect("decode");
            let jpeg = receipt_desk::thumbs::cache::encode_jpeg(&thumb).expect("encode");
            assert!(!jpeg.is_empty());
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
    let (count, rounds) = if measuring { (25, 3) } else { (2, 1) };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("vips");
    std::fs::create_dir_all(&out).expect("out");
    let label = if measuring {
        ""
    } else {
        " (debug build, smoke check only)"
    };
    let sets: Vec<(String, Vec<PathBuf>)> = if let Some((given, files)) = given_inputs() {
        vec![(
            format!("{} JPEGs from {}", files.len(), given.display()),
            files,
        )]
    } else {
        let Sets { clean, scans } = make_inputs(dir.path(), count);
        vec![
            (format!("{count} clean rendered 2480×3508 q85 pages"), clean),
            (
                format!("{count} scan-like 2480×3508 q85 4:2:0 pages (tint, noise, 0.7°)"),
                scans,
            ),
        ]
    };
    println!("thumbnails to {SIDE} px, single thread{label}:");
    for (name, files) in sets {
        measure(&name, &files, &out, rounds);
    }
}

/// Both pipelines on `files`, best of `rounds`; prints the figures and the ratio.
fn measure(name: &str, files: &[PathBuf], out: &Path, rounds: usize) {
    let mut best_ours = Duration::MAX;
    let mut best_vips: Option<Duration> = None;
    let mut sizes = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        sizes = ours(files);
        best_ours = best_ours.min(start.elapsed());
        let start = Instant::now();
        if vips(files, out).is_some() {
            let took = start.elapsed();
            best_vips = Some(best_vips.map_or(took, |b| b.min(took)));
        }
    }
    assert!(sizes.iter().all(|&(w, h)| w.max(h) <= SIDE), "{sizes:?}");
    let ours_ms = per_image(best_ours, files.len());
    println!("  {name}:");
    println!(
        "    receipt-desk (libjpeg-turbo DCT scale + resize + cache JPEG): {ours_ms:.1} ms/image"
    );
    match best_vips {
        Some(vips) => {
            let vips_ms = per_image(vips, files.len());
            let first = files[0]
                .file_stem()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            if let Ok(reference) = image::open(out.join(format!("{first}.jpg"))) {
                let theirs = (reference.width(), reference.height());
                assert_eq!(theirs, sizes[0], "same thumbnail size as vipsthumbnail");
            }
            println!(
                "    vipsthumbnail -s {SIDE} (VIPS_CONCURRENCY=1):                 {vips_ms:.1} ms/image"
            );
            println!(
                "    ratio (ours / vipsthumbnail): {:.2} (target ≤ 0.60)",
                ours_ms / vips_ms
            );
        }
        None => {
            println!(
                "    vipsthumbnail is not installed (apt-get install libvips-tools): no ratio"
            );
        }
    }
}
