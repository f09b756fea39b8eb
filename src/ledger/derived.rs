//! Checks that the derived tables (`acts`, `followups`) and the month
//! closures say exactly what the entries give. The tables are queried by
//! every report, so a row changed or deleted behind the log's back must be
//! as evident as a changed entry: `verify` feeds every entry through
//! [`Derived::entry`] while it recomputes the chain, then calls
//! [`Derived::finish`].

use std::collections::BTreeMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::act_columns::ActColumns;
use super::closure::{self, ClosureRecord};
use super::device_key::DeviceKeyRecord;
use super::entry::Kind;
use super::followup_record::{FollowupEvent, FollowupRecord};
use super::index::{self, ACT_COLUMN_COUNT, ACT_COLUMNS};
use crate::calendar::Month;
use crate::crypto::PublicKey;
use crate::error::{Error, Result};

/// A derived row or a closure that disagrees with the entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub seq: u64,
    /// `derived_row`, `derived_missing`, `derived_extra`, `closure` or
    /// `closure_signature`.
    pub what: &'static str,
    pub message: String,
}

/// What the entries seen so far give.
#[derive(Default)]
pub(super) struct Derived {
    acts: u64,
    followups: u64,
    /// First void follow-up of each act, by act id.
    voids: BTreeMap<String, u64>,
    /// Acts recorded so far, by month: what each closure must count.
    acts_by_month: BTreeMap<String, u64>,
    /// Seq of the last closure, for the next one's `first_seq`.
    last_closure: Option<u64>,
    device_key: Option<PublicKey>,
}

fn mismatch(seq: u64, what: &'static str, message: String) -> Mismatch {
    Mismatch { seq, what, message }
}

