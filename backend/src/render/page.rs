//! The renderer itself: hayro (pure Rust, so neither the demo nor the Lambda needs a
//! system library) draws a page at the configured dpi, refusing pages beyond the pixel
//! limit, and libjpeg-turbo encodes it. Blocking, CPU-bound and unbounded in time and
//! memory on a hostile PDF: the render process (`child`) is where it normally runs.

use std::sync::Arc;

use hayro::hayro_syntax::Pdf;
use hayro::hayro_syntax::page::Page;

use super::{Jpeg, PageError, PageSettings};
use crate::ConvertSettings;
use crate::contract::reason;

/// Opens a PDF and counts its pages; a file that is not a PDF, is encrypted or damaged,
/// or has no pages is a [`PageError`] with the matching reason.
pub fn count_pages(bytes: &Arc<Vec<u8>>) -> Result<u32, PageError> {
    let pdf = open(bytes)?;
    pages_of(&pdf)
}

/// Renders page `index` (0-based) and encodes it as JPEG.
pub fn render_page(
    bytes: &Arc<Vec<u8>>,
    index: usize,
    settings: &ConvertSettings,
) -> Result<Jpeg, PageError> {
    let pdf = open(bytes)?;
    render_page_of(&pdf, index, &PageSettings::from(settings))
}

/// Parses the PDF once, so the render process can answer many requests on it.
pub(super) fn open(bytes: &Arc<Vec<u8>>) -> Result<Pdf, PageError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PageError::new(
            reason::NOT_PDF,
            "not a PDF (no %PDF- header)",
        ));
    }
    Pdf::new(Arc::clone(bytes)).map_err(|e| match e {
        hayro::hayro_syntax::LoadPdfError::Decryption(_) => PageError::new(
            reason::ENCRYPTED_PDF,
            "the PDF is encrypted or password-protected",
        ),
        hayro::hayro_syntax::LoadPdfError::Invalid => {
            PageError::new(reason::DAMAGED_PDF, "the PDF is damaged and cannot be read")
        }
    })
}

