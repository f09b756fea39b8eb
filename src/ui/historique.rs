//! Historique: acts of the day or the month; one act's follow-ups, reprint,
//! new follow-ups, correcting a mistaken one, and voiding (with a reason
//! and the PIN).

use eframe::egui;
use egui::{Button, RichText, Ui, Vec2};

use super::theme::*;
use super::widgets::*;
use crate::fr;
use crate::kiosk::state::{HistoryForm, Period};
use crate::kiosk::{Action, Field, KioskState};
use crate::ledger::{ActStatus, ActView, Severity};

pub fn show(ui: &mut Ui, state: &KioskState, form: &HistoryForm) -> Vec<Action> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        heading(ui, "Historique");
        ui.add_space(24.0);
        if choice(ui, form.period == Period::Today, "Aujourd'hui") {
            out.push(Action::ShowPeriod(Period::Today));
        }
        if choice(ui, form.period == Period::Month, "Ce mois-ci") {
            out.push(Action::ShowPeriod(Period::Month));
        }
        let waiting = form.rows.iter().filter(|r| r.to_print).count();
        if waiting > 0
            && choice(
                ui,
                form.period == Period::ToPrint,
                &format!("À imprimer ({waiting})"),
            )
        {
            out.push(Action::ShowPeriod(Period::ToPrint));
        }
    });
    out.extend(field(
        ui,
        "Rechercher un acte : nom du patient, date (JJ/MM) ou numéro",
        Field::HistorySearch,
        &form.search,
        "nom, JJ/MM ou numéro d'acte",
        ui.available_width().min(560.0),
        false,
    ));
    let (rows, total) = form.shown(crate::kiosk::forms::paris_day(state.now));
    ui.columns(2, |cols| {
        let mut left = column(&mut cols[0]);
        let ui = &mut left;
        if rows.is_empty() {
            if form.search.trim().is_empty() && form.period == Period::ToPrint {
                muted(ui, "Aucun acte à imprimer.");
            } else if form.search.trim().is_empty() {
                muted(ui, "Aucun acte sur cette période.");
            } else {
                muted(
                    ui,
                    &format!(
                        "Aucun acte ne correspond à « {} ».",
                        crate::text::quote(form.search.trim())
                    ),
                );
            }
        }
        if total > rows.len() {
            muted(
                ui,
                &format!(
                    "{} : les {} plus récents sont affichés ; précisez la recherche.",
                    fr::plural(total as u64, "acte", "actes"),
                    rows.len()
                ),
            );
        }
        egui::ScrollArea::vertical().id_salt("acts").show(ui, |ui| {
            for row in rows {
                let a = &row.act;
                let when = fr::datetime(a.occurred_at);
                let what = if a.taken_in_charge {
                    "prise en charge"
                } else {
                    "orientation"
                };
                let flag = if a.void {
                    " — ANNULÉ"
                } else if row.to_print {
                    " — à imprimer"
                } else {
                    ""
                };
                let text = format!("{} · {when} · {} · {what}{flag}", a.number, row.patient);
                let on = form.open.as_ref().is_some_and(|v| v.act.id == a.id);
                if ui
                    .add(
                        Button::selectable(on, RichText::new(text).size(BODY))
                            .min_size(Vec2::new(ui.available_width(), TARGET)),
                    )
                    .clicked()
                {
                    out.push(Action::OpenAct(a.id.clone()));
                }
            }
        });
        let mut right = column(&mut cols[1]);
        let ui = &mut right;
        if let Some(view) = &form.open {
            egui::ScrollArea::vertical()
                .id_salt("detail")
                .show(ui, |ui| {
                    out.extend(detail(ui, state, form, view));
                });
        }
    });
    out
}

