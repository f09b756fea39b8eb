//! « À rappeler » from the ledger: the calls due today among the recent
//! prises en charge, and a call recorded with its answers in one
//! transaction (all its follow-ups, or none).

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

use super::chain;
use super::entry::{Kind, Typed};
use super::followups::Authenticated;
use super::{ActStatus, FollowupRecord, Ledger, LoggedFollowup, Recorded, to_bytes};
use crate::act::ActRecord;
use crate::calendar::Month;
use crate::calls::{Answers, CallState, DueCall, state_of};
use crate::error::{Error, Refusal, Result};
use crate::protocol::{FollowupPlan, PlannedCall, Protocol};

/// The follow-ups of an act that still stand, with when they were recorded.
fn standing(followups: &[LoggedFollowup]) -> Vec<(&super::FollowupEvent, DateTime<Utc>)> {
    let withdrawn: HashSet<u64> = super::withdrawn(
        followups
            .iter()
            .map(|f| (f.seq, f.act_id.as_str(), &f.event)),
    );
    followups
        .iter()
        .filter(|f| !withdrawn.contains(&f.seq))
        .map(|f| (&f.event, f.recorded_at))
        .collect()
}

fn act_day(act: &ActRecord) -> NaiveDate {
    act.occurred_at.with_timezone(&Paris).date_naive()
}

impl Ledger {
    /// The calls of the protocol's plan due on `today` (Europe/Paris) or
    /// overdue within the plan's window, oldest first. Reads the months
    /// the window spans only, whatever the ledger's size.
    pub fn calls_due(&self, protocol: &Protocol, today: NaiveDate) -> Result<Vec<DueCall>> {
        let Some(plan) = &protocol.followup else {
            return Ok(Vec::new());
        };
        let from = today
            .checked_sub_signed(Duration::days(i64::from(plan.horizon_days())))
            .unwrap_or(NaiveDate::MIN);
        let mut out = Vec::new();
        let mut month = Month::of_date(from);
        while month <= Month::of_date(today) {
            for act in self.prises_en_charge(month, &protocol.identity.id)? {
                let day = act_day(&act);
                if day < from || day > today {
                    continue;
                }
                let logged = self.followups_of(&act.id)?;
                let events = standing(&logged);
                for call in plan.calls_after(act.outcome.urgency.as_deref()) {
                    let state = state_of(plan, call, day, events.iter().copied(), today);
                    if let CallState::Due { due_on, tries } = state {
                        out.push(due_call(protocol, plan, call, &act, due_on, tries));
                    }
                }
            }
            month = month.next();
        }
        out.sort_by(|a, b| (a.due_on, &a.act_number).cmp(&(b.due_on, &b.act_number)));
        Ok(out)
    }

    /// Records one phone call making these calls of the plan for an act
    /// (by id or number): each call, then what the patient answered, as
    /// follow-ups authored by the délégué who just typed her PIN, in one
    /// transaction. A call already answered, or closed as « injoignable »,
    /// is refused, and then nothing is written.
    pub fn record_call(
        &mut self,
        protocol: &Protocol,
        act: &str,
        by: &Authenticated,
        call_ids: &[&str],
        answers: &Answers,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        if self.registry()?.delegue(by.rpps()).is_none() {
            return Err(Refusal::UnknownDelegue(by.rpps().to_string()).into());
        }
        let view = self.act(act)?;
        let number = view.act.number.clone();
        if let ActStatus::Void { .. } = view.status {
            return Err(Refusal::ActVoid(number).into());
        }
        let plan = protocol
            .followup
            .as_ref()
            .ok_or_else(|| Error::input("appel", "le protocole ne prévoit pas d'appel de suivi"))?;
        if view.act.protocol.id != protocol.identity.id {
            return Err(Error::input(
                "appel",
                format!("l'acte {number} relève d'un autre protocole"),
            ));
        }
        let mut calls: Vec<&PlannedCall> = Vec::new();
        for id in call_ids {
            let c = planned(plan, &view.act, id)?;
            if calls.iter().any(|x| x.id == c.id) {
                return Err(Error::input(
                    "appel",
                    format!("l'appel « {} » est nommé deux fois", c.id),
                ));
            }
            calls.push(c);
        }
        let day = act_day(&view.act);
        let today = now.with_timezone(&Paris).date_naive();
        let events = answers.events(&calls, day, &protocol.adverse)?;
        let by_rpps = by.rpps().to_string();
        let (seq, hash) = self.write(|tx| {
            // Checked against the follow-ups as the write lock finds them:
            // another window may have recorded the same call meanwhile.
            let logged = super::acts::followups_in(tx, &view.act.id)?;
            let made = Made {
                plan,
                day,
                today,
                reached: answers.reached,
                number: &number,
            };
            made.refuse(&calls, &standing(&logged))?;
            let mut last = None;
            for event in events {
                let record = FollowupRecord {
                    v: 1,
                    act_id: view.act.id.clone(),
                    act_number: number.clone(),
                    by: Some(by_rpps.clone()),
                    recorded_at: now,
                    event,
                };
                last = Some(chain::append(
                    tx,
                    Kind::Followup,
                    &to_bytes(&record),
                    Typed::Followup(&record),
                )?);
            }
            last.ok_or_else(|| Error::input("appel", "appel sans suivi"))
        })?;
        Ok(Recorded {
            id: view.act.id,
            number,
            seq,
            hash: hex::encode(hash),
        })
    }
}