impl Derived {
    /// Checks the derived rows of one entry whose hash is already verified;
    /// `prev` is the hash of the entry before it.
    pub(super) fn entry(
        &mut self,
        conn: &Connection,
        seq: u64,
        kind: Kind,
        payload: &[u8],
        prev: &[u8; 32],
    ) -> Result<Option<Mismatch>> {
        match kind {
            Kind::Act => {
                let Ok(a) = serde_json::from_slice::<ActColumns>(payload) else {
                    return Ok(Some(mismatch(
                        seq,
                        "derived_row",
                        format!("entrée {seq} : acte illisible"),
                    )));
                };
                self.acts += 1;
                *self
                    .acts_by_month
                    .entry(Month::of_instant(a.occurred_at).to_string())
                    .or_default() += 1;
                Ok(act_row_problem(conn, seq, &a)?
                    .map(|(what, message)| mismatch(seq, what, message)))
            }
            Kind::Followup => {
                let Ok(f) = serde_json::from_slice::<FollowupRecord>(payload) else {
                    return Ok(Some(mismatch(
                        seq,
                        "derived_row",
                        format!("entrée {seq} : suivi illisible"),
                    )));
                };
                self.followups += 1;
                if let FollowupEvent::Void { .. } = f.event {
                    self.voids.entry(f.act_id.clone()).or_insert(seq);
                }
                let found: Option<(String, String)> = conn
                    .prepare_cached("SELECT act_id, type FROM followups WHERE seq = ?1")?
                    .query_row([seq as i64], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                Ok(match found {
                    None => Some(mismatch(
                        seq,
                        "derived_missing",
                        format!(
                            "entrée {seq} : le suivi de l'acte {} manque à la table des suivis (ligne supprimée)",
                            f.act_number
                        ),
                    )),
                    Some((act_id, kind)) if act_id != f.act_id || kind != f.event.type_name() => {
                        Some(mismatch(
                            seq,
                            "derived_row",
                            format!(
                                "entrée {seq} : la table des suivis ne dit plus ce que dit le suivi de l'acte {}",
                                f.act_number
                            ),
                        ))
                    }
                    Some(_) => None,
                })
            }
            Kind::DeviceKey => Ok(match serde_json::from_slice::<DeviceKeyRecord>(payload) {
                Ok(k) => self.key(seq, k.public_key, "la clé d'appareil inscrite"),
                Err(_) => Some(mismatch(
                    seq,
                    "derived_row",
                    format!("entrée {seq} : clé d'appareil illisible"),
                )),
            }),
            Kind::Closure => Ok(self.closure(seq, payload, prev)),
            Kind::Genesis
            | Kind::Structure
            | Kind::Professional
            | Kind::Bundle
            | Kind::Pin
            | Kind::SigninFailed
            | Kind::SigninOk
            | Kind::Alarm
            | Kind::Survey => Ok(None),
        }
    }

    /// A closure seals the entries just before it: its head is the hash of
    /// the entry before it, its count the month's acts so far, its window
    /// starts after the previous closure, and its signature is the device's.
    fn closure(&mut self, seq: u64, payload: &[u8], prev: &[u8; 32]) -> Option<Mismatch> {
        let Ok(c) = serde_json::from_slice::<ClosureRecord>(payload) else {
            return Some(mismatch(
                seq,
                "closure",
                format!("entrée {seq} : clôture illisible"),
            ));
        };
        let first = self.last_closure.map_or(1, |s| s + 1);
        self.last_closure = Some(seq);
        let count = self.acts_by_month.get(&c.month).copied().unwrap_or(0);
        let fail = |why: String| {
            Some(mismatch(
                seq,
                "closure",
                format!("entrée {seq} : la clôture de {} {why}", c.month),
            ))
        };
        if c.last_seq.checked_add(1) != Some(seq) || c.head_hash != hex::encode(prev) {
            return fail(format!(
                "scelle l'entrée {} ({}…) alors que l'entrée {} a l'empreinte {}… : le registre a été réécrit après elle",
                c.last_seq,
                crate::text::prefix(&c.head_hash, 12),
                seq.saturating_sub(1),
                hex::encode(&prev[..6])
            ));
        }
        if c.first_seq != first {
            return fail(format!(
                "commence à l'entrée {} au lieu de {first}",
                c.first_seq
            ));
        }
        if c.count != count {
            return fail(format!(
                "compte {} actes, le registre en donne {count}",
                c.count
            ));
        }
        // Closures from v2 on are signed; v1 ones (older ledgers) are not.
        if c.v < 2 && c.signature.is_none() && c.device_public_key.is_none() {
            return None;
        }
        if !closure::signature_valid(&c) {
            return Some(mismatch(
                seq,
                "closure_signature",
                format!(
                    "entrée {seq} : la clôture de {} n'a pas de signature valide de l'appareil",
                    c.month
                ),
            ));
        }
        let key = c.device_public_key?;
        self.key(seq, key, &format!("la clôture de {}", c.month))
    }

    /// Every key the log names (its device-key entries, the keys signing
    /// its closures) is one and the same: a device's identity never
    /// changes.
    fn key(&mut self, seq: u64, key: PublicKey, what: &str) -> Option<Mismatch> {
        match self.device_key {
            Some(k) if k != key => Some(mismatch(
                seq,
                "closure_signature",
                format!(
                    "entrée {seq} : {what} porte la clé {}, mais l'appareil a la clé {} : la clé a été remplacée",
                    key.fingerprint(),
                    k.fingerprint()
                ),
            )),
            _ => {
                self.device_key = Some(key);
                None
            }
        }
    }

    /// After the last entry: no row without its entry, and each act's void
    /// mark is its first void follow-up.
    pub(super) fn finish(&self, conn: &Connection) -> Result<Option<Mismatch>> {
        let count = |table: &str| -> Result<u64> {
            Ok(
                conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| {
                    r.get::<_, i64>(0)
                })? as u64,
            )
        };
        for (table, expected, what) in [
            ("acts", self.acts, "actes"),
            ("followups", self.followups, "suivis"),
        ] {
            let found = count(table)?;
            if found != expected {
                let extra: Option<i64> = conn
                    .query_row(
                        &format!(
                            "SELECT d.seq FROM {table} d LEFT JOIN entries e ON e.seq = d.seq \
                             WHERE e.seq IS NULL OR e.kind <> ?1 ORDER BY d.seq LIMIT 1"
                        ),
                        [if table == "acts" { "act" } else { "followup" }],
                        |r| r.get(0),
                    )
                    .optional()?;
                return Ok(Some(mismatch(
                    extra.map_or(0, |s| s as u64),
                    "derived_extra",
                    format!(
                        "la table des {what} a {found} lignes pour {expected} entrées : des lignes y ont été ajoutées{}",
                        extra.map_or(String::new(), |s| format!(" (la première à l'entrée {s})"))
                    ),
                )));
            }
        }
        let mut stmt = conn.prepare("SELECT seq, id, number, void_seq FROM acts ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let seq = r.get::<_, i64>(0)? as u64;
            let id: String = r.get(1)?;
            let void: Option<i64> = r.get(3)?;
            let expected = self.voids.get(&id).map(|&v| v as i64);
            if void != expected {
                let number: String = r.get(2)?;
                return Ok(Some(mismatch(
                    seq,
                    "derived_row",
                    format!(
                        "entrée {seq} : la table des actes dit l'acte {number} {} alors que le registre le dit {}",
                        if void.is_some() { "annulé" } else { "valide" },
                        if expected.is_some() {
                            "annulé"
                        } else {
                            "valide"
                        }
                    ),
                )));
            }
        }
        Ok(None)
    }
}

