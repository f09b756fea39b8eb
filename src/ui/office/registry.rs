//! « Registre »: délégués, délégants, devices, protocol, duty roster.

use eframe::egui::{self, RichText, Ui};

use super::super::theme::*;
use super::super::widgets::*;
use super::text_field;
use crate::bundle::DelegueStatus;
use crate::fr;
use crate::office::state::RegistryForm;
use crate::office::{Action, DutyColumn, Field};
use crate::registry::Profession;

pub fn show(ui: &mut Ui, f: &RegistryForm) -> Vec<Action> {
    let mut out = Vec::new();
    let r = &f.registry;
    heading(ui, "Registre de la CPTS");
    muted(
        ui,
        "Ce qui est enregistré ici part vers les appareils avec le prochain lot.",
    );
    if let Some((name, code)) = &f.code {
        block(ui, INFO_BG, |ui| {
            ui.label(
                RichText::new(format!("Code d'activation de {name} : {code}"))
                    .size(HEADING)
                    .strong(),
            );
            muted(
                ui,
                "Affiché une seule fois : remettez-le à la personne, qui le tapera à sa première connexion.",
            );
            if f.letter.is_some() {
                out.extend(letter(ui, f));
            }
        });
    }

    ui.add_space(8.0);
    ui.label(RichText::new("Délégués").size(BODY).strong());
    egui::Grid::new("delegues")
        .striped(true)
        .spacing([20.0, 8.0])
        .show(ui, |ui| {
            for d in &r.delegues {
                ui.label(RichText::new(&d.name).size(SMALL));
                ui.label(RichText::new(d.rpps.as_str()).size(SMALL));
                ui.label(RichText::new(d.profession.as_str()).size(SMALL));
                ui.label(RichText::new(format!("formé le {}", fr::date(d.trained_on))).size(SMALL));
                match d.status {
                    DelegueStatus::Revoked => {
                        ui.label(RichText::new("retiré").size(SMALL).color(DANGER));
                    }
                    _ => {
                        if secondary(ui, "Nouveau code") {
                            out.push(Action::ResetDelegue(d.rpps.to_string()));
                        }
                        if secondary(ui, "Retirer") {
                            out.push(Action::RevokeDelegue(d.rpps.to_string()));
                        }
                    }
                }
                ui.end_row();
            }
        });
    out.extend(text_field(
        ui,
        "Nom du délégué",
        Field::DelegueName,
        &f.delegue_name,
        "",
        false,
    ));
    out.extend(text_field(
        ui,
        "RPPS du délégué",
        Field::DelegueRpps,
        &f.delegue_rpps,
        "11 chiffres",
        false,
    ));
    out.extend(text_field(
        ui,
        "Date de formation",
        Field::DelegueTrainedOn,
        &f.delegue_trained_on,
        "JJ/MM/AAAA",
        false,
    ));
    ui.horizontal_wrapped(|ui| {
        for (p, label) in [
            (Profession::Pharmacien, "Pharmacien"),
            (Profession::Infirmier, "Infirmier"),
        ] {
            if choice(ui, f.delegue_profession == Some(p), label) {
                out.push(Action::ChooseProfession(p));
            }
        }
        if primary(ui, "Enregistrer le délégué") {
            out.push(Action::AddDelegue);
        }
    });

    ui.add_space(8.0);
    ui.label(RichText::new("Délégants").size(BODY).strong());
    for d in &r.delegants {
        muted(
            ui,
            &format!(
                "{} — {} — {}",
                d.name,
                d.rpps,
                d.address.as_deref().unwrap_or("adresse non renseignée")
            ),
        );
    }
    out.extend(text_field(
        ui,
        "Nom du délégant",
        Field::DelegantName,
        &f.delegant_name,
        "",
        false,
    ));
    out.extend(text_field(
        ui,
        "RPPS du délégant",
        Field::DelegantRpps,
        &f.delegant_rpps,
        "11 chiffres",
        false,
    ));
    out.extend(text_field(
        ui,
        "Adresse du cabinet",
        Field::DelegantAddress,
        &f.delegant_address,
        "",
        false,
    ));
    out.extend(text_field(
        ui,
        "Téléphone du cabinet",
        Field::DelegantPhone,
        &f.delegant_phone,
        "",
        false,
    ));
    ui.horizontal_wrapped(|ui| {
        use crate::registry::DelegantProfession as P;
        for (p, label) in [
            (P::ChirurgienDentiste, "Chirurgien-dentiste"),
            (P::Medecin, "Médecin"),
        ] {
            if choice(ui, f.delegant_profession == p, label) {
                out.push(Action::ChooseDelegantProfession(p));
            }
        }
    });
    if secondary(ui, "Enregistrer le délégant") {
        out.push(Action::AddDelegant);
    }

    ui.add_space(8.0);
    ui.label(
        RichText::new("Comptes bancaires (virements)")
            .size(BODY)
            .strong(),
    );
    for (rpps, a) in &r.accounts {
        muted(ui, &format!("{rpps} — {}", a.iban.masked()));
    }
    out.extend(text_field(
        ui,
        "RPPS du professionnel à payer",
        Field::AccountRpps,
        &f.account_rpps,
        "11 chiffres",
        false,
    ));
    out.extend(text_field(
        ui,
        "Son IBAN",
        Field::AccountIban,
        &f.account_iban,
        "FR76 …",
        false,
    ));
    out.extend(text_field(
        ui,
        "Son BIC (facultatif)",
        Field::AccountBic,
        &f.account_bic,
        "",
        false,
    ));
    if secondary(ui, "Enregistrer le compte") {
        out.push(Action::SetAccount);
    }

    ui.add_space(8.0);
    ui.label(RichText::new("Appareils").size(BODY).strong());
    for d in &r.devices {
        muted(ui, &format!("{} — empreinte {}", d.name, d.fingerprint));
    }
    out.extend(text_field(
        ui,
        "Nom de l'appareil",
        Field::DeviceName,
        &f.device_name,
        "Pharmacie du …",
        false,
    ));
    out.extend(text_field(
        ui,
        "Clé publique (ou fichier exporté par l'appareil)",
        Field::DeviceKey,
        &f.device_key,
        "",
        false,
    ));
    if secondary(ui, "Enregistrer l'appareil") {
        out.push(Action::AddDevice);
    }

    ui.add_space(8.0);
    ui.label(RichText::new("Protocole validé").size(BODY).strong());
    match &f.protocol_status {
        Some(status) => muted(ui, status),
        None => muted(
            ui,
            "Aucun protocole validé : les appareils restent en formation.",
        ),
    }
    out.extend(text_field(
        ui,
        "Fichier du protocole validé",
        Field::ProtocolFile,
        &f.protocol_file,
        "",
        false,
    ));
    if secondary(ui, "Ajouter le protocole") {
        out.push(Action::AddProtocol);
    }
    ui.add_space(8.0);
    out.extend(roster(ui, f));
    out
}

