//! The disk cache of thumbnails: one small file per object, named by the SHA-256 of its
//! URL path, holding the source size and `ETag` and the thumbnail as a JPEG. A file that
//! cannot be read is a miss (and is replaced on the next download), never an error.
//! Kept under a size limit: a hit marks its file used (its modification time), and when
//! the files outgrow the limit the least recently used go until 90 % of it is left.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use sha2::Digest as _;

use super::decode::Pixels;

const MAGIC: &[u8; 4] = b"RDT1";
const QUALITY: u8 = 90;

/// The bytes used not yet counted (the first write counts the folder).
const UNCOUNTED: u64 = u64::MAX;

#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
    /// Bytes the files may take; 0 is no limit.
    limit: Arc<AtomicU64>,
    /// Bytes the files take, as far as this process knows ([`UNCOUNTED`] before the
    /// first count).
    used: Arc<AtomicU64>,
}

impl DiskCache {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            limit: Arc::new(AtomicU64::new(
                u64::from(crate::prefs::DEFAULT_THUMBNAIL_CACHE_MB) << 20,
            )),
            used: Arc::new(AtomicU64::new(UNCOUNTED)),
        }
    }

    /// Keeps the files under `bytes` (0: no limit) from the next write on.
    pub fn set_limit(&self, bytes: u64) {
        self.limit.store(bytes, Ordering::Relaxed);
        self.used.store(UNCOUNTED, Ordering::Relaxed);
    }

    /// The platform cache dir (`~/.cache/receipt-desk/thumbs` on Linux).
    pub fn platform() -> Option<Self> {
        directories::ProjectDirs::from("", "", "receipt-desk")
            .map(|d| Self::new(d.cache_dir().join("thumbs")))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> PathBuf {
        let digest = sha2::Sha256::digest(key.as_bytes());
        let name = digest
            .iter()
            .fold(String::with_capacity(64), |mut name, b| {
                let _ = std::fmt::Write::write_fmt(&mut name, format_args!("{b:02x}"));
                name
            });
        self.dir.join(format!("{name}.rdt"))
    }

    /// The cached thumbnail, when there is one for this size of the object.
    pub async fn get(&self, key: &str, source_bytes: Option<u64>) -> Option<Pixels> {
        let path = self.path(key);
        tokio::task::spawn_blocking(move || {
            let pixels = read(&path, source_bytes)?;
            // Used now: the last to go when the cache is trimmed.
            if let Ok(file) = std::fs::File::options().write(true).open(&path) {
                let _ = file.set_modified(SystemTime::now());
            }
            Some(pixels)
        })
        .await
        .ok()
        .flatten()
    }

    pub async fn put(&self, key: &str, etag: Option<&str>, source_bytes: u64, pixels: &Pixels) {
        let path = self.path(key);
        let etag = etag.unwrap_or_default().to_owned();
        let pixels = pixels.clone();
        let this = self.clone();
        let written = tokio::task::spawn_blocking(move || {
            let size = write(&path, &etag, source_bytes, &pixels)?;
            this.count_and_trim(size);
            Ok::<(), std::io::Error>(())
        })
        .await;
        if let Ok(Err(e)) = written {
            tracing::debug!(error = %e, "thumbnail not cached");
        }
    }

    /// After a write of `size` bytes: counts it, and trims when over the limit.
    fn count_and_trim(&self, size: u64) {
        let limit = self.limit.load(Ordering::Relaxed);
        if limit == 0 {
            return;
        }
        let used = self.used.load(Ordering::Relaxed);
        if used != UNCOUNTED {
            let used = self.used.fetch_add(size, Ordering::Relaxed) + size;
            if used <= limit {
                return;
            }
        }
        let kept = self.trim(limit);
        self.used.store(kept, Ordering::Relaxed);
    }

    /// Removes the least recently used files until 90 % of `limit` is left (when over
    /// it); returns the bytes kept.
    pub fn trim(&self, limit: u64) -> u64 {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return 0;
        };
        let mut files: Vec<(SystemTime, u64, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "rdt"))
            .filter_map(|e| {
                let meta = e.metadata().ok()?;
                meta.is_file().then(|| {
                    (
                        meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                        meta.len(),
                        e.path(),
                    )
                })
            })
            .collect();
        let mut total: u64 = files.iter().map(|(_, len, _)| len).sum();
        if total <= limit {
            return total;
        }
        files.sort_unstable();
        let target = limit / 10 * 9;
        for (_, len, path) in files {
            if total <= target {
                break;
            }
            if std::fs::remove_file(&path).is_ok() {
                total -= len;
            }
        }
        total
    }
}

fn read(path: &Path, source_bytes: Option<u64>) -> Option<Pixels> {
    let data = std::fs::read(path).ok()?;
    let rest = data.strip_prefix(MAGIC)?;
    let number = |bytes: &[u8], at: usize, len: usize| -> Option<u64> {
        let slice = bytes.get(at..at + len)?;
        Some(slice.iter().fold(0_u64, |n, b| (n << 8) | u64::from(*b)))
    };
    let width = u32::try_from(number(rest, 0, 4)?).ok()?;
    let height = u32::try_from(number(rest, 4, 4)?).ok()?;
    let size = number(rest, 8, 8)?;
    let etag_len = usize::try_from(number(rest, 16, 2)?).ok()?;
    let jpeg = rest.get(18 + etag_len..)?;
    if source_bytes.is_some_and(|expected| expected != size) {
        return None;
    }
    let mut decompressor = turbojpeg::Decompressor::new().ok()?;
    let header = decompressor.read_header(jpeg).ok()?;
    if (header.width as u64, header.height as u64) != (u64::from(width), u64::from(height)) {
        return None;
    }
    let rgba = super::decode::turbo_rgba(&mut decompressor, jpeg, header.width, header.height)?;
    Some(Pixels {
        width,
        height,
        rgba,
    })
}