/// The `acts` row of entry `seq`, as written by [`index::act_values`].
fn act_row(conn: &Connection, seq: u64) -> Result<Option<Vec<Value>>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {ACT_COLUMNS} FROM acts WHERE seq = ?1"))?;
    Ok(stmt
        .query_row([seq as i64], |r| {
            (0..ACT_COLUMN_COUNT)
                .map(|i| r.get::<_, Value>(i))
                .collect::<rusqlite::Result<Vec<Value>>>()
        })
        .optional()?)
}

/// How the `acts` row of act entry `seq` departs from what the entry
/// gives, if it does: `verify` and a report's check say it alike.
fn act_row_problem(
    conn: &Connection,
    seq: u64,
    a: &ActColumns,
) -> Result<Option<(&'static str, String)>> {
    let Ok(expected) = index::act_values(seq, a) else {
        return Ok(Some((
            "derived_row",
            format!("entrée {seq} : numéro d'acte « {} » illisible", a.number),
        )));
    };
    Ok(match act_row(conn, seq)? {
        None => Some((
            "derived_missing",
            format!(
                "entrée {seq} : l'acte {} manque à la table des actes (ligne supprimée) : il échapperait aux rapports",
                a.number
            ),
        )),
        Some(found) => differing_column(&expected, &found).map(|column| {
            (
                "derived_row",
                format!(
                    "entrée {seq} : la table des actes ne dit plus ce que dit l'acte {} (colonne « {column} » modifiée)",
                    a.number
                ),
            )
        }),
    })
}

/// The name of the first column that differs.
fn differing_column(expected: &[Value], found: &[Value]) -> Option<&'static str> {
    ACT_COLUMNS
        .split(',')
        .map(str::trim)
        .zip(expected.iter().zip(found))
        .find(|(_, (e, f))| e != f)
        .map(|(name, _)| name)
}

