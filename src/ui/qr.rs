//! A QR code drawn with egui's painter: dark modules on white with the four-module quiet
//! zone scanners need, in light and dark themes alike.

/// Pixels per module: a 33-module otpauth code is 164 px with its quiet zone.
const MODULE_PX: f32 = 4.0;
const QUIET_ZONE: usize = 4;

/// Draws `text` as a QR code; `label` is its accessible name. Text too long for a QR
/// code draws nothing but the label.
pub(super) fn qr_code(ui: &mut egui::Ui, text: &str, label: &str) -> egui::Response {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        return ui.label(label);
    };
    let width = code.width();
    let colors = code.to_colors();
    let side = (width + 2 * QUIET_ZONE) as f32 * MODULE_PX;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Dark {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            let min = rect.min + egui::vec2(x as f32 * MODULE_PX, y as f32 * MODULE_PX);
            painter.rect_filled(
                egui::Rect::from_min_size(min, egui::vec2(MODULE_PX, MODULE_PX)),
                0.0,
                egui::Color32::BLACK,
            );
        }
    }
    let label = label.to_owned();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &label));
    response
}
