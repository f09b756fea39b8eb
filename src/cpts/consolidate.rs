//! One month across every device that reported it: the same indicators
//! added up, the territory's pharmacies involved, one payment line per
//! professional (RPPS) whatever the devices, and the anomalies the CPTS
//! must chase (a report announced but not received, a gap, a fork).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::import::{Continuity, Payable};
use super::store::CptsDb;
use crate::calendar::Month;
use crate::error::Result;
use crate::report::json;
use crate::report::model::{
    ClosureRef, Indicators, LateAct, LateFollowup, PayLine, Remuneration, SCHEMA_VERSION, ratio,
};

pub const CONSOLIDATED_KIND: &str = "protocoop-cpts-month";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceLine {
    pub device_id: String,
    pub structures: Vec<String>,
    pub content_sha256: String,
    pub closure: ClosureRef,
    pub screenings: u64,
    pub prises_en_charge: u64,
    pub late_entries: u64,
    /// Net of deductions, as the device's `remuneration.total_cents`.
    pub remuneration_cents: i64,
    /// Signed by the device (schema v3).
    pub signed: bool,
    /// In the payment list: signed, or unsigned and confirmed by the
    /// coordinator.
    pub paid: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pharmacies {
    /// As set by the CPTS (`cpts set --pharmacies N`).
    pub territory: Option<u64>,
    /// Structures where a pharmacist acted this month.
    pub involved: u64,
    /// `involved / territory`, 4 decimals, when the count is set.
    pub share: Option<f64>,
}

/// One professional's line on the treasurer's list, all devices together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLine {
    /// `delegue` or `delegant`.
    pub role: String,
    pub rpps: String,
    pub name: String,
    pub acts: u64,
    pub deducted_acts: u64,
    /// Net of deductions: negative when money is to be recovered.
    pub cents: i64,
    /// Devices this professional was paid (or deducted) on.
    pub devices: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceLate<T> {
    pub device_id: String,
    #[serde(flatten)]
    pub item: T,
}

/// Something the CPTS must look into before paying.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    pub device_id: String,
    /// `gap`, `fork`, `missing` (announced by a later report),
    /// `not_received` (the device reported earlier months only) or
    /// `unsigned` (kept out of the payment list until confirmed).
    pub kind: String,
    pub message: String,
}

/// The consolidated month (docs/REPORT-FORMAT.md, « CPTS »).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consolidated {
    pub schema_version: u32,
    pub kind: String,
    pub month: String,
    pub devices: Vec<DeviceLine>,
    #[serde(flatten)]
    pub indicators: Indicators,
    pub pharmacies: Pharmacies,
    pub remuneration: Remuneration,
    pub payments: Vec<PaymentLine>,
    pub late_entries: Vec<DeviceLate<LateAct>>,
    pub late_followups: Vec<DeviceLate<LateFollowup>>,
    pub anomalies: Vec<Anomaly>,
    pub content_sha256: String,
}

