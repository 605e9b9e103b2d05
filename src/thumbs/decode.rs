//! Decoding for the gallery and the viewer: JPEGs are decoded *downscaled* in the DCT
//! domain (a 1/2, 1/4 or 1/8 IDCT), so a 2480×3508 scan becomes 310×439 pixels without
//! the full 26 MB image ever existing; then a small resize gives the exact size.
//! libjpeg-turbo (SIMD Huffman decoding and IDCT) decodes; what it refuses (CMYK, a
//! damaged or cut file) goes to jpeg-decoder, which decodes it or words the error.
//! Anything else that claims to be an image (a PNG named `.jpg`) goes through `image`
//! with memory limits. Hostile headers are refused before any pixel is allocated.

use std::io::Cursor;

/// Images above this many pixels are refused (a 20000×20000 header, say).
pub const MAX_PIXELS: u64 = 120_000_000;
/// The most memory one decode may take.
const MAX_DECODE_BYTES: usize = 512 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the file is empty")]
    Empty,
    #[error("not an image (unknown format)")]
    NotAnImage,
    #[error("the image is {width}×{height} pixels, larger than this app opens")]
    TooLarge { width: u32, height: u32 },
    #[error("the image is damaged: {0}")]
    Corrupt(String),
}

/// RGBA pixels, ready for a texture.
#[derive(Clone, PartialEq, Eq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
}

impl std::fmt::Debug for Pixels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pixels({}×{})", self.width, self.height)
    }
}

impl Pixels {
    pub fn bytes(&self) -> usize {
        self.rgba.len()
    }
}

/// The size that fits `width`×`height` inside `max_w`×`max_h`, keeping the aspect ratio
/// and never enlarging.
pub fn fit_size(width: u32, height: u32, max_w: u32, max_h: u32) -> (u32, u32) {
    if width <= max_w && height <= max_h {
        return (width.max(1), height.max(1));
    }
    let scale = (f64::from(max_w) / f64::from(width)).min(f64::from(max_h) / f64::from(height));
    (
        ((f64::from(width) * scale).round() as u32).max(1),
        ((f64::from(height) * scale).round() as u32).max(1),
    )
}

/// Decodes `bytes` to fit inside `max_w`×`max_h`.
pub fn decode_fit(bytes: &[u8], max_w: u32, max_h: u32) -> Result<Pixels, DecodeError> {
    decode_fit_with_source(bytes, max_w, max_h).map(|(pixels, _)| pixels)
}

/// Decodes `bytes` to fit inside `max_w`×`max_h`, and says how large the image itself
/// is (the viewer's 1:1 is one pixel of the scan, not of what was decoded).
pub fn decode_fit_with_source(
    bytes: &[u8],
    max_w: u32,
    max_h: u32,
) -> Result<(Pixels, [u32; 2]), DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    let (rgba, source) = if bytes.starts_with(&[0xFF, 0xD8]) {
        match decode_turbo(bytes, max_w, max_h) {
            Some(decoded) => decoded,
            None => decode_jpeg(bytes, max_w, max_h)?,
        }
    } else {
        let image = decode_other(bytes)?;
        let source = [image.width(), image.height()];
        (image, source)
    };
    Ok((resize_to_fit(rgba, max_w, max_h), source))
}

/// libjpeg-turbo's decode at the smallest of 1/8, 1/4, 1/2, 1 that still covers the
/// target; `None` for anything it does not decode cleanly (a warning counts), and for
/// images over [`MAX_PIXELS`], which [`decode_jpeg`] refuses with the reason.
fn decode_turbo(bytes: &[u8], max_w: u32, max_h: u32) -> Option<(image::RgbaImage, [u32; 2])> {
    let mut decompressor = turbojpeg::Decompressor::new().ok()?;
    let header = decompressor.read_header(bytes).ok()?;
    let (width, height) = (
        u32::try_from(header.width).ok()?,
        u32::try_from(header.height).ok()?,
    );
    if u64::from(width) * u64::from(height) > MAX_PIXELS || header.is_lossless {
        return None;
    }
    let (target_w, target_h) = fit_size(width, height, max_w, max_h);
    let scale = [1, 2, 4]
        .into_iter()
        .map(|n| turbojpeg::ScalingFactor::new(n, 8))
        .find(|&s| {
            let scaled = header.scaled(s);
            scaled.width >= target_w as usize && scaled.height >= target_h as usize
        })
        .unwrap_or(turbojpeg::ScalingFactor::ONE);
    decompressor.set_scaling_factor(scale).ok()?;
    let scaled = header.scaled(scale);
    let pixels = turbo_rgba(&mut decompressor, bytes, scaled.width, scaled.height)?;
    let (w, h) = (
        u32::try_from(scaled.width).ok()?,
        u32::try_from(scaled.height).ok()?,
    );
    image::RgbaImage::from_raw(w, h, pixels).map(|rgba| (rgba, [width, height]))
}

