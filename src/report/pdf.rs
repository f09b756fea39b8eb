//! The device's monthly report as a PDF for the CPTS board: key figures,
//! two charts (acts by weekday, the urgency split), the tables behind the
//! indicators, the payment list and the closure. Drawn with the shared page
//! layer of [`crate::documents::layout`]; its sections are reused by the
//! CPTS's consolidated month (`crate::cpts::pdf`).

use crate::documents::layout::{Doc, Ink, Paper, Style};
use crate::error::Result;
use crate::fr;
use crate::protocol::Protocol;
use crate::triage::describe;

use super::figures;
use super::model::{Indicators, MonthReport, Remuneration};

const H1: Style = Style::new(16.0).bold();
const H2: Style = Style::new(12.0).bold().ink(Ink::Blue);
pub(crate) const BODY: Style = Style::new(9.5);
pub(crate) const SMALL: Style = Style::new(8.0).ink(Ink::Grey);

/// A payment row: role, RPPS, name, acts paid and deducted, net cents,
/// devices (CPTS only).
pub(crate) struct PayRow {
    pub role: &'static str,
    pub rpps: String,
    pub name: String,
    pub acts: u64,
    pub deducted: u64,
    pub cents: i64,
    pub devices: Option<u64>,
}

pub(crate) fn month_title(month: &str) -> String {
    month
        .parse::<crate::calendar::Month>()
        .map_or(month.to_string(), |m| m.name_fr())
}

/// The device's monthly report.
/// `protocol` words the orientations, urgencies and reasons; an id it does
/// not know (another version) is printed as is.
pub fn device(r: &MonthReport, protocol: &Protocol) -> Result<Vec<u8>> {
    let mut doc = Doc::new(
        &format!("Rapport mensuel {}", r.month),
        Paper::A4,
        &format!(
            "protocoop — rapport {} — appareil {} — empreinte {}",
            r.month,
            &r.device_id,
            crate::text::prefix(&r.content_sha256, 16)
        ),
        None,
    );
    heading(
        &mut doc,
        &format!("Rapport mensuel — {}", month_title(&r.month)),
        &[
            format!(
                "Appareil {} · {} · protocole {} {}",
                r.device_id, r.software, r.territory.protocol_id, r.territory.protocol_version
            ),
            "Aucune donnée nominative de patient.".into(),
        ],
    );
    indicators(&mut doc, &r.indicators, protocol);
    let rows = r
        .remuneration
        .delegues
        .iter()
        .map(|l| ("délégué", l))
        .chain(r.remuneration.delegants.iter().map(|l| ("délégant", l)))
        .map(|(role, l)| PayRow {
            role,
            rpps: l.rpps.clone(),
            name: l.name.clone(),
            acts: l.acts,
            deducted: l.deducted_acts,
            cents: l.cents,
            devices: None,
        })
        .collect::<Vec<_>>();
    payments(&mut doc, &rows, &r.remuneration);
    section(&mut doc, "Saisies tardives");
    if r.late_entries.acts.is_empty() {
        line(&mut doc, "Aucune.", BODY);
    }
    for a in &r.late_entries.acts {
        line(
            &mut doc,
            &format!(
                "Acte {} du mois {} (entrée {}) — {}{}",
                a.number,
                a.month,
                a.seq,
                match (a.void, a.training, a.taken_in_charge) {
                    (true, ..) => "annulé, non payé",
                    (_, true, _) => "formation, non payé",
                    (_, _, true) => "prise en charge",
                    _ => "non pris en charge",
                },
                if a.cents > 0 {
                    format!(", {}", fr::money(a.cents as i64))
                } else {
                    String::new()
                }
            ),
            BODY,
        );
    }
    for f in &r.late_followups {
        line(
            &mut doc,
            &format!(
                "Suivi tardif sur l'acte {} ({}) : {}{}{}",
                f.act_number,
                f.act_month,
                crate::ledger::type_label(&f.kind),
                match (&f.nature, f.corrects) {
                    (Some(n), _) => format!(", {n}"),
                    (None, Some(c)) => format!(
                        " — retire le suivi de l'entrée {c}, compté par un rapport déjà clos"
                    ),
                    (None, None) => String::new(),
                },
                if f.cents_to_deduct > 0 {
                    format!(
                        " — déjà déduit du total : {}",
                        fr::money(f.cents_to_deduct as i64)
                    )
                } else {
                    String::new()
                }
            ),
            BODY,
        );
    }
    section(&mut doc, "Clôture du registre");
    let c = &r.closure;
    for text in [
        format!(
            "Entrées {} à {} ({} actes du mois), clôture à l'entrée {} le {}",
            c.first_seq,
            c.last_seq,
            c.count,
            c.seq,
            fr::datetime(c.closed_at)
        ),
        format!("Tête : {}", c.head_hash),
        match &r.previous_closure {
            Some(p) => format!(
                "Clôture précédente ({}) : entrée {}, tête {}",
                p.month, p.seq, p.head_hash
            ),
            None => "Premier rapport de cet appareil.".into(),
        },
        format!("Empreinte du contenu : {}", r.content_sha256),
    ] {
        line(&mut doc, &text, SMALL);
    }
    Ok(doc.finish())
}

