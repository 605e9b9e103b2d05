//! `GET {stage}/prefixes?bucket=B&prefix=P[&continuation=T]`: one level of a bucket — the
//! folders below `prefix` with the PDFs and JPEGs under each, and the PDFs at this level —
//! so a person can pick `pdf_prefix` and `upload_prefix` instead of typing them.

use super::{Answer, Backend, Caller};
use crate::contract::{Folder, PdfObject, Prefixes};
use crate::files;
use crate::storage::StorageError;

/// Folders listed per page, and objects counted per folder.
const PAGE: u32 = 1000;
const COUNTED_PER_FOLDER: u32 = 1000;

impl Backend {
    /// `query` is the request's query string (`bucket=…&prefix=…`).
    pub async fn prefixes(&self, _caller: &Caller, query: &str) -> Answer {
        let mut bucket = None;
        let mut prefix = String::new();
        let mut continuation = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                "bucket" => bucket = Some(value.into_owned()),
                "prefix" => prefix = value.into_owned(),
                "continuation" => continuation = Some(value.into_owned()),
                _ => {}
            }
        }
        let Some(bucket) = bucket else {
            return Answer::error(400, "bucket is missing");
        };
        if let Err(e) = files::check_bucket(&bucket) {
            return Answer::error(400, format!("bucket: {e}"));
        }
        if let Err(e) = files::check_prefix(&prefix) {
            return Answer::error(400, format!("prefix: {e}"));
        }
        if let Some(refused) = self.refuse_bucket(&bucket) {
            return refused;
        }
        let listing = match self
            .storage
            .list(&bucket, &prefix, true, continuation.as_deref(), PAGE)
            .await
        {
            Ok(listing) => listing,
            Err(e @ StorageError::NoSuchBucket(_)) => return Answer::error(404, e),
            Err(e @ StorageError::Denied(_)) => return Answer::error(403, e),
            Err(e) => return Answer::error(502, e),
        };
        let mut answer = Prefixes {
            bucket: bucket.clone(),
            prefix: prefix.clone(),
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
            match self
                .storage
                .list(&bucket, &folder, false, None, COUNTED_PER_FOLDER)
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
        Answer::ok(answer)
    }
}

fn extension(key: &str) -> Option<&str> {
    key.rsplit_once('.').map(|(_, extension)| extension)
}

pub(super) fn is_pdf(key: &str) -> bool {
    extension(key).is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

fn is_jpeg(key: &str) -> bool {
    extension(key).is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"))
}
