//! Buckets as folders, S3 key rules, and signed, expiring GET URLs.
//!
//! A key never reaches outside its bucket: `..`, `.`, empty segments, absolute paths,
//! backslashes, NUL and control characters are refused before any path is built, and
//! symlinks are neither followed when listing nor served.

use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;

/// Why a bucket name, prefix or key was refused; the text names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NameError(pub String);

/// S3's bucket naming rules (general purpose buckets).
pub fn check_bucket(name: &str) -> Result<(), NameError> {
    let fail = |why: &str| {
        Err(NameError(format!(
            "\"{name}\" is not a valid bucket name: {why}"
        )))
    };
    if !(3..=63).contains(&name.len()) {
        return fail("it must be 3 to 63 characters long");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return fail("only lowercase letters, digits, dots and hyphens are allowed");
    }
    let first = name.as_bytes()[0];
    let last = name.as_bytes()[name.len() - 1];
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return fail("it must begin and end with a letter or digit");
    }
    if name.contains("..") {
        return fail("it must not contain two dots in a row");
    }
    if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        return fail("it must not look like an IP address");
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return fail(&format!("it must not start with {prefix}"));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3"] {
        if name.ends_with(suffix) {
            return fail(&format!("it must not end with {suffix}"));
        }
    }
    Ok(())
}

/// A key prefix as the convert contract takes it: relative, `/`-separated, no `.` or
/// `..` segments, no empty segment inside, at most 1024 bytes. May be empty.
pub fn check_prefix(prefix: &str) -> Result<(), NameError> {
    let fail = |why: &str| {
        Err(NameError(format!(
            "\"{prefix}\" is not a valid prefix: {why}"
        )))
    };
    if prefix.len() > 1024 {
        return fail("it is longer than 1024 bytes");
    }
    if prefix.starts_with('/') {
        return fail("it must not start with /");
    }
    if prefix.chars().any(|c| c.is_control() || c == '\\') {
        return fail("it must not contain control characters or backslashes");
    }
    let inner = prefix.strip_suffix('/').unwrap_or(prefix);
    if !inner.is_empty() {
        for segment in inner.split('/') {
            if segment.is_empty() {
                return fail("it must not contain //");
            }
            if segment == "." || segment == ".." {
                return fail("it must not contain . or .. segments");
            }
        }
    }
    Ok(())
}

/// A full object key: a valid prefix that does not end with `/`.
pub fn check_key(key: &str) -> Result<(), NameError> {
    if key.is_empty() || key.ends_with('/') {
        return Err(NameError(format!("\"{key}\" is not an object key")));
    }
    check_prefix(key)
}

/// The file for `bucket`/`key` inside `root`, after the checks above.
pub fn object_path(root: &Path, bucket: &str, key: &str) -> Result<PathBuf, NameError> {
    check_bucket(bucket)?;
    check_key(key)?;
    let mut path = root.join(bucket);
    for segment in key.split('/') {
        path.push(segment);
    }
    Ok(path)
}

/// Every regular file of `bucket` whose key starts with `prefix`, as (key, path),
/// sorted by key. Symlinks are skipped.
pub fn list(root: &Path, bucket: &str, prefix: &str) -> std::io::Result<Vec<(String, PathBuf)>> {
    let bucket_dir = root.join(bucket);
    // Start at the deepest folder the prefix names, then filter by the rest.
    let folder = prefix.rsplit_once('/').map_or("", |(folder, _)| folder);
    let mut start = bucket_dir.clone();
    let mut start_key = String::new();
    for segment in folder.split('/').filter(|s| !s.is_empty()) {
        start.push(segment);
        start_key.push_str(segment);
        start_key.push('/');
    }
    let mut found = Vec::new();
    let mut pending = vec![(start, start_key)];
    while let Some((dir, dir_key)) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
                continue; // not UTF-8: not addressable as an S3 key
            };
            let key = format!("{dir_key}{name}");
            if kind.is_dir() {
                pending.push((entry.path(), format!("{key}/")));
            } else if kind.is_file() && key.starts_with(prefix) {
                found.push((key, entry.path()));
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Reads `path` only if it is a regular file (not a symlink) that really lies inside
/// `bucket_dir` once every link on the way is resolved.
pub async fn read_inside(bucket_dir: &Path, path: &Path) -> std::io::Result<Vec<u8>> {
    let outside =
        || std::io::Error::new(std::io::ErrorKind::PermissionDenied, "outside the bucket");
    let metadata = tokio::fs::symlink_metadata(path).await?;
    if !metadata.is_file() {
        return Err(outside());
    }
    let bucket = tokio::fs::canonicalize(bucket_dir).await?;
    let real = tokio::fs::canonicalize(path).await?;
    if !real.starts_with(&bucket) {
        return Err(outside());
    }
    tokio::fs::read(&real).await
}

/// Creates `path`'s folders and checks they resolve inside `bucket_dir`, so a planted
/// symlink cannot send a write elsewhere.
pub fn prepare_write(bucket_dir: &Path, path: &Path) -> std::io::Result<()> {
    let parent = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no parent folder"))?;
    std::fs::create_dir_all(parent)?;
    let bucket = std::fs::canonicalize(bucket_dir)?;
    if !std::fs::canonicalize(parent)?.starts_with(&bucket) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the folder resolves outside the bucket",
        ));
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "the target is a symlink",
        ));
    }
    Ok(())
}

