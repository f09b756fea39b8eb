//! The reads a monthly report is made of: acts by month and by window of
//! entries (a closure's `first_seq..=last_seq`), follow-ups likewise. Acts
//! come from the columns of the derived `acts` table ([`ActFacts`]); only
//! follow-ups, few and small, are decoded from their entries. Document
//! follow-ups (one or two per act) are left out: no report counts them.

use rusqlite::{Row, params};

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
    /// Acts of `month` recorded up to entry `last_seq`, in recording order.
    pub fn month_act_rows(&self, month: Month, last_seq: u64) -> Result<Vec<ActRow>> {
        let sql = format!(
            "{} WHERE a.month = ?1 AND a.seq <= ?2 ORDER BY a.seq",
            act_select()
        );
        self.act_rows(&sql, params![month.to_string(), last_seq as i64])
    }

    /// Acts of months before `month` recorded up to `last_seq` that either
    /// were recorded from `first_seq` on, or belong to a month after
    /// `after` (months no closure covered): the late entries of the window
    /// `first_seq..=last_seq` closed for `month`.
    pub fn late_act_rows(
        &self,
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
        self.act_rows(
            &sql,
            params![month.to_string(), last_seq as i64, after, first_seq as i64],
        )
    }

    /// Follow-ups (documents aside) of `month`'s acts, act and follow-up
    /// both recorded up to `last_seq`, in recording order.
    pub fn month_followups(
        &self,
        month: Month,
        last_seq: u64,
    ) -> Result<Vec<(u64, FollowupRecord)>> {
        let mut stmt = self.conn.prepare(
            "SELECT f.seq, e.payload FROM followups f JOIN acts a ON a.id = f.act_id \
             JOIN entries e ON e.seq = f.seq WHERE a.month = ?1 AND a.seq <= ?2 AND f.seq <= ?2 \
             AND f.type <> 'document' ORDER BY f.seq",
        )?;
        let mut rows = stmt.query(params![month.to_string(), last_seq as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let seq = r.get::<_, i64>(0)? as u64;
            out.push((seq, decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?));
        }
        Ok(out)
    }

    /// Follow-ups (documents aside) recorded in `first_seq..=last_seq`,
    /// whatever their act's month, with their act.
    pub fn followups_between(&self, first_seq: u64, last_seq: u64) -> Result<Vec<FollowupRow>> {
        let sql = format!(
            "SELECT f.seq, e.payload, a.seq, a.void_seq, {} FROM followups f \
             JOIN acts a ON a.id = f.act_id JOIN entries e ON e.seq = f.seq \
             WHERE f.seq BETWEEN ?1 AND ?2 AND f.type <> 'document' ORDER BY f.seq",
            facts::COLUMNS
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![first_seq as i64, last_seq as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let seq = r.get::<_, i64>(0)? as u64;
            out.push(FollowupRow {
                seq,
                record: decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?,
                act: act_row(r, 2)?,
            });
        }
        Ok(out)
    }

    fn act_rows(&self, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Vec<ActRow>> {
        let mut stmt = self.conn.prepare(sql)?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(act_row(r, 0)?);
        }
        Ok(out)
    }
}
