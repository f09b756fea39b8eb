//! The duty roster: which dentist is on call (garde) on which dates, from a
//! TOML file the CPTS keeps (`protocols/garde-exemple.toml` shows the form).

use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The largest roster file read (a year of duties is a few kilobytes).
const MAX_BYTES: usize = 1024 * 1024;

/// One on-duty period (inclusive dates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duty {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub dentist: String,
    pub address: String,
    pub phone: String,
}

/// The roster, validated: ranges in order, none reversed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roster {
    pub origin: String,
    /// The file says it is example data.
    pub example: bool,
    pub duties: Vec<Duty>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawRoster {
    #[serde(default)]
    example: bool,
    #[serde(default)]
    garde: Vec<RawDuty>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawDuty {
    #[serde(deserialize_with = "day")]
    from: NaiveDate,
    #[serde(deserialize_with = "day")]
    to: NaiveDate,
    dentist: String,
    address: String,
    phone: String,
}

/// A date written `"2026-12-19"` (as the example) or as TOML's own bare
/// date `2026-12-19`, which a person editing the file naturally writes.
fn day<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<NaiveDate, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Text(String),
        Toml(toml::value::Datetime),
    }
    let bad = || serde::de::Error::custom("une date AAAA-MM-JJ attendue");
    match Written::deserialize(d)? {
        Written::Text(t) => NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| bad()),
        Written::Toml(t) => match (t.date, t.time, t.offset) {
            (Some(x), None, None) => {
                NaiveDate::from_ymd_opt(x.year.into(), x.month.into(), x.day.into()).ok_or_else(bad)
            }
            _ => Err(bad()),
        },
    }
}

/// The bundled example (fictitious dentists), used by the kiosk until the
/// CPTS provides its own roster.
pub const EXAMPLE_TEXT: &str = include_str!("../../protocols/garde-exemple.toml");

