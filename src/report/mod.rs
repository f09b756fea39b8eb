//! The monthly report of a device, for the CPTS: indicators, remuneration,
//! and the ledger closure that lets the CPTS check nothing was dropped.
//!
//! - [`source`]: which acts and follow-ups belong to a month's report (the
//!   closure rule, late entries);
//! - [`month`]: the figures, pure;
//! - [`json`]: the versioned JSON form and its canonical SHA-256;
//! - [`csv`]: the treasurer's payment list (French Excel);
//! - [`pdf`]: the board's document, with charts.

pub mod csv;
pub mod json;
pub mod month;
pub mod pdf;
pub mod source;

pub use month::{Indicators, MonthReport, Remuneration, SCHEMA_VERSION};

use chrono::{DateTime, Utc};

use crate::calendar::Month;
use crate::error::{Error, Refusal, Result};
use crate::ledger::Ledger;
use crate::protocol::Protocol;

/// Output formats of `report` and `cpts report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Csv,
    Json,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pdf" => Ok(Format::Pdf),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(Error::input(
                "--format",
                format!("« {other} » : pdf, csv ou json attendu"),
            )),
        }
    }
}

/// The report of `month`, closing the month first when it is not closed
/// yet. A closed month's report is the same every time it is produced: it
/// only reads entries up to its closure.
pub fn generate(
    ledger: &mut Ledger,
    protocol: &Protocol,
    month: Month,
    now: DateTime<Utc>,
) -> Result<MonthReport> {
    let mut closures = ledger.closures()?;
    let index = match closures
        .iter()
        .position(|(_, c)| c.month == month.to_string())
    {
        Some(i) => i,
        None => {
            if let Some((_, later)) = closures.last().filter(|(_, c)| c.month > month.to_string()) {
                return Err(Refusal::MonthAlreadyClosed(format!(
                    "{month} ne peut plus avoir de rapport : le mois {} est déjà clôturé ; ses actes figurent dans les rapports suivants comme saisies tardives",
                    later.month
                ))
                .into());
            }
            if let Some(earlier) = source::unreported_month_before(ledger, &closures, month)? {
                return Err(Error::input(
                    "--month",
                    format!(
                        "le mois {earlier} compte des actes et n'a pas encore de rapport : produisez d'abord celui de {earlier} (protocoop report --month {earlier} …)"
                    ),
                ));
            }
            ledger.close_month(month, now)?;
            closures = ledger.closures()?;
            closures.len() - 1
        }
    };
    let territory = month::TerritoryRef {
        protocol_id: protocol.identity.id.clone(),
        protocol_version: protocol.identity.version.clone(),
        sample: protocol.territory.sample,
    };
    let input = source::read_month(
        ledger,
        &closures,
        index,
        territory,
        protocol.territory.postal_codes.clone(),
    )?;
    let mut report = month::compute(&input, &software());
    json::seal(&mut report);
    Ok(report)
}

/// The program that wrote a report.
pub fn software() -> String {
    format!("protocoop {}", env!("CARGO_PKG_VERSION"))
}

/// The report in the requested format.
pub fn render(report: &MonthReport, format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Json => Ok(json::to_bytes(report)),
        Format::Csv => csv::payments(&report.month, &report.remuneration, None),
        Format::Pdf => pdf::device(report),
    }
}
