//! French public holidays, computed offline (Code du travail L3133-1): the
//! fixed ones and those that follow Easter (Easter Monday, Ascension, Whit
//! Monday). The monthly report's headline indicator counts acts done on the
//! eve of one.

use chrono::{Datelike, Days, NaiveDate};

/// Where the calendar applies: Alsace-Moselle adds Good Friday and
/// 26 December (a territory setting, off by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Region {
    #[default]
    General,
    AlsaceMoselle,
}

/// Easter Sunday of `year` (Gregorian calendar), by the anonymous
/// Meeus–Jones–Butcher algorithm: no table to keep up to date.
pub fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// Every public holiday of `year` with its French name, in date order.
pub fn holidays_of_year(year: i32, region: Region) -> Vec<(NaiveDate, &'static str)> {
    let fixed = |month: u32, day: u32| NaiveDate::from_ymd_opt(year, month, day).expect("date");
    let easter = easter(year);
    let after = |days: u64| easter.checked_add_days(Days::new(days)).expect("date");
    let mut out = vec![
        (fixed(1, 1), "Jour de l'an"),
        (after(1), "Lundi de Pâques"),
        (fixed(5, 1), "Fête du Travail"),
        (fixed(5, 8), "Victoire 1945"),
        (after(39), "Ascension"),
        (after(50), "Lundi de Pentecôte"),
        (fixed(7, 14), "Fête nationale"),
        (fixed(8, 15), "Assomption"),
        (fixed(11, 1), "Toussaint"),
        (fixed(11, 11), "Armistice 1918"),
        (fixed(12, 25), "Noël"),
    ];
    if region == Region::AlsaceMoselle {
        let good_friday = easter.checked_sub_days(Days::new(2)).expect("date");
        out.push((good_friday, "Vendredi saint"));
        out.push((fixed(12, 26), "Saint Étienne"));
    }
    out.sort();
    out
}

/// The holiday's name when `day` is a public holiday.
pub fn holiday_name(day: NaiveDate, region: Region) -> Option<&'static str> {
    holidays_of_year(day.year(), region)
        .into_iter()
        .find_map(|(d, name)| (d == day).then_some(name))
}

pub fn is_holiday(day: NaiveDate, region: Region) -> bool {
    holiday_name(day, region).is_some()
}

/// The calendar day before a public holiday (31 December is the eve of
/// 1 January of the next year).
pub fn is_holiday_eve(day: NaiveDate, region: Region) -> bool {
    day.succ_opt().is_some_and(|next| is_holiday(next, region))
}

/// Answers « is this day the eve of a holiday » for a whole year at once:
/// the report asks it for every act, so it is a bitset lookup, not a
/// recomputation of Easter.
#[derive(Debug, Clone)]
pub struct EveTable {
    year: i32,
    region: Region,
    eves: [bool; 367],
}

impl EveTable {
    pub fn new(year: i32, region: Region) -> EveTable {
        let mut eves = [false; 367];
        let mut day = NaiveDate::from_ymd_opt(year, 1, 1).expect("date");
        while day.year() == year {
            eves[day.ordinal0() as usize] = is_holiday_eve(day, region);
            day = day.succ_opt().expect("date");
        }
        EveTable { year, region, eves }
    }

    pub fn is_eve(&mut self, day: NaiveDate) -> bool {
        if day.year() != self.year {
            *self = EveTable::new(day.year(), self.region);
        }
        self.eves[day.ordinal0() as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn spec_check_values() {
        assert_eq!(easter(2025), d("2025-04-20"));
        assert_eq!(easter(2026), d("2026-04-05"));
        assert!(is_holiday(d("2025-05-29"), Region::General));
        assert!(is_holiday(d("2026-05-25"), Region::General));
        assert!(is_holiday_eve(d("2026-05-13"), Region::General));
        assert!(is_holiday_eve(d("2026-12-31"), Region::General));
        assert!(!is_holiday(d("2026-04-03"), Region::General));
        assert!(is_holiday(d("2026-04-03"), Region::AlsaceMoselle));
    }
}
