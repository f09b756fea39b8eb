//! The patient advice sheet (fiche conseil): the appointment to book, the
//! dentist on duty, how to take each medicine, what to avoid, when to call
//! the 15. Its texts come from the protocol the act was done under; for a
//! patient under 18 they speak to the parent (renderer `documents/2`).

use chrono_tz::Europe::Paris;
use serde_json::Value as Json;

use super::layout::{Doc, Ink, Paper, Style};
use super::roster::Roster;
use super::{footer, verification_code, watermark};
use crate::error::Result;
use crate::fr;
use crate::ledger::ActView;
use crate::protocol::Protocol;
use crate::triage::{Facts, describe, units};

const TITLE: Style = Style::new(16.0).bold();
const HEADING: Style = Style::new(12.0).bold();
const BODY: Style = Style::new(10.5);
const SMALL: Style = Style::new(8.5);

/// Renders the advice sheet of a prise en charge. `protocol` must be the
/// one the act was recorded under (same SHA-256): the sheet quotes it.
pub fn render(
    view: &ActView,
    protocol: &Protocol,
    roster: Option<&Roster>,
    paper: Paper,
) -> Result<Vec<u8>> {
    let act = &view.act;
    super::check_printable(view)?;
    if !act.taken_in_charge() {
        return Err(crate::error::Refusal::NoPrescription(act.number.clone()).into());
    }
    super::check_same_protocol(act, protocol, "sa fiche conseil")?;
    let facts = Facts::from_json(protocol, &Json::Object(act.facts.clone()))?;
    let env = facts.complete(protocol);
    let advice = &protocol.advice;
    let code = verification_code(&view.hash);
    let mut doc = Doc::new(
        &advice.title,
        paper,
        &footer(&view.act, &code),
        watermark(act),
    );
    let day = act.occurred_at.with_timezone(&Paris).date_naive();
    let parent = crate::act::is_minor(act.patient.age_years);
    let patient = format!(
        "{} {}",
        act.patient.first_name,
        act.patient.last_name.to_uppercase()
    );

    doc.paragraph(&advice.title, TITLE);
    let handed = if parent {
        format!(
            "Remise le {} au parent de {patient} ({} ans) par {}",
            fr::date(day),
            act.patient.age_years,
            act.delegue.name
        )
    } else {
        format!(
            "Remise le {} à {patient} par {}",
            fr::date(day),
            act.delegue.name
        )
    };
    doc.paragraph(&handed, BODY.ink(Ink::Grey));
    doc.paragraph(&super::letter::structure_line(act), BODY.ink(Ink::Grey));
    doc.space(2.0);
    doc.paragraph(advice.intro_for(parent), BODY);
    doc.space(3.0);

    if let Some(u) = act
        .outcome
        .urgency
        .as_deref()
        .and_then(|id| protocol.urgency_named(id))
    {
        let mut lines = vec![(u.title.clone(), HEADING), (u.text.clone(), BODY)];
        if u.duty_dentist {
            let duty = match roster.and_then(|r| r.on_duty(day)) {
                Some(d) => format!(
                    "Dentiste de garde : {} — {} — tél. {}",
                    d.dentist,
                    d.address,
                    d.phone.replace(' ', "\u{a0}")
                ),
                None => "Dentiste de garde : le tableau de garde de ce jour n'est pas connu ici. Sans rendez-vous possible dans les 24 heures, appelez le 15.".to_string(),
            };
            lines.push((duty, BODY.bold()));
        }
        boxed(&mut doc, &lines, Ink::Blue);
    }

    // The signs that mean « call 15 » come right after the appointment,
    // on the first page, where they cannot be missed.
    let applies = |section: &&crate::protocol::AdviceSection| {
        section
            .when
            .as_ref()
            .is_none_or(|c| c.expr.eval(&env).is_true())
    };
    for section in advice
        .sections
        .iter()
        .filter(applies)
        .filter(|s| s.emergency)
    {
        let mut lines = vec![(section.title_for(parent).to_string(), HEADING.ink(Ink::Red))];
        lines.extend(
            section
                .items_for(parent)
                .iter()
                .map(|i| (format!("– {i}"), BODY)),
        );
        boxed(&mut doc, &lines, Ink::Red);
    }

    // How to take each medicine, once: what to buy is the prescription's.
    doc.paragraph(
        if parent {
            "Comment lui donner ses médicaments"
        } else {
            "Comment prendre vos médicaments"
        },
        HEADING,
    );
    for line in &act.prescription {
        doc.space(1.0);
        let (name, how) = match &line.given {
            Some(g) => {
                let p = g.presentation();
                let given = g.given();
                (
                    format!("{} — {}", fr::capitalised(&line.dci), p.name()),
                    format!(
                        "{} par prise, {}, au plus {} par jour, pendant {}.",
                        units::per_intake_fr(&given, &p),
                        line.frequency.trim(),
                        units::count_units_fr(given.max_units_per_day, &p),
                        fr::plural(u64::from(line.days), "jour", "jours")
                    ),
                )
            }
            None => (
                format!("{} {}", fr::capitalised(&line.dci), line.strength),
                format!(
                    "{} ; {}.",
                    describe::dose(&line.dose(), line.unit),
                    line.frequency.trim()
                ),
            ),
        };
        doc.paragraph(&name, BODY.bold());
        let how = if line.advice.is_empty() {
            how
        } else {
            format!("{how} {}", line.advice)
        };
        doc.bullet(&how, BODY);
    }
    doc.space(3.0);

    for section in advice
        .sections
        .iter()
        .filter(applies)
        .filter(|s| !s.emergency)
    {
        doc.ensure(3.0 * BODY.line_mm());
        doc.paragraph(section.title_for(parent), HEADING);
        for item in section.items_for(parent) {
            doc.bullet(item, BODY);
        }
        doc.space(3.0);
    }
    doc.space(2.0);
    doc.paragraph(
        &format!("Sources : {}", advice.sources),
        SMALL.ink(Ink::Grey),
    );
    Ok(doc.finish())
}

/// Lines in a framed box, kept on one page.
fn boxed(doc: &mut Doc, lines: &[(String, Style)], ink: Ink) {
    let inner = doc.text_width() - 8.0;
    let h: f32 = lines
        .iter()
        .map(|(t, s)| super::layout::wrap(t, inner, *s).len() as f32 * s.line_mm())
        .sum::<f32>()
        + 6.0;
    doc.ensure(h + 2.0);
    let (x, top, w) = (doc.margin, doc.y, doc.text_width());
    doc.rect(x, top, w, h, ink, false);
    doc.y += 3.0;
    for (t, s) in lines {
        doc.paragraph_in(x + 4.0, inner, t, *s);
    }
    doc.y = top + h + 4.0;
}
