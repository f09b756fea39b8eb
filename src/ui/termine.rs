//! Terminé: the act number and the short verification code printed on the
//! documents; what happened to them (printed, or not, and why), and a
//! retry or a save. « Nouvelle prise en charge » is in the bottom bar.

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::kiosk::state::Done;
use crate::kiosk::{Action, KioskState};

/// « Enregistrer le PDF », or one button per USB key when there are
/// several (Terminé and Historique).
pub fn save_buttons(ui: &mut Ui, choices: &[std::path::PathBuf]) -> Vec<Action> {
    let mut out = Vec::new();
    if choices.is_empty() {
        if secondary(ui, "Enregistrer le PDF") {
            out.push(Action::SaveDocuments(None));
        }
        return out;
    }
    for drive in choices {
        let name = crate::kiosk::drives::name(drive);
        if secondary(ui, &format!("Enregistrer sur la clé « {name} »")) {
            out.push(Action::SaveDocuments(Some(drive.clone())));
        }
    }
    out
}

pub fn show(ui: &mut Ui, state: &KioskState, done: &Done) -> Vec<Action> {
    let mut out = Vec::new();
    ui.vertical_centered(|ui| {
        ui.add_space(24.0);
        heading(
            ui,
            if done.taken_in_charge {
                "Prise en charge enregistrée"
            } else {
                "Orientation enregistrée"
            },
        );
        ui.label(
            RichText::new(format!("Acte n° {}", done.number))
                .size(HUGE - 16.0)
                .strong(),
        );
        ui.label(
            RichText::new(format!("Code de vérification : {}", done.verification_code))
                .size(HEADING)
                .monospace(),
        );
        if let Some(print) = &done.print {
            block(
                ui,
                if done.print_failed { ERROR_BG } else { INFO_BG },
                |ui| {
                    ui.label(RichText::new(print).size(BODY));
                },
            );
        }
        if done.taken_in_charge {
            if done.print_failed {
                out.extend(printer_choices(ui, state));
                ui.horizontal_wrapped(|ui| {
                    if secondary(ui, "Réessayer l'impression") {
                        out.push(Action::RetryPrint);
                    }
                    if secondary(ui, "Imprimer plus tard") {
                        out.push(Action::PrintLater);
                    }
                });
            }
            out.extend(save_buttons(ui, &done.save_choices));
        }
        out.extend(letter_button(ui, done.taken_in_charge));
    });
    out
}

/// The letter for the patient's other carers (Terminé and Historique).
pub fn letter_button(ui: &mut Ui, taken_in_charge: bool) -> Option<Action> {
    let label = if taken_in_charge {
        "Imprimer le compte rendu pour le médecin traitant"
    } else {
        "Imprimer le courrier d'orientation"
    };
    secondary(ui, label).then_some(Action::PrintLetter)
}

/// The printers to choose from: the station's default one, then each the
/// print system knows; the one chosen is kept for the next prints.
pub fn printer_choices(ui: &mut Ui, state: &KioskState) -> Vec<Action> {
    let mut out = Vec::new();
    if state.printers.is_empty() {
        muted(
            ui,
            "Aucune imprimante installée sur ce poste : les documents s'affichent à l'écran, ou s'enregistrent sur une clé USB.",
        );
        return out;
    }
    let chosen = state.settings.printer.as_deref();
    ui.horizontal_wrapped(|ui| {
        if choice(ui, chosen.is_none(), "Imprimante par défaut") {
            out.push(Action::ChoosePrinter(None));
        }
        for p in &state.printers {
            if choice(ui, chosen == Some(p.as_str()), p) {
                out.push(Action::ChoosePrinter(Some(p.clone())));
            }
        }
    });
    out
}
