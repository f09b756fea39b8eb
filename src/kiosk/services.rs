//! What `reduce` needs from the outside world: the ledger, the clock and the
//! printer. Clock and printer are traits so that tests control time (idle
//! lock) and never send anything to a real printer.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

use crate::documents::{Roster, print};
use crate::ledger::Ledger;

/// The current time, injected so that screens and tests never read the
/// system clock themselves.
pub trait Clock {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock (the real kiosk).
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; clones share the same time, so a
/// test keeps one handle while the app owns another.
#[derive(Clone)]
pub struct FixedClock(Arc<Mutex<DateTime<Utc>>>);

impl FixedClock {
    pub fn new(t: DateTime<Utc>) -> FixedClock {
        FixedClock(Arc::new(Mutex::new(t)))
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What happened to documents sent to print, as one French sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintOutcome {
    pub ok: bool,
    pub message: String,
}

/// Where documents go after they are written.
pub trait Printer {
    fn print(&self, files: &[&Path]) -> PrintOutcome;
}

/// `lp` when there is a printer; otherwise the desktop viewer, and the
/// folder where the files were saved.
pub struct SystemPrinter;

impl Printer for SystemPrinter {
    fn print(&self, files: &[&Path]) -> PrintOutcome {
        match print::print(files) {
            print::Printed::Sent(msg) => PrintOutcome {
                ok: true,
                message: format!("Envoyé à l'imprimante ({msg})."),
            },
            print::Printed::NoPrinter(saved) => {
                let opened = saved.iter().all(|f| print::open_in_viewer(f));
                PrintOutcome {
                    ok: opened,
                    message: saved_message(&saved, opened),
                }
            }
            print::Printed::Failed(msg) => PrintOutcome {
                ok: false,
                message: format!(
                    "L'impression a échoué ({msg}). L'acte est enregistré : réimprimez depuis l'Historique."
                ),
            },
        }
    }
}

/// Never prints, never opens anything: says where the files are. Used by
/// tests and screenshots.
pub struct SavedOnly;

impl Printer for SavedOnly {
    fn print(&self, files: &[&Path]) -> PrintOutcome {
        let saved: Vec<PathBuf> = files.iter().map(|f| f.to_path_buf()).collect();
        PrintOutcome {
            ok: true,
            message: saved_message(&saved, false),
        }
    }
}

fn saved_message(files: &[PathBuf], opened: bool) -> String {
    let list = files
        .iter()
        .map(|f| format!("« {} »", f.display()))
        .collect::<Vec<_>>()
        .join(", ");
    if opened {
        format!("Aucune imprimante : documents ouverts à l'écran et enregistrés dans {list}.")
    } else {
        format!("Aucune imprimante : documents enregistrés dans {list}.")
    }
}

/// The handles `reduce` works with.
pub struct Services {
    pub ledger: Ledger,
    pub roster: Option<Roster>,
    pub clock: Box<dyn Clock>,
    pub printer: Box<dyn Printer>,
    /// Where PDFs are written (`documents/` in the data folder).
    pub documents_dir: PathBuf,
}

impl Services {
    pub fn new(
        ledger: Ledger,
        roster: Option<Roster>,
        clock: Box<dyn Clock>,
        printer: Box<dyn Printer>,
    ) -> Services {
        let documents_dir = ledger.dir().join("documents");
        Services {
            ledger,
            roster,
            clock,
            printer,
            documents_dir,
        }
    }
}
