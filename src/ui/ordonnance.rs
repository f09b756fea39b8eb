//! Ordonnance: the proposed lines with their doses, optional lines as
//! toggles, the délégant, and a faithful summary of what will be printed.

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::fr;
use crate::kiosk::state::OrdonnanceForm;
use crate::kiosk::{Action, KioskState};
use crate::protocol::Decision;
use crate::triage::selection;
use crate::triage::{ProposedLine, describe, units};

pub fn show(ui: &mut Ui, state: &KioskState, form: &OrdonnanceForm) -> Vec<Action> {
    let mut out = Vec::new();
    let p = &state.protocol;
    let Some(act) = &state.act else { return out };
    let Some(outcome) = &act.outcome else {
        return out;
    };
    let chosen = selection::with_options(p, outcome, &form.optional_on);
    ui.columns(2, |cols| {
        let mut left = column(&mut cols[0]);
        let ui = &mut left;
        heading(ui, "Ordonnance");
        for l in &outcome.lines {
            let m = p.medicine(l.medicine);
            let dose = describe::dose(&l.dose, l.unit);
            if l.optional {
                if toggle(
                    ui,
                    form.optional_on.contains(&l.medicine),
                    &format!("{} (facultatif)", describe::medicine(p, l)),
                    ui.available_width(),
                ) {
                    out.push(Action::ToggleLine(l.medicine));
                }
                muted(ui, &format!("{} — {dose}", m.class));
                if form.optional_on.contains(&l.medicine) {
                    presentations(ui, state, form, l, &mut out);
                }
            } else {
                let on = chosen.contains(&m.id);
                let text = describe::medicine(p, l);
                ui.label(
                    RichText::new(if on {
                        text
                    } else {
                        format!("{text} — remplacé")
                    })
                    .size(BODY)
                    .strong(),
                );
                muted(ui, &format!("{} — {dose}", m.class));
                if on {
                    presentations(ui, state, form, l, &mut out);
                }
            }
        }
        ui.add_space(8.0);
        ui.label(
            RichText::new("Délégant (nommé sur l'ordonnance)")
                .size(BODY)
                .strong(),
        );
        for d in state.registry.delegants() {
            if choice(ui, form.delegant.as_ref() == Some(&d.rpps), &d.name) {
                out.push(Action::ChooseDelegant(d.rpps.clone()));
            }
        }
        let mut right = column(&mut cols[1]);
        let ui = &mut right;
        block(ui, egui::Color32::from_gray(245), |ui| {
            ui.label(RichText::new("Ce qui sera enregistré et imprimé").size(BODY).strong());
            if state.is_training() {
                ui.label(
                    RichText::new("SPÉCIMEN — protocole non validé")
                        .size(BODY)
                        .strong()
                        .color(DANGER),
                );
            }
            let who = state.session.as_ref().map_or(String::new(), |s| {
                format!("{} ({})", s.name, s.profession.as_str())
            });
            let delegant = form
                .delegant
                .as_ref()
                .and_then(|r| state.registry.delegant(r))
                .map_or("-".to_string(), |d| d.name.clone());
            ui.label(
                RichText::new(format!("Prescrit par {who}, au nom de {delegant}")).size(SMALL),
            );
            let pt = &act.patient;
            let weight = pt
                .weight_kg
                .map(|w| format!(", {} kg", fr::decimal(w)))
                .unwrap_or_default();
            ui.label(
                RichText::new(format!(
                    "Patient : {} {}, {} ans{weight}",
                    pt.last_name.to_uppercase(),
                    pt.first_name,
                    act.age
                ))
                .size(SMALL),
            );
            for l in outcome
                .lines
                .iter()
                .filter(|l| chosen.contains(&p.medicine(l.medicine).id))
            {
                let m = p.medicine(l.medicine);
                let given = form
                    .presentation(p, l)
                    .and_then(|g| Some((m.presentations.get(g.index)?, g)));
                match given {
                    Some((pr, g)) => {
                        ui.label(
                            RichText::new(format!("{} — {}", m.dci, pr.name()))
                                .size(SMALL)
                                .strong(),
                        );
                        ui.label(
                            RichText::new(units::regimen_fr(&g, pr, &m.frequency, l.dose.days))
                                .size(SMALL),
                        );
                    }
                    None => {
                        ui.label(RichText::new(describe::medicine(p, l)).size(SMALL).strong());
                        ui.label(
                            RichText::new(format!(
                                "{} ; {}",
                                describe::dose(&l.dose, l.unit),
                                m.frequency
                            ))
                            .size(SMALL),
                        );
                    }
                }
                if m.secure_prescription {
                    ui.label(
                        RichText::new("Ordonnance sécurisée (quantités en toutes lettres)")
                            .size(SMALL)
                            .color(DANGER),
                    );
                }
            }
            if let Decision::TakeInCharge(u) = outcome.decision {
                ui.label(RichText::new(&p.urgency(u).text).size(SMALL).strong());
            }
            // The last step says exactly what it records.
            let n = chosen.len();
            ui.label(
                RichText::new(format!(
                    "Enregistré au registre : prise en charge, {n} ligne{} ; imprimé avec la fiche conseil du patient.",
                    if n > 1 { "s" } else { "" }
                ))
                .size(SMALL)
                .color(MUTED),
            );
        });
        ui.add_space(12.0);
        if form.secure_paper_asked {
            block(ui, TRAINING_BG, |ui| {
                ui.label(
                    RichText::new("Chargez le papier d'ordonnance sécurisée dans l'imprimante.")
                        .size(BODY)
                        .strong(),
                );
                let names: Vec<&str> = p
                    .secure_lines(&chosen)
                    .iter()
                    .map(|m| m.dci.as_str())
                    .collect();
                ui.label(
                    RichText::new(format!(
                        "Sur ordonnance sécurisée : {}. Sur papier ordinaire, cette ordonnance ne peut pas être délivrée.",
                        names.join(", ")
                    ))
                    .size(SMALL),
                );
            });
        }
    });
    out
}

/// The line's presentations, each with what one intake is: the one given
/// is chosen; touching another gives that one instead.
fn presentations(
    ui: &mut Ui,
    state: &KioskState,
    form: &OrdonnanceForm,
    line: &ProposedLine,
    out: &mut Vec<Action>,
) {
    let m = state.protocol.medicine(line.medicine);
    let all = units::given(m, &line.dose);
    if all.len() < 2 {
        return;
    }
    let chosen = form.presentation(&state.protocol, line).map(|g| g.index);
    ui.vertical(|ui| {
        for g in &all {
            let Some(p) = m.presentations.get(g.index) else {
                continue;
            };
            let text = format!("{} : {}", p.name(), units::count_units_fr(g.per_intake, p));
            if choice(ui, chosen == Some(g.index), &text) {
                out.push(Action::ChoosePresentation(line.medicine, g.index));
            }
        }
    });
}
