//! The act ledger: a local, tamper-evident record of everything done under
//! the protocol on this device.
//!
//! - [`store`]: SQLite file (SQLCipher key), permissions, pragmas, error messages;
//! - [`encrypt`]: a clear ledger encrypted in place; [`key_file`]: the
//!   data key under the passphrase, and its escrow to the CPTS;
//! - [`schema`]: versions and migrations;
//! - [`entry`]: the kinds of entries; [`chain`]: the append-only,
//!   hash-chained log of them;
//! - [`index`]: query tables derived from the log, and [`derived`]: the
//!   check that they say what the entries say;
//! - [`registry`], [`acts`], [`followups`], [`closure`]: what is appended;
//! - [`facts`] and [`report_rows`]: what monthly reports read;
//! - [`verify`] and [`anchors`]: proving nothing was changed or removed.

mod act_columns;
mod acts;
pub mod anchors;
mod calls;
pub mod chain;
mod closure;
mod derived;
pub mod device_key;
pub mod encrypt;
pub mod entry;
pub mod facts;
mod followup_record;
mod followups;
mod history;
mod index;
pub mod key_file;
mod registry;
mod report_rows;
pub mod schema;
pub mod search;
mod store;
mod survey_record;
mod surveys;
pub mod verify;

pub use acts::{ActStatus, ActSummary, ActView, LoggedFollowup};
pub use closure::{ClosureRecord, ReadsSeal};
pub use facts::ActFacts;
pub use followups::{
    AdverseNature, Authenticated, FollowupEvent, FollowupRecord, Severity, document_title,
    type_label, withdrawn,
};
pub use report_rows::{ActRow, FollowupRow, MonthReads};
pub use survey_record::{SurveyRecord, SurveyResponse};

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

use crate::crypto::DataKey;
use crate::error::{Error, Result};
use entry::{Kind, Typed};

/// The database file inside the data folder.
pub const DB_FILE: &str = "ledger.sqlite";

/// What an append returns: enough to find the entry again and to check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub id: String,
    pub number: String,
    pub seq: u64,
    pub hash: String,
}

/// The first entry: who this device is.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct GenesisRecord {
    v: u32,
    device_id: String,
    created_at: DateTime<Utc>,
    software: String,
}

/// An open ledger in a data folder.
pub struct Ledger {
    conn: Connection,
    dir: PathBuf,
    device_id: String,
    /// The data key: every connection and the device key need it.
    key: DataKey,
    /// The database itself is not encrypted: benchmarks only
    /// ([`Ledger::open_clear_for_benchmarks`]).
    clear_db: bool,
}

/// See [`Ledger::links_reader`]: entries are never changed once written,
/// so links read on either connection are the same.
pub struct LinksReader {
    conn: Connection,
}

impl LinksReader {
    /// [`Ledger::links`], on this connection.
    pub fn links(&self, first: u64, last: u64) -> Result<Vec<chain::Link>> {
        chain::links(&self.conn, first, last)
    }
}

/// The data folder: `--data-dir`, else `PROTOCOOP_DATA_DIR` (both handled by
/// the caller), else the OS's per-user data folder.
pub fn default_data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("fr", "protocoop", "protocoop")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            Error::input(
                "--data-dir",
                "dossier personnel introuvable : indiquez le dossier de données avec --data-dir",
            )
        })
}

impl Ledger {
    /// Opens the ledger in `dir`, creating the folder, the database and the
    /// genesis entry on first use: for a first setup only (the kiosk's
    /// first start, `structure set`); every other use goes through
    /// [`Ledger::open_existing`], so that a mistyped folder is never
    /// silently made into a new, empty device.
    ///
    /// The database is encrypted with `key` (SQLCipher); a ledger written
    /// before encryption is encrypted in place first (see [`encrypt`]).
    /// The shells get the key from the structure's passphrase
    /// ([`crate::vault::open_ledger`]).
    pub fn open(dir: &Path, key: &DataKey, now: DateTime<Utc>) -> Result<Ledger> {
        Ledger::open_in(dir, key, now, false).map_err(|e| store::refine(dir, e))
    }

