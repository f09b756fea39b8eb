//! The monthly report of a device, for the CPTS: indicators, remuneration,
//! and the ledger closure that lets the CPTS check nothing was dropped.
//!
//! - [`source`]: which acts and follow-ups belong to a month's report (the
//!   closure rule, late entries);
//! - [`month`]: the figures, pure; [`model`]: the report they fill in;
//! - [`rows`]: the pseudonymous rows the figures are computed from, and
//!   [`rows_input`]: to and from what `month::compute` reads, so that the
//!   CPTS recomputes every figure;
//! - [`figures`]: the key figures in French (PDF and kiosk alike);
//! - [`json`]: the versioned JSON form, its canonical SHA-256 and the
//!   device's signature;
//! - [`csv`]: the treasurer's payment list (French Excel);
//! - [`pdf`]: the board's document, with charts.

mod canonical;
pub mod csv;
pub mod figures;
pub mod json;
pub mod model;
pub mod month;
pub mod pdf;
pub mod rows;
pub mod rows_input;
pub mod source;
pub mod year;
pub mod year_out;

pub use model::{Indicators, MonthReport, Remuneration, SCHEMA_VERSION};

use chrono::{DateTime, Utc};

use crate::calendar::Month;
use crate::error::{Error, Refusal, Result};
use crate::ledger::{ClosureRecord, Ledger, ReadsSeal};
use crate::protocol::Protocol;
use canonical::EncodedChain;

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
    let closures = ledger.closures()?;
    if !closures.iter().any(|(_, c)| c.month == month.to_string()) {
        if let Some((_, later)) = closures.last().filter(|(_, c)| c.month > month.to_string()) {
            return Err(Refusal::LaterMonthClosed {
                month: month.to_string(),
                later: later.month.clone(),
            }
            .into());
        }
        close(ledger, protocol, month, now)?;
    }
    final_report(ledger, protocol, month)
}

/// Closes `month` after reading and checking it as its report will be: a
/// month is never closed over rows `verify` would reject.
pub fn close(
    ledger: &mut Ledger,
    protocol: &Protocol,
    month: Month,
    now: DateTime<Utc>,
) -> Result<(crate::ledger::Recorded, ClosureRecord)> {
    ledger.can_close(month, now)?;
    let (_, seal) = preview_read(ledger, protocol, month, now)?;
    ledger.close_month_sealed(month, now, Some(seal))
}

/// The report of a month already closed: it only reads entries up to its
/// closure, so it is the same, byte for byte, every time.
pub fn final_report(ledger: &Ledger, protocol: &Protocol, month: Month) -> Result<MonthReport> {
    Ok(final_report_checked(ledger, protocol, month)?.0)
}

/// [`final_report`], saying how its reads were found sound (for tests and
/// benchmarks: a month closed by [`close`] is read by its sealed digest).
pub fn final_report_checked(
    ledger: &Ledger,
    protocol: &Protocol,
    month: Month,
) -> Result<(MonthReport, source::Checked)> {
    let closures = ledger.closures()?;
    let index = closures
        .iter()
        .position(|(_, c)| c.month == month.to_string())
        .ok_or_else(|| {
            Error::input(
                "mois",
                format!("{month} n'est pas clôturé : son rapport n'est pas encore définitif"),
            )
        })?;
    let (closure_seq, closure) = &closures[index];
    // The window's links (often twice as many as its acts) are read and
    // encoded on a second connection and thread, beside the rows.
    let reader = ledger.links_reader()?;
    let (first, last) = (closure.first_seq, *closure_seq);
    let (read, chain) = std::thread::scope(|s| {
        let chain = s.spawn(move || -> Result<EncodedChain> {
            let links = reader.links(first, last)?;
            Ok(EncodedChain::new(links.into_iter().map(link).collect()))
        });
        // The figures and rows are made while the chain is still encoded.
        let read = source::read_month(
            ledger,
            &closures,
            index,
            territory_of(protocol),
            protocol.territory.postal_codes.clone(),
        )
        .map(|source::MonthRead { input, checked, .. }| {
            let mut report = month::compute(&input, &software());
            report.rows = Some(rows_input::into_rows(input));
            (report, checked)
        });
        (read, chain.join())
    });
    let (mut report, checked) = read?;
    let chain = chain
        .map_err(|_| Error::Storage("lecture de la chaîne du mois interrompue".to_string()))??;
    json::seal_signed_with_chain(&mut report, &ledger.signing_key()?, chain);
    Ok((report, checked))
}

