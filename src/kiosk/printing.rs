//! An act's documents at the counter: printed from memory, shown in a
//! viewer through files that do not outlive the kiosk, or saved where the
//! délégué chose (« Enregistrer le PDF », a USB key). The ledger logs a
//! document only once it left the device — printed or saved —, never for
//! a print that did not happen.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::reduce::{info, message_of};
use super::services::{PrintOutcome, Services};
use super::state::{KioskState, Message, Screen};
use crate::documents::{self, Paper, Rendered, print::Job};
use crate::error::{Error, Result};

/// Renders the act's prescription and advice sheet, hands them to the
/// printer, and logs them when they were sent.
pub fn print_act(
    state: &KioskState,
    services: &mut Services,
    act_id: &str,
    now: DateTime<Utc>,
) -> Result<PrintOutcome> {
    let rendered = render(state, services, act_id)?;
    let jobs = jobs(&rendered, state.settings.printer.as_deref());
    let mut outcome = services.printer.print(&jobs);
    if outcome.sent
        && let Err(e) = documents::record(&mut services.ledger, &rendered, now)
    {
        outcome.ok = false;
        outcome.message = format!(
            "{} Mais l'impression n'a pas pu être inscrite au registre : {}",
            outcome.message,
            message_of(&e)
        );
    }
    Ok(outcome)
}

/// « Réessayer l'impression » on Terminé.
pub fn retry(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    let Screen::Termine(done) = &state.screen else {
        return Ok(());
    };
    let id = done.act_id.clone();
    let outcome = print_act(state, services, &id, now)?;
    if let Screen::Termine(done) = &mut state.screen {
        done.print = Some(outcome.message);
        done.print_failed = !outcome.ok;
    }
    Ok(())
}

/// « Imprimer plus tard » on Terminé after a print that did not happen:
/// the act is recorded; its documents wait in Historique, « À imprimer ».
pub fn later(state: &mut KioskState) {
    let Screen::Termine(done) = &state.screen else {
        return;
    };
    if !(done.taken_in_charge && done.print_failed) {
        return;
    }
    let number = done.number.clone();
    state.act = None;
    state.screen = Screen::Accueil;
    info(
        state,
        format!(
            "Acte {number} enregistré. L'ordonnance et la fiche conseil n'ont pas été imprimées : retrouvez-les dans Historique, « À imprimer », quand l'imprimante sera prête."
        ),
    );
}

/// Whether this screen lets one choose the printer.
pub fn offers_printers(state: &KioskState) -> bool {
    match &state.screen {
        Screen::Reglages(_) => true,
        Screen::Termine(d) => d.print_failed,
        _ => false,
    }
}

/// A printer chosen (Réglages, or Terminé after a failure); `None`: the
/// station's default one. Kept in the kiosk's settings.
pub fn choose_printer(state: &mut KioskState, printer: Option<String>) -> Result<()> {
    if let Some(p) = &printer
        && !documents::print::printer_name_ok(p)
    {
        return Err(Error::input("imprimante", "nom d'imprimante inconnu"));
    }
    state.settings.printer = printer;
    state.settings.save(&state.data_dir)
}

/// « Réimprimer » in Historique.
pub fn reprint(
    state: &mut KioskState,
    services: &mut Services,
    act_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let outcome = print_act(state, services, act_id, now)?;
    state.message = Some(match (outcome.ok, outcome.sent) {
        (true, true) => Message::Info(format!("Réimpression conforme. {}", outcome.message)),
        (true, false) => Message::Info(outcome.message),
        (false, _) => Message::Error(outcome.message),
    });
    Ok(())
}

/// « Enregistrer le PDF »: with no drive given, looks for USB keys — one
/// is used at once, several are offered —; then writes both documents,
/// in clear, to the chosen drive, and logs them.
pub fn save(
    state: &mut KioskState,
    services: &mut Services,
    act_id: &str,
    drive: Option<PathBuf>,
    now: DateTime<Utc>,
) -> Result<Vec<PathBuf>> {
    let drive = match drive {
        Some(d) => d,
        None => {
            let mut drives = super::rapport::removable_drives();
            match drives.len() {
                0 => {
                    return Err(Error::input(
                        "clé USB",
                        "aucune clé USB : branchez-en une, puis touchez de nouveau « Enregistrer le PDF »",
                    ));
                }
                1 => drives.remove(0),
                _ => return Ok(drives),
            }
        }
    };
    plugged_in(&drive)?;
    let issued = documents::issue(
        &mut services.ledger,
        &state.protocol,
        services.roster.as_ref(),
        act_id,
        &drive,
        now,
    )?;
    let names: Vec<String> = std::iter::once(&issued.prescription)
        .chain(issued.advice.as_ref())
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    info(
        state,
        format!(
            "Enregistré sur la clé « {} » : {}. Ces fichiers nomment le patient et ne sont pas chiffrés : remettez-les-lui, puis effacez-les de la clé.",
            drive_name(&drive),
            names.join(", ")
        ),
    );
    Ok(Vec::new())
}

/// The name a person sees for a drive: its label.
/// A USB key chosen a moment ago may have been pulled out since.
pub fn plugged_in(drive: &Path) -> Result<()> {
    if drive.is_dir() {
        return Ok(());
    }
    Err(Error::input(
        "clé USB",
        "la clé USB n'est plus branchée : rebranchez-la, puis recommencez",
    ))
}

pub fn drive_name(drive: &Path) -> String {
    drive.file_name().map_or_else(
        || drive.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn render(state: &KioskState, services: &Services, act_id: &str) -> Result<Rendered> {
    documents::render(
        &services.ledger,
        &state.protocol,
        services.roster.as_ref(),
        act_id,
        Paper::A4,
        true,
    )
}

fn jobs<'a>(rendered: &'a Rendered, printer: Option<&'a str>) -> Vec<Job<'a>> {
    rendered
        .docs
        .iter()
        .map(|d| Job {
            printer,
            title: &d.title,
            file_name: &d.file_name,
            pdf: &d.bytes,
        })
        .collect()
}
