//! Opening the SQLite file: owner-only permissions, WAL, `synchronous=FULL`,
//! in a time independent of its size, and SQLite errors turned into messages a pharmacist
//! can act on.

use std::fs::{self, OpenOptions};
use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};

use crate::crypto::DataKey;
use crate::error::{Error, Result};

impl From<rusqlite::Error> for Error {
    /// SQLite's messages are English and technical: each is said in French,
    /// with what to do. A failure that may be a full disk is refined by
    /// [`refine`], which knows the folder.
    fn from(e: rusqlite::Error) -> Error {
        let (code, extended) = match &e {
            rusqlite::Error::SqliteFailure(f, _) => (Some(f.code), f.extended_code),
            _ => (None, 0),
        };
        match code {
            Some(ErrorCode::DiskFull) => Error::DiskFull,
            Some(ErrorCode::ReadOnly) => Error::Storage(
                "le registre est en lecture seule : rien n'a été enregistré. Vérifiez les droits du dossier de données.".into(),
            ),
            Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => Error::Storage(
                "impossible d'ouvrir le registre : vérifiez que le dossier de données existe et est accessible en écriture.".into(),
            ),
            Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => Error::Storage(
                "le registre est occupé par un autre programme : réessayez dans un instant.".into(),
            ),
            Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => Error::Damaged(
                "ce fichier n'est pas un registre protocoop, ou il est endommagé : rien n'a été modifié ; restaurez la dernière sauvegarde".into(),
            ),
            Some(ErrorCode::SystemIoFailure) => Error::Storage(
                "erreur de lecture ou d'écriture sur le disque : rien n'a été enregistré. Vérifiez le disque, puis recommencez.".into(),
            ),
            Some(ErrorCode::ConstraintViolation) => Error::Storage(
                "écriture refusée par le registre (contrôle d'intégrité) : rien n'a été enregistré".into(),
            ),
            Some(ErrorCode::OutOfMemory) => {
                Error::Storage("mémoire insuffisante : rien n'a été enregistré".into())
            }
            Some(_) => Error::Storage(format!(
                "erreur inattendue du registre (code SQLite {extended}) : rien n'a été enregistré"
            )),
            // A value of the wrong type or shape in a table: stored data
            // that protocoop did not write.
            None => Error::Damaged(
                "une donnée du registre n'a pas la forme attendue : le fichier a été modifié hors de protocoop ; restaurez la dernière sauvegarde".into(),
            ),
        }
    }
}

/// SQLite's own check of the whole file (pages, indexes): `None` if sound,
/// else its first complaint.
pub(super) fn file_damage(conn: &Connection) -> Result<Option<String>> {
    let check: String = conn.query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))?;
    Ok((check != "ok").then_some(check))
}

/// Below this much free space, a failed write is a full disk: SQLite then
/// reports a generic I/O error rather than « disk full » (its journal and
/// shared-memory files fail first).
const NEARLY_FULL_BYTES: u64 = 1024 * 1024;

/// Says « disque plein » for a failed write on a nearly full disk, whatever
/// SQLite called it.
pub(super) fn refine(dir: &Path, e: Error) -> Error {
    match e {
        Error::Storage(_) | Error::Io { .. }
            if crate::files::available_bytes(dir).is_some_and(|b| b < NEARLY_FULL_BYTES) =>
        {
            Error::DiskFull
        }
        other => other,
    }
}

/// A file or folder copied or restored with looser permissions is made
/// owner-only again (best effort: on a read-only disk the open fails later
/// with its own message).
fn tighten(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = fs::symlink_metadata(path)
            && !meta.file_type().is_symlink()
            && meta.permissions().mode() & 0o077 != 0
        {
            let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Creates the data folder (0700) and the database file (0600) if needed;
/// an existing folder, database or anchor file readable by others is
/// tightened. SQLite gives its -wal and -shm files the database's
/// permissions.
pub(super) fn create_private(dir: &Path, db: &Path) -> Result<()> {
    if !dir.exists() {
        crate::files::create_private_dir(dir, "impossible de créer le dossier de données")?;
    }
    tighten(dir, 0o700);
    for anchor in [super::anchors::HEAD_FILE, super::anchors::CLOSURES_FILE] {
        tighten(&dir.join(anchor), 0o600);
    }
    for side in ["-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(side);
        tighten(Path::new(&name), 0o600);
    }
    if db.exists() {
        tighten(db, 0o600);
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
    Error::ReadOnly(dir.to_path_buf())
}

/// A second, read-only connection to an open ledger's database, for a
/// read on another thread (the writer's connection already set WAL).
pub(super) fn connect_reader(db: &Path, key: Option<&DataKey>) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, key)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    Ok(conn)
}

/// Gives SQLCipher the data key (a raw 256-bit key: no key derivation at
/// each connection), then reads the schema, where a wrong key shows.
/// `None` only for a benchmark's clear database.
pub(super) fn apply_key(conn: &Connection, key: Option<&DataKey>) -> Result<()> {
    quiet(conn)?;
    if let Some(key) = key {
        conn.pragma_update(None, "key", &*key.sqlcipher_key())?;
    }
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(f, _)) if f.code == ErrorCode::NotADatabase => {
            Err(Error::Damaged(
                "le registre ne s'ouvre pas avec la clé gardée dans son dossier : rien n'a été modifié ; restaurez la dernière sauvegarde".into(),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// SQLCipher writes its own errors (a wrong key, a damaged page) to the
/// standard error in English; protocoop says them in French.
pub(super) fn quiet(conn: &Connection) -> Result<()> {
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))
        .optional()?;
    Ok(())
}

/// Opens the database with the settings every connection must have.
pub(super) fn connect(db: &Path, key: Option<&DataKey>) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    apply_key(&conn, key)?;
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
    // No whole-file check here: it takes minutes on a large ledger, and a
    // damaged page is reported by SQLite when it is read. `verify` runs
    // SQLite's full integrity check before recomputing the chain.
    Ok(conn)
}
