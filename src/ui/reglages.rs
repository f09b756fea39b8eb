//! Réglages: structure, professionals and training dates, the protocol and
//! its validation status, the duty roster, the data folder, the idle lock.

use eframe::egui;
use egui::{RichText, Ui};

use super::setup::{delegant_fields, delegue_fields, structure_fields};
use super::theme::*;
use super::widgets::*;
use crate::fr;
use crate::kiosk::state::SettingsForm;
use crate::kiosk::{Action, Field, KioskState};

pub fn show(ui: &mut Ui, state: &KioskState, form: &SettingsForm) -> Vec<Action> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        heading(ui, "Réglages");
    });
    egui::ScrollArea::vertical().show(ui, |ui| {
        let p = &state.protocol;
        let attached = state.registry.attachment.as_ref();
        block(
            ui,
            if state.is_training() {
                TRAINING_BG
            } else {
                INFO_BG
            },
            |ui| {
                ui.label(
                    RichText::new(format!(
                        "Protocole : {} (version {})",
                        p.meta.name, p.meta.version
                    ))
                    .size(BODY)
                    .strong(),
                );
                ui.label(RichText::new(p.validation.describe()).size(SMALL));
                match state.training_reason() {
                    Some(why) => ui.label(
                        RichText::new(format!("Mode formation : {why}."))
                            .size(SMALL)
                            .strong(),
                    ),
                    None => ui.label(RichText::new("Actes réels, rémunérés.").size(SMALL)),
                };
                // The fingerprints are for a CPTS coordinator on the phone,
                // not for the counter: folded away until asked for.
                egui::CollapsingHeader::new(RichText::new("Détails").size(SMALL))
                    .id_salt("reglages-details")
                    .show(ui, |ui| {
                        ui.label(
                            RichText::new(format!(
                                "Empreinte du protocole : {}",
                                crate::text::short_code(&p.identity.sha256)
                            ))
                            .size(SMALL),
                        );
                        if let Some(a) = attached {
                            ui.label(
                                RichText::new(format!(
                                    "Empreinte de la clé de la CPTS : {}",
                                    a.cpts_key.fingerprint()
                                ))
                                .size(SMALL),
                            );
                        }
                    });
            },
        );
        ui.label(RichText::new("CPTS").size(BODY).strong());
        match attached {
            Some(a) => {
                muted(
                    ui,
                    &format!(
                        "Rattaché à « {} » — lot n° {} du {}, appliqué le {}",
                        a.cpts_name,
                        a.serial,
                        fr::date(crate::kiosk::forms::paris_day(a.created_at)),
                        fr::datetime(a.applied_at),
                    ),
                );
                ui.label(RichText::new("Mettre à jour depuis la CPTS").size(BODY));
            }
            None => {
                muted(
                    ui,
                    "Appareil de formation, non rattaché à une CPTS : rattachez-le avec le lot que la CPTS vous a remis.",
                );
                ui.label(RichText::new("Rattacher à la CPTS").size(BODY));
            }
        }
        out.extend(super::cpts_bundle::show(ui, &form.bundle, attached.is_none()));
        ui.separator();
        ui.label(RichText::new("Professionnels").size(BODY).strong());
        for d in state.registry.delegues() {
            let trained = d
                .trained_on
                .map_or("formation non enregistrée".to_string(), |t| {
                    format!("formé le {}", fr::date(t))
                });
            muted(
                ui,
                &format!(
                    "Délégué : {} ({}, RPPS {}) — {trained}",
                    d.name,
                    d.profession.as_str(),
                    d.rpps
                ),
            );
        }
        for d in state.registry.delegants() {
            muted(ui, &format!("Délégant : {} (RPPS {})", d.name, d.rpps));
        }
        if attached.is_some() {
            muted(ui, "Délégués et délégants sont enregistrés par la CPTS et arrivent avec ses lots.");
        } else {
            out.extend(delegue_fields(
                ui,
                &form.delegue,
                "Ajouter un délégué, ou mettre à jour sa date de formation (même RPPS)",
            ));
            if secondary(ui, "Enregistrer le délégué") {
                out.push(Action::AddDelegue);
            }
            out.extend(delegant_fields(ui, &form.delegant));
            if secondary(ui, "Enregistrer le délégant") {
                out.push(Action::AddDelegant);
            }
        }
        ui.separator();
        out.extend(structure_fields(ui, &form.structure));
        if secondary(ui, "Enregistrer la structure") {
            out.push(Action::SaveStructure);
        }
        ui.separator();
        ui.label(
            RichText::new("Tableau de garde des dentistes")
                .size(BODY)
                .strong(),
        );
        match &state.roster {
            Some(r) => {
                muted(
                    ui,
                    &format!(
                        "Tableau de garde : {}{}",
                        fr::plural(r.duties.len() as u64, "période", "périodes"),
                        if r.example { " (EXEMPLE fictif)" } else { "" }
                    ),
                );
                for d in r.duties.iter().take(6) {
                    muted(
                        ui,
                        &format!(
                            "du {} au {} : {} ({})",
                            fr::date(d.from),
                            fr::date(d.to),
                            d.dentist,
                            d.phone
                        ),
                    );
                }
            }
            None => muted(
                ui,
                "Aucun tableau de garde : la CPTS l'envoie avec son lot (« Mettre à jour depuis la CPTS »).",
            ),
        }
        ui.separator();
        ui.label(RichText::new("Imprimante").size(BODY).strong());
        out.extend(super::termine::printer_choices(ui, state));
        ui.separator();
        ui.label(RichText::new("Sauvegarde").size(BODY).strong());
        muted(ui, &crate::kiosk::backup::last_words(state));
        if form.drives.is_empty() {
            muted(
                ui,
                "Branchez une clé USB, puis rouvrez les Réglages pour y sauvegarder l'appareil.",
            );
        }
        for drive in &form.drives {
            let name = crate::kiosk::drives::name(drive);
            if secondary(ui, &format!("Sauvegarder sur la clé USB « {name} »")) {
                out.push(Action::BackupTo(drive.clone()));
            }
        }
        muted(
            ui,
            "À chaque clôture de mois, une sauvegarde peut aussi s'écrire dans un dossier (un autre disque, un partage) :",
        );
        ui.horizontal_wrapped(|ui| {
            out.extend(field(
                ui,
                "Dossier de sauvegarde à la clôture",
                Field::BackupFolder,
                &form.backup_folder,
                "/mnt/…",
                ui.available_width().min(560.0),
                false,
            ));
            if secondary(ui, "Enregistrer ce dossier") {
                out.push(Action::SetBackupFolder(true));
            }
            if !form.backup_folder.is_empty() && secondary(ui, "Ne plus sauvegarder à la clôture") {
                out.push(Action::SetBackupFolder(false));
            }
        });
        ui.separator();
        ui.label(RichText::new("Dossier de données").size(BODY).strong());
        muted(ui, &state.data_dir.display().to_string());
        ui.horizontal(|ui| {
            let m = state.settings.idle_lock_minutes;
            ui.label(
                RichText::new(format!(
                    "Verrouillage après {}",
                    fr::plural(u64::from(m), "minute", "minutes")
                ))
                .size(BODY),
            );
            if secondary(ui, "Moins") {
                out.push(Action::SetIdleMinutes(m.saturating_sub(1)));
            }
            if secondary(ui, "Plus") {
                out.push(Action::SetIdleMinutes(m + 1));
            }
        });
    });
    out
}
