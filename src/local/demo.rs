//! The demo receipts a new user converts first: put into a `demo` bucket under the
//! seed's prefix the first time the stack starts with a data folder.

use std::path::Path;

/// The bucket and prefix the demo profile uses (the seed's layout, Reiwa 6).
pub const BUCKET: &str = "demo";
pub const PDF_PREFIX: &str = "api/receipts/r6/pdf/";
pub const UPLOAD_PREFIX: &str = "api/receipts/r6/jpeg/";

/// Receipt PDFs with Japanese text (IPA Gothic embedded), a three-page invoice, a
/// scanned receipt, and one cut-off upload that must land in `failed`.
const FILES: &[(&str, &[u8])] = &[
    (
        "2024-05-konbini.pdf",
        include_bytes!("../../assets/demo/2024-05-konbini.pdf"),
    ),
    (
        "2024-06-文具.pdf",
        include_bytes!("../../assets/demo/2024-06-文具.pdf"),
    ),
    (
        "2024-06-taxi.pdf",
        include_bytes!("../../assets/demo/2024-06-taxi.pdf"),
    ),
    (
        "2024-06-hotel-3pages.pdf",
        include_bytes!("../../assets/demo/2024-06-hotel-3pages.pdf"),
    ),
    (
        "2024-07-cafe-scan.pdf",
        include_bytes!("../../assets/demo/2024-07-cafe-scan.pdf"),
    ),
    (
        "broken-upload.pdf",
        include_bytes!("../../assets/demo/broken-upload.pdf"),
    ),
];

/// How many pages the readable demo PDFs have in all.
pub const PAGES: usize = 7;

/// Creates the demo bucket with its PDFs, unless it exists (then it is the user's).
pub fn install(buckets: &Path) -> std::io::Result<()> {
    let bucket = buckets.join(BUCKET);
    if bucket.exists() {
        return Ok(());
    }
    let folder = PDF_PREFIX
        .split('/')
        .filter(|s| !s.is_empty())
        .fold(bucket.clone(), |path, segment| path.join(segment));
    std::fs::create_dir_all(&folder)?;
    for (name, bytes) in FILES {
        std::fs::write(folder.join(name), bytes)?;
    }
    Ok(())
}