/// The cache's JPEG of a thumbnail: quality 90, full chroma, by libjpeg-turbo.
pub fn encode_jpeg(pixels: &Pixels) -> std::io::Result<Vec<u8>> {
    let (Ok(width), Ok(height)) = (
        usize::try_from(pixels.width),
        usize::try_from(pixels.height),
    ) else {
        return Err(std::io::Error::other("thumbnail too large"));
    };
    if pixels.rgba.len() != width * height * 4 {
        return Err(std::io::Error::other("pixel count mismatch"));
    }
    let image = turbojpeg::Image {
        pixels: pixels.rgba.as_slice(),
        width,
        pitch: width * 4,
        height,
        format: turbojpeg::PixelFormat::RGBA,
    };
    let mut compressor = turbojpeg::Compressor::new().map_err(std::io::Error::other)?;
    compressor
        .set_quality(i32::from(QUALITY))
        .map_err(std::io::Error::other)?;
    compressor
        .set_subsamp(turbojpeg::Subsamp::None)
        .map_err(std::io::Error::other)?;
    compressor
        .compress_to_vec(image)
        .map_err(std::io::Error::other)
}

/// Writes one entry; returns its size (0 when nothing was written).
fn write(path: &Path, etag: &str, source_bytes: u64, pixels: &Pixels) -> std::io::Result<u64> {
    if u16::try_from(pixels.width).is_err() || u16::try_from(pixels.height).is_err() {
        return Ok(0);
    }
    let jpeg = encode_jpeg(pixels)?;
    let etag = &etag.as_bytes()[..etag.len().min(usize::from(u16::MAX))];
    let mut data = Vec::with_capacity(jpeg.len() + 64);
    data.extend_from_slice(MAGIC);
    data.extend_from_slice(&pixels.width.to_be_bytes());
    data.extend_from_slice(&pixels.height.to_be_bytes());
    data.extend_from_slice(&source_bytes.to_be_bytes());
    data.extend_from_slice(&(etag.len() as u16).to_be_bytes());
    data.extend_from_slice(etag);
    data.extend_from_slice(&jpeg);
    crate::fsutil::write_private_atomic(path, &data)?;
    Ok(data.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixels() -> Pixels {
        let (width, height) = (40, 30);
        let mut rgba = Vec::new();
        for i in 0..width * height {
            rgba.extend_from_slice(&[(i % 256) as u8, 100, 200, 255]);
        }
        Pixels {
            width,
            height,
            rgba,
        }
    }

    #[tokio::test]
    async fn a_thumbnail_comes_back_for_the_same_object_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = DiskCache::new(dir.path().to_owned());
        cache
            .put("http://h/files/a.jpg", Some("\"abc\""), 1234, &pixels())
            .await;
        let hit = cache
            .get("http://h/files/a.jpg", Some(1234))
            .await
            .expect("hit");
        assert_eq!((hit.width, hit.height), (40, 30));
        assert!(cache.get("http://h/files/a.jpg", None).await.is_some());
        // Another size: the object was replaced.
        assert!(cache.get("http://h/files/a.jpg", Some(999)).await.is_none());
        assert!(cache.get("http://h/files/b.jpg", None).await.is_none());
    }

    #[tokio::test]
    async fn a_damaged_entry_is_a_miss() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = DiskCache::new(dir.path().to_owned());
        cache.put("k", None, 1, &pixels()).await;
        let file = std::fs::read_dir(dir.path())
            .expect("list")
            .next()
            .expect("one file")
            .expect("entry")
            .path();
        let data = std::fs::read(&file).expect("read");
        std::fs::write(&file, &data[..data.len() / 2]).expect("cut");
        assert!(cache.get("k", None).await.is_none());
        std::fs::write(&file, b"").expect("empty");
        assert!(cache.get("k", None).await.is_none());
    }

    #[tokio::test]
    async fn over_its_limit_the_least_recently_used_go_first() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = DiskCache::new(dir.path().to_owned());
        cache.put("first", None, 1, &pixels()).await;
        let one = std::fs::metadata(cache.path("first"))
            .expect("written")
            .len();
        // Room for about three entries.
        cache.set_limit(one * 3 + one / 2);
        cache.put("second", None, 1, &pixels()).await;
        cache.put("third", None, 1, &pixels()).await;
        // The first is used again (its file marked), so the second is the oldest now.
        let past = SystemTime::now() - std::time::Duration::from_mins(1);
        for key in ["second", "third"] {
            let file = std::fs::File::options()
                .write(true)
                .open(cache.path(key))
                .expect("open");
            file.set_modified(past).expect("mtime");
        }
        assert!(cache.get("first", Some(1)).await.is_some());
        cache.put("fourth", None, 1, &pixels()).await;
        let kept: Vec<bool> = ["first", "second", "third", "fourth"]
            .iter()
            .map(|k| cache.path(k).exists())
            .collect();
        assert_eq!(kept.iter().filter(|k| **k).count(), 3, "{kept:?}");
        assert!(kept[0] && kept[3], "the recently used stay: {kept:?}");
        assert!(!kept[1] || !kept[2]);
    }
}