/// Decompresses `bytes` as RGBA at `width`×`height` (the header's size at the
/// decompressor's scale); `None` on any error or warning.
pub(super) fn turbo_rgba(
    decompressor: &mut turbojpeg::Decompressor,
    bytes: &[u8],
    width: usize,
    height: usize,
) -> Option<Vec<u8>> {
    let mut image = turbojpeg::Image {
        pixels: vec![0_u8; 4 * width * height],
        width,
        pitch: 4 * width,
        height,
        format: turbojpeg::PixelFormat::RGBA,
    };
    decompressor.decompress(bytes, image.as_deref_mut()).ok()?;
    Some(image.pixels)
}

fn decode_jpeg(
    bytes: &[u8],
    max_w: u32,
    max_h: u32,
) -> Result<(image::RgbaImage, [u32; 2]), DecodeError> {
    let corrupt = |e: jpeg_decoder::Error| DecodeError::Corrupt(e.to_string());
    let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(MAX_DECODE_BYTES);
    decoder.read_info().map_err(corrupt)?;
    let info = decoder
        .info()
        .ok_or_else(|| DecodeError::Corrupt("no image header".to_owned()))?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(DecodeError::TooLarge { width, height });
    }
    // The smallest DCT scale that is still at least the target size.
    let (target_w, target_h) = fit_size(width, height, max_w, max_h);
    let (scaled_w, scaled_h) = decoder
        .scale(
            target_w.min(u32::from(u16::MAX)) as u16,
            target_h.min(u32::from(u16::MAX)) as u16,
        )
        .map_err(corrupt)?;
    let pixels = decoder.decode().map_err(corrupt)?;
    let info = decoder
        .info()
        .ok_or_else(|| DecodeError::Corrupt("no image header".to_owned()))?;
    let (w, h) = (u32::from(scaled_w), u32::from(scaled_h));
    let count = (w as usize) * (h as usize);
    let mut rgba = Vec::with_capacity(count * 4);
    match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => {
            for px in pixels.chunks_exact(3).take(count) {
                rgba.extend_from_slice(&[px[0], px[1], px[2], 255]);
            }
        }
        jpeg_decoder::PixelFormat::L8 => {
            for &l in pixels.iter().take(count) {
                rgba.extend_from_slice(&[l, l, l, 255]);
            }
        }
        jpeg_decoder::PixelFormat::L16 => {
            for px in pixels.chunks_exact(2).take(count) {
                let l = px[0];
                rgba.extend_from_slice(&[l, l, l, 255]);
            }
        }
        jpeg_decoder::PixelFormat::CMYK32 => {
            // jpeg-decoder undoes Adobe's inversion: plain CMYK, 0 = no ink.
            for px in pixels.chunks_exact(4).take(count) {
                let k = 255 - u16::from(px[3]);
                let channel = |c: u8| ((255 - u16::from(c)) * k / 255) as u8;
                rgba.extend_from_slice(&[channel(px[0]), channel(px[1]), channel(px[2]), 255]);
            }
        }
    }
    if rgba.len() != count * 4 {
        return Err(DecodeError::Corrupt(
            "the image data is cut short".to_owned(),
        ));
    }
    image::RgbaImage::from_raw(w, h, rgba)
        .map(|image| (image, [width, height]))
        .ok_or_else(|| DecodeError::Corrupt("pixel count mismatch".to_owned()))
}

