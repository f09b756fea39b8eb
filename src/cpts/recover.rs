//! Reopening a device whose structure lost its passphrase: the CPTS opens
//! the device's escrowed data key with its recovery key, and seals it
//! under a new passphrase. What it gets back is a key file (`keys.json`)
//! for that device's folder or for a restore of its backup; the CPTS never
//! sees the ledger itself.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::authority;
use crate::backup::restore::read_manifest;
use crate::crypto::escrow;
use crate::error::{Error, Result};
use crate::ledger::key_file::{KEY_FILE, KeyFile};

/// The key file of `source` (a device's `keys.json`, or a backup),
/// resealed under `new_passphrase` with the CPTS's recovery key.
pub fn recover(
    cpts_dir: &Path,
    cpts_passphrase: &str,
    source: &Path,
    new_passphrase: &str,
) -> Result<KeyFile> {
    crate::crypto::sealed::check_new_passphrase(new_passphrase)?;
    let file = key_file_of(source)?;
    let identity = authority::recovery_identity(cpts_dir, cpts_passphrase)?;
    let Some(held) = file.escrow.clone() else {
        return Err(Error::input(
            "séquestre",
            "cet appareil n'a pas mis sa clé en séquestre (aucun lot de la CPTS appliqué depuis) : la CPTS ne peut pas le rouvrir",
        ));
    };
    if held.recipient != identity.recipient().to_string() {
        return Err(Error::input(
            "séquestre",
            "la clé de cet appareil est en séquestre auprès d'une autre CPTS",
        ));
    }
    let key = escrow::open(&held.age, &identity)?;
    KeyFile::seal(&key, new_passphrase, Some(held))
}

/// The key file itself, or the one inside a backup.
fn key_file_of(source: &Path) -> Result<KeyFile> {
    let mut f =
        std::fs::File::open(source).map_err(|e| Error::io("impossible de lire", source, e))?;
    let mut head = vec![0u8; crate::backup::MAGIC.len()];
    let n = f
        .read(&mut head)
        .map_err(|e| Error::io("impossible de lire", source, e))?;
    if head.get(..n) != Some(crate::backup::MAGIC) {
        let bytes = crate::files::read_limited(source, 64 * 1024)
            .map_err(|e| Error::io("impossible de lire", source, e))?;
        return KeyFile::parse(&bytes);
    }
    f.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io("impossible de lire", source, e))?;
    let mut r = std::io::BufReader::new(f);
    let manifest = read_manifest(&mut r)?;
    let mut skip = 0u64;
    for entry in &manifest.files {
        if entry.name == KEY_FILE {
            std::io::copy(&mut r.by_ref().take(skip), &mut std::io::sink())
                .map_err(|e| Error::io("impossible de lire", source, e))?;
            let mut bytes = Vec::new();
            r.take(entry.bytes.min(64 * 1024))
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io("impossible de lire", source, e))?;
            return KeyFile::parse(&bytes);
        }
        skip = skip.saturating_add(entry.bytes);
    }
    Err(Error::input(
        "sauvegarde",
        "aucune clé dans cette sauvegarde",
    ))
}
