//! The CPTS database: its folder (0700) and file (0600), because reports
//! name professionals and carry pay; the imported reports exactly as
//! received; a few settings.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};

pub const DB_FILE: &str = "cpts.sqlite";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS reports (
    id              INTEGER PRIMARY KEY,
    device_id       TEXT    NOT NULL,
    month           TEXT    NOT NULL,
    content_sha256  TEXT    NOT NULL UNIQUE,
    closure_seq     INTEGER NOT NULL,
    first_seq       INTEGER NOT NULL,
    last_seq        INTEGER NOT NULL,
    head_hash       TEXT    NOT NULL,
    prev_month      TEXT,
    body            TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    imported_at     TEXT    NOT NULL,
    UNIQUE (device_id, month)
) STRICT;
CREATE TABLE IF NOT EXISTS report_links (
    device_id TEXT    NOT NULL,
    epoch     TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    hash      TEXT    NOT NULL,
    PRIMARY KEY (device_id, epoch, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS report_acts (
    device_id TEXT    NOT NULL,
    epoch     TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    month     TEXT    NOT NULL,
    PRIMARY KEY (device_id, epoch, seq)
) STRICT;
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
";

/// The registry's append-only log (`super::registry` folds it).
const REGISTRY_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS registry_log (
    seq         INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL
) STRICT;
CREATE TRIGGER IF NOT EXISTS registry_log_no_update BEFORE UPDATE ON registry_log
BEGIN SELECT RAISE(ABORT, 'protocoop: the CPTS registry is append-only'); END;
CREATE TRIGGER IF NOT EXISTS registry_log_no_delete BEFORE DELETE ON registry_log
BEGIN SELECT RAISE(ABORT, 'protocoop: the CPTS registry is append-only'); END;
";

/// The CPTS folder: `--cpts-dir` / `PROTOCOOP_CPTS_DIR` (given by the
/// caller), else `cpts` in the per-user data folder.
pub fn default_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("fr", "protocoop", "protocoop")
        .map(|d| d.data_dir().join("cpts"))
        .ok_or_else(|| {
            Error::input(
                "--cpts-dir",
                "dossier personnel introuvable : indiquez le dossier de la CPTS avec --cpts-dir",
            )
        })
}

/// An open CPTS database.
pub struct CptsDb {
    pub(super) conn: Connection,
}

impl CptsDb {
    /// Opens (creating on first use) the database in `dir`.
    pub fn open(dir: &Path) -> Result<CptsDb> {
        create_private(dir)?;
        let conn = Connection::open(dir.join(DB_FILE))?;
        conn.busy_timeout(Duration::from_secs(30))?;
        let _: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        add_report_columns(&conn)?;
        conn.execute_batch(REGISTRY_SCHEMA)?;
        Ok(CptsDb { conn })
    }

    /// The number of pharmacies in the territory, as the CPTS set it.
    pub fn pharmacies(&self) -> Result<Option<u64>> {
        let v: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM settings WHERE key = 'pharmacies'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(v.and_then(|s| s.parse().ok()))
    }

    pub fn set_pharmacies(&self, n: u64) -> Result<()> {
        if n == 0 {
            return Err(Error::input(
                "--pharmacies",
                "au moins une pharmacie dans le territoire",
            ));
        }
        self.conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('pharmacies', ?1)",
            params![n.to_string()],
        )?;
        Ok(())
    }
}

/// Columns added to `reports` with signed reports (a CPTS folder made by
/// an earlier version gets them, empty: its reports are unsigned).
fn add_report_columns(conn: &Connection) -> Result<()> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('reports')")?;
    let have: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    for (name, def) in [
        ("public_key", "TEXT"),
        ("closure_hash", "TEXT"),
        ("signed", "INTEGER NOT NULL DEFAULT 0"),
        ("confirmed_at", "TEXT"),
    ] {
        if !have.iter().any(|h| h == name) {
            conn.execute_batch(&format!("ALTER TABLE reports ADD COLUMN {name} {def}"))?;
        }
    }
    Ok(())
}

/// Creates the folder (0700) and the database file (0600) before SQLite
/// does, so that they are never readable by others, even for a moment.
fn create_private(dir: &Path) -> Result<()> {
    if !dir.exists() {
        crate::files::create_private_dir(dir, "impossible de créer le dossier de la CPTS")?;
    }
    let db = dir.join(DB_FILE);
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(&db)
        .map(|_| ())
        .map_err(|e| Error::io("impossible de créer la base de la CPTS", &db, e))
}
