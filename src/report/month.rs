//! The month's figures, computed from what the ledger holds and nothing
//! else: pure over the acts and follow-ups [`super::source`] reads, so every
//! figure can be tested without a database.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Utc, Weekday};
use chrono_tz::Europe::Paris;
use serde::{Deserialize, Serialize};

use crate::act::Payment;
use crate::calendar::{EveTable, Month, Region};
pub use crate::ledger::facts::{
    ActFacts, OutcomeKey, PatientKey, PersonKey, ProtocolKey, StructureKey,
};
use crate::ledger::{AdverseNature, FollowupEvent, Severity};

/// Version of the JSON schema (docs/REPORT-FORMAT.md); bumped on any change
/// a reader could notice.
/// v2: pay lines are net of the deductions for acts voided after their
/// report (`cents` may be negative), with `deducted_acts`.
pub const SCHEMA_VERSION: u32 = 2;

/// An act as the report sees it: its ledger position and whether it was
/// void when the report's closure was written.
#[derive(Debug, Clone)]
pub struct ReportAct {
    pub seq: u64,
    pub void: bool,
    pub act: ActFacts,
}

/// A follow-up of one of the report's acts.
#[derive(Debug, Clone)]
pub struct ReportFollowup {
    pub seq: u64,
    pub act_id: String,
    pub event: FollowupEvent,
}

/// A follow-up recorded after its act was already reported (or on a late
/// entry): listed, never folded into the month's rates.
#[derive(Debug, Clone)]
pub struct LateFollowupIn {
    pub seq: u64,
    pub act: ActFacts,
    pub event: FollowupEvent,
}

/// Everything the month's report is computed from.
#[derive(Debug, Clone)]
pub struct MonthInput {
    pub month: Month,
    pub device_id: String,
    pub territory: TerritoryRef,
    pub territory_postal_codes: BTreeSet<String>,
    pub closure: ClosureRef,
    pub previous_closure: Option<PreviousClosure>,
    /// Acts of the month recorded before its closure.
    pub acts: Vec<ReportAct>,
    /// Their follow-ups recorded before the closure.
    pub followups: Vec<ReportFollowup>,
    /// Acts of earlier months recorded after those months were reported.
    pub late_acts: Vec<ReportAct>,
    pub late_followups: Vec<LateFollowupIn>,
}

/// Which territory list decided « out of territory ».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerritoryRef {
    pub protocol_id: String,
    pub protocol_version: String,
    /// The protocol's commune list is a sample, not the full territory.
    pub sample: bool,
}

/// The month's ledger closure, as the CPTS checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosureRef {
    pub first_seq: u64,
    pub last_seq: u64,
    /// Acts of the month in the ledger at closure (void and training too).
    pub count: u64,
    pub head_hash: String,
    /// Seq of the closure entry itself.
    pub seq: u64,
    pub closed_at: DateTime<Utc>,
}

/// The device's previous closure: the next report's `first_seq` must be
/// right after it, which is how the CPTS sees a missing or forked month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousClosure {
    pub month: String,
    pub seq: u64,
    pub last_seq: u64,
    pub head_hash: String,
}

/// A screening / prise en charge pair of counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub screenings: u64,
    pub prises_en_charge: u64,
}

impl Counts {
    fn add(&mut self, taken: bool) {
        self.screenings += 1;
        self.prises_en_charge += u64::from(taken);
    }

