//! The gallery of a job's JPEG pages: a virtualised grid (only visible rows are laid out
//! and only their thumbnails requested), a size slider, a name filter, placeholders while
//! loading, a marked tile for a failed download or a damaged image, and Save all.
//!
//! Thumbnails come from `thumbs::Thumbnailer` (disk cache, bounded downloads and decodes)
//! and become textures here, a few per frame, in a memory LRU bounded in bytes.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use poll_promise::Promise;

use super::App;
use super::save_all::FolderPick;
pub use super::save_all::{Conflict, SaveAll};
use crate::api::ConvertResult;
use crate::i18n::ui::gallery as t;
use crate::jobs::JobRecord;
pub use crate::save::SaveReport;
use crate::thumbs::{self, FetchError, Item, Pixels, Source};

type ThumbPromise = Promise<Result<(Pixels, Source), FetchError>>;

/// Textures uploaded per frame at most, so no frame stalls…
const UPLOADS_PER_FRAME: usize = 4;
/// …and no more once this much of the frame went to uploads.
const UPLOAD_TIME: std::time::Duration = std::time::Duration::from_micros(1500);
/// Thumbnail requests in flight at most (downloads are bounded again inside).
const MAX_REQUESTS: usize = 32;
/// Room under a thumbnail for its file name and page.
const CAPTION_HEIGHT: f32 = 32.0;
/// The memory budget of thumbnail textures.
pub const TEXTURE_BUDGET: usize = 128 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tile {
    Loading,
    Ready,
    Failed(String),
    Expired,
}

/// Textures by key, least recently drawn dropped first when over the budget.
pub struct TextureLru {
    entries: HashMap<String, (egui::TextureHandle, usize, u64)>,
    total: usize,
    budget: usize,
}

impl TextureLru {
    pub fn new(budget: usize) -> Self {
        Self {
            entries: HashMap::new(),
            total: 0,
            budget,
        }
    }