fn decode_other(bytes: &[u8]) -> Result<image::RgbaImage, DecodeError> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if reader.format().is_none() {
        return Err(DecodeError::NotAnImage);
    }
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES as u64);
    reader.limits(limits);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(DecodeError::TooLarge { width, height });
    }
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeError::Corrupt(e.to_string()))?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES as u64);
    reader.limits(limits);
    reader
        .decode()
        .map(|i| i.to_rgba8())
        .map_err(|e| DecodeError::Corrupt(e.to_string()))
}

fn resize_to_fit(image: image::RgbaImage, max_w: u32, max_h: u32) -> Pixels {
    let (w, h) = fit_size(image.width(), image.height(), max_w, max_h);
    if (w, h) == image.dimensions() {
        return Pixels {
            width: w,
            height: h,
            rgba: image.into_raw(),
        };
    }
    let rgba = resize_simd(&image, w, h).unwrap_or_else(|| {
        image::imageops::resize(&image, w, h, image::imageops::FilterType::Triangle).into_raw()
    });
    Pixels {
        width: w,
        height: h,
        rgba,
    }
}

/// A bilinear (triangle) resize in fixed point with SIMD, by pic-scale (hayro's resizer,
/// so no new crate): a third of `image`'s float resize here. The pixels are opaque, so
/// no premultiplying. `None` if pic-scale refuses the sizes.
fn resize_simd(image: &image::RgbaImage, width: u32, height: u32) -> Option<Vec<u8>> {
    use pic_scale::{ImageSize, ImageStore, ImageStoreMut, ResamplingFunction, Scaler};
    let (src_w, src_h) = (image.width() as usize, image.height() as usize);
    let (dst_w, dst_h) = (width as usize, height as usize);
    let source = ImageStore::<u8, 4>::from_slice(image.as_raw(), src_w, src_h).ok()?;
    let mut out = vec![0_u8; dst_w * dst_h * 4];
    let mut target = ImageStoreMut::<u8, 4>::from_slice(&mut out, dst_w, dst_h).ok()?;
    let plan = Scaler::new(ResamplingFunction::Bilinear)
        .plan_rgba_resampling(
            ImageSize::new(src_w, src_h),
            ImageSize::new(dst_w, dst_h),
            false,
        )
        .ok()?;
    plan.resample(&source, &mut target).ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u16, height: u16, color: jpeg_encoder::ColorType, progressive: bool) -> Vec<u8> {
        let channels = match color {
            jpeg_encoder::ColorType::Cmyk => 4,
            jpeg_encoder::ColorType::Luma => 1,
            _ => 3,
        };
        let mut pixels = Vec::new();
        for y in 0..height {
            for x in 0..width {
                for c in 0..channels {
                    pixels.push(((x as usize * 7 + y as usize * 3 + c * 50) % 256) as u8);
                }
            }
        }
        let mut out = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
        encoder.set_progressive(progressive);
        encoder
            .encode(&pixels, width, height, color)
            .expect("encode");
        out
    }

    #[test]
    fn a_scan_is_decoded_small_and_fits_the_box() {
        let bytes = jpeg(1240, 1754, jpeg_encoder::ColorType::Rgb, false);
        let thumb = decode_fit(&bytes, 256, 256).expect("decode");
        assert_eq!((thumb.width, thumb.height), (181, 256));
        assert_eq!(thumb.rgba.len(), 181 * 256 * 4);
    }

    #[test]
    fn libjpeg_turbo_decodes_scans_and_leaves_cmyk_and_cut_files_to_the_fallback() {
        let scan = jpeg(1240, 1754, jpeg_encoder::ColorType::Rgb, false);
        let (image, source) = decode_turbo(&scan, 256, 256).expect("libjpeg-turbo decodes it");
        // 1/4 scale: the smallest that still covers 181×256.
        assert_eq!(image.dimensions(), (310, 439));
        assert_eq!(source, [1240, 1754]);
        let grey = jpeg(300, 200, jpeg_encoder::ColorType::Luma, true);
        assert!(decode_turbo(&grey, 150, 150).is_some());
        let cmyk = jpeg(300, 200, jpeg_encoder::ColorType::Cmyk, false);
        assert!(decode_turbo(&cmyk, 150, 150).is_none());
        assert!(decode_turbo(&scan[..scan.len() / 2], 256, 256).is_none());
    }

    #[test]
    fn progressive_grey_and_cmyk_jpegs_decode() {
        for (color, progressive) in [
            (jpeg_encoder::ColorType::Rgb, true),
            (jpeg_encoder::ColorType::Luma, false),
            (jpeg_encoder::ColorType::Cmyk, false),
        ] {
            let bytes = jpeg(300, 200, color, progressive);
            let thumb = decode_fit(&bytes, 150, 150).expect("decode");
            assert_eq!((thumb.width, thumb.height), (150, 100), "{color:?}");
        }
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        assert_eq!(decode_fit(b"", 256, 256), Err(DecodeError::Empty));
        assert_eq!(
            decode_fit(b"hello, not an image", 256, 256),
            Err(DecodeError::NotAnImage)
        );
        let whole = jpeg(400, 300, jpeg_encoder::ColorType::Rgb, false);
        for cut in [2, 20, 200, whole.len() / 2] {
            assert!(
                matches!(
                    decode_fit(&whole[..cut], 256, 256),
                    Err(DecodeError::Corrupt(_))
                ),
                "cut at {cut}"
            );
        }
        let mut garbage = whole.clone();
        for byte in garbage.iter_mut().skip(600).step_by(7) {
            *byte ^= 0x5A;
        }
        // Garbled entropy data decodes to noise or fails; either way, no panic.
        let _ = decode_fit(&garbage, 256, 256);
    }

    #[test]
    fn a_huge_header_is_refused_before_decoding() {
        // A valid baseline JPEG of 8×8 whose SOF0 claims 20000×20000.
        let mut bytes = jpeg(8, 8, jpeg_encoder::ColorType::Rgb, false);
        let sof = bytes
            .windows(2)
            .position(|w| w == [0xFF, 0xC0])
            .expect("SOF0");
        bytes[sof + 5..sof + 7].copy_from_slice(&20000_u16.to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&20000_u16.to_be_bytes());
        assert_eq!(
            decode_fit(&bytes, 256, 256),
            Err(DecodeError::TooLarge {
                width: 20000,
                height: 20000
            })
        );
    }

    #[test]
    fn a_png_named_jpg_still_shows() {
        let mut png = Vec::new();
        image::RgbaImage::from_pixel(64, 32, image::Rgba([10, 20, 30, 255]))
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        let thumb = decode_fit(&png, 32, 32).expect("decode");
        assert_eq!((thumb.width, thumb.height), (32, 16));
    }

    #[test]
    fn the_simd_resize_agrees_with_image_s_triangle_filter() {
        let source = image::RgbaImage::from_fn(310, 439, |x, y| {
            image::Rgba([
                (x * 7 % 256) as u8,
                (y * 3 % 256) as u8,
                ((x + y) % 256) as u8,
                255,
            ])
        });
        let ours = resize_simd(&source, 181, 256).expect("resizes");
        let theirs =
            image::imageops::resize(&source, 181, 256, image::imageops::FilterType::Triangle);
        assert_eq!(ours.len(), theirs.as_raw().len());
        let worst = ours
            .iter()
            .zip(theirs.as_raw())
            .map(|(a, b)| a.abs_diff(*b))
            .max();
        let mean = ours
            .iter()
            .zip(theirs.as_raw())
            .map(|(a, b)| u64::from(a.abs_diff(*b)))
            .sum::<u64>() as f64
            / ours.len() as f64;
        assert!(mean < 2.0, "mean difference {mean}, worst {worst:?}");
        assert!(
            ours.chunks_exact(4).all(|px| px[3] == 255),
            "opaque stays opaque"
        );
    }

    #[test]
    fn fitting_keeps_the_ratio_and_never_enlarges() {
        assert_eq!(fit_size(2480, 3508, 256, 256), (181, 256));
        assert_eq!(fit_size(100, 50, 256, 256), (100, 50));
        assert_eq!(fit_size(4000, 10, 256, 256), (256, 1));
    }
}
