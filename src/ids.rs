//! French health identifiers: RPPS, FINESS and NIR, with their check keys.
//!
//! Sources: ANS, « Répertoire partagé des professionnels de santé » (RPPS:
//! 11 digits, the last a Luhn key); FINESS (9 characters, Luhn key, treated as
//! a warning by validators); INSEE NIR key = 97 − (first 13 digits mod 97).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an identifier was refused, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdProblem {
    Length { expected: usize, got: usize },
    NotDigits,
    CheckKey,
}

impl fmt::Display for IdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdProblem::Length { expected, got } => {
                write!(f, "{expected} chiffres attendus, {got} saisis")
            }
            IdProblem::NotDigits => f.write_str("seuls des chiffres sont attendus"),
            IdProblem::CheckKey => {
                f.write_str("la clé de contrôle ne correspond pas : vérifiez chaque chiffre")
            }
        }
    }
}

/// Luhn checksum over decimal digits: true when the last digit is a valid key.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Removes the spaces people type inside long numbers.
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// An RPPS number whose Luhn key has been checked.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rpps(String);

impl Rpps {
    pub fn parse(s: &str) -> Result<Rpps, IdProblem> {
        let s = compact(s);
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdProblem::NotDigits);
        }
        if s.len() != 11 {
            return Err(IdProblem::Length {
                expected: 11,
                got: s.len(),
            });
        }
        if !luhn_valid(&s) {
            return Err(IdProblem::CheckKey);
        }
        Ok(Rpps(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Rpps {
    /// Parses an RPPS a user typed; the error names `field` and quotes the
    /// input harmlessly.
    pub fn parse_field(field: &str, s: &str) -> crate::Result<Rpps> {
        let s = s.trim();
        Rpps::parse(s).map_err(|p| {
            crate::error::Error::input(
                field,
                format!("RPPS « {} » invalide : {p}", crate::text::quote(s)),
            )
        })
    }
}

impl TryFrom<String> for Rpps {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Rpps::parse(&s).map_err(|p| format!("RPPS « {} » invalide : {p}", crate::text::quote(&s)))
    }
}

impl From<Rpps> for String {
    fn from(r: Rpps) -> String {
        r.0
    }
}

impl fmt::Display for Rpps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A FINESS number: 9 characters (digits, or 2A/2B for Corsica).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finess {
    pub number: String,
    /// False when the Luhn key does not match: kept, but shown as a warning,
    /// because some valid establishments do not follow the key.
    pub key_ok: bool,
}

impl Finess {
    pub fn parse(s: &str) -> Result<Finess, IdProblem> {
        let s = compact(s).to_ascii_uppercase();
        if s.chars().count() != 9 {
            return Err(IdProblem::Length {
                expected: 9,
                got: s.chars().count(),
            });
        }
        let digits = corsica_to_digits(&s).ok_or(IdProblem::NotDigits)?;
        Ok(Finess {
            key_ok: luhn_valid(&digits),
            number: s,
        })
    }
}

fn corsica_to_digits(s: &str) -> Option<String> {
    let digits = if let Some(rest) = s.strip_prefix("2A") {
        format!("20{rest}")
    } else if let Some(rest) = s.strip_prefix("2B") {
        format!("20{rest}")
    } else {
        s.to_string()
    };
    digits.bytes().all(|b| b.is_ascii_digit()).then_some(digits)
}

/// Checks a NIR (social security number, 15 characters with its key).
/// protocoop does not store NIRs; this exists for imports that carry one.
pub fn nir_valid(s: &str) -> Result<(), IdProblem> {
    let s = compact(s).to_ascii_uppercase();
    if s.len() != 15 {
        return Err(IdProblem::Length {
            expected: 15,
            got: s.len(),
        });
    }
    let (body, key) = s.split_at(13);
    // Corsica: 2A → 19, 2B → 18 in the key computation (INSEE).
    let body = body.replacen("2A", "19", 1).replacen("2B", "18", 1);
    let body: u64 = body.parse().map_err(|_| IdProblem::NotDigits)?;
    let key: u64 = key.parse().map_err(|_| IdProblem::NotDigits)?;
    if 97 - body % 97 == key {
        Ok(())
    } else {
        Err(IdProblem::CheckKey)
    }
}

/// A patient's phone number, for the follow-up call: a French number of
/// ten digits (`06 12 34 56 78`, `+33 6 12 34 56 78`, dots or dashes
/// allowed) written back as `06 12 34 56 78`, or an international one
/// (`+` and 8 to 15 digits) kept as typed. `None` when blank.
pub fn patient_phone(field: &str, s: &str) -> crate::error::Result<Option<String>> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let refuse = || {
        crate::error::Error::input(
            field,
            format!(
                "« {} » : numéro à 10 chiffres attendu (06 12 34 56 78), ou +… pour l'étranger",
                crate::text::quote(t)
            ),
        )
    };
    if t.chars().count() > crate::text::PHONE_MAX
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '+'))
    {
        return Err(refuse());
    }
    let plus = t.starts_with('+');
    if t.chars().skip(1).any(|c| c == '+') {
        return Err(refuse());
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let national = match (plus, digits.strip_prefix("33")) {
        (false, _) if digits.len() == 10 && digits.starts_with('0') => Some(digits.clone()),
        (true, Some(rest)) if rest.len() == 9 => Some(format!("0{rest}")),
        (true, Some(rest)) if rest.len() == 10 && rest.starts_with('0') => Some(rest.to_string()),
        _ => None,
    };
    match national {
        Some(n) if !n.starts_with("00") => {
            let pairs: Vec<&str> = n
                .as_bytes()
                .chunks(2)
                .filter_map(|c| std::str::from_utf8(c).ok())
                .collect();
            Ok(Some(pairs.join(" ")))
        }
        Some(_) => Err(refuse()),
        None if plus && (8..=15).contains(&digits.len()) => Ok(Some(format!("+{digits}"))),
        None => Err(refuse()),
    }
}

