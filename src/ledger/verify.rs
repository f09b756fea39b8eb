//! `verify`: recompute the whole chain, check that the derived tables and
//! the closures say what the entries say, and compare the chain with the
//! anchors kept outside the database; name the first entry that breaks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rusqlite::Connection;
use serde::Serialize;

use super::anchors::{self, Anchor};
use super::chain;
use super::derived::{Derived, Mismatch};
use super::entry::Kind;
use crate::error::Result;

/// The result of a verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub ok: bool,
    pub entries: u64,
    pub head: Option<Head>,
    pub problem: Option<Problem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Head {
    pub seq: u64,
    pub hash: String,
}

/// The first thing found broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The first bad entry (or, for a truncation, the first missing one).
    pub seq: u64,
    /// `file_damaged`, `gap`, `prev_hash`, `hash_length`, `hash_mismatch`, `digest_mismatch`, `unknown_kind`,
    /// `not_genesis`, `truncated`, `anchor_mismatch`, `anchor_unreadable`,
    /// `bundle`, or a derived-table problem (`derived_row`,
    /// `derived_missing`, `derived_extra`, `closure`, `closure_signature`).
    pub what: &'static str,
    pub message: String,
}

pub(super) fn verify(conn: &Connection, dir: &Path) -> Result<Report> {
    if let Some(damage) = super::store::file_damage(conn)? {
        return Ok(unchecked(
            "file_damaged",
            format!(
                "le fichier du registre est endommagé (contrôle d'intégrité de SQLite : {}) : restaurez la dernière sauvegarde",
                crate::text::for_display(crate::text::prefix(&damage, 200))
            ),
        ));
    }
    let mut stmt = conn.prepare(
        "SELECT seq, kind, payload, prev_hash, hash, payload_sha256 FROM entries ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let v2_from = chain::v2_from(conn)?;
    let mut expected = 1u64;
    let mut prev = [0u8; 32];
    let mut count = 0u64;
    let mut problem = None;
    let mut derived = Derived::default();
    let mut hashes_at_anchors: BTreeMap<u64, [u8; 32]> = BTreeMap::new();
    let closures = match anchors::read_closures(dir) {
        Ok(c) => c,
        Err(message) => return Ok(unchecked("anchor_unreadable", message)),
    };
    let anchors: Vec<Anchor> = anchors::read_head(dir)
        .into_iter()
        .chain(closures)
        .collect();
    let anchored: BTreeSet<u64> = anchors.iter().map(|a| a.seq).collect();
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        let kind = r.get_ref(1)?.as_str().unwrap_or("");
        let payload = r.get_ref(2)?.as_blob().unwrap_or(&[]);
        let prev_hash = r.get_ref(3)?.as_blob().unwrap_or(&[]);
        let hash = r.get_ref(4)?.as_blob().unwrap_or(&[]);
        let stored_digest = r.get_ref(5)?.as_blob_or_null().unwrap_or(Some(&[]));
        let fail = |what, message: String| Some(Problem { seq, what, message });
        problem = if seq != expected {
            Some(Problem {
                seq: expected,
                what: "gap",
                message: format!("entrée {expected} manquante : la suivante présente est la {seq}"),
            })
        } else if Kind::parse(kind).is_none() {
            fail(
                "unknown_kind",
                format!("entrée {seq} : type « {kind} » inconnu"),
            )
        } else if (seq == 1) != (kind == Kind::Genesis.as_str()) {
            fail(
                "not_genesis",
                format!("entrée {seq} : « genesis » doit être la première entrée et elle seule"),
            )
        } else if hash.len() != 32 {
            fail(
                "hash_length",
                format!(
                    "entrée {seq} : empreinte stockée de {} octets au lieu de 32",
                    hash.len()
                ),
            )
        } else if prev_hash != prev {
            fail(
                "prev_hash",
                format!(
                    "entrée {seq} : ne suit pas l'entrée {} (empreinte précédente différente)",
                    seq - 1
                ),
            )
        } else {
            let digest = (seq >= v2_from).then(|| chain::payload_digest(payload));
            let computed = match &digest {
                Some(d) => chain::entry_hash_of_digest(seq, &prev, kind, d),
                None => chain::entry_hash_v1(seq, &prev, kind, payload),
            };
            if hash != computed {
                fail(
                    "hash_mismatch",
                    format!(
                        "entrée {seq} ({kind}) : contenu modifié (empreinte recalculée différente)"
                    ),
                )
            } else if stored_digest != digest.as_ref().map(|d| &d[..]) {
                // Reports read the stored digest, not the payload.
                fail(
                    "digest_mismatch",
                    format!(
                        "entrée {seq} ({kind}) : l'empreinte de contenu stockée ne correspond plus au contenu"
                    ),
                )
            } else {
                let parsed = Kind::parse(kind).unwrap_or(Kind::Genesis);
                let derived_problem = derived.entry(conn, seq, parsed, payload, &prev)?;
                prev = computed;
                derived_problem.map(from_mismatch)
            }
        };
        if problem.is_some() {
            break;
        }
        if anchored.contains(&seq) {
            hashes_at_anchors.insert(seq, prev);
        }
        count += 1;
        expected += 1;
    }
    if problem.is_none() {
        problem = check_anchors(&anchors, &hashes_at_anchors, count);
    }
    if problem.is_none() {
        problem = derived.finish(conn)?.map(from_mismatch);
    }
    Ok(Report {
        ok: problem.is_none(),
        entries: count,
        head: (count > 0).then(|| Head {
            seq: count,
            hash: hex::encode(prev),
        }),
        problem,
    })
}

/// A verification stopped before the first entry was read.
fn unchecked(what: &'static str, message: String) -> Report {
    Report {
        ok: false,
        entries: 0,
        head: None,
        problem: Some(Problem {
            seq: 0,
            what,
            message,
        }),
    }
}

fn from_mismatch(m: Mismatch) -> Problem {
    Problem {
        seq: m.seq,
        what: m.what,
        message: m.message,
    }
}

fn check_anchors(anchors: &[Anchor], seen: &BTreeMap<u64, [u8; 32]>, last: u64) -> Option<Problem> {
    for a in anchors {
        if a.seq > last {
            return Some(Problem {
                seq: last + 1,
                what: "truncated",
                message: format!(
                    "registre tronqué : {} enregistre l'entrée {} (empreinte {}…), mais le registre s'arrête à l'entrée {last}",
                    if a.label == "head" {
                        "la copie de tête".to_string()
                    } else {
                        format!("la clôture de {}", a.label)
                    },
                    a.seq,
                    crate::text::prefix(&a.hash, 12)
                ),
            });
        }
        let matches = seen.get(&a.seq).is_some_and(|h| hex::encode(h) == a.hash);
        if !matches {
            return Some(Problem {
                seq: a.seq,
                what: "anchor_mismatch",
                message: format!(
                    "l'entrée {} ne correspond plus à {} : le registre a été réécrit",
                    a.seq,
                    if a.label == "head" {
                        "la copie de tête".to_string()
                    } else {
                        format!("la clôture de {}", a.label)
                    }
                ),
            });
        }
    }
    None
}
