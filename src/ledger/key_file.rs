//! `keys.json`: the data key sealed under the structure's passphrase
//! (Argon2id, then XChaCha20-Poly1305: [`crate::crypto::sealed`]) and, once
//! the device is attached to a CPTS, escrowed to the CPTS's recovery key
//! ([`crate::crypto::escrow`]), so that a CPTS can reopen a device whose
//! passphrase is lost. Unlocking (tries, wording) is [`crate::vault`]'s.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::crypto::DataKey;
use crate::crypto::escrow::{self, Recipient};
use crate::crypto::sealed::{self, Sealed};
use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};

pub const KEY_FILE: &str = "keys.json";

/// The data key as kept on disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    pub v: u32,
    /// The data key under the structure's passphrase.
    pub sealed: Sealed,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escrow: Option<Escrow>,
}

/// The data key sealed to a CPTS's recovery key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Escrow {
    /// The CPTS's recovery key (`age1…`).
    pub recipient: String,
    /// The data key, age-encrypted to it, ASCII-armoured.
    pub age: String,
}

impl KeyFile {
    /// Parses a key file's bytes (from the folder, a backup, or a file the
    /// CPTS was sent).
    pub fn parse(bytes: &[u8]) -> Result<KeyFile> {
        serde_json::from_slice(bytes)
            .map_err(|_| Error::Damaged("la clé du registre (keys.json) est illisible".into()))
    }

    /// Never an empty file in place of the key: a failure is an error.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut b = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::Storage(format!("clé du registre non sérialisable : {e}")))?;
        b.push(b'\n');
        Ok(b)
    }

    /// A key file for `key`, sealed under `passphrase`.
    pub fn seal(key: &DataKey, passphrase: &str, escrow: Option<Escrow>) -> Result<KeyFile> {
        Ok(KeyFile {
            v: 1,
            sealed: sealed::seal(key.bytes(), passphrase)?,
            escrow,
        })
    }

    /// The data key; a wrong passphrase is [`crate::error::Refusal::WrongPassphrase`].
    pub fn open(&self, passphrase: &str) -> Result<DataKey> {
        let bytes = sealed::open(&self.sealed, passphrase)?;
        DataKey::from_bytes(&bytes)
            .ok_or_else(|| Error::Damaged("la clé du registre a une taille inattendue".into()))
    }
}

pub fn read(dir: &Path) -> Result<KeyFile> {
    let path = dir.join(KEY_FILE);
    let bytes = crate::files::read_limited(&path, 64 * 1024)
        .map_err(|e| Error::io("impossible de lire la clé du registre", &path, e))?;
    KeyFile::parse(&bytes)
}

pub fn write(dir: &Path, file: &KeyFile) -> Result<()> {
    write_atomic(&dir.join(KEY_FILE), &file.to_bytes()?, Access::Private)
}

/// Escrows the data key to `to` unless it already is; true when written.
pub fn escrow_to(dir: &Path, key: &DataKey, to: &Recipient) -> Result<bool> {
    let mut file = read(dir)?;
    if file
        .escrow
        .as_ref()
        .is_some_and(|e| e.recipient == to.to_string())
    {
        return Ok(false);
    }
    file.escrow = Some(Escrow {
        recipient: to.to_string(),
        age: escrow::seal(key, to)?,
    });
    write(dir, &file)?;
    Ok(true)
}
