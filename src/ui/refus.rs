//! Accord refusé: the patient did not consent. Nothing is recorded, the
//! identity typed is gone, and the screen says what to tell the patient;
//! the signs that call for the 15 are the protocol's own (its advice
//! sheet's emergency section), not a second list kept here.

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::kiosk::KioskState;

pub fn show(ui: &mut Ui, state: &KioskState) {
    heading(ui, "Le patient ne souhaite pas de prise en charge ici");
    ui.label(
        RichText::new("Rien n'a été enregistré et l'identité saisie a été effacée.").size(BODY),
    );
    ui.add_space(12.0);
    block(ui, INFO_BG, |ui| {
        ui.label(RichText::new("Dites au patient :").size(BODY).strong());
        ui.label(
            RichText::new(
                "- de prendre rendez-vous rapidement chez un chirurgien-dentiste, ou de consulter son médecin traitant ;",
            )
            .size(BODY),
        );
        for section in state
            .protocol
            .advice
            .sections
            .iter()
            .filter(|s| s.emergency)
        {
            ui.label(
                RichText::new(format!("- {} :", section.title))
                    .size(BODY)
                    .strong(),
            );
            for item in &section.items {
                ui.label(RichText::new(format!("    {item}")).size(BODY));
            }
        }
    });
}
