//! Where a planned call stands for one act: not yet due, due (listed in
//! « À rappeler »), done, closed after too many tries, or missed.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Paris;
use serde::Serialize;

use crate::ledger::FollowupEvent;
use crate::protocol::{Ask, FollowupPlan, PlannedCall};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Before its day.
    Upcoming { due_on: NaiveDate },
    /// To make: listed from its day, for the plan's window.
    Due { due_on: NaiveDate, tries: u32 },
    /// Tried today without an answer: listed again tomorrow.
    TriedToday { due_on: NaiveDate, tries: u32 },
    /// The patient answered.
    Done { on: NaiveDate },
    /// As many tries without an answer as the plan allows.
    Unreachable { tries: u32 },
    /// Its window passed without an answer.
    Missed { due_on: NaiveDate },
}

impl CallState {
    /// Listed in « À rappeler » today.
    pub fn is_due(self) -> bool {
        matches!(self, CallState::Due { .. })
    }

    /// Closed: an answer, or « injoignable ». A call still open may be
    /// recorded, even before its day (the patient called back).
    pub fn is_closed(self) -> bool {
        matches!(self, CallState::Done { .. } | CallState::Unreachable { .. })
    }
}

/// The state of `call` for an act of `act_day`, from the act's follow-ups
/// still standing (withdrawn ones left out by the caller), on `today`.
pub fn state_of<'a>(
    plan: &FollowupPlan,
    call: &PlannedCall,
    act_day: NaiveDate,
    followups: impl IntoIterator<Item = (&'a FollowupEvent, DateTime<Utc>)>,
    today: NaiveDate,
) -> CallState {
    let due_on = act_day
        .checked_add_signed(Duration::days(i64::from(call.after_days)))
        .unwrap_or(NaiveDate::MAX);
    let mut tries = 0u32;
    let mut tried_today = false;
    for (event, at) in followups {
        let FollowupEvent::Call {
            call: id, reached, ..
        } = event
        else {
            continue;
        };
        if *id != call.id {
            continue;
        }
        let on = at.with_timezone(&Paris).date_naive();
        if *reached {
            return CallState::Done { on };
        }
        tries = tries.saturating_add(1);
        tried_today |= on == today;
    }
    if tries >= plan.attempts {
        return CallState::Unreachable { tries };
    }
    let last = due_on
        .checked_add_signed(Duration::days(i64::from(plan.window_days)))
        .unwrap_or(NaiveDate::MAX);
    if today < due_on {
        CallState::Upcoming { due_on }
    } else if today > last {
        CallState::Missed { due_on }
    } else if tried_today {
        CallState::TriedToday { due_on, tries }
    } else {
        CallState::Due { due_on, tries }
    }
}

/// One call to make, with what the person calling needs: read on the
/// device only (the patient's name and phone never leave it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueCall {
    pub act_id: String,
    pub act_number: String,
    /// The act's day, Europe/Paris.
    pub act_day: NaiveDate,
    /// `NOM Prénom`.
    pub patient: String,
    pub phone: Option<String>,
    pub call: String,
    pub title: String,
    pub ask: Vec<Ask>,
    pub due_on: NaiveDate,
    /// Tries without an answer so far.
    pub tries: u32,
    /// Of the plan: the try that closes the call as « injoignable ».
    pub attempts: u32,
    /// What the act gave (« Paracétamol comprimé 1 g »…).
    pub lines: Vec<String>,
    /// The appointment's deadline the act set (« sous 24 heures »).
    pub urgency: Option<String>,
}

/// The calls due, act by act (in the order the list first names each
/// act): one phone call makes all of an act's.
pub fn by_act(due: &[DueCall]) -> Vec<Vec<&DueCall>> {
    let mut out: Vec<Vec<&DueCall>> = Vec::new();
    for c in due {
        match out
            .iter_mut()
            .find(|g| g.first().is_some_and(|f| f.act_id == c.act_id))
        {
            Some(g) => g.push(c),
            None => out.push(vec![c]),
        }
    }
    out
}

impl DueCall {
    /// Days past its day (0 on the day).
    pub fn days_late(&self, today: NaiveDate) -> i64 {
        (today - self.due_on).num_days().max(0)
    }
}
