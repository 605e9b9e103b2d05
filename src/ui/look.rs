//! The app's look on top of egui's themes: fields, checkboxes and buttons get a visible
//! border (egui draws none at rest), at least 3:1 against the background as WCAG asks
//! of the edges of controls.

/// Border colours of controls at rest: grey 128 on the light panel (248), grey 120 on
/// the dark one (27).
const LIGHT_BORDER: egui::Color32 = egui::Color32::from_gray(128);
const DARK_BORDER: egui::Color32 = egui::Color32::from_gray(120);

pub fn install(ctx: &egui::Context) {
    ctx.style_mut_of(egui::Theme::Light, |style| adjust(&mut style.visuals));
    ctx.style_mut_of(egui::Theme::Dark, |style| adjust(&mut style.visuals));
}

/// Gives controls at rest a border that stands out from the panel.
pub fn adjust(visuals: &mut egui::Visuals) {
    let border = if visuals.dark_mode {
        DARK_BORDER
    } else {
        LIGHT_BORDER
    };
    visuals.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, border);
}

/// WCAG 2 contrast ratio between two opaque colours (1.0 to 21.0).
pub fn contrast(a: egui::Color32, b: egui::Color32) -> f32 {
    fn luminance(c: egui::Color32) -> f32 {
        let channel = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_and_checkbox_borders_stand_out_three_to_one_in_both_themes() {
        for mut visuals in [egui::Visuals::light(), egui::Visuals::dark()] {
            let before = visuals.widgets.inactive.bg_stroke;
            adjust(&mut visuals);
            let stroke = visuals.widgets.inactive.bg_stroke;
            assert!(stroke.width >= 1.0, "egui's own theme has {before:?}");
            for background in [visuals.panel_fill, visuals.window_fill] {
                let ratio = contrast(stroke.color, background);
                assert!(ratio >= 3.0, "{ratio} against {background:?}");
            }
        }
    }

    #[test]
    fn contrast_matches_the_wcag_examples() {
        let ratio = contrast(egui::Color32::BLACK, egui::Color32::WHITE);
        assert!((ratio - 21.0).abs() < 0.01, "{ratio}");
    }
}
