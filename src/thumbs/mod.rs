//! Thumbnails of converted receipts: download with bounded concurrency through one pooled
//! HTTP client, decode downscaled on a pool sized to the cores, and keep the result in a
//! disk cache (platform cache dir) keyed by the object's URL path, checked against the
//! object's size and tagged with its `ETag`, so a second look needs no download.
//!
//! The UI side (textures, the memory LRU, a few uploads per frame) is `ui::gallery`.

pub mod cache;
pub mod decode;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

pub use cache::DiskCache;
pub use decode::{DecodeError, Pixels, decode_fit, decode_fit_with_source};

/// Thumbnails are made (and cached) at this size; the grid scales them down.
pub const THUMB_SIDE: u32 = 320;
/// Downloads at once.
pub const DOWNLOADS: usize = 8;
/// The largest image file the app downloads.
const MAX_IMAGE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// 403 from a signed URL: it has expired (or was never valid); ask for fresh URLs.
    #[error("the link has expired")]
    Expired,
    #[error("the server answered HTTP {0}")]
    Http(u16),
    #[error("network error: {0}")]
    Network(String),
    #[error("{0}")]
    Decode(#[from] DecodeError),
    #[error("could not save: {0}")]
    Write(String),
}

/// Where a thumbnail came from (tests count downloads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Cache,
    Network,
}

/// One image of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The object key (`api/receipts/r6/jpeg/…-1.jpg`).
    pub key: String,
    pub url: String,
    /// The size the API reported, to tell a replaced object from the cached one.
    pub bytes: Option<u64>,
}

impl Item {
    /// The cache identity: the URL without its query (signatures change, the object not).
    pub fn cache_key(&self) -> String {
        self.url
            .split_once('?')
            .map_or(self.url.as_str(), |(path, _)| path)
            .to_owned()
    }
}

pub struct Thumbnailer {
    http: reqwest::Client,
    downloads: Semaphore,
    decodes: Arc<Semaphore>,
    cache: Option<DiskCache>,
    fetched: AtomicU64,
}

impl Thumbnailer {
    pub fn new(cache: Option<DiskCache>) -> Arc<Self> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_mins(2))
            .pool_idle_timeout(crate::HTTP_IDLE)
            .pool_max_idle_per_host(DOWNLOADS)
            .user_agent(concat!("receipt-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Arc::new(Self {
            http,
            downloads: Semaphore::new(DOWNLOADS),
            decodes: Arc::new(Semaphore::new(cores)),
            cache,
            fetched: AtomicU64::new(0),
        })
    }

    /// Keeps the disk cache under `bytes` (0: no limit).
    pub fn set_cache_limit(&self, bytes: u64) {
        if let Some(cache) = &self.cache {
            cache.set_limit(bytes);
        }
    }

    /// How many images were downloaded (cache hits are not counted).
    pub fn downloads(&self) -> u64 {
        self.fetched.load(Ordering::Relaxed)
    }

    /// The bytes at `url`, with the `ETag` when the server sent one.
    pub async fn fetch(&self, url: &str) -> Result<(Vec<u8>, Option<String>), FetchError> {
        let _permit = self
            .downloads
            .acquire()
            .await
            .map_err(|e| FetchError::Network(e.to_string()))?;
        self.fetched.fetch_add(1, Ordering::Relaxed);
        let mut response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| FetchError::Network(e.to_string()))?;
        let status = response.status().as_u16();
        if status == 403 {
            return Err(FetchError::Expired);
        }
        if !response.status().is_success() {
            return Err(FetchError::Http(status));
        }
        let etag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| FetchError::Network(e.to_string()))?
        {
            if body.len() + chunk.len() > MAX_IMAGE_BYTES {
                return Err(FetchError::Network(
                    "the image is larger than 64 MiB".to_owned(),
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((body, etag))
    }

    /// Decodes on the blocking pool, at most one decode per core at a time.
    pub async fn decode(
        &self,
        bytes: Vec<u8>,
        max_w: u32,
        max_h: u32,
    ) -> Result<Pixels, FetchError> {
        let _permit = Arc::clone(&self.decodes)
            .acquire_owned()
            .await
            .map_err(|e| FetchError::Network(e.to_string()))?;
        tokio::task::spawn_blocking(move || decode_fit(&bytes, max_w, max_h))
            .await
            .map_err(|e| FetchError::Network(e.to_string()))?
            .map_err(FetchError::from)
    }

    /// The item's thumbnail: from the disk cache, else downloaded, decoded and cached.
    pub async fn thumbnail(&self, item: &Item) -> Result<(Pixels, Source), FetchError> {
        let key = item.cache_key();
        if let Some(cache) = &self.cache
            && let Some(pixels) = cache.get(&key, item.bytes).await
        {
            return Ok((pixels, Source::Cache));
        }
        let (bytes, etag) = self.fetch(&item.url).await?;
        let size = bytes.len() as u64;
        let pixels = self.decode(bytes, THUMB_SIDE, THUMB_SIDE).await?;
        if let Some(cache) = &self.cache {
            cache
                .put(&key, etag.as_deref(), item.bytes.unwrap_or(size), &pixels)
                .await;
        }
        Ok((pixels, Source::Network))
    }

    /// The whole page, decoded to fit `max_w`×`max_h` (the viewer asks for its screen,
    /// or for the scan's own size when zoomed past it), and the scan's size.
    pub async fn page(
        &self,
        url: &str,
        max_w: u32,
        max_h: u32,
    ) -> Result<(Pixels, [u32; 2]), FetchError> {
        let (bytes, _) = self.fetch(url).await?;
        let _permit = Arc::clone(&self.decodes)
            .acquire_owned()
            .await
            .map_err(|e| FetchError::Network(e.to_string()))?;
        tokio::task::spawn_blocking(move || decode_fit_with_source(&bytes, max_w, max_h))
            .await
            .map_err(|e| FetchError::Network(e.to_string()))?
            .map_err(FetchError::from)
    }

    /// Downloads `url` to `path` (through a temporary file in the same folder).
    pub async fn save(&self, url: &str, path: &std::path::Path) -> Result<(), FetchError> {
        let (bytes, _) = self.fetch(url).await?;
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || crate::fsutil::write_public_atomic(&path, &bytes))
            .await
            .map_err(|e| FetchError::Write(e.to_string()))?
            .map_err(|e| FetchError::Write(e.to_string()))
    }
}

/// A file name for a saved page: the key's last part, made safe for every file system.
pub fn file_name(key: &str) -> String {
    let last = key.rsplit('/').next().unwrap_or(key);
    let cleaned: String = last
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim_matches([' ', '.']).to_owned();
    if cleaned.is_empty() {
        "page.jpg".to_owned()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_key_and_are_safe() {
        assert_eq!(
            file_name("api/receipts/r6/jpeg/2024-06-文具-1.jpg"),
            "2024-06-文具-1.jpg"
        );
        assert_eq!(file_name("a/b/..:evil?.jpg"), "_evil_.jpg");
        assert_eq!(file_name("a/"), "page.jpg");
    }

    #[test]
    fn the_cache_key_ignores_the_signature() {
        let item = Item {
            key: "k".to_owned(),
            url: "http://127.0.0.1:1/files/demo/a.jpg?expires=1&signature=x".to_owned(),
            bytes: None,
        };
        assert_eq!(item.cache_key(), "http://127.0.0.1:1/files/demo/a.jpg");
    }
}