    pub fn bytes(&self) -> usize {
        self.total
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn get(&mut self, key: &str, frame: u64) -> Option<egui::TextureHandle> {
        self.entries.get_mut(key).map(|(texture, _, used)| {
            *used = frame;
            texture.clone()
        })
    }

    /// Inserts and returns the keys evicted to stay within the budget.
    fn insert(
        &mut self,
        key: String,
        texture: egui::TextureHandle,
        bytes: usize,
        frame: u64,
    ) -> Vec<String> {
        if let Some((_, old, _)) = self.entries.insert(key, (texture, bytes, frame)) {
            self.total -= old;
        }
        self.total += bytes;
        let mut evicted = Vec::new();
        while self.total > self.budget && self.entries.len() > 1 {
            let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, (_, _, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((_, bytes, _)) = self.entries.remove(&oldest) {
                self.total -= bytes;
            }
            evicted.push(oldest);
        }
        evicted
    }
}

pub struct GalleryState {
    pub(super) job_id: Option<String>,
    pub(super) tiles: HashMap<String, Tile>,
    /// Each request with the [`links`](Self::links) generation its URL came from.
    pub(super) inflight: Vec<(String, u64, ThumbPromise)>,
    pub(super) ready: VecDeque<(String, Pixels)>,
    pub(super) textures: TextureLru,
    pub(super) filter: String,
    pub(super) size: f32,
    pub(super) frame: u64,
    pub(super) viewer: Option<super::viewer::Viewer>,
    pub(super) save_all: Option<SaveAll>,
    /// The folder chosen for Save all, with the names that already exist in it.
    pub(super) folder_pick: Option<FolderPick>,
    pub(super) conflict: Option<Conflict>,
    pub(super) report: Option<SaveReport>,
    pub(super) refresh: Option<Promise<Option<ConvertResult>>>,
    pub(super) refreshed_for: Option<String>,
    /// How many times the links were renewed (`links.rs`).
    pub(super) links: u64,
    /// The pages the filter lets through, kept until the job's result or the filter
    /// changes: a frame of a 10,000-page job doesn't rebuild them.
    shown: Option<Shown>,
}

struct Shown {
    result: Arc<ConvertResult>,
    filter: String,
    total: usize,
    items: Arc<Vec<(Item, Option<u32>)>>,
    /// Their cache keys, for counting the failed tiles among them.
    keys: HashSet<String>,
}

impl Shown {
    fn new(result: Arc<ConvertResult>, filter: &str) -> Self {
        let needle = filter.to_lowercase();
        let all = crate::save::result_pages(&result);
        let total = all.len();
        let items: Vec<_> = all
            .into_iter()
            .filter(|(item, _)| needle.is_empty() || item.key.to_lowercase().contains(&needle))
            .collect();
        let keys = items.iter().map(|(item, _)| item.cache_key()).collect();
        Self {
            result,
            filter: filter.to_owned(),
            total,
            items: Arc::new(items),
            keys,
        }
    }
}

impl Default for GalleryState {
    fn default() -> Self {
        Self {
            job_id: None,
            tiles: HashMap::new(),
            inflight: Vec::new(),
            ready: VecDeque::new(),
            textures: TextureLru::new(TEXTURE_BUDGET),
            filter: String::new(),
            size: 160.0,
            frame: 0,
            viewer: None,
            save_all: None,
            folder_pick: None,
            conflict: None,
            report: None,
            refresh: None,
            refreshed_for: None,
            links: 0,
            shown: None,
        }
    }
}

impl GalleryState {
    /// Thumbnails shown, failed and waiting (tests and the status line).
    pub fn counts(&self) -> (usize, usize, usize) {
        let ready = self.tiles.values().filter(|t| **t == Tile::Ready).count();
        let failed = self
            .tiles
            .values()
            .filter(|t| matches!(t, Tile::Failed(_) | Tile::Expired))
            .count();
        (ready, failed, self.inflight.len() + self.ready.len())
    }

    pub fn viewer(&self) -> Option<&super::viewer::Viewer> {
        self.viewer.as_ref()
    }

    /// Decoded thumbnails waiting for a frame to upload them.
    pub fn uploads_waiting(&self) -> usize {
        self.ready.len()
    }

    /// Bytes of thumbnail textures held (bounded by [`TEXTURE_BUDGET`]).
    pub fn texture_bytes(&self) -> usize {
        self.textures.bytes()
    }

    pub fn last_save(&self) -> Option<&SaveReport> {
        self.report.as_ref()
    }
}

/// The job's pages that have a URL, as gallery items.
pub fn items(job: &JobRecord) -> Vec<(Item, Option<u32>)> {
    job.result
        .as_deref()
        .map(crate::save::result_pages)
        .unwrap_or_default()
}

impl App {
    /// Takes in finished thumbnails and uploads a few; called every frame.
    pub(super) fn poll_gallery(&mut self, ctx: &egui::Context) {
        let gallery = &mut self.gallery;
        gallery.frame += 1;
        let mut still = Vec::with_capacity(gallery.inflight.len());
        let mut expired = false;
        for (key, links, promise) in gallery.inflight.drain(..) {
            match promise.try_take() {
                Ok(Ok((pixels, _))) => gallery.ready.push_back((key, pixels)),
                // Asked with a link renewed since: asked again with the fresh one.
                Ok(Err(FetchError::Expired)) if links < gallery.links => {
                    gallery.tiles.remove(&key);
                    ctx.request_repaint();
                }
                Ok(Err(FetchError::Expired)) => {
                    gallery.tiles.insert(key, Tile::Expired);
                    expired = true;
                }
                Ok(Err(e)) => {
                    gallery.tiles.insert(key, Tile::Failed(e.to_string()));
                }
                Err(promise) => still.push((key, links, promise)),
            }
        }
        gallery.inflight = still;
        let started = std::time::Instant::now();
        for _ in 0..UPLOADS_PER_FRAME {
            if started.elapsed() > UPLOAD_TIME {
                break;
            }
            let Some((key, pixels)) = gallery.ready.pop_front() else {
                break;
            };
            let image = egui::ColorImage::from_rgba_unmultiplied(
                [pixels.width as usize, pixels.height as usize],
                &pixels.rgba,
            );
            let texture =
                ctx.load_texture(format!("thumb:{key}"), image, egui::TextureOptions::LINEAR);
            for gone in gallery
                .textures
                .insert(key.clone(), texture, pixels.bytes(), gallery.frame)
            {
                gallery.tiles.remove(&gone);
            }
            gallery.tiles.insert(key, Tile::Ready);
        }
        if !gallery.ready.is_empty() {
            ctx.request_repaint();
        }
        if expired {
            self.refresh_urls();
        }
        self.poll_url_refresh();
        self.poll_saves();
        self.poll_viewer(ctx);
    }

    /// The gallery for `job`: toolbar, then the grid in the remaining space.
    pub(super) fn gallery(&mut self, ui: &mut egui::Ui, job: &JobRecord) {
        if self.gallery.job_id.as_deref() != Some(job.id.as_str()) {
            self.gallery.job_id = Some(job.id.clone());
            self.gallery.tiles.retain(|_, t| *t == Tile::Ready);
            self.gallery.viewer = None;
            self.gallery.report = None;
        }
        let Some(result) = &job.result else {
            return;
        };
        let current = self
            .gallery
            .shown
            .as_ref()
            .is_some_and(|s| Arc::ptr_eq(&s.result, result) && s.filter == self.gallery.filter);
        if !current {
            self.gallery.shown = Some(Shown::new(Arc::clone(result), &self.gallery.filter));
        }
        let Some(cached) = &self.gallery.shown else {
            return;
        };
        let (shown, total) = (Arc::clone(&cached.items), cached.total);
        if total == 0 {
            return;
        }
        if self.gallery.viewer.is_some() {
            self.viewer(ui, &shown);
            return;
        }
        self.gallery_toolbar(ui, &shown, total);
        self.save_progress(ui);
        let size = self.gallery.size;
        let spacing = ui.spacing().item_spacing;
        let columns = ((ui.available_width() + spacing.x) / (size + spacing.x))
            .floor()
            .max(1.0) as usize;
        let rows = shown.len().div_ceil(columns);
        let row_height = size + CAPTION_HEIGHT + spacing.y;
        let mut open = None;
        egui::ScrollArea::vertical()
            .id_salt("gallery")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, rows, |ui, visible| {
                for row in visible {
                    ui.horizontal(|ui| {
                        for (index, (item, page)) in
                            shown.iter().enumerate().skip(row * columns).take(columns)
                        {
                            if self.tile(ui, item, *page, size).clicked() {
                                open = Some(index);
                            }
                        }
                    });
                }
            });
        if let Some(index) = open {
            self.open_viewer(index, &shown);
        }
    }

    fn gallery_toolbar(&mut self, ui: &mut egui::Ui, shown: &[(Item, Option<u32>)], total: usize) {
        let lang = self.lang;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.text(t::FILTER));
            ui.add(
                egui::TextEdit::singleline(&mut self.gallery.filter)
                    .hint_text(lang.text(t::FILE_NAME))
                    .desired_width(160.0),
            )
            .labelled_by(label.id);
            let label = ui.label(lang.text(t::THUMBNAIL_SIZE));
            ui.add(egui::Slider::new(&mut self.gallery.size, 96.0..=320.0).show_value(false))
                .labelled_by(label.id);
            // Tiles, not decoded images: "3 of 7 pages" under a filter. Few tiles fail,
            // so those are counted, not the pages.
            let keys = self.gallery.shown.as_ref().map(|s| &s.keys);
            let failed = self
                .gallery
                .tiles
                .iter()
                .filter(|(key, tile)| {
                    matches!(tile, Tile::Failed(_) | Tile::Expired)
                        && keys.is_some_and(|keys| keys.contains(*key))
                })
                .count();
            ui.weak(t::page_count(shown.len(), total, failed, lang));
            let busy = self.gallery.save_all.is_some() || self.gallery.folder_pick.is_some();
            if ui
                .add_enabled(
                    !busy && !shown.is_empty(),
                    egui::Button::new(lang.text(t::SAVE_ALL)),
                )
                .clicked()
            {
                self.pick_save_folder(shown);
            }
        });
    }

    fn tile(
        &mut self,
        ui: &mut egui::Ui,
        item: &Item,
        page: Option<u32>,
        size: f32,
    ) -> egui::Response {
        let lang = self.lang;
        let name = thumbs::file_name(&item.key);
        let key = item.cache_key();
        let (outer, response) = ui.allocate_exact_size(
            egui::vec2(size, size + CAPTION_HEIGHT),
            egui::Sense::click(),
        );
        let image_rect = egui::Rect::from_min_size(outer.min, egui::vec2(size, size));
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &name));
        if !ui.is_rect_visible(outer) {
            return response;
        }
        let painter = ui.painter_at(outer);
        let visuals = ui.visuals().clone();
        painter.rect_filled(image_rect, 4.0, visuals.extreme_bg_color);
        let state = self.gallery.tiles.get(&key).cloned();
        match state {
            Some(Tile::Ready) => match self.gallery.textures.get(&key, self.gallery.frame) {
                Some(texture) => {
                    let [w, h] = texture.size();
                    let scale = (size / w as f32).min(size / h as f32);
                    let rect = egui::Rect::from_center_size(
                        image_rect.center(),
                        egui::vec2(w as f32 * scale, h as f32 * scale),
                    );
                    painter.image(
                        texture.id(),
                        rect,
                        egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0)),
                        egui::Color32::WHITE,
                    );
                }
                None => {
                    self.gallery.tiles.remove(&key);
                }
            },
            Some(Tile::Loading) => {
                let spinner =
                    egui::Rect::from_center_size(image_rect.center(), egui::vec2(24.0, 24.0));
                ui.put(spinner, egui::Spinner::new().size(24.0))
                    .on_hover_text(lang.text(t::LOADING));
            }
            Some(Tile::Failed(reason)) => {
                mark_failed(&painter, image_rect, visuals.error_fg_color);
                response.clone().on_hover_text(reason);
            }
            Some(Tile::Expired) => {
                mark_failed(&painter, image_rect, visuals.warn_fg_color);
                response
                    .clone()
                    .on_hover_text(lang.text(t::THE_LINK_HAS_EXPIRED_JOBS_THAT));
            }
            None => {
                if self.gallery.inflight.len() < MAX_REQUESTS {
                    let thumbnailer = Arc::clone(&self.thumbnailer);
                    let request = item.clone();
                    let promise = self
                        .tasks
                        .spawn(async move { thumbnailer.thumbnail(&request).await });
                    let links = self.gallery.links;
                    self.gallery.inflight.push((key.clone(), links, promise));
                    self.gallery.tiles.insert(key, Tile::Loading);
                } else {
                    ui.ctx()
                        .request_repaint_after(std::time::Duration::from_millis(100));
                }
            }
        }
        if response.hovered() {
            painter.rect_stroke(
                image_rect,
                4.0,
                visuals.selection.stroke,
                egui::StrokeKind::Inside,
            );
        }
        let caption = match page {
            Some(page) => format!("{name}\np. {page}"),
            None => name.clone(),
        };
        painter.text(
            egui::pos2(outer.min.x + 2.0, image_rect.max.y + 2.0),
            egui::Align2::LEFT_TOP,
            caption,
            egui::FontId::proportional(11.0),
            visuals.text_color(),
        );
        response
    }
}

