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
    // Framed whether chosen or not (an unframed word reads as text, not
    // as something to touch), and of one size in every state: a hover or
    // a message never moves it.
    let (fill, fg) = if on {
        (PRIMARY, ON_PRIMARY)
    } else {
        (Color32::WHITE, PRIMARY)
    };
    // A choice longer than its whole row (a presentation with its dose)
    // wraps within the column rather than running under the next one.
    let room = ui.max_rect().width() - 2.0 * 18.0;
    let (wrap, width) = if room > TARGET {
        (egui::TextWrapMode::Wrap, room)
    } else {
        (egui::TextWrapMode::Extend, f32::INFINITY)
    };
    let galley = egui::WidgetText::from(RichText::new(text).size(BODY).strong().color(fg))
        .into_galley(ui, Some(wrap), width, egui::TextStyle::Button);
    let size = Vec2::new(
        (galley.size().x + 2.0 * 18.0).max(TARGET * 2.5),
        (galley.size().y + 16.0).max(TARGET),
    );
    let (rect, r) = ui.allocate_exact_size(size, egui::Sense::click());
    r.widget_info(|| egui::WidgetInfo::selected(egui::accesskit::Role::Button, true, on, text));
    let painter = ui.painter();
    painter.rect(
        rect,
        6.0,
        if r.is_pointer_button_down_on() && !on {
            SELECTED
        } else {
            fill
        },
        egui::Stroke::new(2.0, PRIMARY),
        egui::StrokeKind::Inside,
    );
    painter.galley(rect.center() - galley.size() / 2.0, galley, fg);
    r.clicked()
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
    let target =
        ui.data(|d| d.get_temp::<Option<Field>>(super::keyboard::target_id())) == Some(Some(field));
    ui.vertical(|ui| {
        let l = ui.label(RichText::new(label).size(SMALL).color(MUTED));
        let mut text = value.to_string();
        let mut edit = TextEdit::singleline(&mut text)
            .hint_text(RichText::new(hint).size(BODY).italics().color(HINT))
            .password(password)
            .font(egui::FontId::proportional(BODY + 2.0))
            .desired_width(width)
            .min_size(Vec2::new(width, TARGET - 8.0));
        if target {
            // The field the on-screen keyboard types into stands out.
            edit = edit.background_color(SELECTED);
        }
        let r = ui.add(edit).labelled_by(l.id);
        if target {
            ui.painter().rect_stroke(
                r.rect.expand(2.0),
                6.0,
                egui::Stroke::new(3.0, PRIMARY),
                egui::StrokeKind::Outside,
            );
            reveal_once(ui, field, r.rect);
        }
        if r.changed() {
            Some(Action::Edit(field, text))
        } else if r.clicked() || r.gained_focus() {
            Some(Action::FieldTouched {
                field,
                touch: false,
            })
        } else {
            None
        }
    })
    .inner
}

/// Scrolls the keyboard's field into view above the keyboard when it
/// comes up for it, and again when the space left above it changes (the
/// keyboard's height is known a frame after it appears); not otherwise:
/// the person may scroll away.
fn reveal_once(ui: &mut Ui, field: Field, rect: egui::Rect) {
    let id = super::keyboard::revealed_id();
    let seen = (field, ui.clip_rect().height().round() as i32);
    if ui.data(|d| d.get_temp::<(Field, i32)>(id)) != Some(seen) {
        ui.scroll_to_rect_animation(rect.expand(8.0), None, egui::style::ScrollAnimation::none());
        ui.data_mut(|d| d.insert_temp(id, seen));
    }
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
