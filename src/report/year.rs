//! The yearly report the ARS asks for (CSP D4011-4-1 II): per protocol,
//! computed from the year's monthly reports alone — their pseudonymous
//! rows — so that the device and the CPTS (which holds nothing else) give
//! the same figures. No patient name, birth date or phone is ever read.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::model::{AdverseEvents, MonthReport, Satisfaction, SatisfactionPair, ratio};
use super::rows::{ActRow, EventRow, SurveyRow};
use crate::calendar::{EveTable, Region};
use crate::ledger::FollowupEvent;
use crate::protocol::Protocol;

/// Version of the yearly JSON (docs/REPORT-FORMAT.md, « Rapport annuel »).
pub const YEAR_SCHEMA_VERSION: u32 = 1;
pub const YEAR_KIND: &str = "protocoop-year-report";

/// The years a yearly report may be asked for.
pub const YEARS: std::ops::RangeInclusive<i32> = 2020..=2100;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearReport {
    pub schema_version: u32,
    pub kind: String,
    pub year: i32,
    /// The year is not over, or a month of it is not closed or reported:
    /// every figure may still change.
    pub provisional: bool,
    /// Why, in French (empty when final).
    pub provisional_reasons: Vec<String>,
    /// `appareil …` or the CPTS's name.
    pub scope: String,
    /// Calls are counted due up to this day (the year's last, once over).
    pub as_of: NaiveDate,
    pub devices: Vec<String>,
    /// The months of the monthly reports read (the year's, and the
    /// December before or months after it when there are).
    pub months: Vec<String>,
    pub protocols: Vec<ProtocolYear>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountRate {
    pub count: u64,
    /// Over the prises en charge, 4 decimals.
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowupsYear {
    /// Calls of the protocol's plan due by `as_of`.
    pub due: u64,
    /// Of those, answered.
    pub done: u64,
    /// Closed after the plan's tries without an answer.
    pub unreachable: u64,
    /// `done / due`, 4 decimals.
    pub rate: f64,
    /// Prises en charge with an appointment deadline.
    pub with_deadline: u64,
    /// Of those, the patient said the appointment was made…
    pub appointments_made: u64,
    /// …for a day within the deadline.
    pub appointments_within_deadline: u64,
}

/// The professionals' quarterly questionnaires of the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveysYear {
    pub answered: u64,
    /// Put off to the next quarter (« plus tard »).
    pub declined: u64,
    /// Each question answered, in the protocol's order (then any it no
    /// longer asks, by id).
    pub questions: Vec<QuestionYear>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionYear {
    pub id: String,
    /// As the protocol words it (its id when the protocol no longer has it).
    pub text: String,
    pub answers: Satisfaction,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProtocolYear {
    pub protocol_id: String,
    pub prises_en_charge: u64,
    /// Every act counted (prises en charge and orientations), void and
    /// training ones aside.
    pub screenings: u64,
    pub orientations: u64,
    pub reprises: CountRate,
    /// As a month's: `rate` is `acts / prises_en_charge`.
    pub adverse_events: AdverseEvents,
    /// The label of each nature counted, as the protocol names it (its id
    /// when the protocol no longer lists it), for the annex to print.
    pub nature_labels: BTreeMap<String, String>,
    /// `professionals` counts the answers to the questionnaire's
    /// satisfaction question and the satisfactions recorded on acts.
    pub satisfaction: SatisfactionPair,
    pub surveys: SurveysYear,
    pub followups: FollowupsYear,
    pub friday_saturday_holiday_eve: CountRate,
    /// Prises en charge by the délégué's profession.
    pub by_profession: BTreeMap<String, u64>,
    /// Structures where a pharmacist acted.
    pub pharmacies_involved: u64,
    pub out_of_territory: CountRate,
}

/// One act as the year's rows know it.
struct YearAct<'a> {
    row: &'a ActRow,
    void: bool,
    device: &'a str,
}

/// What the year's reports say, in one place: every act once (by device
/// and entry), every follow-up once, corrections applied.
struct Gathered<'a> {
    acts: BTreeMap<(&'a str, u64), YearAct<'a>>,
    /// Follow-ups still standing, by act (device, number), in entry order.
    followups: HashMap<(&'a str, &'a str), Vec<(u64, FollowupEvent)>>,
    /// Questionnaires, once each (by device and entry).
    surveys: BTreeMap<(&'a str, u64), &'a SurveyRow>,
}

fn gather<'a>(reports: &[&'a MonthReport]) -> Gathered<'a> {
    let mut acts: BTreeMap<(&str, u64), YearAct> = BTreeMap::new();
    let mut raw: BTreeMap<(&str, u64), (&str, EventRow)> = BTreeMap::new();
    let mut surveys = BTreeMap::new();
    for r in reports {
        let Some(rows) = &r.rows else { continue };
        let device = r.device_id.as_str();
        for s in &rows.surveys {
            surveys.entry((device, s.seq)).or_insert(s);
        }
        let all = rows
            .acts
            .iter()
            .chain(&rows.late_acts)
            .chain(rows.late_followups.iter().map(|f| &f.act));
        for a in all {
            let e = acts.entry((device, a.seq)).or_insert(YearAct {
                row: a,
                void: false,
                device,
            });
            e.void |= a.void;
        }
        for f in &rows.followups {
            raw.entry((device, f.seq))
                .or_insert((f.act_number.as_str(), f.event()));
        }
        for f in &rows.late_followups {
            raw.entry((device, f.seq))
                .or_insert((f.act.number.as_str(), f.event()));
        }
    }
    // Rows a CPTS import already refused never reach here; an unreadable
    // one is left out rather than guessed.
    let events: Vec<((&str, u64), &str, FollowupEvent)> = raw
        .into_iter()
        .filter_map(|(k, (number, e))| Some((k, number, e.event().ok()?)))
        .collect();
    let mut withdrawn: HashSet<(&str, u64)> = HashSet::new();
    let devices: BTreeSet<&str> = events.iter().map(|((d, _), ..)| *d).collect();
    for d in devices {
        let of_device = events
            .iter()
            .filter(|((dd, _), ..)| *dd == d)
            .map(|((_, seq), number, e)| (*seq, *number, e));
        for seq in crate::ledger::withdrawn(of_device) {
            withdrawn.insert((d, seq));
        }
    }
    let mut followups: HashMap<(&str, &str), Vec<(u64, FollowupEvent)>> = HashMap::new();
    for ((d, seq), number, e) in events {
        if withdrawn.contains(&(d, seq)) {
            continue;
        }
        followups.entry((d, number)).or_default().push((seq, e));
    }
    for list in followups.values_mut() {
        list.sort_by_key(|(seq, _)| *seq);
    }
    // A void recorded after its month's closure voids the act all the same.
    for a in acts.values_mut() {
        let voided = followups
            .get(&(a.device, a.row.number.as_str()))
            .is_some_and(|l| {
                l.iter()
                    .any(|(_, e)| matches!(e, FollowupEvent::Void { .. }))
            });
        a.void |= voided;
    }
    Gathered {
        acts,
        followups,
        surveys,
    }
}