fn mark_failed(painter: &egui::Painter, rect: egui::Rect, color: egui::Color32) {
    let inner = rect.shrink(rect.width() * 0.3);
    let stroke = egui::Stroke::new(3.0, color);
    painter.line_segment([inner.left_top(), inner.right_bottom()], stroke);
    painter.line_segment([inner.right_top(), inner.left_bottom()], stroke);
    painter.rect_stroke(
        rect.shrink(1.0),
        4.0,
        egui::Stroke::new(1.5, color),
        egui::StrokeKind::Inside,
    );
}

#[cfg(test)]
mod counter_tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_counter_says_how_many_of_how_many_under_a_filter() {
        assert_eq!(t::page_count(7, 7, 0, Lang::En), "7 pages");
        assert_eq!(t::page_count(3, 7, 0, Lang::En), "3 of 7 pages");
        assert_eq!(
            t::page_count(3, 7, 1, Lang::En),
            "3 of 7 pages · 1 could not be shown"
        );
        assert_eq!(t::page_count(3, 7, 0, Lang::Ja), "7 ページ中 3 ページ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lru_keeps_within_its_budget_and_drops_the_least_recent() {
        let ctx = egui::Context::default();
        let texture = |name: &str| {
            ctx.load_texture(
                name,
                egui::ColorImage::new([2, 2], vec![egui::Color32::WHITE; 4]),
                egui::TextureOptions::LINEAR,
            )
        };
        let mut lru = TextureLru::new(250);
        assert!(lru.insert("a".into(), texture("a"), 100, 1).is_empty());
        assert!(lru.insert("b".into(), texture("b"), 100, 2).is_empty());
        assert!(lru.get("a", 3).is_some(), "a is used again");
        assert_eq!(lru.insert("c".into(), texture("c"), 100, 4), ["b"]);
        assert_eq!(lru.bytes(), 200);
        assert_eq!(lru.len(), 2);
        assert!(lru.get("b", 5).is_none());
    }
}