/// Signs and checks `GET` URLs: HMAC-SHA256 over method, path and expiry.
#[derive(Clone)]
pub struct UrlSigner {
    key: Vec<u8>,
}

/// Why a signed URL was refused; the messages are S3's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    Expired,
    Mismatch,
}

impl SignatureError {
    pub fn s3_code(self) -> &'static str {
        match self {
            Self::Expired => "AccessDenied",
            Self::Mismatch => "SignatureDoesNotMatch",
        }
    }

    pub fn s3_message(self) -> &'static str {
        match self {
            Self::Expired => "Request has expired",
            Self::Mismatch => {
                "The request signature we calculated does not match the signature you provided."
            }
        }
    }
}

impl UrlSigner {
    pub fn new(key: Vec<u8>) -> Self {
        Self { key }
    }

    fn mac(&self, path: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(format!("GET\n{path}\n{expires}").as_bytes());
        mac
    }

    /// The signature for an already percent-encoded `path`.
    pub fn sign(&self, path: &str, expires: i64) -> String {
        hex::encode(self.mac(path, expires).finalize().into_bytes())
    }

    pub fn check(
        &self,
        path: &str,
        expires: i64,
        signature: &str,
        now: i64,
    ) -> Result<(), SignatureError> {
        let bytes = (0..signature.len())
            .step_by(2)
            .map(|i| {
                signature
                    .get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect::<Option<Vec<u8>>>()
            .ok_or(SignatureError::Mismatch)?;
        self.mac(path, expires)
            .verify_slice(&bytes)
            .map_err(|_| SignatureError::Mismatch)?;
        if now > expires {
            return Err(SignatureError::Expired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_s3() {
        for good in ["shitadan", "demo", "my-bucket.2024", "a1b"] {
            assert!(check_bucket(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "ab",
            "Shitadan",
            "my_bucket",
            "-abc",
            "abc-",
            "a..b",
            "192.168.1.1",
            "xn--abc",
            "abc-s3alias",
            "../etc",
            "a/b",
            "経理",
        ] {
            assert!(check_bucket(bad).is_err(), "{bad}");
        }
        let long = "a".repeat(64);
        assert!(check_bucket(&long).is_err());
    }

    #[test]
    fn prefixes_stay_inside_the_bucket() {
        for good in [
            "",
            "api/receipts/r6/pdf/",
            "api/receipts/r6/pdf",
            "領収書/2024/",
            "a b/",
        ] {
            assert!(check_prefix(good).is_ok(), "{good}");
        }
        for bad in [
            "/etc/", "../x/", "a/../b/", "a/./b", "a//b/", "a\\b", "a\0b", "..", ".", "a/\nb",
        ] {
            assert!(check_prefix(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn object_paths_are_built_only_from_checked_parts() {
        let root = Path::new("/data");
        assert_eq!(
            object_path(root, "demo", "api/r6/a-p1.jpg").expect("ok"),
            Path::new("/data/demo/api/r6/a-p1.jpg")
        );
        assert!(object_path(root, "demo", "../../etc/passwd").is_err());
        assert!(object_path(root, "..", "x").is_err());
        assert!(object_path(root, "demo", "/etc/passwd").is_err());
        assert!(object_path(root, "demo", "dir/").is_err());
    }

    #[test]
    fn listing_filters_by_prefix_and_skips_symlinks() {
        let dir = tempfile::tempdir().expect("tempdir");
        let bucket = dir.path().join("demo");
        std::fs::create_dir_all(bucket.join("pdf/sub")).expect("dirs");
        std::fs::write(bucket.join("pdf/a.pdf"), b"a").expect("write");
        std::fs::write(bucket.join("pdf/sub/b.pdf"), b"b").expect("write");
        std::fs::write(bucket.join("pdfx.pdf"), b"x").expect("write");
        #[cfg(unix)]
        std::os::unix::fs::symlink("/etc/passwd", bucket.join("pdf/link.pdf")).expect("symlink");
        let keys: Vec<String> = list(dir.path(), "demo", "pdf/")
            .expect("list")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, vec!["pdf/a.pdf", "pdf/sub/b.pdf"]);
        let keys: Vec<String> = list(dir.path(), "demo", "pdf")
            .expect("list")
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys, vec!["pdf/a.pdf", "pdf/sub/b.pdf", "pdfx.pdf"]);
        assert!(
            list(dir.path(), "demo", "nothing/")
                .expect("list")
                .is_empty()
        );
    }

    #[test]
    fn signatures_check_path_expiry_and_key() {
        let signer = UrlSigner::new(b"key-one".to_vec());
        let sig = signer.sign("/files/demo/a.jpg", 1000);
        assert_eq!(signer.check("/files/demo/a.jpg", 1000, &sig, 999), Ok(()));
        assert_eq!(
            signer.check("/files/demo/a.jpg", 1000, &sig, 1001),
            Err(SignatureError::Expired)
        );
        assert_eq!(
            signer.check("/files/demo/b.jpg", 1000, &sig, 999),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            signer.check("/files/demo/a.jpg", 2000, &sig, 999),
            Err(SignatureError::Mismatch),
            "a later expiry needs a new signature"
        );
        let other = UrlSigner::new(b"key-two".to_vec());
        assert_eq!(
            other.check("/files/demo/a.jpg", 1000, &sig, 999),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            signer.check("/files/demo/a.jpg", 1000, "zz", 999),
            Err(SignatureError::Mismatch)
        );
    }
}
