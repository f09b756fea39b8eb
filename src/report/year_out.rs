//! The yearly report written out: JSON (versioned, for scripts and the
//! ARS), CSV (one indicator a line, French Excel) and the PDF annex a CPTS
//! sends to the ARS, « PROVISOIRE » on every page while the year runs.
//! The indicators are worded once ([`lines`]) for the CSV and the PDF.

use super::pdf::{BODY, SMALL, heading, line, section};
use super::year::{ProtocolYear, YearReport};
use crate::documents::layout::{Doc, Ink, Paper};
use crate::error::{Error, Result};
use crate::fr;

/// The report as JSON, with its `schema_version`.
pub fn json(r: &YearReport) -> Result<Vec<u8>> {
    let mut v = serde_json::to_vec_pretty(r).map_err(|e| Error::input("json", e.to_string()))?;
    v.push(b'\n');
    Ok(v)
}

fn satisfaction(s: &super::model::Satisfaction) -> String {
    if s.responses == 0 {
        return "aucune réponse".into();
    }
    let d = s.distribution;
    format!(
        "{} — moyenne {} / 5 (1 : {}, 2 : {}, 3 : {}, 4 : {}, 5 : {})",
        fr::plural(s.responses, "réponse", "réponses"),
        format!("{:.2}", s.mean).replace('.', ","),
        d[0],
        d[1],
        d[2],
        d[3],
        d[4]
    )
}

fn counted(count: u64, rate: f64) -> String {
    format!("{} ({})", fr::int(count), fr::percent(rate))
}