#[derive(Default)]
struct Tally {
    screenings: u64,
    prises: u64,
    reprises: u64,
    adverse: u64,
    adverse_acts: u64,
    by_nature: BTreeMap<String, u64>,
    by_severity: BTreeMap<String, u64>,
    patients: Option<Satisfaction>,
    professionals: Option<Satisfaction>,
    due: u64,
    done: u64,
    unreachable: u64,
    with_deadline: u64,
    made: u64,
    within: u64,
    eve: u64,
    by_profession: BTreeMap<String, u64>,
    pharmacies: BTreeSet<String>,
    out: u64,
    surveys_answered: u64,
    surveys_declined: u64,
    questions: BTreeMap<String, Satisfaction>,
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    *map.entry(key.to_string()).or_default() += 1;
}

/// The year's figures from monthly reports: the year's, and any after it
/// or the December before, which carry its late entries, the follow-ups
/// of its acts recorded after their month, and questionnaires by their
/// window (December's holds January's first ones). Acts count by their
/// day, questionnaires by theirs, each once. `protocols` give the
/// follow-up plans and appointment deadlines; `as_of` is the last day
/// calls are counted due (today, or the year's last day once over).
pub fn compute(
    year: i32,
    reports: &[&MonthReport],
    protocols: &[&Protocol],
    as_of: NaiveDate,
    scope: String,
) -> YearReport {
    let g = gather(reports);
    // The calendar of a year out of range (never asked: `as_of` refuses
    // it) is that of the first year in range, so nothing can panic.
    let mut eves = EveTable::new(year.clamp(*YEARS.start(), *YEARS.end()), Region::General);
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let empty = Vec::new();
    for a in g.acts.values() {
        let row = a.row;
        if a.void || row.training || row.occurred_on.year() != year {
            continue;
        }
        let id = row.protocol.id.to_string();
        let t = tallies.entry(id.clone()).or_default();
        t.screenings += 1;
        let profession = row.profession.as_deref().unwrap_or("inconnue");
        if profession == "pharmacien" {
            t.pharmacies.insert(format!(
                "{}|{}",
                row.structure.name.as_str(),
                row.structure.postal_code.as_str()
            ));
        }
        let events = g
            .followups
            .get(&(a.device, row.number.as_str()))
            .unwrap_or(&empty);
        for (_, e) in events {
            if let FollowupEvent::ProfessionalSatisfaction { score, .. } = e {
                t.professionals
                    .get_or_insert_with(Satisfaction::empty)
                    .add(*score);
            }
        }
        if !row.taken_in_charge {
            continue;
        }
        t.prises += 1;
        bump(&mut t.by_profession, profession);
        let day = row.occurred_on;
        if matches!(day.weekday(), Weekday::Fri | Weekday::Sat) || eves.is_eve(day) {
            t.eve += 1;
        }
        t.out += u64::from(!row.in_territory);
        let mut reprised = false;
        let mut with_event = false;
        for (_, e) in events {
            match e {
                FollowupEvent::Reprise { .. } => reprised = true,
                FollowupEvent::AdverseEvent {
                    nature, severity, ..
                } => {
                    t.adverse += 1;
                    with_event = true;
                    bump(&mut t.by_nature, nature.id());
                    bump(&mut t.by_severity, &super::month::severity_name(*severity));
                }
                FollowupEvent::PatientSatisfaction { score, .. } => t
                    .patients
                    .get_or_insert_with(Satisfaction::empty)
                    .add(*score),
                _ => {}
            }
        }
        t.reprises += u64::from(reprised);
        t.adverse_acts += u64::from(with_event);
        let protocol = protocols.iter().find(|p| p.identity.id == id);
        calls(t, protocol.copied(), row, events, as_of);
    }
    for s in g.surveys.values() {
        if s.training || s.on.year() != year {
            continue;
        }
        let id = s.protocol.id.to_string();
        let counted = protocols
            .iter()
            .find(|p| p.identity.id == id)
            .and_then(|p| p.survey.as_ref())
            .map(|q| q.satisfaction.as_str());
        let t = tallies.entry(id).or_default();
        if s.declined {
            t.surveys_declined += 1;
            continue;
        }
        t.surveys_answered += 1;
        for a in &s.answers {
            t.questions
                .entry(a.question.clone())
                .or_insert_with(Satisfaction::empty)
                .add(a.score);
            if counted == Some(a.question.as_str()) {
                t.professionals
                    .get_or_insert_with(Satisfaction::empty)
                    .add(a.score);
            }
        }
    }
    let protocols_out = tallies
        .into_iter()
        .map(|(id, t)| {
            let protocol = protocols.iter().find(|p| p.identity.id == id).copied();
            finish(id, t, protocol)
        })
        .collect();
    let mut devices: Vec<String> = reports.iter().map(|r| r.device_id.clone()).collect();
    devices.sort();
    devices.dedup();
    let mut months: Vec<String> = reports.iter().map(|r| r.month.clone()).collect();
    months.sort();
    months.dedup();
    YearReport {
        schema_version: YEAR_SCHEMA_VERSION,
        kind: YEAR_KIND.into(),
        year,
        provisional: false,
        provisional_reasons: Vec::new(),
        scope,
        as_of,
        devices,
        months,
        protocols: protocols_out,
    }
}

