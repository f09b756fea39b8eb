//! Opening the SQLite file: owner-only permissions, WAL, `synchronous=FULL`,
//! an integrity check, and SQLite errors turned into messages a pharmacist
//! can act on.

use std::fs::{self, OpenOptions};
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::{Error, Result};

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        let code = match &e {
            rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
            _ => None,
        };
        match code {
            Some(ErrorCode::DiskFull) => Error::Storage(
                "disque plein : rien n'a été enregistré. Libérez de la place puis recommencez.".into(),
            ),
            Some(ErrorCode::ReadOnly) => Error::Storage(
                "le dossier de données est en lecture seule : rien n'a été enregistré. Vérifiez les droits du dossier.".into(),
            ),
            Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => Error::Storage(
                "impossible d'ouvrir le registre : vérifiez que le dossier de données existe et est accessible en écriture.".into(),
            ),
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => Error::Storage(
                "le registre est occupé par un autre programme : réessayez dans un instant.".into(),
            ),
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
                Error::Corrupt(format!("{e} — restaurez la dernière sauvegarde"))
            }
            _ => Error::Storage(e.to_string()),
        }
    }
}

/// A database copied or restored with looser permissions is made
/// owner-only again (best effort: on a read-only disk the open fails later
/// with its own message). SQLite gives its -wal and -shm files the
/// database's permissions.
fn tighten(db: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = fs::metadata(db)
            && meta.permissions().mode() & 0o077 != 0
        {
            let _ = fs::set_permissions(db, fs::Permissions::from_mode(0o600));
        }
    }
    #[cfg(not(unix))]
    let _ = db;
}

/// Creates the data folder (0700) and the database file (0600) if needed.
pub(super) fn create_private(dir: &Path, db: &Path) -> Result<()> {
    if !dir.exists() {
        crate::files::create_private_dir(dir, "impossible de créer le dossier de données")?;
    }
    if db.exists() {
        tighten(db);
        return Ok(());
    }
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(db) {
        Ok(_) => Ok(()),
        // Another process created it meanwhile.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            Err(read_only(dir))
        }
        Err(e) => Err(Error::io("impossible de créer le registre", db, e)),
    }
}

/// Says plainly when the folder cannot be written, rather than letting
/// SQLite report « unable to open database file » at the first append.
pub(super) fn check_writable(dir: &Path) -> Result<()> {
    let probe = dir.join(".protocoop-write-test");
    match OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            Err(read_only(dir))
        }
        Err(e) => Err(Error::io(
            "impossible d'écrire dans le dossier de données",
            dir,
            e,
        )),
    }
}

fn read_only(dir: &Path) -> Error {
    Error::Storage(format!(
        "le dossier de données « {} » est en lecture seule : rien n'a été enregistré. Vérifiez les droits du dossier ou choisissez-en un autre (--data-dir).",
        dir.display()
    ))
}

/// Opens the database with the settings every connection must have.
pub(super) fn connect(db: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Another process appending holds the write lock for milliseconds;
    // waiting is better than failing an act at the counter.
    conn.busy_timeout(Duration::from_secs(30))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Storage(format!(
            "journal WAL indisponible (mode « {mode} ») : placez le dossier de données sur un disque local"
        )));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(Error::Corrupt(format!(
            "contrôle d'intégrité SQLite en échec ({check}) — restaurez la dernière sauvegarde"
        )));
    }
    Ok(conn)
}
