//! The coordinator's overview: every enrolled device with its last report
//! and what is missing (a month not received, an alarm of the consolidated
//! month), and the month to pay next. Read from the CPTS database only.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::store::CptsDb;
use crate::calendar::Month;
use crate::error::Result;

/// One enrolled device as the CPTS sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceStatus {
    pub name: String,
    pub fingerprint: String,
    /// The device id its reports carry, once one was received.
    pub device_id: Option<String>,
    /// The last month received, and when.
    pub last: Option<(String, DateTime<Utc>)>,
    /// Months after its first report, up to last month, not received.
    pub missing: Vec<String>,
    /// Anomalies of the months received (gap, fork, unsigned…), in words.
    pub alarms: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dashboard {
    pub devices: Vec<DeviceStatus>,
    /// The oldest month received and not yet marked « payé ».
    pub next_to_pay: Option<String>,
    pub paid: Vec<String>,
}

/// A stored report: (signing key, device id, month, imported at).
type Received = (Option<String>, String, String, String);

impl CptsDb {
    fn received(&self) -> Result<Vec<Received>> {
        let mut stmt = self.conn.prepare(
            "SELECT public_key, device_id, month, imported_at FROM reports ORDER BY month",
        )?;
        let rows = stmt.query_map(params![], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }
}

/// The months some report was received for, oldest first.
pub fn months_received(db: &CptsDb) -> Result<Vec<String>> {
    let mut months: Vec<String> = db.received()?.into_iter().map(|r| r.2).collect();
    months.dedup();
    Ok(months)
}

/// The name the CPTS enrolled each device under, by the device id its
/// reports carry (a report signed by no enrolled key has none).
pub fn device_names(db: &CptsDb) -> Result<BTreeMap<String, String>> {
    let st = db.state()?;
    let mut names = BTreeMap::new();
    for r in db.received()? {
        let enrolled = st
            .devices
            .iter()
            .find(|d| r.0.as_deref() == Some(d.public_key.to_string().as_str()));
        if let Some(d) = enrolled {
            names.insert(r.1, d.name.clone());
        }
    }
    Ok(names)
}

/// The overview as of `now` (the month before `now`'s, Paris, is the last
/// one a device can have closed).
pub fn dashboard(db: &CptsDb, now: DateTime<Utc>) -> Result<Dashboard> {
    let st = db.state()?;
    let last_closable = Month::of_instant(now).previous();
    let received = db.received()?;
    let mut months: BTreeSet<String> = BTreeSet::new();
    let mut devices = Vec::new();
    for d in &st.devices {
        let key = d.public_key.to_string();
        let mine: Vec<&Received> = received
            .iter()
            .filter(|r| r.0.as_deref() == Some(key.as_str()))
            .collect();
        let got: BTreeSet<&str> = mine.iter().map(|r| r.2.as_str()).collect();
        months.extend(got.iter().map(|m| m.to_string()));
        let last = mine.last().and_then(|r| {
            DateTime::parse_from_rfc3339(&r.3)
                .ok()
                .map(|t| (r.2.clone(), t.with_timezone(&Utc)))
        });
        let mut missing = Vec::new();
        if let Some(first) = got.iter().next().and_then(|m| m.parse::<Month>().ok()) {
            let mut m = first;
            // At most ten years of months: a date typed wrong cannot loop.
            for _ in 0..120 {
                if m > last_closable {
                    break;
                }
                if !got.contains(m.to_string().as_str()) {
                    missing.push(m.to_string());
                }
                m = m.next();
            }
        }
        devices.push(DeviceStatus {
            name: d.name.clone(),
            fingerprint: d.fingerprint.clone(),
            device_id: mine.last().map(|r| r.1.clone()),
            last,
            missing,
            alarms: Vec::new(),
        });
    }
    // The consolidated months' anomalies, on the device they name.
    let mut alarms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &months {
        if let Ok(month) = m.parse::<Month>() {
            for a in super::consolidate(db, month)?.anomalies {
                alarms.entry(a.device_id).or_default().push(a.message);
            }
        }
    }
    for d in &mut devices {
        if let Some(found) = d.device_id.as_ref().and_then(|id| alarms.remove(id)) {
            d.alarms = found;
        }
    }
    let paid: Vec<String> = st.paid.keys().cloned().collect();
    let next_to_pay = months.iter().find(|m| !st.paid.contains_key(*m)).cloned();
    Ok(Dashboard {
        devices,
        next_to_pay,
        paid,
    })
}
