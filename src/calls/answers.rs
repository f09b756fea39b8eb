//! A call's answers, checked against what the planned call asks, and the
//! follow-ups they record: the call itself, then the appointment, the
//! patient's satisfaction and an adverse event, each a follow-up of its
//! own so that the reports count them as they count any other.

use chrono::{Duration, NaiveDate};

use crate::error::{Error, Result};
use crate::ledger::{AdverseNature, FollowupEvent, Severity};
use crate::protocol::{AdverseEvents, Ask, PlannedCall};

/// What the patient said, or that she did not answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Answers {
    pub reached: bool,
    pub appointment: Option<AppointmentAnswer>,
    /// 0 to 10.
    pub pain: Option<u8>,
    /// 1 to 5; the patient may decline.
    pub satisfaction: Option<u8>,
    pub adverse: Option<Adverse>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppointmentAnswer {
    pub made: bool,
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Adverse {
    None,
    Event(AdverseNature, Severity),
}

/// The latest an appointment may be after the act: a year.
const APPOINTMENT_MAX_DAYS: i64 = 366;

fn input(field: &str, message: impl Into<String>) -> Error {
    Error::input(field, message)
}

impl Answers {
    /// The follow-ups recording one phone call that makes these planned
    /// calls of an act of `act_day` (those due together): every question
    /// they ask answered (satisfaction aside), none they do not ask, only
    /// the calls when the patient did not answer. Each planned call is a
    /// follow-up of its own; the answers are recorded once.
    pub fn events(
        &self,
        calls: &[&PlannedCall],
        act_day: NaiveDate,
        natures: &AdverseEvents,
    ) -> Result<Vec<FollowupEvent>> {
        let Some(first) = calls.first() else {
            return Err(input("appel", "aucun appel à enregistrer"));
        };
        let asks = |a: Ask| calls.iter().any(|c| c.asks(a));
        let given = [
            (Ask::Appointment, self.appointment.is_some()),
            (Ask::Pain, self.pain.is_some()),
            (Ask::Satisfaction, self.satisfaction.is_some()),
            (Ask::AdverseEvent, self.adverse.is_some()),
        ];
        if !self.reached {
            if given.iter().any(|(_, g)| *g) {
                return Err(input(
                    "appel",
                    "un appel sans réponse n'a pas de réponses : indiquez que le patient a répondu, ou retirez-les",
                ));
            }
            return Ok(calls
                .iter()
                .map(|c| FollowupEvent::Call {
                    call: c.id.clone(),
                    reached: false,
                    pain: None,
                })
                .collect());
        }
        for (ask, g) in given {
            if g && !asks(ask) {
                return Err(input(
                    ask.name(),
                    format!(
                        "l'appel « {} » ne demande pas : {}",
                        first.title,
                        ask.question()
                    ),
                ));
            }
            if !g && asks(ask) && ask != Ask::Satisfaction {
                return Err(input(
                    ask.name(),
                    format!("réponse manquante : {}", ask.question()),
                ));
            }
        }
        let mut out: Vec<FollowupEvent> = calls
            .iter()
            .map(|c| FollowupEvent::Call {
                call: c.id.clone(),
                reached: true,
                pain: self.pain.filter(|_| c.asks(Ask::Pain)),
            })
            .collect();
        if let Some(a) = self.appointment {
            if let Some(on) = a.on {
                check_appointment_day(on, act_day)?;
            }
            out.push(FollowupEvent::Appointment {
                made: a.made,
                on: a.on,
            });
        }
        if let Some(score) = self.satisfaction {
            out.push(FollowupEvent::PatientSatisfaction { score, text: None });
        }
        if let Some(Adverse::Event(nature, severity)) = &self.adverse {
            out.push(FollowupEvent::adverse(
                natures,
                nature.id(),
                *severity,
                None,
            )?);
        }
        for e in &out {
            e.validate()?;
        }
        Ok(out)
    }
}

/// An appointment's day lies between the act's day and a year after: the
/// one check for a call and for `followup add --kind rendez-vous`.
pub fn check_appointment_day(on: NaiveDate, act_day: NaiveDate) -> Result<()> {
    let last = act_day
        .checked_add_signed(Duration::days(APPOINTMENT_MAX_DAYS))
        .unwrap_or(NaiveDate::MAX);
    if on < act_day || on > last {
        return Err(input(
            "appointment",
            format!(
                "rendez-vous le {} : entre le jour de l'acte ({}) et un an après",
                crate::fr::date(on),
                crate::fr::date(act_day)
            ),
        ));
    }
    Ok(())
}