    fn merge(&mut self, other: Counts) {
        self.screenings += other.screenings;
        self.prises_en_charge += other.prises_en_charge;
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekdayCounts {
    pub day: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exclusions {
    pub count: u64,
    pub by_orientation: BTreeMap<String, u64>,
    /// One act may give several reasons.
    pub by_reason: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegueLine {
    pub rpps: String,
    pub name: String,
    pub profession: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegantLine {
    pub rpps: String,
    pub name: String,
    pub prises_en_charge: u64,
    pub reprises: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureLine {
    pub name: String,
    pub postal_code: String,
    pub finess: Option<String>,
    /// A pharmacist acted there: it counts among the territory's
    /// pharmacies involved.
    pub pharmacy: bool,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reprises {
    /// Prises en charge the délégant had to take over (an act counts once).
    pub count: u64,
    /// `count / prises_en_charge`, 4 decimals.
    pub rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdverseEvents {
    pub count: u64,
    /// Acts with at least one adverse event.
    pub acts: u64,
    /// `acts / prises_en_charge`, 4 decimals.
    pub rate: f64,
    pub by_nature: BTreeMap<String, u64>,
    pub by_severity: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Satisfaction {
    pub responses: u64,
    /// Sum of the scores (1–5), so that months and devices add up.
    pub sum: u64,
    /// `sum / responses`, 2 decimals; 0 without responses.
    pub mean: f64,
    /// Number of answers scoring 1, 2, 3, 4, 5.
    pub distribution: [u64; 5],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SatisfactionPair {
    pub patients: Satisfaction,
    pub professionals: Satisfaction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolLine {
    pub id: String,
    pub version: String,
    pub sha256: String,
    /// Acts of the month under this version (void ones excluded).
    pub acts: u64,
    pub training_acts: u64,
}

/// One professional's pay line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayLine {
    pub rpps: String,
    pub name: String,
    /// Acts paid by this report (the month's and its late entries).
    pub acts: u64,
    /// Acts paid by an earlier report and voided since: taken back.
    pub deducted_acts: u64,
    /// What to pay, net of the deductions: negative when the CPTS has to
    /// recover money already paid.
    pub cents: i64,
}

/// What this report asks the CPTS to pay: the month's prises en charge and
/// the late entries it carries, less what earlier reports paid for acts
/// voided since (`total = month + late - deducted`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Remuneration {
    pub total_cents: i64,
    pub month_cents: u64,
    pub late_cents: u64,
    pub deducted_cents: u64,
    pub delegues: Vec<PayLine>,
    pub delegants: Vec<PayLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateAct {
    pub number: String,
    pub month: String,
    pub seq: u64,
    pub taken_in_charge: bool,
    pub training: bool,
    pub void: bool,
    pub cents: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateEntries {
    pub count: u64,
    pub prises_en_charge: u64,
    pub cents: u64,
    pub acts: Vec<LateAct>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateFollowup {
    pub act_number: String,
    pub act_month: String,
    pub seq: u64,
    /// `reprise`, `adverse_event`, `patient_satisfaction`,
    /// `professional_satisfaction` or `void`.
    #[serde(rename = "type")]
    pub kind: String,
    pub nature: Option<String>,
    pub severity: Option<String>,
    /// For a void: what the act was paid (or asked) before, to deduct.
    pub cents_to_deduct: u64,
}

/// The month's indicators (the part that adds up across devices).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicators {
    /// Non-void, non-training acts.
    pub screenings: u64,
    pub prises_en_charge: u64,
    pub void_acts: u64,
    pub training_acts: u64,
    pub friday_saturday_holiday_eve: u64,
    /// Over prises en charge, 4 decimals.
    pub share_friday_saturday_holiday_eve: f64,
    /// Prises en charge of patients whose postal code is outside the list.
    pub out_of_territory: u64,
    pub out_of_territory_postal_codes: BTreeMap<String, u64>,
    /// Monday first.
    pub by_weekday: Vec<WeekdayCounts>,
    pub urgency: BTreeMap<String, u64>,
    pub exclusions: Exclusions,
    pub by_profession: BTreeMap<String, Counts>,
    pub delegues: Vec<DelegueLine>,
    pub delegants: Vec<DelegantLine>,
    pub structures: Vec<StructureLine>,
    pub reprises: Reprises,
    pub adverse_events: AdverseEvents,
    pub satisfaction: SatisfactionPair,
    pub protocol_versions: Vec<ProtocolLine>,
}

/// One device's monthly report. Field names are an interface read by the
/// CPTS's scripts: see docs/REPORT-FORMAT.md before changing any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthReport {
    pub schema_version: u32,
    /// Always `protocoop-month-report`.
    pub kind: String,
    pub month: String,
    pub device_id: String,
    pub software: String,
    pub territory: TerritoryRef,
    #[serde(flatten)]
    pub indicators: Indicators,
    pub remuneration: Remuneration,
    pub late_entries: LateEntries,
    pub late_followups: Vec<LateFollowup>,
    pub closure: ClosureRef,
    pub previous_closure: Option<PreviousClosure>,
    /// SHA-256 of the canonical content (everything but this field).
    pub content_sha256: String,
}

pub const REPORT_KIND: &str = "protocoop-month-report";

pub const WEEKDAYS_FR: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// `n / d` rounded to `10^-places`, exactly representable back from JSON.
pub fn ratio(n: u64, d: u64, places: u32) -> f64 {
    if d == 0 {
        return 0.0;
    }
    let scale = 10u64.pow(places);
    let scaled = (u128::from(n) * u128::from(scale) * 2 + u128::from(d)) / (u128::from(d) * 2);
    scaled as f64 / scale as f64
}

impl Satisfaction {
    fn empty() -> Satisfaction {
        Satisfaction {
            responses: 0,
            sum: 0,
            mean: 0.0,
            distribution: [0; 5],
        }
    }

    fn add(&mut self, score: u8) {
        if (1..=5).contains(&score) {
            self.responses += 1;
            self.sum += u64::from(score);
            self.distribution[usize::from(score - 1)] += 1;
        }
    }

    pub fn merge(&mut self, other: &Satisfaction) {
        self.responses += other.responses;
        self.sum += other.sum;
        for (a, b) in self.distribution.iter_mut().zip(other.distribution) {
            *a += b;
        }
    }

    pub fn finish(&mut self) {
        self.mean = ratio(self.sum, self.responses, 2);
    }
}

impl Indicators {
    pub fn empty() -> Indicators {
        Indicators {
            screenings: 0,
            prises_en_charge: 0,
            void_acts: 0,
            training_acts: 0,
            friday_saturday_holiday_eve: 0,
            share_friday_saturday_holiday_eve: 0.0,
            out_of_territory: 0,
            out_of_territory_postal_codes: BTreeMap::new(),
            by_weekday: WEEKDAYS_FR
                .iter()
                .map(|d| WeekdayCounts {
                    day: (*d).to_string(),
                    counts: Counts::default(),
                })
                .collect(),
            urgency: BTreeMap::new(),
            exclusions: Exclusions::default(),
            by_profession: BTreeMap::new(),
            delegues: Vec::new(),
            delegants: Vec::new(),
            structures: Vec::new(),
            reprises: Reprises {
                count: 0,
                rate: 0.0,
            },
            adverse_events: AdverseEvents {
                count: 0,
                acts: 0,
                rate: 0.0,
                by_nature: BTreeMap::new(),
                by_severity: BTreeMap::new(),
            },
            satisfaction: SatisfactionPair {
                patients: Satisfaction::empty(),
                professionals: Satisfaction::empty(),
            },
            protocol_versions: Vec::new(),
        }
    }

    /// Adds another device's (or month's) indicators: counts add up, lines
    /// with the same key merge, rates are recomputed by [`Self::finish`].
    pub fn merge(&mut self, o: &Indicators) {
        self.screenings += o.screenings;
        self.prises_en_charge += o.prises_en_charge;
        self.void_acts += o.void_acts;
        self.training_acts += o.training_acts;
        self.friday_saturday_holiday_eve += o.friday_saturday_holiday_eve;
        self.out_of_territory += o.out_of_territory;
        add_map(
            &mut self.out_of_territory_postal_codes,
            &o.out_of_territory_postal_codes,
        );
        for (a, b) in self.by_weekday.iter_mut().zip(&o.by_weekday) {
            a.counts.merge(b.counts);
        }
        add_map(&mut self.urgency, &o.urgency);
        self.exclusions.count += o.exclusions.count;
        add_map(
            &mut self.exclusions.by_orientation,
            &o.exclusions.by_orientation,
        );
        add_map(&mut self.exclusions.by_reason, &o.exclusions.by_reason);
        for (k, v) in &o.by_profession {
            self.by_profession.entry(k.clone()).or_default().merge(*v);
        }
        for l in &o.delegues {
            match self.delegues.iter_mut().find(|x| x.rpps == l.rpps) {
                Some(x) => x.counts.merge(l.counts),
                None => self.delegues.push(l.clone()),
            }
        }
        for l in &o.delegants {
            match self.delegants.iter_mut().find(|x| x.rpps == l.rpps) {
                Some(x) => {
                    x.prises_en_charge += l.prises_en_charge;
                    x.reprises += l.reprises;
                }
                None => self.delegants.push(l.clone()),
            }
        }
        for l in &o.structures {
            let same = |x: &&mut StructureLine| {
                (&x.name, &x.postal_code, &x.finess) == (&l.name, &l.postal_code, &l.finess)
            };
            match self.structures.iter_mut().find(same) {
                Some(x) => {
                    x.counts.merge(l.counts);
                    x.pharmacy |= l.pharmacy;
                }
                None => self.structures.push(l.clone()),
            }
        }
        self.reprises.count += o.reprises.count;
        self.adverse_events.count += o.adverse_events.count;
        self.adverse_events.acts += o.adverse_events.acts;
        add_map(
            &mut self.adverse_events.by_nature,
            &o.adverse_events.by_nature,
        );
        add_map(
            &mut self.adverse_events.by_severity,
            &o.adverse_events.by_severity,
        );
        self.satisfaction.patients.merge(&o.satisfaction.patients);
        self.satisfaction
            .professionals
            .merge(&o.satisfaction.professionals);
        for l in &o.protocol_versions {
            match self
                .protocol_versions
                .iter_mut()
                .find(|x| x.sha256 == l.sha256)
            {
                Some(x) => {
                    x.acts += l.acts;
                    x.training_acts += l.training_acts;
                }
                None => self.protocol_versions.push(l.clone()),
            }
        }
    }

    /// Rates and a stable order of lines.
    pub fn finish(&mut self) {
        let pec = self.prises_en_charge;
        self.share_friday_saturday_holiday_eve = ratio(self.friday_saturday_holiday_eve, pec, 4);
        self.reprises.rate = ratio(self.reprises.count, pec, 4);
        self.adverse_events.rate = ratio(self.adverse_events.acts, pec, 4);
        self.satisfaction.patients.finish();
        self.satisfaction.professionals.finish();
        self.delegues.sort_by(|a, b| a.rpps.cmp(&b.rpps));
        self.delegants.sort_by(|a, b| a.rpps.cmp(&b.rpps));
        self.structures.sort_by(|a, b| {
            (&a.name, &a.postal_code, &a.finess).cmp(&(&b.name, &b.postal_code, &b.finess))
        });
        self.protocol_versions
            .sort_by(|a, b| (&a.id, &a.version, &a.sha256).cmp(&(&b.id, &b.version, &b.sha256)));
    }
}

impl Remuneration {
    /// Adds one paid act to the délégué's and the délégant's lines.
    fn pay(&mut self, act: &ActFacts, payment: Payment) {
        let delegue = i64::from(payment.delegue_cents);
        let delegant = i64::from(payment.delegant_cents);
        add_pay(&mut self.delegues, &act.delegue, Paid::Paid, delegue);
        add_pay(&mut self.delegants, &act.delegant, Paid::Paid, delegant);
        self.total_cents += delegue + delegant;
    }

    /// Takes back what an earlier report paid for an act voided since, from
    /// the same two professionals.
    fn deduct(&mut self, act: &ActFacts, payment: Payment) {
        let delegue = i64::from(payment.delegue_cents);
        let delegant = i64::from(payment.delegant_cents);
        add_pay(&mut self.delegues, &act.delegue, Paid::Deducted, -delegue);
        add_pay(
            &mut self.delegants,
            &act.delegant,
            Paid::Deducted,
            -delegant,
        );
        self.total_cents -= delegue + delegant;
        self.deducted_cents += (delegue + delegant).unsigned_abs();
    }

    pub fn merge(&mut self, o: &Remuneration) {
        self.total_cents += o.total_cents;
        self.month_cents += o.month_cents;
        self.late_cents += o.late_cents;
        self.deducted_cents += o.deducted_cents;
        for (mine, theirs) in [
            (&mut self.delegues, &o.delegues),
            (&mut self.delegants, &o.delegants),
        ] {
            for l in theirs {
                match mine.iter_mut().find(|x| x.rpps == l.rpps) {
                    Some(x) => {
                        x.acts += l.acts;
                        x.deducted_acts += l.deducted_acts;
                        x.cents += l.cents;
                    }
                    None => mine.push(l.clone()),
                }
            }
        }
    }

    pub fn finish(&mut self) {
        self.delegues.sort_by(|a, b| a.rpps.cmp(&b.rpps));
        self.delegants.sort_by(|a, b| a.rpps.cmp(&b.rpps));
    }
}

/// Whether an act adds to a pay line or is taken back from it (said, not
/// read from the sign: a protocol may pay 0 €).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Paid {
    Paid,
    Deducted,
}

/// Adds one act and its (signed) cents to `who`'s line.
fn add_pay(lines: &mut Vec<PayLine>, who: &PersonKey, paid: Paid, cents: i64) {
    let i = match lines.iter().position(|l| l.rpps == who.rpps) {
        Some(i) => i,
        None => {
            lines.push(PayLine {
                rpps: who.rpps.clone(),
                name: who.name.clone(),
                acts: 0,
                deducted_acts: 0,
                cents: 0,
            });
            lines.len() - 1
        }
    };
    let l = &mut lines[i];
    match paid {
        Paid::Paid => l.acts += 1,
        Paid::Deducted => l.deducted_acts += 1,
    }
    l.cents += cents;
}

fn add_map(a: &mut BTreeMap<String, u64>, b: &BTreeMap<String, u64>) {
    for (k, v) in b {
        *a.entry(k.clone()).or_default() += v;
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(v) => *v += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// Serialized names of the follow-up enums (the stored snake_case form).
fn enum_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn nature_name(n: AdverseNature) -> String {
    enum_name(&n)
}

pub fn severity_name(s: Severity) -> String {
    enum_name(&s)
}

/// Computes the month's report. `software` names the program that wrote it.
pub fn compute(input: &MonthInput, software: &str) -> MonthReport {
    let mut ind = Indicators::empty();
    let mut eves = EveTable::new(input.month.year, Region::General);
    let mut pay = Remuneration::default();
    // Index of each act in `input.acts` by id, for its follow-ups.
    let mut by_id: BTreeMap<&str, (bool, usize)> = BTreeMap::new();
    let mut delegues: BTreeMap<&str, DelegueLine> = BTreeMap::new();
    let mut delegants: BTreeMap<&str, DelegantLine> = BTreeMap::new();
    let mut structures: BTreeMap<&StructureKey, (Counts, bool)> = BTreeMap::new();
    let mut protocols: BTreeMap<&ProtocolKey, (u64, u64)> = BTreeMap::new();

    for (i, ra) in input.acts.iter().enumerate() {
        let a = &ra.act;
        if ra.void {
            ind.void_acts += 1;
            continue;
        }
        let p = protocols.entry(&a.protocol).or_default();
        p.0 += 1;
        if a.training {
            ind.training_acts += 1;
            p.1 += 1;
            continue;
        }
        let taken = a.outcome.taken_in_charge;
        by_id.insert(a.id.as_str(), (taken, i));
        ind.screenings += 1;
        ind.prises_en_charge += u64::from(taken);
        let day = a.occurred_at.with_timezone(&Paris).date_naive();
        let weekday = day.weekday();
        ind.by_weekday[weekday.num_days_from_monday() as usize]
            .counts
            .add(taken);
        let profession = a.delegue.profession.as_deref().unwrap_or("inconnue");
        ind.by_profession
            .entry(profession.to_string())
            .or_default()
            .add(taken);
        delegues
            .entry(a.delegue.rpps.as_str())
            .or_insert_with(|| DelegueLine {
                rpps: a.delegue.rpps.clone(),
                name: a.delegue.name.clone(),
                profession: profession.to_string(),
                counts: Counts::default(),
            })
            .counts
            .add(taken);
        let s = structures.entry(&a.structure).or_default();
        s.0.add(taken);
        s.1 |= profession == "pharmacien";
        if taken {
            if matches!(weekday, Weekday::Fri | Weekday::Sat) || eves.is_eve(day) {
                ind.friday_saturday_holiday_eve += 1;
            }
            if !input
                .territory_postal_codes
                .contains(&a.patient.postal_code)
            {
                ind.out_of_territory += 1;
                bump(
                    &mut ind.out_of_territory_postal_codes,
                    &a.patient.postal_code,
                );
            }
            bump(
                &mut ind.urgency,
                a.outcome.urgency.as_deref().unwrap_or("inconnue"),
            );
            delegants
                .entry(a.delegant.rpps.as_str())
                .or_insert_with(|| DelegantLine {
                    rpps: a.delegant.rpps.clone(),
                    name: a.delegant.name.clone(),
                    prises_en_charge: 0,
                    reprises: 0,
                })
                .prises_en_charge += 1;
            if let Some(payment) = a.payable(false) {
                pay.pay(a, payment);
            }
        } else {
            ind.exclusions.count += 1;
            bump(
                &mut ind.exclusions.by_orientation,
                a.outcome.orientation.as_deref().unwrap_or("inconnue"),
            );
            for r in &a.outcome.reasons {
                bump(&mut ind.exclusions.by_reason, r);
            }
        }
    }
    // Only payments so far, no deduction: the total is the month's.
    pay.month_cents = pay.total_cents.unsigned_abs();

    // Follow-ups of counted acts: an act taken over twice is one reprise.
    let mut reprised: BTreeSet<&str> = BTreeSet::new();
    let mut with_event: BTreeSet<&str> = BTreeSet::new();
    for f in &input.followups {
        let Some(&(taken, i)) = by_id.get(f.act_id.as_str()) else {
            continue;
        };
        let act = &input.acts[i].act;
        match &f.event {
            FollowupEvent::Reprise { .. } if taken && reprised.insert(act.id.as_str()) => {
                ind.reprises.count += 1;
                if let Some(d) = delegants.get_mut(act.delegant.rpps.as_str()) {
                    d.reprises += 1;
                }
            }
            FollowupEvent::AdverseEvent {
                nature, severity, ..
            } => {
                ind.adverse_events.count += 1;
                bump(&mut ind.adverse_events.by_nature, &nature_name(*nature));
                bump(
                    &mut ind.adverse_events.by_severity,
                    &severity_name(*severity),
                );
                if taken && with_event.insert(act.id.as_str()) {
                    ind.adverse_events.acts += 1;
                }
            }
            FollowupEvent::PatientSatisfaction { score, .. } => {
                ind.satisfaction.patients.add(*score)
            }
            FollowupEvent::ProfessionalSatisfaction { score, .. } => {
                ind.satisfaction.professionals.add(*score)
            }
            _ => {}
        }
    }

    ind.delegues = delegues.into_values().collect();
    ind.delegants = delegants.into_values().collect();
    ind.structures = structures
        .into_iter()
        .map(|(s, (counts, pharmacy))| StructureLine {
            name: s.name.clone(),
            postal_code: s.postal_code.clone(),
            finess: s.finess.clone(),
            pharmacy,
            counts,
        })
        .collect();
    ind.protocol_versions = protocols
        .into_iter()
        .map(|(p, (acts, training_acts))| ProtocolLine {
            id: p.id.clone(),
            version: p.version.clone(),
            sha256: p.sha256.clone(),
            acts,
            training_acts,
        })
        .collect();
    ind.finish();

    let mut late = LateEntries::default();
    for ra in &input.late_acts {
        let a = &ra.act;
        let payment = a.payable(ra.void);
        let cents = payment.map_or(0, |p| {
            u64::from(p.delegue_cents) + u64::from(p.delegant_cents)
        });
        if let Some(p) = payment {
            pay.pay(a, p);
        }
        late.count += 1;
        late.prises_en_charge += u64::from(a.outcome.taken_in_charge && !ra.void && !a.training);
        late.cents += cents;
        late.acts.push(LateAct {
            number: a.number.clone(),
            month: a.month().to_string(),
            seq: ra.seq,
            taken_in_charge: a.outcome.taken_in_charge,
            training: a.training,
            void: ra.void,
            cents,
        });
    }
    pay.late_cents = late.cents;
    for f in &input.late_followups {
        if let (FollowupEvent::Void { .. }, Some(p)) = (&f.event, f.act.payable(false)) {
            pay.deduct(&f.act, p);
        }
    }
    pay.finish();

    let late_followups = input
        .late_followups
        .iter()
        .filter_map(late_followup)
        .collect();

    MonthReport {
        schema_version: SCHEMA_VERSION,
        kind: REPORT_KIND.to_string(),
        month: input.month.to_string(),
        device_id: input.device_id.clone(),
        software: software.to_string(),
        territory: input.territory.clone(),
        indicators: ind,
        remuneration: pay,
        late_entries: late,
        late_followups,
        closure: input.closure.clone(),
        previous_closure: input.previous_closure.clone(),
        content_sha256: String::new(),
    }
}

fn late_followup(f: &LateFollowupIn) -> Option<LateFollowup> {
    let (nature, severity, cents_to_deduct) = match &f.event {
        FollowupEvent::AdverseEvent {
            nature, severity, ..
        } => (
            Some(nature_name(*nature)),
            Some(severity_name(*severity)),
            0,
        ),
        FollowupEvent::Void { .. } => (
            None,
            None,
            f.act.payable(false).map_or(0, |p| {
                u64::from(p.delegue_cents) + u64::from(p.delegant_cents)
            }),
        ),
        FollowupEvent::Reprise { .. }
        | FollowupEvent::PatientSatisfaction { .. }
        | FollowupEvent::ProfessionalSatisfaction { .. } => (None, None, 0),
        FollowupEvent::Document { .. } => return None,
    };
    Some(LateFollowup {
        act_number: f.act.number.clone(),
        act_month: f.act.month().to_string(),
        seq: f.seq,
        kind: f.event.type_name().to_string(),
        nature,
        severity,
        cents_to_deduct,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(id: &str, delegant_cents: u32) -> ActFacts {
        let person = |rpps: &str| PersonKey {
            rpps: rpps.into(),
            name: format!("P {rpps}"),
            profession: Some("pharmacien".into()),
        };
        ActFacts {
            id: id.into(),
            number: format!("2026-{id}"),
            occurred_at: "2026-05-04T08:00:00Z".parse().unwrap(),
            training: false,
            protocol: ProtocolKey {
                id: "p".into(),
                version: "1".into(),
                sha256: "0".into(),
            },
            structure: StructureKey {
                name: "S".into(),
                postal_code: "79500".into(),
                finess: None,
            },
            delegue: person("1"),
            delegant: person("9"),
            patient: PatientKey {
                postal_code: "79500".into(),
            },
            outcome: OutcomeKey {
                taken_in_charge: true,
                orientation: None,
                urgency: Some("24h".into()),
                reasons: vec![],
            },
            payment: Payment {
                delegue_cents: 1000,
                delegant_cents,
            },
        }
    }

    /// A protocol may pay the délégant nothing: taking back such an act is
    /// still a deduction, not a paid act (the sign of 0 says nothing).
    #[test]
    fn a_deduction_of_zero_cents_is_still_a_deduction() {
        let input = MonthInput {
            month: "2026-06".parse().unwrap(),
            device_id: "d".into(),
            territory: TerritoryRef {
                protocol_id: "p".into(),
                protocol_version: "1".into(),
                sample: false,
            },
            territory_postal_codes: BTreeSet::new(),
            closure: ClosureRef {
                first_seq: 10,
                last_seq: 12,
                count: 0,
                head_hash: String::new(),
                seq: 13,
                closed_at: "2026-07-01T08:00:00Z".parse().unwrap(),
            },
            previous_closure: None,
            acts: vec![],
            followups: vec![],
            late_acts: vec![],
            late_followups: vec![LateFollowupIn {
                seq: 11,
                act: act("0001", 0),
                event: FollowupEvent::Void {
                    reason: "doublon".into(),
                },
            }],
        };
        let r = compute(&input, "test");
        let line = |l: &PayLine| (l.acts, l.deducted_acts, l.cents);
        assert_eq!(line(&r.remuneration.delegues[0]), (0, 1, -1000));
        assert_eq!(line(&r.remuneration.delegants[0]), (0, 1, 0));
        assert_eq!(r.remuneration.total_cents, -1000);
        assert_eq!(r.remuneration.deducted_cents, 1000);
    }

    #[test]
    fn ratios_round_half_up_and_survive_json() {
        assert_eq!(ratio(5, 11, 4), 0.4545);
        assert_eq!(ratio(2, 3, 4), 0.6667);
        assert_eq!(ratio(0, 0, 4), 0.0);
        assert_eq!(ratio(9, 2, 2), 4.5);
        let back: f64 =
            serde_json::from_str(&serde_json::to_string(&ratio(5, 11, 4)).unwrap()).unwrap();
        assert_eq!(back, 0.4545);
    }
}
