//! The prescription (R5132-3 CSP mentions, cooperation-protocol wording),
//! rendered from a recorded act alone: everything it prints was copied into
//! the act when it was recorded. Each line says what the pharmacist gives:
//! units of the chosen presentation per intake and the quantity to
//! dispense (renderer `documents/2`; [`super::v1`] keeps the first one).

use chrono_tz::Europe::Paris;

use super::layout::{Doc, Ink, Paper, Style};
use super::words::{count_in_words, in_words};
use super::{footer, verification_code, watermark};
use crate::act::{ActRecord, GivenRecord, PrescribedLine, Sex};
use crate::error::{Refusal, Result};
use crate::fr;
use crate::ledger::ActView;
use crate::protocol::{Fixed, Unit};
use crate::triage::{describe, units};

const TITLE: Style = Style::new(15.0).bold();
const BODY: Style = Style::new(10.0);
const SMALL: Style = Style::new(8.5);

/// Renders the prescription of a recorded act. Refused for an act that is
/// not a prise en charge (it has no prescription) or that is void.
pub fn render(view: &ActView, paper: Paper) -> Result<Vec<u8>> {
    let act = &view.act;
    super::check_printable(view)?;
    if !act.taken_in_charge() || act.prescription.is_empty() {
        return Err(Refusal::NoPrescription(act.number.clone()).into());
    }
    let code = verification_code(&view.hash);
    let mut doc = Doc::new(
        &format!("Ordonnance {}", act.number),
        paper,
        &footer(act, &code),
        watermark(act),
    );
    prescriber(&mut doc, act);
    protocol_banner(&mut doc, act);
    patient(&mut doc, act);
    doc.space(3.0);
    for (i, line) in act.prescription.iter().enumerate() {
        medicine_line(&mut doc, i + 1, line);
    }
    closing(&mut doc, act, &code);
    Ok(doc.finish())
}

fn prescriber(doc: &mut Doc, act: &ActRecord) {
    let d = &act.delegue;
    let right = doc.width() - doc.margin;
    let top = doc.y;
    let date = act.occurred_at.with_timezone(&Paris).date_naive();
    doc.put_right(right, &format!("Le {}", fr::date(date)), BODY.bold());
    doc.y += BODY.line_mm();
    doc.put_right(right, &format!("Ordonnance n° {}", act.number), BODY);
    doc.y = top;
    doc.paragraph_in(doc.margin, doc.text_width() * 0.62, &d.name, TITLE);
    let qualification = match d.profession.as_deref() {
        Some("infirmier") => "Infirmier(ère) diplômé(e) d'État",
        Some("pharmacien") => "Pharmacien(ne)",
        _ => "Professionnel(le) délégué(e)",
    };
    let s = &act.structure;
    let mut lines = vec![
        format!("{qualification} — délégué(e) du protocole de coopération"),
        format!("RPPS {}", d.rpps),
        s.name.clone(),
        format!("{}, France", s.address.trim_end_matches(", France")),
    ];
    // The structure's phone: where the pharmacist who dispenses calls.
    if let Some(phone) = s.phone.as_ref().or(d.phone.as_ref()) {
        lines.push(format!("Tél. {phone}"));
    }
    if let Some(finess) = &s.finess {
        lines.push(format!("FINESS {finess}"));
    }
    for l in lines {
        doc.paragraph_in(doc.margin, doc.text_width() * 0.7, &l, BODY);
    }
    doc.space(3.0);
}

fn protocol_banner(doc: &mut Doc, act: &ActRecord) {
    let p = &act.protocol;
    let text = format!(
        "Prescription dans le cadre du protocole de coopération « {} » (version {}, {}).",
        p.name, p.version, p.cpts
    );
    let delegant = format!(
        "{} : {} — RPPS {}",
        act.delegant.delegant_title(),
        act.delegant.name,
        act.delegant.rpps
    );
    let inner = doc.text_width() - 8.0;
    let lines = super::layout::wrap(&text, inner, BODY).len()
        + super::layout::wrap(&delegant, inner, BODY.bold()).len();
    let h = lines as f32 * BODY.line_mm() + 6.0;
    doc.ensure(h);
    let (x, top, w) = (doc.margin, doc.y, doc.text_width());
    doc.rect(x, top, w, h, Ink::Blue, false);
    doc.y += 3.0;
    doc.paragraph_in(x + 4.0, inner, &text, BODY);
    doc.paragraph_in(x + 4.0, inner, &delegant, BODY.bold().ink(Ink::Blue));
    doc.y = top + h + 4.0;
}

