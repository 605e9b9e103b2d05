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
    let (w, h) = (width as u16, height as u16);
    // The canvas of the page before, when this thread has one: its render context, pixel
    // buffer and encoder are reused, so a page doesn't allocate (and fault in, and zero)
    // another 8.7 MB at 150 dpi. Taken out while in use, so a panic drops it.
    let mut canvas = CANVAS
        .with(std::cell::Cell::take)
        .unwrap_or_else(|| Canvas::new(w, h));
    let jpeg = canvas.draw(page, scale, w, h, quality, dpi);
    if canvas.pixels.len() <= KEEP_CANVAS_BYTES {
        CANVAS.with(|slot| slot.set(Some(canvas)));
    }
    let jpeg = jpeg?;
    Ok(Jpeg {
        bytes: jpeg,
        width: u32::from(w),
        height: u32::from(h),
    })
}

/// A larger canvas (a page beyond about A3 at 150 dpi) is freed after its page rather than
/// held by the thread.
const KEEP_CANVAS_BYTES: usize = 32 << 20;

thread_local! {
    static CANVAS: std::cell::Cell<Option<Canvas>> = const { std::cell::Cell::new(None) };
}

/// What drawing and encoding a page needs, kept between pages on one thread.
struct Canvas {
    context: hayro::vello_cpu::RenderContext,
    pixels: Vec<u8>,
    compressor: Option<turbojpeg::Compressor>,
}

impl Canvas {
    fn new(width: u16, height: u16) -> Self {
        Self {
            context: hayro::vello_cpu::RenderContext::new(width, height),
            pixels: Vec::new(),
            compressor: None,
        }
    }

    /// What `hayro::render` does, into this canvas: the context reset to the page's size,
    /// the pixels overwritten whole (the scene covers the buffer, so nothing is cleared
    /// twice), then encoded.
    fn draw(
        &mut self,
        page: &Page<'_>,
        scale: f32,
        width: u16,
        height: u16,
        quality: u8,
        dpi: f32,
    ) -> Result<Vec<u8>, PageError> {
        use hayro::hayro_interpret::util::TransformExt;
        use hayro::vello_cpu::color::palette::css::WHITE;
        use hayro::vello_cpu::{PixmapMut, RasterizerSettings, Resources, TargetInit};
        self.context.reset_and_resize(width, height);
        let transform =
            hayro::kurbo::Affine::scale(f64::from(scale)) * page.initial_transform(true).to_kurbo();
        hayro::render_into(
            page,
            &hayro::RenderCache::new(),
            &hayro::hayro_interpret::InterpreterSettings::default(),
            // Unhinted glyphs, as pdftoppm draws them (Splash's FreeType hinting is off
            // unless asked for): a tenth of a page's time here, and at 150 dpi and above
            // hinting changes little but the glyphs' shapes.
            &hayro::RenderSettings {
                hinting: false,
                ..hayro::RenderSettings::default()
            },
            &mut self.context,
            transform,
        );
        self.context.flush();
        let len = usize::from(width) * usize::from(height) * 4;
        self.pixels.resize(len, 0);
        let target = PixmapMut::new(width, height, &mut self.pixels).ok_or_else(|| {
            PageError::new(
                reason::RENDER_FAILED,
                "the page's pixel buffer has the wrong size",
            )
        })?;
        self.context.render_with(
            target,
            &mut Resources::default(),
            RasterizerSettings {
                target_init: TargetInit::Clear(WHITE),
                ..Default::default()
            },
        );
        let compressor = match &mut self.compressor {
            Some(compressor) => compressor,
            None => self
                .compressor
                .insert(turbojpeg::Compressor::new().map_err(encode_failed)?),
        };
        encode(compressor, &self.pixels, width, height, quality, dpi)
    }
}

#[expect(clippy::needless_pass_by_value, reason = "the shape map_err hands it")]
fn encode_failed(e: turbojpeg::Error) -> PageError {
    PageError::new(reason::ENCODE_FAILED, format!("JPEG encoding failed: {e}"))
}

/// Encodes premultiplied RGBA over an opaque white background (so plain RGBA) as a
/// baseline 4:2:0 JPEG (what pdftoppm writes, and what jpeg-encoder chose below quality
/// 90) with libjpeg-turbo: SIMD colour conversion, DCT and Huffman coding, about three
/// times jpeg-encoder's speed, which was half of a page's time. The JFIF header records
/// the resolution, so viewers and printers size the page right.
fn encode(
    compressor: &mut turbojpeg::Compressor,
    rgba: &[u8],
    width: u16,
    height: u16,
    quality: u8,
    dpi: f32,
) -> Result<Vec<u8>, PageError> {
    let failed = encode_failed;
    let image = turbojpeg::Image {
        pixels: rgba,
        width: usize::from(width),
        pitch: usize::from(width) * 4,
        height: usize::from(height),
        format: turbojpeg::PixelFormat::RGBA,
    };
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
    fn a_reused_canvas_draws_what_a_fresh_one_draws() {
        let demo = |name: &str| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../assets/demo")
                .join(name);
            Arc::new(std::fs::read(path).expect("a demo PDF"))
        };
        let (hotel, konbini) = (
            demo("2024-06-hotel-3pages.pdf"),
            demo("2024-05-konbini.pdf"),
        );
        let settings = ConvertSettings::default();
        let draw = |pdf: &Arc<Vec<u8>>| render_page(pdf, 0, &settings).expect("renders");
        let forget = || CANVAS.with(std::cell::Cell::take);
        forget();
        let hotel_fresh = draw(&hotel);
        forget();
        let konbini_fresh = draw(&konbini);
        assert_ne!(
            (hotel_fresh.width, hotel_fresh.height),
            (konbini_fresh.width, konbini_fresh.height),
            "two page sizes, so the canvas is resized"
        );
        // Now each draws on the canvas the other left: resized, not cleared.
        let hotel_reused = draw(&hotel);
        let konbini_reused = draw(&konbini);
        assert!(
            hotel_reused.bytes == hotel_fresh.bytes,
            "the hotel page differs"
        );
        assert!(
            konbini_reused.bytes == konbini_fresh.bytes,
            "the konbini page differs"
        );
    }

    #[test]
    fn a_page_is_a_baseline_420_jpeg_that_records_its_dpi() {
        let (w, h) = (64u16, 48u16);
        let rgba: Vec<u8> = (0..usize::from(w) * usize::from(h))
            .flat_map(|i| [(i % 251) as u8, 40, 200, 255])
            .collect();
        let mut compressor = turbojpeg::Compressor::new().expect("libjpeg-turbo");
        let jpeg = encode(&mut compressor, &rgba, w, h, 85, 150.0).expect("encodes");
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
        let fine = encode(&mut compressor, &rgba, w, h, 95, 300.0).expect("encodes");
        assert_eq!(
            turbojpeg::read_header(&fine).expect("a JPEG").subsamp,
            turbojpeg::Subsamp::None
        );
        assert_eq!(&fine[13..18], &[1, 1, 44, 1, 44]);
    }
}
