//! « Rapport du mois » on the kiosk: a month's figures (final once the
//! month is closed, provisional before), closing a finished month, and
//! exporting the report to a folder or a USB key. The figures come from
//! [`crate::report`], exactly as `protocoop report` computes them.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::services::Services;
use super::state::{KioskState, Message, ReportForm, Screen};
use crate::calendar::Month;
use crate::error::{Error, Result};
use crate::files::{self, Access};
use crate::fr;
use crate::report::{self, Format, MonthStatus};

/// Where reports go when no USB key is found, inside the data folder.
const DEFAULT_FOLDER: &str = "rapports";

/// Opens the screen on `month`, or by default on the month a pharmacist
/// most likely has to report: the earliest finished month still open with
/// acts, else the last month with acts (never an empty month offered for
/// closure), else the current one.
pub fn open(
    state: &mut KioskState,
    services: &Services,
    month: Option<Month>,
    now: DateTime<Utc>,
) -> Result<()> {
    let month = match month {
        Some(m) => m,
        None => default_month(services, now)?,
    };
    // Drives are looked for again on every move: a key may just have been
    // plugged in. The folder typed or chosen is kept.
    let drives = super::drives::removable(&services.media);
    let export_dir = match &state.screen {
        Screen::Rapport(f) => f.export_dir.clone(),
        _ => drives
            .first()
            .cloned()
            .unwrap_or_else(|| state.data_dir.join(DEFAULT_FOLDER))
            .display()
            .to_string(),
    };
    let status = report::status(&services.ledger, month)?;
    let (report, close_refusal) = match &status {
        MonthStatus::Closed => {
            let r = report::final_report(&services.ledger, &state.protocol, month)?;
            (Some(Box::new(r)), None)
        }
        MonthStatus::Open => {
            let r = report::preview(&services.ledger, &state.protocol, month, now)?;
            let refusal = services
                .ledger
                .can_close(month, now)
                .err()
                .map(|e| super::reduce::message_of(&e));
            (Some(Box::new(r)), refusal)
        }
        MonthStatus::Passed { .. } => (None, None),
    };
    state.screen = Screen::Rapport(ReportForm {
        month,
        status,
        report,
        close_refusal,
        confirm_close: false,
        export_dir,
        drives,
    });
    Ok(())
}

fn default_month(services: &Services, now: DateTime<Utc>) -> Result<Month> {
    let current = Month::of_instant(now);
    let ledger = &services.ledger;
    Ok(match ledger.open_month_with_acts_before(current)? {
        Some(m) => m,
        None => ledger.last_month_with_acts(current)?.unwrap_or(current),
    })
}

/// « Clôturer le mois » asks for a confirmation, only where closing is
/// possible; « Annuler » withdraws it.
pub fn ask_close(state: &mut KioskState, on: bool) {
    if let Screen::Rapport(f) = &mut state.screen {
        f.confirm_close = on && f.close_refusal.is_none();
    }
}

pub fn choose_export_dir(state: &mut KioskState, dir: &Path) {
    if let Screen::Rapport(f) = &mut state.screen {
        f.export_dir = dir.display().to_string();
    }
}

/// Closes the month on screen (after the confirmation) and shows its final
/// report.
pub fn close(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    let Screen::Rapport(f) = &state.screen else {
        return Ok(());
    };
    if !f.confirm_close {
        return Ok(());
    }
    let month = f.month;
    if let Err(e) = report::generate(&mut services.ledger, &state.protocol, month, now) {
        // Show the month as it now stands (another device may have closed
        // it), without the confirmation still pending.
        open(state, services, Some(month), now)?;
        return Err(e);
    }
    open(state, services, Some(month), now)?;
    let closed = format!(
        "{} est clôturé : son rapport est définitif. Exportez-le pour la CPTS.",
        fr::capitalised(&month.name_fr())
    );
    state.message = Some(
        match crate::backup::folder::after_closure_backup(&services.ledger, now) {
            None => Message::Info(closed),
            Some(Ok(_)) => {
                state.last_backup = crate::backup::last(&state.data_dir);
                Message::Info(format!("{closed} Sauvegarde faite dans le dossier prévu."))
            }
            Some(Err(e)) => Message::Error(format!(
                "{closed} Mais la sauvegarde prévue après la clôture n'a pas pu être écrite : {} Faites-en une sur clé USB (Réglages).",
                super::reduce::message_of(&e)
            )),
        },
    );
    Ok(())
}

/// Writes the report of a closed month into the chosen folder.
pub fn export(state: &mut KioskState, format: Format) -> Result<()> {
    let Screen::Rapport(f) = &state.screen else {
        return Ok(());
    };
    let Some(r) = f
        .report
        .as_deref()
        .filter(|_| f.status == MonthStatus::Closed)
    else {
        return Err(Error::input(
            "rapport",
            "seul le rapport d'un mois clôturé peut être exporté pour la CPTS : clôturez d'abord le mois",
        ));
    };
    let dir = PathBuf::from(f.export_dir.trim());
    if f.export_dir.trim().is_empty() {
        return Err(Error::input(
            "dossier",
            "choisissez le dossier ou la clé USB où enregistrer le rapport",
        ));
    }
    if !dir.is_absolute() {
        return Err(Error::input(
            "dossier",
            format!(
                "« {} » n'est pas un chemin complet : il doit commencer par / (par exemple /media/pharmacie/CLE)",
                dir.display()
            ),
        ));
    }
    ensure_folder(&dir, &state.data_dir.join(DEFAULT_FOLDER))?;
    let path = dir.join(report::file_name(r, format));
    let bytes = report::render(r, format, &state.protocol)?;
    // Professionals' names and pay: owner-only where the disk allows it.
    files::write_atomic(&path, &bytes, Access::Private)?;
    state.message = Some(Message::Info(format!(
        "Rapport enregistré dans « {} ».",
        path.display()
    )));
    Ok(())
}

/// The export folder must exist; only our own default folder is created
/// (a typo must not create a stray folder, nor a missing USB key a folder
/// on the disk in its place).
fn ensure_folder(dir: &Path, default: &Path) -> Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if dir == default {
        return files::create_private_dir(dir, "impossible de créer le dossier des rapports");
    }
    Err(Error::input(
        "dossier",
        format!(
            "le dossier « {} » n'existe pas : branchez la clé USB ou choisissez un autre dossier",
            dir.display()
        ),
    ))
}