/// Consolidates `month` from the reports imported so far.
pub fn consolidate(db: &CptsDb, month: Month) -> Result<Consolidated> {
    let m = month.to_string();
    let reports = db.reports_of_month(&m)?;
    let mut indicators = Indicators::empty();
    let mut remuneration = Remuneration::default();
    let mut devices_of: BTreeMap<(&str, String), BTreeSet<&str>> = BTreeMap::new();
    let mut devices = Vec::new();
    let mut late_entries = Vec::new();
    let mut late_followups = Vec::new();
    let mut anomalies = Vec::new();
    for (r, payable) in &reports {
        indicators.merge(&r.indicators);
        // A report is paid from once the CPTS can check it continues the
        // device's previous one: a gap (or fork) waits for the missing
        // month, an unsigned report for the coordinator's confirmation.
        let continuity = db.continuity(r)?;
        let continuous = !matches!(continuity, Continuity::Gap { .. } | Continuity::Fork { .. });
        let paid = *payable != Payable::Unconfirmed && continuous;
        if paid {
            remuneration.merge(&r.remuneration);
            for (role, lines) in [
                ("delegue", &r.remuneration.delegues),
                ("delegant", &r.remuneration.delegants),
            ] {
                for l in lines {
                    devices_of
                        .entry((role, l.rpps.clone()))
                        .or_default()
                        .insert(r.device_id.as_str());
                }
            }
        } else if *payable == Payable::Unconfirmed {
            anomalies.push(Anomaly {
                device_id: r.device_id.clone(),
                kind: "unsigned".into(),
                message: format!(
                    "le rapport de {} de l'appareil {} n'est pas signé (ancienne version de protocoop) : hors de la liste de paiement tant que vous ne l'avez pas confirmé (cpts confirm FICHIER)",
                    r.month, r.device_id
                ),
            });
        }
        devices.push(DeviceLine {
            device_id: r.device_id.clone(),
            structures: r
                .indicators
                .structures
                .iter()
                .map(|s| format!("{} ({})", s.name, s.postal_code))
                .collect(),
            content_sha256: r.content_sha256.clone(),
            closure: r.closure.clone(),
            screenings: r.indicators.screenings,
            prises_en_charge: r.indicators.prises_en_charge,
            late_entries: r.late_entries.count,
            remuneration_cents: r.remuneration.total_cents,
            signed: *payable == Payable::Signed,
            paid,
        });
        late_entries.extend(r.late_entries.acts.iter().map(|a| DeviceLate {
            device_id: r.device_id.clone(),
            item: a.clone(),
        }));
        late_followups.extend(r.late_followups.iter().map(|f| DeviceLate {
            device_id: r.device_id.clone(),
            item: f.clone(),
        }));
        let unpaid = "hors de la liste de paiement jusqu'à ce qu'il soit levé";
        match continuity {
            c @ Continuity::Gap { .. } => anomalies.push(Anomaly {
                device_id: r.device_id.clone(),
                kind: "gap".into(),
                message: format!("{c} — {unpaid}"),
            }),
            c @ Continuity::Fork { .. } => anomalies.push(Anomaly {
                device_id: r.device_id.clone(),
                kind: "fork".into(),
                message: format!("{c} — {unpaid}"),
            }),
            Continuity::Continuous | Continuity::First | Continuity::Unsigned => {}
        }
    }
    indicators.finish();
    remuneration.finish();

    for (device, months) in db.devices()? {
        if months.contains(&m) {
            continue;
        }
        let announced = !db.successors(&device, &m)?.is_empty();
        let last = months.last().cloned().unwrap_or_default();
        if announced {
            anomalies.push(Anomaly {
                message: format!(
                    "le rapport de {m} de l'appareil {device} manque : un rapport ultérieur le cite comme précédent — demandez-le à la structure"
                ),
                device_id: device,
                kind: "missing".into(),
            });
        } else if last < m && months.iter().any(|x| *x < m) {
            anomalies.push(Anomaly {
                message: format!(
                    "aucun rapport de {m} reçu de l'appareil {device} (dernier reçu : {last}) — sans acte ce mois-là, l'appareil n'en produit pas"
                ),
                device_id: device,
                kind: "not_received".into(),
            });
        }
    }

    let payments = payment_lines(&remuneration, &devices_of);
    let territory = db.pharmacies()?;
    let involved = indicators.structures.iter().filter(|s| s.pharmacy).count() as u64;
    let mut c = Consolidated {
        schema_version: SCHEMA_VERSION,
        kind: CONSOLIDATED_KIND.into(),
        month: m,
        devices,
        indicators,
        pharmacies: Pharmacies {
            territory,
            involved,
            share: territory.map(|t| ratio(involved, t, 4)),
        },
        remuneration,
        payments,
        late_entries,
        late_followups,
        anomalies,
        content_sha256: String::new(),
    };
    c.content_sha256 = json::content_sha256(&serde_json::to_value(&c).expect("serializes"));
    Ok(c)
}

fn payment_lines(
    pay: &Remuneration,
    devices_of: &BTreeMap<(&str, String), BTreeSet<&str>>,
) -> Vec<PaymentLine> {
    let line = |role: &'static str| {
        move |l: &PayLine| PaymentLine {
            role: role.to_string(),
            rpps: l.rpps.clone(),
            name: l.name.clone(),
            acts: l.acts,
            deducted_acts: l.deducted_acts,
            cents: l.cents,
            devices: devices_of
                .get(&(role, l.rpps.clone()))
                .map_or(0, |d| d.len() as u64),
        }
    };
    pay.delegues
        .iter()
        .map(line("delegue"))
        .chain(pay.delegants.iter().map(line("delegant")))
        .collect()
}
