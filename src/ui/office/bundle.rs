//! « Mettre à jour les appareils »: the next signed bundle.

use eframe::egui::{RichText, Ui};

use super::super::theme::*;
use super::super::widgets::*;
use super::text_field;
use crate::office::state::BundleForm;
use crate::office::{Action, Field};

pub fn show(ui: &mut Ui, f: &BundleForm) -> Vec<Action> {
    let mut out = Vec::new();
    heading(ui, "Le prochain lot pour les appareils");
    ui.label(RichText::new(&f.summary).size(BODY));
    if f.last_serial == 0 {
        muted(ui, "Aucun lot écrit jusqu'ici.");
    } else {
        muted(ui, &format!("Dernier lot écrit : n° {}.", f.last_serial));
    }
    if f.changes.is_empty() {
        muted(ui, "Rien n'a changé depuis le dernier lot.");
    } else {
        ui.label(
            RichText::new("Ce que le prochain lot change :")
                .size(BODY)
                .strong(),
        );
        for c in &f.changes {
            ui.label(RichText::new(format!("• {c}")).size(SMALL));
        }
    }
    ui.horizontal_wrapped(|ui| {
        for (name, path) in &f.keys {
            let on = f.folder == path.display().to_string();
            if choice(ui, on, &format!("Clé « {name} »")) {
                out.push(Action::Edit(
                    Field::BundleFolder,
                    path.display().to_string(),
                ));
            }
        }
    });
    out.extend(text_field(
        ui,
        "Dossier où écrire le lot (la clé USB à remettre)",
        Field::BundleFolder,
        &f.folder,
        "/media/…/CLE-CPTS",
        false,
    ));
    out.extend(text_field(
        ui,
        "Phrase de passe de la CPTS",
        Field::BundlePassphrase,
        &f.passphrase,
        "",
        true,
    ));
    ui.add_space(8.0);
    if primary(ui, "Écrire le lot") {
        out.push(Action::WriteBundle);
    }
    out
}