    /// A ledger whose database is **not** encrypted (the device key still
    /// is), as every ledger was before encryption at rest: for benchmarks
    /// only, which measure what encryption costs side by side. No shell
    /// calls it; a later [`Ledger::open`] of the folder encrypts it.
    #[doc(hidden)]
    pub fn open_clear_for_benchmarks(
        dir: &Path,
        key: &DataKey,
        now: DateTime<Utc>,
    ) -> Result<Ledger> {
        Ledger::open_in(dir, key, now, true)
    }

    fn open_in(dir: &Path, key: &DataKey, now: DateTime<Utc>, clear_db: bool) -> Result<Ledger> {
        let db = dir.join(DB_FILE);
        store::create_private(dir, &db)?;
        store::check_writable(dir)?;
        let db_key = (!clear_db).then_some(key);
        if let Some(key) = db_key {
            encrypt::finish_interrupted(&db);
            if encrypt::is_clear(&db)? {
                encrypt::in_place(&db, key)?;
            }
        }
        let mut conn = store::connect(&db, db_key)?;
        schema::migrate(&mut conn)?;
        let mut ledger = Ledger {
            conn,
            dir: dir.to_path_buf(),
            device_id: String::new(),
            key: key.clone(),
            clear_db,
        };
        ledger.device_id = ledger.ensure_genesis(now)?;
        // A new device gets its key pair at its first setup; the public key
        // enters the log when first needed (`device show`, `bundle apply`),
        // as it does for an older ledger.
        if ledger.len()? == 1 {
            device_key::create_file(dir, key)?;
        }
        device_key::encrypt_clear_file(dir, key)?;
        Ledger::tighten_key(dir);
        Ok(ledger)
    }

    /// Opens an existing ledger; refuses a missing folder or a folder with
    /// no ledger, and creates nothing.
    pub fn open_existing(dir: &Path, key: &DataKey, now: DateTime<Utc>) -> Result<Ledger> {
        if !dir.join(DB_FILE).is_file() {
            return Err(Error::NoDataDir(dir.to_path_buf()));
        }
        Ledger::open(dir, key, now)
    }

    /// The data key this ledger was opened with (for a backup).
    pub fn data_key(&self) -> &DataKey {
        &self.key
    }

    /// The key of the database's connections: none for a benchmark's clear
    /// database.
    fn db_key(&self) -> Option<&DataKey> {
        (!self.clear_db).then_some(&self.key)
    }

