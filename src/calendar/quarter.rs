//! Calendar quarters (January–March is the first), by the Paris date: the
//! professionals' questionnaire is offered once in each.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

impl Quarter {
    pub fn of_date(d: NaiveDate) -> Quarter {
        Quarter {
            year: d.year(),
            // month0 is 0..=11, so q is 1..=4.
            q: (d.month0() / 3 + 1) as u8,
        }
    }

    /// The quarter of an instant, by its Paris date.
    pub fn of_instant(t: DateTime<Utc>) -> Quarter {
        Quarter::of_date(t.with_timezone(&Paris).date_naive())
    }

    pub fn next(self) -> Quarter {
        match self.q {
            4.. => Quarter {
                year: self.year.saturating_add(1),
                q: 1,
            },
            q => Quarter {
                year: self.year,
                q: q + 1,
            },
        }
    }

    /// « 1er trimestre 2027 ».
    pub fn name_fr(self) -> String {
        format!(
            "{} trimestre {}",
            crate::fr::ordinal(u64::from(self.q)),
            self.year
        )
    }
}

/// `2027-T1`, as reports and the command line write it.
impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-T{}", self.year, self.q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_month_falls_in_its_quarter() {
        for m in 1..=12u32 {
            let d = NaiveDate::from_ymd_opt(2027, m, 15).unwrap();
            let q = Quarter::of_date(d);
            assert_eq!(u32::from(q.q), m.div_ceil(3), "{m}");
            assert_eq!(q.year, 2027);
        }
        let q = Quarter::of_date(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(q.to_string(), "2027-T1");
        assert_eq!(q.name_fr(), "1er trimestre 2027");
        let q = Quarter::of_date(NaiveDate::from_ymd_opt(2027, 12, 31).unwrap());
        assert_eq!(q.name_fr(), "4e trimestre 2027");
        let next = Quarter::of_date(NaiveDate::from_ymd_opt(2028, 1, 1).unwrap());
        assert!(next > q);
        assert_eq!(q.next(), next);
        assert_eq!(next.next().to_string(), "2028-T2");
    }
}
