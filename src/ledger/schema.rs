//! Schema versions (`PRAGMA user_version`) and the migrations between them.
//!
//! - v1: the append-only `entries` log (with triggers refusing UPDATE and
//!   DELETE), `meta`, and `pin_attempts`.
//! - v2: query tables derived from the log (`acts`, `followups`), rebuilt
//!   from the entries by the migration.
//! - v3: a partial index of the closure entries, so that reports find the
//!   month closures without scanning the whole log (acts and follow-ups
//!   are not in it, so appending them costs nothing more).
//! - v4: the `acts` table carries everything a monthly report reads
//!   (names, structure, protocol, outcome, payment), so a report never
//!   decodes act payloads. The derived tables are dropped and rebuilt.
//!
//! - v5: a partial index of the entries the registry is folded from
//!   (structure, professionals, bundles, PINs, sign-ins, device key), so
//!   that signing in never scans the acts.
//!
//! - v6: the chain's v2 rule (entries commit to their payload's digest, see
//!   [`super::chain`]) from the next seq on, kept in `meta.chain_v2_from`;
//!   nothing already written is re-hashed.
//!
//! - v7: `entries` rebuilt with the payload last and its digest
//!   (`payload_sha256`, v2 entries only) before it, so that a report reads
//!   a window's links without reading its payloads: SQLite stores a row's
//!   columns in order, and a column after a 4 kB payload is only reached
//!   through the payload's overflow pages. Nothing is re-hashed.
//!
//! - v8: a partial index of the `survey` entries (the professionals'
//!   quarterly questionnaire), so that signing in and a month's report
//!   find them without scanning the acts.
//!
//! - v9: a covering index of each entry's link (`seq`, `kind`, the
//!   payload's digest, `hash`), so that a report reads a window's links
//!   from about 45 links a page instead of the table's 3 entries a page
//!   (each row keeps 1.3 kB of its payload in the table's leaf): in an
//!   encrypted ledger every page read is decrypted and authenticated, and
//!   the links were most of a month's report. An append writes one more
//!   page for it.
//!
//! The derived tables are only ever built from the log by the latest
//! migration that reshapes them (v4), so older steps create them empty.

use rusqlite::{Connection, TransactionBehavior};

use super::index;
use crate::error::{Error, Result};

pub const LATEST: i64 = 9;

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

