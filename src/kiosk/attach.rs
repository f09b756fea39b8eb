//! « Rattacher à la CPTS » (first start) and « Mettre à jour depuis la
//! CPTS » (Réglages): choose the bundle file, read who signed it, and — for
//! the first bundle — let the person compare the CPTS key's fingerprint
//! with the one the CPTS gave before the device pins it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::reduce::{info, needs_setup, refresh};
use super::services::Services;
use super::state::{BundleForm, KioskState, Screen};
use crate::bundle::Bundle;
use crate::error::{Error, Result};

/// The largest bundle file read (a bundle is tens of kilobytes).
const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;

fn form(state: &mut KioskState) -> Option<&mut BundleForm> {
    match &mut state.screen {
        Screen::Setup(f) => Some(&mut f.bundle),
        Screen::Reglages(f) => Some(&mut f.bundle),
        _ => None,
    }
}

/// Looks at the USB keys again.
pub fn find(state: &mut KioskState, services: &Services) {
    if let Some(f) = form(state) {
        f.found = super::drives::bundles_on(&super::drives::removable(&services.media));
        f.read = None;
    }
}

/// A file chosen (a bundle found on a key, or the path typed): read at
/// once by [`read`].
pub fn choose(state: &mut KioskState, path: PathBuf) {
    if let Some(f) = form(state) {
        f.path = path.display().to_string();
        f.read = None;
    }
}

pub fn cancel(state: &mut KioskState) {
    if let Some(f) = form(state) {
        f.read = None;
    }
}

fn text_of(path: &str) -> Result<String> {
    let path = path.trim();
    if path.is_empty() {
        return Err(Error::input(
            "fichier",
            "choisissez le fichier du lot remis par la CPTS (clé USB)",
        ));
    }
    let p = Path::new(path);
    let bytes = crate::files::read_limited(p, MAX_BUNDLE_BYTES)
        .map_err(|e| Error::io("impossible de lire le lot", p, e))?;
    String::from_utf8(bytes)
        .map_err(|_| Error::input("fichier", "ce fichier n'est pas un lot de la CPTS"))
}

/// Reads the chosen file and shows who signed it (nothing applied yet).
pub fn read(state: &mut KioskState) -> Result<()> {
    let Some(f) = form(state) else { return Ok(()) };
    let text = text_of(&f.path)?;
    f.read = Some(Bundle::peek(&text)?);
    Ok(())
}

/// Applies the bundle read: the fingerprint the person saw is the one the
/// device pins (a later bundle must be signed by the same key).
pub fn confirm(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    let Some(f) = form(state) else { return Ok(()) };
    let Some(peek) = f.read.clone() else {
        return Err(Error::input("lot", "lisez d'abord le lot"));
    };
    let text = text_of(&f.path)?;
    let (_, bundle) = services
        .ledger
        .apply_bundle(&text, Some(&peek.fingerprint), now)?;
    refresh(state, services)?;
    state.protocol = Arc::new(bundle.protocol()?);
    state.roster = crate::documents::Roster::for_device(&state.data_dir, &state.registry)?;
    if let Some(f) = form(state) {
        *f = BundleForm::default();
    }
    if matches!(state.screen, Screen::Setup(_)) && !needs_setup(state) {
        state.screen = Screen::Accueil;
    }
    info(
        state,
        format!(
            "Rattaché à « {} » : lot n° {}, {} délégué{}.",
            bundle.payload.cpts.name,
            bundle.payload.serial,
            bundle.payload.delegues.len(),
            if bundle.payload.delegues.len() > 1 {
                "s"
            } else {
                ""
            }
        ),
    );
    Ok(())
}
