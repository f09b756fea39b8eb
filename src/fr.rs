//! French formats users live with: `1 000`, `10,00 €`, `23/11/2026`, `14:05`,
//! in the Europe/Paris time zone.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

use crate::protocol::Fixed;

/// No-break space: between thousands, and before « € », « % », « : ».
pub const NBSP: char = '\u{a0}';

/// An integer with thousands separated: `3 000`.
pub fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(NBSP);
        }
        out.push(c);
    }
    out
}

/// Cents as euros: `10,00 €`, `1 250,50 €`.
pub fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{},{:02}{NBSP}€", int(abs / 100), abs % 100)
}

/// The first letter in upper case: « Octobre 2026 », a message's start.
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// An operating-system error in French (the standard library's wording is
/// English): what happened, never a raw « os error 2 ».
pub fn io_error(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let text = match e.kind() {
        K::NotFound => "introuvable",
        K::PermissionDenied => "accès refusé (droits insuffisants)",
        K::AlreadyExists => "existe déjà",
        K::IsADirectory => "c'est un dossier, pas un fichier",
        K::NotADirectory => "un élément du chemin n'est pas un dossier",
        K::DirectoryNotEmpty => "le dossier n'est pas vide",
        K::StorageFull | K::QuotaExceeded => "disque plein",
        K::ReadOnlyFilesystem => "disque en lecture seule",
        K::FileTooLarge => "fichier trop volumineux",
        K::InvalidData => "contenu illisible (ce n'est pas du texte UTF-8 ?)",
        K::UnexpectedEof => "fichier incomplet",
        K::BrokenPipe => "la sortie a été fermée",
        K::Interrupted => "opération interrompue",
        K::TimedOut | K::WouldBlock => "délai dépassé",
        K::OutOfMemory => "mémoire insuffisante",
        K::InvalidFilename => "nom de fichier invalide",
        K::CrossesDevices => "déplacement impossible d'un disque à l'autre",
        K::ResourceBusy | K::ExecutableFileBusy => "fichier occupé par un autre programme",
        K::StaleNetworkFileHandle => "fichier réseau devenu inaccessible",
        K::Unsupported => "opération non prise en charge par ce système",
        K::InvalidInput => "ce n'est pas un fichier ordinaire",
        _ => {
            return match e.raw_os_error() {
                Some(code) => format!("erreur du système (code {code})"),
                None => "erreur du système".to_string(),
            };
        }
    };
    text.to_string()
}

/// A rate in 0–1 as a percentage with one decimal: `12,5 %`.
pub fn percent(x: f64) -> String {
    format!("{:.1}{NBSP}%", x * 100.0).replace('.', ",")
}

/// A decimal with a comma: `38,5`, `32`.
pub fn decimal(x: Fixed) -> String {
    x.to_string().replace('.', ",")
}

/// `JJ/MM/AAAA`.
pub fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The Paris day of an instant, « 01/12/2026 ».
pub fn day_of(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris).format("%d/%m/%Y").to_string()
}

/// A UTC instant shown in Paris time: `23/11/2026 à 14:05`.
pub fn datetime(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris)
        .format("%d/%m/%Y à %H:%M")
        .to_string()
}

/// `11:05`, Paris time.
pub fn time(t: DateTime<Utc>) -> String {
    t.with_timezone(&Paris).format("%H:%M").to_string()
}

/// Today's date in Paris (the date on prescriptions and in file names).
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&Paris).date_naive()
}

/// `1 jour`, `5 jours`, `2 comprimés`: French plural for counts ≥ 2.
/// « de » before a word, elided before a vowel or a mute h: « d'octobre
/// 2026 », « de mai 2026 ».
pub fn de(word: &str) -> String {
    let elides = word
        .chars()
        .next()
        .is_some_and(|c| "aàâeéèêiîoôuûhAÀÂEÉÈÊIÎOÔUÛH".contains(c));
    if elides {
        format!("d'{word}")
    } else {
        format!("de {word}")
    }
}

/// A wait in words: « 30 secondes », « 4 minutes », « 1 heure ».
pub fn duration_seconds(seconds: i64) -> String {
    let s = seconds.max(1) as u64;
    if s < 120 {
        plural(s, "seconde", "secondes")
    } else if s < 3600 {
        plural(s.div_ceil(60), "minute", "minutes")
    } else {
        plural(s.div_ceil(3600), "heure", "heures")
    }
}

/// A day as typed: `23/11/2026`, `23112026` or `2026-11-23`.
pub fn parse_day(field: &str, s: &str) -> crate::error::Result<NaiveDate> {
    let s = s.trim();
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let parsed = if s.contains('-') {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    } else if digits.len() == 8 {
        NaiveDate::parse_from_str(&digits, "%d%m%Y").ok()
    } else {
        None
    };
    parsed.ok_or_else(|| crate::error::Error::input(field, unreadable_date(s, &digits)))
}

/// A date written in the expected form but that does not exist (31/02)
/// is named as such; anything else is asked again in the form expected.
fn unreadable_date(s: &str, digits: &str) -> String {
    let parts: Vec<u32> = if s.contains('-') {
        s.split('-').filter_map(|p| p.trim().parse().ok()).collect()
    } else if digits.len() == 8 {
        [digits.get(..2), digits.get(2..4), digits.get(4..)]
            .into_iter()
            .filter_map(|p| p?.parse().ok())
            .collect()
    } else {
        Vec::new()
    };
    if parts.len() == 3 {
        format!("le {s} n'existe pas dans le calendrier : vérifiez le jour et le mois")
    } else {
        format!("date « {s} » illisible : écrivez-la JJ/MM/AAAA, par exemple 02/03/1986")
    }
}

/// `1er`, `2e`, `3e`…: « injoignable au 3e essai ».
pub fn ordinal(n: u64) -> String {
    match n {
        1 => "1er".into(),
        n => format!("{}e", int(n)),
    }
}

pub fn plural(n: u64, singular: &str, plural: &str) -> String {
    format!("{} {}", int(n), if n >= 2 { plural } else { singular })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn de_is_elided_before_a_vowel() {
        assert_eq!(de("octobre 2026"), "d'octobre 2026");
        assert_eq!(de("avril 2026"), "d'avril 2026");
        assert_eq!(de("août 2026"), "d'août 2026");
        assert_eq!(de("mai 2026"), "de mai 2026");
        assert_eq!(de(""), "de ");
    }

    #[test]
    fn first_letters() {
        assert_eq!(capitalised("octobre 2026"), "Octobre 2026");
        assert_eq!(capitalised("écran"), "Écran");
        assert_eq!(capitalised(""), "");
    }

    #[test]
    fn numbers_and_money() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1\u{a0}000");
        assert_eq!(int(1234567), "1\u{a0}234\u{a0}567");
        assert_eq!(money(1000), "10,00\u{a0}€");
        assert_eq!(money(125050), "1\u{a0}250,50\u{a0}€");
        assert_eq!(money(5), "0,05\u{a0}€");
        assert_eq!(money(-1500), "-15,00\u{a0}€");
        assert_eq!(decimal(Fixed(38_500)), "38,5");
        assert_eq!(plural(1, "jour", "jours"), "1 jour");
        assert_eq!(plural(5, "jour", "jours"), "5 jours");
    }

    #[test]
    fn paris_time_follows_daylight_saving() {
        let summer = "2026-07-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let winter = "2026-12-01T12:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(datetime(summer), "01/07/2026 à 14:00");
        assert_eq!(datetime(winter), "01/12/2026 à 13:00");
    }
}
