//! The duty roster: which dentist is on call (garde) on which dates, from a
//! TOML file the CPTS keeps (`protocols/garde-exemple.toml` shows the form).

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRoster {
    #[serde(default)]
    example: bool,
    #[serde(default)]
    garde: Vec<RawDuty>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDuty {
    from: NaiveDate,
    to: NaiveDate,
    dentist: String,
    address: String,
    phone: String,
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