pub(crate) fn heading(doc: &mut Doc, title: &str, lines: &[String]) {
    doc.put(doc.margin, title, H1);
    doc.space(H1.line_mm() + 1.0);
    for l in lines {
        line(doc, l, SMALL);
    }
    doc.rule(Ink::Grey);
    doc.space(2.0);
}

pub(crate) fn section(doc: &mut Doc, title: &str) {
    doc.ensure(20.0);
    doc.space(3.0);
    doc.put(doc.margin, title, H2);
    doc.space(H2.line_mm() + 0.5);
}

pub(crate) fn line(doc: &mut Doc, text: &str, style: Style) {
    doc.ensure(style.line_mm());
    doc.put(doc.margin, text, style);
    doc.space(style.line_mm());
}

/// Label on the left, value right-aligned in a column.
fn figure(doc: &mut Doc, label: &str, value: &str) {
    doc.ensure(BODY.line_mm());
    doc.put(doc.margin, label, BODY);
    doc.put_right(doc.margin + doc.text_width(), value, BODY.bold());
    doc.space(BODY.line_mm());
}

pub(crate) fn indicators(doc: &mut Doc, i: &Indicators, protocol: &Protocol) {
    section(doc, "Chiffres clés");
    for (label, value) in figures::key_figures(i) {
        figure(doc, label, &value);
    }

    weekday_chart(doc, i);
    urgency_chart(doc, i, protocol);

    section(doc, "Non pris en charge : orientation et motifs");
    for (k, v) in &i.exclusions.by_orientation {
        let title = protocol.orientation_title(k).unwrap_or(k);
        line(doc, &format!("{title} : {v}"), BODY);
    }
    for (k, v) in &i.exclusions.by_reason {
        let label = describe::reason_label(protocol, k);
        line(doc, &format!("Motif « {label} » : {v}"), SMALL);
    }
    section(doc, "Par profession, délégué, délégant, structure");
    for (k, c) in &i.by_profession {
        line(
            doc,
            &format!(
                "{k} : {} dépistages, {} prises en charge",
                c.screenings, c.prises_en_charge
            ),
            BODY,
        );
    }
    for d in &i.delegues {
        line(
            doc,
            &format!(
                "Délégué {} ({}, {}) : {} / {}",
                d.name, d.profession, d.rpps, d.counts.screenings, d.counts.prises_en_charge
            ),
            SMALL,
        );
    }
    for d in &i.delegants {
        line(
            doc,
            &format!(
                "Délégant {} ({}) : {} prises en charge, {} reprise(s)",
                d.name, d.rpps, d.prises_en_charge, d.reprises
            ),
            SMALL,
        );
    }
    for s in &i.structures {
        line(
            doc,
            &format!(
                "Structure {} ({}) : {} / {}",
                s.name, s.postal_code, s.counts.screenings, s.counts.prises_en_charge
            ),
            SMALL,
        );
    }
    if !i.adverse_events.by_nature.is_empty() {
        section(doc, "Événements indésirables par nature");
        for (k, v) in &i.adverse_events.by_nature {
            line(doc, &format!("{k} : {v}"), BODY);
        }
    }
    section(doc, "Versions du protocole utilisées");
    for p in &i.protocol_versions {
        line(
            doc,
            &format!(
                "{} {} ({}…) : {} acte(s), dont {} en formation",
                p.id,
                p.version,
                crate::text::prefix(&p.sha256, 12),
                p.acts,
                p.training_acts
            ),
            SMALL,
        );
    }
}

