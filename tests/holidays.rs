//! French public holidays against published dates, 2024–2030, and the
//! « eve of a holiday » rule the monthly report counts.

use chrono::{Datelike, NaiveDate};
use protocoop::calendar::{
    EveTable, Region, easter, holiday_name, holidays_of_year, is_holiday, is_holiday_eve,
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// (year, Easter Monday, Ascension, Whit Monday) from the official
/// calendars (service-public.fr).
const MOVABLE: [(i32, &str, &str, &str); 7] = [
    (2024, "2024-04-01", "2024-05-09", "2024-05-20"),
    (2025, "2025-04-21", "2025-05-29", "2025-06-09"),
    (2026, "2026-04-06", "2026-05-14", "2026-05-25"),
    (2027, "2027-03-29", "2027-05-06", "2027-05-17"),
    (2028, "2028-04-17", "2028-05-25", "2028-06-05"),
    (2029, "2029-04-02", "2029-05-10", "2029-05-21"),
    (2030, "2030-04-22", "2030-05-30", "2030-06-10"),
];

#[test]
fn paques_et_fetes_mobiles_2024_2030() {
    for (year, monday, ascension, whit) in MOVABLE {
        let all = holidays_of_year(year, Region::General);
        assert_eq!(all.len(), 11, "{year}");
        let has = |date: &str, name: &str| {
            assert!(
                all.contains(&(d(date), name)),
                "{year} : {name} le {date} absent de {all:?}"
            )
        };
        has(monday, "Lundi de Pâques");
        has(ascension, "Ascension");
        has(whit, "Lundi de Pentecôte");
        for (m, day) in [
            (1, 1),
            (5, 1),
            (5, 8),
            (7, 14),
            (8, 15),
            (11, 1),
            (11, 11),
            (12, 25),
        ] {
            assert!(is_holiday(
                NaiveDate::from_ymd_opt(year, m, day).unwrap(),
                Region::General
            ));
        }
        // Ascension is always a Thursday, the two Mondays are Mondays.
        assert_eq!(d(ascension).weekday(), chrono::Weekday::Thu);
        assert_eq!(d(whit).weekday(), chrono::Weekday::Mon);
        assert_eq!(d(monday).weekday(), chrono::Weekday::Mon);
        // Nothing else: the day after Whit Monday and Good Friday are working days.
        assert!(!is_holiday(d(whit).succ_opt().unwrap(), Region::General));
        assert!(!is_holiday(
            d(monday) - chrono::Days::new(3),
            Region::General
        ));
    }
}

#[test]
fn dates_de_paques_connues() {
    for (year, date) in [
        (1818, "1818-03-22"),
        (1943, "1943-04-25"),
        (2000, "2000-04-23"),
        (2025, "2025-04-20"),
        (2026, "2026-04-05"),
        (2038, "2038-04-25"),
        (2285, "2285-03-22"),
    ] {
        assert_eq!(easter(year), d(date), "{year}");
    }
}

#[test]
fn veilles_de_jours_feries() {
    let eves = [
        "2026-05-13", // Ascension
        "2026-05-24", // Whit Monday
        "2026-05-07", // 8 May
        "2026-04-30", // 1 May
        "2026-04-05", // Easter Monday: Easter Sunday is its eve
        "2026-12-31", // 1 January of the next year
        "2026-07-13",
        "2026-12-24",
    ];
    for e in eves {
        assert!(is_holiday_eve(d(e), Region::General), "{e}");
    }
    for not in [
        "2026-05-14",
        "2026-05-25",
        "2026-05-12",
        "2026-04-02",
        "2026-06-01",
    ] {
        assert!(!is_holiday_eve(d(not), Region::General), "{not}");
    }
    // Alsace-Moselle adds Good Friday and 26 December.
    assert!(is_holiday_eve(d("2026-04-02"), Region::AlsaceMoselle));
    assert!(is_holiday_eve(d("2026-12-25"), Region::AlsaceMoselle));
    assert_eq!(
        holiday_name(d("2026-04-03"), Region::AlsaceMoselle),
        Some("Vendredi saint")
    );
    assert_eq!(holiday_name(d("2026-04-03"), Region::General), None);
}

#[test]
fn la_table_des_veilles_donne_la_meme_reponse() {
    let mut table = EveTable::new(2024, Region::General);
    let mut day = d("2024-01-01");
    while day < d("2031-01-01") {
        assert_eq!(
            table.is_eve(day),
            is_holiday_eve(day, Region::General),
            "{day}"
        );
        day = day.succ_opt().unwrap();
    }
}
