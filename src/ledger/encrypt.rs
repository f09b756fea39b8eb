//! Encrypting, in place, a ledger written before encryption at rest.
//!
//! The clear database first leaves WAL mode (its log is checkpointed into
//! the file and removed, so no clear `-wal` can later be replayed over the
//! encrypted file), then SQLCipher's `sqlcipher_export` copies it into
//! `ledger.sqlite.encrypting`, which is synced and renamed over the
//! original: a rename is atomic, so an interruption at any moment leaves
//! either the clear ledger (and a partial copy, removed at the next open)
//! or the encrypted one — never neither.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, params};

use crate::crypto::DataKey;
use crate::error::{Error, Result};

/// The first bytes of every clear SQLite file; an encrypted one starts
/// with its random salt.
const CLEAR_HEADER: &[u8; 16] = b"SQLite format 3\0";

fn partial(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".encrypting");
    PathBuf::from(name)
}

/// Removes what an interrupted encryption left (the original is intact).
pub(super) fn finish_interrupted(db: &Path) {
    let _ = fs::remove_file(partial(db));
}

/// Whether the database file is a clear SQLite file (the one place that
/// knows what « clear » looks like: `vault::state` asks it too).
pub fn is_clear(db: &Path) -> Result<bool> {
    let mut head = [0u8; 16];
    match File::open(db).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)) {
        Ok(()) => Ok(&head == CLEAR_HEADER),
        // Empty or shorter than a header: a new ledger, not a clear one.
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(Error::io("impossible de lire le registre", db, e)),
    }
}

/// Encrypts the clear ledger `db` with `key`, atomically.
pub(super) fn in_place(db: &Path, key: &DataKey) -> Result<()> {
    let tmp = partial(db);
    let _ = fs::remove_file(&tmp);
    {
        let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        super::store::quiet(&conn)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // A ledger of a later version is refused untouched (by the
        // schema's own check, once encrypted, it would be refused too).
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > super::schema::LATEST {
            return Err(super::schema::too_new(version));
        }
        let mode: String = conn.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(Error::Storage(
                "le registre est ouvert par un autre programme : fermez-le, puis recommencez (son chiffrement n'a pas commencé)".into(),
            ));
        }
        create_private(&tmp)?;
        let tmp_text = tmp.to_string_lossy();
        conn.execute(
            "ATTACH DATABASE ?1 AS encrypted KEY ?2",
            params![tmp_text, &*key.sqlcipher_key()],
        )?;
        conn.query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        conn.pragma_update(Some("encrypted"), "user_version", version)?;
        conn.execute("DETACH DATABASE encrypted", [])?;
    }
    File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io("impossible d'écrire le registre chiffré", &tmp, e))?;
    fs::rename(&tmp, db).map_err(|e| Error::io("impossible de remplacer le registre", db, e))?;
    if let Some(dir) = db.parent() {
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

fn create_private(path: &Path) -> Result<()> {
    crate::files::open_private_new(path)
        .map(drop)
        .map_err(|e| Error::io("impossible de créer le registre chiffré", path, e))
}
