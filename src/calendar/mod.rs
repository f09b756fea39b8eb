//! Calendar months in the Europe/Paris time zone (the month of an act is
//! decided by its Paris date), and French public holidays ([`holidays`]).

pub mod holidays;
pub mod quarter;

pub use holidays::{
    EveTable, Region, easter, holiday_name, holidays_of_year, is_holiday, is_holiday_eve,
};

pub use quarter::Quarter;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;

use crate::error::Error;

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn of_date(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// The Paris month of a UTC instant.
    pub fn of_instant(t: DateTime<Utc>) -> Month {
        Month::of_date(t.with_timezone(&Paris).date_naive())
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    pub fn previous(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The UTC instant the month starts (midnight in Paris).
    pub fn start_utc(self) -> DateTime<Utc> {
        let midnight = self.first_day().and_hms_opt(0, 0, 0).expect("midnight");
        Paris
            .from_local_datetime(&midnight)
            .earliest()
            .expect("midnight exists in Paris")
            .with_timezone(&Utc)
    }

    /// French name, « novembre 2026 ».
    pub fn name_fr(self) -> String {
        const NAMES: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        format!("{} {}", NAMES[(self.month - 1) as usize], self.year)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = Error;
    fn from_str(s: &str) -> Result<Month, Error> {
        let bad = || {
            Error::input(
                "--month",
                format!("« {s} » : mois AAAA-MM attendu, par exemple 2026-11"),
            )
        };
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(2000..=2999).contains(&year) {
            return Err(bad());
        }
        Ok(Month { year, month })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_step() {
        let m: Month = "2026-12".parse().unwrap();
        assert_eq!(m.next().to_string(), "2027-01");
        assert_eq!("2027-01".parse::<Month>().unwrap().previous(), m);
        assert!("2026-13".parse::<Month>().is_err());
        assert!("26-11".parse::<Month>().is_err());
        assert_eq!(m.name_fr(), "décembre 2026");
    }

    #[test]
    fn paris_month_boundaries() {
        // 30 Nov 23:30 UTC is already 1 December in Paris.
        let t = "2026-11-30T23:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(Month::of_instant(t).to_string(), "2026-12");
        assert_eq!(
            "2026-12".parse::<Month>().unwrap().start_utc().to_rfc3339(),
            "2026-11-30T23:00:00+00:00"
        );
    }
}
