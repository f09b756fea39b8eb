//! Finding an act in Historique by what the pharmacist remembers of it:
//! the patient's name (accents and case aside), the day (`23/11/2026`,
//! `23/11`), or the act number (`2026-0042`, `42`). On the device only:
//! names never leave it.

use chrono::{Datelike, NaiveDate};

use crate::text::fold;

/// What was typed in the search field, read once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// An act number, whole (`2026-0042`) or its sequence alone (`42`).
    Number { year: Option<i32>, n: u32 },
    /// A day, with or without its year.
    Day {
        day: u32,
        month: u32,
        year: Option<i32>,
    },
    /// Words that must all be found in the patient's name.
    Name(Vec<String>),
}

impl Query {
    /// `None` for an empty search: every act of the period shows.
    pub fn parse(text: &str) -> Option<Query> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        if let Some(q) = number(text).or_else(|| day(text)) {
            return Some(q);
        }
        let words: Vec<String> = fold(text)
            .split(|c: char| c.is_whitespace() || c == '-' || c == '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        // Only separators: no search, the period's acts show.
        (!words.is_empty()).then_some(Query::Name(words))
    }

    /// Whether an act answers the search: its number, its patient's name
    /// (`NOM Prénom`, folded with [`fold`]) and its Paris day.
    pub fn matches(&self, number: &str, folded_name: &str, day: NaiveDate) -> bool {
        match self {
            Query::Number { year, n } => {
                let Some((y, num)) = number.split_once('-') else {
                    return false;
                };
                num.parse::<u32>().ok() == Some(*n)
                    && year.is_none_or(|year| y.parse::<i32>().ok() == Some(year))
            }
            Query::Day {
                day: d,
                month,
                year,
            } => day.day() == *d && day.month() == *month && year.is_none_or(|y| day.year() == y),
            Query::Name(words) => words.iter().all(|w| folded_name.contains(w.as_str())),
        }
    }
}

/// `2026-0042`, `42`.
fn number(text: &str) -> Option<Query> {
    let (year, n) = match text.split_once('-') {
        Some((y, n)) if y.len() == 4 => (Some(y.parse().ok()?), n),
        Some(_) => return None,
        None => (None, text),
    };
    if n.is_empty() || n.len() > 6 || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(Query::Number {
        year,
        n: n.parse().ok()?,
    })
}

/// `23/11/2026`, `23/11`.
fn day(text: &str) -> Option<Query> {
    let parts: Vec<&str> = text.split('/').collect();
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (day, month, year) = match parts.as_slice() {
        [d, m] => (num(d)?, num(m)?, None),
        [d, m, y] => (num(d)?, num(m)?, Some(i32::try_from(num(y)?).ok()?)),
        _ => return None,
    };
    ((1..=31).contains(&day) && (1..=12).contains(&month)).then_some(Query::Day {
        day,
        month,
        year,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_typed_is_read_as_a_number_a_day_or_a_name() {
        assert_eq!(
            Query::parse(" 2026-0042 "),
            Some(Query::Number {
                year: Some(2026),
                n: 42
            })
        );
        assert_eq!(
            Query::parse("42"),
            Some(Query::Number { year: None, n: 42 })
        );
        assert_eq!(
            Query::parse("23/11"),
            Some(Query::Day {
                day: 23,
                month: 11,
                year: None
            })
        );
        assert_eq!(
            Query::parse("23/11/2026"),
            Some(Query::Day {
                day: 23,
                month: 11,
                year: Some(2026)
            })
        );
        assert_eq!(
            Query::parse("Hélène LE-GALL"),
            Some(Query::Name(vec![
                "helene".into(),
                "le".into(),
                "gall".into()
            ]))
        );
        assert_eq!(Query::parse("  "), None);
        assert_eq!(
            Query::parse(" - ' "),
            None,
            "separators alone search nothing"
        );
        // Anything else is a name, however odd: never a panic.
        for odd in ["32/13", "99999999999999999999", "/", "2026-", "é/è"] {
            assert!(matches!(Query::parse(odd), Some(Query::Name(_))), "{odd}");
        }
    }

    #[test]
    fn an_act_is_found_by_its_number_day_or_patient() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let found = |q: &str| {
            Query::parse(q)
                .unwrap()
                .matches("2026-0042", &fold("LE GALL Hélène"), day)
        };
        for yes in [
            "2026-0042",
            "42",
            "0042",
            "23/11",
            "23/11/2026",
            "helene",
            "Le Gall",
            "gall hél",
        ] {
            assert!(found(yes), "{yes}");
        }
        for no in [
            "2025-0042",
            "43",
            "24/11",
            "23/11/2025",
            "martin",
            "helene x",
        ] {
            assert!(!found(no), "{no}");
        }
    }
}