fn link(l: crate::ledger::chain::Link) -> model::ChainLink {
    model::ChainLink {
        seq: l.seq,
        kind: l.kind,
        payload_sha256: l.payload_sha256.as_ref().map(hex32),
        hash: hex32(&l.hash),
    }
}

/// Lowercase hex of a digest: `hex::encode` goes char by char, and a month
/// has hundreds of thousands of them.
fn hex32(bytes: &[u8; 32]) -> String {
    let mut out = [0u8; 64];
    // 64 bytes of room for 32: cannot fail.
    let _ = hex::encode_to_slice(bytes, &mut out);
    out.iter().map(|&b| char::from(b)).collect()
}

/// Where a month stands in the ledger, for the kiosk's report screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MonthStatus {
    /// Closed: its report is final and can be sent to the CPTS.
    Closed,
    /// After the last closure: its figures are provisional.
    Open,
    /// Before the last closure but never closed itself (it had no act
    /// then): its later acts are late entries of `later`'s report onwards.
    Passed { later: String },
}

/// Where `month` stands: closed, open, or passed over.
pub fn status(ledger: &Ledger, month: Month) -> Result<MonthStatus> {
    Ok(status_in(&ledger.closures()?, month))
}

fn status_in(closures: &source::Closures, month: Month) -> MonthStatus {
    let m = month.to_string();
    if closures.iter().any(|(_, c)| c.month == m) {
        return MonthStatus::Closed;
    }
    match closures.iter().find(|(_, c)| c.month > m) {
        Some((_, c)) => MonthStatus::Passed {
            later: c.month.clone(),
        },
        None => MonthStatus::Open,
    }
}

/// The figures of a month after the last closure as its report would give
/// them if it were closed now: provisional, unsealed (`content_sha256` is
/// empty) and nothing is written to the ledger.
pub fn preview(
    ledger: &Ledger,
    protocol: &Protocol,
    month: Month,
    now: DateTime<Utc>,
) -> Result<MonthReport> {
    Ok(preview_read(ledger, protocol, month, now)?.0)
}

/// [`preview`] with the rows its figures come from (what a yearly report
/// reads of a month still open).
fn preview_with_rows(
    ledger: &Ledger,
    protocol: &Protocol,
    month: Month,
    now: DateTime<Utc>,
) -> Result<MonthReport> {
    let (input, _) = preview_input(ledger, protocol, month, now)?;
    let mut report = month::compute(&input, &software());
    report.rows = Some(rows_input::into_rows(input));
    Ok(report)
}

/// [`preview`], with the digest of its reads (checked against the entries)
/// for the closure to seal.
fn preview_read(
    ledger: &Ledger,
    protocol: &Protocol,
    month: Month,
    now: DateTime<Utc>,
) -> Result<(MonthReport, ReadsSeal)> {
    let (input, seal) = preview_input(ledger, protocol, month, now)?;
    Ok((month::compute(&input, &software()), seal))
}

