//! The CPTS's yearly report: the imported monthly reports of every device
//! that hold the year (its months, the December before, the months
//! after), through the same computation as the device's (`report::year`),
//! provisional while the year runs or a device's month is missing.

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;

use super::import::Continuity;
use super::store::CptsDb;
use crate::error::Result;
use crate::protocol::Protocol;
use crate::report::MonthReport;
use crate::report::year::{YearReport, as_of, compute, months_holding};

/// The consolidated year, from the imported reports only.
pub fn year_report(
    db: &CptsDb,
    protocol: &Protocol,
    scope: &str,
    year: i32,
    now: DateTime<Utc>,
) -> Result<YearReport> {
    let today = now.with_timezone(&Paris).date_naive();
    let (day, mut reasons) = as_of(year, today)?;
    let mut reports: Vec<MonthReport> = Vec::new();
    for month in months_holding(year, today) {
        reports.extend(
            db.reports_of_month(&month.to_string())?
                .into_iter()
                .map(|(r, _)| r),
        );
    }
    // A device's month missing from the CPTS shows as a gap in the next
    // report's chain (a month without acts has no report, and no gap).
    let of_year = year.to_string();
    for r in reports
        .iter()
        .filter(|r| r.month.get(..4) == Some(of_year.as_str()))
    {
        match db.continuity(r)? {
            c @ (Continuity::Gap { .. } | Continuity::Fork { .. }) => reasons.push(c.to_string()),
            Continuity::Continuous | Continuity::First | Continuity::Unsigned => {}
        }
    }
    let refs: Vec<&MonthReport> = reports.iter().collect();
    Ok(compute(year, &refs, &[protocol], day, scope.to_string()).provisional_for(reasons))
}
