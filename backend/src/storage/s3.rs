//! S3 over reqwest and `SigV4` (aws-sigv4): `ListObjectsV2`, `GetObject`, `PutObject` and
//! presigned GETs. Always path-style (`{endpoint}/{bucket}/{key}`), which moto, `MinIO` and
//! the regional endpoints all accept; keys are percent-encoded per segment.

use std::time::Duration;

use super::{Listing, Object, StorageError};
use crate::aws::sign::encode;
use crate::aws::xml::{self, ErrorBody};
use crate::aws::{AwsConfig, CALL_TIMEOUT, Service, TRANSFER_TIMEOUT};

pub struct S3Storage {
    config: AwsConfig,
}

/// What an S3 call was about, to name it in errors.
#[derive(Clone, Copy)]
enum Target<'a> {
    Bucket(&'a str),
    Object { bucket: &'a str, key: &'a str },
}

impl S3Storage {
    pub fn new(config: AwsConfig) -> Self {
        Self { config }
    }

    /// `{endpoint}/{bucket}/{key}`; `key` may be empty (the bucket itself).
    fn url(&self, bucket: &str, key: &str) -> Result<url::Url, StorageError> {
        // The URL standard resolves `.` and `..` segments (even as `%2E`), so such keys
        // cannot be addressed path-style; S3 keys from this app never have them.
        if key.split('/').any(|s| s == "." || s == "..") {
            return Err(StorageError::InvalidName(format!(
                "the key {key:?} has a \".\" or \"..\" segment, which a URL cannot carry"
            )));
        }
        let mut url = self
            .config
            .service_url(Service::S3)
            .map_err(|e| StorageError::Other(e.to_string()))?;
        let mut path = url.path().trim_end_matches('/').to_owned();
        path.push('/');
        path.push_str(&encode(bucket));
        if !key.is_empty() {
            path.push('/');
            let segments: Vec<_> = key.split('/').map(encode).collect();
            path.push_str(&segments.join("/"));
        }
        url.set_path(&path);
        url.set_query(None);
        Ok(url)
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        target: Target<'_>,
    ) -> Result<reqwest::Response, StorageError> {
        let what = match target {
            Target::Bucket(bucket) => format!("s3://{bucket}"),
            Target::Object { bucket, key } => format!("s3://{bucket}/{key}"),
        };
        let mut request = request
            .build()
            .map_err(|e| StorageError::Other(format!("{what}: {e}")))?;
        self.config
            .sign(Service::S3, &mut request)
            .map_err(|e| StorageError::Other(format!("{what}: {e}")))?;
        let response = self
            .config
            .http
            .execute(request)
            .await
            .map_err(|e| StorageError::Other(format!("{what}: S3 did not answer: {e}")))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status().as_u16();
        // An error body is small; a broken one still leaves the status to go on.
        let body = response.text().await.unwrap_or_default();
        Err(error_from(status, xml::parse_error(&body), target))
    }

    pub(super) async fn list(
        &self,
        bucket: &str,
        prefix: &str,
        delimited: bool,
        continuation: Option<&str>,
        max_keys: u32,
    ) -> Result<Listing, StorageError> {
        let mut url = self.url(bucket, "")?;
        let max_keys = max_keys.to_string();
        let mut pairs = vec![
            ("list-type", "2"),
            ("prefix", prefix),
            ("max-keys", &max_keys),
        ];
        if delimited {
            pairs.push(("delimiter", "/"));
        }
        if let Some(token) = continuation {
            pairs.push(("continuation-token", token));
        }
        // Encoded as SigV4 canonicalises (`%20`, never `+`), so S3 reads what was signed.
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        url.set_query(Some(&query.join("&")));
        let request = self.config.http.get(url).timeout(CALL_TIMEOUT);
        let target = Target::Bucket(bucket);
        let response = self.send(request, target).await?;
        let body = response.text().await.map_err(|e| {
            StorageError::Other(format!("s3://{bucket}: the listing broke off: {e}"))
        })?;
        let page = xml::parse_list_objects(&body)
            .map_err(|e| StorageError::Other(format!("s3://{bucket}: {e}")))?;
        Ok(Listing {
            objects: page
                .objects
                .into_iter()
                .map(|o| Object {
                    key: o.key,
                    bytes: o.size,
                    last_modified: o.last_modified,
                })
                .collect(),
            folders: page.common_prefixes,
            next: page.next_continuation_token.filter(|_| page.is_truncated),
        })
    }

