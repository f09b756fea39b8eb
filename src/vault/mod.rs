//! Where a device's data key lives: `keys.json` in the data folder holds it
//! sealed under the structure's passphrase (Argon2id, then
//! XChaCha20-Poly1305: [`crate::crypto::sealed`]) and, once the device is
//! attached to a CPTS, escrowed to the CPTS's recovery key
//! ([`crate::crypto::escrow`]). The passphrase is typed once, when the
//! kiosk starts (or given by `PROTOCOOP_PASSPHRASE` to unattended
//! commands): a thief with the disk gets only ciphertext, and a PIN hash
//! is no longer there to crack.
//!
//! - [`throttle`]: wrong passphrases in a row slow down the next tries.

pub mod throttle;

use std::path::Path;

use chrono::{DateTime, Utc};

use crate::crypto::DataKey;
use crate::crypto::sealed;
use crate::error::{Error, Refusal, Result};
use crate::ledger::key_file::{self, KEY_FILE, KeyFile};
use crate::ledger::{DB_FILE, Ledger};

/// What a data folder needs before its ledger opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Nothing yet: the first start chooses the passphrase.
    New,
    /// A ledger written before encryption: the passphrase chosen now
    /// encrypts it.
    Clear,
    /// A key file: the passphrase unlocks it.
    Locked,
    /// A database file that is neither clear SQLite nor accompanied by its
    /// key: not a protocoop ledger, or one whose key file was lost.
    Unknown,
}

pub fn state(dir: &Path) -> State {
    if dir.join(KEY_FILE).exists() {
        return State::Locked;
    }
    let db = dir.join(DB_FILE);
    match std::fs::metadata(&db) {
        Err(_) => State::New,
        Ok(m) if m.len() == 0 => State::New,
        Ok(_) => match crate::ledger::encrypt::is_clear(&db) {
            Ok(true) => State::Clear,
            _ => State::Unknown,
        },
    }
}

/// Refuses a folder with no ledger (before any passphrase is asked: a
/// mistyped folder is said at once, and never made into a new device).
pub fn require_existing(dir: &Path) -> Result<()> {
    if state(dir) == State::New {
        return Err(Error::NoDataDir(dir.to_path_buf()));
    }
    Ok(())
}

/// A new data key for `dir`, sealed under a new `passphrase`.
pub fn create(dir: &Path, passphrase: &str) -> Result<DataKey> {
    sealed::check_new_passphrase(passphrase)?;
    if dir.join(KEY_FILE).exists() {
        return Err(Error::input(
            "phrase de passe",
            "ce dossier de données a déjà sa clé : rien n'a été remplacé",
        ));
    }
    if !dir.exists() {
        crate::files::create_private_dir(dir, "impossible de créer le dossier de données")?;
    }
    let key = DataKey::generate()?;
    key_file::write(dir, &KeyFile::seal(&key, passphrase, None)?)?;
    Ok(key)
}

/// The data key, unsealed with `passphrase`. A wrong one writes nothing
/// but the count of tries.
pub fn unlock(dir: &Path, passphrase: &str, now: DateTime<Utc>) -> Result<DataKey> {
    throttle::check(dir, now)?;
    match key_file::read(dir)?.open(passphrase) {
        Ok(key) => {
            throttle::succeeded(dir);
            Ok(key)
        }
        Err(Error::Refused(Refusal::WrongPassphrase)) => {
            throttle::failed(dir, now)?;
            Err(Refusal::WrongPassphrase.into())
        }
        Err(e) => Err(e),
    }
}

/// The key for `dir`: created with `passphrase` on first use (or for a
/// ledger written before encryption), else unlocked with it.
pub fn unlock_or_create(dir: &Path, passphrase: &str, now: DateTime<Utc>) -> Result<DataKey> {
    match state(dir) {
        State::New | State::Clear => create(dir, passphrase),
        State::Locked => unlock(dir, passphrase, now),
        State::Unknown => Err(Error::Damaged(
            "ce fichier n'est pas un registre protocoop, ou sa clé a disparu du dossier : rien n'a été modifié ; restaurez la dernière sauvegarde".into(),
        )),
    }
}

/// Opens the ledger of `dir` with the structure's passphrase, creating the
/// folder, the key and the ledger on first use (the kiosk's first start,
/// `structure set`), encrypting a clear ledger in place and removing the
/// documents an earlier kiosk left in clear ([`crate::documents::remove_left_in`]).
pub fn open_ledger(dir: &Path, passphrase: &str, now: DateTime<Utc>) -> Result<Ledger> {
    let key = unlock_or_create(dir, passphrase, now)?;
    let ledger = Ledger::open(dir, &key, now)?;
    // Documents an earlier kiosk saved in clear go, once the ledger that
    // can print them again has opened.
    crate::documents::remove_left_in(dir);
    Ok(ledger)
}

/// [`open_ledger`] for a folder that must already hold a ledger.
pub fn open_existing_ledger(dir: &Path, passphrase: &str, now: DateTime<Utc>) -> Result<Ledger> {
    require_existing(dir)?;
    open_ledger(dir, passphrase, now)
}
