//! The hash chain: one append-only, gap-free log of entries.
//!
//! Since schema v6 (from the seq kept in `meta.chain_v2_from`):
//! `hash = SHA-256("protocoop-ledger-v2" ‖ seq ‖ prev_hash ‖ len(kind) ‖
//! kind ‖ SHA-256(payload))`, integers big-endian. The entry commits to its
//! payload's digest, not to the payload, so that the CPTS can recompute the
//! chain of a report's window from `(seq, kind, digest, hash)` alone, without
//! ever seeing a patient (docs/REPORT-FORMAT.md). Entries written before
//! keep the v1 rule, `… ‖ len(payload) ‖ payload`, and are never re-hashed.
//! The payload is stored exactly as hashed (canonical JSON bytes); any later
//! change to any entry breaks every hash after it. Since schema v7 the
//! digest is also stored (`payload_sha256`), so that a report's links are
//! read without the payloads; `verify` checks it against the payload.

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

pub use super::entry::Kind;
use super::entry::Typed;
use super::index;
use crate::error::{Error, Result};
use crate::shared::{Interner, Shared};

const DOMAIN_V1: &[u8] = b"protocoop-ledger-v1";
const DOMAIN_V2: &[u8] = b"protocoop-ledger-v2";

/// The hash of one entry under the current (v2) rule.
pub fn entry_hash(seq: u64, prev_hash: &[u8], kind: &str, payload: &[u8]) -> [u8; 32] {
    entry_hash_of_digest(seq, prev_hash, kind, &payload_digest(payload))
}

/// SHA-256 of a payload: what a v2 entry commits to.
pub fn payload_digest(payload: &[u8]) -> [u8; 32] {
    Sha256::digest(payload).into()
}

/// The v2 hash from the payload's digest: what the CPTS recomputes.
pub fn entry_hash_of_digest(seq: u64, prev_hash: &[u8], kind: &str, digest: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(DOMAIN_V2);
    h.update(seq.to_be_bytes());
    h.update(prev_hash);
    h.update((kind.len() as u32).to_be_bytes());
    h.update(kind.as_bytes());
    h.update(digest);
    h.finalize().into()
}

/// The hash of an entry written before schema v6.
pub fn entry_hash_v1(seq: u64, prev_hash: &[u8], kind: &str, payload: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(DOMAIN_V1);
    h.update(seq.to_be_bytes());
    h.update(prev_hash);
    h.update((kind.len() as u32).to_be_bytes());
    h.update(kind.as_bytes());
    h.update((payload.len() as u64).to_be_bytes());
    h.update(payload);
    h.finalize().into()
}

/// The first seq hashed by the v2 rule (set by the v6 migration: 1 for a
/// ledger created since, the next seq for an older one).
pub fn v2_from(conn: &Connection) -> Result<u64> {
    let v: Option<String> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = 'chain_v2_from'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(1))
}

/// The last entry's seq and hash; `(0, zeros)` for an empty log.
pub(super) fn head(conn: &Connection) -> Result<(u64, [u8; 32])> {
    let row: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        None => Ok((0, [0; 32])),
        Some((seq, hash)) => {
            let len = hash.len();
            let hash: [u8; 32] = hash.try_into().map_err(|_| {
                Error::Corrupt(format!(
                    "entrée {seq} : empreinte de {len} octets au lieu de 32 — rien ne peut être ajouté à sa suite ; la vérification du registre la signale"
                ))
            })?;
            let seq = u64::try_from(seq)
                .map_err(|_| Error::Corrupt(format!("numéro d'entrée {seq} invalide")))?;
            Ok((seq, hash))
        }
    }
}

/// Appends one entry and its derived rows. Must run inside a
/// `BEGIN IMMEDIATE` transaction, so that two writers can never both read
/// the same head and fork the chain.
pub(super) fn append(
    tx: &Transaction,
    kind: Kind,
    payload: &[u8],
    typed: Typed,
) -> Result<(u64, [u8; 32])> {
    let (last, prev) = head(tx)?;
    let seq = last + 1;
    let (hash, digest) = if seq >= v2_from(tx)? {
        let digest = payload_digest(payload);
        let hash = entry_hash_of_digest(seq, &prev, kind.as_str(), &digest);
        (hash, Some(digest))
    } else {
        (entry_hash_v1(seq, &prev, kind.as_str(), payload), None)
    };
    tx.prepare_cached(
        "INSERT INTO entries (seq, kind, prev_hash, hash, payload_sha256, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        seq as i64,
        kind.as_str(),
        &prev[..],
        &hash[..],
        digest.as_ref().map(|d| &d[..]),
        payload
    ])?;
    index::index_entry(tx, seq, kind, payload, typed)?;
    Ok((seq, hash))
}

/// One entry as a report shows it: its digest (v2 rule; `None` under v1)
/// and hash, not its payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub seq: u64,
    /// Shared: a window is hundreds of thousands of links of a few kinds.
    pub kind: Shared,
    pub payload_sha256: Option<[u8; 32]>,
    pub hash: [u8; 32],
}

/// The links of entries `first..=last`, in order, from the stored digests
/// (`verify` checks each against its payload; the CPTS recomputes every
/// hash from them): a window's payloads are not read, nor the table's
/// pages — the covering index `entries_links` (schema v9) holds the links
/// alone, and `verify`'s integrity check compares it with the table.
pub(super) fn links(conn: &Connection, first: u64, last: u64) -> Result<Vec<Link>> {
    let v2_from = v2_from(conn)?;
    let mut stmt = conn.prepare(
        "SELECT seq, kind, payload_sha256, hash FROM entries INDEXED BY entries_links WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![first as i64, last as i64])?;
    let mut out = Vec::new();
    let mut kinds = Interner::default();
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        let unreadable = || Error::Corrupt(format!("entrée {seq} : empreinte illisible"));
        let digest32 = |i: usize| -> Result<Option<[u8; 32]>> {
            match r.get_ref(i)?.as_blob_or_null().map_err(|_| unreadable())? {
                None => Ok(None),
                Some(b) => Ok(Some(b.try_into().map_err(|_| unreadable())?)),
            }
        };
        let payload_sha256 = digest32(2)?;
        if payload_sha256.is_some() != (seq >= v2_from) {
            return Err(unreadable());
        }
        out.push(Link {
            seq,
            kind: kinds.get(r.get_ref(1)?.as_str().map_err(|_| unreadable())?),
            payload_sha256,
            hash: digest32(3)?.ok_or_else(unreadable)?,
        });
    }
    Ok(out)
}
