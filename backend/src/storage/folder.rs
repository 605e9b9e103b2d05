//! Buckets as folders: `root/<bucket>/<key>`. Keys are checked before any path is built
//! (see [`crate::files`]); results are served by whoever made the [`Presign`] function
//! (the local stack's signed `/files/…` URLs).

use std::path::PathBuf;
use std::sync::Arc;

use super::{Listing, Object, StorageError};
use crate::files;

/// Makes a signed GET URL for (bucket, key, ttl seconds).
pub type Presign = Arc<dyn Fn(&str, &str, u64) -> String + Send + Sync>;

pub struct FolderStorage {
    root: PathBuf,
    presign: Presign,
}

impl FolderStorage {
    pub fn new(root: PathBuf, presign: Presign) -> Self {
        Self { root, presign }
    }

    pub fn root(&self) -> &std::path::Path {
        &self.root
    }

    fn bucket_dir(&self, bucket: &str) -> Result<PathBuf, StorageError> {
        files::check_bucket(bucket).map_err(|e| StorageError::InvalidName(e.0))?;
        let dir = self.root.join(bucket);
        if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
            Ok(dir)
        } else {
            Err(StorageError::NoSuchBucket(bucket.to_owned()))
        }
    }

    pub(super) async fn list(
        &self,
        bucket: &str,
        prefix: &str,
        delimited: bool,
        continuation: Option<&str>,
        max_keys: u32,
    ) -> Result<Listing, StorageError> {
        self.bucket_dir(bucket)?;
        files::check_prefix(prefix).map_err(|e| StorageError::InvalidName(e.0))?;
        let root = self.root.clone();
        let (bucket, prefix) = (bucket.to_owned(), prefix.to_owned());
        let after = continuation.map(str::to_owned);
        tokio::task::spawn_blocking(move || {
            let found = files::list(&root, &bucket, &prefix)
                .map_err(|e| StorageError::Other(format!("cannot list the folder: {e}")))?;
            let mut listing = Listing::default();
            let mut count = 0;
            for (key, path) in found {
                // Like S3's start-after: the continuation is the last key (or folder) seen.
                if after.as_deref().is_some_and(|a| key.as_str() <= a) {
                    continue;
                }
                let rest = &key[prefix.len()..];
                let folder = match rest.find('/') {
                    Some(cut) if delimited => {
                        let folder = format!("{prefix}{}", &rest[..=cut]);
                        if listing.folders.last() == Some(&folder)
                            || after.as_deref().is_some_and(|a| a.starts_with(&folder))
                        {
                            continue;
                        }
                        Some(folder)
                    }
                    _ => None,
                };
                if count == max_keys {
                    listing.next = listing
                        .objects
                        .last()
                        .map(|o| o.key.clone())
                        .max(listing.folders.last().cloned());
                    break;
                }
                count += 1;
                if let Some(folder) = folder {
                    listing.folders.push(folder);
                    continue;
                }
                let metadata = std::fs::metadata(&path).ok();
                listing.objects.push(Object {
                    key,
                    bytes: metadata.as_ref().map_or(0, std::fs::Metadata::len),
                    last_modified: metadata
                        .and_then(|m| m.modified().ok())
                        .and_then(|t| jiff::Timestamp::try_from(t).ok())
                        .map(|t| t.to_string()),
                });
            }
            Ok(listing)
        })
        .await
        .map_err(|e| StorageError::Other(e.to_string()))?
    }

    pub(super) async fn get(
        &self,
        bucket: &str,
        key: &str,
        max_bytes: u64,
    ) -> Result<Vec<u8>, StorageError> {
        let bucket_dir = self.bucket_dir(bucket)?;
        let path = files::object_path(&self.root, bucket, key)
            .map_err(|e| StorageError::InvalidName(e.0))?;
        let size = tokio::fs::symlink_metadata(&path)
            .await
            .map_err(|_| StorageError::NoSuchKey(key.to_owned()))?
            .len();
        if size > max_bytes {
            return Err(StorageError::TooLarge {
                key: key.to_owned(),
                limit: max_bytes,
            });
        }
        files::read_inside(&bucket_dir, &path)
            .await
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => StorageError::NoSuchKey(key.to_owned()),
                std::io::ErrorKind::PermissionDenied => StorageError::Denied(key.to_owned()),
                _ => StorageError::Other(format!("cannot read {key}: {e}")),
            })
    }

    pub(super) async fn put(
        &self,
        bucket: &str,
        key: &str,
        bytes: Vec<u8>,
    ) -> Result<(), StorageError> {
        let bucket_dir = self.bucket_dir(bucket)?;
        let path = files::object_path(&self.root, bucket, key)
            .map_err(|e| StorageError::InvalidName(e.0))?;
        let key = key.to_owned();
        tokio::task::spawn_blocking(move || {
            files::prepare_write(&bucket_dir, &path)?;
            // Written whole, then renamed: a reader never sees half a JPEG. The temporary
            // name is unique, so two jobs writing the same key never share it.
            let mut tmp = path.clone().into_os_string();
            tmp.push(format!(".{}.part", crate::ids::random_hex_id()));
            let written = std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &path));
            if written.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            written
        })
        .await
        .map_err(|e| StorageError::Other(e.to_string()))?
        .map_err(|e| StorageError::Other(format!("cannot write {key}: {e}")))
    }

    pub(super) fn presign_get(&self, bucket: &str, key: &str, ttl_seconds: u64) -> String {
        (self.presign)(bucket, key, ttl_seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn storage(root: &std::path::Path) -> FolderStorage {
        FolderStorage::new(
            root.to_owned(),
            Arc::new(|bucket: &str, key: &str, _| format!("test://{bucket}/{key}")),
        )
    }

    /// Pages of two, with a delimiter: folders and objects interleave in key order, each
    /// once, and the continuation picks up after the last one shown.
    #[tokio::test]
    async fn listings_page_through_folders_and_objects_in_key_order() {
        let root = tempfile::tempdir().expect("tempdir");
        let store = storage(root.path());
        std::fs::create_dir_all(root.path().join("bkt")).expect("bucket");
        for key in [
            "p/a.pdf",
            "p/b/1.pdf",
            "p/b/2.pdf",
            "p/c.pdf",
            "p/d/1.pdf",
            "p/e.pdf",
        ] {
            store.put("bkt", key, b"x".to_vec()).await.expect("put");
        }
        let mut seen = Vec::new();
        let mut next: Option<String> = None;
        for _ in 0..10 {
            let page = store
                .list("bkt", "p/", true, next.as_deref(), 2)
                .await
                .expect("list");
            assert!(page.objects.len() + page.folders.len() <= 2);
            seen.extend(page.folders.iter().cloned());
            seen.extend(page.objects.iter().map(|o| o.key.clone()));
            next = page.next;
            if next.is_none() {
                break;
            }
        }
        seen.sort();
        assert_eq!(seen, ["p/a.pdf", "p/b/", "p/c.pdf", "p/d/", "p/e.pdf"]);
        let refused = store.list("bkt", "../", true, None, 2).await;
        assert!(
            matches!(refused, Err(StorageError::InvalidName(_))),
            "{refused:?}"
        );
    }
}
