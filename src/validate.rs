//! The convert form's rules, shared by the window and the command line: S3 bucket names
//! (the general-purpose bucket naming rules) and key prefixes.
//!
//! Each check returns the first problem as a value (`i18n::form` words it); a [`Hint`]
//! is advice that does not block (a prefix without a trailing `/`).

/// Why a field cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Empty,
    BucketLength(usize),
    BucketCharacter(char),
    BucketEdge,
    BucketAdjacentDots,
    BucketIpAddress,
    BucketReservedPrefix(&'static str),
    BucketReservedSuffix(&'static str),
    PrefixLeadingSlash,
    PrefixDoubleSlash,
    PrefixControl,
    PrefixTooLong(usize),
    PrefixesEqual,
}

/// Advice that does not block sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// The prefix does not end in `/`; the fix is the prefix with one.
    NoTrailingSlash { fixed: String },
    /// One prefix lies inside the other: the JPEGs land among the PDFs (or the reverse).
    Nested,
}

const RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
const MAX_KEY_BYTES: usize = 1024;

/// S3's rules for general-purpose bucket names.
pub fn bucket(name: &str) -> Result<(), Problem> {
    if name.is_empty() {
        return Err(Problem::Empty);
    }
    let length = name.chars().count();
    if !(3..=63).contains(&length) {
        return Err(Problem::BucketLength(length));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
    {
        return Err(Problem::BucketCharacter(bad));
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !edge_ok(name.chars().next()) || !edge_ok(name.chars().last()) {
        return Err(Problem::BucketEdge);
    }
    if name.contains("..") {
        return Err(Problem::BucketAdjacentDots);
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(Problem::BucketIpAddress);
    }
    if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| name.starts_with(*p)) {
        return Err(Problem::BucketReservedPrefix(prefix));
    }
    if let Some(suffix) = RESERVED_SUFFIXES.iter().find(|s| name.ends_with(*s)) {
        return Err(Problem::BucketReservedSuffix(suffix));
    }
    Ok(())
}

/// A key prefix: not empty, relative, no empty path segment, no control characters,
/// within S3's key length.
pub fn prefix(prefix: &str) -> Result<Option<Hint>, Problem> {
    if prefix.is_empty() {
        return Err(Problem::Empty);
    }
    if prefix.starts_with('/') {
        return Err(Problem::PrefixLeadingSlash);
    }
    if prefix.contains("//") {
        return Err(Problem::PrefixDoubleSlash);
    }
    if prefix.chars().any(char::is_control) {
        return Err(Problem::PrefixControl);
    }
    if prefix.len() > MAX_KEY_BYTES {
        return Err(Problem::PrefixTooLong(prefix.len()));
    }
    Ok((!prefix.ends_with('/')).then(|| Hint::NoTrailingSlash {
        fixed: format!("{prefix}/"),
    }))
}

/// The two prefixes together: they must differ; one inside the other is a hint.
pub fn prefix_pair(pdf_prefix: &str, upload_prefix: &str) -> Result<Option<Hint>, Problem> {
    let normal = |p: &str| p.trim_end_matches('/').to_owned();
    if normal(pdf_prefix) == normal(upload_prefix) {
        return Err(Problem::PrefixesEqual);
    }
    let nested = upload_prefix.starts_with(pdf_prefix) || pdf_prefix.starts_with(upload_prefix);
    Ok(nested.then_some(Hint::Nested))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn bucket_names_follow_s3_rules() {
        for good in ["shitadan", "demo", "my.receipts-2024", "a1b"] {
            assert_eq!(bucket(good), Ok(()), "{good}");
        }
        assert_eq!(bucket(""), Err(Problem::Empty));
        assert_eq!(bucket("ab"), Err(Problem::BucketLength(2)));
        assert_eq!(bucket(&"a".repeat(64)), Err(Problem::BucketLength(64)));
        assert_eq!(bucket("Shitadan"), Err(Problem::BucketCharacter('S')));
        assert_eq!(bucket("my_bucket"), Err(Problem::BucketCharacter('_')));
        assert_eq!(bucket("-abc"), Err(Problem::BucketEdge));
        assert_eq!(bucket("abc."), Err(Problem::BucketEdge));
        assert_eq!(bucket("a..b"), Err(Problem::BucketAdjacentDots));
        assert_eq!(bucket("192.168.5.4"), Err(Problem::BucketIpAddress));
        assert_eq!(
            bucket("xn--abc"),
            Err(Problem::BucketReservedPrefix("xn--"))
        );
        assert_eq!(
            bucket("data-s3alias"),
            Err(Problem::BucketReservedSuffix("-s3alias"))
        );
    }

    #[test]
    fn prefixes_are_relative_clean_and_differ() {
        assert_eq!(prefix("api/receipts/r6/pdf/"), Ok(None));
        assert_eq!(
            prefix("api/pdf"),
            Ok(Some(Hint::NoTrailingSlash {
                fixed: "api/pdf/".to_owned()
            }))
        );
        assert_eq!(prefix(""), Err(Problem::Empty));
        assert_eq!(prefix("/api/"), Err(Problem::PrefixLeadingSlash));
        assert_eq!(prefix("api//pdf/"), Err(Problem::PrefixDoubleSlash));
        assert_eq!(prefix("api/\tpdf/"), Err(Problem::PrefixControl));
        assert_eq!(prefix_pair("a/pdf/", "a/pdf"), Err(Problem::PrefixesEqual));
        assert_eq!(prefix_pair("a/pdf/", "a/jpeg/"), Ok(None));
        assert_eq!(prefix_pair("a/", "a/jpeg/"), Ok(Some(Hint::Nested)));
    }

    #[test]
    fn every_problem_has_both_languages() {
        let all = [
            Problem::Empty,
            Problem::BucketLength(2),
            Problem::BucketCharacter('_'),
            Problem::BucketEdge,
            Problem::BucketAdjacentDots,
            Problem::BucketIpAddress,
            Problem::BucketReservedPrefix("xn--"),
            Problem::BucketReservedSuffix("--ol-s3"),
            Problem::PrefixLeadingSlash,
            Problem::PrefixDoubleSlash,
            Problem::PrefixControl,
            Problem::PrefixTooLong(2000),
            Problem::PrefixesEqual,
        ];
        for problem in all {
            assert_ne!(
                crate::i18n::form::problem(&problem, Lang::En),
                crate::i18n::form::problem(&problem, Lang::Ja)
            );
        }
    }
}
