//! What `reduce` needs from the outside world: the ledger, the clock and the
//! printer. Clock and printer are traits so that tests control time (idle
//! lock) and never send anything to a real printer.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};

use crate::documents::Roster;
use crate::documents::preview::Preview;
use crate::documents::print::{self, Job};
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
    /// The printer accepted them: only then is the issue logged.
    pub sent: bool,
    /// Nothing went wrong (shown as information, not as an error).
    pub ok: bool,
    pub message: String,
}

impl PrintOutcome {
    /// No printer: nothing printed; `shown` when a viewer displays them.
    pub fn no_printer(shown: bool) -> PrintOutcome {
        PrintOutcome {
            sent: false,
            ok: false,
            message: if shown {
                "Aucune imprimante : rien n'a été imprimé. Les documents sont affichés à l'écran ; pour les remettre au patient, « Enregistrer le PDF » sur une clé USB.".into()
            } else {
                "Aucune imprimante : rien n'a été imprimé. Pour remettre les documents au patient, « Enregistrer le PDF » sur une clé USB.".into()
            },
        }
    }
}

/// Where documents go: given in memory, so that a shell never needs to
/// leave a patient's name on disk to print it.
pub trait Printer {
    fn print(&self, jobs: &[Job<'_>]) -> PrintOutcome;
    /// The printers one may choose (Réglages; Terminé after a failure).
    fn printers(&self) -> Vec<String> {
        Vec::new()
    }
    /// The session ended: drop anything still shown (a preview's files).
    fn forget(&self) {}
}

/// `lp` when there is a printer; otherwise the desktop viewer, through a
/// preview that is removed afterwards ([`Preview`]).
#[derive(Default)]
pub struct SystemPrinter {
    preview: Preview,
}

impl Printer for SystemPrinter {
    fn print(&self, jobs: &[Job<'_>]) -> PrintOutcome {
        match print::print_jobs(jobs) {
            print::Printed::Sent(ids) => PrintOutcome {
                sent: true,
                ok: true,
                message: match ids.as_slice() {
                    [] => "Envoyé à l'imprimante.".to_string(),
                    [one] => format!("Envoyé à l'imprimante (travail n° {one})."),
                    many => format!("Envoyé à l'imprimante (travaux n° {}).", many.join(", ")),
                },
            },
            print::Printed::NoPrinter(_) => {
                let docs: Vec<(&str, &[u8])> = jobs.iter().map(|j| (j.file_name, j.pdf)).collect();
                let shown = self
                    .preview
                    .write(&docs)
                    .is_ok_and(|files| files.iter().all(|f| print::open_in_viewer(f)));
                PrintOutcome::no_printer(shown)
            }
            print::Printed::Failed(msg) => PrintOutcome {
                sent: false,
                ok: false,
                message: format!(
                    "L'impression a échoué ({msg}) : rien n'a été imprimé. L'acte est enregistré : vérifiez l'imprimante, puis réessayez."
                ),
            },
        }
    }

    fn forget(&self) {
        self.preview.forget();
    }

    fn printers(&self) -> Vec<String> {
        print::printers()
    }
}

/// Accepts every job and keeps its bytes, sends nothing anywhere: tests,
/// benchmarks and screenshots. Clones share the same jobs, so a test keeps
/// one handle while the kiosk owns another.
#[derive(Clone, Default)]
pub struct MemoryPrinter(Arc<Mutex<Vec<PrintedCopy>>>);

/// One job a [`MemoryPrinter`] took.
#[derive(Debug, Clone)]
pub struct PrintedCopy {
    pub title: String,
    /// The printer it was sent to; none: the default one.
    pub printer: Option<String>,
    pub pdf: Vec<u8>,
}

impl MemoryPrinter {
    /// Every job taken so far, in order.
    pub fn jobs(&self) -> Vec<PrintedCopy> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Printer for MemoryPrinter {
    fn print(&self, jobs: &[Job<'_>]) -> PrintOutcome {
        let mut taken = self.0.lock().unwrap_or_else(|e| e.into_inner());
        taken.extend(jobs.iter().map(|j| PrintedCopy {
            title: j.title.to_string(),
            printer: j.printer.map(str::to_string),
            pdf: j.pdf.to_vec(),
        }));
        PrintOutcome {
            sent: true,
            ok: true,
            message: "Envoyé à l'imprimante.".into(),
        }
    }

    /// Two printers, as a pharmacy with a counter and a back office has.
    fn printers(&self) -> Vec<String> {
        vec!["Comptoir".into(), "Bureau".into()]
    }
}

/// The handles `reduce` works with.
pub struct Services {
    pub ledger: Ledger,
    pub roster: Option<Roster>,
    pub clock: Box<dyn Clock>,
    pub printer: Box<dyn Printer>,
}

impl Services {
    pub fn new(
        ledger: Ledger,
        roster: Option<Roster>,
        clock: Box<dyn Clock>,
        printer: Box<dyn Printer>,
    ) -> Services {
        Services {
            ledger,
            roster,
            clock,
            printer,
        }
    }
}
