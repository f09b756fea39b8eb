//! À rappeler: the follow-up calls due, each with the patient, her phone,
//! the act and what to ask; one call opened with the plan's questions.
//! « Enregistrer l'appel » is in the bottom bar.

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::calls::{DueCall, by_act};
use crate::fr;
use crate::kiosk::forms::paris_day;
use crate::kiosk::rappels::CallAnswer;
use crate::kiosk::state::{CallForm, CallsForm};
use crate::kiosk::{Action, Field, KioskState};
use crate::ledger::Severity;
use crate::protocol::{AdverseEvents, Ask};

pub fn show(ui: &mut Ui, state: &KioskState, form: &CallsForm) -> Vec<Action> {
    let mut out = Vec::new();
    heading(ui, "À rappeler");
    let today = paris_day(state.now);
    let acts = by_act(&form.due);
    if let Some(c) = &form.open
        && let Some(calls) = acts
            .iter()
            .find(|g| g.first().is_some_and(|d| d.act_id == c.act_id))
    {
        out.extend(call_form(ui, calls, c, today, &state.protocol.adverse));
        return out;
    }
    if state.protocol.followup.is_none() {
        muted(ui, "Le protocole ne prévoit pas d'appel de suivi.");
        return out;
    }
    if acts.is_empty() {
        muted(ui, &format!("Aucun appel à passer le {}.", fr::date(today)));
        return out;
    }
    muted(
        ui,
        &format!(
            "{} à appeler aujourd'hui ou en retard.",
            fr::plural(acts.len() as u64, "patient", "patients")
        ),
    );
    for calls in &acts {
        let Some(first) = calls.first() else {
            continue;
        };
        ui.add_space(8.0);
        block(ui, egui::Color32::WHITE, |ui| {
            who(ui, calls, today);
            if secondary(ui, &format!("Noter l'appel — acte {}", first.act_number)) {
                out.push(Action::OpenCall(first.act_id.clone()));
            }
        });
    }
    out
}

/// The patient, her phone, the act, what was given, and each call due
/// with how late it is.
fn who(ui: &mut Ui, calls: &[&DueCall], today: chrono::NaiveDate) {
    let Some(c) = calls.first() else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(&c.patient).size(BODY).strong());
        let phone = c.phone.as_deref().unwrap_or("téléphone non donné");
        ui.label(RichText::new(phone).size(BODY));
    });
    muted(
        ui,
        &format!(
            "Acte {} du {}{}",
            c.act_number,
            fr::date(c.act_day),
            c.urgency
                .as_deref()
                .map_or(String::new(), |u| format!(" · {}", u.to_lowercase())),
        ),
    );
    if !c.lines.is_empty() {
        muted(ui, &format!("Donné : {}", c.lines.join(", ")));
    }
    for d in calls {
        let late = match d.days_late(today) {
            0 => String::new(),
            1 => " — en retard d'un jour".into(),
            n => format!(" — en retard de {n} jours"),
        };
        let tries = match d.tries {
            0 => String::new(),
            n => format!(
                " ({} sans réponse ; injoignable au {} essai)",
                fr::plural(u64::from(n), "essai", "essais"),
                fr::ordinal(u64::from(d.attempts))
            ),
        };
        ui.label(RichText::new(format!("• {}{late}{tries}", d.title)).size(SMALL));
    }
}

