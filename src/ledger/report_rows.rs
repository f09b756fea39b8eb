//! The reads a monthly report is made of: acts by month and by window of
//! entries (a closure's `first_seq..=last_seq`), follow-ups likewise. Acts
//! come from the columns of the derived `acts` table ([`ActFacts`]); only
//! follow-ups, few and small, are decoded from their entries. Document
//! follow-ups (one or two per act) are left out: no report counts them.
//!
//! [`Ledger::month_reads`] makes every read of one report and hashes the
//! values it read, column by column (acts on one thread, follow-ups on
//! another): a month closed after its reads were checked against the
//! entries seals that digest, and a later report that reads the same
//! values needs no second check (see `report::source`).

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Row, params};
use sha2::{Digest, Sha256};

use super::facts::{self, ActFacts};
use super::followup_record::FollowupRecord;
use super::index::decode;
use super::{DB_FILE, Ledger, store};
use crate::calendar::Month;
use crate::error::{Error, Result};
use crate::shared::Interner;

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
/// digest alike only if they read the same values in the same order. The
/// bytes go through a buffer: a month is millions of small values.
struct ReadDigest {
    sha: Sha256,
    buf: Vec<u8>,
}

impl ReadDigest {
    const CHUNK: usize = 64 * 1024;

    fn new() -> ReadDigest {
        ReadDigest {
            sha: Sha256::new(),
            buf: Vec::with_capacity(2 * Self::CHUNK),
        }
    }

    fn query(&mut self, name: &str) {
        self.buf.push(0xff);
        self.buf.extend((name.len() as u64).to_be_bytes());
        self.buf.extend(name.as_bytes());
    }

    /// Digests one row's values, all read once by [`values`].
    fn row(&mut self, values: &[ValueRef]) {
        self.buf.push(0xfe);
        for v in values {
            let (tag, bytes): (u8, &[u8]) = match *v {
                ValueRef::Null => (0, &[]),
                ValueRef::Integer(n) => {
                    self.buf.push(1);
                    self.buf.extend(n.to_be_bytes());
                    continue;
                }
                ValueRef::Real(f) => {
                    self.buf.push(2);
                    self.buf.extend(f.to_bits().to_be_bytes());
                    continue;
                }
                ValueRef::Text(t) => (3, t),
                ValueRef::Blob(b) => (4, b),
            };
            self.buf.push(tag);
            self.buf.extend((bytes.len() as u64).to_be_bytes());
            self.buf.extend(bytes);
        }
        if self.buf.len() >= Self::CHUNK {
            self.sha.update(&self.buf);
            self.buf.clear();
        }
    }

    fn finish(mut self) -> [u8; 32] {
        self.sha.update(&self.buf);
        self.sha.finalize().into()
    }
}

/// One thread's reads: their digest, and the texts they share.
struct Reading {
    digest: ReadDigest,
    strings: Interner,
}

impl Reading {
    fn new() -> Reading {
        Reading {
            digest: ReadDigest::new(),
            strings: Interner::default(),
        }
    }
}

fn act_select() -> String {
    format!("SELECT a.seq, a.void_seq, {} FROM acts a", facts::COLUMNS)
}

/// The most columns a report's query reads (a follow-up, its act's seq,
/// void and facts).
const MAX_COLUMNS: usize = 32;

/// Every value of a row, read once: for the digest, then to decode.
fn values<'r>(r: &'r Row) -> Result<RowValues<'r>> {
    let mut out = RowValues {
        values: [ValueRef::Null; MAX_COLUMNS],
        len: 0,
    };
    let n = r.as_ref().column_count();
    if n > MAX_COLUMNS {
        return Err(Error::Corrupt(format!(
            "{n} colonnes lues, {MAX_COLUMNS} au plus"
        )));
    }
    for (i, slot) in out.values.iter_mut().take(n).enumerate() {
        *slot = r.get_ref(i)?;
    }
    out.len = n;
    Ok(out)
}

/// A row's values, on the stack: a month reads 100 000 rows.
struct RowValues<'r> {
    values: [ValueRef<'r>; MAX_COLUMNS],
    len: usize,
}

