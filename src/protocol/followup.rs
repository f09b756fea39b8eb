//! The follow-up plan a protocol declares (`[followup]`): which calls are
//! due after a prise en charge, when, and what each one asks. The device
//! lists them in « À rappeler »; the yearly report counts them.

use serde::Serialize;

/// `[followup]`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowupPlan {
    /// Calls without an answer after which the patient is « injoignable »
    /// for that call (it is closed, counted as not made).
    pub attempts: u32,
    /// Days after its due day during which a call is still listed; after
    /// that it is missed.
    pub window_days: u32,
    pub calls: Vec<PlannedCall>,
}

/// One call of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCall {
    /// Stable, recorded with every call made (`j2`).
    pub id: String,
    /// What the screen says the call is for.
    pub title: String,
    /// Days after the act's day (Europe/Paris) it is due.
    pub after_days: u32,
    /// Only after acts with this urgency (`24h`); every prise en charge
    /// otherwise.
    pub urgency: Option<String>,
    /// What it asks, in order.
    pub ask: Vec<Ask>,
}

/// What a call asks: a fixed vocabulary, since each has its own answer
/// and its own place in the reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ask {
    /// Was the dental appointment made, and for when.
    Appointment,
    /// Pain now, 0 to 10.
    Pain,
    /// Satisfaction, 1 to 5 (the patient may decline).
    Satisfaction,
    /// Any adverse event, with its nature and severity.
    AdverseEvent,
}

impl Ask {
    pub const ALL: [Ask; 4] = [
        Ask::Appointment,
        Ask::Pain,
        Ask::Satisfaction,
        Ask::AdverseEvent,
    ];

    /// The name in the protocol file.
    pub fn name(self) -> &'static str {
        match self {
            Ask::Appointment => "appointment",
            Ask::Pain => "pain",
            Ask::Satisfaction => "satisfaction",
            Ask::AdverseEvent => "adverse_event",
        }
    }

    pub fn parse(s: &str) -> Option<Ask> {
        Ask::ALL.into_iter().find(|a| a.name() == s)
    }

    /// The question, for whoever makes the call.
    pub fn question(self) -> &'static str {
        match self {
            Ask::Appointment => "Le rendez-vous dentaire est-il pris, et pour quand ?",
            Ask::Pain => "Douleur aujourd'hui, de 0 à 10 ?",
            Ask::Satisfaction => "Satisfaction de la prise en charge, de 1 à 5 ?",
            Ask::AdverseEvent => "Un effet indésirable depuis ?",
        }
    }
}

impl PlannedCall {
    /// Whether this call follows an act of this urgency.
    pub fn follows(&self, urgency: Option<&str>) -> bool {
        self.urgency.as_deref().is_none_or(|u| Some(u) == urgency)
    }

    pub fn asks(&self, a: Ask) -> bool {
        self.ask.contains(&a)
    }
}

impl FollowupPlan {
    /// The most calls a plan may have (the bundled one has two).
    pub const MAX_CALLS: usize = 16;
    /// The latest a call may be due, and the longest it stays listed.
    pub const MAX_DAYS: i64 = 365;
    /// The most tries a plan may ask for before « injoignable ».
    pub const MAX_ATTEMPTS: i64 = 10;

    pub fn call(&self, id: &str) -> Option<&PlannedCall> {
        self.calls.iter().find(|c| c.id == id)
    }

    /// The calls that follow an act of this urgency.
    pub fn calls_after(&self, urgency: Option<&str>) -> impl Iterator<Item = &PlannedCall> {
        self.calls.iter().filter(move |c| c.follows(urgency))
    }

    /// Days from an act's day to the last day any of its calls is listed:
    /// how far back « À rappeler » reads the ledger.
    pub fn horizon_days(&self) -> u32 {
        self.calls
            .iter()
            .map(|c| c.after_days)
            .max()
            .unwrap_or(0)
            .saturating_add(self.window_days)
    }
}
