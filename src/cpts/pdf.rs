//! The CPTS's consolidated month as a PDF: the device report's sections
//! (figures, charts, payment list) over every device, with the anomalies
//! to check before paying and one line per device.

use super::Consolidated;
use crate::documents::layout::{Doc, Ink, Paper};
use crate::error::Result;
use crate::fr;
use crate::protocol::Protocol;
use crate::report::pdf::{
    BODY, PayRow, SMALL, heading, indicators, line, month_title, payments, section,
};

/// The CPTS's consolidated month.
pub fn consolidated(c: &Consolidated, protocol: &Protocol) -> Result<Vec<u8>> {
    let mut doc = Doc::new(
        &format!("Mois consolidé {}", c.month),
        Paper::A4,
        &format!("protocoop — CPTS — mois consolidé {}", c.month),
        None,
    );
    let share = c
        .pharmacies
        .share
        .map_or("nombre de pharmacies non renseigné".into(), fr::percent);
    heading(
        &mut doc,
        &format!("Mois consolidé — {}", month_title(&c.month)),
        &[
            format!(
                "{} appareil(s) · aucune donnée nominative de patient",
                c.devices.len()
            ),
            format!(
                "Pharmacies du territoire impliquées : {} sur {} ({share})",
                c.pharmacies.involved,
                c.pharmacies.territory.map_or("?".into(), |t| t.to_string())
            ),
        ],
    );
    if !c.anomalies.is_empty() {
        section(&mut doc, "Anomalies à vérifier avant paiement");
        for a in &c.anomalies {
            doc.paragraph(&a.message, BODY.ink(Ink::Red));
        }
    }
    indicators(&mut doc, &c.indicators, protocol);
    let rows = c
        .payments
        .iter()
        .map(|p| PayRow {
            role: if p.role == "delegue" {
                "délégué"
            } else {
                "délégant"
            },
            rpps: p.rpps.clone(),
            name: p.name.clone(),
            acts: p.acts,
            deducted: p.deducted_acts,
            cents: p.cents,
            devices: Some(p.devices),
        })
        .collect::<Vec<_>>();
    payments(&mut doc, &rows, &c.remuneration);
    section(&mut doc, "Appareils");
    for d in &c.devices {
        let status = match (d.signed, d.paid) {
            (true, _) => "",
            (false, true) => " — non signé, confirmé",
            (false, false) => " — NON SIGNÉ, hors paiement",
        };
        line(
            &mut doc,
            &format!(
                "{} — {} — {} prises en charge, {} saisie(s) tardive(s), {}{status}",
                d.device_id,
                d.structures.join(", "),
                d.prises_en_charge,
                d.late_entries,
                fr::money(d.remuneration_cents)
            ),
            SMALL,
        );
    }
    Ok(doc.finish())
}
