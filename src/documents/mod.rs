//! Documents of an act — the prescription, the patient advice sheet — and
//! the printable protocol summary, as deterministic PDFs (the same act gives
//! the same bytes), each issue logged in the ledger with its SHA-256.
//!
//! Rendering is pure (`prescription::render`, `advice::render`,
//! `summary::render` return bytes); [`render`] checks an act's documents
//! against their earlier issues, in memory; [`record`] logs them once they
//! left the device; [`issue`] and [`issue_to`] write them where a person
//! chose; [`print`] hands them to the printer, [`preview`] to a viewer
//! through files that do not outlive the kiosk.

pub mod advice;
pub mod fonts;
pub mod layout;
pub mod letter;
pub mod prescription;
pub mod preview;
pub mod print;
pub mod roster;
pub mod summary;
pub mod v1;
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
/// only when rendered by the same renderer version. Whenever a change
/// alters the bytes of a document, bump the trailing number and keep the
/// previous renderer whole (as [`v1`]): an act reprints with the renderer
/// that first printed it.
pub const RENDERER: &str = concat!("protocoop ", env!("CARGO_PKG_VERSION"), " documents/2");

/// The renderers this device has, by the trailing number of what the
/// ledger recorded (the program's version before it does not matter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    /// Doses in mg, « Chirurgien-dentiste délégant » always.
    V1,
    /// Presentations and quantities, the délégant's profession, letters.
    V2,
}

impl Renderer {
    pub const CURRENT: Renderer = Renderer::V2;

    /// What a document follow-up records.
    pub fn id(self) -> &'static str {
        match self {
            Renderer::V1 => v1::RENDERER,
            Renderer::V2 => RENDERER,
        }
    }

    /// The renderer a recorded name stands for; `None` for one this
    /// device does not have (a newer program's).
    pub fn of(recorded: &str) -> Option<Renderer> {
        match recorded.rsplit_once(" documents/") {
            Some((_, "1")) => Some(Renderer::V1),
            Some((_, "2")) => Some(Renderer::V2),
            _ => None,
        }
    }

    /// The renderer an act's document of `kind` comes from: the one that
    /// first printed it — for the prescription and the advice sheet,
    /// either of them, which go together —, else the current one.
    pub fn for_kind(view: &ActView, kind: DocKind) -> Renderer {
        let same = |document: &str| match kind {
            DocKind::Letter => DocKind::Letter.is(document),
            DocKind::Prescription | DocKind::Advice => {
                DocKind::Prescription.is(document) || DocKind::Advice.is(document)
            }
        };
        view.followups
            .iter()
            .find_map(|f| match &f.event {
                FollowupEvent::Document {
                    document, renderer, ..
                } if same(document) => Renderer::of(renderer),
                _ => None,
            })
            .unwrap_or(Renderer::CURRENT)
    }
}

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

/// What the pharmacist or a carer needs to find the act: nothing else.
fn footer(act: &ActRecord, code: &str) -> String {
    format!("Acte {} · code de vérification {code}", act.number)
}

fn watermark(act: &ActRecord) -> Option<&'static str> {
    act.training.then_some("SPÉCIMEN — protocole non validé")
}

/// A document that quotes the protocol (advice sheet, letter) is drawn
/// only from the one the act was made under: refused, naming `document`
/// (« sa fiche conseil »), when this device has another.
fn check_same_protocol(act: &ActRecord, protocol: &Protocol, document: &'static str) -> Result<()> {
    if act.protocol.sha256 == protocol.identity.sha256 {
        return Ok(());
    }
    Err(Refusal::OtherProtocol {
        document,
        number: act.number.clone(),
        name: act.protocol.name.clone(),
        version: act.protocol.version.clone(),
        fingerprint: crate::text::prefix(&act.protocol.sha256, 12).to_string(),
    }
    .into())
}

fn check_printable(view: &ActView) -> Result<()> {
    if let ActStatus::Void { .. } = view.status {
        return Err(Refusal::ActVoid(view.act.number.clone()).into());
    }
    Ok(())
}

/// The default file names: `ordonnance-2026-0042.pdf`,
/// `fiche-conseil-2026-0042.pdf`.
pub fn default_file_names(number: &str) -> (String, String) {
    (
        format!("ordonnance-{number}.pdf"),
        format!("fiche-conseil-{number}.pdf"),
    )
}

/// The default file names in a folder.
pub fn default_paths(dir: &Path, number: &str) -> (PathBuf, PathBuf) {
    let (p, a) = default_file_names(number);
    (dir.join(p), dir.join(a))
}

