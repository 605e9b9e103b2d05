//! One page to one JPEG: hayro renders it at the configured dpi (refusing pages beyond
//! the pixel limit), jpeg-encoder encodes it, and the file is written atomically.

use std::path::Path;
use std::sync::Arc;

use super::ConvertSettings;
use super::results::{PageError, reason};
use crate::local::files;

/// Renders page `index` (0-based) to an RGBA pixmap and encodes it as JPEG.
pub fn render_page(
    bytes: &Arc<Vec<u8>>,
    index: usize,
    settings: &ConvertSettings,
) -> Result<(Vec<u8>, u32, u32), PageError> {
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
    Ok((jpeg, u32::from(w), u32::from(h)))
}

pub(super) fn write_atomically(
    bucket_dir: &Path,
    path: &Path,
    bytes: &[u8],
) -> std::io::Result<()> {
    files::prepare_write(bucket_dir, path)?;
    let tmp = path.with_extension("jpg.part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
