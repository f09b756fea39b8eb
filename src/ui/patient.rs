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
    let age = forms::typed_age(form, state.now);
    // Two fields a row where they fit, else one: nothing past the right edge.
    let w = ((ui.available_width() - 24.0) / 2.0).clamp(240.0, 380.0);
    ui.horizontal_wrapped(|ui| {
        out.extend(field(
            ui,
            "Nom",
            Field::LastName,
            &form.last_name,
            "nom de famille",
            w,
            false,
        ));
        out.extend(field(
            ui,
            "Prénom",
            Field::FirstName,
            &form.first_name,
            "prénom",
            w,
            false,
        ));
    });
    ui.horizontal_wrapped(|ui| {
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
            let text = match age {
                Some(a) if a >= 0 => format!("{a} ans"),
                _ => "-".into(),
            };
            ui.label(RichText::new(text).size(HEADING));
        });
    });
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
    ui.horizontal_wrapped(|ui| {
        out.extend(field(
            ui,
            "Poids (kg) — obligatoire avant 15 ans",
            Field::Weight,
            &form.weight,
            "kg",
            w,
            false,
        ));
        out.extend(field(
            ui,
            "Code postal",
            Field::PostalCode,
            &form.postal_code,
            "5 chiffres",
            w,
            false,
        ));
    });
    if state.protocol.followup.is_some() {
        out.extend(field(
            ui,
            "Téléphone (facultatif) — pour l'appel de suivi",
            Field::PatientPhone,
            &form.phone,
            "06 12 34 56 78",
            w,
            false,
        ));
    }
    ui.horizontal_wrapped(|ui| {
        out.extend(field(
            ui,
            "Médecin traitant (facultatif)",
            Field::DoctorName,
            &form.doctor_name,
            "Dr Nom Prénom",
            w,
            false,
        ));
        out.extend(field(
            ui,
            "Sa commune",
            Field::DoctorTown,
            &form.doctor_town,
            "commune",
            w,
            false,
        ));
    });
    ui.add_space(16.0);
    let minor = age.is_some_and(crate::act::is_minor);
    muted(
        ui,
        if minor {
            "Patient mineur : informez son parent ou son tuteur légal (prise en charge par le pharmacien ou l'infirmier au nom d'un chirurgien-dentiste) et recueillez son accord."
        } else {
            "Protocole de coopération : informez le patient (prise en charge par le pharmacien ou l'infirmier au nom d'un chirurgien-dentiste) et recueillez son accord."
        },
    );
    out
}
