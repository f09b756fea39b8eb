//! Month closures: a closure entry seals the chain up to its head, with the
//! month's count and totals, and is copied outside the database.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::chain;
use super::entry::Kind;
use super::entry::Typed;
use super::index::decode;
use super::{Ledger, Recorded, anchors, to_bytes};
use crate::act::ActRecord;
use crate::calendar::Month;
use crate::crypto::PublicKey;
use crate::error::{Refusal, Result};

/// Stored payload of a `closure` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureRecord {
    pub v: u32,
    pub month: String,
    /// The entries this closure seals: from just after the previous closure
    /// up to the head when it was written.
    pub first_seq: u64,
    pub last_seq: u64,
    pub head_hash: String,
    /// Acts of the month (by Paris date), void or not.
    pub count: u64,
    /// Of which: not void, not training.
    pub screenings: u64,
    pub prises_en_charge: u64,
    pub remuneration_cents: u64,
    pub closed_at: DateTime<Utc>,
    /// v2: the device's public key, and its Ed25519 signature (hex) over
    /// [`signing_input`]; both absent from closures written before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_public_key: Option<PublicKey>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// v3: the SHA-256 (hex) of everything the month's report read from
    /// the tables when it was checked against the entries just before this
    /// closure ([`ReadsSeal`]). Signed with the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reads_sha256: Option<String>,
}

/// What a month's report read, as checked against the entries at head
/// `head_seq`: a closure written at that same head seals it, and a later
/// report that reads the same bytes needs no second check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadsSeal {
    pub head_seq: u64,
    pub sha256: [u8; 32],
}

/// What a closure's signature covers: a domain, then the record's bytes
/// without its signature.
pub fn signing_input(c: &ClosureRecord) -> Vec<u8> {
    let mut unsigned = c.clone();
    unsigned.signature = None;
    let mut out = b"protocoop-closure-v2\n".to_vec();
    out.extend(to_bytes(&unsigned));
    out
}

/// Whether the closure carries a valid signature by the key it names.
pub fn signature_valid(c: &ClosureRecord) -> bool {
    let sig = c
        .signature
        .as_deref()
        .and_then(|s| hex::decode(s).ok())
        .and_then(|b| <[u8; 64]>::try_from(b).ok());
    match (sig, &c.device_public_key) {
        (Some(sig), Some(key)) => key.verifies(&signing_input(c), &sig),
        _ => false,
    }
}

impl Ledger {
    /// The closures written so far, oldest first.
    pub fn closures(&self) -> Result<Vec<(u64, ClosureRecord)>> {
        closures_on(&self.conn)
    }

    /// The earliest month after the last closure and before `month` that
    /// has acts: the next one to close and report.
    pub fn open_month_with_acts_before(&self, month: Month) -> Result<Option<Month>> {
        let after = self.closures()?.pop().map(|(_, c)| c.month);
        month_with_acts_between(&self.conn, after.as_deref(), month)?
            .map(|m| m.parse())
            .transpose()
    }

    /// The latest month up to `month` that has acts, closed or not.
    pub fn last_month_with_acts(&self, month: Month) -> Result<Option<Month>> {
        let found: Option<String> = self
            .conn
            .prepare_cached("SELECT month FROM acts WHERE month <= ?1 ORDER BY month DESC LIMIT 1")?
            .query_map(params![month.to_string()], |r| r.get(0))?
            .next()
            .transpose()?;
        found.map(|m| m.parse()).transpose()
    }

    /// Whether [`Self::close_month`] would accept `month` now; writes
    /// nothing (the kiosk offers the closure only when it would succeed).
    pub fn can_close(&self, month: Month, now: DateTime<Utc>) -> Result<()> {
        closable(&self.conn, month, now).map(|_| ())
    }

    /// Closes a month that is over. Months close in order, none with acts
    /// skipped; a month closed once stays closed (later acts for it are
    /// reported as late entries).
    pub fn close_month(
        &mut self,
        month: Month,
        now: DateTime<Utc>,
    ) -> Result<(Recorded, ClosureRecord)> {
        self.close_month_sealed(month, now, None)
    }

