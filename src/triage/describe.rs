//! French wording of a proposed line, shared by the CLI, the kiosk and the PDFs.

use crate::fr;
use crate::protocol::{Protocol, Unit};

use super::{Dose, ProposedLine};

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