fn map(m: &std::collections::BTreeMap<String, u64>) -> String {
    if m.is_empty() {
        return "aucun".into();
    }
    m.iter()
        .map(|(k, v)| format!("{k} : {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Counts by id, each under its label.
fn labelled(
    m: &std::collections::BTreeMap<String, u64>,
    labels: &std::collections::BTreeMap<String, String>,
) -> String {
    if m.is_empty() {
        return "aucun".into();
    }
    m.iter()
        .map(|(k, v)| format!("{} : {v}", labels.get(k).unwrap_or(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Counts by severity, each in French (« légère »).
fn severities(m: &std::collections::BTreeMap<String, u64>) -> String {
    let labels = m
        .keys()
        .map(|k| {
            let label = crate::ledger::Severity::parse(k).map_or(k.as_str(), |s| s.label());
            (k.clone(), label.to_string())
        })
        .collect();
    labelled(m, &labels)
}

/// Each indicator of a protocol, in French: label and value.
pub fn lines(p: &ProtocolYear) -> Vec<(String, String)> {
    let f = &p.followups;
    let mut out: Vec<(String, String)> = [
        ("Prises en charge", fr::int(p.prises_en_charge)),
        (
            "Patients vus (prises en charge et orientations)",
            fr::int(p.screenings),
        ),
        ("Orientations hors protocole", fr::int(p.orientations)),
        (
            "Reprises par le délégant",
            counted(p.reprises.count, p.reprises.rate),
        ),
        (
            "Événements indésirables (prises en charge concernées)",
            format!(
                "{} événement(s), {}",
                fr::int(p.adverse_events.count),
                counted(p.adverse_events.acts, p.adverse_events.rate)
            ),
        ),
        (
            "Événements indésirables par nature",
            labelled(&p.adverse_events.by_nature, &p.nature_labels),
        ),
        (
            "Événements indésirables par gravité",
            severities(&p.adverse_events.by_severity),
        ),
        (
            "Satisfaction des patients",
            satisfaction(&p.satisfaction.patients),
        ),
        (
            "Satisfaction des professionnels",
            satisfaction(&p.satisfaction.professionals),
        ),
        (
            "Questionnaires des professionnels",
            format!(
                "{} rempli(s), {} remis à plus tard",
                fr::int(p.surveys.answered),
                fr::int(p.surveys.declined)
            ),
        ),
    ]
    .map(|(l, v)| (l.to_string(), v))
    .to_vec();
    out.extend(p.surveys.questions.iter().map(|q| {
        (
            format!("Questionnaire — {}", q.text),
            satisfaction(&q.answers),
        )
    }));
    out.extend(
        [
            (
                "Appels de suivi faits / dus",
                format!(
                    "{} / {} ({}) ; injoignables : {}",
                    fr::int(f.done),
                    fr::int(f.due),
                    fr::percent(f.rate),
                    fr::int(f.unreachable)
                ),
            ),
            (
                "Rendez-vous dentaire pris / dans le délai",
                format!(
                    "{} pris, {} dans le délai, sur {} prises en charge avec un délai",
                    fr::int(f.appointments_made),
                    fr::int(f.appointments_within_deadline),
                    fr::int(f.with_deadline)
                ),
            ),
            (
                "Vendredi, samedi et veille de jour férié",
                counted(
                    p.friday_saturday_holiday_eve.count,
                    p.friday_saturday_holiday_eve.rate,
                ),
            ),
            ("Prises en charge par profession", map(&p.by_profession)),
            ("Pharmacies impliquées", fr::int(p.pharmacies_involved)),
            (
                "Patients hors territoire",
                counted(p.out_of_territory.count, p.out_of_territory.rate),
            ),
        ]
        .map(|(l, v)| (l.to_string(), v)),
    );
    out
}

/// `protocole;indicateur;valeur`, for a spreadsheet (BOM, `;`, CRLF).
pub fn csv(r: &YearReport) -> Vec<u8> {
    let cell = |s: &str| {
        if s.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("\u{feff}protocole;indicateur;valeur\r\n");
    let status = if r.provisional {
        "provisoire"
    } else {
        "définitif"
    };
    out.push_str(&format!(";Année {};{status}\r\n", r.year));
    for p in &r.protocols {
        for (label, value) in lines(p) {
            out.push_str(&format!(
                "{};{};{}\r\n",
                cell(&p.protocol_id),
                cell(&label),
                cell(&value)
            ));
        }
    }
    out.into_bytes()
}

/// The annex for the ARS.
pub fn pdf(r: &YearReport) -> Vec<u8> {
    let status = if r.provisional { " — PROVISOIRE" } else { "" };
    let title = format!("Rapport annuel {}{status}", r.year);
    let footer = format!(
        "protocoop — {} — rapport annuel {}{status}",
        r.scope, r.year
    );
    let mut doc = if r.provisional {
        Doc::marked(
            &title,
            Paper::A4,
            &footer,
            "PROVISOIRE",
            &format!(
                "PROVISOIRE — l'année {} n'est pas close : les chiffres peuvent encore changer",
                r.year
            ),
        )
    } else {
        Doc::new(&title, Paper::A4, &footer, None)
    };
    let mut lines_head = vec![
        format!("{} · aucune donnée nominative de patient", r.scope),
        format!(
            "Protocoles de coopération (CSP D4011-4-1) — indicateurs au {}",
            fr::date(r.as_of)
        ),
        format!(
            "{} rapport(s) mensuel(s) lu(s), {} appareil(s)",
            r.months.len(),
            r.devices.len()
        ),
    ];
    lines_head.extend(
        r.provisional_reasons
            .iter()
            .map(|w| format!("Provisoire : {w}")),
    );
    heading(&mut doc, &title, &lines_head);
    if r.protocols.is_empty() {
        doc.paragraph("Aucun acte cette année.", BODY);
    }
    for p in &r.protocols {
        section(&mut doc, &format!("Protocole {}", p.protocol_id));
        // Wrapped: a questionnaire's question and its distribution run
        // past the margin on one line.
        for (label, value) in lines(p) {
            doc.paragraph(&format!("{label} : {value}"), BODY);
        }
    }
    doc.space(4.0);
    line(
        &mut doc,
        "Calculé à partir des seules lignes pseudonymes des rapports mensuels signés : les mêmes chiffres sur l'appareil et à la CPTS.",
        SMALL.ink(Ink::Grey),
    );
    doc.finish()
}
