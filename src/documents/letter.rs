//! Letters for the patient's other carers, from a recorded act and the
//! protocol it was made under: the compte rendu for the médecin traitant
//! after a prise en charge, and the courrier d'orientation the patient
//! hands to the dentist, doctor or emergency service when not taken in
//! charge. Both name the patient (they are for carers) and, like the
//! prescription, come out byte for byte the same at every reprint (from
//! the act and the protocol it was made under).

use chrono::Duration;
use chrono_tz::Europe::Paris;
use serde_json::Value as Json;

use super::layout::{Doc, Ink, Paper, Style};
use super::{footer, verification_code, watermark};
use crate::act::{ActRecord, PrescribedLine, Sex};
use crate::error::Result;
use crate::fr;
use crate::ledger::ActView;
use crate::protocol::{FactType, Protocol, Value};
use crate::triage::{Facts, Slot, describe};

const TITLE: Style = Style::new(15.0).bold();
const HEADING: Style = Style::new(11.0).bold();
const BODY: Style = Style::new(10.0);
const SMALL: Style = Style::new(8.5);

/// Which letter an act gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A prise en charge: for the médecin traitant.
    CompteRendu,
    /// Not taken in charge: for whoever sees the patient next.
    Orientation,
}

impl Kind {
    pub fn of(act: &ActRecord) -> Kind {
        if act.taken_in_charge() {
            Kind::CompteRendu
        } else {
            Kind::Orientation
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Kind::CompteRendu => "Compte rendu au médecin traitant",
            Kind::Orientation => "Courrier d'orientation",
        }
    }
}

/// `compte-rendu-2026-0042.pdf`, `courrier-orientation-2026-0042.pdf`.
pub fn file_name(kind: Kind, number: &str) -> String {
    match kind {
        Kind::CompteRendu => format!("compte-rendu-{number}.pdf"),
        Kind::Orientation => format!("courrier-orientation-{number}.pdf"),
    }
}

/// « Pharmacie du Marché — 2 place du Marché, 79500 Melle — tél. 05 49 … »:
/// where the patient was seen, and whom to call back.
pub fn structure_line(act: &ActRecord) -> String {
    let s = &act.structure;
    let mut line = format!("{} — {}", s.name, s.address.trim_end_matches(", France"));
    if let Some(phone) = &s.phone {
        line.push_str(&format!(" — tél. {phone}"));
    }
    line
}

/// Renders the act's letter. `protocol` must be the one the act was made
/// under (the letter quotes its questions and orientations).
pub fn render(view: &ActView, protocol: &Protocol, paper: Paper) -> Result<Vec<u8>> {
    let act = &view.act;
    super::check_printable(view)?;
    let document = match Kind::of(act) {
        Kind::CompteRendu => "son compte rendu",
        Kind::Orientation => "son courrier d'orientation",
    };
    super::check_same_protocol(act, protocol, document)?;
    let facts = Facts::from_json(protocol, &Json::Object(act.facts.clone()))?;
    let kind = Kind::of(act);
    let code = verification_code(&view.hash);
    let mut doc = Doc::new(
        &format!("{} {}", kind.title(), act.number),
        paper,
        &footer(act, &code),
        watermark(act),
    );
    header(&mut doc, act, kind);
    patient(&mut doc, act);
    who_acted(&mut doc, act);
    reported(&mut doc, protocol, &facts);
    match kind {
        Kind::CompteRendu => taken_in_charge(&mut doc, act, protocol, &facts),
        Kind::Orientation => oriented(&mut doc, act, protocol, &facts),
    }
    doc.space(3.0);
    doc.rule(Ink::Grey);
    doc.paragraph(
        &format!(
            "Acte {} — code de vérification {code} : la CPTS retrouve l'acte dans le registre de l'appareil.",
            act.number
        ),
        SMALL.ink(Ink::Grey),
    );
    Ok(doc.finish())
}

fn header(doc: &mut Doc, act: &ActRecord, kind: Kind) {
    let right = doc.width() - doc.margin;
    let date = act.occurred_at.with_timezone(&Paris).date_naive();
    doc.put_right(right, &format!("Le {}", fr::date(date)), BODY.bold());
    doc.paragraph(kind.title(), TITLE);
    let to = match (kind, &act.attending_doctor) {
        (Kind::CompteRendu, Some(d)) => {
            // « du Dr Martin », « de Madame Martin ».
            let whom = match d.name.split_whitespace().next() {
                Some("Dr" | "Dr." | "Docteur") => format!("du {}", d.name),
                _ => format!("de {}", d.name),
            };
            match &d.town {
                Some(town) => format!("À l'attention {whom}, {town}"),
                None => format!("À l'attention {whom}"),
            }
        }
        (Kind::CompteRendu, None) => "À l'attention du médecin traitant".to_string(),
        (Kind::Orientation, _) => {
            "À l'attention du chirurgien-dentiste, du médecin ou du service d'urgence qui recevra le patient"
                .to_string()
        }
    };
    doc.paragraph(&to, BODY.bold());
    doc.space(2.0);
}

fn patient(doc: &mut Doc, act: &ActRecord) {
    let p = &act.patient;
    let sex = match p.sex {
        Sex::F => "F",
        Sex::M => "M",
    };
    let mut line = format!(
        "Patient : {} — sexe {sex} — né(e) le {} ({} ans)",
        p.display_name(),
        fr::date(p.birth_date),
        p.age_years
    );
    if let Some(w) = p.weight_kg {
        line.push_str(&format!(" — {} kg", super::prescription::format_kg(w)));
    }
    doc.paragraph(&line, BODY.bold());
    doc.space(1.0);
}

