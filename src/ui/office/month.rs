//! « Le mois et les paiements »: the consolidated month, its exports, one
//! line per professional, the payment files and « Marquer payé ».

use eframe::egui::{self, RichText, Ui};

use super::super::charts::{grid, line, weekday_chart};
use super::super::theme::*;
use super::super::widgets::*;
use super::text_field;
use crate::fr;
use crate::office::state::MonthForm;
use crate::office::{Action, Field};
use crate::report::Format;

pub fn show(ui: &mut Ui, f: &MonthForm) -> Vec<Action> {
    let mut out = Vec::new();
    let c = &f.consolidated;
    ui.horizontal_wrapped(|ui| {
        heading(ui, &fr::capitalised(&f.month.name_fr()));
        for m in &f.months {
            if choice(ui, *m == f.month, &m.name_fr()) {
                out.push(Action::ShowMonth(*m));
            }
        }
    });
    let i = &c.indicators;
    ui.label(
        RichText::new(format!(
            "{} · {} · {} · à payer {}",
            fr::plural(c.devices.len() as u64, "rapport reçu", "rapports reçus"),
            fr::plural(i.prises_en_charge, "prise en charge", "prises en charge"),
            fr::plural(i.exclusions.count, "orientation", "orientations"),
            fr::money(c.remuneration.total_cents)
        ))
        .size(BODY),
    );
    for a in &c.anomalies {
        ui.label(RichText::new(&a.message).size(SMALL).color(DANGER));
    }
    match &f.paid {
        Some(p) => {
            block(ui, INFO_BG, |ui| {
                ui.label(
                    RichText::new(format!("Payé le {}", fr::datetime(p.at)))
                        .size(BODY)
                        .strong(),
                );
            });
        }
        None => muted(ui, "Pas encore payé."),
    }
    ui.add_space(8.0);
    figures(ui, f);
    ui.add_space(8.0);
    ui.label(RichText::new("Paiements").size(BODY).strong());
    egui::Grid::new("payments")
        .striped(true)
        .spacing([20.0, 8.0])
        .show(ui, |ui| {
            for h in ["RPPS", "Nom", "Actes", "Déduits", "Net", "Règlement"] {
                ui.label(RichText::new(h).size(SMALL).strong());
            }
            ui.end_row();
            for l in &c.payments {
                ui.label(RichText::new(&l.rpps).size(SMALL));
                ui.label(RichText::new(&l.name).size(SMALL));
                ui.label(RichText::new(l.acts.to_string()).size(SMALL));
                ui.label(RichText::new(l.deducted_acts.to_string()).size(SMALL));
                ui.label(RichText::new(fr::money(l.cents)).size(SMALL));
                let missing = f.plan.without_account.iter().any(|w| w.rpps == l.rpps);
                let how = crate::cpts::payments::settlement(l.cents, !missing);
                ui.label(RichText::new(how).size(SMALL));
                ui.end_row();
            }
        });
    ui.add_space(8.0);
    out.extend(text_field(
        ui,
        "Dossier où écrire (une clé USB, « Documents »…)",
        Field::ExportDir,
        &f.export_dir,
        "/home/…/Documents",
        false,
    ));
    ui.horizontal_wrapped(|ui| {
        for (format, label) in [
            (Format::Pdf, "Exporter PDF"),
            (Format::Csv, "Exporter CSV"),
            (Format::Json, "Exporter JSON"),
        ] {
            if secondary(ui, label) {
                out.push(Action::ExportMonth(format));
            }
        }
    });
    if !f.debtor_known {
        muted(
            ui,
            "Le compte de la CPTS, pour le fichier de virements (retenu ensuite) :",
        );
        out.extend(text_field(
            ui,
            "Titulaire du compte de la CPTS",
            Field::DebtorName,
            &f.debtor_name,
            "",
            false,
        ));
        out.extend(text_field(
            ui,
            "IBAN du compte de la CPTS",
            Field::DebtorIban,
            &f.debtor_iban,
            "FR76 …",
            false,
        ));
    }
    ui.horizontal_wrapped(|ui| {
        if secondary(ui, "Liste du trésorier (CSV)") {
            out.push(Action::WritePayments("csv"));
        }
        if f.paid.is_none() && primary(ui, "Fichier de virements SEPA") {
            out.push(Action::WritePayments("sepa"));
        }
        if f.paid.is_none() && secondary(ui, "Marquer payé") {
            out.push(Action::MarkPaid);
        }
    });
    out
}

/// The month in total (the figures and the weekday chart of `cpts
/// report`), then device by device.
fn figures(ui: &mut Ui, f: &MonthForm) {
    let c = &f.consolidated;
    ui.columns(2, |cols| {
        grid(&mut cols[0], "figures", |ui| {
            for (label, value) in &f.figures {
                line(ui, label, value.clone());
            }
        });
        weekday_chart(&mut cols[1], &c.indicators);
    });
    ui.add_space(8.0);
    ui.label(RichText::new("Par appareil").size(BODY).strong());
    egui::Grid::new("devices")
        .striped(true)
        .spacing([20.0, 8.0])
        .show(ui, |ui| {
            for h in [
                "Appareil",
                "Structures",
                "Dépistages",
                "Prises en charge",
                "Saisies tardives",
                "Montant",
                "Signature",
            ] {
                ui.label(RichText::new(h).size(SMALL).strong());
            }
            ui.end_row();
            for d in &c.devices {
                let name = f
                    .device_names
                    .get(&d.device_id)
                    .cloned()
                    .unwrap_or_else(|| format!("{}…", crate::text::prefix(&d.device_id, 12)));
                ui.label(RichText::new(name).size(SMALL));
                ui.label(RichText::new(d.structures.join(", ")).size(SMALL));
                ui.label(RichText::new(fr::int(d.screenings)).size(SMALL));
                ui.label(RichText::new(fr::int(d.prises_en_charge)).size(SMALL));
                ui.label(RichText::new(fr::int(d.late_entries)).size(SMALL));
                ui.label(RichText::new(fr::money(d.remuneration_cents)).size(SMALL));
                let signed = match (d.signed, d.paid) {
                    (true, _) => RichText::new("signé"),
                    (false, true) => RichText::new("non signé, confirmé"),
                    (false, false) => RichText::new("NON SIGNÉ, hors paiement").color(DANGER),
                };
                ui.label(signed.size(SMALL));
                ui.end_row();
            }
        });
}
