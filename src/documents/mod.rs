//! Documents of an act — the prescription, the patient advice sheet — and
//! the printable protocol summary, as deterministic PDFs (the same act gives
//! the same bytes), each issue logged in the ledger with its SHA-256.
//!
//! Rendering is pure (`prescription::render`, `advice::render`,
//! `summary::render` return bytes); [`issue`] and [`issue_to`] add the
//! files and the ledger follow-ups; [`print`] hands files to the printer.

pub mod advice;
pub mod fonts;
pub mod layout;
pub mod prescription;
pub mod print;
pub mod roster;
pub mod summary;
pub mod words;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::act::ActRecord;
use crate::error::{Refusal, Result};
use crate::files::{Access, write_atomic};
use crate::ledger::{ActStatus, ActView, FollowupEvent, Ledger};
use crate::protocol::Protocol;
pub use layout::Paper;
pub use roster::{Duty, Roster};

/// Recorded with each document: a reprint is compared with the first issue
/// only when rendered by the same renderer version. Bump the trailing
/// number whenever a change alters the bytes of a document, or reprints of
/// earlier acts will (rightly) be refused as not matching.
pub const RENDERER: &str = concat!("protocoop ", env!("CARGO_PKG_VERSION"), " documents/1");

/// What issuing an act's documents produced.
#[derive(Debug, Clone)]
pub struct Issued {
    pub prescription: PathBuf,
    /// None when no advice sheet was asked for.
    pub advice: Option<PathBuf>,
    /// Short code printed on the documents, from the act's ledger hash.
    pub verification_code: String,
    /// True when these documents had been issued before (a reprint).
    pub reprint: bool,
}

/// `AB12-CD34`: the first 32 bits of the act's ledger hash, enough to match
/// a paper to its act by eye.
pub fn verification_code(hash: &str) -> String {
    let h = hash.to_uppercase();
    let first = crate::text::prefix(&h, 8);
    let (a, b) = first.split_at(crate::text::prefix(first, 4).len());
    format!("{a}-{b}")
}

fn footer(act: &ActRecord, code: &str) -> String {
    format!(
        "Acte {} · code de vérification {code} · protocole {} v{} · {}",
        act.number, act.protocol.id, act.protocol.version, RENDERER
    )
}

fn watermark(act: &ActRecord) -> Option<&'static str> {
    act.training.then_some("SPÉCIMEN — protocole non validé")
}

fn check_printable(view: &ActView) -> Result<()> {
    if let ActStatus::Void { .. } = view.status {
        return Err(Refusal::ActVoid(view.act.number.clone()).into());
    }
    Ok(())
}

/// The default file names in a folder: `ordonnance-2026-0042.pdf`,
/// `fiche-conseil-2026-0042.pdf`.
pub fn default_paths(dir: &Path, number: &str) -> (PathBuf, PathBuf) {
    (
        dir.join(format!("ordonnance-{number}.pdf")),
        dir.join(format!("fiche-conseil-{number}.pdf")),
    )
}

/// Issues (or reprints) both documents into `out_dir` under their default
/// names, on A4: what the kiosk does after « Valider et imprimer ».
pub fn issue(
    ledger: &mut Ledger,
    protocol: &Protocol,
    roster: Option<&Roster>,
    act: &str,
    out_dir: &Path,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let number = ledger.act(act)?.act.number;
    crate::files::create_private_dir(out_dir, "impossible de créer le dossier")?;
    let (p, a) = default_paths(out_dir, &number);
    issue_to(ledger, protocol, roster, act, Paper::A4, &p, Some(&a), now)
}

/// Renders the act's prescription (and advice sheet when `advice_out` is
/// given), checks each against any earlier issue by the same renderer,
/// writes the files (owner-only: they name the patient) and appends one
/// `document` follow-up per file. Nothing is written when anything fails.
#[allow(clippy::too_many_arguments)]
pub fn issue_to(
    ledger: &mut Ledger,
    protocol: &Protocol,
    roster: Option<&Roster>,
    act: &str,
    paper: Paper,
    prescription_out: &Path,
    advice_out: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let view = ledger.act(act)?;
    let mut docs = vec![(
        document_name("prescription", paper),
        prescription::render(&view, paper)?,
        prescription_out,
    )];
    if let Some(path) = advice_out {
        docs.push((
            document_name("advice", paper),
            advice::render(&view, protocol, roster, paper)?,
            path,
        ));
    }
    let mut reprint = false;
    let mut hashes = Vec::new();
    for (name, bytes, _) in &docs {
        let sha = hex::encode(Sha256::digest(bytes));
        if let Some(first) = first_issue(&view, name) {
            reprint = true;
            // The prescription is rendered from the act alone and must come
            // out identical. The advice sheet also quotes the duty roster,
            // which the CPTS updates: a new roster changes it legitimately,
            // and the reprint is logged with its own hash.
            if first != sha && name.starts_with("prescription") {
                return Err(Refusal::DocumentMismatch {
                    document: name.clone(),
                    number: view.act.number.clone(),
                }
                .into());
            }
        }
        hashes.push(sha);
    }
    let mut written: Vec<&Path> = Vec::new();
    let outcome = (|| {
        for (_, bytes, path) in &docs {
            write_atomic(path, bytes, Access::Private)?;
            written.push(path);
        }
        for ((name, _, _), sha) in docs.iter().zip(&hashes) {
            ledger.add_document(&view.act.id, name, sha, RENDERER, reprint, now)?;
        }
        Ok(())
    })();
    if let Err(e) = outcome {
        for path in written {
            let _ = std::fs::remove_file(path);
        }
        return Err(e);
    }
    Ok(Issued {
        prescription: prescription_out.to_path_buf(),
        advice: advice_out.map(Path::to_path_buf),
        verification_code: verification_code(&view.hash),
        reprint,
    })
}

/// `prescription` on A4, `prescription-a5` on A5: different bytes, so
/// recorded and compared separately.
fn document_name(kind: &str, paper: Paper) -> String {
    match paper {
        Paper::A4 => kind.to_string(),
        Paper::A5 => format!("{kind}-a5"),
    }
}

/// The SHA-256 recorded at the first issue of `name` by this renderer.
fn first_issue(view: &ActView, name: &str) -> Option<String> {
    view.followups.iter().find_map(|f| match &f.event {
        FollowupEvent::Document {
            document,
            sha256,
            renderer,
            ..
        } if document == name && renderer == RENDERER => Some(sha256.clone()),
        _ => None,
    })
}
