//! The viewer: one page, decoded at the screen's resolution and again at the scan's own
//! size once zoomed past it (small print stays sharp), zoomed with the wheel (centred on
//! the cursor), a pinch or +/−, panned by dragging, next/previous with the arrow keys,
//! Fit (0) and 1:1 (1: one scan pixel per screen pixel), Save… and Open in the system's
//! viewer.

use std::path::PathBuf;
use std::sync::Arc;

use poll_promise::Promise;

use super::App;
use crate::i18n::ui::viewer as t;
use crate::thumbs::{self, FetchError, Item, Pixels};

/// Zoom limits, in screen pixels per scan pixel.
const MIN_ZOOM: f32 = 0.02;
const MAX_ZOOM: f32 = 8.0;
/// One step of the buttons and keys: ±25 % of what is on screen.
const STEP: f32 = 1.25;

type Decoded = Result<(Pixels, [u32; 2]), FetchError>;

pub struct Viewer {
    index: usize,
    key: String,
    url: String,
    loading: Option<Promise<Decoded>>,
    texture: Option<egui::TextureHandle>,
    /// The scan's own size; the texture may be smaller (decoded to fit the screen).
    source: Option<[u32; 2]>,
    /// The full-size decode was asked for (zoomed past the decoded size).
    full_requested: bool,
    error: Option<String>,
    /// `None` fits the page to the view; otherwise screen pixels per scan pixel.
    zoom: Option<f32>,
    /// The fit zoom of the last frame, measured on the page's own area: what Zoom in
    /// and Zoom out step from while the page is fitted.
    fit: Option<f32>,
    pan: egui::Vec2,
    saving: Option<Promise<Result<Option<PathBuf>, String>>>,
    saved: Option<Result<PathBuf, String>>,
    opening: Option<Promise<Result<PathBuf, String>>>,
}

impl Viewer {
    pub fn index(&self) -> usize {
        self.index
    }

    /// Screen pixels per scan pixel, or `None` while the page is fitted to the view.
    pub fn zoom(&self) -> Option<f32> {
        self.zoom
    }

    /// What is on screen now, in screen pixels per scan pixel (fitted or not).
    pub fn shown_zoom(&self) -> Option<f32> {
        self.zoom.or(self.fit)
    }

    pub fn is_loaded(&self) -> bool {
        self.texture.is_some()
    }

    /// The size of the decoded page on the GPU, and of the scan itself.
    pub fn sizes(&self) -> Option<([usize; 2], [u32; 2])> {
        Some((self.texture.as_ref()?.size(), self.source?))
    }

    fn step_zoom(&mut self, factor: f32) {
        if let Some(current) = self.shown_zoom() {
            self.zoom = Some((current * factor).clamp(MIN_ZOOM, MAX_ZOOM));
        }
    }
}

/// The zoom as a person reads it: 100 % is one scan pixel per screen pixel.
fn percent(zoom: f32) -> String {
    format!("{:.0} %", zoom * 100.0)
}

impl App {
    pub(super) fn open_viewer(&mut self, index: usize, shown: &[(Item, Option<u32>)]) {
        let Some((item, _)) = shown.get(index) else {
            return;
        };
        let ctx = self.tasks.ctx().clone();
        let screen = ctx.content_rect().size() * ctx.pixels_per_point();
        let (max_w, max_h) = (screen.x.max(640.0) as u32, screen.y.max(480.0) as u32);
        let thumbnailer = Arc::clone(&self.thumbnailer);
        let url = item.url.clone();
        self.gallery.viewer = Some(Viewer {
            index,
            key: item.key.clone(),
            url: item.url.clone(),
            loading: Some(
                self.tasks
                    .spawn(async move { thumbnailer.page(&url, max_w, max_h).await }),
            ),
            texture: None,
            source: None,
            full_requested: false,
            error: None,
            zoom: None,
            fit: None,
            pan: egui::Vec2::ZERO,
            saving: None,
            saved: None,
            opening: None,
        });
    }

    /// Zoomed past what was decoded: decode the scan at its own size, once.
    fn decode_full_size_if_needed(&mut self) {
        let Some(viewer) = self.gallery.viewer.as_mut() else {
            return;
        };
        let (Some(zoom), Some(texture), Some([sw, sh])) =
            (viewer.zoom, viewer.texture.as_ref(), viewer.source)
        else {
            return;
        };
        let decoded = texture.size()[0] as f32 / sw as f32;
        if viewer.full_requested || viewer.loading.is_some() || zoom <= decoded * 1.01 {
            return;
        }
        viewer.full_requested = true;
        let thumbnailer = Arc::clone(&self.thumbnailer);
        let url = viewer.url.clone();
        viewer.loading = Some(
            self.tasks
                .spawn(async move { thumbnailer.page(&url, sw, sh).await }),
        );
    }

