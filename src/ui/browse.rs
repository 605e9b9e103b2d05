//! The bucket browser under the convert form: one level of the bucket at a time through
//! the profile's source (the API's `GET /prefixes`, or S3 with its identity pool) — folders with their PDF counts and sizes (marked when they
//! already hold JPEGs), the PDFs themselves — a filter, and "Use this folder", which fills
//! the PDF prefix and proposes the upload prefix by the seed's pattern (`…/pdf/` →
//! `…/jpeg/`). The listing runs on the runtime; a spinner shows meanwhile.

use poll_promise::Promise;

use super::{Action, App};
use crate::api::Prefixes;
use crate::i18n::size;
use crate::i18n::ui::convert as t;

#[derive(Default)]
pub struct BrowseState {
    pub(super) open: bool,
    /// The level shown (or being listed).
    prefix: String,
    bucket: String,
    listing: Option<Result<Prefixes, String>>,
    loading: Option<Promise<Result<Prefixes, String>>>,
    filter: String,
    /// The page being listed continues the one shown ("Show more").
    appending: bool,
}

/// The upload prefix the seed's layout pairs with a PDF prefix: the last `pdf` folder
/// becomes `jpeg` (`api/receipts/r6/pdf/` → `api/receipts/r6/jpeg/`); otherwise a
/// `jpeg/` folder beside the PDFs' folder.
pub fn upload_prefix_for(pdf_prefix: &str) -> String {
    let inner = pdf_prefix.trim_end_matches('/');
    match inner.rsplit_once('/') {
        Some((parent, last)) if last.eq_ignore_ascii_case("pdf") => format!("{parent}/jpeg/"),
        None if inner.eq_ignore_ascii_case("pdf") => "jpeg/".to_owned(),
        _ if inner.is_empty() => "jpeg/".to_owned(),
        _ => format!("{inner}-jpeg/"),
    }
}

/// The parent level of a prefix (`a/b/` → `a/`; `a/` → the top, an empty prefix).
fn parent(prefix: &str) -> String {
    let inner = prefix.trim_end_matches('/');
    inner
        .rsplit_once('/')
        .map_or_else(String::new, |(parent, _)| format!("{parent}/"))
}

impl App {
    /// Starts listing `prefix` of `bucket` (the action's work).
    pub(super) fn browse(&mut self, bucket: String, prefix: String) {
        let Some(source) = self.connection().and_then(|c| c.source.clone()) else {
            return;
        };
        let lang = self.lang;
        self.browse.bucket.clone_from(&bucket);
        self.browse.prefix.clone_from(&prefix);
        self.browse.open = true;
        self.browse.filter.clear();
        self.browse.appending = false;
        self.browse.loading = Some(self.tasks.spawn(async move {
            source
                .prefixes(&bucket, &prefix, None)
                .await
                .map_err(|e| crate::i18n::browse_error(&e, lang))
        }));
    }

    /// The next page of the level shown, appended to it.
    fn browse_more(&mut self, continuation: String) {
        let Some(source) = self.connection().and_then(|c| c.source.clone()) else {
            return;
        };
        let (bucket, prefix, lang) = (
            self.browse.bucket.clone(),
            self.browse.prefix.clone(),
            self.lang,
        );
        self.browse.appending = true;
        self.browse.loading = Some(self.tasks.spawn(async move {
            source
                .prefixes(&bucket, &prefix, Some(&continuation))
                .await
                .map_err(|e| crate::i18n::browse_error(&e, lang))
        }));
    }

    fn poll_browse(&mut self) {
        if self
            .browse
            .loading
            .as_ref()
            .is_some_and(|p| p.ready().is_some())
            && let Some(Ok(listing)) = self.browse.loading.take().map(Promise::try_take)
        {
            let appending = std::mem::take(&mut self.browse.appending);
            match (&mut self.browse.listing, listing) {
                (Some(Ok(shown)), Ok(page)) if appending => {
                    shown.folders.extend(page.folders);
                    shown.pdfs.extend(page.pdfs);
                    shown.other_objects += page.other_objects;
                    shown.next = page.next;
                }
                (_, listing) => self.browse.listing = Some(listing),
            }
        }
    }

    /// "12 PDFs, 3.4 MB" for the PDF prefix in the form, once the browser has listed it.
    pub(super) fn browse_summary(&self, bucket: &str, pdf_prefix: &str) -> Option<String> {
        let Some(Ok(listing)) = &self.browse.listing else {
            return None;
        };
        if listing.bucket != bucket || listing.prefix != pdf_prefix || listing.next.is_some() {
            return None;
        }
        let pdfs = listing.pdfs.len() as u64 + listing.folders.iter().map(|f| f.pdfs).sum::<u64>();
        if listing.folders.iter().any(|f| f.counted_partly) {
            return Some(t::will_convert_at_least(pdfs, self.lang));
        }
        let bytes = listing.pdfs.iter().map(|p| p.bytes).sum::<u64>()
            + listing.folders.iter().map(|f| f.bytes).sum::<u64>();
        Some(t::will_convert(pdfs, &size(bytes), self.lang))
    }

