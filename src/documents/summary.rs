//! The protocol summary: what an SAS regulator or a délégant reads —
//! identity and validation status, questions and facts, the decision rules
//! in order, orientations, urgencies, regimens with their caps and sources,
//! remuneration.

use super::layout::{Doc, Ink, Paper, Style};
use crate::fr;
use crate::protocol::{Decision, Protocol};
use crate::triage::Dose;
use crate::triage::describe;

const TITLE: Style = Style::new(16.0).bold();
const HEADING: Style = Style::new(12.5).bold().ink(Ink::Blue);
const BODY: Style = Style::new(9.5);
const SMALL: Style = Style::new(8.0).ink(Ink::Grey);

/// Renders the summary of `protocol` (pure: same protocol, same bytes).
pub fn render(protocol: &Protocol, paper: Paper) -> Vec<u8> {
    let m = &protocol.meta;
    let id = &protocol.identity;
    let draft = protocol.is_training();
    let footer = format!(
        "{} v{} · SHA-256 {}",
        id.id,
        id.version,
        crate::text::prefix(&id.sha256, 16)
    );
    let mut doc = Doc::new(
        &format!("Protocole {} v{}", m.name, m.version),
        paper,
        &footer,
        draft.then_some("SPÉCIMEN — protocole non validé"),
    );
    doc.paragraph(&m.name, TITLE);
    doc.paragraph(&format!("Version {} — {}", m.version, m.cpts), BODY.bold());
    doc.paragraph(
        &format!("Identifiant : {} — SHA-256 : {}", id.id, id.sha256),
        SMALL,
    );
    let status_ink = if draft { Ink::Red } else { Ink::Black };
    doc.paragraph(
        &format!("Statut : {}", protocol.validation.describe()),
        BODY.bold().ink(status_ink),
    );
    if let Some(src) = &m.source {
        doc.paragraph(&format!("Source : {src}"), SMALL);
    }
    if let Some(r) = &m.responsibility {
        doc.paragraph(&format!("Responsabilité : {r}"), BODY);
    }

    heading(
        &mut doc,
        "Questions posées, dans l'ordre (signes d'alerte d'abord)",
    );
    for q in &protocol.questions {
        doc.ensure(3.0 * BODY.line_mm());
        doc.paragraph(&format!("{} — {}", q.theme, q.title), BODY.bold());
        for f in &q.facts {
            let def = protocol.fact(*f);
            doc.bullet(&format!("{} ({})", def.label, def.id), BODY);
        }
        if let Some(none) = &q.none {
            doc.bullet(&format!("Réponse explicite : « {none} »"), SMALL);
        }
    }

    heading(
        &mut doc,
        "Règles de décision (la première qui s'applique décide)",
    );
    for (i, rule) in protocol.rules.iter().enumerate() {
        let decision = match rule.decides {
            Decision::Orient(o) => format!("— décide : {}", protocol.orientation(o).title),
            Decision::TakeInCharge(u) => {
                format!("— décide : prise en charge, {}", protocol.urgency(u).title)
            }
        };
        doc.ensure(3.0 * BODY.line_mm());
        doc.paragraph(&format!("{}. {} {decision}", i + 1, rule.id), BODY.bold());
        for item in &rule.items {
            doc.bullet(
                &format!("{}   [motif : {}]", item.condition.text, item.reason),
                BODY,
            );
        }
    }

    heading(&mut doc, "Orientations");
    for o in &protocol.orientations {
        let ink = if o.emergency { Ink::Red } else { Ink::Black };
        doc.paragraph(&format!("{} ({})", o.title, o.id), BODY.bold().ink(ink));
        doc.bullet(&o.text, BODY);
    }
    heading(&mut doc, "Délais du rendez-vous dentaire");
    for u in &protocol.urgencies {
        doc.paragraph(&format!("{} ({}) — {}", u.title, u.id, u.text), BODY);
    }

    heading(
        &mut doc,
        "Prescription dérogatoire : schémas, plafonds, sources",
    );
    for med in &protocol.medicines {
        doc.ensure(5.0 * BODY.line_mm());
        let mut title = format!(
            "{} {} — {} ({})",
            med.dci, med.strength, med.form, med.class
        );
        if med.optional {
            title.push_str(" — facultatif");
        }
        if med.secure_prescription {
            title.push_str(" — ordonnance sécurisée");
        }
        doc.paragraph(&title, BODY.bold());
        doc.bullet(&format!("Quand : {}", med.when.text), BODY);
        let adult = Dose {
            per_dose_min: med.adult.per_dose_min,
            per_dose: med.adult.per_dose,
            max_per_day: med.adult.max_per_day,
            days: med.adult.days,
            weight: None,
        };
        doc.bullet(
            &format!(
                "Adulte : {} ; {}",
                describe::dose(&adult, med.unit),
                med.frequency
            ),
            BODY,
        );
        if let Some(w) = &med.by_weight {
            doc.bullet(
                &format!(
                    "Au poids : {} {u}/kg par prise, au plus {} {u}/kg par jour, pendant {}, arrondi à l'inférieur par {} {u}",
                    fr::decimal(w.per_dose_per_kg),
                    fr::decimal(w.max_per_day_per_kg),
                    fr::plural(u64::from(w.days), "jour", "jours"),
                    w.step,
                    u = med.unit
                ),
                BODY,
            );
        }
        let c = &med.caps;
        let mut caps = format!(
            "Plafonds : {} par prise, {} par jour, {}",
            describe::amount(c.max_per_dose, med.unit),
            describe::amount(c.max_per_day, med.unit),
            fr::plural(u64::from(c.max_days), "jour", "jours")
        );
        if let Some(k) = c.max_per_dose_per_kg {
            caps.push_str(&format!(", {} {}/kg par prise", fr::decimal(k), med.unit));
        }
        if let Some(k) = c.max_per_day_per_kg {
            caps.push_str(&format!(", {} {}/kg par jour", fr::decimal(k), med.unit));
        }
        doc.bullet(&caps, BODY);
        if let Some(r) = med.replaces {
            doc.bullet(&format!("Remplace : {}", protocol.medicine(r).dci), BODY);
        }
        if let Some(src) = &med.source {
            doc.bullet(&format!("Source : {src}"), SMALL);
        }
    }

    heading(&mut doc, "Rémunération par prise en charge");
    let r = &protocol.remuneration;
    doc.paragraph(
        &format!(
            "Délégué : {} — délégant : {} — total : {}. Aucune rémunération en mode formation, pour un acte annulé ou un patient non pris en charge.",
            fr::money(i64::from(r.delegue_cents)),
            fr::money(i64::from(r.delegant_cents)),
            fr::money(i64::from(r.delegue_cents) + i64::from(r.delegant_cents))
        ),
        BODY,
    );
    heading(&mut doc, "Territoire");
    let t = &protocol.territory;
    let communes: Vec<String> = t
        .communes
        .iter()
        .map(|c| format!("{} ({})", c.name, c.postal_code))
        .collect();
    doc.paragraph(&communes.join(", "), BODY);
    if let Some(note) = &t.note {
        doc.paragraph(note, SMALL);
    }
    doc.finish()
}

fn heading(doc: &mut Doc, text: &str) {
    doc.space(4.0);
    doc.ensure(4.0 * BODY.line_mm());
    doc.paragraph(text, HEADING);
    doc.space(0.5);
}
