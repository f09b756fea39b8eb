//! Rebuilding a device from a backup, in a new folder: every file's digest
//! and the manifest's tag are checked, the ledger is opened and verified in
//! a staging folder, and only then does the folder take its name. The
//! device keeps its identity (its key pair and log): if the old device is
//! still in use, the CPTS sees two logs claiming one device at its next
//! report and refuses the second as « registre réécrit ou restauré ».

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::{MAGIC, MAX_MANIFEST, Manifest, TAG_CONTEXT};
use crate::crypto::DataKey;
use crate::error::{Error, Result};
use crate::ledger::key_file::{KEY_FILE, KeyFile};
use crate::ledger::{DB_FILE, Ledger};

/// How the restored folder's data key is unlocked.
pub enum Unlock<'a> {
    /// With the structure's passphrase, as sealed in the backup.
    Passphrase(&'a str),
    /// With a key file the CPTS resealed after a recovery (`cpts recover`)
    /// and its new passphrase; it replaces the backup's.
    KeyFile(KeyFile, &'a str),
}

fn damaged(what: impl std::fmt::Display) -> Error {
    Error::input(
        "sauvegarde",
        format!("fichier de sauvegarde endommagé ou incomplet ({what}) : rien n'a été restauré"),
    )
}

/// Reads the magic line and the manifest.
pub fn read_manifest(r: &mut impl BufRead) -> Result<Manifest> {
    let mut magic = vec![0u8; MAGIC.len()];
    r.read_exact(&mut magic)
        .map_err(|_| damaged("ce n'est pas une sauvegarde protocoop"))?;
    if magic != MAGIC {
        return Err(Error::input(
            "sauvegarde",
            "ce fichier n'est pas une sauvegarde protocoop : rien n'a été restauré",
        ));
    }
    let mut line = Vec::new();
    r.by_ref()
        .take(MAX_MANIFEST as u64)
        .read_until(b'\n', &mut line)
        .map_err(|_| damaged("en-tête illisible"))?;
    let manifest: Manifest =
        serde_json::from_slice(&line).map_err(|_| damaged("en-tête illisible"))?;
    if manifest.v != 1 {
        return Err(damaged(format!("version {} inconnue", manifest.v)));
    }
    let names_ok = manifest.files.first().is_some_and(|f| f.name == DB_FILE)
        && manifest
            .files
            .iter()
            .all(|f| super::SIDE_FILES.contains(&f.name.as_str()) || f.name == DB_FILE)
        && manifest.files.iter().any(|f| f.name == KEY_FILE);
    if !names_ok {
        return Err(damaged("liste de fichiers inattendue"));
    }
    Ok(manifest)
}

/// Restores `backup` into `dir`, which must not exist yet (or be empty).
pub fn restore(backup: &Path, dir: &Path, unlock: Unlock, now: DateTime<Utc>) -> Result<Ledger> {
    if dir.exists()
        && fs::read_dir(dir)
            .map_err(|e| Error::io("impossible de lire le dossier", dir, e))?
            .next()
            .is_some()
    {
        return Err(Error::input(
            "--data-dir",
            format!(
                "« {} » n'est pas vide : une restauration se fait dans un dossier nouveau, rien n'a été écrit",
                dir.display()
            ),
        ));
    }
    let file = File::open(backup).map_err(|e| Error::io("impossible de lire", backup, e))?;
    let mut r = BufReader::new(file);
    let manifest = read_manifest(&mut r)?;
    let staging = staging(dir);
    let _ = fs::remove_dir_all(&staging);
    crate::files::create_private_dir(&staging, "impossible de créer le dossier de restauration")?;
    let result = (|| {
        unpack(&mut r, &manifest, &staging)?;
        let key = key_of(&staging, &unlock)?;
        let tag = hex::decode(&manifest.tag).map_err(|_| damaged("sceau illisible"))?;
        let sealed = key.open(&tag, TAG_CONTEXT);
        if sealed.as_deref().map(Vec::as_slice) != Some(manifest.digest().as_slice()) {
            return Err(damaged("son sceau ne correspond pas : fichier modifié"));
        }
        if let Unlock::KeyFile(k, _) = &unlock {
            crate::ledger::key_file::write(&staging, k)?;
        }
        let ledger = Ledger::open_existing(&staging, &key, now)?;
        let report = ledger.verify()?;
        if !report.ok
            || report.entries != manifest.entries
            || ledger.device_id() != manifest.device_id
        {
            return Err(damaged("le registre restauré ne se vérifie pas"));
        }
        drop(ledger);
        Ok(key)
    })();
    let key = match result {
        Ok(k) => k,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if dir.exists() {
        let _ = fs::remove_dir(dir);
    }
    fs::rename(&staging, dir)
        .map_err(|e| Error::io("impossible de nommer le dossier restauré", dir, e))?;
    Ledger::open_existing(dir, &key, now)
}

fn staging(dir: &Path) -> PathBuf {
    let mut name = dir.as_os_str().to_owned();
    name.push(".restauration");
    PathBuf::from(name)
}

/// Writes each file of the backup into `to`, checking its size and digest.
fn unpack(r: &mut impl Read, manifest: &Manifest, to: &Path) -> Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    for f in &manifest.files {
        let path = to.join(&f.name);
        let mut out = crate::files::create_private_file(&path)?;
        let mut sha = Sha256::new();
        let mut left = f.bytes;
        while left > 0 {
            let want = usize::try_from(left.min(buf.len() as u64)).unwrap_or(buf.len());
            let chunk = buf.get_mut(..want).unwrap_or_default();
            r.read_exact(chunk)
                .map_err(|_| damaged("fichier tronqué"))?;
            sha.update(&*chunk);
            out.write_all(chunk)
                .map_err(|e| Error::io("impossible d'écrire", &path, e))?;
            left -= want as u64;
        }
        out.sync_all()
            .map_err(|e| Error::io("impossible d'écrire", &path, e))?;
        if hex::encode(sha.finalize()) != f.sha256 {
            return Err(damaged(format!("« {} » altéré", f.name)));
        }
    }
    let mut rest = [0u8; 1];
    if r.read(&mut rest).map_err(|_| damaged("lecture"))? != 0 {
        return Err(damaged("octets en trop"));
    }
    Ok(())
}

fn key_of(staging: &Path, unlock: &Unlock) -> Result<DataKey> {
    match unlock {
        Unlock::Passphrase(p) => {
            let bytes = fs::read(staging.join(KEY_FILE))
                .map_err(|e| Error::io("impossible de lire", staging.join(KEY_FILE), e))?;
            KeyFile::parse(&bytes)?.open(p)
        }
        Unlock::KeyFile(k, p) => k.open(p),
    }
}
