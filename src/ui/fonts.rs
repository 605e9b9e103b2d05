//! Fonts: egui's own, then IPA Gothic (bundled, so Japanese text and file names render
//! on any system and in tests); eframe's system font fallback covers other scripts.

/// IPA Gothic 003.03, unmodified, under the IPA Font License (`assets/fonts/IPA_Font_License.txt`).
const IPA_GOTHIC: &[u8] = include_bytes!("../../assets/fonts/ipag.ttf");

pub fn install(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "ipa-gothic".to_owned(),
        std::sync::Arc::new(egui::FontData::from_static(IPA_GOTHIC)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("ipa-gothic".to_owned());
    }
    ctx.set_fonts(fonts);
}