/// What decides whether a call may still be recorded.
struct Made<'a> {
    plan: &'a FollowupPlan,
    day: NaiveDate,
    today: NaiveDate,
    reached: bool,
    number: &'a str,
}

impl Made<'_> {
    /// A call already answered, closed as « injoignable », or (without an
    /// answer) already tried today is refused.
    fn refuse(
        &self,
        calls: &[&PlannedCall],
        standing: &[(&super::FollowupEvent, DateTime<Utc>)],
    ) -> Result<()> {
        let (plan, number) = (self.plan, self.number);
        for call in calls {
            match state_of(plan, call, self.day, standing.iter().copied(), self.today) {
                CallState::Done { on } => {
                    return Err(Error::input(
                        "appel",
                        format!(
                            "l'appel « {} » de l'acte {number} est déjà fait (le {})",
                            call.title,
                            crate::fr::date(on)
                        ),
                    ));
                }
                CallState::Unreachable { tries } => {
                    return Err(Error::input(
                        "appel",
                        format!(
                            "l'appel « {} » de l'acte {number} est clos : patient injoignable après {tries} essais",
                            call.title
                        ),
                    ));
                }
                CallState::TriedToday { .. } if !self.reached => {
                    return Err(Error::input(
                        "appel",
                        format!(
                            "l'appel « {} » de l'acte {number} a déjà été tenté aujourd'hui sans réponse : un essai par jour, rappelez demain",
                            call.title
                        ),
                    ));
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The planned call `id` that follows this act (a prise en charge, of an
/// urgency the call follows).
fn planned<'a>(plan: &'a FollowupPlan, act: &ActRecord, id: &str) -> Result<&'a PlannedCall> {
    let number = &act.number;
    if !act.taken_in_charge() {
        return Err(Error::input(
            "appel",
            format!("l'acte {number} n'est pas une prise en charge : pas d'appel de suivi"),
        ));
    }
    let known = || {
        plan.calls_after(act.outcome.urgency.as_deref())
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match plan.call(id.trim()) {
        Some(c) if c.follows(act.outcome.urgency.as_deref()) => Ok(c),
        Some(c) => Err(Error::input(
            "appel",
            format!(
                "l'appel « {} » ne suit pas l'acte {number} (autre délai de rendez-vous) ; appels de cet acte : {}",
                c.id,
                known()
            ),
        )),
        None => Err(Error::input(
            "appel",
            format!(
                "appel « {} » inconnu ; appels de l'acte {number} : {}",
                crate::text::quote(id.trim()),
                known()
            ),
        )),
    }
}

fn due_call(
    protocol: &Protocol,
    plan: &FollowupPlan,
    call: &PlannedCall,
    act: &ActRecord,
    due_on: NaiveDate,
    tries: u32,
) -> DueCall {
    DueCall {
        act_id: act.id.clone(),
        act_number: act.number.clone(),
        act_day: act_day(act),
        patient: act.patient.display_name(),
        phone: act.patient.phone.clone(),
        call: call.id.clone(),
        title: call.title.clone(),
        ask: call.ask.clone(),
        due_on,
        tries,
        attempts: plan.attempts,
        lines: act.prescription.iter().map(|l| l.title()).collect(),
        urgency: act
            .outcome
            .urgency
            .as_deref()
            .map(|u| protocol.urgency_title(u).unwrap_or(u).to_string()),
    }
}