/// One document of an act, rendered in memory.
#[derive(Debug, Clone)]
pub struct RenderedDoc {
    /// The name the ledger records (`prescription`, `advice-a5`…).
    pub name: String,
    pub kind: DocKind,
    /// What a person calls it: « Ordonnance 2026-0042 ».
    pub title: String,
    /// Its default file name: `ordonnance-2026-0042.pdf`.
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
    /// Issued before by this renderer: this issue is a reprint.
    pub reprint: bool,
    /// The renderer that drew it, as the ledger records it.
    pub renderer: &'static str,
}

/// An act's documents rendered in memory and checked against their earlier
/// issues: nothing is written anywhere until a shell prints or saves them,
/// so a patient's name never lies in the data folder in clear.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub act_id: String,
    pub number: String,
    pub docs: Vec<RenderedDoc>,
    /// Short code printed on the documents, from the act's ledger hash.
    pub verification_code: String,
    /// True when these documents had been issued before (a reprint).
    pub reprint: bool,
}

/// The documents of an act: the two of a prise en charge, in the order
/// they print, then the letter for the patient's other carers (the compte
/// rendu, or the courrier d'orientation when not taken in charge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DocKind {
    Prescription,
    Advice,
    Letter,
}

impl DocKind {
    fn id(self) -> &'static str {
        match self {
            DocKind::Prescription => "prescription",
            DocKind::Advice => "advice",
            DocKind::Letter => "letter",
        }
    }

    /// Whether `document` (a name the ledger recorded) is this kind, on
    /// either paper.
    fn is(self, document: &str) -> bool {
        document == self.id() || document.strip_suffix("-a5") == Some(self.id())
    }
}

/// What a device can still give a patient of one act, from the documents
/// the ledger says left the device and the protocol the act was made under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Printable {
    /// The documents this device can render (the advice sheet quotes the
    /// protocol: only the one the act was made under).
    pub kinds: Vec<DocKind>,
    /// Those among them never printed nor saved.
    pub missing: Vec<DocKind>,
    /// The advice sheet cannot be rendered here: the act was made under
    /// another version of the protocol.
    pub advice_elsewhere: bool,
}

impl Printable {
    /// `issued`: the names of the act's `document` follow-ups;
    /// `act_protocol`: the SHA-256 of the protocol the act was made under.
    pub fn of(issued: &[&str], act_protocol: &str, protocol: &Protocol) -> Printable {
        let advice_elsewhere = act_protocol != protocol.identity.sha256;
        let kinds: Vec<DocKind> = if advice_elsewhere {
            vec![DocKind::Prescription]
        } else {
            vec![DocKind::Prescription, DocKind::Advice]
        };
        let missing = kinds
            .iter()
            .copied()
            .filter(|k| !issued.iter().any(|d| k.is(d)))
            .collect();
        Printable {
            kinds,
            missing,
            advice_elsewhere,
        }
    }

    /// [`Printable::of`] for an act read from the ledger.
    pub fn of_view(view: &ActView, protocol: &Protocol) -> Printable {
        let issued: Vec<&str> = view
            .followups
            .iter()
            .filter_map(|f| match &f.event {
                FollowupEvent::Document { document, .. } => Some(document.as_str()),
                _ => None,
            })
            .collect();
        Printable::of(&issued, &view.act.protocol.sha256, protocol)
    }
}

/// Renders the act's prescription (and advice sheet when `with_advice`),
/// each checked against any earlier issue by the same renderer: a reprint
/// of the prescription must come out byte for byte as the first issue.
pub fn render(
    ledger: &Ledger,
    protocol: &Protocol,
    roster: Option<&Roster>,
    act: &str,
    paper: Paper,
    with_advice: bool,
) -> Result<Rendered> {
    let kinds: &[DocKind] = if with_advice {
        &[DocKind::Prescription, DocKind::Advice]
    } else {
        &[DocKind::Prescription]
    };
    render_kinds(ledger, protocol, roster, act, paper, kinds)
}

