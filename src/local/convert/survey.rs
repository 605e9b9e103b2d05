//! The survey before a job starts: the PDFs under the prefix and their page counts,
//! with files that are not PDFs, encrypted, damaged or empty as failures.

use std::path::Path;
use std::sync::Arc;

use super::request::ConvertRequest;
use super::results::{Failed, PageError, reason};
use crate::local::files;

/// A PDF ready to render: its key, bytes and page count.
pub(super) struct Source {
    pub(super) key: String,
    pub(super) bytes: Arc<Vec<u8>>,
    pub(super) pages: usize,
}

/// Finds the PDFs under the prefix and counts their pages; broken ones come back as
/// failures. Blocking: call on a blocking thread.
pub(super) fn survey(
    root: &Path,
    request: &ConvertRequest,
) -> std::io::Result<(Vec<Source>, Vec<Failed>)> {
    let mut sources = Vec::new();
    let mut failed = Vec::new();
    for (key, path) in files::list(root, &request.bucket, &request.pdf_prefix)? {
        if !key.to_ascii_lowercase().ends_with(".pdf") {
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                failed.push(Failed {
                    source_key: key,
                    error: format!("cannot read the file: {e}"),
                    reason: reason::UNREADABLE,
                });
                continue;
            }
        };
        match count_pages(&bytes) {
            Ok(0) => failed.push(Failed {
                source_key: key,
                error: "the PDF has no pages".to_owned(),
                reason: reason::NO_PAGES,
            }),
            Ok(pages) => sources.push(Source {
                key,
                bytes: Arc::new(bytes),
                pages,
            }),
            Err(e) => failed.push(Failed {
                source_key: key,
                error: e.error,
                reason: e.reason,
            }),
        }
    }
    Ok((sources, failed))
}

fn count_pages(bytes: &[u8]) -> Result<usize, PageError> {
    if !bytes.starts_with(b"%PDF-") && !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(PageError::new(
            reason::NOT_PDF,
            "not a PDF (no %PDF- header)",
        ));
    }
    let pdf = hayro::hayro_syntax::Pdf::new(bytes.to_vec()).map_err(|e| match e {
        hayro::hayro_syntax::LoadPdfError::Decryption(_) => PageError::new(
            reason::ENCRYPTED_PDF,
            "the PDF is encrypted or password-protected",
        ),
        hayro::hayro_syntax::LoadPdfError::Invalid => {
            PageError::new(reason::DAMAGED_PDF, "the PDF is damaged and cannot be read")
        }
    })?;
    Ok(pdf.pages().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_pdfs_and_broken_pdfs_are_told_apart() {
        let not_pdf = count_pages(b"hello").expect_err("not pdf");
        assert!(not_pdf.error.contains("not a PDF"));
        assert_eq!(not_pdf.reason, reason::NOT_PDF);
        let broken = count_pages(b"%PDF-1.7\n1 0 obj garbage").expect_err("broken");
        assert!(broken.error.contains("damaged"));
        assert_eq!(broken.reason, reason::DAMAGED_PDF);
    }
}
