//! Accueil: the structure, one big « Nouvelle prise en charge ».

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::kiosk::{Action, KioskState};

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
        ui.add_space(40.0);
        if primary(ui, "Nouvelle prise en charge") {
            out.push(Action::NewAct);
        }
        ui.add_space(40.0);
        ui.horizontal(|ui| {
            let n = if state.session.is_some() { 3.0 } else { 2.0 };
            let w = n * 150.0;
            ui.add_space(((ui.available_width() - w) / 2.0).max(0.0));
            if secondary(ui, "Historique") {
                out.push(Action::OpenHistory);
            }
            if secondary(ui, "Réglages") {
                out.push(Action::OpenSettings);
            }
            if state.session.is_some() && secondary(ui, "Verrouiller") {
                out.push(Action::Lock);
            }
        });
        ui.add_space(24.0);
        muted(
            ui,
            "Rapport du mois : protocoop report --month AAAA-MM (depuis le bureau de la CPTS)",
        );
    });
    out
}