impl super::Ledger {
    /// Before a report is computed from derived rows: every act entry of
    /// its window `first..=last` has its row, exactly as the entry gives it
    /// (a row deleted or moved to another month would leave the report),
    /// so do the rows it read from before the window (a row moved into the
    /// month), every void mark it read is a void of that act, every void of
    /// the window marks its act, and no follow-up of the window lacks its
    /// row. A report is never computed from a row `verify` would reject.
    pub fn check_report_rows(&self, rows: &[&super::ActRow], first: u64, last: u64) -> Result<()> {
        let conn = &self.conn;
        let altered = |seq: u64, what: String| {
            Error::Corrupt(format!(
                "entrée {seq} : {what} — aucun rapport n'est produit d'un registre altéré ; lancez la vérification du registre"
            ))
        };
        // The problem already names its entry.
        let refuse = |(_, message): (&str, String)| {
            Error::Corrupt(format!(
                "{message} — aucun rapport n'est produit d'un registre altéré ; lancez la vérification du registre"
            ))
        };
        let mut window_acts = 0i64;
        let mut stmt = conn.prepare(
            "SELECT seq, kind, payload FROM entries WHERE seq BETWEEN ?1 AND ?2 AND kind IN ('act', 'followup') ORDER BY seq",
        )?;
        let mut found = stmt.query(rusqlite::params![first as i64, last as i64])?;
        let mut window_followups = 0i64;
        while let Some(r) = found.next()? {
            let seq = r.get::<_, i64>(0)? as u64;
            let payload = r.get_ref(2)?.as_blob().unwrap_or(&[]);
            if r.get_ref(1)?.as_str().unwrap_or("") == "act" {
                window_acts += 1;
                let Ok(a) = serde_json::from_slice::<ActColumns>(payload) else {
                    return Err(altered(seq, "acte illisible".into()));
                };
                if let Some(problem) = act_row_problem(conn, seq, &a)? {
                    return Err(refuse(problem));
                }
                continue;
            }
            window_followups += 1;
            let Ok(f) = serde_json::from_slice::<FollowupRecord>(payload) else {
                return Err(altered(seq, "suivi illisible".into()));
            };
            if matches!(f.event, FollowupEvent::Void { .. }) {
                let marked: Option<Option<i64>> = conn
                    .prepare_cached("SELECT void_seq FROM acts WHERE id = ?1")?
                    .query_row([&f.act_id], |r| r.get(0))
                    .optional()?;
                if !matches!(marked, Some(Some(v)) if v as u64 <= seq) {
                    return Err(altered(
                        seq,
                        format!(
                            "l'annulation de l'acte {} n'est plus marquée dans la table des actes",
                            f.act_number
                        ),
                    ));
                }
            }
        }
        for row in rows.iter().filter(|r| r.seq < first) {
            let seq = row.seq;
            let Some(a) = entry_payload::<ActColumns>(conn, seq, Kind::Act)? else {
                return Err(altered(
                    seq,
                    format!("l'acte {} n'a pas d'entrée", row.facts.number),
                ));
            };
            if let Some(problem) = act_row_problem(conn, seq, &a)? {
                return Err(refuse(problem));
            }
        }
        for row in rows {
            let Some(v) = row.void_seq.filter(|&v| v <= last) else {
                continue;
            };
            let voids_it =
                entry_payload::<FollowupRecord>(conn, v, Kind::Followup)?.is_some_and(|f| {
                    f.act_id == row.facts.id && matches!(f.event, FollowupEvent::Void { .. })
                });
            if !voids_it {
                return Err(altered(
                    row.seq,
                    format!(
                        "l'acte {} est marqué annulé sans annulation au registre",
                        row.facts.number
                    ),
                ));
            }
        }
        for (table, entries, what) in [
            ("acts", window_acts, "un acte"),
            ("followups", window_followups, "un suivi"),
        ] {
            let derived: i64 = conn.query_row(
                &format!("SELECT COUNT(*) FROM {table} WHERE seq BETWEEN ?1 AND ?2"),
                rusqlite::params![first as i64, last as i64],
                |r| r.get(0),
            )?;
            if entries != derived {
                return Err(altered(
                    first,
                    format!(
                        "entre les entrées {first} et {last}, {entries} entrées pour {derived} lignes : {what} a été ôté ou ajouté aux tables du registre"
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// The decoded payload of entry `seq` if it is of `kind`.
fn entry_payload<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    seq: u64,
    kind: Kind,
) -> Result<Option<T>> {
    let found: Option<(String, Vec<u8>)> = conn
        .prepare_cached("SELECT kind, payload FROM entries WHERE seq = ?1")?
        .query_row([seq as i64], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(found
        .filter(|(k, _)| k == kind.as_str())
        .and_then(|(_, p)| serde_json::from_slice(&p).ok()))
}