/// Renders the given documents of the act, in the order given, each
/// checked against its earlier issue as [`render`] does.
pub fn render_kinds(
    ledger: &Ledger,
    protocol: &Protocol,
    roster: Option<&Roster>,
    act: &str,
    paper: Paper,
    kinds: &[DocKind],
) -> Result<Rendered> {
    let view = ledger.act(act)?;
    let number = view.act.number.clone();
    let (p_file, a_file) = default_file_names(&number);
    let mut out = Vec::new();
    for kind in kinds {
        let renderer = Renderer::for_kind(&view, *kind);
        let (title, file_name, bytes, renderer) = match (kind, renderer) {
            (DocKind::Prescription, Renderer::V1) => (
                format!("Ordonnance {number}"),
                p_file.clone(),
                v1::prescription::render(&view, paper)?,
                Renderer::V1,
            ),
            (DocKind::Prescription, Renderer::V2) => (
                format!("Ordonnance {number}"),
                p_file.clone(),
                prescription::render(&view, paper)?,
                Renderer::V2,
            ),
            (DocKind::Advice, Renderer::V1) => (
                format!("Fiche conseil {number}"),
                a_file.clone(),
                v1::advice::render(&view, protocol, roster, paper)?,
                Renderer::V1,
            ),
            (DocKind::Advice, Renderer::V2) => (
                format!("Fiche conseil {number}"),
                a_file.clone(),
                advice::render(&view, protocol, roster, paper)?,
                Renderer::V2,
            ),
            // Letters came with the second renderer: the first never drew one.
            (DocKind::Letter, Renderer::V1 | Renderer::V2) => {
                let kind = letter::Kind::of(&view.act);
                (
                    format!("{} {number}", kind.title()),
                    letter::file_name(kind, &number),
                    letter::render(&view, protocol, paper)?,
                    Renderer::V2,
                )
            }
        };
        let name = document_name(kind.id(), paper);
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let first = first_issue(&view, &name, renderer);
        // The prescription (from the act alone) and the letter (from the
        // act and its protocol) must come out identical. The advice sheet also quotes the
        // duty roster, which the CPTS updates: a new roster changes it
        // legitimately, and the reprint is logged with its own hash.
        if let Some(first) = &first
            && *first != sha256
            && *kind != DocKind::Advice
        {
            return Err(Refusal::DocumentMismatch {
                document: crate::ledger::document_title(&name),
                number: view.act.number.clone(),
            }
            .into());
        }
        out.push(RenderedDoc {
            name,
            kind: *kind,
            title,
            file_name,
            bytes,
            sha256,
            reprint: first.is_some(),
            renderer: renderer.id(),
        });
    }
    Ok(Rendered {
        act_id: view.act.id.clone(),
        number,
        reprint: out.iter().any(|d| d.reprint),
        docs: out,
        verification_code: verification_code(&view.hash),
    })
}

/// Logs one `document` follow-up per rendered document: called once the
/// documents have left the device (printed, or saved where a person chose),
/// never for a print that did not happen.
pub fn record(ledger: &mut Ledger, rendered: &Rendered, now: DateTime<Utc>) -> Result<()> {
    record_first(ledger, rendered, rendered.docs.len(), now)
}

/// Logs the first `sent` documents only: the print system took those and
/// refused the next one.
pub fn record_first(
    ledger: &mut Ledger,
    rendered: &Rendered,
    sent: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    for d in rendered.docs.iter().take(sent) {
        ledger.add_document(
            &rendered.act_id,
            &d.name,
            &d.sha256,
            d.renderer,
            d.reprint,
            now,
        )?;
    }
    Ok(())
}

/// Saves both documents, in clear, into a folder a person chose (the
/// kiosk's « Enregistrer le PDF » onto a USB key), under their default
/// names, on A4. An act made under another version of the protocol gets
/// its prescription alone (its advice sheet quotes a protocol this device
/// no longer has): `Issued::advice` is then none.
pub fn issue(
    ledger: &mut Ledger,
    protocol: &Protocol,
    roster: Option<&Roster>,
    act: &str,
    out_dir: &Path,
    now: DateTime<Utc>,
) -> Result<Issued> {
    let view = ledger.act(act)?;
    let with_advice = !Printable::of_view(&view, protocol).advice_elsewhere;
    crate::files::create_private_dir(out_dir, "impossible de créer le dossier")?;
    let (p, a) = default_paths(out_dir, &view.act.number);
    let advice = with_advice.then_some(a.as_path());
    issue_to(ledger, protocol, roster, act, Paper::A4, &p, advice, now)
}

