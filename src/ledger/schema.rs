//! Schema versions (`PRAGMA user_version`) and the migrations between them.
//!
//! - v1: the append-only `entries` log (with triggers refusing UPDATE and
//!   DELETE), `meta`, and `pin_attempts`.
//! - v2: query tables derived from the log (`acts`, `followups`), rebuilt
//!   from the entries by the migration.
//! - v3: a partial index of the closure entries, so that reports find the
//!   month closures without scanning the whole log (acts and follow-ups
//!   are not in it, so appending them costs nothing more).

use rusqlite::{Connection, TransactionBehavior};

use super::index;
use crate::error::{Error, Result};

pub const LATEST: i64 = 3;

const V1: &str = "
CREATE TABLE entries (
    seq       INTEGER PRIMARY KEY,
    kind      TEXT    NOT NULL,
    payload   BLOB    NOT NULL,
    prev_hash BLOB    NOT NULL,
    hash      BLOB    NOT NULL
) STRICT;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'protocoop: ledger entries are append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'protocoop: ledger entries are append-only'); END;
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE pin_attempts (
    rpps         TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TEXT
) STRICT;
";

const V2: &str = "
CREATE TABLE acts (
    seq             INTEGER PRIMARY KEY REFERENCES entries(seq),
    id              TEXT    NOT NULL UNIQUE,
    number          TEXT    NOT NULL,
    year            INTEGER NOT NULL,
    n               INTEGER NOT NULL,
    month           TEXT    NOT NULL,
    occurred_at     TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    delegue_rpps    TEXT    NOT NULL,
    delegant_rpps   TEXT    NOT NULL,
    taken_in_charge INTEGER NOT NULL,
    training        INTEGER NOT NULL,
    void_seq        INTEGER REFERENCES entries(seq)
) STRICT;
CREATE INDEX acts_month ON acts(month);
CREATE UNIQUE INDEX acts_year_n ON acts(year, n);
CREATE TABLE followups (
    seq    INTEGER PRIMARY KEY REFERENCES entries(seq),
    act_id TEXT NOT NULL REFERENCES acts(id),
    type   TEXT NOT NULL
) STRICT;
CREATE INDEX followups_act ON followups(act_id);
";

const V3: &str = "CREATE INDEX entries_closures ON entries(seq) WHERE kind = 'closure';";

/// Brings the database to [`LATEST`], one version at a time.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version >= LATEST {
            if version > LATEST {
                return Err(Error::Storage(format!(
                    "ce registre (schéma v{version}) vient d'une version plus récente de protocoop : mettez protocoop à jour"
                )));
            }
            return Ok(());
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read under the write lock: another process may have migrated.
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current == version {
            match version {
                0 => tx.execute_batch(V1)?,
                1 => {
                    tx.execute_batch(V2)?;
                    index::rebuild(&tx)?;
                }
                2 => tx.execute_batch(V3)?,
                _ => unreachable!("versions below LATEST all have a migration"),
            }
            tx.pragma_update(None, "user_version", version + 1)?;
        }
        tx.commit()?;
    }
}

/// Creates a v1 database (only for building the migration test fixture).
#[doc(hidden)]
pub fn create_v1(conn: &Connection) -> Result<()> {
    conn.execute_batch(V1)?;
    conn.pragma_update(None, "user_version", 1)?;
    Ok(())
}
