//! The `/convert` contract (version 1 and its wave-2 additions): the one definition the
//! app's client, the local stack and the Lambdas share.
//!
//! Readers are lenient (unknown fields are ignored; a page without `url` is legal, as a
//! backend that isn't ours may send none); writers fill every field. See DESIGN.md.

use serde::{Deserialize, Serialize};

use crate::files;

/// `POST {stage}/convert`'s body, as in the seed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertRequest {
    pub source_bucket: String,
    pub pdf_prefix: String,
    pub upload_prefix: String,
}

#[derive(Deserialize)]
struct RequestBody {
    source_bucket: Option<serde_json::Value>,
    pdf_prefix: Option<serde_json::Value>,
    upload_prefix: Option<serde_json::Value>,
}

impl ConvertRequest {
    /// Reads and checks a request body; the error names the field that is wrong.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        let parsed: RequestBody = serde_json::from_slice(body).map_err(|e| {
            format!("The request body must be a JSON object with source_bucket, pdf_prefix and upload_prefix ({e})")
        })?;
        let field = |value: Option<serde_json::Value>, name: &str| match value {
            Some(serde_json::Value::String(s)) => Ok(s),
            Some(_) => Err(format!("{name} must be a string")),
            None => Err(format!("{name} is missing")),
        };
        let request = Self {
            source_bucket: field(parsed.source_bucket, "source_bucket")?,
            pdf_prefix: field(parsed.pdf_prefix, "pdf_prefix")?,
            upload_prefix: field(parsed.upload_prefix, "upload_prefix")?,
        };
        request.check()?;
        Ok(request)
    }

    /// S3's bucket rules and the contract's prefix rules; the error names the field.
    pub fn check(&self) -> Result<(), String> {
        files::check_bucket(&self.source_bucket).map_err(|e| format!("source_bucket: {e}"))?;
        files::check_prefix(&self.pdf_prefix).map_err(|e| format!("pdf_prefix: {e}"))?;
        files::check_prefix(&self.upload_prefix).map_err(|e| format!("upload_prefix: {e}"))?;
        if self.pdf_prefix == self.upload_prefix {
            return Err("upload_prefix must differ from pdf_prefix".to_owned());
        }
        Ok(())
    }

    /// Where page `page` (1-based) of `source_key` goes: `upload_prefix` + the PDF's path
    /// below `pdf_prefix`, without `.pdf`, + `-pN.jpg`. Deterministic, so a PDF delivered
    /// twice overwrites its own pages.
    pub fn output_key(&self, source_key: &str, page: u32) -> String {
        let relative = source_key
            .strip_prefix(&self.pdf_prefix)
            .unwrap_or(source_key)
            .trim_start_matches('/');
        let stem = relative
            .len()
            .checked_sub(4)
            .filter(|&cut| {
                relative.is_char_boundary(cut) && relative[cut..].eq_ignore_ascii_case(".pdf")
            })
            .map_or(relative, |cut| &relative[..cut]);
        let separator = if self.upload_prefix.is_empty() || self.upload_prefix.ends_with('/') {
            ""
        } else {
            "/"
        };
        format!("{}{separator}{stem}-p{page}.jpg", self.upload_prefix)
    }
}

/// One page written as JPEG. An item without `url` is shown without a thumbnail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvertedPage {
    pub source_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

/// A PDF (or a page of one) that could not be converted: `error` is English text for
/// people and logs; `reason` a stable code (see [`reason`]) that clients translate. Older
/// servers send no code; unknown codes fall back to the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedPdf {
    pub source_key: String,
    #[serde(default)]
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl FailedPdf {
    pub fn new(source_key: impl Into<String>, reason: &str, error: impl Into<String>) -> Self {
        Self {
            source_key: source_key.into(),
            error: error.into(),
            reason: Some(reason.to_owned()),
        }
    }
}

/// `200 OK` from `/convert`: what was written and what failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ConvertResult {
    #[serde(default)]
    pub converted: Vec<ConvertedPage>,
    #[serde(default)]
    pub failed: Vec<FailedPdf>,
}

/// `202 Accepted` from `/convert`: follow `status_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accepted {
    pub job_id: String,
    pub status_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Running,
    Succeeded,
    Failed,
}

/// `GET {stage}/jobs/{id}`: `done` of `total` PDFs finished, the pages so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobStatus {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    pub state: JobState,
    #[serde(default)]
    pub done: u64,
    #[serde(default)]
    pub total: u64,
    #[serde(flatten)]
    pub results: ConvertResult,
}

/// Every error answer: `{"message": …}`, as API Gateway's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub message: String,
}

