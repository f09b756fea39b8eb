//! The report's wire model: what a device's monthly report says, field by
//! field (docs/REPORT-FORMAT.md), and how the CPTS adds reports up. The
//! figures themselves are computed in [`super::month`].

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::rows::Rows;
use crate::crypto::PublicKey;
use crate::shared::Shared;

/// Version of the JSON schema (docs/REPORT-FORMAT.md); bumped on any change
/// a reader could notice.
/// v2: pay lines are net of the deductions for acts voided after their
/// report (`cents` may be negative), with `deducted_acts`.
/// v3: signed by the device key, with the rows the figures are computed
/// from and the chain of the report's window.
pub const SCHEMA_VERSION: u32 = 3;

/// The last schema without signature: still imported, « non signé ».
pub const UNSIGNED_SCHEMA_VERSION: u32 = 2;

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
    /// v3: the closure entry's hash, the head this report leaves the CPTS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// The device's previous closure: the next report's `first_seq` must be
/// right after it, which is how the CPTS sees a missing or forked month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousClosure {
    pub month: String,
    pub seq: u64,
    pub last_seq: u64,
    pub head_hash: String,
    /// v3: that closure entry's hash, where this report's chain starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

/// One entry of the device's log, as the CPTS sees it: enough to recompute
/// the chain (the v2 rule commits to the payload's digest), nothing of
/// what it records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainLink {
    pub hash: String,
    pub kind: Shared,
    /// SHA-256 of the payload; `null` for an entry written under the v1
    /// rule (before schema v6), which only the device can recompute.
    pub payload_sha256: Option<String>,
    pub seq: u64,
}

/// A screening / prise en charge pair of counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub screenings: u64,
    pub prises_en_charge: u64,
}

impl Counts {
    pub(super) fn add(&mut self, taken: bool) {
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
    /// For a correction: the entry of the follow-up it withdraws (counted
    /// by an earlier report, which stays as it was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<u64>,
    /// `reprise`, `adverse_event`, `patient_satisfaction`,
    /// `professional_satisfaction`, `void` or `correction`.
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
    /// v3: the device's Ed25519 public key (hex), which the CPTS enrolled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_public_key: Option<PublicKey>,
    /// v3: the rows every figure above is computed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<Rows>,
    /// v3: every entry from just after the previous closure to this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<Vec<ChainLink>>,
    /// SHA-256 of the canonical content (everything but this field and
    /// the signature).
    pub content_sha256: String,
    /// v3: the device key's signature (hex) over the canonical content
    /// with `content_sha256` (docs/REPORT-FORMAT.md, « Signature »).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
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
    pub(super) fn empty() -> Satisfaction {
        Satisfaction {
            responses: 0,
            sum: 0,
            mean: 0.0,
            distribution: [0; 5],
        }
    }

    pub(super) fn add(&mut self, score: u8) {
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
        merge_lines(
            &mut self.delegues,
            &o.delegues,
            |l| l.rpps.clone(),
            |x, l| x.counts.merge(l.counts),
        );
        merge_lines(
            &mut self.delegants,
            &o.delegants,
            |l| l.rpps.clone(),
            |x, l| {
                x.prises_en_charge += l.prises_en_charge;
                x.reprises += l.reprises;
            },
        );
        merge_lines(
            &mut self.structures,
            &o.structures,
            |l| (l.name.clone(), l.postal_code.clone(), l.finess.clone()),
            |x, l| {
                x.counts.merge(l.counts);
                x.pharmacy |= l.pharmacy;
            },
        );
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
        merge_lines(
            &mut self.protocol_versions,
            &o.protocol_versions,
            |l| l.sha256.clone(),
            |x, l| {
                x.acts += l.acts;
                x.training_acts += l.training_acts;
            },
        );
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
    pub fn merge(&mut self, o: &Remuneration) {
        self.total_cents += o.total_cents;
        self.month_cents += o.month_cents;
        self.late_cents += o.late_cents;
        self.deducted_cents += o.deducted_cents;
        for (mine, theirs) in [
            (&mut self.delegues, &o.delegues),
            (&mut self.delegants, &o.delegants),
        ] {
            merge_lines(
                mine,
                theirs,
                |l| l.rpps.clone(),
                |x, l| {
                    x.acts += l.acts;
                    x.deducted_acts += l.deducted_acts;
                    x.cents += l.cents;
                },
            );
        }
    }

    pub fn finish(&mut self) {
        self.delegues.sort_by(|a, b| a.rpps.cmp(&b.rpps));
        self.delegants.sort_by(|a, b| a.rpps.cmp(&b.rpps));
    }
}

/// Adds `theirs` into `mine`, lines with the same key merged by `add`:
/// `mine` is indexed once, so adding up many reports of many lines stays
/// n log n (a forged report may hold thousands).
fn merge_lines<T: Clone, K: Ord>(
    mine: &mut Vec<T>,
    theirs: &[T],
    key: impl Fn(&T) -> K,
    add: impl Fn(&mut T, &T),
) {
    let mut at: BTreeMap<K, usize> = mine.iter().enumerate().map(|(i, l)| (key(l), i)).collect();
    for l in theirs {
        match at.get(&key(l)) {
            Some(&i) => {
                if let Some(x) = mine.get_mut(i) {
                    add(x, l);
                }
            }
            None => {
                at.insert(key(l), mine.len());
                mine.push(l.clone());
            }
        }
    }
}

fn add_map(a: &mut BTreeMap<String, u64>, b: &BTreeMap<String, u64>) {
    for (k, v) in b {
        *a.entry(k.clone()).or_default() += v;
    }
}
