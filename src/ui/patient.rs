//! Patient: identity typed once, sex, weight (mandatory under 15), postal
//! code; going on states the patient's informed consent.

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::act::Sex;
use crate::kiosk::forms;
use crate::kiosk::state::PatientForm;
use crate::kiosk::{Action, Field, KioskState};

pub fn show(ui: &mut Ui, state: &KioskState, form: &PatientForm) -> Vec<Action> {
    let mut out = Vec::new();
    heading(ui, "Patient");
    let w = 380.0;
    ui.horizontal(|ui| {
        out.extend(field(
            ui,
            "Nom",
            Field::LastName,
            &form.last_name,
            "MARTIN",
            w,
            false,
        ));
        out.extend(field(
            ui,
            "Prénom",
            Field::FirstName,
            &form.first_name,
            "Paul",
            w,
            false,
        ));
    });
    ui.horizontal(|ui| {
        out.extend(field(
            ui,
            "Date de naissance",
            Field::BirthDate,
            &form.birth_date,
            "JJ/MM/AAAA",
            w,
            false,
        ));
        ui.vertical(|ui| {
            muted(ui, "Âge");
            let age = forms::parse_date_fr("", &form.birth_date)
                .ok()
                .map(|b| crate::act::age_on(b, forms::paris_day(state.now)));
            let text = match age {
                Some(a) if a >= 0 => format!("{a} ans"),
                _ => "-".into(),
            };
            ui.label(RichText::new(text).size(HEADING));
        });
    });
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            muted(ui, "Sexe");
            ui.horizontal(|ui| {
                if choice(ui, form.sex == Some(Sex::F), "Femme") {
                    out.push(Action::SetSex(Sex::F));
                }
                if choice(ui, form.sex == Some(Sex::M), "Homme") {
                    out.push(Action::SetSex(Sex::M));
                }
            });
        });
        ui.add_space(24.0);
        out.extend(field(
            ui,
            "Poids (kg) — obligatoire avant 15 ans",
            Field::Weight,
            &form.weight,
            "kg",
            200.0,
            false,
        ));
        out.extend(field(
            ui,
            "Code postal",
            Field::PostalCode,
            &form.postal_code,
            "79500",
            200.0,
            false,
        ));
    });
    ui.add_space(16.0);
    muted(
        ui,
        "Protocole de coopération : informez le patient (prise en charge par le pharmacien ou l'infirmier au nom d'un chirurgien-dentiste) et recueillez son accord.",
    );
    ui.horizontal(|ui| {
        if primary(ui, "Patient informé et consentant : continuer") {
            out.push(Action::ConfirmPatient);
        }
        if secondary(ui, "Le patient refuse") {
            out.push(Action::RefuseConsent);
        }
        if secondary(ui, "Retour") {
            out.push(Action::Back);
        }
    });
    out
}
