//! The consolidated month as a file: PDF for the board, CSV for the
//! treasurer, JSON for scripts — one rendering for the window and
//! `cpts report`.

use super::consolidate::Consolidated;
use super::store::CptsDb;
use crate::error::Result;
use crate::protocol::Protocol;
use crate::report::{self, Format};

pub fn render(c: &Consolidated, format: Format, protocol: &Protocol) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Json => {
            let mut b = serde_json::to_vec_pretty(c).unwrap_or_default();
            b.push(b'\n');
            b
        }
        Format::Csv => {
            let devices = |rpps: &str| {
                c.payments
                    .iter()
                    .filter(|p| p.rpps == rpps)
                    .map(|p| p.devices as usize)
                    .max()
                    .unwrap_or(0)
            };
            report::csv::payments(&c.month, &c.remuneration, Some(&devices))?
        }
        Format::Pdf => super::pdf::consolidated(c, protocol)?,
    })
}

/// The protocol that words the month's orientations and reasons: the last
/// one the CPTS validated, else the bundled one.
pub fn protocol(db: &CptsDb) -> Result<Protocol> {
    match db.state()?.protocols.last() {
        Some(p) => Protocol::parse(&p.text, &format!("protocole validé {} {}", p.id, p.version)),
        None => Ok(Protocol::bundled()),
    }
}

/// `protocoop-cpts-2026-11.pdf`.
pub fn file_name(c: &Consolidated, format: Format) -> String {
    let ext = match format {
        Format::Json => "json",
        Format::Csv => "csv",
        Format::Pdf => "pdf",
    };
    format!("protocoop-cpts-{}.{ext}", c.month)
}
