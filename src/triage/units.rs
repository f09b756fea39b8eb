//! Doses in what is given: a line's dose (already rounded down and capped,
//! [`super::doses`]) expressed in each presentation's units, rounded down
//! again to what can be given (whole tablets, halves, a 0,5 mL step), with
//! the daily maximum and the quantity to dispense for the course.
//!
//! Unit counts are [`Fixed`] (thousandths of a unit): ½ tablet is 500.
//! Nothing here rounds up except the number of packs, and only after the
//! units to dispense are known.

use serde::{Deserialize, Serialize};

use super::Dose;
use crate::error::{Error, Result};
use crate::protocol::{Fixed, Medicine, Presentation};

/// One presentation's regimen for a proposed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Given {
    /// Its place in the line's `presentations`.
    pub index: usize,
    /// Units per intake, and the lowest when the line allows a range.
    pub per_intake: Fixed,
    pub per_intake_min: Option<Fixed>,
    /// Line units (mg…) those units hold: never more than the dose.
    pub amount_per_intake: u32,
    pub max_units_per_day: Fixed,
    /// Units for the whole course at the daily maximum, and the packs
    /// that hold them (rounded up to whole packs).
    pub quantity: Fixed,
    pub packs: u32,
}

/// Units of `p` holding at most `amount` line units, rounded down to `p`'s step.
fn units_for(p: &Presentation, amount: u32) -> Fixed {
    let milli = i64::from(amount) * Fixed::SCALE / i64::from(p.strength.max(1));
    let step = p.step.0.max(1);
    Fixed(milli - milli % step)
}

/// Line units in `units` of `p`, rounded down (a half of a 1 g tablet is 500 mg).
fn amount_in(p: &Presentation, units: Fixed) -> u32 {
    let a = i128::from(units.0) * i128::from(p.strength) / i128::from(Fixed::SCALE);
    a.clamp(0, i128::from(u32::MAX)) as u32
}

/// Every presentation of `m` that can give something of `dose`, in the
/// file's order; one whose rounded dose is 0 is not offered.
pub fn given(m: &Medicine, dose: &Dose) -> Vec<Given> {
    // Intakes a day the regimen allows: the daily maximum holds as many
    // full doses, never more (1 000 mg, at most 3 000 mg a day: 3).
    let intakes = i64::from(dose.max_per_day / dose.per_dose.max(1));
    m.presentations
        .iter()
        .enumerate()
        .filter_map(|(index, p)| {
            let per_intake = units_for(p, dose.per_dose);
            if per_intake.0 == 0 {
                return None;
            }
            let per_intake_min = dose
                .per_dose_min
                .map(|min| units_for(p, min))
                .filter(|u| u.0 > 0 && *u < per_intake);
            let by_cap = units_for(p, dose.max_per_day);
            let max_units_per_day = Fixed(by_cap.0.min(per_intake.0.saturating_mul(intakes)));
            let quantity = Fixed(max_units_per_day.0.saturating_mul(i64::from(dose.days)));
            let pack = i64::from(p.pack.max(1)) * Fixed::SCALE;
            let packs = quantity.0.saturating_add(pack - 1) / pack;
            Some(Given {
                index,
                per_intake,
                per_intake_min,
                amount_per_intake: amount_in(p, per_intake),
                max_units_per_day,
                quantity,
                packs: packs.clamp(0, i64::from(u32::MAX)) as u32,
            })
        })
        .collect()
}

/// The presentation given when `wanted` (a place in the line's
/// presentations) is offered at this dose, else the default: what the
/// kiosk shows and records.
pub fn given_or_default(m: &Medicine, dose: &Dose, wanted: Option<usize>) -> Option<Given> {
    let all = given(m, dose);
    let index = wanted
        .filter(|i| all.iter().any(|g| g.index == *i))
        .or_else(|| default_choice(&all))?;
    all.into_iter().find(|g| g.index == index)
}

/// The presentation proposed first: the one giving the most of the dose
/// (all give at most the dose), the file's order breaking ties.
pub fn default_choice(given: &[Given]) -> Option<usize> {
    let best = given.iter().map(|g| g.amount_per_intake).max()?;
    given
        .iter()
        .find(|g| g.amount_per_intake == best)
        .map(|g| g.index)
}

/// The presentation given for a line: the one `asked` names (« comprimé
/// 1 g », case and spaces aside), else the default; `None` for a line
/// without presentations. Refused, naming the choices, when `asked` names
/// none of the line's, or one that cannot give this dose.
pub fn choose<'m>(
    m: &'m Medicine,
    dose: &Dose,
    asked: Option<&str>,
) -> Result<Option<(&'m Presentation, Given)>> {
    let all = given(m, dose);
    let index = match asked {
        None => default_choice(&all),
        Some(name) => {
            let wanted = Presentation::key(name);
            let Some(index) = m
                .presentations
                .iter()
                .position(|p| Presentation::key(&p.name()) == wanted)
            else {
                let choices: Vec<String> = all
                    .iter()
                    .filter_map(|g| m.presentations.get(g.index))
                    .map(|p| format!("« {} »", p.name()))
                    .collect();
                return Err(Error::input(
                    format!("presentations.{}", m.id),
                    format!(
                        "« {} » : présentation inconnue pour {} ; au choix : {}",
                        crate::text::quote(name),
                        m.dci,
                        choices.join(", ")
                    ),
                ));
            };
            if !all.iter().any(|g| g.index == index) {
                return Err(Error::input(
                    format!("presentations.{}", m.id),
                    format!(
                        "« {} » ne permet pas de donner cette dose (moins d'une unité par prise)",
                        crate::text::quote(name)
                    ),
                ));
            }
            Some(index)
        }
    };
    Ok(index.and_then(|i| {
        let g = all.into_iter().find(|g| g.index == i)?;
        Some((m.presentations.get(i)?, g))
    }))
}

