//! Résultat: the orientation in large type (red « Appelez le 15 » for an
//! emergency), or the urgency, the likely picture and the dentist on duty.

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::fr;
use crate::kiosk::KioskState;
use crate::kiosk::forms::paris_day;
use crate::protocol::Decision;
use crate::triage::describe;

pub fn show(ui: &mut Ui, state: &KioskState) {
    let p = &state.protocol;
    let Some(act) = &state.act else { return };
    let Some(outcome) = &act.outcome else {
        return;
    };
    match outcome.decision {
        Decision::Orient(o) => {
            let o = p.orientation(o);
            if o.emergency {
                ui.label(
                    RichText::new("Appelez le 15")
                        .size(HUGE)
                        .strong()
                        .color(DANGER),
                );
            }
            ui.label(
                RichText::new(&o.title)
                    .size(HEADING)
                    .strong()
                    .color(if o.emergency { DANGER } else { MUTED }),
            );
            ui.label(RichText::new(&o.text).size(BODY + 2.0));
            ui.add_space(8.0);
            ui.label(RichText::new("Motifs :").size(BODY).strong());
            for r in &outcome.reasons {
                ui.label(
                    RichText::new(format!("- {}", describe::reason(p, &act.facts, r))).size(BODY),
                );
            }
            ui.add_space(8.0);
            // The last step says exactly what it records.
            ui.label(
                RichText::new(format!(
                    "« Enregistrer l'orientation » inscrit au registre : {} — patient non pris en charge, sans ordonnance.",
                    o.title
                ))
                .size(SMALL)
                .color(MUTED),
            );
        }
        Decision::TakeInCharge(u) => {
            let u = p.urgency(u);
            ui.label(
                RichText::new("Pris en charge dans le protocole")
                    .size(BODY)
                    .color(MUTED),
            );
            ui.label(
                RichText::new(&u.title)
                    .size(HEADING + 8.0)
                    .strong()
                    .color(PRIMARY),
            );
            ui.label(RichText::new(&u.text).size(BODY + 2.0));
            let pictures = describe::pictures(p, &act.facts);
            if !pictures.is_empty() {
                ui.label(
                    RichText::new(format!("Tableau probable : {}", pictures.join(", "))).size(BODY),
                );
            }
            if u.duty_dentist {
                let today = paris_day(state.now);
                block(ui, INFO_BG, |ui| {
                    match state.roster.as_ref().and_then(|r| r.on_duty(today)) {
                        Some(d) => {
                            ui.label(
                                RichText::new(format!(
                                    "Dentiste de garde aujourd'hui : {}",
                                    d.dentist
                                ))
                                .size(BODY)
                                .strong(),
                            );
                            ui.label(
                                RichText::new(format!("{} — {}", d.address, d.phone)).size(BODY),
                            );
                        }
                        None => {
                            ui.label(
                            RichText::new(format!(
                                "Aucun dentiste de garde connu pour le {} : appelez la régulation dentaire ou le 15, et demandez à la CPTS le tableau de garde.",
                                fr::date(today)
                            ))
                            .size(BODY),
                        );
                        }
                    }
                });
            }
        }
    }
}
