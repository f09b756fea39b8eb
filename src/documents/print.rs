//! Handing documents to the system printer (`lp`, CUPS) when there is one.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What happened to a print request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printed {
    /// Queued by `lp`; its message (the job id).
    Sent(String),
    /// No printer command: the files stay where they are.
    NoPrinter(Vec<PathBuf>),
    /// `lp` exists but refused (no default printer, printer offline…).
    Failed(String),
}

impl Printed {
    /// One line for the CLI and the kiosk.
    pub fn describe(&self) -> String {
        match self {
            Printed::Sent(msg) => format!("envoyé à l'imprimante ({msg})"),
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
        }
    }
}

/// Sends `files` to the default printer with `lp`.
pub fn print(files: &[&Path]) -> Printed {
    let owned = || files.iter().map(|f| f.to_path_buf()).collect();
    match Command::new("lp").args(files).output() {
        Err(_) => Printed::NoPrinter(owned()),
        Ok(out) if out.status.success() => {
            Printed::Sent(String::from_utf8_lossy(&out.stdout).trim().to_string())
        }
        Ok(out) => Printed::Failed(String::from_utf8_lossy(&out.stderr).trim().to_string()),
    }
}

/// Opens a file with the desktop's viewer (`xdg-open`); false when none.
pub fn open_in_viewer(file: &Path) -> bool {
    Command::new("xdg-open").arg(file).spawn().is_ok()
}
