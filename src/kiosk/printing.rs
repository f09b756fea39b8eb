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

/// Which of an act's documents to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Every document this device can render (a first print, a reprint).
    All,
    /// Only those that never left the device (a retry after a refusal
    /// halfway: the prescription is not printed twice).
    Missing,
}

/// Renders the act's documents, hands them to the printer, and logs each
/// one the printer took.
pub fn print_act(
    state: &KioskState,
    services: &mut Services,
    act_id: &str,
    which: Which,
    now: DateTime<Utc>,
) -> Result<PrintOutcome> {
    let view = services.ledger.act(act_id)?;
    let printable = documents::Printable::of_view(&view, &state.protocol);
    let kinds = match which {
        Which::All => &printable.kinds,
        Which::Missing => &printable.missing,
    };
    let mut outcome = if kinds.is_empty() {
        PrintOutcome {
            sent: 0,
            ok: true,
            message: "Tous les documents de cet acte ont déjà été imprimés.".into(),
        }
    } else {
        let rendered = documents::render_kinds(
            &services.ledger,
            &state.protocol,
            services.roster.as_ref(),
            act_id,
            Paper::A4,
            kinds,
        )?;
        let jobs = jobs(&rendered, state.settings.printer.as_deref());
        let mut outcome = services.printer.print(&jobs);
        if outcome.sent > 0
            && let Err(e) =
                documents::record_first(&mut services.ledger, &rendered, outcome.sent, now)
        {
            outcome.ok = false;
            outcome.message = format!(
                "{} Mais l'impression n'a pas pu être inscrite au registre : {}",
                outcome.message,
                message_of(&e)
            );
        }
        outcome
    };
    if printable.advice_elsewhere {
        outcome.message = format!(
            "{} La fiche conseil de cet acte, fait avec une autre version du protocole ({}), ne peut pas être imprimée sur cet appareil : demandez-la à la coordination de la CPTS.",
            outcome.message, view.act.protocol.version
        );
    }
    Ok(outcome)
}

/// « Réessayer l'impression » on Terminé: what did not print, only.
pub fn retry(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    let Screen::Termine(done) = &state.screen else {
        return Ok(());
    };
    let id = done.act_id.clone();
    let outcome = print_act(state, services, &id, Which::Missing, now)?;
    if let Screen::Termine(done) = &mut state.screen {
        done.print = Some(outcome.message);
        done.print_failed = !outcome.ok;
    }
    Ok(())
}

/// « Imprimer le compte rendu » / « le courrier d'orientation » on Terminé
/// or an act of Historique: printed from memory, logged once the printer
/// took it.
pub fn print_letter(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = match &state.screen {
        Screen::Termine(d) => d.act_id.clone(),
        Screen::Historique(h) => match &h.open {
            Some(v) => v.act.id.clone(),
            None => return Ok(()),
        },
        _ => return Ok(()),
    };
    let rendered = documents::render_kinds(
        &services.ledger,
        &state.protocol,
        None,
        &id,
        Paper::A4,
        &[documents::DocKind::Letter],
    )?;
    let title = rendered
        .docs
        .first()
        .map_or_else(String::new, |d| d.title.clone());
    let jobs = jobs(&rendered, state.settings.printer.as_deref());
    let outcome = services.printer.print(&jobs);
    if outcome.sent > 0 {
        documents::record_first(&mut services.ledger, &rendered, outcome.sent, now)?;
    }
    state.message = Some(if outcome.ok {
        Message::Info(format!("{title} : {}", outcome.message))
    } else {
        Message::Error(format!("{title} : {}", outcome.message))
    });
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

/// « Imprimer » (what was never printed) or « Réimprimer » (everything)
/// in Historique.
pub fn reprint(
    state: &mut KioskState,
    services: &mut Services,
    act_id: &str,
    which: Which,
    now: DateTime<Utc>,
) -> Result<()> {
    let outcome = print_act(state, services, act_id, which, now)?;
    state.message = Some(match (outcome.ok, outcome.sent, which) {
        (true, 1.., Which::All) => {
            Message::Info(format!("Réimpression conforme. {}", outcome.message))
        }
        (true, _, _) => Message::Info(outcome.message),
        (false, _, _) => Message::Error(outcome.message),
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
            let mut drives = super::drives::removable(&services.media);
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
    let elsewhere = if issued.advice.is_none() {
        " La fiche conseil de cet acte, fait avec une autre version du protocole, ne peut pas être produite sur cet appareil : demandez-la à la coordination de la CPTS."
    } else {
        ""
    };
    info(
        state,
        format!(
            "Enregistré sur la clé « {} » : {}. Ces fichiers nomment le patient et ne sont pas chiffrés : remettez-les-lui, puis effacez-les de la clé.{elsewhere}",
            super::drives::name(&drive),
            names.join(", ")
        ),
    );
    Ok(Vec::new())
}

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
