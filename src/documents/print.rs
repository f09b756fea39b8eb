//! Handing documents to the system printer (`lp`, CUPS) when there is one.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What happened to a print request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printed {
    /// Queued by `lp`: the print system's job numbers, when it said them.
    Sent(Vec<String>),
    /// No printer command: the files stay where they are.
    NoPrinter(Vec<PathBuf>),
    /// `lp` exists but refused (no default printer, printer offline…).
    Failed(String),
    /// The first `queued` jobs were queued (with these job numbers), then
    /// the next one was refused: the others were not sent.
    Partly {
        queued: usize,
        ids: Vec<String>,
        error: String,
    },
}

impl Printed {
    /// One line for the CLI and the kiosk.
    pub fn describe(&self) -> String {
        match self {
            Printed::Sent(ids) if ids.is_empty() => "envoyé à l'imprimante".to_string(),
            Printed::Sent(ids) => format!("envoyé à l'imprimante (travail n° {})", ids.join(", ")),
            Printed::NoPrinter(files) => format!(
                "aucune imprimante (commande lp absente) : documents enregistrés dans {}",
                files
                    .iter()
                    .map(|f| format!("« {} »", f.display()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Printed::Failed(msg) => format!(
                "l'impression a échoué ({msg}) : les documents restent enregistrés, réimprimez plus tard"
            ),
            Printed::Partly { queued, ids, error } => format!(
                "{} à l'imprimante{}, puis l'impression a échoué ({error}) : les suivants n'ont pas été imprimés",
                crate::fr::plural(*queued as u64, "document envoyé", "documents envoyés"),
                if ids.is_empty() {
                    String::new()
                } else {
                    format!(" (travail n° {})", ids.join(", "))
                }
            ),
        }
    }
}

/// Sends `files` to the default printer with `lp`.
pub fn print(files: &[&Path]) -> Printed {
    let owned = || files.iter().map(|f| f.to_path_buf()).collect();
    match Command::new("lp").args(files).output() {
        Err(_) => Printed::NoPrinter(owned()),
        Ok(out) if out.status.success() => Printed::Sent(
            job_id(&String::from_utf8_lossy(&out.stdout))
                .into_iter()
                .collect(),
        ),
        Ok(out) => Printed::Failed(String::from_utf8_lossy(&out.stderr).trim().to_string()),
    }
}

/// Opens a file with the desktop's viewer (`xdg-open`); false when none.
pub fn open_in_viewer(file: &Path) -> bool {
    Command::new("xdg-open").arg(file).spawn().is_ok()
}

/// A document to print from memory: its title in the print queue, its bytes.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    pub title: &'a str,
    /// The printer chosen; none: the station's default one.
    pub printer: Option<&'a str>,
    /// Its file name, for a viewer or a saved copy.
    pub file_name: &'a str,
    pub pdf: &'a [u8],
}

/// Sends each job to the default printer through `lp`'s standard input: no
/// file is written, so nothing with a patient's name is left on disk.
/// Stops at the first refusal: the jobs before it are queued, and said so.
pub fn print_jobs(jobs: &[Job<'_>]) -> Printed {
    let mut queued = Vec::new();
    for job in jobs {
        match print_one(job) {
            Ok(id) => queued.push(id),
            Err(NotPrinted::NoCommand) => return Printed::NoPrinter(Vec::new()),
            Err(NotPrinted::Refused(msg)) if queued.is_empty() => return Printed::Failed(msg),
            Err(NotPrinted::Refused(error)) => {
                return Printed::Partly {
                    queued: queued.len(),
                    ids: queued.into_iter().flatten().collect(),
                    error,
                };
            }
        }
    }
    Printed::Sent(queued.into_iter().flatten().collect())
}

enum NotPrinted {
    NoCommand,
    Refused(String),
}

/// The job's number, when the print system said one.
fn print_one(job: &Job<'_>) -> std::result::Result<Option<String>, NotPrinted> {
    use std::io::Write;
    use std::process::Stdio;
    let mut lp = Command::new("lp");
    if let Some(p) = job.printer.filter(|p| printer_name_ok(p)) {
        lp.args(["-d", p]);
    }
    let mut child = lp
        .args(["-t", job.title])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|_| NotPrinted::NoCommand)?;
    // lp reads its whole input before it answers: writing first cannot
    // block on its output.
    let written = child.stdin.take().map(|mut input| input.write_all(job.pdf));
    let out = child
        .wait_with_output()
        .map_err(|e| NotPrinted::Refused(e.to_string()))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(NotPrinted::Refused(if msg.is_empty() {
            format!("lp a répondu {}", out.status)
        } else {
            msg
        }));
    }
    if let Some(Err(e)) = written {
        return Err(NotPrinted::Refused(e.to_string()));
    }
    Ok(job_id(&String::from_utf8_lossy(&out.stdout)))
}

/// The printers the print system knows (`lpstat -e`), by name; none when
/// there is no print system.
pub fn printers() -> Vec<String> {
    Command::new("lpstat")
        .arg("-e")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::trim)
                .filter(|l| printer_name_ok(l))
                .take(64)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A printer name as CUPS makes them (letters, digits, `_`, `-`, `.`,
/// not starting with `-`): nothing else ever reaches `lp`'s arguments.
pub fn printer_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 127
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// The print system's number for the job, from what `lp` said
/// (« request id is HP-12 (1 file(s)) », « l'id de requête est HP-12 … »):
/// the first word ending in « -digits ».
pub fn job_id(said: &str) -> Option<String> {
    said.split_whitespace()
        .find(|w| {
            w.rsplit_once('-').is_some_and(|(queue, n)| {
                !queue.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
            })
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::job_id;

    #[test]
    fn the_job_number_is_read_from_what_lp_says() {
        assert_eq!(
            job_id("request id is HP_LaserJet-12 (1 file(s))").as_deref(),
            Some("HP_LaserJet-12")
        );
        assert_eq!(
            job_id("l'id de requête est Accueil-3 (1 fichier(s))").as_deref(),
            Some("Accueil-3")
        );
        assert_eq!(job_id("").as_deref(), None);
        assert_eq!(job_id("- -12 x- ok").as_deref(), None);
    }

    #[test]
    fn only_a_printer_name_reaches_lp() {
        use super::printer_name_ok;
        assert!(printer_name_ok("HP_LaserJet_Pro-M15.2"));
        for bad in ["", "-o", "-dfoo", "a b", "a;b", "é", &"x".repeat(128)] {
            assert!(!printer_name_ok(bad), "{bad:?}");
        }
    }
}
