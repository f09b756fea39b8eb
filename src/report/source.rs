//! Reading a month's acts and follow-ups from the ledger, by the closure
//! rule: every act is reported exactly once, in the report of the first
//! closure that both covers its month (`closure.month >= act month`) and was
//! written after it (`closure.last_seq >= act seq`). When that closure is its
//! own month's, the act is on time; otherwise it is a late entry of a later
//! month, never slipped into a closed one. Follow-ups follow their act when
//! recorded before its closure; recorded after, they are listed as late
//! follow-ups of the report whose closure window holds them.
//!
//! The ledger has no public query for follow-ups by month nor for an act's
//! seq and void seq, so this module reads the derived `acts` / `followups`
//! tables read-only through [`Ledger::connection`].

use std::collections::BTreeSet;

use rusqlite::{Connection, params};

use super::month::{
    ActFacts, ClosureRef, LateFollowupIn, MonthInput, PreviousClosure, ReportAct, ReportFollowup,
    TerritoryRef,
};
use crate::calendar::Month;
use crate::error::{Error, Result};
use crate::ledger::{ClosureRecord, FollowupRecord, Ledger};

/// The closures of the ledger as (entry seq, record), oldest first.
pub type Closures = Vec<(u64, ClosureRecord)>;

/// Index in `closures` of the report an act belongs to.
pub fn report_of(closures: &Closures, act_month: &str, act_seq: u64) -> Option<usize> {
    closures
        .iter()
        .position(|(_, c)| c.month.as_str() >= act_month && c.last_seq >= act_seq)
}

fn decode<T: serde::de::DeserializeOwned>(seq: u64, payload: &[u8]) -> Result<T> {
    serde_json::from_slice(payload)
        .map_err(|e| Error::Corrupt(format!("entrée {seq} illisible pour le rapport : {e}")))
}

/// Gathers everything the report of `closures[index]` is computed from.
pub fn read_month(
    ledger: &Ledger,
    closures: &Closures,
    index: usize,
    territory: TerritoryRef,
    territory_postal_codes: BTreeSet<String>,
) -> Result<MonthInput> {
    let (closure_seq, c) = &closures[index];
    let month: Month = c.month.parse()?;
    let previous = index.checked_sub(1).map(|i| &closures[i]);
    let conn = ledger.connection();
    let m = c.month.as_str();
    let (first, last) = (c.first_seq as i64, c.last_seq as i64);
    let prev_month = previous.map_or("", |(_, p)| p.month.as_str());

    const ACT: &str =
        "SELECT a.seq, a.void_seq, e.payload FROM acts a JOIN entries e ON e.seq = a.seq";
    let acts = read_acts(
        conn,
        &format!("{ACT} WHERE a.month = ?1 AND a.seq <= ?2 ORDER BY a.seq"),
        params![m, last],
        last,
    )?;
    // Late: earlier months recorded inside this closure's window, or months
    // skipped since the previous closure.
    let mut late_acts = read_acts(
        conn,
        &format!(
            "{ACT} WHERE a.month > ?3 AND a.month < ?1 AND a.seq <= ?2 \
             UNION ALL {ACT} WHERE a.seq BETWEEN ?4 AND ?2 AND a.month < ?1 AND a.month <= ?3 \
             ORDER BY 1"
        ),
        params![m, last, prev_month, first],
        last,
    )?;
    late_acts.sort_by_key(|a| a.seq);

    const FOLLOW: &str = "SELECT f.seq, e.payload FROM followups f JOIN acts a ON a.id = f.act_id \
                          JOIN entries e ON e.seq = f.seq";
    let followups: Vec<ReportFollowup> = read_followups(
        conn,
        &format!("{FOLLOW} WHERE a.month = ?1 AND a.seq <= ?2 AND f.seq <= ?2 ORDER BY f.seq"),
        params![m, last],
    )?
    .into_iter()
    .map(|(seq, f)| ReportFollowup {
        seq,
        act_id: f.act_id,
        event: f.event,
    })
    .collect();

    // Follow-ups inside the window on acts reported earlier, and follow-ups
    // of this report's late entries (a void on a late entry only marks it).
    let mut late_followups = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT f.seq, e.payload, a.seq, a.month, ae.payload FROM followups f \
         JOIN acts a ON a.id = f.act_id JOIN entries e ON e.seq = f.seq \
         JOIN entries ae ON ae.seq = a.seq WHERE f.seq BETWEEN ?1 AND ?2 ORDER BY f.seq",
    )?;
    let mut rows = stmt.query(params![first, last])?;
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        let act_seq = r.get::<_, i64>(2)? as u64;
        let act_month: String = r.get(3)?;
        let owner = report_of(closures, &act_month, act_seq);
        let earlier = owner.is_some_and(|o| o < index);
        let late_entry = owner == Some(index) && act_month.as_str() < m;
        if !(earlier || late_entry) {
            continue;
        }
        let f: FollowupRecord = decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?;
        if late_entry && f.event.type_name() == "void" {
            continue;
        }
        let act: ActFacts = decode(act_seq, r.get_ref(4)?.as_blob().unwrap_or(&[]))?;
        late_followups.push(LateFollowupIn {
            seq,
            act,
            event: f.event,
        });
    }

    Ok(MonthInput {
        month,
        device_id: ledger.device_id().to_string(),
        territory,
        territory_postal_codes,
        closure: ClosureRef {
            first_seq: c.first_seq,
            last_seq: c.last_seq,
            count: c.count,
            head_hash: c.head_hash.clone(),
            seq: *closure_seq,
            closed_at: c.closed_at,
        },
        previous_closure: previous.map(|(seq, p)| PreviousClosure {
            month: p.month.clone(),
            seq: *seq,
            last_seq: p.last_seq,
            head_hash: p.head_hash.clone(),
        }),
        acts,
        followups,
        late_acts,
        late_followups,
    })
}

/// Acts with their void status as of the closure (`void_seq <= last`).
fn read_acts(
    conn: &Connection,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
    last: i64,
) -> Result<Vec<ReportAct>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        let void_seq: Option<i64> = r.get(1)?;
        out.push(ReportAct {
            seq,
            void: void_seq.is_some_and(|v| v <= last),
            act: decode(seq, r.get_ref(2)?.as_blob().unwrap_or(&[]))?,
        });
    }
    Ok(out)
}

fn read_followups(
    conn: &Connection,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Vec<(u64, FollowupRecord)>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        out.push((seq, decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?));
    }
    Ok(out)
}

/// The first month after the last closure (and before `month`) that has
/// acts: it must be reported before `month` is closed, or its acts would
/// only ever appear as late entries.
pub fn unreported_month_before(
    ledger: &Ledger,
    closures: &Closures,
    month: Month,
) -> Result<Option<String>> {
    let after = closures.last().map_or("", |(_, c)| c.month.as_str());
    let found = ledger
        .connection()
        .prepare("SELECT month FROM acts WHERE month > ?1 AND month < ?2 ORDER BY month LIMIT 1")?
        .query_map(params![after, month.to_string()], |r| r.get::<_, String>(0))?
        .next()
        .transpose()?;
    Ok(found)
}
