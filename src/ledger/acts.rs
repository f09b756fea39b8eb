//! Recording acts (numbered inside the append transaction) and reading them
//! back.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::chain;
use super::entry::Kind;
use super::entry::Typed;
use super::followup_record::{FollowupEvent, FollowupRecord};
use super::index::decode;
use super::{Ledger, Recorded, to_bytes};
use crate::act::ActRecord;
use crate::calendar::Month;
use crate::error::{Error, Result};

/// An act with everything the ledger knows about it.
#[derive(Debug, Clone, Serialize)]
pub struct ActView {
    pub seq: u64,
    pub hash: String,
    pub status: ActStatus,
    pub act: ActRecord,
    pub followups: Vec<LoggedFollowup>,
}

/// A follow-up with its ledger entry, which is what a correction names.
/// It reads as its record (`f.event`): the entry is only asked for when
/// needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedFollowup {
    pub seq: u64,
    #[serde(flatten)]
    pub record: FollowupRecord,
}

impl std::ops::Deref for LoggedFollowup {
    type Target = FollowupRecord;

    fn deref(&self) -> &FollowupRecord {
        &self.record
    }
}

impl ActView {
    /// The correction that withdrew the follow-up of entry `seq`, if any.
    pub fn correction_of(&self, seq: u64) -> Option<&LoggedFollowup> {
        if !self.withdrawn().contains(&seq) {
            return None;
        }
        self.followups.iter().find(
            |f| matches!(f.event, FollowupEvent::Correction { corrects, .. } if corrects == seq),
        )
    }

    /// A follow-up in words with what a correction did: the correction
    /// names what it withdrew, and a withdrawn one says so. One wording for
    /// the kiosk's Historique and `act show`.
    pub fn describe(&self, f: &LoggedFollowup) -> String {
        if let FollowupEvent::Correction { corrects, reason } = &f.event {
            let what = self
                .followups
                .iter()
                .find(|t| t.seq == *corrects)
                .map_or_else(|| format!("entrée {corrects}"), |t| t.event.describe());
            return format!("{} : « {what} » retiré — {reason}", f.event.type_label());
        }
        let what = f.event.describe();
        match self.correction_of(f.seq) {
            Some(c) => format!("{what} (retiré par la correction de l'entrée {})", c.seq),
            None => what,
        }
    }

    /// The follow-ups a correction withdrew, by entry.
    pub fn withdrawn(&self) -> std::collections::HashSet<u64> {
        super::followup_record::withdrawn(
            self.followups
                .iter()
                .map(|f| (f.seq, f.act_id.as_str(), &f.event)),
        )
    }
}

/// Whether an act still counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum ActStatus {
    Valid,
    Void {
        reason: String,
        by: Option<String>,
        at: DateTime<Utc>,
    },
}

/// One line of a list of acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActSummary {
    pub id: String,
    pub number: String,
    pub seq: u64,
    /// Parsed once here: every shell shows it, none re-reads the column.
    pub occurred_at: DateTime<Utc>,
    pub delegue_rpps: String,
    pub delegant_rpps: String,
    pub taken_in_charge: bool,
    pub training: bool,
    pub void: bool,
}

/// The stable id of an act: unique across devices, derived from the
/// device and the act number (so it never needs a random source).
fn act_id(device_id: &str, number: &str) -> String {
    hex::encode(&Sha256::digest(format!("{device_id}:{number}"))[..8])
}

impl Ledger {
    /// Appends a prepared act, giving it its number and id.
    pub fn record_act(&mut self, mut act: ActRecord) -> Result<Recorded> {
        if act.device_id != self.device_id {
            return Err(Error::Storage("acte préparé pour un autre appareil".into()));
        }
        let year = Month::of_instant(act.occurred_at).year;
        self.write(move |tx| {
            let last: i64 = tx
                .prepare_cached("SELECT COALESCE(MAX(n), 0) FROM acts WHERE year = ?1")?
                .query_row([year], |r| r.get(0))?;
            let next = last.checked_add(1).filter(|n| *n > 0).ok_or_else(|| {
                Error::Corrupt(format!("numéro d'acte {last} invalide pour {year}"))
            })?;
            act.number = format!("{year}-{next:04}");
            act.id = act_id(&act.device_id, &act.number);
            let (seq, hash) = chain::append(tx, Kind::Act, &to_bytes(&act), Typed::Act(&act))?;
            Ok(Recorded {
                id: act.id,
                number: act.number,
                seq,
                hash: hex::encode(hash),
            })
        })
    }

