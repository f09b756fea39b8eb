//! The treasurer's payment list in the form French Excel and LibreOffice
//! open as is: `;` separator, UTF-8
//! with BOM, CRLF line ends, amounts `10,00` (no currency sign, so the
//! spreadsheet reads them as numbers).

use super::model::{PayLine, Remuneration};
use crate::error::{Error, Result};

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub const HEADER: [&str; 8] = [
    "Mois",
    "Rôle",
    "RPPS",
    "Nom",
    "Actes payés",
    "Actes déduits",
    "Montant (€)",
    "Appareils",
];

/// A CSV writer in that form, the BOM already written.
pub fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .from_writer(BOM.to_vec())
}

/// Cents as `1250,50` or `-25,00`: comma decimal, no thousands separator.
pub fn amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{},{:02}", c / 100, c % 100)
}

/// One line per délégué and per délégant, then the total. Amounts are net
/// of deductions (acts voided after an earlier report paid them), so a
/// line may be negative: money the CPTS recovers. `devices`, for
/// the CPTS's consolidated list, says on how many devices each RPPS was
/// paid; a device's own list leaves the column empty.
pub fn payments(
    month: &str,
    pay: &Remuneration,
    devices: Option<&dyn Fn(&str) -> usize>,
) -> Result<Vec<u8>> {
    let mut w = writer();
    let err = |e: ::csv::Error| Error::Storage(format!("écriture du CSV : {e}"));
    w.write_record(HEADER).map_err(err)?;
    let mut line = |role: &str, l: &PayLine| {
        let n = devices.map_or(String::new(), |f| f(&l.rpps).to_string());
        w.write_record([
            month,
            role,
            &l.rpps,
            &l.name,
            &l.acts.to_string(),
            &l.deducted_acts.to_string(),
            &amount(l.cents),
            &n,
        ])
    };
    for l in &pay.delegues {
        line("délégué", l).map_err(err)?;
    }
    for l in &pay.delegants {
        line("délégant", l).map_err(err)?;
    }
    let acts: u64 = pay.delegues.iter().map(|l| l.acts).sum();
    let deducted: u64 = pay.delegues.iter().map(|l| l.deducted_acts).sum();
    w.write_record([
        month,
        "total",
        "",
        "",
        &acts.to_string(),
        &deducted.to_string(),
        &amount(pay.total_cents),
        "",
    ])
    .map_err(err)?;
    w.into_inner()
        .map_err(|e| Error::Storage(format!("écriture du CSV : {e}")))
}

#[cfg(test)]
mod tests {
    use super::amount;

    #[test]
    fn amounts_in_french_excel_form() {
        assert_eq!(amount(0), "0,00");
        assert_eq!(amount(1000), "10,00");
        assert_eq!(amount(123_456), "1234,56");
        assert_eq!(amount(-2500), "-25,00");
        assert_eq!(amount(-5), "-0,05");
    }
}