impl Roster {
    pub fn parse(text: &str, origin: &str) -> Result<Roster> {
        if text.len() > MAX_BYTES {
            return Err(Error::input(
                "tableau de garde",
                format!("{origin} : fichier trop volumineux ({} octets)", text.len()),
            ));
        }
        let raw: RawRoster = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .and_then(|s| text.get(..s.start))
                .map(|before| {
                    let line = before.matches('\n').count() + 1;
                    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                    format!(":{line}:{col}")
                })
                .unwrap_or_default();
            Error::input(
                "tableau de garde",
                format!(
                    "{origin}{at} : {} — corrigez le fichier (voir protocols/garde-exemple.toml)",
                    crate::protocol::toml_message_fr(e.message())
                ),
            )
        })?;
        let mut duties = Vec::new();
        for (i, d) in raw.garde.into_iter().enumerate() {
            if d.to < d.from {
                return Err(Error::input(
                    "tableau de garde",
                    format!(
                        "{origin} : garde n° {} ({}) se termine avant de commencer",
                        i + 1,
                        d.dentist
                    ),
                ));
            }
            let field = |what: &str, v: &str, max: usize| {
                crate::text::required_line(
                    &format!("{origin} : garde n° {} : {what}", i + 1),
                    v,
                    max,
                )
                .map_err(|e| match e {
                    Error::Input { field, message } => {
                        Error::input("tableau de garde", format!("{field} : {message}"))
                    }
                    other => other,
                })
            };
            duties.push(Duty {
                from: d.from,
                to: d.to,
                dentist: field("nom du dentiste", &d.dentist, crate::text::NAME_MAX)?,
                address: field("adresse", &d.address, crate::text::ADDRESS_MAX)?,
                phone: field("téléphone", &d.phone, crate::text::PHONE_MAX)?,
            });
        }
        Ok(Roster {
            origin: origin.to_string(),
            example: raw.example,
            duties,
        })
    }

    /// Reads a roster file. A missing file is not an error: there is simply
    /// no on-duty dentist to print (`Ok(None)`); an unreadable or malformed
    /// one is.
    pub fn load(path: &Path) -> Result<Option<Roster>> {
        match crate::files::read_limited(path, MAX_BYTES as u64)
            .and_then(|b| String::from_utf8(b).map_err(|_| std::io::ErrorKind::InvalidData.into()))
        {
            Ok(text) => Roster::parse(&text, &path.display().to_string()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io("impossible de lire le tableau de garde", path, e)),
        }
    }

    pub fn example() -> Roster {
        Roster::parse(EXAMPLE_TEXT, "protocols/garde-exemple.toml")
            .expect("the bundled roster is valid")
    }

    /// The roster a device uses: the one its CPTS bundle carries, else
    /// `garde.toml` in its data folder, else none.
    pub fn for_device(
        data_dir: &Path,
        registry: &crate::registry::Registry,
    ) -> Result<Option<Roster>> {
        if let Some(text) = registry
            .attachment
            .as_ref()
            .and_then(|a| a.roster.as_deref())
        {
            return Roster::parse(text, "tableau de garde de la CPTS").map(Some);
        }
        Roster::load(&data_dir.join("garde.toml"))
    }

    /// The roster as a `garde.toml` text: what the CPTS records and sends,
    /// whether it came from a file or from the table of the coordinator's
    /// window (read back by [`Roster::parse`], so both are checked alike).
    pub fn to_toml(&self) -> Result<String> {
        let raw = RawRoster {
            example: self.example,
            garde: self
                .duties
                .iter()
                .map(|d| RawDuty {
                    from: d.from,
                    to: d.to,
                    dentist: d.dentist.clone(),
                    address: d.address.clone(),
                    phone: d.phone.clone(),
                })
                .collect(),
        };
        toml::to_string(&raw)
            .map_err(|e| Error::input("tableau de garde", format!("impossible de l'écrire : {e}")))
    }

    /// Two duties sharing a day, and the earliest such day. Sorted by start,
    /// each duty is compared with the one reaching furthest before it:
    /// O(n log n).
    pub fn first_overlap(&self) -> Option<(usize, usize, NaiveDate)> {
        let mut order: Vec<usize> = (0..self.duties.len()).collect();
        order.sort_by_key(|&i| (self.duties[i].from, i));
        let mut reach: Option<usize> = None;
        for &i in &order {
            let d = &self.duties[i];
            if let Some(r) = reach
                && self.duties[r].to >= d.from
            {
                return Some((r.min(i), r.max(i), d.from));
            }
            if reach.is_none_or(|r| d.to > self.duties[r].to) {
                reach = Some(i);
            }
        }
        None
    }

    /// The dentist on duty on `day`, if the roster covers it.
    pub fn on_duty(&self, day: NaiveDate) -> Option<&Duty> {
        self.duties.iter().find(|d| d.from <= day && day <= d.to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_tableau_exemple_se_lit_et_couvre_ses_dates() {
        let r = Roster::example();
        assert!(r.example);
        let d = &r.duties[0];
        assert_eq!(r.on_duty(d.from), Some(d));
        assert_eq!(r.on_duty(d.to), Some(d));
        assert_eq!(
            r.on_duty(NaiveDate::from_ymd_opt(2001, 1, 1).unwrap()),
            None
        );
    }

    #[test]
    fn le_tableau_ecrit_se_relit_a_l_identique() {
        let r = Roster::example();
        let text = r.to_toml().unwrap();
        let again = Roster::parse(&text, r.origin.as_str()).unwrap();
        assert_eq!(again, r);
        let odd = Roster {
            origin: "fenêtre".into(),
            example: false,
            duties: vec![Duty {
                from: NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 12, 26).unwrap(),
                dentist: "Dr « Le Gall » \\ \"Noël\"".into(),
                address: "1 rue d'Été, Niort".into(),
                phone: "05 49 00 00 00".into(),
            }],
        };
        let text = odd.to_toml().unwrap();
        assert_eq!(Roster::parse(&text, "fenêtre").unwrap(), odd);
    }

    fn duty(from: (u32, u32), to: (u32, u32)) -> Duty {
        let d = |(m, j)| NaiveDate::from_ymd_opt(2026, m, j).unwrap();
        Duty {
            from: d(from),
            to: d(to),
            dentist: "Dr A".into(),
            address: "x".into(),
            phone: "1".into(),
        }
    }

    #[test]
    fn deux_gardes_le_meme_jour_sont_trouvees() {
        let r = |duties| Roster {
            origin: String::new(),
            example: false,
            duties,
        };
        assert_eq!(
            r(vec![duty((12, 1), (12, 6)), duty((12, 7), (12, 7))]).first_overlap(),
            None
        );
        let day = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        assert_eq!(
            r(vec![duty((12, 20), (12, 20)), duty((12, 13), (12, 31))]).first_overlap(),
            Some((0, 1, day))
        );
        // A long duty covering later ones: the earliest day shared.
        let second = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            r(vec![
                duty((12, 20), (12, 21)),
                duty((12, 1), (12, 31)),
                duty((12, 2), (12, 2))
            ])
            .first_overlap(),
            Some((1, 2, second))
        );
        assert!(Roster::example().first_overlap().is_none());
    }

    #[test]
    fn une_date_toml_nue_se_lit_aussi() {
        let text = "[[garde]]\nfrom = 2026-12-19\nto = \"2026-12-20\"\ndentist = \"Dr A\"\naddress = \"x\"\nphone = \"1\"\n";
        let r = Roster::parse(text, "g.toml").unwrap();
        assert_eq!(
            r.duties[0].from,
            NaiveDate::from_ymd_opt(2026, 12, 19).unwrap()
        );
        for wrong in ["2026-12-19T10:00:00", "\"19/12/2026\"", "2026-02-30"] {
            let text = text.replace("2026-12-19", wrong);
            assert!(Roster::parse(&text, "g.toml").is_err(), "{wrong}");
        }
    }

    #[test]
    fn erreurs_nommees_avec_la_position() {
        let e = Roster::parse("[[garde]]\nfrom = \"2026-13-01\"\n", "g.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("g.toml:2:"), "{e}");
        let e = Roster::parse(
            "[[garde]]\nfrom = \"2026-11-02\"\nto = \"2026-11-01\"\ndentist = \"Dr A\"\naddress = \"x\"\nphone = \"1\"\n",
            "g.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("se termine avant de commencer"), "{e}");
    }
}
