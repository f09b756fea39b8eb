//! « Importer des rapports »: files found on a USB key, typed, or dropped
//! onto the window; one line each, in words (`cpts import`'s checks).

use std::path::{Path, PathBuf};

use super::state::*;
use super::words;
use crate::cpts::{self, CptsDb};
use crate::error::{Error, Result};

/// A monthly report is a few kilobytes; 16 MiB is far beyond any.
const MAX_REPORT_BYTES: u64 = 16 * 1024 * 1024;

/// Looks at the top of every USB key for report files.
pub(super) fn find(state: &mut OfficeState, services: &Services) -> Result<()> {
    // The CPTS's own files on the same key (bundles, consolidated months)
    // are not devices' reports.
    let found = crate::kiosk::drives::bundles_on(&crate::kiosk::drives::removable(&services.media))
        .into_iter()
        .filter(|b| {
            let name = b.path.file_name().map(|n| n.to_string_lossy().into_owned());
            !name.is_some_and(|n| n.starts_with("lot-") || n.starts_with("protocoop-cpts-"))
        })
        .collect();
    if let Screen::Import(f) = &mut state.screen {
        f.found = found;
    }
    Ok(())
}

pub(super) fn typed(state: &mut OfficeState, services: &Services) -> Result<()> {
    let path = match &state.screen {
        Screen::Import(f) => f.path.trim().to_string(),
        _ => return Ok(()),
    };
    if path.is_empty() {
        return Err(Error::input(
            "fichier",
            "indiquez le fichier du rapport, ou choisissez-le sur une clé USB",
        ));
    }
    files(state, services, &[PathBuf::from(path)])
}

/// Imports each file in turn; a file that cannot be read gets its line,
/// the others are still imported.
pub(super) fn files(state: &mut OfficeState, services: &Services, paths: &[PathBuf]) -> Result<()> {
    if !matches!(state.screen, Screen::Import(_)) {
        state.screen = Screen::Import(ImportForm::default());
        find(state, services)?;
    }
    let mut db = CptsDb::open(&services.dir)?;
    let now = services.clock.now();
    let mut lines = Vec::new();
    for path in paths {
        lines.push(one(&mut db, path, now));
    }
    let n = lines.len();
    if let Screen::Import(f) = &mut state.screen {
        f.lines.extend(lines);
    }
    state.message = None;
    if n > 1 {
        super::reduce::info(state, format!("{n} fichiers examinés."));
    }
    Ok(())
}

fn one(db: &mut CptsDb, path: &Path, now: chrono::DateTime<chrono::Utc>) -> ImportLine {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let line = |outcome, text| ImportLine {
        file: file.clone(),
        outcome,
        text,
    };
    let bytes = match crate::files::read_limited(path, MAX_REPORT_BYTES) {
        Ok(b) => b,
        Err(e) => {
            return line(
                Outcome::Refused,
                format!("illisible : {}", crate::fr::io_error(&e)),
            );
        }
    };
    match cpts::import(db, &bytes, &file, now) {
        Err(e) => line(Outcome::Refused, words::error(&e)),
        Ok(Err(problem)) => {
            let outcome = if problem.exit_code() == 3 {
                Outcome::AlreadyImported
            } else {
                Outcome::Refused
            };
            line(outcome, words::problem(&problem))
        }
        Ok(Ok(imported)) => {
            let mut text = format!("importé : {}", month_name(&imported.month));
            let mut outcome = Outcome::Imported;
            for c in &imported.continuity {
                text.push_str(" ; ");
                text.push_str(&words::continuity(c));
                if c.is_problem() {
                    outcome = Outcome::Warning;
                }
            }
            line(outcome, text)
        }
    }
}

fn month_name(m: &str) -> String {
    m.parse::<crate::calendar::Month>()
        .map_or(m.to_string(), |m| m.name_fr())
}