    pub(super) async fn get(
        &self,
        bucket: &str,
        key: &str,
        max_bytes: u64,
    ) -> Result<Vec<u8>, StorageError> {
        let too_large = || StorageError::TooLarge {
            key: key.to_owned(),
            limit: max_bytes,
        };
        let request = self
            .config
            .http
            .get(self.url(bucket, key)?)
            .timeout(TRANSFER_TIMEOUT);
        let mut response = self.send(request, Target::Object { bucket, key }).await?;
        // The declared length refuses most big objects before a byte is read; the count
        // below catches a server that does not declare it (or declares it wrongly).
        let declared = response.content_length();
        if declared.is_some_and(|n| n > max_bytes) {
            return Err(too_large());
        }
        let capacity = declared.unwrap_or(0).min(max_bytes);
        let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            StorageError::Other(format!("s3://{bucket}/{key}: the download broke off: {e}"))
        })? {
            if (bytes.len() + chunk.len()) as u64 > max_bytes {
                return Err(too_large());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    pub(super) async fn put(
        &self,
        bucket: &str,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        let request = self
            .config
            .http
            .put(self.url(bucket, key)?)
            .header("content-type", content_type)
            .body(bytes)
            .timeout(TRANSFER_TIMEOUT);
        self.send(request, Target::Object { bucket, key }).await?;
        Ok(())
    }

    pub(super) fn presign_get(
        &self,
        bucket: &str,
        key: &str,
        ttl_seconds: u64,
    ) -> Result<String, StorageError> {
        let url = self.url(bucket, key)?;
        self.config
            .presign(
                Service::S3,
                &http::Method::GET,
                &url,
                Duration::from_secs(ttl_seconds),
            )
            .map(String::from)
            .map_err(|e| StorageError::Other(format!("s3://{bucket}/{key}: {e}")))
    }
}

/// S3's error code first (`NoSuchBucket` is also a 404), then the status.
fn error_from(status: u16, body: Option<ErrorBody>, target: Target<'_>) -> StorageError {
    let (bucket, name) = match target {
        Target::Bucket(bucket) => (bucket, bucket),
        Target::Object { bucket, key } => (bucket, key),
    };
    let code = body.as_ref().map(|b| b.code.as_str());
    match (code, status) {
        (Some("NoSuchBucket"), _) => StorageError::NoSuchBucket(bucket.to_owned()),
        (Some("NoSuchKey"), _) | (None, 404) => StorageError::NoSuchKey(name.to_owned()),
        (Some("AccessDenied"), _) | (None, 403) => StorageError::Denied(name.to_owned()),
        (Some(_), _) => {
            let body = body.unwrap_or_default();
            StorageError::Other(format!(
                "s3://{bucket}: {}: {} (HTTP {status})",
                body.code, body.message
            ))
        }
        (None, _) => {
            StorageError::Other(format!("s3://{bucket}: HTTP {status} without an S3 error"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::Credentials;

    fn storage(endpoint: Option<&str>) -> S3Storage {
        S3Storage::new(AwsConfig {
            region: "ap-northeast-1".to_owned(),
            endpoint: endpoint.map(|e| url::Url::parse(e).unwrap()),
            credentials: Credentials {
                access_key_id: "AKID".to_owned(),
                secret_access_key: "secret".to_owned(),
                session_token: Some("token".to_owned()),
            },
            http: reqwest::Client::new(),
        })
    }

    #[test]
    fn keys_are_encoded_per_segment_and_path_style() {
        let s3 = storage(None);
        assert_eq!(
            s3.url("receipts", "in box/r\u{e9}+1 (2).pdf")
                .unwrap()
                .as_str(),
            "https://s3.ap-northeast-1.amazonaws.com/receipts/in%20box/r%C3%A9%2B1%20%282%29.pdf"
        );
        let moto = storage(Some("http://127.0.0.1:5000"));
        assert_eq!(
            moto.url("b", "a//b/").unwrap().as_str(),
            "http://127.0.0.1:5000/b/a//b/"
        );
        assert!(matches!(
            moto.url("b", "a/../b"),
            Err(StorageError::InvalidName(_))
        ));
    }

    #[test]
    fn a_presigned_get_carries_expiry_and_session_token() {
        let url = storage(None)
            .presign_get("receipts", "out/r-p1.jpg", 900)
            .unwrap();
        assert!(url.starts_with("https://s3.ap-northeast-1.amazonaws.com/receipts/out/r-p1.jpg?"));
        for part in [
            "X-Amz-Expires=900",
            "X-Amz-Security-Token=token",
            "X-Amz-Signature=",
        ] {
            assert!(url.contains(part), "{part} missing from {url}");
        }
        assert!(!url.contains("secret"));
    }

    #[test]
    fn s3_error_codes_become_storage_errors() {
        let body = |code: &str| {
            Some(ErrorBody {
                code: code.to_owned(),
                message: "m".to_owned(),
            })
        };
        let object = Target::Object {
            bucket: "b",
            key: "k",
        };
        assert_eq!(
            error_from(404, body("NoSuchBucket"), object),
            StorageError::NoSuchBucket("b".to_owned())
        );
        assert_eq!(
            error_from(404, body("NoSuchKey"), object),
            StorageError::NoSuchKey("k".to_owned())
        );
        assert_eq!(
            error_from(404, None, object),
            StorageError::NoSuchKey("k".to_owned())
        );
        assert_eq!(
            error_from(403, None, Target::Bucket("b")),
            StorageError::Denied("b".to_owned())
        );
        assert_eq!(
            error_from(503, body("SlowDown"), object),
            StorageError::Other("s3://b: SlowDown: m (HTTP 503)".to_owned())
        );
    }
}