/// Renders the act's prescription (and advice sheet when `advice_out` is
/// given), writes the files (owner-only: they name the patient) and
/// appends one `document` follow-up per file. Nothing is written when
/// anything fails.
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
    let rendered = render(ledger, protocol, roster, act, paper, advice_out.is_some())?;
    let paths: Vec<&Path> = std::iter::once(prescription_out)
        .chain(advice_out)
        .collect();
    write_and_record(ledger, &rendered, &paths, now)?;
    Ok(Issued {
        prescription: prescription_out.to_path_buf(),
        advice: advice_out.map(Path::to_path_buf),
        verification_code: rendered.verification_code,
        reprint: rendered.reprint,
    })
}

/// Writes the act's letter (the compte rendu, or the courrier
/// d'orientation) to `out`, owner-only (it names the patient), and logs it
/// as a `document` follow-up with its SHA-256. Nothing is written when
/// anything fails; a reprint must come out byte for byte as the first.
pub fn issue_letter(
    ledger: &mut Ledger,
    protocol: &Protocol,
    act: &str,
    paper: Paper,
    out: &Path,
    now: DateTime<Utc>,
) -> Result<Rendered> {
    let rendered = render_kinds(ledger, protocol, None, act, paper, &[DocKind::Letter])?;
    write_and_record(ledger, &rendered, &[out], now)?;
    Ok(rendered)
}

/// Writes each document to its path, then logs them; on any failure the
/// files written are removed and nothing is logged.
fn write_and_record(
    ledger: &mut Ledger,
    rendered: &Rendered,
    paths: &[&Path],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut written: Vec<&Path> = Vec::new();
    let outcome = (|| {
        for (doc, path) in rendered.docs.iter().zip(paths) {
            write_atomic(path, &doc.bytes, Access::Private)?;
            written.push(path);
        }
        record(ledger, rendered, now)
    })();
    if let Err(e) = outcome {
        for path in written {
            let _ = std::fs::remove_file(path);
        }
        return Err(e);
    }
    Ok(())
}

/// `prescription` on A4, `prescription-a5` on A5: different bytes, so
/// recorded and compared separately.
fn document_name(kind: &str, paper: Paper) -> String {
    match paper {
        Paper::A4 => kind.to_string(),
        Paper::A5 => format!("{kind}-a5"),
    }
}

/// The SHA-256 recorded at the first issue of `name` by `by`.
fn first_issue(view: &ActView, name: &str, by: Renderer) -> Option<String> {
    view.followups.iter().find_map(|f| match &f.event {
        FollowupEvent::Document {
            document,
            sha256,
            renderer,
            ..
        } if document == name && Renderer::of(renderer) == Some(by) => Some(sha256.clone()),
        _ => None,
    })
}

/// The folder where kiosks before encryption at rest kept every act's
/// documents, in clear, in the data folder.
pub const LEFT_IN_DATA: &str = "documents";

/// Removes the prescriptions and advice sheets an earlier kiosk left in
/// clear in the data folder (`documents/ordonnance-*.pdf`,
/// `documents/fiche-conseil-*.pdf`), then the folder when nothing else is
/// in it. Each can be printed again from the ledger (a prescription comes
/// out byte for byte as it was). Links and other files are left alone.
/// Returns how many were removed.
pub fn remove_left_in(data_dir: &Path) -> usize {
    let folder = data_dir.join(LEFT_IN_DATA);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name.to_str().is_some_and(|n| {
            (n.starts_with("ordonnance-") || n.starts_with("fiche-conseil-")) && n.ends_with(".pdf")
        });
        let file = std::fs::symlink_metadata(entry.path()).is_ok_and(|m| m.is_file());
        if ours && file && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    // Fails, rightly, when something else is still there.
    let _ = std::fs::remove_dir(&folder);
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_missing_counts_either_paper_and_the_protocol_of_the_act() {
        let p = Protocol::bundled();
        let same = p.identity.sha256.clone();
        let all = vec![DocKind::Prescription, DocKind::Advice];
        assert_eq!(Printable::of(&[], &same, &p).missing, all);
        assert_eq!(
            Printable::of(&["prescription-a5"], &same, &p).missing,
            [DocKind::Advice],
            "an A5 prescription is the prescription"
        );
        assert!(
            Printable::of(&["advice", "prescription"], &same, &p)
                .missing
                .is_empty()
        );
        assert_eq!(
            Printable::of(&["prescriptions"], &same, &p).missing,
            all,
            "a name is matched whole"
        );
        let other = Printable::of(&["prescription"], "autre", &p);
        assert!(other.advice_elsewhere);
        assert_eq!(other.kinds, [DocKind::Prescription]);
        assert!(other.missing.is_empty());
    }
}