/// Bars per weekday: screenings (grey) beside prises en charge (blue).
fn weekday_chart(doc: &mut Doc, i: &Indicators) {
    const HEIGHT: f32 = 40.0;
    section(doc, "Actes par jour de la semaine");
    doc.ensure(HEIGHT + 16.0);
    let max = i
        .by_weekday
        .iter()
        .map(|w| w.counts.screenings)
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    let top = doc.y + 4.0;
    let base = top + HEIGHT;
    let slot = doc.text_width() / 7.0;
    let bar = slot * 0.3;
    for (k, w) in i.by_weekday.iter().enumerate() {
        let x = doc.margin + slot * k as f32 + slot * 0.15;
        for (j, (value, ink)) in [
            (w.counts.screenings, Ink::Grey),
            (w.counts.prises_en_charge, Ink::Blue),
        ]
        .into_iter()
        .enumerate()
        {
            let h = HEIGHT * value as f32 / max;
            let bx = x + j as f32 * (bar + 1.0);
            if value > 0 {
                doc.rect(bx, base - h, bar, h, ink, true);
            }
            doc.put_at(bx + 0.5, base - h - 1.0, &value.to_string(), SMALL);
        }
        doc.put_at(x, base + 4.0, &w.day, SMALL);
    }
    doc.line(
        doc.margin,
        base,
        doc.margin + doc.text_width(),
        base,
        0.5,
        Ink::Black,
    );
    doc.y = base + 6.0;
    doc.rect(doc.margin, doc.y + 0.5, 3.0, 3.0, Ink::Grey, true);
    doc.put(doc.margin + 4.0, "dépistages", SMALL);
    doc.rect(doc.margin + 30.0, doc.y + 0.5, 3.0, 3.0, Ink::Blue, true);
    doc.put(doc.margin + 34.0, "prises en charge", SMALL);
    doc.space(6.0);
}

/// One horizontal bar split by urgency (24 h in red, 31 days in blue).
fn urgency_chart(doc: &mut Doc, i: &Indicators, protocol: &Protocol) {
    section(doc, "Répartition par urgence (prises en charge)");
    doc.ensure(16.0);
    let total: u64 = i.urgency.values().sum();
    let width = doc.text_width();
    let top = doc.y + 1.0;
    if total == 0 {
        line(doc, "Aucune prise en charge.", BODY);
        return;
    }
    let mut x = doc.margin;
    for (k, (label, v)) in i.urgency.iter().enumerate() {
        let w = width * *v as f32 / total as f32;
        let ink = if k == 0 { Ink::Red } else { Ink::Blue };
        doc.rect(x, top, w, 8.0, ink, true);
        let short = protocol
            .urgencies
            .iter()
            .find(|u| u.id == *label)
            .map_or(label.clone(), |u| match u.within_days {
                1 => "RDV sous 24 h".to_string(),
                d => format!("RDV sous {d} jours"),
            });
        let text = format!(
            "{} : {} ({})",
            short,
            v,
            fr::percent(*v as f64 / total as f64)
        );
        if w > 30.0 {
            doc.put_at(x + 2.0, top + 5.5, &text, SMALL.ink(Ink::White));
        } else {
            doc.put_at(x, top + 12.0, &text, SMALL);
        }
        x += w;
    }
    doc.y = top + 14.0;
}

/// The payment table; amounts are net of deductions, so the breakdown of
/// the total follows it when there are late entries or deductions.
pub(crate) fn payments(doc: &mut Doc, rows: &[PayRow], pay: &Remuneration) {
    section(doc, "Rémunérations (à verser par la CPTS)");
    let m = doc.margin;
    let cols = [m, m + 22.0, m + 50.0, m + 104.0, m + 124.0, m + 150.0];
    let header = ["Rôle", "RPPS", "Nom", "Actes", "Déduits", "Montant"];
    let with_devices = rows.iter().any(|r| r.devices.is_some());
    doc.ensure(BODY.line_mm() * 2.0);
    for (x, h) in cols.iter().zip(header) {
        doc.put(*x, h, BODY.bold());
    }
    if with_devices {
        doc.put(m + 160.0, "Appareils", BODY.bold());
    }
    doc.space(BODY.line_mm());
    doc.rule(Ink::Grey);
    for r in rows {
        doc.ensure(BODY.line_mm());
        doc.put(cols[0], r.role, BODY);
        doc.put(cols[1], &r.rpps, BODY);
        doc.put(cols[2], &r.name, BODY);
        doc.put_right(cols[3] + 12.0, &fr::int(r.acts), BODY);
        doc.put_right(cols[4] + 14.0, &fr::int(r.deducted), BODY);
        let ink = if r.cents < 0 { Ink::Red } else { Ink::Black };
        doc.put_right(cols[5] + 8.0, &fr::money(r.cents), BODY.ink(ink));
        if let Some(d) = r.devices {
            doc.put_right(m + 175.0, &d.to_string(), BODY);
        }
        doc.space(BODY.line_mm());
    }
    doc.rule(Ink::Grey);
    doc.put(cols[0], "Total", BODY.bold());
    doc.put_right(cols[5] + 8.0, &fr::money(pay.total_cents), BODY.bold());
    doc.space(BODY.line_mm());
    if pay.late_cents > 0 || pay.deducted_cents > 0 {
        line(
            doc,
            &format!(
                "Total = mois {} + saisies tardives {} - déductions {} (actes annulés après avoir été payés)",
                fr::money(pay.month_cents as i64),
                fr::money(pay.late_cents as i64),
                fr::money(pay.deducted_cents as i64)
            ),
            SMALL,
        );
    }
}
