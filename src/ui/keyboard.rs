//! The on-screen keyboard, drawn at the bottom in place of the action bar
//! while it is up (as on a phone). Its keys are not focusable: touching
//! one never takes the focus, so a physical keyboard's Enter still does
//! the screen's main action rather than typing the last key again.

use eframe::egui;
use egui::{Color32, Sense, Ui, Vec2};

use super::theme::*;
use crate::kiosk::Action;
use crate::kiosk::keyboard::{Key, Keyboard, Pad, rows};

/// Gap between keys.
const GAP: f32 = 6.0;

pub fn show(ui: &mut Ui, k: &Keyboard) -> Vec<Action> {
    let mut out = Vec::new();
    let width = ui.available_width();
    // Ten keys a row: as wide as the screen allows, never wider than a
    // comfortable finger's reach apart.
    let key_w = ((width - 9.0 * GAP) / 10.0).clamp(TARGET, 110.0);
    let height = key_height(ui.ctx());
    ui.add_space(GAP);
    ui.spacing_mut().item_spacing = egui::vec2(GAP, GAP);
    let rows = rows(k);
    if k.pad == Pad::Letters {
        for row in &rows {
            ui.horizontal(|ui| {
                for &c in row {
                    if key(ui, &c.to_string(), key_w, height, false) {
                        out.push(Action::Key(Key::Char(c)));
                    }
                }
            });
        }
        ui.horizontal(|ui| {
            // Ten keys' width in all, as the rows above.
            if key(ui, "Majuscules", key_w * 2.0 + GAP, height, k.capitals) {
                out.push(Action::Key(Key::Capitals));
            }
            if key(ui, "Accents", key_w * 1.5, height, k.accents) {
                out.push(Action::Key(Key::Accents));
            }
            if key(ui, "Espace", key_w * 2.5 + GAP, height, false) {
                out.push(Action::Key(Key::Space));
            }
            function_keys(ui, key_w, height, &mut out);
        });
    } else {
        // A telephone's pad, centred, as many rows as the letters: the
        // screen above never moves when another field is touched.
        let pad_key = key_w * 2.0 + GAP;
        let indent = ((width - 3.0 * pad_key - 2.0 * GAP) / 2.0).max(0.0);
        for (i, row) in rows.iter().enumerate() {
            ui.horizontal(|ui| {
                ui.add_space(indent);
                if row.len() == 1 {
                    ui.add_space(pad_key + GAP);
                }
                for &c in row {
                    if key(ui, &c.to_string(), pad_key, height, false) {
                        out.push(Action::Key(Key::Char(c)));
                    }
                }
                if i + 1 == rows.len() && key(ui, "Effacer", pad_key, height, false) {
                    out.push(Action::Key(Key::Erase));
                }
            });
        }
        ui.horizontal(|ui| {
            ui.add_space(indent);
            if key(
                ui,
                "Masquer le clavier",
                3.0 * pad_key + 2.0 * GAP,
                height,
                false,
            ) {
                out.push(Action::Key(Key::Hide));
            }
        });
    }
    ui.add_space(GAP);
    out
}

fn function_keys(ui: &mut Ui, key_w: f32, height: f32, out: &mut Vec<Action>) {
    if key(ui, "Effacer", key_w * 1.5, height, false) {
        out.push(Action::Key(Key::Erase));
    }
    if key(ui, "Masquer le clavier", key_w * 2.5 + GAP, height, false) {
        out.push(Action::Key(Key::Hide));
    }
}

/// On a short screen the keys are lower (44 points, still a finger's
/// width) so that the field typed into stays in view above them.
fn key_height(ctx: &egui::Context) -> f32 {
    if ctx.content_rect().height() < 700.0 {
        44.0
    } else {
        TARGET + 4.0
    }
}

/// One key: a framed touch target that senses clicks but takes no focus.
fn key(ui: &mut Ui, label: &str, width: f32, height: f32, on: bool) -> bool {
    let (rect, r) = ui.allocate_exact_size(Vec2::new(width, height), Sense::CLICK);
    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, ui.is_enabled(), label));
    let fill = if on {
        SELECTED
    } else if r.is_pointer_button_down_on() {
        Color32::from_gray(215)
    } else {
        Color32::WHITE
    };
    let painter = ui.painter();
    painter.rect(
        rect,
        6.0,
        fill,
        egui::Stroke::new(1.5, Color32::from_gray(150)),
        egui::StrokeKind::Inside,
    );
    let size = if label.chars().count() == 1 {
        BODY + 4.0
    } else {
        SMALL
    };
    // A long name wraps on two lines rather than spill out of its key.
    let galley = painter.layout(
        label.to_string(),
        egui::FontId::proportional(size),
        Color32::from_gray(20),
        rect.width() - 8.0,
    );
    let at = rect.center() - galley.size() / 2.0;
    painter.galley(at, galley, Color32::from_gray(20));
    r.clicked()
}

/// Where [`crate::ui::widgets::field`] finds the field the keyboard types
/// into this frame (the app puts it there before drawing the screen).
pub fn target_id() -> egui::Id {
    egui::Id::unique("protocoop-keyboard-target")
}

/// Which field the keyboard last scrolled into view (see `widgets::field`).
pub fn revealed_id() -> egui::Id {
    egui::Id::unique("protocoop-keyboard-revealed")
}
