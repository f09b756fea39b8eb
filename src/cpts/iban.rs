//! Bank accounts the CPTS pays to: an IBAN checked by its ISO 13616 key
//! (mod 97) and, for France, its length; a BIC checked by its shape (ISO
//! 9362). Parsed once, from what a person typed (spaces, lower case).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A checked IBAN, stored without spaces (`FR7630006000011234567890189`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Iban(String);

/// The IBAN lengths of the SEPA countries a French CPTS meets most; others
/// are checked by their key and the general bounds (15 to 34).
const LENGTHS: [(&str, usize); 8] = [
    ("FR", 27),
    ("MC", 27),
    ("BE", 16),
    ("DE", 22),
    ("ES", 24),
    ("IT", 27),
    ("LU", 20),
    ("CH", 21),
];

impl Iban {
    pub fn parse(field: &str, typed: &str) -> Result<Iban> {
        let s: String = typed
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bad = |why: String| Err(Error::input(field, why));
        if s.is_empty() {
            return bad("IBAN vide : recopiez-le depuis le RIB (FR76 …)".into());
        }
        if let Some(c) = s.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return bad(format!(
                "IBAN : caractère « {c} » inattendu ; seuls des lettres et des chiffres"
            ));
        }
        let mut chars = s.chars();
        let country: String = chars.by_ref().take(2).collect();
        let check: String = chars.take(2).collect();
        if country.len() < 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            return bad("un IBAN commence par les deux lettres du pays (FR pour la France)".into());
        }
        if check.len() < 2 || !check.chars().all(|c| c.is_ascii_digit()) {
            return bad("un IBAN a deux chiffres de contrôle après le pays (FR76 …)".into());
        }
        // 00, 01 and 99 are never computed (ISO 13616): mod 97 alone
        // would take 01 for 98 and 99 for 02.
        if matches!(check.as_str(), "00" | "01" | "99") {
            return bad(format!(
                "IBAN erroné : « {check} » n'est jamais une clé de contrôle (un chiffre mal recopié ?)"
            ));
        }
        let len = s.chars().count();
        if let Some((_, want)) = LENGTHS.iter().find(|(c, _)| *c == country)
            && len != *want
        {
            return bad(format!(
                "un IBAN {country} a {want} caractères, celui-ci en a {len} : un caractère manque ou est en trop"
            ));
        }
        if !(15..=34).contains(&len) {
            return bad(format!(
                "un IBAN a de 15 à 34 caractères, celui-ci en a {len}"
            ));
        }
        if mod97(&s) != 1 {
            return bad(
                "IBAN erroné : sa clé de contrôle ne correspond pas (un chiffre mal recopié ?)"
                    .into(),
            );
        }
        Ok(Iban(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn country(&self) -> &str {
        self.0.get(..2).unwrap_or("")
    }

    /// Only the last four characters shown: enough to tell accounts apart
    /// on a screen or in a list.
    pub fn masked(&self) -> String {
        let n = self.0.chars().count();
        let tail: String = self.0.chars().skip(n.saturating_sub(4)).collect();
        format!("{} •••• {tail}", self.country())
    }
}

/// ISO 7064 mod 97-10 of the IBAN, its first four characters moved to the
/// end and letters read as 10…35, computed digit by digit (no big integer).
fn mod97(s: &str) -> u32 {
    let (head, tail) = s.split_at(4.min(s.len()));
    let mut r: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return 0,
        };
        r = if v >= 10 {
            (r * 100 + v) % 97
        } else {
            (r * 10 + v) % 97
        };
    }
    r
}

impl fmt::Display for Iban {
    /// Grouped by four, as on a RIB.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups: Vec<String> = self
            .0
            .as_bytes()
            .chunks(4)
            .map(|g| String::from_utf8_lossy(g).into_owned())
            .collect();
        f.write_str(&groups.join(" "))
    }
}

impl TryFrom<String> for Iban {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Iban, String> {
        Iban::parse("iban", &s).map_err(|e| e.to_string())
    }
}

impl From<Iban> for String {
    fn from(i: Iban) -> String {
        i.0
    }
}

/// A checked BIC: 8 or 11 characters, bank (4 letters), country (2
/// letters), place (2), branch (3, optional).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Bic(String);

