//! The délégant's validation of a protocol file.
//!
//! A validated file ends with a `[validation]` section naming who validated
//! it, when, and the SHA-256 of the *content* it validated: every byte before
//! the `[validation]` line. Editing anything above the block makes it stale,
//! and the kiosk falls back to training mode until a délégant validates again.

use chrono::NaiveDate;

use super::{Protocol, sha256_hex};
use crate::error::{Error, Result};
use crate::ids::Rpps;

/// Who validated the protocol, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub by: String,
    pub rpps: Rpps,
    pub date: NaiveDate,
    pub content_sha256: String,
}

/// Where a protocol stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationStatus {
    /// No validation block: a draft, usable for training only.
    Draft,
    /// Validated, and the content is exactly what was validated.
    Validated(Validation),
    /// A validation block whose hash no longer matches the content.
    Stale(Validation),
}

impl ValidationStatus {
    /// One line for the CLI and the Réglages screen.
    pub fn describe(&self) -> String {
        match self {
            ValidationStatus::Draft => {
                "BROUILLON — non validé par un délégant (mode formation : documents « SPÉCIMEN », actes non rémunérés)".into()
            }
            ValidationStatus::Validated(v) => format!(
                "validé par {} (RPPS {}) le {}",
                v.by,
                v.rpps,
                v.date.format("%d/%m/%Y")
            ),
            ValidationStatus::Stale(v) => format!(
                "VALIDATION PÉRIMÉE — le contenu a changé depuis la validation par {} le {} ; \
                 faites revalider le fichier (mode formation en attendant)",
                v.by,
                v.date.format("%d/%m/%Y")
            ),
        }
    }
}

/// Byte offset of the `[validation]` header line, if the file has one.
pub fn block_start(text: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with("[validation]") {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// The content a validation covers: everything before the `[validation]` line.
pub fn content(text: &str) -> &str {
    &text[..block_start(text).unwrap_or(text.len())]
}

/// Writes a copy of `text` carrying a validation block by this délégant.
///
/// The protocol must be valid; an existing validation block is replaced.
pub fn validated_copy(
    text: &str,
    origin: &str,
    by: &str,
    rpps: &str,
    date: NaiveDate,
    today: NaiveDate,
) -> Result<String> {
    Protocol::parse(text, origin)?;
    let by = by.trim();
    if by.is_empty() {
        return Err(Error::input("--name", "le nom du délégant est vide"));
    }
    if by.contains(['"', '\\', '\n']) {
        return Err(Error::input(
            "--name",
            "le nom ne doit contenir ni guillemet, ni barre oblique inverse, ni retour à la ligne",
        ));
    }
    let rpps = Rpps::parse_field("--rpps", rpps)?;
    if date > today {
        return Err(Error::input(
            "--date",
            format!(
                "la date de validation {} est dans le futur",
                date.format("%d/%m/%Y")
            ),
        ));
    }
    let mut content = content(text).to_string();
    if !content.ends_with('\n') {
        content.push('\n');
    }
    let hash = sha256_hex(content.as_bytes());
    let out = format!(
        "{content}[validation]\n\
         # Écrit par « protocoop protocol validate ». Toute modification du contenu\n\
         # au-dessus de ce bloc le rend caduc : le kiosque repasse en mode formation.\n\
         by = \"{by}\"\n\
         rpps = \"{rpps}\"\n\
         date = {}\n\
         content_sha256 = \"{hash}\"\n",
        date.format("%Y-%m-%d")
    );
    // The copy must load as validated; anything else is a defect here.
    let check = Protocol::parse(&out, origin)?;
    debug_assert!(matches!(check.validation, ValidationStatus::Validated(_)));
    Ok(out)
}
