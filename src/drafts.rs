//! Forms as typed, and the one way to turn them into something the app sends: a
//! [`ConvertDraft`] becomes a request only through [`ConvertDraft::check`], which both
//! the window's form and `receipt-desk convert` use (profiles: `config::Profile::problems`).

use crate::api::ConvertRequest;
use crate::validate::{self, Hint, Problem};

/// The convert form as typed: only [`ConvertDraft::check`] makes a request of it, so
/// the window and the command line cannot send one the rules refuse.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConvertDraft {
    pub bucket: String,
    pub pdf_prefix: String,
    pub upload_prefix: String,
}

/// Every field's problem and advice; [`ConvertCheck::request`] exists only when no field
/// has a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertCheck {
    pub bucket: Option<Problem>,
    pub pdf: Option<Problem>,
    pub pdf_hint: Option<Hint>,
    pub upload: Option<Problem>,
    pub upload_hint: Option<Hint>,
    /// The two prefixes together (checked once each is valid).
    pub pair: Option<Problem>,
    pub pair_hint: Option<Hint>,
    request: Option<ConvertRequest>,
}

impl ConvertDraft {
    pub fn check(&self) -> ConvertCheck {
        let bucket_name = self.bucket.trim();
        let bucket = validate::bucket(bucket_name).err();
        let (pdf, pdf_hint) = split(validate::prefix(&self.pdf_prefix));
        let (upload, upload_hint) = split(validate::prefix(&self.upload_prefix));
        let (pair, pair_hint) = if pdf.is_none() && upload.is_none() {
            split(validate::prefix_pair(&self.pdf_prefix, &self.upload_prefix))
        } else {
            (None, None)
        };
        let valid = bucket.is_none() && pdf.is_none() && upload.is_none() && pair.is_none();
        ConvertCheck {
            bucket,
            pdf,
            pdf_hint,
            upload,
            upload_hint,
            pair,
            pair_hint,
            request: valid.then(|| ConvertRequest {
                source_bucket: bucket_name.to_owned(),
                pdf_prefix: self.pdf_prefix.clone(),
                upload_prefix: self.upload_prefix.clone(),
            }),
        }
    }
}

impl ConvertCheck {
    /// The request, when every field is valid.
    pub fn request(&self) -> Option<&ConvertRequest> {
        self.request.as_ref()
    }

    /// The first problem and the field it is in (`bucket`, `pdf_prefix`, `upload_prefix`).
    pub fn first_problem(&self) -> Option<(&'static str, &Problem)> {
        [
            ("bucket", &self.bucket),
            ("pdf_prefix", &self.pdf),
            ("upload_prefix", &self.upload),
            ("upload_prefix", &self.pair),
        ]
        .into_iter()
        .find_map(|(field, problem)| problem.as_ref().map(|p| (field, p)))
    }
}

fn split(result: Result<Option<Hint>, Problem>) -> (Option<Problem>, Option<Hint>) {
    match result {
        Ok(hint) => (None, hint),
        Err(problem) => (Some(problem), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_makes_a_request_only_when_every_field_is_valid() {
        let draft = ConvertDraft {
            bucket: " shitadan ".to_owned(),
            pdf_prefix: "api/receipts/r6/pdf/".to_owned(),
            upload_prefix: "api/receipts/r6/jpeg/".to_owned(),
        };
        let checked = draft.check();
        let request = checked.request().expect("valid");
        assert_eq!(request.source_bucket, "shitadan");
        let same = ConvertDraft {
            upload_prefix: "api/receipts/r6/pdf".to_owned(),
            ..draft.clone()
        };
        let checked = same.check();
        assert_eq!(checked.request(), None);
        assert_eq!(
            checked.first_problem(),
            Some(("upload_prefix", &Problem::PrefixesEqual))
        );
        let bad = ConvertDraft {
            bucket: "Bad_Bucket".to_owned(),
            ..draft
        };
        assert_eq!(bad.check().request(), None);
        assert_eq!(bad.check().first_problem().map(|(f, _)| f), Some("bucket"));
    }
}
