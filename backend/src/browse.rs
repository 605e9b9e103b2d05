//! Reading a bucket the way people pick prefixes and find results, on any [`Storage`]: one
//! level (folders with the PDFs and JPEGs under each, the PDFs at the level), and every
//! JPEG under an upload prefix with a presigned URL. The API's `GET /prefixes` serves the
//! first; the desktop calls both directly on S3 with a Cognito identity pool's
//! credentials (results from a backend that isn't ours).

use crate::contract::{ConvertedPage, Folder, PdfObject, Prefixes};
use crate::storage::{Storage, StorageError};

/// Folders listed per page, and objects counted per folder.
const PAGE: u32 = 1000;
const COUNTED_PER_FOLDER: u32 = 1000;
/// The most JPEGs [`jpegs`] lists under one prefix.
pub const MAX_RESULTS: usize = 10_000;

/// One level of `bucket` below `prefix` (a page of it, from `continuation`).
pub async fn level(
    storage: &Storage,
    bucket: &str,
    prefix: &str,
    continuation: Option<&str>,
) -> Result<Prefixes, StorageError> {
    let listing = storage
        .list(bucket, prefix, true, continuation, PAGE)
        .await?;
    let mut answer = Prefixes {
        bucket: bucket.to_owned(),
        prefix: prefix.to_owned(),
        next: listing.next,
        ..Prefixes::default()
    };
    for object in listing.objects {
        if is_pdf(&object.key) {
            answer.pdfs.push(PdfObject {
                key: object.key,
                bytes: object.bytes,
                last_modified: object.last_modified,
            });
        } else {
            answer.other_objects += 1;
        }
    }
    for folder in listing.folders {
        let mut counted = Folder {
            prefix: folder.clone(),
            ..Folder::default()
        };
        match storage
            .list(bucket, &folder, false, None, COUNTED_PER_FOLDER)
            .await
        {
            Ok(inside) => {
                counted.counted_partly = inside.next.is_some();
                for object in inside.objects {
                    if is_pdf(&object.key) {
                        counted.pdfs += 1;
                        counted.bytes += object.bytes;
                    } else if is_jpeg(&object.key) {
                        counted.jpegs += 1;
                    }
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, folder, "cannot count a folder");
                counted.counted_partly = true;
            }
        }
        answer.folders.push(counted);
    }
    Ok(answer)
}

/// Every JPEG under `prefix` (at most [`MAX_RESULTS`]) modified at or after `since`
/// (RFC 3339; `None`: all), in key order, each with a presigned GET URL valid for
/// `ttl_seconds`. The page number is read from our `-pN.jpg` names when present.
pub async fn jpegs(
    storage: &Storage,
    bucket: &str,
    prefix: &str,
    since: Option<&str>,
    ttl_seconds: u64,
) -> Result<Vec<ConvertedPage>, StorageError> {
    let since = since.and_then(|s| s.parse::<jiff::Timestamp>().ok());
    let mut pages = Vec::new();
    let mut continuation: Option<String> = None;
    loop {
        let listing = storage
            .list(bucket, prefix, false, continuation.as_deref(), PAGE)
            .await?;
        for object in listing.objects {
            if !is_jpeg(&object.key) || pages.len() >= MAX_RESULTS {
                continue;
            }
            let modified = object
                .last_modified
                .as_deref()
                .and_then(|m| m.parse::<jiff::Timestamp>().ok());
            if let (Some(since), Some(modified)) = (since, modified)
                && modified < since
            {
                continue;
            }
            pages.push(ConvertedPage {
                source_key: String::new(),
                page: page_number(&object.key),
                url: storage.presign_get(bucket, &object.key, ttl_seconds).ok(),
                key: object.key,
                width: None,
                height: None,
                bytes: Some(object.bytes),
            });
        }
        match listing.next {
            Some(next) if pages.len() < MAX_RESULTS => continuation = Some(next),
            _ => return Ok(pages),
        }
    }
}

/// `…-p3.jpg` → 3.
fn page_number(key: &str) -> Option<u32> {
    let stem = key.rsplit_once('.')?.0;
    stem.rsplit_once("-p")?.1.parse().ok()
}

fn extension(key: &str) -> Option<&str> {
    key.rsplit_once('.').map(|(_, extension)| extension)
}

pub fn is_pdf(key: &str) -> bool {
    extension(key).is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

pub fn is_jpeg(key: &str) -> bool {
    extension(key).is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_come_from_our_names() {
        assert_eq!(page_number("r6/jpeg/a-p3.jpg"), Some(3));
        assert_eq!(page_number("r6/jpeg/scan.jpg"), None);
        assert!(is_pdf("a.PDF") && !is_pdf("pdf"));
        assert!(is_jpeg("x.JPEG") && is_jpeg("y.jpg") && !is_jpeg("z.png"));
    }
}
