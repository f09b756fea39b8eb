//! Reading a month's acts and follow-ups from the ledger, by the closure
//! rule: every act is reported exactly once, in the report of the first
//! closure that both covers its month (`closure.month >= act month`) and was
//! written after it (`closure.last_seq >= act seq`). When that closure is its
//! own month's, the act is on time; otherwise it is a late entry of a later
//! month, never slipped into a closed one. Follow-ups follow their act when
//! recorded before its closure; recorded after, they are listed as late
//! follow-ups of the report whose closure window holds them.
//!
//! The tables read are derived from the entries, and a report is never
//! computed from a row `verify` would reject: the reads are checked against
//! the entries ([`Ledger::check_report_rows`]) unless the month's closure
//! sealed the digest of these very reads, checked just before it was
//! written (a closed month's report then reads no act payload).

use std::collections::{BTreeSet, HashSet};

use super::model::{ClosureRef, PreviousClosure, TerritoryRef};
use super::month::{LateFollowupIn, MonthInput, ReportAct, ReportFollowup};
use super::rows::SurveyRow;
use crate::act::{ActRecord, Payment};
use crate::calendar::Month;
use crate::error::Error;
use crate::error::Result;
use crate::ledger::{
    ActFacts, ActRow, ClosureRecord, FollowupEvent, Ledger, MonthReads, ReadsSeal,
};

/// The closures of the ledger as (entry seq, record), oldest first.
pub type Closures = Vec<(u64, ClosureRecord)>;

/// Index in `closures` of the report an act belongs to.
pub fn report_of(closures: &Closures, act_month: &str, act_seq: u64) -> Option<usize> {
    closures
        .iter()
        .position(|(_, c)| c.month.as_str() >= act_month && c.last_seq >= act_seq)
}

/// What voiding an act does to what the CPTS pays for it, by the closure
/// rule (a void reported later is deducted: `month::compute`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoidPay {
    /// Never paid (orientation, training).
    Unpaid,
    /// Its report is not closed yet: it will simply not be paid.
    NotYetReported(Payment),
    /// Paid by the report of `month`: the next closed month deducts it.
    DeductedLater { month: String, payment: Payment },
}

/// [`VoidPay`] for the act `act` (entry `seq`), were it voided now.
pub fn void_pay(ledger: &Ledger, act: &ActRecord, seq: u64) -> Result<VoidPay> {
    let Some(payment) = ActFacts::from(act).payable(false) else {
        return Ok(VoidPay::Unpaid);
    };
    let closures = ledger.closures()?;
    let month = Month::of_instant(act.occurred_at).to_string();
    Ok(
        match report_of(&closures, &month, seq).and_then(|i| closures.get(i)) {
            Some((_, c)) => VoidPay::DeductedLater {
                month: c.month.clone(),
                payment,
            },
            None => VoidPay::NotYetReported(payment),
        },
    )
}

/// The act with its void status as of entry `last` (the closure's head).
fn report_act(row: ActRow, last: u64) -> ReportAct {
    ReportAct {
        seq: row.seq,
        void: row.void_at(last),
        act: row.facts,
    }
}

/// How a report's reads were found sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// Against the entries, act by act.
    AgainstEntries,
    /// By their digest, sealed by the month's closure.
    SealedByClosure,
}

/// What a report is computed from, and how its reads were checked.
#[derive(Debug, Clone)]
pub struct MonthRead {
    pub input: MonthInput,
    /// The digest of the reads, for the closure to seal.
    pub seal: ReadsSeal,
    pub checked: Checked,
}

/// Gathers everything the report of `closures[index]` is computed from.
pub fn read_month(
    ledger: &Ledger,
    closures: &Closures,
    index: usize,
    territory: TerritoryRef,
    territory_postal_codes: BTreeSet<String>,
) -> Result<MonthRead> {
    let (closure_seq, c) = &closures[index];
    let month: Month = c.month.parse()?;
    let previous = index.checked_sub(1).map(|i| &closures[i]);
    let previous_month: Option<Month> = previous.map(|(_, p)| p.month.parse()).transpose()?;
    let (first, last) = (c.first_seq, c.last_seq);

    // Late: earlier months recorded inside this closure's window, or months
    // skipped since the previous closure.
    let MonthReads {
        month_rows,
        late_rows,
        window_followups,
        month_followups,
        sha256,
    } = ledger.month_reads(month, previous_month, first, last)?;
    let sealed = c
        .reads_sha256
        .as_deref()
        .is_some_and(|s| s == hex::encode(sha256));
    if !sealed {
        let read: Vec<&ActRow> = month_rows
            .iter()
            .chain(&late_rows)
            .chain(window_followups.iter().map(|f| &f.act))
            .collect();
        ledger.check_report_rows(&read, first, last)?;
    }
    let acts: Vec<ReportAct> = month_rows
        .into_iter()
        .map(|r| report_act(r, last))
        .collect();
    // 100 000 ids: a seeded fast hasher rather than SipHash.
    let ids: HashSet<&str, foldhash::fast::RandomState> =
        acts.iter().map(|a| a.act.id.as_str()).collect();
    let late_acts = late_rows.into_iter().map(|r| report_act(r, last)).collect();
    // The rows joined each follow-up to its act: its entry must say so.
    let joined_wrongly = month_followups
        .iter()
        .find(|(_, f)| !ids.contains(f.act_id.as_str()))
        .map(|(seq, _)| *seq)
        .or_else(|| {
            window_followups
                .iter()
                .find(|f| f.record.act_id != f.act.facts.id)
                .map(|f| f.seq)
        });
    if let Some(seq) = joined_wrongly {
        return Err(Error::Corrupt(format!(
            "entrée {seq} : la table des suivis ne rattache plus ce suivi à son acte — aucun rapport n'est produit d'un registre altéré ; lancez la vérification du registre"
        )));
    }
    let followups = month_followups
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
    for f in window_followups {
        let act_month = f.act.facts.month().to_string();
        let owner = report_of(closures, &act_month, f.act.seq);
        let earlier = owner.is_some_and(|o| o < index);
        let late_entry = owner == Some(index) && act_month < c.month;
        if !(earlier || late_entry)
            || (late_entry && matches!(f.record.event, FollowupEvent::Void { .. }))
        {
            continue;
        }
        late_followups.push(LateFollowupIn {
            seq: f.seq,
            act_seq: f.act.seq,
            act_void: f.act.void_at(last),
            act: f.act.facts,
            event: f.record.event,
        });
    }

    let input = MonthInput {
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
            hash: ledger.hash_at(*closure_seq)?,
        },
        previous_closure: match previous {
            None => None,
            Some((seq, p)) => Some(PreviousClosure {
                month: p.month.clone(),
                seq: *seq,
                last_seq: p.last_seq,
                head_hash: p.head_hash.clone(),
                hash: ledger.hash_at(*seq)?,
            }),
        },
        acts,
        followups,
        late_acts,
        late_followups,
        surveys: ledger
            .surveys_between(first, last)?
            .iter()
            .map(|(seq, s)| SurveyRow::of(*seq, s))
            .collect(),
    };
    Ok(MonthRead {
        input,
        seal: ReadsSeal {
            head_seq: last,
            sha256,
        },
        checked: if sealed {
            Checked::SealedByClosure
        } else {
            Checked::AgainstEntries
        },
    })
}
