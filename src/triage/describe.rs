//! French wording of a proposed line, shared by the CLI, the kiosk and the PDFs.

use crate::fr;
use crate::protocol::{Protocol, Unit, Value};

use super::{Dose, Facts, ProposedLine, Slot};

/// `1 000 mg`, `2 comprimés`, `15 mL`.
pub fn amount(n: u32, unit: Unit) -> String {
    match unit {
        Unit::Tablet => fr::plural(u64::from(n), "comprimé", "comprimés"),
        other => format!("{}{}{}", fr::int(u64::from(n)), fr::NBSP, other.as_str()),
    }
}

/// `1 000 mg par prise, au plus 3 000 mg par jour, pendant 5 jours`.
pub fn dose(d: &Dose, unit: Unit) -> String {
    let per_dose = match d.per_dose_min {
        Some(min) if min < d.per_dose => {
            format!("{} à {}", fr::int(u64::from(min)), amount(d.per_dose, unit))
        }
        _ => amount(d.per_dose, unit),
    };
    format!(
        "{per_dose} par prise, au plus {} par jour, pendant {}",
        amount(d.max_per_day, unit),
        fr::plural(u64::from(d.days), "jour", "jours")
    )
}

/// `paracétamol 500 mg (comprimé ou suspension buvable)`.
pub fn medicine(protocol: &Protocol, line: &ProposedLine) -> String {
    let m = protocol.medicine(line.medicine);
    format!("{} {} ({})", m.dci, m.strength, m.form)
}

/// The likely clinical pictures behind the symptoms answered « oui »
/// (« abcès aigu »), in protocol order.
pub fn pictures<'a>(protocol: &'a Protocol, facts: &Facts) -> Vec<&'a str> {
    protocol
        .fact_ids()
        .filter(|f| facts.get(*f) == Slot::Set(Value::Bool(true)))
        .filter_map(|f| protocol.fact(f).picture.as_deref())
        .collect()
}

/// A reason for not taking a patient in charge, as the protocol words it:
/// the fact's statement, with its value when it is a known number.
pub fn reason(protocol: &Protocol, facts: &Facts, reason: &str) -> String {
    match protocol.fact_id(reason) {
        Some(f) => {
            let def = protocol.fact(f);
            match facts.number(f) {
                Some(v) => {
                    let unit = def
                        .unit
                        .as_deref()
                        .map(|u| format!(" {u}"))
                        .unwrap_or_default();
                    format!("{} : {}{unit}", def.as_reason(), fr::decimal(v))
                }
                None => def.as_reason().to_string(),
            }
        }
        None => reason_label(protocol, reason),
    }
}

/// A reason without the patient's values, for counts (monthly reports):
/// the fact's statement, or the wording of a named reason.
pub fn reason_label(protocol: &Protocol, reason: &str) -> String {
    match protocol.fact_id(reason) {
        Some(f) => protocol.fact(f).as_reason().to_string(),
        None if reason == "no_symptom" => "aucun des symptômes du protocole".into(),
        None => reason.replace('_', " "),
    }
}
