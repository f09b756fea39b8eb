//! The coordinator's window (`protocoop cpts`): one file per screen; each
//! draws an [`crate::office::OfficeState`] and returns
//! [`crate::office::Action`]s, handed to `office::reduce`.

mod app;
mod bundle;
mod dashboard;
mod import;
mod month;
mod registry;
mod setup;

pub use app::{OfficeApp, run};

use eframe::egui;
use egui::{RichText, TextEdit, Ui};

use super::theme::*;
use crate::office::{Action, Field};

/// A labelled one-line field; its new text as an [`Action::Edit`].
fn text_field(
    ui: &mut Ui,
    label: &str,
    field: Field,
    value: &str,
    hint: &str,
    password: bool,
) -> Option<Action> {
    let mut out = None;
    ui.vertical(|ui| {
        let l = ui.label(RichText::new(label).size(SMALL).color(MUTED));
        let mut text = value.to_string();
        let width = ui.available_width().min(640.0);
        let r = ui
            .add(
                TextEdit::singleline(&mut text)
                    .hint_text(RichText::new(hint).size(BODY).italics().color(HINT))
                    .password(password)
                    .font(egui::FontId::proportional(BODY))
                    .desired_width(width),
            )
            .labelled_by(l.id);
        if r.changed() {
            out = Some(Action::Edit(field, text));
        }
    });
    out
}