/// The plan's calls and the appointment of one prise en charge.
fn calls(
    t: &mut Tally,
    protocol: Option<&Protocol>,
    row: &ActRow,
    events: &[(u64, FollowupEvent)],
    as_of: NaiveDate,
) {
    let Some(p) = protocol else { return };
    let urgency = row.urgency.as_deref();
    if let Some(plan) = &p.followup {
        for call in plan.calls_after(urgency) {
            let due_on = row
                .occurred_on
                .checked_add_signed(Duration::days(i64::from(call.after_days)))
                .unwrap_or(NaiveDate::MAX);
            if due_on > as_of {
                continue;
            }
            t.due += 1;
            let mut tries = 0u32;
            let mut done = false;
            for (_, e) in events {
                if let FollowupEvent::Call {
                    call: id, reached, ..
                } = e
                    && *id == call.id
                {
                    done |= *reached;
                    tries += u32::from(!*reached);
                }
            }
            t.done += u64::from(done);
            t.unreachable += u64::from(!done && tries >= plan.attempts);
        }
    }
    let Some(deadline) = urgency.and_then(|u| p.urgency_named(u)) else {
        return;
    };
    t.with_deadline += 1;
    // The patient's last word on it counts.
    let last = events.iter().rev().find_map(|(_, e)| match e {
        FollowupEvent::Appointment { made, on } => Some((*made, *on)),
        _ => None,
    });
    if let Some((true, on)) = last {
        t.made += 1;
        let limit = row
            .occurred_on
            .checked_add_signed(Duration::days(i64::from(deadline.within_days)))
            .unwrap_or(NaiveDate::MAX);
        t.within += u64::from(on.is_some_and(|d| d <= limit));
    }
}

