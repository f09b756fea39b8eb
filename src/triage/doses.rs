//! Dose arithmetic: computed, rounded down, then capped — never rounded up.
//!
//! All amounts are whole numbers in the line's unit (mg, comprimé, mL);
//! weights are [`Fixed`] kilograms. The per-kilogram ceilings apply to doses
//! computed by weight; absolute ceilings and substance ceilings always apply.

use crate::protocol::{Fixed, Medicine, Protocol, WeightRegimen};

/// The regimen of one proposed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dose {
    /// Lowest amount per dose when the line allows a range (1 to 2 tablets).
    pub per_dose_min: Option<u32>,
    pub per_dose: u32,
    pub max_per_day: u32,
    pub days: u32,
    /// The weight the dose was computed from, when it was.
    pub weight: Option<Fixed>,
}

/// The adult regimen, within the line's ceilings.
pub fn adult(protocol: &Protocol, m: &Medicine) -> Dose {
    let a = m.adult;
    capped(
        protocol,
        m,
        Dose {
            per_dose_min: a.per_dose_min,
            per_dose: a.per_dose,
            max_per_day: a.max_per_day,
            days: a.days,
            weight: None,
        },
    )
}

/// The weight-based regimen for `weight` kg, within every ceiling.
pub fn by_weight(protocol: &Protocol, m: &Medicine, w: &WeightRegimen, weight: Fixed) -> Dose {
    capped(
        protocol,
        m,
        Dose {
            per_dose_min: None,
            per_dose: round_down(w.per_dose_per_kg.mul_floor(weight), w.step),
            max_per_day: round_down(w.max_per_day_per_kg.mul_floor(weight), w.step),
            days: w.days,
            weight: Some(weight),
        },
    )
}

fn round_down(amount: i64, step: u32) -> u32 {
    let amount = amount.clamp(0, i64::from(u32::MAX)) as u32;
    amount - amount % step.max(1)
}

/// Applies every ceiling of the line and of its substances.
fn capped(protocol: &Protocol, m: &Medicine, mut d: Dose) -> Dose {
    let c = m.caps;
    d.per_dose = d.per_dose.min(c.max_per_dose);
    d.max_per_day = d.max_per_day.min(c.max_per_day);
    if let Some(w) = d.weight {
        if let Some(kg) = c.max_per_dose_per_kg {
            d.per_dose = d.per_dose.min(round_down(kg.mul_floor(w), 1));
        }
        if let Some(kg) = c.max_per_day_per_kg {
            d.max_per_day = d.max_per_day.min(round_down(kg.mul_floor(w), 1));
        }
    }
    for &(s, per_unit) in &m.contains {
        let s = protocol.substance(s);
        let mut limit = s.max_per_day;
        if let (Some(w), Some(kg)) = (d.weight, s.max_per_day_per_kg) {
            limit = limit.min(round_down(kg.mul_floor(w), 1));
        }
        d.max_per_day = d.max_per_day.min(limit / per_unit.max(1));
    }
    d.per_dose = d.per_dose.min(d.max_per_day);
    d.per_dose_min = d.per_dose_min.map(|min| min.min(d.per_dose));
    d.days = d.days.min(c.max_days);
    d
}