    /// Finds an act by id or by number (`2026-0042`).
    pub fn act(&self, key: &str) -> Result<ActView> {
        let key = key.trim();
        // `2026-0042` is looked up through the (year, n) index.
        let (year, n) = key
            .split_once('-')
            .and_then(|(y, n)| Some((y.parse::<i64>().ok()?, n.parse::<i64>().ok()?)))
            .unwrap_or((-1, -1));
        let seq: Option<i64> = self
            .conn
            .query_row(
                "SELECT seq FROM acts WHERE id = ?1 OR (year = ?2 AND n = ?3)",
                params![key, year, n],
                |r| r.get(0),
            )
            .optional()?;
        let Some(seq) = seq else {
            return Err(Error::input(
                "acte",
                format!(
                    "aucun acte « {key} » : donnez son numéro (par exemple 2026-0042) ou son identifiant"
                ),
            ));
        };
        let (payload, hash): (Vec<u8>, Vec<u8>) = self.conn.query_row(
            "SELECT payload, hash FROM entries WHERE seq = ?1",
            [seq],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let act: ActRecord = decode(seq as u64, &payload)?;
        let followups = self.followups_of(&act.id)?;
        let status = followups
            .iter()
            .find_map(|f| match &f.event {
                FollowupEvent::Void { reason } => Some(ActStatus::Void {
                    reason: reason.clone(),
                    by: f.by.clone(),
                    at: f.recorded_at,
                }),
                _ => None,
            })
            .unwrap_or(ActStatus::Valid);
        Ok(ActView {
            seq: seq as u64,
            hash: hex::encode(hash),
            status,
            act,
            followups,
        })
    }

    pub(super) fn followups_of(&self, act_id: &str) -> Result<Vec<LoggedFollowup>> {
        followups_in(&self.conn, act_id)
    }

    /// For each act whose documents left the device at least once (printed
    /// or saved), the names of those documents (`prescription`, `advice`…).
    pub fn documents_issued(
        &self,
    ) -> Result<std::collections::BTreeMap<String, std::collections::BTreeSet<String>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.seq, e.payload FROM followups f JOIN entries e ON e.seq = f.seq WHERE f.type = 'document'",
        )?;
        let mut rows = stmt.query([])?;
        let mut out: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
            Default::default();
        while let Some(r) = rows.next()? {
            let seq = r.get::<_, i64>(0)? as u64;
            let f: FollowupRecord = decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?;
            if let FollowupEvent::Document { document, .. } = f.event {
                out.entry(f.act_id).or_default().insert(document);
            }
        }
        Ok(out)
    }

    /// Acts of a month (by their Paris date), or all acts, in recording order.
    pub fn acts(&self, month: Option<Month>) -> Result<Vec<ActSummary>> {
        let columns = "SELECT id, number, seq, occurred_at, delegue_rpps, delegant_rpps, taken_in_charge, training, \
                       void_seq IS NOT NULL FROM acts";
        let mut stmt = self
            .conn
            .prepare(&month_filter(columns, "month", "seq", month))?;
        let rows = stmt.query_map(params![month.map(|m| m.to_string())], |r| {
            let occurred: String = r.get(3)?;
            let occurred_at = DateTime::parse_from_rfc3339(&occurred)
                .map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        3,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?
                .with_timezone(&Utc);
            Ok(ActSummary {
                id: r.get(0)?,
                number: r.get(1)?,
                seq: r.get::<_, i64>(2)? as u64,
                occurred_at,
                delegue_rpps: r.get(4)?,
                delegant_rpps: r.get(5)?,
                taken_in_charge: r.get(6)?,
                training: r.get(7)?,
                void: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The prises en charge of a month under one protocol, void ones
    /// aside: only those are decoded (a repeat visit looks for them).
    pub(super) fn prises_en_charge(
        &self,
        month: Month,
        protocol_id: &str,
    ) -> Result<Vec<ActRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.seq, e.payload FROM acts a JOIN entries e ON e.seq = a.seq \
             WHERE a.month = ?1 AND a.taken_in_charge = 1 AND a.void_seq IS NULL \
             AND a.protocol_id = ?2 ORDER BY a.seq",
        )?;
        let mut rows = stmt.query(params![month.to_string(), protocol_id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let seq = r.get::<_, i64>(0)? as u64;
            out.push(decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?);
        }
        Ok(out)
    }

    /// Every act record of a month, with its void status (for reports).
    pub fn act_records(&self, month: Option<Month>) -> Result<Vec<(ActRecord, bool)>> {
        act_records_on(&self.conn, month)
    }
}

/// [`Ledger::act_records`] on a given connection or transaction (a month
/// closure counts the acts inside its own write transaction).
pub(super) fn act_records_on(
    conn: &rusqlite::Connection,
    month: Option<Month>,
) -> Result<Vec<(ActRecord, bool)>> {
    let columns = "SELECT a.seq, e.payload, a.void_seq IS NOT NULL FROM acts a JOIN entries e ON e.seq = a.seq";
    let mut stmt = conn.prepare(&month_filter(columns, "a.month", "a.seq", month))?;
    let mut rows = stmt.query(params![month.map(|m| m.to_string())])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        let act: ActRecord = decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?;
        out.push((act, r.get(2)?));
    }
    Ok(out)
}

/// `columns` restricted to one month when given (a separate statement, so
/// that SQLite uses the month index instead of scanning every act).
fn month_filter(
    columns: &str,
    month_column: &str,
    seq_column: &str,
    month: Option<Month>,
) -> String {
    match month {
        Some(_) => format!("{columns} WHERE {month_column} = ?1 ORDER BY {seq_column}"),
        None => format!("{columns} WHERE ?1 IS NULL ORDER BY {seq_column}"),
    }
}

/// An act's follow-ups in log order, read through `conn` (inside a write
/// transaction, what it is about to extend).
pub(super) fn followups_in(
    conn: &rusqlite::Connection,
    act_id: &str,
) -> Result<Vec<LoggedFollowup>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.seq, e.payload FROM followups f JOIN entries e ON e.seq = f.seq WHERE f.act_id = ?1 ORDER BY e.seq",
    )?;
    let mut rows = stmt.query([act_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        let record = decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?;
        out.push(LoggedFollowup { seq, record });
    }
    Ok(out)
}
