//! The CPTS bundle block, on the first-start screen and in Réglages: the
//! bundles found on USB keys, named by key and date (one touch reads one),
//! a path only under « Autre emplacement »; then who signed it and the
//! key's fingerprint to compare before attaching.

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::fr;
use crate::kiosk::state::BundleForm;
use crate::kiosk::{Action, Field};

/// `first`: the device has no CPTS yet (the fingerprint must be compared).
pub fn show(ui: &mut Ui, form: &BundleForm, first: bool) -> Vec<Action> {
    let mut out = Vec::new();
    match &form.read {
        None => {
            if form.found.is_empty() {
                muted(
                    ui,
                    "Branchez la clé USB que la CPTS vous a remise : son lot y sera trouvé.",
                );
            } else {
                muted(
                    ui,
                    if form.found.len() > 1 {
                        "Lots de la CPTS trouvés sur la clé USB (le plus récent d'abord) :"
                    } else {
                        "Lot de la CPTS trouvé sur la clé USB :"
                    },
                );
                for f in &form.found {
                    let written = f
                        .written
                        .map(|t| format!(", écrit le {}", fr::datetime(t)))
                        .unwrap_or_default();
                    let label = format!("Clé « {} »{written}", f.drive);
                    let on = form.path == f.path.display().to_string();
                    if choice(ui, on, &label) {
                        out.push(Action::ChooseBundle(f.path.clone()));
                    }
                }
            }
            if secondary(ui, "Chercher à nouveau") {
                out.push(Action::FindBundles);
            }
            // For whoever installs the device: a bundle elsewhere than at
            // the top of a key.
            egui::CollapsingHeader::new(RichText::new("Autre emplacement").size(SMALL))
                .id_salt("bundle-elsewhere")
                .show(ui, |ui| {
                    out.extend(field(
                        ui,
                        "Fichier du lot de la CPTS",
                        Field::BundlePath,
                        &form.path,
                        "chemin complet du fichier",
                        520.0,
                        false,
                    ));
                    if secondary(ui, "Lire le lot") {
                        out.push(Action::ReadBundle);
                    }
                });
        }
        Some(peek) => {
            block(ui, INFO_BG, |ui| {
                ui.label(
                    RichText::new(format!(
                        "Lot n° {} de « {} », créé le {} ({} délégué{})",
                        peek.serial,
                        peek.cpts_name,
                        fr::datetime(peek.created_at),
                        peek.delegues,
                        if peek.delegues > 1 { "s" } else { "" }
                    ))
                    .size(BODY),
                );
                if first {
                    ui.label(
                        RichText::new("Empreinte de la clé de la CPTS :")
                            .size(BODY)
                            .strong(),
                    );
                    ui.label(RichText::new(&peek.fingerprint).size(HEADING).monospace());
                    ui.label(
                        RichText::new(
                            "Comparez-la, caractère par caractère, avec celle que la CPTS vous a donnée (au téléphone ou sur papier). Si elle diffère, n'allez pas plus loin.",
                        )
                        .size(SMALL),
                    );
                }
            });
            ui.horizontal(|ui| {
                let label = if first {
                    "C'est la même empreinte : rattacher"
                } else {
                    "Appliquer ce lot"
                };
                if primary(ui, label) {
                    out.push(Action::ConfirmBundle);
                }
                if secondary(ui, "Annuler") {
                    out.push(Action::CancelBundle);
                }
            });
        }
    }
    out
}
