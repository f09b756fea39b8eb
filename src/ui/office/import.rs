//! « Importer des rapports »: those found on a USB key in one touch, a file
//! typed, or files dropped onto the window; a line for each.

use eframe::egui::{RichText, Ui};

use super::super::theme::*;
use super::super::widgets::*;
use super::text_field;
use crate::fr;
use crate::office::state::{ImportForm, Outcome};
use crate::office::{Action, Field};

pub fn show(ui: &mut Ui, f: &ImportForm) -> Vec<Action> {
    let mut out = Vec::new();
    heading(ui, "Importer des rapports");
    muted(
        ui,
        "Branchez la clé USB où les structures ont exporté leur rapport du mois, ou déposez les fichiers sur cette fenêtre.",
    );
    if f.found.is_empty() {
        muted(ui, "Aucun rapport sur une clé USB branchée.");
    } else {
        let all: Vec<_> = f.found.iter().map(|b| b.path.clone()).collect();
        if primary(ui, &format!("Importer tout ({})", all.len())) {
            out.push(Action::Import(all));
        }
        for b in &f.found {
            let name = b
                .path
                .file_name()
                .map_or(String::new(), |n| n.to_string_lossy().into_owned());
            let when = b
                .written
                .map_or(String::new(), |t| format!(", écrit le {}", fr::datetime(t)));
            if secondary(ui, &format!("Clé « {} » : {name}{when}", b.drive)) {
                out.push(Action::Import(vec![b.path.clone()]));
            }
        }
    }
    if secondary(ui, "Chercher à nouveau") {
        out.push(Action::FindReports);
    }
    ui.add_space(8.0);
    out.extend(text_field(
        ui,
        "Ou le chemin d'un fichier",
        Field::ImportPath,
        &f.path,
        "/media/…/protocoop-rapport-2026-11-….json",
        false,
    ));
    if secondary(ui, "Importer ce fichier") {
        out.push(Action::ImportTyped);
    }
    ui.add_space(12.0);
    for l in &f.lines {
        let (bg, what) = match l.outcome {
            Outcome::Imported => (INFO_BG, "Importé"),
            Outcome::Warning => (ERROR_BG, "Importé, à regarder"),
            Outcome::AlreadyImported => (SELECTED, "Déjà importé"),
            Outcome::Refused => (ERROR_BG, "Refusé"),
        };
        block(ui, bg, |ui| {
            ui.label(
                RichText::new(format!("{what} — {}", l.file))
                    .size(BODY)
                    .strong(),
            );
            ui.label(RichText::new(&l.text).size(SMALL));
        });
    }
    out
}