fn patient(doc: &mut Doc, act: &ActRecord) {
    let p = &act.patient;
    let sex = match p.sex {
        Sex::F => "F",
        Sex::M => "M",
    };
    doc.paragraph(
        &format!("Patient : {} {}", p.last_name.to_uppercase(), p.first_name),
        BODY.bold().ink(Ink::Black),
    );
    let mut details = format!(
        "Sexe : {sex} — né(e) le {} ({} ans)",
        fr::date(p.birth_date),
        p.age_years
    );
    // R5132-3: the weight whenever a dose depends on it (always under 15).
    let weight_based = act.prescription.iter().any(|l| l.weight_kg.is_some());
    if let Some(w) = p.weight_kg.filter(|_| weight_based || p.age_years < 15) {
        details.push_str(&format!(" — poids : {} kg", format_kg(w)));
    }
    doc.paragraph(&details, BODY);
    doc.space(1.0);
    doc.rule(Ink::Grey);
}

pub(super) fn format_kg(w: f64) -> String {
    let s = format!("{w:.1}");
    s.trim_end_matches(".0").replace('.', ",")
}

fn medicine_line(doc: &mut Doc, n: usize, line: &PrescribedLine) {
    doc.ensure(4.0 * BODY.line_mm());
    doc.space(1.5);
    let indent = 6.0;
    let (x, w) = (doc.margin + indent, doc.text_width() - indent);
    match &line.given {
        Some(g) => {
            let p = g.presentation();
            let head = format!("{n}. {} — {}", line.dci.to_uppercase(), p.name());
            doc.paragraph(&head, BODY.bold());
            let text = units::regimen_fr(&g.given(), &p, &line.frequency, line.days);
            doc.paragraph_in(x, w, &format!("{text}."), BODY);
            if let Some(note) = amount_note(line, g) {
                doc.paragraph_in(x, w, &note, SMALL.ink(Ink::Grey));
            }
        }
        // A line without presentations (an older protocol file): its dose
        // in the line's unit, as the first renderer printed it.
        None => {
            let head = format!(
                "{n}. {} {} — {}",
                line.dci.to_uppercase(),
                line.strength,
                line.form
            );
            doc.paragraph(&head, BODY.bold());
            let dose = describe::dose(&line.dose(), line.unit);
            doc.paragraph_in(x, w, &format!("{dose} ; {}.", line.frequency), BODY);
            if let Some(kg) = line.weight_kg {
                doc.paragraph_in(
                    x,
                    w,
                    &format!("Dose calculée pour {} kg.", format_kg(kg)),
                    SMALL.ink(Ink::Grey),
                );
            }
        }
    }
    if line.secure_prescription {
        doc.paragraph_in(
            x,
            w,
            &format!("En toutes lettres : {}.", in_words_line(line)),
            BODY.bold(),
        );
    }
}

/// « soit 875 mg par prise (dose calculée pour 35 kg) », in small type
/// beside what is given; nothing when the units given are the line's own
/// (tablets of the palier-2 line, mL of a mouthwash) and no weight was used.
fn amount_note(line: &PrescribedLine, g: &GivenRecord) -> Option<String> {
    let per_intake = (line.unit == Unit::Mg).then(|| {
        format!(
            "soit {} par prise",
            describe::amount(g.amount_per_intake, line.unit)
        )
    });
    let weight = line
        .weight_kg
        .map(|kg| format!("dose calculée pour {} kg", format_kg(kg)));
    match (per_intake, weight) {
        (None, None) => None,
        (None, Some(w)) => Some(crate::fr::capitalised(&w)),
        (Some(a), None) => Some(a),
        (Some(a), Some(w)) => Some(format!("{a} ({w})")),
    }
}

