//! The renderer itself: hayro (pure Rust, so neither the demo nor the Lambda needs a
//! system library) draws a page at the configured dpi, refusing pages beyond the pixel
//! limit, and jpeg-encoder encodes it. Blocking, CPU-bound and unbounded in time and
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
    let mut jpeg = Vec::new();
    // The background is opaque white, so premultiplied RGBA is plain RGBA here.
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, quality);
    // Record the resolution, so viewers and printers size the page right.
    encoder.set_density(jpeg_encoder::PixelDensity::dpi(dpi.round() as u16));
    encoder
        .encode(
            pixmap.data_as_u8_slice(),
            w,
            h,
            jpeg_encoder::ColorType::Rgba,
        )
        .map_err(|e| PageError::new(reason::ENCODE_FAILED, format!("JPEG encoding failed: {e}")))?;
    Ok(Jpeg {
        bytes: jpeg,
        width: u32::from(w),
        height: u32::from(h),
    })
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
}