pub(super) fn pages_of(pdf: &Pdf) -> Result<u32, PageError> {
    match pdf.pages().len() {
        0 => Err(PageError::new(reason::NO_PAGES, "the PDF has no pages")),
        n => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

pub(super) fn render_page_of(
    pdf: &Pdf,
    index: usize,
    settings: &PageSettings,
) -> Result<Jpeg, PageError> {
    let page = pdf.pages().get(index).ok_or_else(|| {
        PageError::new(
            reason::RENDER_FAILED,
            format!("page {} does not exist", index + 1),
        )
    })?;
    render_one(page, index, settings)
}

fn render_one(page: &Page<'_>, index: usize, settings: &PageSettings) -> Result<Jpeg, PageError> {
    use hayro::vello_cpu::color::palette::css::WHITE;
    let PageSettings {
        dpi,
        quality,
        max_side_pixels,
    } = *settings;
    let scale = dpi / 72.0;
    let (width_pt, height_pt) = page.render_dimensions();
    let (width, height) = (width_pt * scale, height_pt * scale);
    let limit = max_side_pixels as f32;
    if !(width >= 1.0 && height >= 1.0 && width <= limit && height <= limit) {
        return Err(PageError::new(
            reason::TOO_LARGE,
            format!(
                "page {} is {width:.0}×{height:.0} px at {dpi} dpi, beyond the {max_side_pixels} px limit",
                index + 1,
            ),
        ));
    }
    let interpreter = hayro::hayro_interpret::InterpreterSettings::default();
    let cache = hayro::RenderCache::new();
    let pixmap = hayro::render(
        page,
        &cache,
        &interpreter,
        &hayro::RenderSettings::default(),
        &hayro::PixmapSettings {
            x_scale: scale,
            y_scale: scale,
            bg_color: WHITE,
        },
    );
    let (w, h) = (pixmap.width(), pixmap.height());
    let jpeg = encode(pixmap.data_as_u8_slice(), w, h, quality, dpi)?;
    Ok(Jpeg {
        bytes: jpeg,
        width: u32::from(w),
        height: u32::from(h),
    })
}

/// Encodes premultiplied RGBA over an opaque white background (so plain RGBA) as a
/// baseline 4:2:0 JPEG (what pdftoppm writes, and what jpeg-encoder chose below quality
/// 90) with libjpeg-turbo: SIMD colour conversion, DCT and Huffman coding, about three
/// times jpeg-encoder's speed, which was half of a page's time. The JFIF header records
/// the resolution, so viewers and printers size the page right.
fn encode(
    rgba: &[u8],
    width: u16,
    height: u16,
    quality: u8,
    dpi: f32,
) -> Result<Vec<u8>, PageError> {
    let failed = |e: turbojpeg::Error| {
        PageError::new(reason::ENCODE_FAILED, format!("JPEG encoding failed: {e}"))
    };
    let image = turbojpeg::Image {
        pixels: rgba,
        width: usize::from(width),
        pitch: usize::from(width) * 4,
        height: usize::from(height),
        format: turbojpeg::PixelFormat::RGBA,
    };
    let mut compressor = turbojpeg::Compressor::new().map_err(failed)?;
    compressor
        .set_quality(i32::from(quality.clamp(1, 100)))
        .map_err(failed)?;
    let subsamp = if quality < 90 {
        turbojpeg::Subsamp::Sub2x2
    } else {
        turbojpeg::Subsamp::None
    };
    compressor.set_subsamp(subsamp).map_err(failed)?;
    let mut jpeg = compressor.compress_to_vec(image).map_err(failed)?;
    set_dpi(
        &mut jpeg,
        dpi.round().clamp(1.0, f32::from(u16::MAX)) as u16,
    );
    Ok(jpeg)
}

/// Writes `dpi` into the JFIF APP0 segment libjpeg-turbo puts right after SOI (units 1 =
/// dots per inch, then X and Y density, big-endian). Leaves any other layout alone.
fn set_dpi(jpeg: &mut [u8], dpi: u16) {
    if jpeg.len() >= 18 && jpeg[..4] == [0xFF, 0xD8, 0xFF, 0xE0] && &jpeg[6..11] == b"JFIF\0" {
        let [hi, lo] = dpi.to_be_bytes();
        jpeg[13] = 1;
        jpeg[14..18].copy_from_slice(&[hi, lo, hi, lo]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_pdfs_and_broken_pdfs_are_told_apart() {
        let not_pdf = count_pages(&Arc::new(b"hello".to_vec())).expect_err("not pdf");
        assert!(not_pdf.error.contains("not a PDF"));
        assert_eq!(not_pdf.reason, reason::NOT_PDF);
        let broken =
            count_pages(&Arc::new(b"%PDF-1.7\n1 0 obj garbage".to_vec())).expect_err("broken");
        assert!(broken.error.contains("damaged"));
        assert_eq!(broken.reason, reason::DAMAGED_PDF);
    }

    #[test]
    fn a_page_is_a_baseline_420_jpeg_that_records_its_dpi() {
        let (w, h) = (64u16, 48u16);
        let rgba: Vec<u8> = (0..usize::from(w) * usize::from(h))
            .flat_map(|i| [(i % 251) as u8, 40, 200, 255])
            .collect();
        let jpeg = encode(&rgba, w, h, 85, 150.0).expect("encodes");
        assert_eq!(
            &jpeg[13..18],
            &[1, 0, 150, 0, 150],
            "JFIF units and density"
        );
        let header = turbojpeg::read_header(&jpeg).expect("a JPEG");
        assert_eq!((header.width, header.height), (64, 48));
        assert_eq!(header.subsamp, turbojpeg::Subsamp::Sub2x2);
        let decoded = turbojpeg::decompress(&jpeg, turbojpeg::PixelFormat::RGB).expect("decodes");
        let at = (10 * decoded.pitch) + 10 * 3;
        let pixel = &decoded.pixels[at..at + 3];
        assert!(
            pixel[2] > 150 && pixel[1] < 90,
            "colours survive: {pixel:?}"
        );
        let fine = encode(&rgba, w, h, 95, 300.0).expect("encodes");
        assert_eq!(
            turbojpeg::read_header(&fine).expect("a JPEG").subsamp,
            turbojpeg::Subsamp::None
        );
        assert_eq!(&fine[13..18], &[1, 1, 44, 1, 44]);
    }
}