fn call_form(
    ui: &mut Ui,
    calls: &[&DueCall],
    c: &CallForm,
    today: chrono::NaiveDate,
    adverse: &AdverseEvents,
) -> Vec<Action> {
    let natures = &adverse.natures;
    let mut out = Vec::new();
    let answer = Action::AnswerCall;
    block(ui, INFO_BG, |ui| who(ui, calls, today));
    let attempts = calls.first().map_or(0, |d| d.attempts);
    // The questions of every call due, once each, in the order a call
    // goes: the appointment, the pain, the satisfaction, side effects.
    let mut asks: Vec<Ask> = calls.iter().flat_map(|d| d.ask.iter().copied()).collect();
    asks.sort();
    asks.dedup();
    ui.add_space(8.0);
    ui.label(
        RichText::new("Le patient a-t-il répondu ?")
            .size(BODY)
            .strong(),
    );
    ui.horizontal_wrapped(|ui| {
        if choice(ui, c.reached == Some(true), "A répondu") {
            out.push(answer(CallAnswer::Reached(true)));
        }
        if choice(ui, c.reached == Some(false), "Pas de réponse") {
            out.push(answer(CallAnswer::Reached(false)));
        }
    });
    if c.reached != Some(true) {
        if c.reached == Some(false) {
            muted(
                ui,
                &format!(
                    "Au {} essai sans réponse, le patient est noté injoignable pour cet appel.",
                    fr::ordinal(u64::from(attempts))
                ),
            );
        }
        if secondary(ui, "Retour à la liste") {
            out.push(Action::CloseCall);
        }
        return out;
    }
    for ask in &asks {
        ui.add_space(12.0);
        ui.label(RichText::new(ask.question()).size(BODY).strong());
        match ask {
            Ask::Appointment => {
                ui.horizontal_wrapped(|ui| {
                    if choice(ui, c.appointment_made == Some(true), "Oui, pris") {
                        out.push(answer(CallAnswer::AppointmentMade(true)));
                    }
                    if choice(ui, c.appointment_made == Some(false), "Pas encore") {
                        out.push(answer(CallAnswer::AppointmentMade(false)));
                    }
                });
                if c.appointment_made == Some(true) {
                    out.extend(field(
                        ui,
                        "Pour le (facultatif)",
                        Field::AppointmentDate,
                        &c.appointment_date,
                        "JJ/MM/AAAA",
                        ui.available_width().min(320.0),
                        false,
                    ));
                }
            }
            Ask::Pain => {
                ui.horizontal_wrapped(|ui| {
                    for p in 0..=10u8 {
                        if choice(ui, c.pain == Some(p), &p.to_string()) {
                            out.push(answer(CallAnswer::Pain(p)));
                        }
                    }
                });
            }
            Ask::Satisfaction => {
                ui.horizontal_wrapped(|ui| {
                    for s in 1..=5u8 {
                        if choice(ui, c.satisfaction == Some(Some(s)), &format!("{s}/5")) {
                            out.push(answer(CallAnswer::Satisfaction(Some(s))));
                        }
                    }
                    if choice(ui, c.satisfaction == Some(None), "Ne souhaite pas répondre") {
                        out.push(answer(CallAnswer::Satisfaction(None)));
                    }
                });
            }
            Ask::AdverseEvent => {
                ui.horizontal_wrapped(|ui| {
                    if choice(ui, c.no_adverse, "Aucun") {
                        out.push(answer(CallAnswer::NoAdverseEvent));
                    }
                });
                muted(ui, "Sinon, sa gravité :");
                ui.horizontal_wrapped(|ui| {
                    for s in [Severity::Legere, Severity::Moderee, Severity::Grave] {
                        if choice(ui, c.severity == Some(s), s.label()) {
                            out.push(answer(CallAnswer::AdverseSeverity(s)));
                        }
                    }
                });
                muted(ui, "et sa nature :");
                ui.horizontal_wrapped(|ui| {
                    for n in natures {
                        if choice(ui, c.nature.as_ref() == Some(&n.id), &n.label) {
                            out.push(answer(CallAnswer::AdverseNature(n.id.clone())));
                        }
                    }
                });
                if c.severity == Some(Severity::Grave) {
                    super::historique::pharmacovigilance(ui, adverse);
                }
            }
        }
    }
    ui.add_space(12.0);
    if secondary(ui, "Retour à la liste") {
        out.push(Action::CloseCall);
    }
    out
}
