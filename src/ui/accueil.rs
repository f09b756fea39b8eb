//! Accueil: the structure, one big « Nouvelle prise en charge »; then
//! Historique, Rapport du mois, Réglages and the lock.

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::kiosk::{Action, KioskState};

/// Width of a row of [`secondary`] buttons, to centre it.
fn row_width(ui: &Ui, labels: &[&str]) -> f32 {
    let padding = ui.spacing().button_padding.x * 2.0;
    let gaps = ui.spacing().item_spacing.x * (labels.len().saturating_sub(1)) as f32;
    labels
        .iter()
        .map(|t| {
            let text = egui::WidgetText::from(RichText::new(*t).size(BODY));
            let galley = text.into_galley(ui, None, f32::INFINITY, egui::TextStyle::Button);
            (galley.size().x + padding).max(TARGET * 2.0)
        })
        .sum::<f32>()
        + gaps
}

pub fn show(ui: &mut Ui, state: &KioskState) -> Vec<Action> {
    let mut out = Vec::new();
    ui.vertical_centered(|ui| {
        ui.add_space(40.0);
        ui.label(
            RichText::new(state.structure_name())
                .size(HEADING + 6.0)
                .strong(),
        );
        ui.label(
            RichText::new(&state.protocol.meta.name)
                .size(BODY)
                .color(MUTED),
        );
        if state.registry.restored.is_some() {
            ui.add_space(16.0);
            egui::Frame::new()
                .fill(ERROR_BG)
                .inner_margin(egui::vec2(16.0, 10.0))
                .corner_radius(6.0)
                .show(ui, |ui| {
                    ui.label(
                        RichText::new("Registre restauré ou altéré depuis le dernier rapport")
                            .size(BODY)
                            .strong()
                            .color(DANGER),
                    );
                    ui.label(
                        RichText::new(
                            "Aucun acte réel ne peut être enregistré : appelez la coordination de la CPTS.",
                        )
                        .size(BODY),
                    );
                });
        }
        if let Some(reminder) = crate::kiosk::backup::reminder(state) {
            ui.add_space(12.0);
            ui.label(RichText::new(reminder).size(SMALL).color(MUTED));
        }
        // The quarter's questionnaire: one button, so that the screen's
        // others stay in view on a small tablet.
        let survey = (&state.session, state.survey_due, &state.protocol.survey);
        let gap = if let (Some(_), Some(quarter), Some(_)) = survey {
            ui.add_space(12.0);
            if secondary(ui, &survey_label(quarter)) {
                out.push(Action::OpenSurvey);
            }
            16.0
        } else {
            40.0
        };
        ui.add_space(gap);
        if primary(ui, "Nouvelle prise en charge") {
            out.push(Action::NewAct);
        }
        ui.add_space(gap);
        // Wrapped: on a portrait tablet, five buttons do not fit one row.
        ui.horizontal_wrapped(|ui| {
            // The follow-up calls due, when the protocol plans any: the
            // count in the button, which stands out while someone waits.
            let calls = state.calls_due.map(|(_, n)| match n {
                0 => "À rappeler".to_string(),
                n => format!("À rappeler ({n})"),
            });
            let mut labels = vec!["Historique"];
            labels.extend(calls.as_deref());
            labels.extend(["Rapport du mois", "Réglages"]);
            if state.session.is_some() {
                labels.push("Verrouiller");
            }
            let w = row_width(ui, &labels);
            ui.add_space(((ui.available_width() - w) / 2.0).max(0.0));
            if secondary(ui, "Historique") {
                out.push(Action::OpenHistory);
            }
            if let Some(label) = &calls {
                let due = state.calls_due.is_some_and(|(_, n)| n > 0);
                let touched = if due {
                    calls_button(ui, label)
                } else {
                    secondary(ui, label)
                };
                if touched {
                    out.push(Action::OpenCalls);
                }
            }
            if secondary(ui, "Rapport du mois") {
                out.push(Action::OpenReport);
            }
            if secondary(ui, "Réglages") {
                out.push(Action::OpenSettings);
            }
            if state.session.is_some() && secondary(ui, "Verrouiller") {
                out.push(Action::Lock);
            }
        });
    });
    out
}

/// « À rappeler (2) » in the primary colour, of a secondary button's size.
fn calls_button(ui: &mut Ui, label: &str) -> bool {
    let b = egui::Button::new(RichText::new(label).size(BODY).color(ON_PRIMARY))
        .fill(PRIMARY)
        .min_size(egui::vec2(TARGET * 2.0, TARGET));
    ui.add(b).clicked()
}

/// « Répondre au questionnaire du 2e trimestre 2027 (une minute) ».
fn survey_label(quarter: crate::calendar::Quarter) -> String {
    format!(
        "Répondre au questionnaire du {} (une minute)",
        quarter.name_fr()
    )
}
