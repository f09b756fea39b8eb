//! A themed question screen, as the protocol writes it: a checklist with an
//! explicit « none » answer, a row of value buttons, or number fields.

use eframe::egui;
use egui::{Button, ProgressBar, RichText, Ui, Vec2};

use super::theme::*;
use super::widgets::*;
use crate::kiosk::state::QuestionForm;
use crate::kiosk::{Action, Field, KioskState};
use crate::protocol::{FactType, Protocol, Question};

/// Value buttons instead of a field when a whole-number answer has at most
/// this many possible values (pain 0–10).
const MAX_BUTTONS: i64 = 11;

pub fn show(ui: &mut Ui, state: &KioskState, form: &QuestionForm) -> Vec<Action> {
    let mut out = Vec::new();
    let p = &state.protocol;
    let q = &p.questions[form.index];
    let total = form.done + form.remaining;
    ui.add(
        ProgressBar::new(form.done as f32 / total.max(1) as f32)
            .fill(PRIMARY)
            .desired_height(16.0)
            .desired_width(ui.available_width()),
    );
    ui.label(
        RichText::new(format!(
            "{} — étape {} sur {}",
            q.theme,
            form.done + 1,
            total
        ))
        .size(SMALL)
        .color(MUTED),
    );
    if let Some(earlier) = state.act.as_ref().and_then(|a| a.earlier.as_ref()) {
        block(ui, TRAINING_BG, |ui| {
            ui.label(RichText::new(earlier.describe()).size(BODY).strong());
        });
    }
    heading(ui, &q.title);
    if let Some(h) = &q.help {
        muted(ui, h);
    }
    let buttons = value_buttons(p, q);
    if buttons {
        let f = q.facts[0];
        if let FactType::Integer { min, max } = p.fact(f).ty {
            ui.add_space(24.0);
            ui.horizontal_wrapped(|ui| {
                // The answer given before « Retour » shows, to be touched again.
                let given = form.numbers.get(&f);
                for n in min.floor()..=max.floor() {
                    let on = given.is_some_and(|g| *g == n.to_string());
                    let b = Button::new(RichText::new(n.to_string()).size(HEADING).strong())
                        .selected(on)
                        .min_size(Vec2::new(84.0, 84.0));
                    if ui.add(b).clicked() {
                        out.push(Action::AnswerNumber(f, n));
                    }
                }
            });
        }
    } else {
        let items: Vec<_> = form
            .facts
            .iter()
            .copied()
            .filter(|f| p.fact(*f).ty.is_bool())
            .collect();
        let numbers: Vec<_> = form
            .facts
            .iter()
            .copied()
            .filter(|f| !p.fact(*f).ty.is_bool())
            .collect();
        // Two columns of items keep a whole checklist on a 1280×800 screen.
        let per_column = items.len().div_ceil(2).max(1);
        ui.columns(2, |cols| {
            for (col, chunk) in cols.iter_mut().zip(items.chunks(per_column)) {
                col.vertical(|ui| {
                    let width = ui.available_width();
                    for &f in chunk {
                        if toggle(ui, form.checked.contains(&f), &p.fact(f).label, width) {
                            out.push(Action::ToggleFact(f));
                        }
                    }
                });
            }
        });
        for f in numbers {
            let def = p.fact(f);
            let value = form.numbers.get(&f).map_or("", String::as_str);
            let hint = if def.required {
                "obligatoire"
            } else {
                "facultatif"
            };
            out.extend(field(
                ui,
                &def.label,
                Field::Fact(f),
                value,
                hint,
                200.0,
                false,
            ));
        }
    }
    out
}

/// A whole-number answer with few values is a row of buttons that answer
/// at once (pain 0–10); anything else is confirmed in the bottom bar.
pub fn value_buttons(p: &Protocol, q: &Question) -> bool {
    q.facts.len() == 1
        && matches!(p.fact(q.facts[0]).ty, FactType::Integer { min, max } if max.floor() - min.floor() < MAX_BUTTONS)
}