const V4: &str = "
DROP TABLE followups;
DROP TABLE acts;
CREATE TABLE acts (
    seq                   INTEGER PRIMARY KEY REFERENCES entries(seq),
    id                    TEXT    NOT NULL UNIQUE,
    number                TEXT    NOT NULL,
    year                  INTEGER NOT NULL,
    n                     INTEGER NOT NULL,
    month                 TEXT    NOT NULL,
    occurred_at           TEXT    NOT NULL,
    recorded_at           TEXT    NOT NULL,
    delegue_rpps          TEXT    NOT NULL,
    delegant_rpps         TEXT    NOT NULL,
    taken_in_charge       INTEGER NOT NULL,
    training              INTEGER NOT NULL,
    void_seq              INTEGER REFERENCES entries(seq),
    delegue_name          TEXT    NOT NULL,
    delegue_profession    TEXT,
    delegant_name         TEXT    NOT NULL,
    structure_name        TEXT    NOT NULL,
    structure_postal_code TEXT    NOT NULL,
    structure_finess      TEXT,
    patient_postal_code   TEXT    NOT NULL,
    protocol_id           TEXT    NOT NULL,
    protocol_version      TEXT    NOT NULL,
    protocol_sha256       TEXT    NOT NULL,
    orientation           TEXT,
    urgency               TEXT,
    reasons               TEXT    NOT NULL,
    delegue_cents         INTEGER NOT NULL,
    delegant_cents        INTEGER NOT NULL
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

const V5: &str = "CREATE INDEX entries_registry ON entries(seq) WHERE kind IN ('structure', 'professional', 'bundle', 'pin', 'signin_failed', 'signin_ok', 'device_key');";

const V6: &str = "INSERT INTO meta (key, value) SELECT 'chain_v2_from', CAST(COALESCE(MAX(seq), 0) + 1 AS TEXT) FROM entries;";

const V7: &str = "
CREATE TABLE entries_v7 (
    seq            INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL,
    prev_hash      BLOB    NOT NULL,
    hash           BLOB    NOT NULL,
    payload_sha256 BLOB,
    payload        BLOB    NOT NULL
) STRICT;
";

const V8: &str = "CREATE INDEX entries_surveys ON entries(seq) WHERE kind = 'survey';";

const V9: &str = "CREATE INDEX entries_links ON entries(seq, kind, payload_sha256, hash);";

/// After the rows are copied: the new table takes the old one's name, its
/// triggers and its indexes.
const V7_SWAP: &str = "
DROP TABLE entries;
ALTER TABLE entries_v7 RENAME TO entries;
CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
BEGIN SELECT RAISE(ABORT, 'protocoop: ledger entries are append-only'); END;
CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
BEGIN SELECT RAISE(ABORT, 'protocoop: ledger entries are append-only'); END;
CREATE INDEX entries_closures ON entries(seq) WHERE kind = 'closure';
CREATE INDEX entries_registry ON entries(seq) WHERE kind IN ('structure', 'professional', 'bundle', 'pin', 'signin_failed', 'signin_ok', 'device_key');
";

/// Copies every entry into `entries_v7`, byte for byte, with the digest of
/// each v2 entry's payload.
fn copy_entries_v7(tx: &rusqlite::Transaction) -> Result<()> {
    let v2_from = super::chain::v2_from(tx)?;
    let mut read =
        tx.prepare("SELECT seq, kind, prev_hash, hash, payload FROM entries ORDER BY seq")?;
    let mut write = tx.prepare(
        "INSERT INTO entries_v7 (seq, kind, prev_hash, hash, payload_sha256, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let value = |i| r.get::<_, rusqlite::types::Value>(i);
        let payload = r.get_ref(4)?.as_blob().unwrap_or(&[]);
        let digest = u64::try_from(seq)
            .is_ok_and(|s| s >= v2_from)
            .then(|| super::chain::payload_digest(payload));
        write.execute(rusqlite::params![
            seq,
            value(1)?,
            value(2)?,
            value(3)?,
            digest.as_ref().map(|d| &d[..]),
            value(4)?
        ])?;
    }
    Ok(())
}

/// A ledger written by a later protocoop.
pub(super) fn too_new(version: i64) -> Error {
    Error::Storage(format!(
        "ce registre (schéma v{version}) vient d'une version plus récente de protocoop : mettez protocoop à jour"
    ))
}

/// Brings the database to [`LATEST`], one version at a time.
///
/// A file that is not a ledger of a known version (a negative or unknown
/// version, tables where a new file has none, a schema that does not match
/// its version) is refused with [`Error::Damaged`] and left untouched: every
/// step runs in one transaction.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    // Each round raises the version by one, so at most LATEST rounds.
    for _ in 0..=LATEST {
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > LATEST {
            return Err(too_new(version));
        }
        if version == LATEST {
            return expect_tables(conn, version);
        }
        if version < 0 {
            return Err(foreign(format!("version de schéma {version} inconnue")));
        }
        // v7 replaces `entries`, which the derived tables reference:
        // foreign keys can only be switched off outside a transaction, and
        // are checked again before it commits.
        if version == 6 {
            conn.pragma_update(None, "foreign_keys", "OFF")?;
        }
        let stepped = step(conn, version);
        if version == 6 {
            conn.pragma_update(None, "foreign_keys", "ON")?;
        }
        stepped?;
    }
    Err(foreign("migration sans fin".into()))
}

