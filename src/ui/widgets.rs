//! The few widgets every screen uses, sized for touch.

use eframe::egui;
use egui::{Button, Color32, RichText, TextEdit, Ui, Vec2};

use super::theme::*;
use crate::kiosk::{Action, Field};

/// The one primary action of a screen: big, filled, blue.
pub fn primary(ui: &mut Ui, text: &str) -> bool {
    ui.add(
        Button::new(
            RichText::new(text)
                .size(BODY + 4.0)
                .strong()
                .color(ON_PRIMARY),
        )
        .fill(PRIMARY)
        .min_size(Vec2::new(320.0, TARGET + 8.0)),
    )
    .clicked()
}

/// A secondary action.
pub fn secondary(ui: &mut Ui, text: &str) -> bool {
    ui.add(Button::new(RichText::new(text).size(BODY)).min_size(Vec2::new(TARGET * 2.0, TARGET)))
        .clicked()
}

/// A destructive secondary action (annuler un acte).
pub fn danger(ui: &mut Ui, text: &str) -> bool {
    ui.add(
        Button::new(RichText::new(text).size(BODY).color(Color32::WHITE))
            .fill(DANGER)
            .min_size(Vec2::new(TARGET * 2.0, TARGET)),
    )
    .clicked()
}

/// An item that is on or off (checklist, optional line): a whole row to
/// touch, the box on the left, the item's exact text as its accessible name.
pub fn toggle(ui: &mut Ui, on: bool, text: &str, width: f32) -> bool {
    let side = 30.0;
    let indent = side + 28.0;
    let galley = egui::WidgetText::from(RichText::new(text).size(BODY)).into_galley(
        ui,
        Some(egui::TextWrapMode::Wrap),
        width - indent - 12.0,
        egui::TextStyle::Button,
    );
    let height = (galley.size().y + 20.0).max(TARGET);
    let (rect, r) = ui.allocate_exact_size(Vec2::new(width, height), egui::Sense::click());
    r.widget_info(|| egui::WidgetInfo::selected(egui::accesskit::Role::CheckBox, true, on, text));
    let visuals = ui.style().interact_selectable(&r, on);
    let painter = ui.painter();
    painter.rect(
        rect,
        6.0,
        if on { SELECTED } else { visuals.weak_bg_fill },
        visuals.bg_stroke,
        egui::StrokeKind::Inside,
    );
    let b = egui::Rect::from_min_size(
        egui::pos2(rect.left() + 14.0, rect.center().y - side / 2.0),
        Vec2::splat(side),
    );
    painter.rect(
        b,
        4.0,
        if on { PRIMARY } else { Color32::WHITE },
        egui::Stroke::new(2.0, PRIMARY),
        egui::StrokeKind::Inside,
    );
    if on {
        let p = |x: f32, y: f32| egui::pos2(b.left() + x * side, b.top() + y * side);
        painter.line_segment(
            [p(0.2, 0.5), p(0.42, 0.72)],
            egui::Stroke::new(3.5, ON_PRIMARY),
        );
        painter.line_segment(
            [p(0.42, 0.72), p(0.8, 0.28)],
            egui::Stroke::new(3.5, ON_PRIMARY),
        );
    }
    let text_pos = egui::pos2(
        rect.left() + indent,
        rect.center().y - galley.size().y / 2.0,
    );
    painter.galley(text_pos, galley, visuals.text_color());
    r.clicked()
}

/// One of a few exclusive choices (Femme / Homme, a délégant).
pub fn choice(ui: &mut Ui, on: bool, text: &str) -> bool {
    ui.add(
        Button::selectable(on, RichText::new(text).size(BODY).strong())
            .min_size(Vec2::new(TARGET * 2.5, TARGET)),
    )
    .clicked()
}

/// A labelled text field; returns the `Edit` action when the text changed.
pub fn field(
    ui: &mut Ui,
    label: &str,
    field: Field,
    value: &str,
    hint: &str,
    width: f32,
    password: bool,
) -> Option<Action> {
    ui.vertical(|ui| {
        let l = ui.label(RichText::new(label).size(SMALL).color(MUTED));
        let mut text = value.to_string();
        let r = ui
            .add(
                TextEdit::singleline(&mut text)
                    .hint_text(RichText::new(hint).size(BODY))
                    .password(password)
                    .font(egui::FontId::proportional(BODY + 2.0))
                    .desired_width(width)
                    .min_size(Vec2::new(width, TARGET - 8.0)),
            )
            .labelled_by(l.id);
        r.changed().then_some(Action::Edit(field, text))
    })
    .inner
}

pub fn heading(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).size(HEADING).strong());
}

pub fn muted(ui: &mut Ui, text: &str) {
    ui.label(RichText::new(text).size(SMALL).color(MUTED));
}

/// A coloured block of text (banners, summaries).
pub fn block(ui: &mut Ui, fill: Color32, add: impl FnOnce(&mut Ui)) {
    egui::Frame::new()
        .fill(fill)
        .inner_margin(12.0)
        .corner_radius(6.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            add(ui);
        });
}

/// A column of `ui.columns` laid out top-down without justification
/// (justified columns stretch wrapped French text word by word).
pub fn column(ui: &mut Ui) -> Ui {
    ui.new_child(egui::UiBuilder::new().layout(egui::Layout::top_down(egui::Align::Min)))
}