    pub(super) fn poll_viewer(&mut self, ctx: &egui::Context) {
        let Some(viewer) = &mut self.gallery.viewer else {
            return;
        };
        if viewer.loading.as_ref().is_some_and(|p| p.ready().is_some())
            && let Some(Ok(result)) = viewer.loading.take().map(Promise::try_take)
        {
            match result {
                Ok((pixels, source)) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied(
                        [pixels.width as usize, pixels.height as usize],
                        &pixels.rgba,
                    );
                    viewer.source = Some(source);
                    viewer.texture =
                        Some(ctx.load_texture("viewer-page", image, egui::TextureOptions::LINEAR));
                }
                // A failed full-size decode keeps the page that is already shown.
                Err(e) if viewer.texture.is_some() => {
                    crate::logging::note_problem(format!("viewer: full-size decode: {e}"));
                }
                Err(e) => viewer.error = Some(e.to_string()),
            }
        }
        if viewer.saving.as_ref().is_some_and(|p| p.ready().is_some())
            && let Some(Ok(result)) = viewer.saving.take().map(Promise::try_take)
        {
            // A cancelled dialog is no error: nothing to say.
            viewer.saved = result.transpose();
        }
        if viewer.opening.as_ref().is_some_and(|p| p.ready().is_some())
            && let Some(Ok(result)) = viewer.opening.take().map(Promise::try_take)
        {
            match result {
                Ok(path) => {
                    ctx.open_url(egui::OpenUrl::new_tab(format!("file://{}", path.display())));
                }
                Err(e) => viewer.saved = Some(Err(e)),
            }
        }
    }

    pub(super) fn viewer(&mut self, ui: &mut egui::Ui, shown: &[(Item, Option<u32>)]) {
        let lang = self.lang;
        let Some(index) = self.gallery.viewer.as_ref().map(Viewer::index) else {
            return;
        };
        let count = shown.len();
        let mut go = None;
        let mut close = false;
        let mut save = false;
        let mut open = false;
        let (prev, next, fit, one, zoom_in, zoom_out, escape) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::ArrowLeft),
                i.key_pressed(egui::Key::ArrowRight),
                i.key_pressed(egui::Key::Num0),
                i.key_pressed(egui::Key::Num1),
                i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals),
                i.key_pressed(egui::Key::Minus),
                i.key_pressed(egui::Key::Escape),
            )
        });
        ui.horizontal_wrapped(|ui| {
            if ui.button(lang.text(t::BACK_TO_THE_GALLERY)).clicked() || escape {
                close = true;
            }
            if ui
                .add_enabled(index > 0, egui::Button::new(lang.text(t::PREVIOUS)))
                .clicked()
                || (prev && index > 0)
            {
                go = Some(index - 1);
            }
            if ui
                .add_enabled(index + 1 < count, egui::Button::new(lang.text(t::NEXT)))
                .clicked()
                || (next && index + 1 < count)
            {
                go = Some(index + 1);
            }
            ui.label(format!("{} / {count}", index + 1));
            let viewer = self.gallery.viewer.as_mut();
            if let Some(viewer) = viewer {
                if ui.button(lang.text(t::FIT)).clicked() || fit {
                    viewer.zoom = None;
                    viewer.pan = egui::Vec2::ZERO;
                }
                if ui.button("1:1").clicked() || one {
                    viewer.zoom = Some(1.0);
                }
                if ui.button(lang.text(t::ZOOM_OUT)).clicked() || zoom_out {
                    viewer.step_zoom(1.0 / STEP);
                }
                if let Some(zoom) = viewer.shown_zoom() {
                    ui.label(percent(zoom))
                        .on_hover_text(lang.text(t::N_100_IS_ONE_SCAN_PIXEL_PER));
                }
                if ui.button(lang.text(t::ZOOM_IN)).clicked() || zoom_in {
                    viewer.step_zoom(STEP);
                }
                if ui.button(lang.text(t::SAVE)).clicked() {
                    save = true;
                }
                if ui
                    .add_enabled(
                        viewer.opening.is_none(),
                        egui::Button::new(lang.text(t::OPEN)),
                    )
                    .on_hover_text(lang.text(t::OPEN_THE_PAGE_IN_THE_SYSTEM))
                    .clicked()
                {
                    open = true;
                }
                ui.label(thumbs::file_name(&viewer.key));
            }
        });
        if let Some(viewer) = &self.gallery.viewer {
            match &viewer.saved {
                Some(Ok(path)) => {
                    let path = path.clone();
                    ui.label(t::saved_to(&path, lang));
                }
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                None => {}
            }
        }
        self.page_view(ui);
        self.decode_full_size_if_needed();
        if close {
            self.gallery.viewer = None;
        } else if let Some(index) = go {
            self.open_viewer(index, shown);
        } else if save && let Some((item, _)) = shown.get(index) {
            self.save_one(item);
        } else if open && let Some((item, _)) = shown.get(index) {
            self.open_in_system_viewer(item);
        }
    }

    fn page_view(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        let Some(viewer) = self.gallery.viewer.as_mut() else {
            return;
        };
        let (rect, response) = ui.allocate_exact_size(ui.available_size(), egui::Sense::drag());
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, 0.0, ui.visuals().extreme_bg_color);
        if let Some(error) = &viewer.error {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                error,
                egui::FontId::proportional(14.0),
                ui.visuals().error_fg_color,
            );
            return;
        }
        let Some(texture) = viewer.texture.clone() else {
            painter.text(
                rect.center(),
                egui::Align2::CENTER_CENTER,
                lang.text(t::LOADING),
                egui::FontId::proportional(14.0),
                ui.visuals().weak_text_color(),
            );
            return;
        };
        let ppp = ui.ctx().pixels_per_point();
        let [w, h] = viewer
            .source
            .map_or_else(|| texture.size().map(|v| v as f32), |s| s.map(|v| v as f32));
        // Screen pixels per scan pixel that fit the page into its own area.
        let fit = (rect.width() / w).min(rect.height() / h) * ppp;
        viewer.fit = Some(fit);
        if response.hovered() {
            let (scroll, pinch, cursor_at) = ui.input(|i| {
                (
                    i.smooth_scroll_delta.y,
                    i.zoom_delta(),
                    i.pointer.hover_pos(),
                )
            });
            if scroll.abs() > f32::EPSILON || (pinch - 1.0).abs() > f32::EPSILON {
                let before = viewer.zoom.unwrap_or(fit);
                let after = (before * pinch * (scroll * 0.002).exp()).clamp(MIN_ZOOM, MAX_ZOOM);
                // Keep the scan point under the cursor where it is.
                if let Some(cursor) = cursor_at {
                    let centre = rect.center() + viewer.pan;
                    let new_centre = cursor - (cursor - centre) * (after / before);
                    viewer.pan = new_centre - rect.center();
                }
                viewer.zoom = Some(after);
            }
        }
        if response.dragged() {
            viewer.pan += response.drag_delta();
        }
        let scale = viewer.zoom.unwrap_or(fit) / ppp;
        let size = egui::vec2(w * scale, h * scale);
        let image_rect = egui::Rect::from_center_size(rect.center() + viewer.pan, size);
        painter.image(
            texture.id(),
            image_rect,
            egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
            egui::Color32::WHITE,
        );
    }

    fn save_one(&mut self, item: &Item) {
        let dialog = self.dialogs.save_image(thumbs::file_name(&item.key));
        let thumbnailer = Arc::clone(&self.thumbnailer);
        let url = item.url.clone();
        if let Some(viewer) = self.gallery.viewer.as_mut() {
            viewer.saved = None;
            viewer.saving = Some(self.tasks.spawn(async move {
                let Some(path) = dialog.await else {
                    return Ok(None);
                };
                thumbnailer
                    .save(&url, &path)
                    .await
                    .map(|()| Some(path))
                    .map_err(|e| e.to_string())
            }));
        }
    }

    /// Hands the page (at full size) to the system's image viewer.
    fn open_in_system_viewer(&mut self, item: &Item) {
        let work = crate::save::page_for_viewer(
            Arc::clone(&self.thumbnailer),
            item.url.clone(),
            thumbs::file_name(&item.key),
        );
        if let Some(viewer) = self.gallery.viewer.as_mut() {
            viewer.opening = Some(self.tasks.spawn(work));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(fit: Option<f32>, zoom: Option<f32>) -> Viewer {
        Viewer {
            index: 0,
            key: "a.jpg".to_owned(),
            url: String::new(),
            loading: None,
            texture: None,
            source: Some([2480, 3508]),
            full_requested: false,
            error: None,
            zoom,
            fit,
            pan: egui::Vec2::ZERO,
            saving: None,
            saved: None,
            opening: None,
        }
    }

    #[test]
    fn zoom_steps_a_quarter_from_what_is_on_screen_and_never_to_a_dot() {
        let mut fitted = viewer(Some(0.2), None);
        fitted.step_zoom(STEP);
        assert_eq!(
            fitted.zoom(),
            Some(0.25),
            "from the fitted size, not from 1:1"
        );
        fitted.step_zoom(1.0 / STEP);
        assert!((fitted.shown_zoom().expect("zoom") - 0.2).abs() < 1e-6);
        let mut tiny = viewer(Some(MIN_ZOOM), None);
        tiny.step_zoom(1.0 / STEP);
        assert_eq!(tiny.zoom(), Some(MIN_ZOOM));
        let mut unknown = viewer(None, None);
        unknown.step_zoom(STEP);
        assert_eq!(
            unknown.zoom(),
            None,
            "nothing on screen yet: nothing to step from"
        );
        assert_eq!(percent(1.0), "100 %");
    }
}