/// The duty roster as a table: a line per duty, dates as JJ/MM/AAAA.
fn roster(ui: &mut Ui, f: &RegistryForm) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(RichText::new("Tableau de garde").size(BODY).strong());
    if f.registry.roster.is_none() {
        muted(ui, "Aucun tableau de garde enregistré.");
    }
    let columns = [
        (DutyColumn::From, "Du", 160.0),
        (DutyColumn::To, "Au", 160.0),
        (DutyColumn::Dentist, "Dentiste de garde", 220.0),
        (DutyColumn::Address, "Adresse", 260.0),
        (DutyColumn::Phone, "Téléphone", 160.0),
    ];
    egui::Grid::new("duties")
        .striped(true)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let heads: Vec<egui::Id> = columns
                .iter()
                .map(|(_, h, _)| ui.label(RichText::new(*h).size(SMALL).strong()).id)
                .collect();
            ui.end_row();
            for (line, row) in f.duties.iter().enumerate() {
                for ((column, _, width), head) in columns.iter().zip(&heads) {
                    let value = match column {
                        DutyColumn::From => &row.from,
                        DutyColumn::To => &row.to,
                        DutyColumn::Dentist => &row.dentist,
                        DutyColumn::Address => &row.address,
                        DutyColumn::Phone => &row.phone,
                    };
                    let mut text = value.clone();
                    let mut edit = egui::TextEdit::singleline(&mut text)
                        .font(egui::FontId::proportional(SMALL));
                    if matches!(column, DutyColumn::From | DutyColumn::To) {
                        edit = edit.hint_text(RichText::new("JJ/MM/AAAA").size(SMALL).color(HINT));
                    }
                    // Sized outright: a grid's cell would otherwise be as
                    // narrow as its column's header.
                    let r = ui.add_sized(egui::vec2(*width, SMALL + 16.0), edit);
                    if r.labelled_by(*head).changed() {
                        out.push(Action::Edit(Field::Duty(line, *column), text));
                    }
                }
                if secondary(ui, "Enlever") {
                    out.push(Action::RemoveDuty(line));
                }
                ui.end_row();
            }
        });
    ui.horizontal_wrapped(|ui| {
        if secondary(ui, "Ajouter une garde") {
            out.push(Action::AddDuty);
        }
        if primary(ui, "Enregistrer le tableau de garde") {
            out.push(Action::SaveDuties);
        }
    });
    out.extend(text_field(
        ui,
        "Ou lire un fichier garde.toml",
        Field::RosterFile,
        &f.roster_file,
        "",
        false,
    ));
    if secondary(ui, "Lire et enregistrer ce fichier") {
        out.push(Action::SetRoster);
    }
    out
}

/// Where to write the activation letter: a folder typed or a USB key.
fn letter(ui: &mut Ui, f: &RegistryForm) -> Vec<Action> {
    let mut out = Vec::new();
    out.extend(text_field(
        ui,
        "Dossier de la lettre d'activation",
        Field::LetterFolder,
        &f.letter_folder,
        "/home/…/Documents",
        false,
    ));
    ui.horizontal_wrapped(|ui| {
        for (name, path) in &f.keys {
            let on = f.letter_folder == path.display().to_string();
            if choice(ui, on, &format!("Clé « {name} »")) {
                out.push(Action::Edit(
                    Field::LetterFolder,
                    path.display().to_string(),
                ));
            }
        }
        if primary(ui, "Enregistrer la lettre (PDF)") {
            out.push(Action::SaveLetter);
        }
    });
    out
}