    /// Copies the database to `to` with SQLite's online backup (a
    /// consistent snapshot, even while another process appends), still
    /// encrypted with the data key; returns its entry count and head hash.
    pub fn snapshot_to(&self, to: &Path) -> Result<(u64, String)> {
        let _ = std::fs::remove_file(to);
        drop(crate::files::create_private_file(to)?);
        let mut dst = rusqlite::Connection::open(to)?;
        store::apply_key(&dst, self.db_key())?;
        rusqlite::backup::Backup::new(&self.conn, &mut dst)?.run_to_completion(
            256,
            std::time::Duration::ZERO,
            None,
        )?;
        let (seq, hash): (i64, Vec<u8>) = dst.query_row(
            "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((u64::try_from(seq).unwrap_or(0), hex::encode(hash)))
    }

    /// A key file copied with looser permissions is made owner-only again.
    fn tighten_key(dir: &Path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.join(device_key::DEVICE_KEY_FILE);
            if let Ok(meta) = std::fs::symlink_metadata(&path)
                && meta.is_file()
                && meta.permissions().mode() & 0o077 != 0
            {
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
            }
        }
        #[cfg(not(unix))]
        let _ = dir;
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn ensure_genesis(&mut self, now: DateTime<Utc>) -> Result<String> {
        let existing: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(id) = existing {
            return Ok(id);
        }
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes)
            .map_err(|e| Error::Storage(format!("générateur aléatoire indisponible : {e}")))?;
        let candidate = hex::encode(bytes);
        self.write(|tx| {
            // Another process may have created it meanwhile.
            let existing: Option<String> = tx
                .query_row("SELECT value FROM meta WHERE key = 'device_id'", [], |r| {
                    r.get(0)
                })
                .optional()?;
            if let Some(id) = existing {
                return Ok(id);
            }
            let g = GenesisRecord {
                v: 1,
                device_id: candidate.clone(),
                created_at: now,
                software: format!("protocoop {}", env!("CARGO_PKG_VERSION")),
            };
            chain::append(tx, Kind::Genesis, &to_bytes(&g), Typed::Unknown)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('device_id', ?1)",
                [&candidate],
            )?;
            Ok(candidate.clone())
        })
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction, commits, then refreshes
    /// the head anchor. Either everything `f` wrote is committed or nothing.
    fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let dir = self.dir.clone();
        let result = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            let (seq, hash) = chain::head(&tx)?;
            tx.commit()?;
            Ok((out, seq, hash))
        })();
        let (out, seq, hash) = result.map_err(|e| store::refine(&dir, e))?;
        if seq > 0 {
            anchors::write_head(&self.dir, seq, &hex::encode(hash));
        }
        Ok(out)
    }

    /// Appends one entry of `kind` in its own transaction.
    fn append(&mut self, kind: Kind, payload: &[u8]) -> Result<(u64, String)> {
        self.write(|tx| {
            chain::append(tx, kind, payload, Typed::Unknown).map(|(s, h)| (s, hex::encode(h)))
        })
    }

    /// Recomputes the chain and compares it with the external anchors, then
    /// checks that every CPTS bundle in the log follows the one before
    /// (same pinned key, growing serial).
    pub fn verify(&self) -> Result<verify::Report> {
        let mut report = verify::verify(&self.conn, &self.dir)?;
        if report.ok
            && let Err(p) = registry::fold_checked(&self.conn)?
        {
            report.ok = false;
            report.problem = Some(verify::Problem {
                seq: p.seq,
                what: "bundle",
                message: p.message,
            });
        }
        Ok(report)
    }

    /// Number of entries in the log.
    /// The number of entries: the last seq, since seqs run 1, 2, … without
    /// a gap (a gap is damage, which `verify` names). Counting rows would
    /// read the whole log, and this runs at every open.
    pub fn len(&self) -> Result<u64> {
        Ok(chain::head(&self.conn)?.0)
    }

    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// The last entry's seq and hash (hex); `(0, zeros)` for an empty log.
    pub fn head(&self) -> Result<(u64, String)> {
        let (seq, hash) = chain::head(&self.conn)?;
        Ok((seq, hex::encode(hash)))
    }

    /// The links of entries `first..=last` (what a report shows of them).
    pub fn links(&self, first: u64, last: u64) -> Result<Vec<chain::Link>> {
        chain::links(&self.conn, first, last)
    }

    /// A read-only view of this ledger on a connection of its own, that
    /// another thread can read from while this one reads too.
    pub fn links_reader(&self) -> Result<LinksReader> {
        Ok(LinksReader {
            conn: store::connect_reader(&self.dir.join(DB_FILE), self.db_key())?,
        })
    }

    /// The hash (hex) of entry `seq`.
    pub fn hash_at(&self, seq: u64) -> Result<Option<String>> {
        let h: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT hash FROM entries WHERE seq = ?1")?
            .query_row([seq as i64], |r| r.get(0))
            .optional()?;
        Ok(h.map(hex::encode))
    }

    /// The raw connection, for benchmarks and tamper tests only.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Canonical bytes of a payload: serde_json of a struct (fixed field order,
/// no spaces), amounts in cents, UTC RFC 3339 times.
fn to_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("ledger payloads always serialize")
}