/// Each question's answers, in the questionnaire's order, then the ids it
/// no longer asks.
fn questions(
    mut answered: BTreeMap<String, Satisfaction>,
    survey: Option<&crate::protocol::Survey>,
) -> Vec<QuestionYear> {
    let mut out = Vec::new();
    for q in survey.map_or(&[][..], |s| s.questions.as_slice()) {
        if let Some(mut answers) = answered.remove(&q.id) {
            answers.finish();
            out.push(QuestionYear {
                id: q.id.clone(),
                text: q.text.clone(),
                answers,
            });
        }
    }
    for (id, mut answers) in answered {
        answers.finish();
        out.push(QuestionYear {
            text: id.clone(),
            id,
            answers,
        });
    }
    out
}

/// Each nature counted, with its label: the protocol's, the first
/// versions' name, or its id.
fn nature_labels(
    counted: &BTreeMap<String, u64>,
    protocol: Option<&Protocol>,
) -> BTreeMap<String, String> {
    counted
        .keys()
        .map(|id| {
            let label = protocol
                .and_then(|p| p.adverse.natures.iter().find(|n| n.id.id() == id))
                .map(|n| n.label.clone())
                .or_else(|| {
                    crate::protocol::AdverseNature::parse(id)
                        .and_then(|n| n.legacy_label())
                        .map(str::to_string)
                })
                .unwrap_or_else(|| id.clone());
            (id.clone(), label)
        })
        .collect()
}