fn who_acted(doc: &mut Doc, act: &ActRecord) {
    let d = &act.delegue;
    let profession = match d.profession.as_deref() {
        Some("infirmier") => "infirmier(ère)",
        Some("pharmacien") => "pharmacien(ne)",
        _ => "professionnel(le)",
    };
    let when = fr::datetime(act.occurred_at);
    doc.paragraph(
        &format!(
            "Vu le {when} par {}, {profession} délégué(e) (RPPS {}), {}.",
            d.name,
            d.rpps,
            structure_line(act)
        ),
        BODY,
    );
    let p = &act.protocol;
    doc.paragraph(
        &format!(
            "Dans le cadre du protocole de coopération « {} » (version {}, {}) ; {} : {} (RPPS {}).",
            p.name,
            p.version,
            p.cpts,
            act.delegant.delegant_title().to_lowercase(),
            act.delegant.name,
            act.delegant.rpps
        ),
        BODY,
    );
    doc.space(2.0);
}

/// What the patient reported: every statement answered « oui », and the
/// numbers asked (pain, temperature), the patient's own figures aside.
fn reported(doc: &mut Doc, protocol: &Protocol, facts: &Facts) {
    let own = [protocol.patient.age, protocol.patient.weight];
    let mut lines = Vec::new();
    for id in protocol.fact_ids().filter(|f| !own.contains(f)) {
        let def = protocol.fact(id);
        match (facts.get(id), &def.ty) {
            (Slot::Set(Value::Bool(true)), FactType::Bool) => {
                lines.push(fr::capitalised(def.as_reason()));
            }
            (Slot::Set(Value::Num(n)), _) => {
                let unit = def
                    .unit
                    .as_deref()
                    .map(|u| format!(" {u}"))
                    .unwrap_or_default();
                lines.push(format!(
                    "{} : {}{unit}",
                    fr::capitalised(def.as_reason()),
                    fr::decimal(n)
                ));
            }
            _ => {}
        }
    }
    doc.paragraph("Ce que le patient a rapporté", HEADING);
    if lines.is_empty() {
        doc.bullet("aucun des signes recherchés par le protocole", BODY);
    }
    for l in lines {
        doc.bullet(&l, BODY);
    }
    doc.space(2.0);
}

fn taken_in_charge(doc: &mut Doc, act: &ActRecord, protocol: &Protocol, facts: &Facts) {
    let pictures = describe::pictures(protocol, facts);
    if !pictures.is_empty() {
        doc.paragraph("Tableau probable", HEADING);
        doc.paragraph(&fr::capitalised(&pictures.join(" ; ")), BODY);
        doc.space(2.0);
    }
    doc.paragraph("Traitement prescrit", HEADING);
    for line in &act.prescription {
        doc.bullet(&prescribed(line), BODY);
    }
    doc.space(2.0);
    if let Some(u) = act
        .outcome
        .urgency
        .as_deref()
        .and_then(|id| protocol.urgency_named(id))
    {
        doc.paragraph("Rendez-vous dentaire", HEADING);
        // A stored date at the edge of the calendar gives no deadline,
        // never a panic.
        let by = act
            .occurred_at
            .checked_add_signed(Duration::days(i64::from(u.within_days)));
        let text = match by {
            Some(by) if u.within_days <= 1 => {
                format!("{} Au plus tard le {}.", u.text, fr::datetime(by))
            }
            Some(by) => format!("{} Au plus tard le {}.", u.text, fr::day_of(by)),
            None => u.text.clone(),
        };
        doc.paragraph(&text, BODY.bold());
    }
}

/// « Paracétamol — comprimé 500 mg : 2 comprimés de 500 mg par prise, … ».
fn prescribed(line: &PrescribedLine) -> String {
    let text = format!("{} : {}", fr::capitalised(&line.title()), line.regimen_fr());
    // The substance per intake, when the units given are not it.
    match &line.given {
        Some(g) if line.unit == crate::protocol::Unit::Mg => format!(
            "{text} (soit {} par prise)",
            describe::amount(g.amount_per_intake, line.unit)
        ),
        _ => text,
    }
}

fn oriented(doc: &mut Doc, act: &ActRecord, protocol: &Protocol, facts: &Facts) {
    let orientation = act
        .outcome
        .orientation
        .as_deref()
        .and_then(|id| protocol.orientation_named(id));
    doc.paragraph("Pourquoi le patient n'a pas été pris en charge", HEADING);
    if act.outcome.reasons.is_empty() {
        doc.bullet("aucun motif enregistré", BODY);
    }
    for r in &act.outcome.reasons {
        doc.bullet(
            &fr::capitalised(&describe::reason(protocol, facts, r)),
            BODY,
        );
    }
    doc.space(2.0);
    doc.paragraph("Orientation", HEADING);
    match orientation {
        Some(o) => {
            let style = if o.emergency {
                BODY.bold().ink(Ink::Red)
            } else {
                BODY.bold()
            };
            doc.paragraph(&o.title, style);
            doc.paragraph(&o.text, BODY);
        }
        None => doc.paragraph("Hors protocole : consultation.", BODY.bold()),
    }
    doc.space(2.0);
    doc.paragraph("Ce qui n'a pas été donné", HEADING);
    doc.paragraph(
        "Aucun médicament n'a été prescrit ni délivré dans le cadre du protocole : les motifs ci-dessus le placent hors du protocole ; la suite relève d'un chirurgien-dentiste, d'un médecin ou des urgences.",
        BODY,
    );
}