    /// The browser's panel; `bucket` is the form's bucket.
    pub(super) fn browse_panel(&mut self, ui: &mut egui::Ui, bucket: &str) {
        self.poll_browse();
        let lang = self.lang;
        if !self.browse.open {
            return;
        }
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong(format!(
                    "s3://{}/{}",
                    self.browse.bucket, self.browse.prefix
                ));
                if self.browse.loading.is_some() {
                    ui.spinner();
                }
            });
            ui.horizontal(|ui| {
                let up = !self.browse.prefix.is_empty();
                if ui
                    .add_enabled(up, egui::Button::new(lang.text(t::UP)))
                    .clicked()
                {
                    self.ask(Action::Browse(
                        bucket.to_owned(),
                        parent(&self.browse.prefix),
                    ));
                }
                if ui.button(lang.text(t::USE_THIS_FOLDER)).clicked() {
                    self.convert.use_folder(&self.browse.prefix);
                }
                let filter = ui.label(lang.text(t::FILTER));
                ui.add(egui::TextEdit::singleline(&mut self.browse.filter).desired_width(160.0))
                    .labelled_by(filter.id);
                if ui.button(lang.text(t::CLOSE)).clicked() {
                    self.browse.open = false;
                }
            });
            let filter = self.browse.filter.to_lowercase();
            let matches = |key: &str| filter.is_empty() || key.to_lowercase().contains(&filter);
            let mut go = None;
            let mut more = None;
            match &self.browse.listing {
                None => {}
                Some(Err(message)) => {
                    ui.colored_label(ui.visuals().error_fg_color, message);
                }
                Some(Ok(listing)) => {
                    let strip =
                        |key: &str| key.strip_prefix(&listing.prefix).unwrap_or(key).to_owned();
                    egui::ScrollArea::vertical()
                        .max_height(260.0)
                        .show(ui, |ui| {
                            for folder in listing.folders.iter().filter(|f| matches(&f.prefix)) {
                                let mut text = format!(
                                    "{}  —  {}",
                                    strip(&folder.prefix),
                                    t::pdfs_and_size(folder.pdfs, &size(folder.bytes), lang)
                                );
                                if folder.jpegs > 0 {
                                    text.push_str("  ·  ");
                                    text.push_str(&t::jpegs_here(folder.jpegs, lang));
                                }
                                // A PDF folder whose upload prefix (…/pdf/ → …/jpeg/) is a
                                // sibling here that already holds pages: converted before.
                                let upload = upload_prefix_for(&folder.prefix);
                                if folder.pdfs > 0
                                    && let Some(pages) = listing
                                        .folders
                                        .iter()
                                        .find(|f| f.prefix == upload && f.jpegs > 0)
                                {
                                    text.push_str("  ·  ");
                                    text.push_str(&t::converted_before(
                                        pages.jpegs,
                                        &strip(&upload),
                                        lang,
                                    ));
                                }
                                if ui.button(text).clicked() {
                                    go = Some(folder.prefix.clone());
                                }
                            }
                            for pdf in listing.pdfs.iter().filter(|p| matches(&p.key)) {
                                let date: String = pdf
                                    .last_modified
                                    .as_deref()
                                    .map(|d| d.chars().take(10).collect())
                                    .unwrap_or_default();
                                ui.label(format!(
                                    "{}  {}  {date}",
                                    strip(&pdf.key),
                                    size(pdf.bytes)
                                ));
                            }
                            if listing.folders.is_empty() && listing.pdfs.is_empty() {
                                ui.weak(lang.text(t::NOTHING_HERE));
                            }
                            if listing.next.is_some()
                                && self.browse.loading.is_none()
                                && ui.button(lang.text(t::SHOW_MORE)).clicked()
                            {
                                more.clone_from(&listing.next);
                            }
                        });
                }
            }
            if let Some(prefix) = go {
                self.ask(Action::Browse(bucket.to_owned(), prefix));
            }
            if let Some(continuation) = more {
                self.browse_more(continuation);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upload_prefix_follows_the_seeds_pattern() {
        assert_eq!(
            upload_prefix_for("api/receipts/r6/pdf/"),
            "api/receipts/r6/jpeg/"
        );
        assert_eq!(upload_prefix_for("pdf/"), "jpeg/");
        assert_eq!(upload_prefix_for("scans/2024/"), "scans/2024-jpeg/");
        assert_eq!(upload_prefix_for(""), "jpeg/");
        assert_eq!(parent("a/b/"), "a/");
        assert_eq!(parent("a/"), "");
    }
}
