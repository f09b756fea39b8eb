//! The first start: the CPTS's name and passphrase.

use eframe::egui::Ui;

use super::super::widgets::*;
use super::text_field;
use crate::office::state::SetupForm;
use crate::office::{Action, Field};

pub fn show(ui: &mut Ui, f: &SetupForm) -> Vec<Action> {
    let mut out = Vec::new();
    heading(ui, "Première mise en service de la CPTS");
    muted(
        ui,
        "La phrase de passe protège la clé qui signe les lots des appareils. Choisissez-en une longue (quatre mots sans rapport, 12 caractères au moins) et gardez-la en lieu sûr : elle est demandée pour chaque mise à jour des appareils.",
    );
    out.extend(text_field(
        ui,
        "Nom de la CPTS",
        Field::SetupName,
        &f.name,
        "son nom officiel, par exemple « CPTS du … »",
        false,
    ));
    out.extend(text_field(
        ui,
        "Phrase de passe",
        Field::SetupPassphrase,
        &f.passphrase,
        "",
        true,
    ));
    out.extend(text_field(
        ui,
        "La même phrase de passe, à nouveau",
        Field::SetupPassphraseAgain,
        &f.again,
        "",
        true,
    ));
    ui.add_space(12.0);
    if primary(ui, "Créer la CPTS") {
        out.push(Action::SubmitSetup);
    }
    out
}