fn detail(ui: &mut Ui, state: &KioskState, form: &HistoryForm, view: &ActView) -> Vec<Action> {
    let mut out = Vec::new();
    let a = &view.act;
    ui.label(
        RichText::new(format!("Acte {}", a.number))
            .size(HEADING)
            .strong(),
    );
    ui.label(
        RichText::new(format!(
            "{}, {} ans",
            a.patient.display_name(),
            a.patient.age_years
        ))
        .size(BODY),
    );
    ui.label(
        RichText::new(format!(
            "Par {} au nom de {}",
            a.delegue.name, a.delegant.name
        ))
        .size(SMALL),
    );
    // Like the void form: alone under the act; « Retirer ce suivi » and
    // « Ne pas corriger » are in the bottom bar, in view at every size.
    if let Some(c) = &form.correcting {
        let what = view
            .followups
            .iter()
            .find(|f| f.seq == c.corrects)
            .map(|f| f.event.describe())
            .unwrap_or_default();
        block(ui, INFO_BG, |ui| {
            ui.label(
                RichText::new(format!("Retirer ce suivi : {what} ?"))
                    .size(BODY)
                    .strong(),
            );
            muted(
                ui,
                "Il reste au registre, barré, et ne compte plus dans les rapports. Vous pourrez ensuite enregistrer le bon suivi.",
            );
            ui.horizontal_wrapped(|ui| {
                for preset in CORRECTION_REASONS {
                    if choice(ui, c.reason == *preset, preset) {
                        out.push(Action::Edit(Field::CorrectionReason, (*preset).to_string()));
                    }
                }
            });
            out.extend(field(
                ui,
                "Motif (à compléter si besoin)",
                Field::CorrectionReason,
                &c.reason,
                "touchez un motif ci-dessus ou écrivez-le",
                ui.available_width().min(400.0),
                false,
            ));
        });
        return out;
    }
    if let Some(v) = form
        .void
        .as_ref()
        .filter(|_| !matches!(view.status, ActStatus::Void { .. }))
    {
        muted(ui, "Motif d'annulation :");
        ui.horizontal_wrapped(|ui| {
            for preset in VOID_REASONS {
                if choice(ui, v.reason == *preset, preset) {
                    out.push(Action::Edit(Field::VoidReason, (*preset).to_string()));
                }
            }
        });
        out.extend(field(
            ui,
            "Motif (à compléter si besoin)",
            Field::VoidReason,
            &v.reason,
            "touchez un motif ci-dessus ou écrivez-le",
            400.0,
            false,
        ));
        out.extend(field(
            ui,
            "Votre code PIN",
            Field::VoidPin,
            &v.pin,
            "PIN",
            200.0,
            true,
        ));
        ui.horizontal(|ui| {
            if danger(ui, "Confirmer l'annulation") {
                out.push(Action::ConfirmVoid);
            }
            if secondary(ui, "Ne pas annuler") {
                out.push(Action::CancelVoid);
            }
        });
        return out;
    }
    // Titles from the protocol in use; an id it no longer has shows as is.
    let p = &state.protocol;
    let what = match (&a.outcome.orientation, &a.outcome.urgency) {
        (Some(o), _) => format!("Orientation : {}", p.orientation_title(o).unwrap_or(o)),
        (None, Some(u)) => format!("Prise en charge : {}", p.urgency_title(u).unwrap_or(u)),
        _ => String::new(),
    };
    ui.label(RichText::new(what).size(SMALL));
    for l in &a.prescription {
        ui.label(RichText::new(format!("- {} : {}", l.title(), l.regimen_fr())).size(SMALL));
    }
    if let ActStatus::Void { reason, .. } = &view.status {
        block(ui, ERROR_BG, |ui| {
            ui.label(
                RichText::new(format!("ANNULÉ : {reason}"))
                    .size(BODY)
                    .strong(),
            );
        });
    }
    ui.label(RichText::new("Suivis").size(BODY).strong());
    if view.followups.is_empty() {
        muted(ui, "Aucun suivi.");
    }
    let void = matches!(view.status, ActStatus::Void { .. });
    let withdrawn = view.withdrawn();
    let busy = form.pending.is_some() || form.correcting.is_some();
    for f in &view.followups {
        let line = format!("{} — {}", fr::datetime(f.recorded_at), view.describe(f));
        ui.horizontal_wrapped(|ui| {
            let text = RichText::new(line).size(SMALL).color(MUTED);
            if withdrawn.contains(&f.seq) {
                ui.label(text.strikethrough());
            } else {
                ui.label(text);
                if !void && !busy && f.event.correctable() && secondary(ui, "Corriger") {
                    out.push(Action::StartCorrection(f.seq));
                }
            }
        });
    }
    if void {
        return out;
    }
    if let Some(event) = &form.pending {
        // Kept for good once recorded: said back, then confirmed.
        block(ui, INFO_BG, |ui| {
            ui.label(
                RichText::new(format!("Enregistrer ce suivi : {} ?", event.describe()))
                    .size(BODY)
                    .strong(),
            );
            muted(ui, "Un suivi enregistré reste au registre pour de bon.");
            ui.horizontal_wrapped(|ui| {
                if primary(ui, "Enregistrer ce suivi") {
                    out.push(Action::ConfirmFollowup);
                }
                if secondary(ui, "Ne pas enregistrer") {
                    out.push(Action::CancelFollowup);
                }
            });
        });
        return out;
    }
    ui.horizontal_wrapped(|ui| {
        if a.outcome.taken_in_charge {
            let missing = form.rows.iter().any(|r| r.act.id == a.id && r.to_print);
            let label = if missing { "Imprimer" } else { "Réimprimer" };
            if secondary(ui, label) {
                out.push(Action::Reprint);
            }
            out.extend(super::termine::save_buttons(ui, &form.save_choices));
        }
        out.extend(super::termine::letter_button(ui, a.outcome.taken_in_charge));
        if secondary(ui, "Reprise par le délégant") {
            out.push(Action::AddReprise);
        }
    });
    ui.horizontal_wrapped(|ui| {
        muted(ui, "Satisfaction du patient :");
        for s in 1..=5u8 {
            if ui
                .add(
                    Button::new(RichText::new(format!("{s}/5")).size(BODY))
                        .min_size(Vec2::splat(TARGET)),
                )
                .clicked()
            {
                out.push(Action::AddSatisfaction(s));
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        muted(ui, "Événement indésirable — gravité :");
        for s in [Severity::Legere, Severity::Moderee, Severity::Grave] {
            let chosen = form.adverse_severity == Some(s);
            let label = RichText::new(s.label()).size(BODY);
            if ui
                .add(Button::selectable(chosen, label).min_size(Vec2::splat(TARGET)))
                .clicked()
            {
                out.push(Action::ChooseAdverseSeverity(s));
            }
        }
    });
    if form.adverse_severity == Some(Severity::Grave) {
        pharmacovigilance(ui, &state.protocol.adverse);
    }
    ui.horizontal_wrapped(|ui| {
        muted(ui, "puis la nature :");
        for n in &state.protocol.adverse.natures {
            let enabled = form.adverse_severity.is_some();
            if ui
                .add_enabled(
                    enabled,
                    Button::new(RichText::new(&n.label).size(BODY)).min_size(Vec2::splat(TARGET)),
                )
                .clicked()
            {
                out.push(Action::AddAdverseEvent(n.id.clone()));
            }
        }
    });
    // Apart from the follow-ups, at the end: never touched for another.
    ui.add_space(24.0);
    ui.separator();
    if danger(ui, "Annuler l'acte") {
        out.push(Action::StartVoid);
    }
    out
}

/// The usual reasons for withdrawing a follow-up (free text stays
/// possible).
const CORRECTION_REASONS: &[&str] = &[
    "Touché par erreur",
    "Mauvais acte",
    "Mauvaise note",
    "Mauvaise gravité ou nature",
];

/// The usual reasons for voiding an act, one touch each (free text stays
/// possible).
const VOID_REASONS: &[&str] = &[
    "Erreur de saisie",
    "Patient enregistré deux fois",
    "Acte non réalisé",
    "Erreur de patient",
];

/// A grave adverse event is also declared to the regional
/// pharmacovigilance centre: how, in the protocol's words.
pub(super) fn pharmacovigilance(ui: &mut Ui, adverse: &crate::protocol::AdverseEvents) {
    let text = adverse.declaration();
    block(ui, ERROR_BG, |ui| {
        ui.label(
            RichText::new("Événement grave : à déclarer")
                .size(BODY)
                .strong()
                .color(DANGER),
        );
        ui.label(RichText::new(text).size(BODY));
    });
}