fn finish(protocol_id: String, t: Tally, protocol: Option<&Protocol>) -> ProtocolYear {
    let survey = protocol.and_then(|p| p.survey.as_ref());
    let rate = |n: u64| CountRate {
        count: n,
        rate: ratio(n, t.prises, 4),
    };
    let sat = |s: Option<Satisfaction>| {
        let mut s = s.unwrap_or_else(Satisfaction::empty);
        s.finish();
        s
    };
    ProtocolYear {
        protocol_id,
        prises_en_charge: t.prises,
        screenings: t.screenings,
        orientations: t.screenings - t.prises,
        reprises: rate(t.reprises),
        adverse_events: AdverseEvents {
            count: t.adverse,
            acts: t.adverse_acts,
            rate: ratio(t.adverse_acts, t.prises, 4),
            by_nature: t.by_nature.clone(),
            by_severity: t.by_severity.clone(),
        },
        nature_labels: nature_labels(&t.by_nature, protocol),
        satisfaction: SatisfactionPair {
            patients: sat(t.patients.clone()),
            professionals: sat(t.professionals.clone()),
        },
        surveys: SurveysYear {
            answered: t.surveys_answered,
            declined: t.surveys_declined,
            questions: questions(t.questions.clone(), survey),
        },
        followups: FollowupsYear {
            due: t.due,
            done: t.done,
            unreachable: t.unreachable,
            rate: ratio(t.done, t.due, 4),
            with_deadline: t.with_deadline,
            appointments_made: t.made,
            appointments_within_deadline: t.within,
        },
        friday_saturday_holiday_eve: rate(t.eve),
        by_profession: t.by_profession.clone(),
        pharmacies_involved: t.pharmacies.len() as u64,
        out_of_territory: rate(t.out),
    }
}

/// The months whose reports hold `year`, up to today's (Europe/Paris):
/// from the December before — closed in January, its window holds the
/// year's first questionnaires — to the months after, which carry its late
/// entries and the follow-ups of its acts (see [`compute`]).
pub fn months_holding(year: i32, today: NaiveDate) -> Vec<crate::calendar::Month> {
    let mut out = Vec::new();
    let mut month = crate::calendar::Month {
        year: year.saturating_sub(1),
        month: 12,
    };
    while month <= crate::calendar::Month::of_date(today) {
        out.push(month);
        month = month.next();
    }
    out
}

/// The year asked for, checked against today (Europe/Paris): the last day
/// calls are counted due, and why the report is still provisional.
pub fn as_of(year: i32, today: NaiveDate) -> crate::error::Result<(NaiveDate, Vec<String>)> {
    if !YEARS.contains(&year) {
        return Err(crate::error::Error::input(
            "année",
            format!("année {year} : entre {} et {}", YEARS.start(), YEARS.end()),
        ));
    }
    if year > today.year() {
        return Err(crate::error::Error::input(
            "année",
            format!("l'année {year} n'a pas commencé"),
        ));
    }
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
    if year == today.year() {
        Ok((
            today.min(last),
            vec![format!(
                "l'année {year} n'est pas terminée (chiffres au {})",
                crate::fr::date(today)
            )],
        ))
    } else {
        Ok((last, Vec::new()))
    }
}

impl YearReport {
    /// Marks the report provisional for these reasons (added to those it has).
    pub fn provisional_for(mut self, reasons: Vec<String>) -> YearReport {
        self.provisional_reasons.extend(reasons);
        self.provisional = !self.provisional_reasons.is_empty();
        self
    }

    /// `rapport-annuel-2026-appareil.json`.
    pub fn file_name(&self, format: super::Format) -> String {
        let ext = match format {
            super::Format::Pdf => "pdf",
            super::Format::Csv => "csv",
            super::Format::Json => "json",
        };
        format!("rapport-annuel-{}.{ext}", self.year)
    }

    pub fn render(&self, format: super::Format) -> crate::error::Result<Vec<u8>> {
        Ok(match format {
            super::Format::Json => super::year_out::json(self)?,
            super::Format::Csv => super::year_out::csv(self),
            super::Format::Pdf => super::year_out::pdf(self),
        })
    }
}
