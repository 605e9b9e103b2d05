//! Where PDFs are read and pages written: S3 (over reqwest and SigV4) on AWS, or folders
//! whose subfolders are buckets (the local stack and the embedded demo). One interface,
//! two implementations; the handlers never know which.

mod folder;
mod s3;

pub use self::folder::{FolderStorage, Presign};
pub use self::s3::S3Storage;

/// An object in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub key: String,
    pub bytes: u64,
    /// RFC 3339, as S3 lists it.
    pub last_modified: Option<String>,
}

/// One page of a listing: objects and, with a delimiter, the "folders" (common prefixes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub objects: Vec<Object>,
    pub folders: Vec<String>,
    /// The continuation token of the next page, if the listing was cut.
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("the bucket \"{0}\" does not exist")]
    NoSuchBucket(String),
    #[error("there is no object \"{0}\"")]
    NoSuchKey(String),
    #[error("access to the bucket was denied: {0}")]
    Denied(String),
    #[error("the object \"{key}\" is larger than {limit} bytes")]
    TooLarge { key: String, limit: u64 },
    #[error("{0}")]
    InvalidName(String),
    #[error("storage: {0}")]
    Other(String),
}

pub enum Storage {
    Folder(FolderStorage),
    S3(S3Storage),
}

impl Storage {
    /// Up to `max_keys` keys under `prefix` in key order; with `delimited`, keys below the
    /// next `/` are rolled up into `folders`. `continuation` is a previous `next`.
    pub async fn list(
        &self,
        bucket: &str,
        prefix: &str,
        delimited: bool,
        continuation: Option<&str>,
        max_keys: u32,
    ) -> Result<Listing, StorageError> {
        match self {
            Self::Folder(s) => {
                s.list(bucket, prefix, delimited, continuation, max_keys)
                    .await
            }
            Self::S3(s) => {
                s.list(bucket, prefix, delimited, continuation, max_keys)
                    .await
            }
        }
    }

    /// The object's bytes; more than `max_bytes` is [`StorageError::TooLarge`].
    pub async fn get(
        &self,
        bucket: &str,
        key: &str,
        max_bytes: u64,
    ) -> Result<Vec<u8>, StorageError> {
        match self {
            Self::Folder(s) => s.get(bucket, key, max_bytes).await,
            Self::S3(s) => s.get(bucket, key, max_bytes).await,
        }
    }

    pub async fn put(
        &self,
        bucket: &str,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StorageError> {
        match self {
            Self::Folder(s) => s.put(bucket, key, bytes).await,
            Self::S3(s) => s.put(bucket, key, bytes, content_type).await,
        }
    }

    /// A GET URL for the object that works without other credentials until it expires.
    pub fn presign_get(
        &self,
        bucket: &str,
        key: &str,
        ttl_seconds: u64,
    ) -> Result<String, StorageError> {
        match self {
            Self::Folder(s) => Ok(s.presign_get(bucket, key, ttl_seconds)),
            Self::S3(s) => s.presign_get(bucket, key, ttl_seconds),
        }
    }
}
