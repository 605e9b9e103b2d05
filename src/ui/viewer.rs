//! The viewer: one page, decoded at the screen's resolution (never larger), zoomed with
//! the wheel, a pinch or +/−, panned by dragging, next/previous with the arrow keys, Fit
//! (0) and 1:1 (1), Save… and Open in the system's viewer.

use std::path::PathBuf;
use std::sync::Arc;

use poll_promise::Promise;

use super::App;
use crate::i18n::Lang;
use crate::thumbs::{self, FetchError, Item, Pixels};

const MIN_ZOOM: f32 = 0.1;
const MAX_ZOOM: f32 = 8.0;

pub struct Viewer {
    index: usize,
    key: String,
    loading: Option<Promise<Result<Pixels, FetchError>>>,
    texture: Option<egui::TextureHandle>,
    error: Option<String>,
    /// `None` fits the page to the view; otherwise screen pixels per image pixel.
    zoom: Option<f32>,
    pan: egui::Vec2,
    saving: Option<Promise<Result<PathBuf, String>>>,
    saved: Option<Result<PathBuf, String>>,
}

impl Viewer {
    pub fn index(&self) -> usize {
        self.index
    }

    pub fn zoom(&self) -> Option<f32> {
        self.zoom
    }

    pub fn is_loaded(&self) -> bool {
        self.texture.is_some()
    }
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
            loading: Some(
                self.tasks
                    .spawn(async move { thumbnailer.page(&url, max_w, max_h).await }),
            ),
            texture: None,
            error: None,
            zoom: None,
            pan: egui::Vec2::ZERO,
            saving: None,
            saved: None,
        });
    }

    pub(super) fn poll_viewer(&mut self, ctx: &egui::Context) {
        let Some(viewer) = &mut self.gallery.viewer else {
            return;
        };
        if viewer.loading.as_ref().is_some_and(|p| p.ready().is_some())
            && let Some(Ok(result)) = viewer.loading.take().map(Promise::try_take)
        {
            match result {
                Ok(pixels) => {
                    let image = egui::ColorImage::from_rgba_unmultiplied(
                        [pixels.width as usize, pixels.height as usize],
                        &pixels.rgba,
                    );
                    viewer.texture =
                        Some(ctx.load_texture("viewer-page", image, egui::TextureOptions::LINEAR));
                }
                Err(e) => viewer.error = Some(e.to_string()),
            }
        }
        if viewer.saving.as_ref().is_some_and(|p| p.ready().is_some())
            && let Some(Ok(result)) = viewer.saving.take().map(Promise::try_take)
        {
            viewer.saved = Some(result);
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
            if ui
                .button(lang.pick("Back to the gallery", "ギャラリーに戻る"))
                .clicked()
                || escape
            {
                close = true;
            }
            if ui
                .add_enabled(index > 0, egui::Button::new(lang.pick("Previous", "前へ")))
                .clicked()
                || (prev && index > 0)
            {
                go = Some(index - 1);
            }
            if ui
                .add_enabled(
                    index + 1 < count,
                    egui::Button::new(lang.pick("Next", "次へ")),
                )
                .clicked()
                || (next && index + 1 < count)
            {
                go = Some(index + 1);
            }
            ui.label(format!("{} / {count}", index + 1));
            let viewer = self.gallery.viewer.as_mut();
            if let Some(viewer) = viewer {
                if ui.button(lang.pick("Fit", "全体表示")).clicked() || fit {
                    viewer.zoom = None;
                    viewer.pan = egui::Vec2::ZERO;
                }
                if ui.button("1:1").clicked() || one {
                    viewer.zoom = Some(1.0 / ui.ctx().pixels_per_point());
                }
                if ui.button(lang.pick("Zoom in", "拡大")).clicked() || zoom_in {
                    viewer.zoom =
                        Some((viewer.zoom.unwrap_or(fit_zoom(ui, viewer)) * 1.25).min(MAX_ZOOM));
                }
                if ui.button(lang.pick("Zoom out", "縮小")).clicked() || zoom_out {
                    viewer.zoom =
                        Some((viewer.zoom.unwrap_or(fit_zoom(ui, viewer)) / 1.25).max(MIN_ZOOM));
                }
                if ui.button(lang.pick("Save…", "保存…")).clicked() {
                    save = true;
                }
                ui.label(thumbs::file_name(&viewer.key));
            }
        });
        if let Some(viewer) = &self.gallery.viewer {
            match &viewer.saved {
                Some(Ok(path)) => {
                    let path = path.clone();
                    ui.horizontal(|ui| {
                        ui.label(match lang {
                            Lang::En => format!("Saved to {}", path.display()),
                            Lang::Ja => format!("{} に保存しました", path.display()),
                        });
                        if ui.button(lang.pick("Open", "開く")).clicked() {
                            ui.ctx().open_url(egui::OpenUrl::new_tab(format!(
                                "file://{}",
                                path.display()
                            )));
                        }
                    });
                }
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                None => {}
            }
        }
        self.page_view(ui);
        if close {
            self.gallery.viewer = None;
        } else if let Some(index) = go {
            self.open_viewer(index, shown);
        } else if save && let Some((item, _)) = shown.get(index) {
            self.save_one(item);
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
                lang.pick("Loading…", "読み込み中…"),
                egui::FontId::proportional(14.0),
                ui.visuals().weak_text_color(),
            );
            return;
        };
        let [w, h] = texture.size();
        let fit = (rect.width() / w as f32).min(rect.height() / h as f32);
        if response.hovered() {
            let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
            if scroll.abs() > f32::EPSILON || (pinch - 1.0).abs() > f32::EPSILON {
                let factor = pinch * (scroll * 0.002).exp();
                viewer.zoom = Some((viewer.zoom.unwrap_or(fit) * factor).clamp(MIN_ZOOM, MAX_ZOOM));
            }
        }
        if response.dragged() {
            viewer.pan += response.drag_delta();
        }
        let scale = viewer.zoom.unwrap_or(fit);
        let size = egui::vec2(w as f32 * scale, h as f32 * scale);
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
                    return Err("cancelled".to_owned());
                };
                thumbnailer
                    .save(&url, &path)
                    .await
                    .map(|()| path)
                    .map_err(|e| e.to_string())
            }));
        }
    }
}

fn fit_zoom(ui: &egui::Ui, viewer: &Viewer) -> f32 {
    viewer.texture.as_ref().map_or(1.0, |t| {
        let [w, h] = t.size();
        let area = ui.available_size();
        (area.x / w as f32).min(area.y / h as f32)
    })
}
