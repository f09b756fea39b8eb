//! First start on an empty data folder: the structure, the first délégué
//! (with PIN) and a délégant, so nobody has to edit a file to begin.

use eframe::egui;
use egui::Ui;

use super::widgets::*;
use crate::kiosk::state::{DelegantForm, DelegueForm, SetupForm, StructureForm};
use crate::kiosk::{Action, Field, KioskState};
use crate::registry::Profession;

pub fn show(ui: &mut Ui, state: &KioskState, form: &SetupForm) -> Vec<Action> {
    let mut out = Vec::new();
    heading(ui, "Première mise en service");
    let attached = state.registry.is_attached();
    if attached {
        muted(
            ui,
            "Appareil rattaché à la CPTS : il reste à renseigner la structure. Délégués et délégants viennent du lot de la CPTS.",
        );
    } else {
        ui.label(egui::RichText::new("Rattacher à la CPTS").strong());
        muted(
            ui,
            "Votre CPTS vous a remis un lot (clé USB) : choisissez-le. Sans lot, l'appareil sert à la formation : documents « SPÉCIMEN », actes non payés.",
        );
        out.extend(super::cpts_bundle::show(ui, &form.bundle, true));
        ui.separator();
    }
    out.extend(structure_fields(ui, &form.structure));
    if !attached {
        muted(
            ui,
            "Appareil de formation : le premier délégué et un délégant (modifiables dans les Réglages).",
        );
        out.extend(delegue_fields(ui, &form.delegue, "Premier délégué (vous)"));
        out.extend(delegant_fields(ui, &form.delegant));
    }
    out
}

pub fn structure_fields(ui: &mut Ui, s: &StructureForm) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(egui::RichText::new("Structure (pharmacie ou cabinet)").strong());
    ui.horizontal(|ui| {
        out.extend(field(
            ui,
            "Nom de la structure",
            Field::StructureName,
            &s.name,
            "nom de la pharmacie ou du cabinet",
            360.0,
            false,
        ));
        out.extend(field(
            ui,
            "Adresse",
            Field::StructureAddress,
            &s.address,
            "numéro, rue, commune",
            420.0,
            false,
        ));
    });
    ui.horizontal(|ui| {
        out.extend(field(
            ui,
            "Code postal",
            Field::StructurePostalCode,
            &s.postal_code,
            "5 chiffres",
            160.0,
            false,
        ));
        out.extend(field(
            ui,
            "Téléphone (facultatif)",
            Field::StructurePhone,
            &s.phone,
            "10 chiffres",
            220.0,
            false,
        ));
    });
    out
}

pub fn delegue_fields(ui: &mut Ui, d: &DelegueForm, title: &str) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(egui::RichText::new(title).strong());
    ui.horizontal(|ui| {
        out.extend(field(
            ui,
            "Nom du délégué",
            Field::DelegueName,
            &d.name,
            "prénom et nom",
            300.0,
            false,
        ));
        out.extend(field(
            ui,
            "RPPS du délégué",
            Field::DelegueRpps,
            &d.rpps,
            "11 chiffres",
            200.0,
            false,
        ));
        out.extend(field(
            ui,
            "Date de formation",
            Field::DelegueTrainedOn,
            &d.trained_on,
            "JJ/MM/AAAA",
            180.0,
            false,
        ));
    });
    ui.horizontal(|ui| {
        if choice(ui, d.profession == Profession::Pharmacien, "Pharmacien") {
            out.push(Action::SetProfession(Profession::Pharmacien));
        }
        if choice(ui, d.profession == Profession::Infirmier, "Infirmier") {
            out.push(Action::SetProfession(Profession::Infirmier));
        }
        out.extend(field(
            ui,
            "Code PIN (6 chiffres au moins)",
            Field::DeleguePin,
            &d.pin,
            "PIN",
            160.0,
            true,
        ));
        out.extend(field(
            ui,
            "Code PIN (confirmation)",
            Field::DeleguePinAgain,
            &d.pin_again,
            "PIN",
            160.0,
            true,
        ));
    });
    out
}

pub fn delegant_fields(ui: &mut Ui, d: &DelegantForm) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(
        egui::RichText::new("Délégant (chirurgien-dentiste nommé sur les ordonnances)").strong(),
    );
    ui.horizontal(|ui| {
        out.extend(field(
            ui,
            "Nom du délégant",
            Field::DelegantName,
            &d.name,
            "Dr prénom nom",
            300.0,
            false,
        ));
        out.extend(field(
            ui,
            "RPPS du délégant",
            Field::DelegantRpps,
            &d.rpps,
            "11 chiffres",
            200.0,
            false,
        ));
    });
    out
}
