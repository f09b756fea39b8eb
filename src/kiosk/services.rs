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
    /// How many of the jobs, from the first, the printer accepted: only
    /// those are logged as issued.
    pub sent: usize,
    /// Nothing went wrong (shown as information, not as an error).
    pub ok: bool,
    pub message: String,
}

impl PrintOutcome {
    /// No printer: nothing printed; `shown` when a viewer displays them.
    pub fn no_printer(shown: bool) -> PrintOutcome {
        PrintOutcome {
            sent: 0,
            ok: false,
            message: if shown {
                "Aucune imprimante : rien n'a été imprimé. Les documents sont affichés à l'écran ; pour les remettre au patient, « Enregistrer le PDF » sur une clé USB.".into()
            } else {
                "Aucune imprimante : rien n'a été imprimé. Pour remettre les documents au patient, « Enregistrer le PDF » sur une clé USB.".into()
            },
        }
    }
}

impl PrintOutcome {
    /// The printer took the first `queued` jobs, then refused the next:
    /// each document named, what printed and what did not.
    pub fn partly(jobs: &[Job<'_>], queued: usize, numbers: &str, error: &str) -> PrintOutcome {
        let titles = |js: &[Job<'_>]| {
            js.iter()
                .map(|j| format!("« {} »", j.title))
                .collect::<Vec<_>>()
                .join(" et ")
        };
        let (done, left) = jobs.split_at(queued.min(jobs.len()));
        PrintOutcome {
            sent: done.len(),
            ok: false,
            message: format!(
                "Imprimé : {}{numbers}. Pas imprimé : {} — l'imprimante a refusé ({error}). Vérifiez-la, puis réessayez : seul ce qui manque sera imprimé.",
                titles(done),
                titles(left),
            ),
        }
    }
}

/// « (travail n° 12) », « (travaux n° 12, 13) », or nothing.
fn job_numbers(ids: &[String]) -> String {
    match ids {
        [] => String::new(),
        [one] => format!(" (travail n° {one})"),
        many => format!(" (travaux n° {})", many.join(", ")),
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
                sent: jobs.len(),
                ok: true,
                message: format!("Envoyé à l'imprimante{}.", job_numbers(&ids)),
            },
            print::Printed::Partly { queued, ids, error } => {
                PrintOutcome::partly(jobs, queued, &job_numbers(&ids), &error)
            }
            print::Printed::NoPrinter(_) => {
                let docs: Vec<(&str, &[u8])> = jobs.iter().map(|j| (j.file_name, j.pdf)).collect();
                let shown = self
                    .preview
                    .write(&docs)
                    .is_ok_and(|files| files.iter().all(|f| print::open_in_viewer(f)));
                PrintOutcome::no_printer(shown)
            }
            print::Printed::Failed(msg) => PrintOutcome {
                sent: 0,
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
pub struct MemoryPrinter {
    taken: Arc<Mutex<Vec<PrintedCopy>>>,
    /// Refuse each job after this many were taken (a printer out of
    /// paper halfway through); none: never.
    refuse_after: Arc<Mutex<Option<usize>>>,
}

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
        self.taken.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// From now on, refuse every job once `n` in all were taken; `None`:
    /// take every job again.
    pub fn refuse_after(&self, n: Option<usize>) {
        *self.refuse_after.lock().unwrap_or_else(|e| e.into_inner()) = n;
    }
}

impl Printer for MemoryPrinter {
    fn print(&self, jobs: &[Job<'_>]) -> PrintOutcome {
        let mut taken = self.taken.lock().unwrap_or_else(|e| e.into_inner());
        let limit = *self.refuse_after.lock().unwrap_or_else(|e| e.into_inner());
        let room = limit.map_or(jobs.len(), |n| n.saturating_sub(taken.len()));
        let queued = room.min(jobs.len());
        taken.extend(jobs.iter().take(queued).map(|j| PrintedCopy {
            title: j.title.to_string(),
            printer: j.printer.map(str::to_string),
            pdf: j.pdf.to_vec(),
        }));
        match queued {
            n if n == jobs.len() => PrintOutcome {
                sent: n,
                ok: true,
                message: "Envoyé à l'imprimante.".into(),
            },
            0 => PrintOutcome {
                sent: 0,
                ok: false,
                message: "L'impression a échoué (plus de papier) : rien n'a été imprimé.".into(),
            },
            n => PrintOutcome::partly(jobs, n, "", "plus de papier"),
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
    /// Where USB keys are mounted ([`super::drives::system_roots`]; a
    /// test's own folder).
    pub media: Vec<std::path::PathBuf>,
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
            media: super::drives::system_roots(),
        }
    }
}
