//! The folder where each month closure writes a backup (a second disk, a
//! network share), when the structure set one: kept in `sauvegarde.toml`
//! in the data folder, read by the kiosk and the CLI alike.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Written;
use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};
use crate::ledger::Ledger;

pub const FILE: &str = "sauvegarde.toml";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// Where a backup goes after each month closure.
    apres_cloture: PathBuf,
}

/// A backup's file name, for the day and time it was written (Paris):
/// `protocoop-sauvegarde-2026-12-01-09h30.pcbk`.
pub fn file_name(now: DateTime<Utc>) -> String {
    let local = now.with_timezone(&chrono_tz::Europe::Paris);
    format!(
        "protocoop-sauvegarde-{}.pcbk",
        local.format("%Y-%m-%d-%Hh%M")
    )
}

/// The folder set for backups after a closure, if any.
pub fn after_closure(data_dir: &Path) -> Result<Option<PathBuf>> {
    let path = data_dir.join(FILE);
    let bytes = match crate::files::read_limited(&path, 16 * 1024) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io("impossible de lire", &path, e)),
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::input("sauvegarde", "réglage de sauvegarde illisible (UTF-8)"))?;
    let c: Config = toml::from_str(&text).map_err(|e| {
        Error::input(
            "sauvegarde",
            format!("réglage de sauvegarde illisible : {}", e.message()),
        )
    })?;
    Ok(Some(c.apres_cloture))
}

/// Sets (or, with `None`, removes) the folder for backups after a closure.
/// The folder must exist, be given in full and accept files: checked now,
/// not at the end of the month.
pub fn set_after_closure(data_dir: &Path, folder: Option<&Path>) -> Result<()> {
    let path = data_dir.join(FILE);
    let Some(folder) = folder else {
        return match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io("impossible de supprimer", &path, e)),
        };
    };
    if !folder.is_absolute() {
        return Err(Error::input(
            "dossier",
            format!(
                "« {} » n'est pas un chemin complet : il doit commencer par / (par exemple /mnt/partage/protocoop)",
                folder.display()
            ),
        ));
    }
    if !folder.is_dir() {
        return Err(Error::input(
            "dossier",
            format!("le dossier « {} » n'existe pas", folder.display()),
        ));
    }
    if folder.starts_with(data_dir) {
        return Err(Error::input(
            "dossier",
            "une sauvegarde dans le dossier de données se perd avec l'appareil : choisissez un autre disque",
        ));
    }
    crate::files::check_output(&folder.join("protocoop-sauvegarde.pcbk"))?;
    let text = toml::to_string(&Config {
        apres_cloture: folder.to_path_buf(),
    })
    .map_err(|e| Error::Storage(format!("réglage de sauvegarde : {e}")))?;
    write_atomic(&path, text.as_bytes(), Access::Private)
}

/// Writes the backup a closure owes to the folder set, if one is: `None`
/// when none is set. Called once the closure is recorded; a failure here
/// leaves the closure as it is and is said to the person.
pub fn after_closure_backup(ledger: &Ledger, now: DateTime<Utc>) -> Option<Result<Written>> {
    let folder = match after_closure(ledger.dir()) {
        Ok(Some(f)) => f,
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    if !folder.is_dir() {
        return Some(Err(Error::io(
            "dossier de sauvegarde introuvable (disque débranché ?)",
            folder,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        )));
    }
    Some(super::write(ledger, &folder.join(file_name(now)), now))
}
