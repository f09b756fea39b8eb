//! Rapport du mois: the month's tallies, prises en charge by weekday as a
//! bar chart, the payment lines, closing a finished month, and export to a
//! folder or a USB key.

use eframe::egui;
use egui::{Button, RichText, Ui, Vec2};

use super::charts::{grid, line, weekday_chart};
use super::theme::*;
use super::widgets::*;
use crate::calendar::Month;
use crate::fr;
use crate::kiosk::state::ReportForm;
use crate::kiosk::{Action, Field, KioskState};
use crate::report::model::Indicators;
use crate::report::{Format, MonthReport, MonthStatus, figures};

pub fn show(ui: &mut Ui, state: &KioskState, form: &ReportForm) -> Vec<Action> {
    let mut out = Vec::new();
    ui.horizontal(|ui| {
        heading(ui, "Rapport du mois");
        ui.add_space(24.0);
        if secondary(ui, "Mois précédent") {
            out.push(Action::ShowMonth(form.month.previous()));
        }
        ui.label(
            RichText::new(fr::capitalised(&form.month.name_fr()))
                .size(HEADING)
                .strong()
                .color(PRIMARY),
        );
        let current = Month::of_instant(state.now);
        let next = ui.add_enabled(
            form.month < current,
            Button::new(RichText::new("Mois suivant").size(BODY))
                .min_size(Vec2::new(TARGET * 2.0, TARGET)),
        );
        if next.clicked() {
            out.push(Action::ShowMonth(form.month.next()));
        }
    });
    out.extend(status(ui, form));
    let Some(r) = form.report.as_deref() else {
        return out;
    };
    ui.columns(2, |cols| {
        let mut left = column(&mut cols[0]);
        egui::ScrollArea::vertical()
            .id_salt("tallies")
            .show(&mut left, |ui| {
                grid(ui, "tallies", |ui| tallies(ui, state, &r.indicators, r));
                ui.add_space(8.0);
                ui.label(RichText::new("Rémunérations").size(BODY + 2.0).strong());
                grid(ui, "payments", |ui| payments(ui, r));
            });
        let mut right = column(&mut cols[1]);
        // Its own scroll area, as the tallies: the export buttons scroll
        // into view above the bottom bar.
        egui::ScrollArea::vertical()
            .id_salt("export")
            .show(&mut right, |ui| {
                weekday_chart(ui, &r.indicators);
                ui.add_space(12.0);
                out.extend(export(ui, form));
            });
    });
    out
}

/// Final or provisional, and the closure when it can be done.
fn status(ui: &mut Ui, form: &ReportForm) -> Vec<Action> {
    let mut out = Vec::new();
    let name = form.month.name_fr();
    match (&form.status, &form.report) {
        (MonthStatus::Closed, Some(r)) => block(ui, INFO_BG, |ui| {
            ui.label(
                RichText::new(format!(
                    "Rapport définitif : {name} a été clôturé le {} (entrées {} à {}).",
                    fr::datetime(r.closure.closed_at),
                    r.closure.first_seq,
                    r.closure.last_seq
                ))
                .size(BODY),
            );
        }),
        (MonthStatus::Passed { later }, _) => block(ui, TRAINING_BG, |ui| {
            ui.label(
                RichText::new(format!(
                    "{} n'a pas de rapport : aucun acte n'y était enregistré quand {} a été clôturé. Ses actes saisis depuis figurent dans les rapports suivants comme saisies tardives.",
                    fr::capitalised(&name),
                    later.parse::<Month>().map_or(later.clone(), |m| m.name_fr())
                ))
                .size(BODY)
                .color(TRAINING_FG),
            );
        }),
        _ => block(ui, TRAINING_BG, |ui| {
            ui.label(
                RichText::new("Chiffres provisoires : le mois n'est pas clôturé.")
                    .size(BODY)
                    .strong()
                    .color(TRAINING_FG),
            );
            match &form.close_refusal {
                Some(why) => {
                    ui.label(RichText::new(why).size(SMALL).color(TRAINING_FG));
                }
                None if form.confirm_close => {
                    ui.label(
                        RichText::new(format!(
                            "La clôture est définitive : les actes de {name} saisis ensuite iront dans le rapport suivant, comme saisies tardives."
                        ))
                        .size(SMALL)
                        .color(TRAINING_FG),
                    );
                    ui.horizontal(|ui| {
                        if danger(ui, "Confirmer la clôture") {
                            out.push(Action::ConfirmCloseMonth);
                        }
                        if secondary(ui, "Annuler") {
                            out.push(Action::CancelCloseMonth);
                        }
                    });
                }
                None => {
                    if secondary(ui, "Clôturer le mois et produire le rapport") {
                        out.push(Action::StartCloseMonth);
                    }
                }
            }
        }),
    }
    out
}

/// The figures every month screen lists, then the late entries.
fn tallies(ui: &mut Ui, state: &KioskState, i: &Indicators, r: &MonthReport) {
    for (label, value) in figures::screen_figures(i, &state.protocol) {
        line(ui, &label, value);
    }
    if r.late_entries.count > 0 {
        line(ui, "Saisies tardives", fr::int(r.late_entries.count));
    }
}

fn payments(ui: &mut Ui, r: &MonthReport) {
    let pay = &r.remuneration;
    let rows = pay
        .delegues
        .iter()
        .map(|l| ("délégué", l))
        .chain(pay.delegants.iter().map(|l| ("délégant", l)));
    for (role, l) in rows {
        let deducted = if l.deducted_acts > 0 {
            format!(", {}", fr::plural(l.deducted_acts, "déduit", "déduits"))
        } else {
            String::new()
        };
        line(
            ui,
            &format!("{} ({role})", l.name),
            format!(
                "{} — {}{deducted}",
                fr::money(l.cents),
                fr::plural(l.acts, "acte", "actes")
            ),
        );
    }
    if pay.total_cents < 0 {
        line(ui, "À récupérer", fr::money(-pay.total_cents));
    } else {
        line(ui, "Total à verser", fr::money(pay.total_cents));
    }
}

fn export(ui: &mut Ui, form: &ReportForm) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(RichText::new("Exporter pour la CPTS").size(BODY).strong());
    if form.status != MonthStatus::Closed {
        muted(
            ui,
            "L'export est possible une fois le mois clôturé : la CPTS ne reçoit que des rapports définitifs.",
        );
        return out;
    }
    out.extend(field(
        ui,
        "Dossier ou clé USB",
        Field::ExportDir,
        &form.export_dir,
        "/media/…",
        ui.available_width().min(560.0),
        false,
    ));
    if !form.drives.is_empty() {
        ui.horizontal_wrapped(|ui| {
            for d in &form.drives {
                let name = d
                    .file_name()
                    .map_or(d.display().to_string(), |n| n.to_string_lossy().into());
                let on = form.export_dir == d.display().to_string();
                if choice(ui, on, &format!("Clé {name}")) {
                    out.push(Action::ChooseExportDir(d.clone()));
                }
            }
        });
    }
    ui.horizontal(|ui| {
        for (text, format) in [
            ("Exporter PDF", Format::Pdf),
            ("Exporter CSV", Format::Csv),
            ("Exporter JSON", Format::Json),
        ] {
            if secondary(ui, text) {
                out.push(Action::Export(format));
            }
        }
    });
    muted(
        ui,
        "PDF pour le bureau de la CPTS, CSV pour le trésorier, JSON pour la consolidation.",
    );
    out
}