    /// [`Self::close_month`], sealing `reads` if they were checked at the
    /// head the closure is written at (an entry appended since, by another
    /// process, leaves the closure unsealed: its reports check in full).
    pub fn close_month_sealed(
        &mut self,
        month: Month,
        now: DateTime<Utc>,
        reads: Option<ReadsSeal>,
    ) -> Result<(Recorded, ClosureRecord)> {
        let dir = self.dir.clone();
        // The key file, not its log entry: a closure names its key itself,
        // so closing a month appends nothing but the closure.
        let (pair, _) = self.device_key_pending(now)?;
        let (recorded, closure) = self.write(|tx| {
            // Checked and counted under the write lock, so that two closures
            // can never race and the totals and the head hash describe the
            // same log.
            let last = closable(tx, month, now)?;
            let first_seq = last.map_or(1, |(seq, _)| seq.saturating_add(1));
            let acts = super::acts::act_records_on(tx, Some(month))?;
            let (head_seq, head_hash) = chain::head(tx)?;
            let counted: Vec<&ActRecord> = acts
                .iter()
                .filter(|(a, void)| !void && !a.training)
                .map(|(a, _)| a)
                .collect();
            let reads_sha256 = reads
                .filter(|r| r.head_seq == head_seq)
                .map(|r| hex::encode(r.sha256));
            let mut closure = ClosureRecord {
                v: if reads_sha256.is_some() { 3 } else { 2 },
                month: month.to_string(),
                first_seq,
                last_seq: head_seq,
                head_hash: hex::encode(head_hash),
                count: acts.len() as u64,
                screenings: counted.len() as u64,
                prises_en_charge: counted.iter().filter(|a| a.taken_in_charge()).count() as u64,
                remuneration_cents: counted
                    .iter()
                    .map(|a| {
                        u64::from(a.payment.delegue_cents) + u64::from(a.payment.delegant_cents)
                    })
                    .sum(),
                closed_at: now,
                device_public_key: Some(pair.public()),
                signature: None,
                reads_sha256,
            };
            closure.signature = Some(hex::encode(pair.sign(&signing_input(&closure))));
            let (seq, hash) =
                chain::append(tx, Kind::Closure, &to_bytes(&closure), Typed::Unknown)?;
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('last_closure', ?1)",
                params![month.to_string()],
            )?;
            Ok((
                Recorded {
                    id: month.to_string(),
                    number: String::new(),
                    seq,
                    hash: hex::encode(hash),
                },
                closure,
            ))
        })?;
        anchors::append_closure(&dir, &month.to_string(), recorded.seq, &recorded.hash)?;
        Ok((recorded, closure))
    }
}

fn closures_on(conn: &Connection) -> Result<Vec<(u64, ClosureRecord)>> {
    let mut stmt = conn
        .prepare_cached("SELECT seq, payload FROM entries WHERE kind = 'closure' ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq = r.get::<_, i64>(0)? as u64;
        out.push((seq, decode(seq, r.get_ref(1)?.as_blob().unwrap_or(&[]))?));
    }
    Ok(out)
}

fn month_with_acts_between(
    conn: &Connection,
    after: Option<&str>,
    before: Month,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT month FROM acts WHERE month > ?1 AND month < ?2 ORDER BY month LIMIT 1",
        )?
        .query_map(params![after.unwrap_or(""), before.to_string()], |r| {
            r.get(0)
        })?
        .next()
        .transpose()?)
}

/// The last closure, once every rule for closing `month` is checked.
fn closable(
    conn: &Connection,
    month: Month,
    now: DateTime<Utc>,
) -> Result<Option<(u64, ClosureRecord)>> {
    if now.with_timezone(&Paris).date_naive() < month.next().first_day() {
        return Err(Refusal::MonthNotOver(month.to_string()).into());
    }
    let last = closures_on(conn)?.pop();
    if let Some((_, c)) = &last
        && c.month.as_str() >= month.to_string().as_str()
    {
        return Err(if c.month == month.to_string() {
            Refusal::MonthAlreadyClosed(month.to_string())
        } else {
            Refusal::LaterMonthClosed {
                month: month.to_string(),
                later: c.month.clone(),
            }
        }
        .into());
    }
    // A skipped month with acts would never get a report of its own: its
    // acts would only ever appear as late entries.
    let after = last.as_ref().map(|(_, c)| c.month.as_str());
    if let Some(earlier) = month_with_acts_between(conn, after, month)? {
        return Err(Refusal::EarlierMonthOpen {
            earlier,
            month: month.to_string(),
        }
        .into());
    }
    Ok(last)
}