/// What [`preview_read`] computes its figures from.
fn preview_input(
    ledger: &Ledger,
    protocol: &Protocol,
    month: Month,
    now: DateTime<Utc>,
) -> Result<(month::MonthInput, ReadsSeal)> {
    let mut closures = ledger.closures()?;
    if status_in(&closures, month) != MonthStatus::Open {
        return Err(Refusal::MonthAlreadyClosed(month.to_string()).into());
    }
    let (head_seq, head_hash) = ledger.head()?;
    let first_seq = closures.last().map_or(1, |(seq, _)| seq.saturating_add(1));
    let would_be = ClosureRecord {
        v: 1,
        month: month.to_string(),
        first_seq,
        last_seq: head_seq,
        head_hash,
        count: ledger.acts(Some(month))?.len() as u64,
        screenings: 0,
        prises_en_charge: 0,
        remuneration_cents: 0,
        closed_at: now,
        device_public_key: None,
        signature: None,
        reads_sha256: None,
    };
    let settled = closures.last().map(|(_, c)| c.month.clone());
    closures.push((head_seq + 1, would_be));
    let source::MonthRead {
        mut input, seal, ..
    } = source::read_month(
        ledger,
        &closures,
        closures.len() - 1,
        territory_of(protocol),
        protocol.territory.postal_codes.clone(),
    )?;
    // An earlier month still open will have its own report (months close
    // in order): its acts are not this month's late entries.
    let late = |m: Month| {
        settled
            .as_deref()
            .is_some_and(|s| m.to_string().as_str() <= s)
    };
    input.late_acts.retain(|a| late(a.act.month()));
    input.late_followups.retain(|f| late(f.act.month()));
    Ok((input, seal))
}

/// The device's yearly report: closed months as reported (with the
/// December before and the months after, see `year::compute`), the year's
/// months still open as they stand now (never closed by it), passed-over
/// months empty; provisional while the year runs or a month is open.
pub fn year_report(
    ledger: &Ledger,
    protocol: &Protocol,
    year: i32,
    now: DateTime<Utc>,
) -> Result<year::YearReport> {
    let today = now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    let (day, mut reasons) = year::as_of(year, today)?;
    let closures = ledger.closures()?;
    let mut reports = Vec::new();
    // A month after the year counts once closed.
    for month in year::months_holding(year, today) {
        match status_in(&closures, month) {
            MonthStatus::Closed => reports.push(final_report(ledger, protocol, month)?),
            MonthStatus::Open if month.year == year => {
                let open = preview_with_rows(ledger, protocol, month, now)?;
                // An open month's window runs to the head: every open
                // month would show the same questionnaires, counted once
                // (by entry) but naming each month unclosed. Only those of
                // the month itself make it hold something.
                let holds = open.rows.as_ref().is_some_and(|r| {
                    !(r.acts.is_empty() && r.followups.is_empty() && r.late_followups.is_empty())
                        || r.surveys.iter().any(|s| Month::of_date(s.on) == month)
                });
                if holds {
                    reasons.push(format!("{} n'est pas clôturé", month.name_fr()));
                    reports.push(open);
                }
            }
            MonthStatus::Open | MonthStatus::Passed { .. } => {}
        }
    }
    let refs: Vec<&MonthReport> = reports.iter().collect();
    let scope = format!("appareil {}", ledger.device_id());
    Ok(year::compute(year, &refs, &[protocol], day, scope).provisional_for(reasons))
}

fn territory_of(protocol: &Protocol) -> model::TerritoryRef {
    model::TerritoryRef {
        protocol_id: protocol.identity.id.clone(),
        protocol_version: protocol.identity.version.clone(),
        sample: protocol.territory.sample,
    }
}

/// The file a report is exported to: month and device in the name, so
/// that the CPTS can put every device's files in one folder.
pub fn file_name(report: &MonthReport, format: Format) -> String {
    let ext = match format {
        Format::Pdf => "pdf",
        Format::Csv => "csv",
        Format::Json => "json",
    };
    format!(
        "protocoop-rapport-{}-{}.{ext}",
        report.month, report.device_id
    )
}

/// The program that wrote a report.
pub fn software() -> String {
    format!("protocoop {}", env!("CARGO_PKG_VERSION"))
}

/// The report in the requested format; `protocol` words the PDF's
/// orientations and reasons.
pub fn render(report: &MonthReport, format: Format, protocol: &Protocol) -> Result<Vec<u8>> {
    match format {
        Format::Json => Ok(json::to_bytes(report)),
        Format::Csv => csv::payments(&report.month, &report.remuneration, None),
        Format::Pdf => pdf::device(report, protocol),
    }
}
