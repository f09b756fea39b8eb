//! « Registre »: délégués, délégants, devices, protocol, duty roster.

use eframe::egui::{self, RichText, Ui};

use super::super::theme::*;
use super::super::widgets::*;
use super::text_field;
use crate::bundle::DelegueStatus;
use crate::fr;
use crate::office::state::RegistryForm;
use crate::office::{Action, Field};
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
    ui.label(
        RichText::new("Protocole et tableau de garde")
            .size(BODY)
            .strong(),
    );
    match r.protocols.last() {
        Some(p) => muted(
            ui,
            &format!("Protocole validé : {} version {}", p.id, p.version),
        ),
        None => muted(
            ui,
            "Aucun protocole validé : les appareils restent en formation.",
        ),
    }
    muted(
        ui,
        if r.roster.is_some() {
            "Un tableau de garde est enregistré."
        } else {
            "Aucun tableau de garde."
        },
    );
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
    out.extend(text_field(
        ui,
        "Fichier du tableau de garde",
        Field::RosterFile,
        &f.roster_file,
        "",
        false,
    ));
    if secondary(ui, "Enregistrer le tableau de garde") {
        out.push(Action::SetRoster);
    }
    out
}