/// A count of units in French: « 2 », « ½ », « 1 ½ », « 17,5 ».
pub fn count_fr(units: Fixed, p: &Presentation) -> String {
    let whole = units.0 / Fixed::SCALE;
    let frac = units.0 % Fixed::SCALE;
    let countable = p.unit != "mL";
    match (countable, frac) {
        (_, 0) => whole.to_string(),
        (true, 500) if whole == 0 => "½".into(),
        (true, 500) => format!("{whole} ½"),
        _ => units.to_string().replace('.', ","),
    }
}

/// « 2 comprimés de 500 mg », « 17,5 mL de suspension buvable 250 mg/5 mL ».
pub fn units_fr(units: Fixed, p: &Presentation) -> String {
    let name = if units.0 > Fixed::SCALE {
        &p.units
    } else {
        &p.unit
    };
    if p.unit == "mL" {
        format!("{} mL de {} {}", count_fr(units, p), p.form, p.label)
    } else {
        format!("{} {name} de {}", count_fr(units, p), p.label)
    }
}

/// « 6 comprimés », « 45 mL »: a count without the strength, once it was said.
pub fn count_units_fr(units: Fixed, p: &Presentation) -> String {
    let name = if units.0 > Fixed::SCALE {
        &p.units
    } else {
        &p.unit
    };
    format!("{} {name}", count_fr(units, p))
}

/// « 30 comprimés (2 boîtes de 16) », « 225 mL (1 flacon de 300 mL) ».
pub fn quantity_fr(g: &Given, p: &Presentation) -> String {
    let name = if g.quantity.0 > Fixed::SCALE {
        &p.units
    } else {
        &p.unit
    };
    let packs = crate::fr::plural(
        u64::from(g.packs),
        &p.pack_name,
        &format!("{}s", p.pack_name),
    );
    let size = if p.unit == "mL" {
        format!("{} mL", p.pack)
    } else {
        p.pack.to_string()
    };
    format!("{} {name} ({packs} de {size})", count_fr(g.quantity, p))
}

/// « 2 comprimés de 500 mg », « 1 à 2 comprimés de 500 mg / 30 mg »:
/// what one intake is.
pub fn per_intake_fr(g: &Given, p: &Presentation) -> String {
    match g.per_intake_min {
        Some(min) if min < g.per_intake => {
            format!("{} à {}", count_fr(min, p), units_fr(g.per_intake, p))
        }
        _ => units_fr(g.per_intake, p),
    }
}

/// The regimen as the prescription states it: « 2 comprimés de 500 mg par
/// prise, si besoin, au moins 6 heures entre deux prises, au plus
/// 6 comprimés par jour, pendant 5 jours — quantité : 30 comprimés
/// (2 boîtes de 16) ».
pub fn regimen_fr(g: &Given, p: &Presentation, frequency: &str, days: u32) -> String {
    let frequency = if frequency.trim().is_empty() {
        String::new()
    } else {
        format!(", {}", frequency.trim())
    };
    format!(
        "{} par prise{frequency}, au plus {} par jour, pendant {} — quantité : {}",
        per_intake_fr(g, p),
        count_units_fr(g.max_units_per_day, p),
        crate::fr::plural(u64::from(days), "jour", "jours"),
        quantity_fr(g, p)
    )
}

/// The JSON form of one presentation's regimen (`triage --json`, per line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GivenJson {
    pub form: String,
    pub label: String,
    pub unit: String,
    pub per_intake: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_intake_min: Option<f64>,
    /// In the line's unit (mg…).
    pub amount_per_intake: u32,
    pub max_units_per_day: f64,
    pub quantity: f64,
    pub packs: u32,
    pub pack: u32,
    pub pack_name: String,
    /// The one proposed first.
    pub default: bool,
    /// The prescription's words for it.
    pub text: String,
}

/// Each presentation of the line, as JSON, the default one marked.
pub fn json(m: &Medicine, dose: &Dose) -> Vec<GivenJson> {
    let all = given(m, dose);
    let default = default_choice(&all);
    all.iter()
        .filter_map(|g| {
            let p = m.presentations.get(g.index)?;
            Some(GivenJson {
                form: p.form.clone(),
                label: p.label.clone(),
                unit: p.unit.clone(),
                per_intake: g.per_intake.to_f64(),
                per_intake_min: g.per_intake_min.map(Fixed::to_f64),
                amount_per_intake: g.amount_per_intake,
                max_units_per_day: g.max_units_per_day.to_f64(),
                quantity: g.quantity.to_f64(),
                packs: g.packs,
                pack: p.pack,
                pack_name: p.pack_name.clone(),
                default: default == Some(g.index),
                text: regimen_fr(g, p, &m.frequency, dose.days),
            })
        })
        .collect()
}