impl<'r> std::ops::Deref for RowValues<'r> {
    type Target = [ValueRef<'r>];

    fn deref(&self) -> &[ValueRef<'r>] {
        self.values.get(..self.len).unwrap_or(&[])
    }
}

/// The integer at `i`, as a seq.
fn seq_at(v: &[ValueRef], i: usize) -> Result<u64> {
    match v.get(i) {
        Some(ValueRef::Integer(n)) => u64::try_from(*n).ok(),
        _ => None,
    }
    .ok_or_else(|| Error::Corrupt(format!("numéro d'entrée illisible : colonne {i}")))
}

/// Decodes an [`ActRow`] from values `at..` laid out as [`act_select`].
fn act_row(v: &[ValueRef], at: usize, strings: &mut Interner) -> Result<ActRow> {
    let seq = seq_at(v, at)?;
    let void_seq = match v.get(at + 1) {
        Some(ValueRef::Null) => None,
        _ => Some(seq_at(v, at + 1)?),
    };
    Ok(ActRow {
        seq,
        void_seq,
        facts: facts::from_values(v.get(at + 2..).unwrap_or(&[]), seq, strings)?,
    })
}

/// The follow-up decoded from the payload at `i`, entry `seq`.
fn followup_at(v: &[ValueRef], i: usize, seq: u64) -> Result<FollowupRecord> {
    let payload = match v.get(i) {
        Some(ValueRef::Blob(b)) => *b,
        _ => &[],
    };
    decode(seq, payload)
}

impl Ledger {
    /// Every read of the report of the window `first..=last` closed for
    /// `month`, `after` being the month of the closure before it.
    ///
    /// Three threads share the work, each on its own connection: the first
    /// half of the month's acts (by seq) and the late entries, the second
    /// half, and the follow-ups. Each digests its own reads; the seal is
    /// the digest of the three, in that order. The halves are split at the
    /// middle of the seqs from the month's first act to `last`, so the
    /// same rows always digest alike. (A closure sealed before this, by one
    /// digest over all, no longer matches: its month is checked against
    /// the entries.)
    pub fn month_reads(
        &self,
        month: Month,
        after: Option<Month>,
        first: u64,
        last: u64,
    ) -> Result<MonthReads> {
        let span = MonthSpan::of(&self.conn, month, last)?;
        let mid = span.from.saturating_add(last.saturating_sub(span.from) / 2);
        let (lower, upper) = ((span.from, mid.min(last)), (mid.saturating_add(1), last));
        let db = self.dir.join(DB_FILE);
        let (upper_reader, followup_reader) = (
            store::connect_reader(&db, self.db_key())?,
            store::connect_reader(&db, self.db_key())?,
        );
        let interrupted = |_| Error::Storage("lecture des actes du mois interrompue".to_string());
        let (main, upper, follow) = std::thread::scope(|s| {
            let follow =
                s.spawn(move || followup_reads(&followup_reader, month, span.from, first, last));
            let upper = s.spawn(move || -> Result<(Vec<ActRow>, [u8; 32])> {
                let mut read = Reading::new();
                let rows = month_act_rows(&upper_reader, &mut read, month, upper, &span)?;
                Ok((rows, read.digest.finish()))
            });
            let main = (|| -> Result<(Vec<ActRow>, Vec<ActRow>, [u8; 32])> {
                let mut read = Reading::new();
                let rows = month_act_rows(&self.conn, &mut read, month, lower, &span)?;
                let late = late_act_rows(&self.conn, &mut read, month, after, first, last)?;
                Ok((rows, late, read.digest.finish()))
            })();
            (main, upper.join(), follow.join())
        });
        let (mut month_rows, late_rows, lower_digest) = main?;
        let (upper_rows, upper_digest) = upper.map_err(interrupted)??;
        let (window_followups, month_followups, followups_digest) =
            follow.map_err(interrupted)??;
        month_rows.extend(upper_rows);
        let mut sha = Sha256::new();
        sha.update(READS_DOMAIN);
        sha.update(lower_digest);
        sha.update(upper_digest);
        sha.update(followups_digest);
        Ok(MonthReads {
            month_rows,
            late_rows,
            window_followups,
            month_followups,
            sha256: sha.finalize().into(),
        })
    }
}

/// What the seal of a month's reads starts with, naming how it is made.
const READS_DOMAIN: &[u8] = b"protocoop-month-reads-v2\n";

/// Where a month's acts recorded up to a closure lie.
#[derive(Debug, Clone, Copy)]
struct MonthSpan {
    /// The seq of the first of them (past the closure when there is none).
    from: u64,
    count: u64,
    /// Walk the table over their seqs rather than look each up by month.
    walk: bool,
}

impl MonthSpan {
    fn of(conn: &Connection, month: Month, last: u64) -> Result<MonthSpan> {
        let (from, count): (Option<i64>, i64) = conn.query_row(
            "SELECT min(seq), count(*) FROM acts WHERE month = ?1 AND seq <= ?2",
            params![month.to_string(), last as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let from = from.map_or(last.saturating_add(1), |f| f.max(0) as u64);
        let count = count.max(0) as u64;
        // A month's acts are recorded close together: walking the table
        // from the first of them reads its pages in order, where the month
        // index would look each row up. Only when other acts dominate that
        // range (a clock set wrong, say) is the index the cheaper way.
        let span = last.saturating_sub(from).saturating_add(1);
        Ok(MonthSpan {
            from,
            count,
            walk: span <= count.saturating_mul(2),
        })
    }
}

/// The window's follow-ups, the month's, and the digest of those reads.
type FollowupReads = (Vec<FollowupRow>, Vec<(u64, FollowupRecord)>, [u8; 32]);

/// The window's follow-ups and the month's (`from` being the seq of the
/// month's first act), and the digest of those reads.
fn followup_reads(
    conn: &Connection,
    month: Month,
    from: u64,
    first: u64,
    last: u64,
) -> Result<FollowupReads> {
    let mut read = Reading::new();
    let window = followups_between(conn, &mut read, first, last)?;
    // A follow-up is recorded after its act: none of the month's comes
    // before its first act.
    let of_month = if from <= last {
        month_followups(conn, &mut read, month, from, last)?
    } else {
        Vec::new()
    };
    Ok((window, of_month, read.digest.finish()))
}

/// Acts of `month` recorded in entries `lo..=hi`, in recording order.
fn month_act_rows(
    conn: &Connection,
    read: &mut Reading,
    month: Month,
    (lo, hi): (u64, u64),
    span: &MonthSpan,
) -> Result<Vec<ActRow>> {
    let sql = if span.walk {
        format!(
            "{} NOT INDEXED WHERE a.seq BETWEEN ?2 AND ?3 AND a.month = ?1 ORDER BY a.seq",
            act_select()
        )
    } else {
        format!(
            "{} WHERE a.month = ?1 AND a.seq BETWEEN ?2 AND ?3 ORDER BY a.seq",
            act_select()
        )
    };
    read.digest.query("month_acts");
    // Room for half the month: each half reads about that many.
    let capacity = usize::try_from(span.count / 2 + 1).unwrap_or(0);
    act_rows(
        conn,
        read,
        &sql,
        params![month.to_string(), lo as i64, hi as i64],
        capacity,
    )
}

/// Acts of months before `month` recorded up to `last_seq` that either
/// were recorded from `first_seq` on, or belong to a month after
/// `after` (months no closure covered): the late entries of the window
/// `first_seq..=last_seq` closed for `month`.
fn late_act_rows(
    conn: &Connection,
    read: &mut Reading,
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
    read.digest.query("late_acts");
    act_rows(
        conn,
        read,
        &sql,
        params![month.to_string(), last_seq as i64, after, first_seq as i64],
        0,
    )
}

/// Follow-ups (documents aside) of `month`'s acts, act and follow-up
/// both recorded in `from_seq..=last_seq`, in recording order.
fn month_followups(
    conn: &Connection,
    read: &mut Reading,
    month: Month,
    from_seq: u64,
    last_seq: u64,
) -> Result<Vec<(u64, FollowupRecord)>> {
    // Driven by the follow-ups' seq range (CROSS JOIN keeps that order):
    // from the month's acts, it would probe the follow-ups once per act.
    let mut stmt = conn.prepare(
        "SELECT f.seq, e.payload FROM followups f CROSS JOIN acts a CROSS JOIN entries e \
         WHERE f.seq BETWEEN ?3 AND ?2 AND f.type <> 'document' AND a.id = f.act_id \
         AND a.month = ?1 AND a.seq <= ?2 AND e.seq = f.seq ORDER BY f.seq",
    )?;
    let mut rows = stmt.query(params![month.to_string(), last_seq as i64, from_seq as i64])?;
    read.digest.query("month_followups");
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let v = values(r)?;
        read.digest.row(&v);
        let seq = seq_at(&v, 0)?;
        out.push((seq, followup_at(&v, 1, seq)?));
    }
    Ok(out)
}

/// Follow-ups (documents aside) recorded in `first_seq..=last_seq`,
/// whatever their act's month, with their act.
fn followups_between(
    conn: &Connection,
    read: &mut Reading,
    first_seq: u64,
    last_seq: u64,
) -> Result<Vec<FollowupRow>> {
    let sql = format!(
        "SELECT f.seq, e.payload, a.seq, a.void_seq, {} FROM followups f \
         JOIN acts a ON a.id = f.act_id JOIN entries e ON e.seq = f.seq \
         WHERE f.seq BETWEEN ?1 AND ?2 AND f.type <> 'document' ORDER BY f.seq",
        facts::COLUMNS
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params![first_seq as i64, last_seq as i64])?;
    read.digest.query("window_followups");
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let v = values(r)?;
        read.digest.row(&v);
        let seq = seq_at(&v, 0)?;
        out.push(FollowupRow {
            seq,
            record: followup_at(&v, 1, seq)?,
            act: act_row(&v, 2, &mut read.strings)?,
        });
    }
    Ok(out)
}

fn act_rows(
    conn: &Connection,
    read: &mut Reading,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
    capacity: usize,
) -> Result<Vec<ActRow>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::with_capacity(capacity);
    while let Some(r) = rows.next()? {
        let v = values(r)?;
        read.digest.row(&v);
        out.push(act_row(&v, 0, &mut read.strings)?);
    }
    Ok(out)
}
