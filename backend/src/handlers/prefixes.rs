//! `GET {stage}/prefixes?bucket=B&prefix=P[&continuation=T]`: one level of a bucket — the
//! folders below `prefix` with the PDFs and JPEGs under each, and the PDFs at this level —
//! so a person can pick `pdf_prefix` and `upload_prefix` instead of typing them.

use super::{Answer, Backend, Caller};
use crate::files;
use crate::storage::StorageError;

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
        match crate::browse::level(&self.storage, &bucket, &prefix, continuation.as_deref()).await {
            Ok(level) => Answer::ok(level),
            Err(e @ StorageError::NoSuchBucket(_)) => Answer::error(404, e),
            Err(e @ StorageError::Denied(_)) => Answer::error(403, e),
            Err(e) => Answer::error(502, e),
        }
    }
}

pub(super) use crate::browse::is_pdf;