/// A French postal code: five digits.
pub fn postal_code_valid(s: &str) -> bool {
    s.len() == 5 && s.bytes().all(|b| b.is_ascii_digit())
}

/// An id as protocol files and reports allow it (a plan's call, a
/// questionnaire's question): short, plain ASCII, no spaces.
pub fn plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpps_known_valid_example() {
        assert_eq!(Rpps::parse("10005173140").unwrap().as_str(), "10005173140");
        assert_eq!(
            Rpps::parse("100 0517 3140").unwrap().as_str(),
            "10005173140"
        );
    }

    #[test]
    fn rpps_every_single_digit_change_is_caught() {
        let good = "10005173140";
        for pos in 0..11 {
            for d in b'0'..=b'9' {
                let mut bad = good.as_bytes().to_vec();
                if bad[pos] == d {
                    continue;
                }
                bad[pos] = d;
                let bad = String::from_utf8(bad).unwrap();
                assert_eq!(Rpps::parse(&bad), Err(IdProblem::CheckKey), "{bad}");
            }
        }
    }

    #[test]
    fn rpps_shape_errors() {
        assert_eq!(
            Rpps::parse("1000517314"),
            Err(IdProblem::Length {
                expected: 11,
                got: 10
            })
        );
        assert_eq!(Rpps::parse("1000517314A"), Err(IdProblem::NotDigits));
    }

    #[test]
    fn finess_key_is_a_warning_not_an_error() {
        // 790000012 follows the Luhn key; 790000013 does not.
        assert!(luhn_valid("790000012"));
        assert!(Finess::parse("790000012").unwrap().key_ok);
        assert!(!Finess::parse("790000013").unwrap().key_ok);
        assert!(Finess::parse("2A0000012").is_ok());
        assert!(Finess::parse("79000001").is_err());
        assert!(Finess::parse("79000001X").is_err());
    }

    #[test]
    fn nir_test_vector() {
        assert_eq!(nir_valid("2 55 08 14 168 025 38"), Ok(()));
        assert_eq!(nir_valid("2 55 08 14 168 025 39"), Err(IdProblem::CheckKey));
    }

    #[test]
    fn postal_codes() {
        assert!(postal_code_valid("79500"));
        assert!(!postal_code_valid("7950"));
        assert!(!postal_code_valid("2A000"));
    }
}