/// `GET {stage}/prefixes?bucket=B&prefix=P[&continuation=T]`: one level of a bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Prefixes {
    pub bucket: String,
    pub prefix: String,
    /// The folders one level below `prefix`, with the PDFs below each.
    #[serde(default)]
    pub folders: Vec<Folder>,
    /// The PDFs directly at this level.
    #[serde(default)]
    pub pdfs: Vec<PdfObject>,
    /// How many other objects (not PDFs) sit directly at this level.
    #[serde(default)]
    pub other_objects: u64,
    /// Where the next page of this listing starts (`continuation=`), if there is one.
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Folder {
    pub prefix: String,
    /// PDFs anywhere below the folder (up to the first 1,000 objects counted).
    pub pdfs: u64,
    /// JPEGs anywhere below the folder: converted pages, likely.
    #[serde(default)]
    pub jpegs: u64,
    /// The size of those PDFs.
    pub bytes: u64,
    /// The counts stopped at 1,000 objects.
    #[serde(default)]
    pub counted_partly: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PdfObject {
    pub key: String,
    pub bytes: u64,
    #[serde(default)]
    pub last_modified: Option<String>,
}

/// One queued unit of work: one PDF of a job (an SQS message body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItem {
    pub job_id: String,
    pub request: ConvertRequest,
    pub source_key: String,
}

/// The `reason` codes of `failed[]` items: part of the contract, never renamed.
pub mod reason {
    /// No `%PDF-` header: some other file with a `.pdf` name.
    pub const NOT_PDF: &str = "not_pdf";
    pub const ENCRYPTED_PDF: &str = "encrypted_pdf";
    pub const DAMAGED_PDF: &str = "damaged_pdf";
    pub const NO_PAGES: &str = "no_pages";
    /// A page beyond the pixel limit (a hostile or mistaken `MediaBox`), or a file beyond
    /// the size limit.
    pub const TOO_LARGE: &str = "too_large";
    /// The file could not be read from the bucket.
    pub const UNREADABLE: &str = "unreadable";
    /// Rendering took longer than allowed.
    pub const RENDER_TIMEOUT: &str = "render_timeout";
    /// The renderer failed or crashed on the page.
    pub const RENDER_FAILED: &str = "render_failed";
    pub const ENCODE_FAILED: &str = "encode_failed";
    pub const WRITE_FAILED: &str = "write_failed";
    /// The PDF has more pages than a job allows.
    pub const TOO_MANY_PAGES: &str = "too_many_pages";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> Result<ConvertRequest, String> {
        ConvertRequest::parse(body.as_bytes())
    }

    #[test]
    fn the_seed_request_parses() {
        let parsed = request(
            r#"{"source_bucket":"shitadan","pdf_prefix":"api/receipts/r6/pdf/","upload_prefix":"api/receipts/r6/jpeg/"}"#,
        )
        .expect("valid");
        assert_eq!(parsed.source_bucket, "shitadan");
    }

    #[test]
    fn bad_requests_name_the_field() {
        let cases = [
            ("{not json", "JSON object"),
            (
                r#"{"pdf_prefix":"a/","upload_prefix":"b/"}"#,
                "source_bucket is missing",
            ),
            (
                r#"{"source_bucket":"Bad_Bucket","pdf_prefix":"a/","upload_prefix":"b/"}"#,
                "source_bucket:",
            ),
            (
                r#"{"source_bucket":"demo","pdf_prefix":"../a/","upload_prefix":"b/"}"#,
                "pdf_prefix:",
            ),
            (
                r#"{"source_bucket":"demo","pdf_prefix":"a/","upload_prefix":"/b/"}"#,
                "upload_prefix:",
            ),
            (
                r#"{"source_bucket":"demo","pdf_prefix":"a/","upload_prefix":"a/"}"#,
                "must differ",
            ),
            (
                r#"{"source_bucket":7,"pdf_prefix":"a/","upload_prefix":"b/"}"#,
                "must be a string",
            ),
        ];
        for (body, expected) in cases {
            let err = request(body).expect_err(body);
            assert!(err.contains(expected), "{body}: {err}");
        }
    }

    #[test]
    fn output_keys_keep_subfolders_and_number_pages() {
        let r = request(
            r#"{"source_bucket":"demo","pdf_prefix":"r6/pdf/","upload_prefix":"r6/jpeg/"}"#,
        )
        .expect("valid");
        assert_eq!(r.output_key("r6/pdf/a.pdf", 1), "r6/jpeg/a-p1.jpg");
        assert_eq!(
            r.output_key("r6/pdf/5月/領収書.PDF", 3),
            "r6/jpeg/5月/領収書-p3.jpg"
        );
        let r =
            request(r#"{"source_bucket":"demo","pdf_prefix":"r6/pdf","upload_prefix":"r6/jpeg"}"#)
                .expect("valid");
        assert_eq!(r.output_key("r6/pdf/a.pdf", 2), "r6/jpeg/a-p2.jpg");
    }

    #[test]
    fn a_status_from_a_lenient_backend_reads_and_ours_round_trips() {
        let foreign: JobStatus = serde_json::from_str(
            r#"{"state":"running","converted":[{"source_key":"a.pdf","key":"a.jpg","extra":1}]}"#,
        )
        .expect("lenient");
        assert_eq!(foreign.results.converted[0].url, None);
        let ours = JobStatus {
            job_id: Some("j".to_owned()),
            state: JobState::Succeeded,
            done: 2,
            total: 2,
            results: ConvertResult {
                converted: Vec::new(),
                failed: vec![FailedPdf::new("b.pdf", reason::DAMAGED_PDF, "damaged")],
            },
        };
        let text = serde_json::to_string(&ours).expect("json");
        assert!(text.contains(r#""reason":"damaged_pdf""#), "{text}");
        assert_eq!(
            serde_json::from_str::<JobStatus>(&text).expect("back"),
            ours
        );
    }
}
