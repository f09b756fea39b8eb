//! The reads a monthly report is made of: acts by month and by window of
//! entries (a closure's `first_seq..=last_seq`), follow-ups likewise. Acts
//! come from the columns of the derived `acts` table ([`ActFacts`]); only
//! follow-ups, few and small, are decoded from their entries. Document
//! follow-ups (one or two per act) are left out: no report counts them.
//!
//! [`Ledger::month_reads`] makes every read of one report and hashes the
//! values it read, column by column: a month closed after its reads were
//! checked against the entries seals that digest, and a later report that
//! reads the same values needs no second check (see `report::source`).

use rusqlite::types::ValueRef;
use rusqlite::{Row, params};
use sha2::{Digest, Sha256};

use super::Ledger;
use super::facts::{self, ActFacts};
use super::followup_record::FollowupRecord;
use super::index::decode;
use crate::calendar::Month;
use crate::error::Result;

/// An act as a report sees it: its place in the log and, if it was voided,
/// the seq of the void.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActRow {
    pub seq: u64,
    pub void_seq: Option<u64>,
    pub facts: ActFacts,
}

impl ActRow {
    /// Whether the act was void when entry `seq` was written.
    pub fn void_at(&self, seq: u64) -> bool {
        self.void_seq.is_some_and(|v| v <= seq)
    }
}

/// A follow-up with the act it is about.
#[derive(Debug, Clone)]
pub struct FollowupRow {
    pub seq: u64,
    pub record: FollowupRecord,
    pub act: ActRow,
}

/// Everything the report of one closure window reads from the tables, and
/// the SHA-256 of what it read.
#[derive(Debug, Clone)]
pub struct MonthReads {
    /// The month's acts recorded up to the window's end.
    pub month_rows: Vec<ActRow>,
    /// Acts of earlier months that are this window's late entries.
    pub late_rows: Vec<ActRow>,
    /// Follow-ups (documents aside) recorded inside the window.
    pub window_followups: Vec<FollowupRow>,
    /// Follow-ups of the month's acts recorded up to the window's end.
    pub month_followups: Vec<(u64, FollowupRecord)>,
    pub sha256: [u8; 32],
}

/// SHA-256 of the values read, each with its type and length: two reads
/// digest alike only if they read the same values in the same order.
struct ReadDigest(Sha256);

impl ReadDigest {
    fn query(&mut self, name: &str) {
        self.0.update([0xff]);
        self.0.update((name.len() as u64).to_be_bytes());
        self.0.update(name.as_bytes());
    }

    fn row(&mut self, r: &Row) -> Result<()> {
        self.0.update([0xfe]);
        for i in 0..r.as_ref().column_count() {
            let (tag, bytes): (u8, &[u8]) = match r.get_ref(i)? {
                ValueRef::Null => (0, &[]),
                ValueRef::Integer(n) => {
                    self.0.update([1]);
                    self.0.update(n.to_be_bytes());
                    continue;
                }
                ValueRef::Real(f) => {
                    self.0.update([2]);
                    self.0.update(f.to_bits().to_be_bytes());
                    continue;
                }
                ValueRef::Text(t) => (3, t),
                ValueRef::Blob(b) => (4, b),
            };
            self.0.update([tag]);
            self.0.update((bytes.len() as u64).to_be_bytes());
            self.0.update(bytes);
        }
        Ok(())
    }
}

fn act_select() -> String {
    format!("SELECT a.seq, a.void_seq, {} FROM acts a", facts::COLUMNS)
}

/// Reads an [`ActRow`] from columns `at..` laid out as [`act_select`].
fn act_row(r: &Row, at: usize) -> Result<ActRow> {
    let seq = r.get::<_, i64>(at)? as u64;
    Ok(ActRow {
        seq,
        void_seq: r.get::<_, Option<i64>>(at + 1)?.map(|v| v as u64),
        facts: facts::from_row(r, at + 2, seq)?,
    })
}

impl Ledger {
    /// Every read of the report of the window `first..=last` closed for
    /// `month`, `after` being the month of the closure before it.
    pub fn month_reads(
        &self,
        month: Month,
        after: Option<Month>,
        first: u64,
        last: u64,
    ) -> Result<MonthReads> {
        let mut digest = ReadDigest(Sha256::new());
        let month_rows = self.month_act_rows(&mut digest, month, last)?;
        let late_rows = self.late_act_rows(&mut digest, month, after, first, last)?;
        let window_followups = self.followups_between(&mut digest, first, last)?;
        // A follow-up is recorded after its act: none of the month's comes
        // before its first act.
        let month_followups = match month_rows.first() {
            Some(first_act) => self.month_followups(&mut digest, month, first_act.seq, last)?,
            None => Vec::new(),
        };
        Ok(MonthReads {
            month_rows,
            late_rows,
            window_followups,
            month_followups,
            sha256: digest.0.finalize().into(),
        })
    }

