//! What the month screens share: the figure grid and the weekday chart,
//! drawn the same on the kiosk's « Rapport du mois » and the CPTS's
//! « Le mois ».

use eframe::egui;
use egui::{Color32, RichText, Sense, Ui, Vec2};

use super::theme::*;
use crate::fr;
use crate::report::model::Indicators;

/// Label and value columns, rows only as tall as the text: figures are
/// read, not touched.
pub fn grid(ui: &mut Ui, id: &str, add: impl FnOnce(&mut Ui)) {
    egui::Grid::new(id)
        .num_columns(2)
        .min_row_height(BODY + 10.0)
        .spacing(Vec2::new(16.0, 4.0))
        .striped(true)
        .show(ui, add);
}

/// One « label : value » row of a [`grid`].
pub fn line(ui: &mut Ui, label: &str, value: String) {
    ui.label(RichText::new(label).size(BODY).color(MUTED));
    ui.label(RichText::new(value).size(BODY).strong());
    ui.end_row();
}

/// Prises en charge by weekday, Monday first: bars drawn to scale, the
/// count written above each.
pub fn weekday_chart(ui: &mut Ui, i: &Indicators) {
    ui.label(
        RichText::new("Prises en charge par jour de la semaine")
            .size(BODY)
            .strong(),
    );
    let size = Vec2::new(ui.available_width().min(560.0), 220.0);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let max = i
        .by_weekday
        .iter()
        .map(|d| d.counts.prises_en_charge)
        .max()
        .unwrap_or(0)
        .max(1);
    let painter = ui.painter_at(rect);
    let slot = rect.width() / 7.0;
    let label_h = 28.0;
    let top = rect.top() + label_h;
    let base = rect.bottom() - label_h;
    let font = egui::FontId::proportional(SMALL);
    let mut described = Vec::new();
    for (k, d) in i.by_weekday.iter().enumerate() {
        let v = d.counts.prises_en_charge;
        let x = rect.left() + slot * k as f32;
        let h = (base - top) * v as f32 / max as f32;
        let bar = egui::Rect::from_min_max(
            egui::pos2(x + slot * 0.2, base - h),
            egui::pos2(x + slot * 0.8, base),
        );
        // Friday and Saturday stand out: the protocol's key indicator.
        let fill = if k == 4 || k == 5 { DANGER } else { PRIMARY };
        painter.rect_filled(bar, 3.0, fill);
        painter.text(
            egui::pos2(x + slot / 2.0, base - h - 4.0),
            egui::Align2::CENTER_BOTTOM,
            fr::int(v),
            font.clone(),
            Color32::BLACK,
        );
        let short: String = d.day.chars().take(3).collect();
        painter.text(
            egui::pos2(x + slot / 2.0, base + 4.0),
            egui::Align2::CENTER_TOP,
            short,
            font.clone(),
            MUTED,
        );
        described.push(format!("{} {v}", d.day));
    }
    painter.line_segment(
        [
            egui::pos2(rect.left(), base),
            egui::pos2(rect.right(), base),
        ],
        egui::Stroke::new(1.0, MUTED),
    );
    // Screen readers (and tests) get the figures the bars show.
    let text = format!("Prises en charge par jour : {}", described.join(", "));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
}
