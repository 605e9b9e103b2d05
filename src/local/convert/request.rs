//! The `/convert` request: its JSON body checked field by field (the error names the
//! field), and where each page's JPEG goes (`output_key`).

use serde::Deserialize;

use crate::local::files;

/// The contract's request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertRequest {
    pub bucket: String,
    pub pdf_prefix: String,
    pub upload_prefix: String,
}

#[derive(Deserialize)]
struct RequestBody {
    source_bucket: Option<serde_json::Value>,
    pdf_prefix: Option<serde_json::Value>,
    upload_prefix: Option<serde_json::Value>,
}

/// Reads and checks a request body; the error names the field that is wrong.
pub fn parse_request(body: &[u8]) -> Result<ConvertRequest, String> {
    let parsed: RequestBody = serde_json::from_slice(body).map_err(|e| {
        format!("The request body must be a JSON object with source_bucket, pdf_prefix and upload_prefix ({e})")
    })?;
    let field = |value: Option<serde_json::Value>, name: &str| match value {
        Some(serde_json::Value::String(s)) => Ok(s),
        Some(_) => Err(format!("{name} must be a string")),
        None => Err(format!("{name} is missing")),
    };
    let bucket = field(parsed.source_bucket, "source_bucket")?;
    let pdf_prefix = field(parsed.pdf_prefix, "pdf_prefix")?;
    let upload_prefix = field(parsed.upload_prefix, "upload_prefix")?;
    files::check_bucket(&bucket).map_err(|e| format!("source_bucket: {e}"))?;
    files::check_prefix(&pdf_prefix).map_err(|e| format!("pdf_prefix: {e}"))?;
    files::check_prefix(&upload_prefix).map_err(|e| format!("upload_prefix: {e}"))?;
    if pdf_prefix == upload_prefix {
        return Err("upload_prefix must differ from pdf_prefix".to_owned());
    }
    Ok(ConvertRequest {
        bucket,
        pdf_prefix,
        upload_prefix,
    })
}

/// `upload_prefix` + the PDF's path below `pdf_prefix`, without `.pdf`, + `-pN.jpg`.
pub fn output_key(request: &ConvertRequest, source_key: &str, page: usize) -> String {
    let relative = source_key
        .strip_prefix(&request.pdf_prefix)
        .unwrap_or(source_key)
        .trim_start_matches('/');
    let stem = relative
        .len()
        .checked_sub(4)
        .filter(|&cut| {
            relative.is_char_boundary(cut) && relative[cut..].eq_ignore_ascii_case(".pdf")
        })
        .map_or(relative, |cut| &relative[..cut]);
    let separator = if request.upload_prefix.is_empty() || request.upload_prefix.ends_with('/') {
        ""
    } else {
        "/"
    };
    format!("{}{separator}{stem}-p{page}.jpg", request.upload_prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &str) -> Result<ConvertRequest, String> {
        parse_request(body.as_bytes())
    }

    #[test]
    fn the_seed_request_parses() {
        let parsed = request(
            r#"{"source_bucket":"shitadan","pdf_prefix":"api/receipts/r6/pdf/","upload_prefix":"api/receipts/r6/jpeg/"}"#,
        )
        .expect("valid");
        assert_eq!(parsed.bucket, "shitadan");
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
        assert_eq!(output_key(&r, "r6/pdf/a.pdf", 1), "r6/jpeg/a-p1.jpg");
        assert_eq!(
            output_key(&r, "r6/pdf/5月/領収書.PDF", 3),
            "r6/jpeg/5月/領収書-p3.jpg"
        );
        let r =
            request(r#"{"source_bucket":"demo","pdf_prefix":"r6/pdf","upload_prefix":"r6/jpeg"}"#)
                .expect("valid");
        assert_eq!(output_key(&r, "r6/pdf/a.pdf", 2), "r6/jpeg/a-p2.jpg");
    }
}