    /// Acts of `month` recorded up to entry `last_seq`, in recording order.
    fn month_act_rows(
        &self,
        digest: &mut ReadDigest,
        month: Month,
        last_seq: u64,
    ) -> Result<Vec<ActRow>> {
        let sql = format!(
            "{} WHERE a.month = ?1 AND a.seq <= ?2 ORDER BY a.seq",
            act_select()
        );
        digest.query("month_acts");
        self.act_rows(digest, &sql, params![month.to_string(), last_seq as i64])
    }

    /// Acts of months before `month` recorded up to `last_seq` that either
    /// were recorded from `first_seq` on, or belong to a month after
    /// `after` (months no closure covered): the late entries of the window
    /// `first_seq..=last_seq` closed for `month`.
    fn late_act_rows(
        &self,
        digest: &mut ReadDigest,
        month: Month,
        after: Option<Month>,
        first_seq: u64,
        last_seq: u64,
    ) -> Result<Vec<ActRow>> {
        // Two indexed halves rather than one OR, which would scan.
        let select = act_select();
        let sql = format!(
            "{select} WHERE a.month > ?3 AND a.month < ?1 AND a.seq <= ?2 \
             UNION ALL {select} WHERE a.seq BETWEEN ?4 AND ?2 AND a.month < ?1 AND a.month <= ?3 \
             ORDER BY 1"
        );
        let after = after.map_or(String::new(), |m| m.to_string());
        digest.query("late_acts");
        self.act_rows(
            digest,
            &sql,
            params![month.to_string(), last_seq as i64, after, first_seq as i64],
        )
    }

    /// Follow-ups (documents aside) of `month`'s acts, act and follow-up
    /// both recorded in `from_seq..=last_seq`, in recording order.
    fn month_followups(
        &self,
        digest: &mut ReadDigest,
        month: Month,
        from_seq: u64,
        last_seq: u64,
    ) -> Result<Vec<(u64, FollowupRecord)>> {
        // Driven by the follow-ups' seq range (CROSS JOIN keeps that order):
        // from the month's acts, it would probe the follow-ups once per act.
        let mut stmt = self.conn.prepare(
            "SELECT f.seq, e.payload FROM followups f CROSS JOIN acts a CROSS JOIN entries e \
             WHERE f.seq BETWEEN ?3 AND ?2 AND f.type <> 'document' AND a.id = f.act_id \
             AND a.month = ?1 AND a.seq <= ?2 AND e.seq = f.seq ORDER BY f.seq",
        )?;
        let mut rows = stmt.query(params![month.to_string(), last_seq as i64, from_seq as i64])?;
        digest.query("month_followups");
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            digest.row(r)?;
            let seq = r.get::<_, i64>(0)? as u64;
            out.push((seq, decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?));
        }
        Ok(out)
    }

    /// Follow-ups (documents aside) recorded in `first_seq..=last_seq`,
    /// whatever their act's month, with their act.
    fn followups_between(
        &self,
        digest: &mut ReadDigest,
        first_seq: u64,
        last_seq: u64,
    ) -> Result<Vec<FollowupRow>> {
        let sql = format!(
            "SELECT f.seq, e.payload, a.seq, a.void_seq, {} FROM followups f \
             JOIN acts a ON a.id = f.act_id JOIN entries e ON e.seq = f.seq \
             WHERE f.seq BETWEEN ?1 AND ?2 AND f.type <> 'document' ORDER BY f.seq",
            facts::COLUMNS
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![first_seq as i64, last_seq as i64])?;
        digest.query("window_followups");
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            digest.row(r)?;
            let seq = r.get::<_, i64>(0)? as u64;
            out.push(FollowupRow {
                seq,
                record: decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?,
                act: act_row(r, 2)?,
            });
        }
        Ok(out)
    }

    fn act_rows(
        &self,
        digest: &mut ReadDigest,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<ActRow>> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            digest.row(r)?;
            out.push(act_row(r, 0)?);
        }
        Ok(out)
    }
}
