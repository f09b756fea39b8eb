//! Rapport du mois: the month's tallies, prises en charge by weekday as a
//! bar chart, the payment lines, closing a finished month, and export to a
//! folder or a USB key.

use eframe::egui;
use egui::{Button, Color32, RichText, Sense, Ui, Vec2};

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

/// Label and value columns, rows only as tall as the text: figures are
/// read, not touched.
fn grid(ui: &mut Ui, id: &str, add: impl FnOnce(&mut Ui)) {
    egui::Grid::new(id)
        .num_columns(2)
        .min_row_height(BODY + 10.0)
        .spacing(Vec2::new(16.0, 4.0))
        .striped(true)
        .show(ui, add);
}

/// One « label : value » row of a [`grid`].
fn line(ui: &mut Ui, label: &str, value: String) {
    ui.label(RichText::new(label).size(BODY).color(MUTED));
    ui.label(RichText::new(value).size(BODY).strong());
    ui.end_row();
}

/// The key figures shared with the board's PDF, then what the PDF shows
/// in its own sections: the urgency split, the orientations, late entries.
fn tallies(ui: &mut Ui, state: &KioskState, i: &Indicators, r: &MonthReport) {
    let p = &state.protocol;
    for (label, value) in figures::key_figures(i) {
        line(ui, label, value);
    }
    for (id, count) in &i.urgency {
        let title = p.urgency_title(id).unwrap_or(id);
        line(ui, title, fr::int(*count));
    }
    for (id, count) in &i.exclusions.by_orientation {
        let title = p.orientation_title(id).unwrap_or(id);
        line(ui, title, fr::int(*count));
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

/// Prises en charge by weekday, Monday first: bars drawn to scale, the
/// count written above each.
fn weekday_chart(ui: &mut Ui, i: &Indicators) {
    ui.label(
        RichText::new("Prises en charge par jour de la semaine")
            .size(BODY)
            .strong(),
    );
    let size = Vec2::new(ui.available_width().min(560.0), 220.0);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let max = i
        .by_weekday
        .iter()
        .map(|d| d.counts.prises_en_charge)
        .max()
        .unwrap_or(0)
        .max(1);
    let painter = ui.painter_at(rect);
    let slot = rect.width() / 7.0;
    let label_h = 28.0;
    let top = rect.top() + label_h;
    let base = rect.bottom() - label_h;
    let font = egui::FontId::proportional(SMALL);
    let mut described = Vec::new();
    for (k, d) in i.by_weekday.iter().enumerate() {
        let v = d.counts.prises_en_charge;
        let x = rect.left() + slot * k as f32;
        let h = (base - top) * v as f32 / max as f32;
        let bar = egui::Rect::from_min_max(
            egui::pos2(x + slot * 0.2, base - h),
            egui::pos2(x + slot * 0.8, base),
        );
        // Friday and Saturday stand out: the protocol's key indicator.
        let fill = if k == 4 || k == 5 { DANGER } else { PRIMARY };
        painter.rect_filled(bar, 3.0, fill);
        painter.text(
            egui::pos2(x + slot / 2.0, base - h - 4.0),
            egui::Align2::CENTER_BOTTOM,
            fr::int(v),
            font.clone(),
            Color32::BLACK,
        );
        let short: String = d.day.chars().take(3).collect();
        painter.text(
            egui::pos2(x + slot / 2.0, base + 4.0),
            egui::Align2::CENTER_TOP,
            short,
            font.clone(),
            MUTED,
        );
        described.push(format!("{} {v}", d.day));
    }
    painter.line_segment(
        [
            egui::pos2(rect.left(), base),
            egui::pos2(rect.right(), base),
        ],
        egui::Stroke::new(1.0, MUTED),
    );
    // Screen readers (and tests) get the figures the bars show.
    let text = format!("Prises en charge par jour : {}", described.join(", "));
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
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