/// Raises the schema from `version` by one, in one transaction.
fn step(conn: &mut Connection, version: i64) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Re-read under the write lock: another process may have migrated.
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current == version {
        let sql = match version {
            0 => {
                let tables: i64 =
                    tx.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get(0))?;
                if tables > 0 {
                    return Err(foreign(
                        "le fichier contient déjà des tables sans être un registre".into(),
                    ));
                }
                V1
            }
            1 => V2,
            2 => V3,
            3 => V4,
            4 => V5,
            5 => V6,
            6 => V7,
            7 => V8,
            8 => V9,
            _ => return Err(foreign(format!("version de schéma {version} inconnue"))),
        };
        expect_tables(&tx, version)?;
        tx.execute_batch(sql).map_err(|_| {
            foreign(format!(
                "ses tables ne correspondent pas à la version {version} qu'il annonce"
            ))
        })?;
        if version == 3 {
            index::rebuild(&tx)?;
        }
        if version == 6 {
            copy_entries_v7(&tx)?;
            tx.execute_batch(V7_SWAP)?;
            if tx
                .prepare("PRAGMA foreign_key_check")?
                .query([])?
                .next()?
                .is_some()
            {
                return Err(foreign(
                    "des lignes dérivées ne renvoient à aucune entrée".into(),
                ));
            }
        }
        tx.pragma_update(None, "user_version", version + 1)?;
    }
    tx.commit()?;
    Ok(())
}

/// The tables a ledger of `version` has, and the indexes queries name
/// (`INDEXED BY`), checked before anything is read or written: a file
/// whose version was changed by hand, or whose index was dropped, is
/// refused rather than failing later with SQLite's words.
fn expect_tables(conn: &Connection, version: i64) -> Result<()> {
    let tables: &[&str] = match version {
        0 => &[],
        1 => &["entries", "meta", "pin_attempts"],
        _ => &["entries", "meta", "pin_attempts", "acts", "followups"],
    };
    let indexes: &[&str] = if version >= 9 {
        &["entries_links"]
    } else {
        &[]
    };
    let expected = tables
        .iter()
        .map(|t| ("table", *t))
        .chain(indexes.iter().map(|i| ("index", *i)));
    for (kind, name) in expected {
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = ?1 AND name = ?2",
            [kind, name],
            |r| r.get(0),
        )?;
        if n != 1 {
            let what = if kind == "table" {
                "la table"
            } else {
                "l'index"
            };
            return Err(foreign(format!(
                "{what} « {name} » de la version {version} manque"
            )));
        }
    }
    Ok(())
}

fn foreign(why: String) -> Error {
    Error::Damaged(format!(
        "ce fichier n'est pas un registre protocoop, ou il a été modifié hors de protocoop ({why}) : rien n'a été modifié"
    ))
}

/// Creates a v1 database (only for building the migration test fixture).
#[doc(hidden)]
pub fn create_v1(conn: &Connection) -> Result<()> {
    conn.execute_batch(V1)?;
    conn.pragma_update(None, "user_version", 1)?;
    Ok(())
}

/// Brings a v1 database to v3 with its derived tables filled as v3 left
/// them (only for the v3 → v4 migration test).
#[doc(hidden)]
pub fn upgrade_v1_to_v3_for_tests(conn: &Connection) -> Result<()> {
    conn.execute_batch(V2)?;
    conn.execute_batch(V3)?;
    conn.execute_batch(
        "INSERT INTO acts SELECT seq, json_extract(payload, '$.id'), json_extract(payload, '$.number'),
            CAST(substr(json_extract(payload, '$.number'), 1, 4) AS INTEGER),
            CAST(substr(json_extract(payload, '$.number'), 6) AS INTEGER),
            substr(json_extract(payload, '$.occurred_at'), 1, 7),
            json_extract(payload, '$.occurred_at'), json_extract(payload, '$.recorded_at'),
            json_extract(payload, '$.delegue.rpps'), json_extract(payload, '$.delegant.rpps'),
            json_extract(payload, '$.outcome.taken_in_charge'), json_extract(payload, '$.training'),
            NULL
          FROM entries WHERE kind = 'act';
         INSERT INTO followups SELECT seq, json_extract(payload, '$.act_id'),
            json_extract(payload, '$.event.type') FROM entries WHERE kind = 'followup';",
    )?;
    conn.pragma_update(None, "user_version", 3)?;
    Ok(())
}
