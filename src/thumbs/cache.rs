//! The disk cache of thumbnails: one small file per object, named by the SHA-256 of its
//! URL path, holding the source size and `ETag` and the thumbnail as a JPEG. A file that
//! cannot be read is a miss (and is replaced on the next download), never an error.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use sha2::Digest as _;

use super::decode::Pixels;

const MAGIC: &[u8; 4] = b"RDT1";
const QUALITY: u8 = 90;

#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: PathBuf,
}

impl DiskCache {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
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
        tokio::task::spawn_blocking(move || read(&path, source_bytes))
            .await
            .ok()
            .flatten()
    }

    pub async fn put(&self, key: &str, etag: Option<&str>, source_bytes: u64, pixels: &Pixels) {
        let path = self.path(key);
        let etag = etag.unwrap_or_default().to_owned();
        let pixels = pixels.clone();
        let written =
            tokio::task::spawn_blocking(move || write(&path, &etag, source_bytes, &pixels)).await;
        if let Ok(Err(e)) = written {
            tracing::debug!(error = %e, "thumbnail not cached");
        }
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
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(jpeg));
    let rgb = decoder.decode().ok()?;
    let info = decoder.info()?;
    if (u32::from(info.width), u32::from(info.height)) != (width, height)
        || info.pixel_format != jpeg_decoder::PixelFormat::RGB24
    {
        return None;
    }
    let mut rgba = Vec::with_capacity(rgb.len() / 3 * 4);
    for px in rgb.chunks_exact(3) {
        rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
    }
    Some(Pixels {
        width,
        height,
        rgba,
    })
}

fn write(path: &Path, etag: &str, source_bytes: u64, pixels: &Pixels) -> std::io::Result<()> {
    let (Ok(width), Ok(height)) = (u16::try_from(pixels.width), u16::try_from(pixels.height))
    else {
        return Ok(());
    };
    let mut jpeg = Vec::new();
    jpeg_encoder::Encoder::new(&mut jpeg, QUALITY)
        .encode(&pixels.rgba, width, height, jpeg_encoder::ColorType::Rgba)
        .map_err(std::io::Error::other)?;
    let etag = &etag.as_bytes()[..etag.len().min(usize::from(u16::MAX))];
    let mut data = Vec::with_capacity(jpeg.len() + 64);
    data.extend_from_slice(MAGIC);
    data.extend_from_slice(&pixels.width.to_be_bytes());
    data.extend_from_slice(&pixels.height.to_be_bytes());
    data.extend_from_slice(&source_bytes.to_be_bytes());
    data.extend_from_slice(&(etag.len() as u16).to_be_bytes());
    data.extend_from_slice(etag);
    data.extend_from_slice(&jpeg);
    crate::fsutil::write_private_atomic(path, &data)
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
}