impl Bic {
    pub fn parse(field: &str, typed: &str) -> Result<Bic> {
        let s: String = typed
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let len = s.chars().count();
        let b: Vec<char> = s.chars().collect();
        // ISO 9362 as pain.001's schema spells it: [A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?
        let upper = |c: &char| c.is_ascii_uppercase() || c.is_ascii_digit();
        let shaped = (len == 8 || len == 11)
            && b.iter().all(upper)
            && b.iter().take(6).all(|c| c.is_ascii_uppercase())
            && b.get(6)
                .is_some_and(|c| c.is_ascii_uppercase() || ('2'..='9').contains(c))
            && b.get(7).is_some_and(|c| *c != 'O');
        if !shaped {
            return Err(Error::input(
                field,
                format!(
                    "BIC « {} » : 8 ou 11 caractères, dont 4 lettres de la banque et 2 du pays (BNPAFRPPXXX)",
                    crate::text::quote(typed.trim())
                ),
            ));
        }
        Ok(Bic(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Bic {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Bic, String> {
        Bic::parse("bic", &s).map_err(|e| e.to_string())
    }
}

impl From<Bic> for String {
    fn from(b: Bic) -> String {
        b.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published examples (banks' and the ECBS's) and real-shaped French
    /// IBANs whose key was computed independently.
    const VALID: [&str; 6] = [
        "FR14 2004 1010 0505 0001 3M02 606",
        "FR76 3000 6000 0112 3456 7890 189",
        "fr7630001007941234567890185",
        "DE89 3704 0044 0532 0130 00",
        "BE68 5390 0754 7034",
        "GB82 WEST 1234 5698 7654 32",
    ];

    #[test]
    fn known_valid_ibans_are_accepted_and_kept_without_spaces() {
        for s in VALID {
            let i = Iban::parse("--iban", s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert!(!i.as_str().contains(' '));
            assert_eq!(Iban::parse("--iban", &i.to_string()).unwrap(), i);
        }
        let i = Iban::parse("--iban", VALID[1]).unwrap();
        assert_eq!(i.to_string(), "FR76 3000 6000 0112 3456 7890 189");
        assert_eq!(i.masked(), "FR •••• 0189");
    }

    #[test]
    fn every_single_digit_typo_of_a_french_iban_is_refused() {
        let good = "FR7630006000011234567890189";
        let mut tried = 0;
        for (i, c) in good.char_indices().skip(2) {
            for d in '0'..='9' {
                if d == c {
                    continue;
                }
                let mut typo = good.to_string();
                typo.replace_range(i..i + 1, &d.to_string());
                tried += 1;
                assert!(Iban::parse("--iban", &typo).is_err(), "{typo} accepted");
            }
        }
        assert_eq!(tried, 25 * 9);
        // Two adjacent digits swapped: caught too (mod 97).
        let swapped = "FR7630006000011234567890819";
        assert!(Iban::parse("--iban", swapped).is_err());
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        let said = |s: &str| Iban::parse("--iban", s).unwrap_err().to_string();
        assert!(said("").contains("IBAN vide"));
        assert!(said("FR76-3000").contains("caractère « - »"));
        assert!(said("7630006000011234567890189").contains("deux lettres du pays"));
        assert!(said("FRXX30006000011234567890189").contains("deux chiffres de contrôle"));
        assert!(
            said("FR763000600001123456789018")
                .contains("un IBAN FR a 27 caractères, celui-ci en a 26")
        );
        assert!(said("FR7630006000011234567890188").contains("clé de contrôle"));
        assert!(said("XX12").contains("de 15 à 34"));
        // Same mod 97 as the valid FR98… and FR02… keys, never issued.
        assert!(said("FR0130006000011234500000075").contains("« 01 » n'est jamais une clé"));
        assert!(said("FR76 3000 6000 0112 3456 7890 18é").contains("caractère « é »"));
    }

    #[test]
    fn bics_of_8_and_11_characters() {
        assert_eq!(
            Bic::parse("--bic", "bnpa fr pp").unwrap().as_str(),
            "BNPAFRPP"
        );
        assert_eq!(
            Bic::parse("--bic", "BNPAFRPPXXX").unwrap().as_str(),
            "BNPAFRPPXXX"
        );
        for bad in [
            "BNPAFRP",
            "BNPAFRPPXX",
            "BNP1FRPP",
            "BNPAF1PP",
            "BNPA-RPP",
            "BNPAFR1PXXX",
            "BNPAFRPO",
        ] {
            assert!(Bic::parse("--bic", bad).is_err(), "{bad}");
        }
    }
}
