//! PDF pages to JPEGs: hayro (pure Rust, so neither the demo nor the Lambda needs a system
//! library) renders a page at the configured dpi, refusing pages beyond the pixel limit,
//! and jpeg-encoder encodes it. Blocking and CPU-bound: call on a blocking thread.

use std::sync::Arc;

use crate::ConvertSettings;
use crate::contract::reason;

/// Why a PDF or page failed: a [`reason`] code and English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageError {
    pub reason: &'static str,
    pub error: String,
}

impl PageError {
    pub fn new(reason: &'static str, error: impl Into<String>) -> Self {
        Self {
            reason,
            error: error.into(),
        }
    }
}

/// A rendered page: the JPEG and its size in pixels.
pub struct Jpeg {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Opens a PDF and counts its pages; a file that is not a PDF, is encrypted or damaged,
/// or has no pages is a [`PageError`] with the matching reason.
pub fn count_pages(bytes: &Arc<Vec<u8>>) -> Result<u32, PageError> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(PageError::new(
            reason::NOT_PDF,
            "not a PDF (no %PDF- header)",
        ));
    }
    let pdf = hayro::hayro_syntax::Pdf::new(Arc::clone(bytes)).map_err(|e| match e {
        hayro::hayro_syntax::LoadPdfError::Decryption(_) => PageError::new(
            reason::ENCRYPTED_PDF,
            "the PDF is encrypted or password-protected",
        ),
        hayro::hayro_syntax::LoadPdfError::Invalid => {
            PageError::new(reason::DAMAGED_PDF, "the PDF is damaged and cannot be read")
        }
    })?;
    match pdf.pages().len() {
        0 => Err(PageError::new(reason::NO_PAGES, "the PDF has no pages")),
        n => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// Renders page `index` (0-based) and encodes it as JPEG.
pub fn render_page(
    bytes: &Arc<Vec<u8>>,
    index: usize,
    settings: &ConvertSettings,
) -> Result<Jpeg, PageError> {
    use hayro::vello_cpu::color::palette::css::WHITE;
    let pdf = hayro::hayro_syntax::Pdf::new(Arc::clone(bytes)).map_err(|_| {
        PageError::new(reason::DAMAGED_PDF, "the PDF is damaged and cannot be read")
    })?;
    let page = pdf.pages().get(index).ok_or_else(|| {
        PageError::new(
            reason::RENDER_FAILED,
            format!("page {} does not exist", index + 1),
        )
    })?;
    let scale = settings.dpi / 72.0;
    let (width_pt, height_pt) = page.render_dimensions();
    let (width, height) = (width_pt * scale, height_pt * scale);
    let limit = settings.max_side_pixels as f32;
    if !(width >= 1.0 && height >= 1.0 && width <= limit && height <= limit) {
        return Err(PageError::new(
            reason::TOO_LARGE,
            format!(
                "page {} is {width:.0}×{height:.0} px at {} dpi, beyond the {} px limit",
                index + 1,
                settings.dpi,
                settings.max_side_pixels
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
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, settings.quality);
    // Record the resolution, so viewers and printers size the page right.
    encoder.set_density(jpeg_encoder::PixelDensity::dpi(settings.dpi.round() as u16));
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
