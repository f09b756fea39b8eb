//! Numbers in French words, for secure prescriptions (palier-2 lines must
//! state quantities and durations in words: « trois jours »). Traditional
//! spelling: « vingt et un », « quatre-vingts », « deux cents », « mille ».

const UNITS: [&str; 17] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize",
];
const TENS: [&str; 7] = [
    "",
    "dix",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
];

/// `n` in French words, for every `u64` (amounts on a prescription are
/// small, but a stored or edited value is printed, never a panic).
pub fn in_words(n: u64) -> String {
    if n >= 1_000_000_000 {
        let milliards = n / 1_000_000_000;
        let rest = n % 1_000_000_000;
        let word = if milliards == 1 {
            "milliard"
        } else {
            "milliards"
        };
        let head = format!("{} {word}", in_words(milliards));
        return if rest == 0 {
            head
        } else {
            format!("{head} {}", in_words(rest))
        };
    }
    if n == 0 {
        return UNITS[0].to_string();
    }
    let millions = n / 1_000_000;
    let thousands = n / 1000 % 1000;
    let rest = n % 1000;
    let mut parts = Vec::new();
    if millions > 0 {
        let word = if millions == 1 { "million" } else { "millions" };
        parts.push(format!("{} {word}", below_1000(millions, false)));
    }
    match thousands {
        0 => {}
        1 => parts.push("mille".to_string()),
        t => parts.push(format!("{} mille", below_1000(t, true))),
    }
    if rest > 0 {
        parts.push(below_1000(rest, false));
    }
    parts.join(" ")
}

/// A count of units in words, with its unit: « deux comprimés », « un
/// comprimé et demi », « un demi-comprimé », « dix-sept virgule vingt-cinq
/// millilitres » (`unit`, `units`: singular and plural).
pub fn count_in_words(n: crate::protocol::Fixed, unit: &str, units: &str) -> String {
    let scale = crate::protocol::Fixed::SCALE;
    let (whole, frac) = (n.0.div_euclid(scale), n.0.rem_euclid(scale));
    let whole = u64::try_from(whole).unwrap_or(0);
    let name = |count: u64| if count >= 2 { units } else { unit };
    match frac {
        0 => format!("{} {}", in_words(whole), name(whole)),
        500 if whole == 0 => format!("un demi-{unit}"),
        500 => format!("{} {} et demi", in_words(whole), name(whole)),
        f => {
            // Thousandths as a person reads them: 0,25 → « vingt-cinq »,
            // 0,05 → « zéro cinq ».
            let digits = format!("{f:03}");
            let digits = digits.trim_end_matches('0');
            let zeros = digits.len() - digits.trim_start_matches('0').len();
            let rest: u64 = digits.parse().unwrap_or(0);
            let mut after = vec!["zéro"; zeros].join(" ");
            if !after.is_empty() {
                after.push(' ');
            }
            after.push_str(&in_words(rest));
            format!("{} virgule {after} {units}", in_words(whole))
        }
    }
}

/// 1–999. `before_mille`: « quatre-vingt mille », « deux cent mille »
/// (no plural s before « mille »).
fn below_1000(n: u64, before_mille: bool) -> String {
    let hundreds = n / 100;
    let rest = n % 100;
    let mut out = match hundreds {
        0 => String::new(),
        1 => "cent".to_string(),
        h if rest == 0 && !before_mille => format!("{} cents", UNITS[h as usize]),
        h => format!("{} cent", UNITS[h as usize]),
    };
    if rest > 0 {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&below_100(rest, before_mille));
    }
    out
}

fn below_100(n: u64, before_mille: bool) -> String {
    match n {
        0..=16 => UNITS[n as usize].to_string(),
        17..=19 => format!("dix-{}", UNITS[(n - 10) as usize]),
        20..=69 => {
            let (t, u) = (n / 10, n % 10);
            match u {
                0 => TENS[t as usize].to_string(),
                1 => format!("{} et un", TENS[t as usize]),
                _ => format!("{}-{}", TENS[t as usize], UNITS[u as usize]),
            }
        }
        70..=79 => match n {
            71 => "soixante et onze".to_string(),
            _ => format!("soixante-{}", below_100(n - 60, false)),
        },
        80 if before_mille => "quatre-vingt".to_string(),
        80 => "quatre-vingts".to_string(),
        _ => format!("quatre-vingt-{}", below_100(n - 80, false)),
    }
}

#[cfg(test)]
mod tests {
    use super::in_words;

    #[test]
    fn nombres_de_reference() {
        let cases = [
            (0, "zéro"),
            (1, "un"),
            (3, "trois"),
            (10, "dix"),
            (16, "seize"),
            (17, "dix-sept"),
            (21, "vingt et un"),
            (22, "vingt-deux"),
            (30, "trente"),
            (60, "soixante"),
            (70, "soixante-dix"),
            (71, "soixante et onze"),
            (72, "soixante-douze"),
            (77, "soixante-dix-sept"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (90, "quatre-vingt-dix"),
            (91, "quatre-vingt-onze"),
            (99, "quatre-vingt-dix-neuf"),
            (100, "cent"),
            (101, "cent un"),
            (180, "cent quatre-vingts"),
            (200, "deux cents"),
            (201, "deux cent un"),
            (500, "cinq cents"),
            (1000, "mille"),
            (1001, "mille un"),
            (2000, "deux mille"),
            (3000, "trois mille"),
            (80_000, "quatre-vingt mille"),
            (200_000, "deux cent mille"),
            (1_000_000, "un million"),
            (2_500_000, "deux millions cinq cent mille"),
        ];
        for (n, words) in cases {
            assert_eq!(in_words(n), words, "{n}");
        }
    }

    #[test]
    fn chaque_nombre_a_une_ecriture_unique_et_propre() {
        let mut seen = std::collections::HashSet::new();
        for n in 0..=100_000 {
            let w = in_words(n);
            assert!(
                !w.contains("  ") && !w.starts_with(' ') && !w.ends_with(' '),
                "{n}: «{w}»"
            );
            assert!(!w.contains("zéro") || n == 0, "{n}: {w}");
            assert!(seen.insert(w.clone()), "{n}: {w} en double");
        }
    }

    #[test]
    fn des_unites_en_toutes_lettres_entieres_demies_et_decimales() {
        use super::count_in_words;
        use crate::protocol::Fixed;
        let c = |milli: i64| count_in_words(Fixed(milli), "comprimé", "comprimés");
        assert_eq!(c(1000), "un comprimé");
        assert_eq!(c(2000), "deux comprimés");
        assert_eq!(c(500), "un demi-comprimé");
        assert_eq!(c(1500), "un comprimé et demi");
        assert_eq!(c(2500), "deux comprimés et demi");
        let ml = |milli: i64| count_in_words(Fixed(milli), "millilitre", "millilitres");
        assert_eq!(ml(17_250), "dix-sept virgule vingt-cinq millilitres");
        assert_eq!(ml(2_050), "deux virgule zéro cinq millilitres");
        assert_eq!(ml(300_000), "trois cents millilitres");
        // A hostile stored count prints something, never panics.
        assert!(!c(-1500).is_empty());
        assert!(c(i64::MAX).ends_with("comprimés"));
        assert!(!c(i64::MIN).is_empty());
    }

    #[test]
    fn tres_grands_nombres_sans_panique() {
        assert_eq!(in_words(1_000_000_000), "un milliard");
        assert_eq!(in_words(2_000_000_003), "deux milliards trois");
        assert!(in_words(u64::MAX).contains("milliards"));
    }
}