/// The palier-2 wording: strength, units per intake, daily maximum,
/// duration and quantity in words.
pub fn in_words_line(line: &PrescribedLine) -> String {
    // A line without presentations: its dose in the line's unit, in the
    // first renderer's words.
    let Some(g) = &line.given else {
        return super::v1::prescription::in_words_line(line);
    };
    // mL in words as « millilitres »; other units as the file names them.
    let (unit, units) = if g.unit == "mL" {
        ("millilitre", "millilitres")
    } else {
        (g.unit.as_str(), g.units.as_str())
    };
    let count = |milli: i64| count_in_words(Fixed(milli), unit, units);
    let per_intake = match g.per_intake_min_milli {
        Some(min) if min < g.per_intake_milli && min % Fixed::SCALE == 0 => {
            format!(
                "{} à {}",
                in_words(u64::try_from(min / Fixed::SCALE).unwrap_or(0)),
                count(g.per_intake_milli)
            )
        }
        Some(min) if min < g.per_intake_milli => {
            format!("{} à {}", count(min), count(g.per_intake_milli))
        }
        _ => count(g.per_intake_milli),
    };
    let packs = u64::from(g.packs);
    let pack_size = if g.unit == "mL" {
        count(i64::from(g.pack) * Fixed::SCALE)
    } else {
        in_words(u64::from(g.pack))
    };
    format!(
        "{} dosé à {} ; {per_intake} par prise, au plus {} par jour, pendant {} {} ; quantité : {} ({} {} de {pack_size})",
        line.dci,
        super::v1::prescription::strength_in_words(&g.label),
        count(g.max_units_per_day_milli),
        in_words(u64::from(line.days)),
        if line.days >= 2 { "jours" } else { "jour" },
        count(g.quantity_milli),
        in_words(packs),
        if packs >= 2 {
            format!("{}s", g.pack_name)
        } else {
            g.pack_name.clone()
        },
    )
}

fn closing(doc: &mut Doc, act: &ActRecord, code: &str) {
    let count = act.prescription.len() as u64;
    doc.space(2.0);
    doc.rule(Ink::Grey);
    doc.space(1.5);
    doc.paragraph(
        &format!(
            "Nombre de lignes de cette ordonnance : {count} ({})",
            in_words(count)
        ),
        BODY.bold(),
    );
    if act.prescription.iter().any(|l| l.secure_prescription) {
        doc.space(1.0);
        doc.paragraph(
            "À IMPRIMER SUR PAPIER D'ORDONNANCE SÉCURISÉE : cette ordonnance comporte un médicament de palier 2 (codéine). Sur papier ordinaire, elle ne peut pas être délivrée.",
            BODY.bold().ink(Ink::Red),
        );
    }
    // The signature goes right under the last line (R5132-3).
    let h = 28.0;
    doc.ensure(h + 8.0);
    doc.space(3.0);
    let w = 78.0;
    let x = doc.width() - doc.margin - w;
    let top = doc.y;
    doc.rect(x, top, w, h, Ink::Black, false);
    doc.y = top + 1.5;
    doc.put(
        x + 3.0,
        &format!("Signature de {}", act.delegue.name),
        SMALL.ink(Ink::Grey),
    );
    doc.y = top + 1.5;
    doc.paragraph_in(
        doc.margin,
        doc.text_width() - w - 6.0,
        "Le délégué signe et prescrit sous sa responsabilité, dans le cadre du protocole. Le délégant ne signe pas.",
        SMALL.ink(Ink::Grey),
    );
    doc.paragraph_in(
        doc.margin,
        doc.text_width() - w - 6.0,
        &format!("Vérification : acte {} — code {code}", act.number),
        SMALL.bold(),
    );
    doc.y = top + h + 4.0;
}
