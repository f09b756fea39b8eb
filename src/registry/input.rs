//! Registry records from what a person typed (the kiosk's forms, the
//! command line's options): every check in one place, so both shells refuse
//! the same things. Errors name fields by a neutral id (`delegue.name`);
//! each shell says them its own way (`--name`, « nom du délégué »).

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

use super::pin::{hash_pin, parse_new_pin};
use super::records::{
    DelegantProfession, DelegantRecord, DelegueRecord, Profession, StructureRecord,
};
use crate::error::{Error, Result};
use crate::ids::{Finess, Rpps, postal_code_valid};
use crate::text;

use super::Registry;

/// The structure as typed.
#[derive(Debug, Clone, Copy)]
pub struct StructureInput<'a> {
    pub name: &'a str,
    pub address: &'a str,
    pub postal_code: &'a str,
    pub finess: Option<&'a str>,
    pub phone: Option<&'a str>,
}

/// A délégué as typed; the training date already read in the shell's
/// format.
#[derive(Debug, Clone, Copy)]
pub struct DelegueInput<'a> {
    pub name: &'a str,
    pub rpps: &'a str,
    pub profession: Profession,
    pub trained_on: Option<NaiveDate>,
    pub pin: &'a str,
    /// The PIN typed a second time, where a form asks for it.
    pub pin_again: Option<&'a str>,
}

/// Who writes a délégué's record: the device's administrator (the command
/// line, run by whoever holds the structure's passphrase) or whoever is
/// signed in at the kiosk.
#[derive(Debug, Clone, Copy)]
pub enum Author<'a> {
    Administrator,
    Kiosk { signed_in: Option<&'a Rpps> },
}

/// A délégant as typed.
#[derive(Debug, Clone, Copy)]
pub struct DelegantInput<'a> {
    pub name: &'a str,
    pub rpps: &'a str,
    pub profession: DelegantProfession,
    pub address: Option<&'a str>,
    pub phone: Option<&'a str>,
}

fn postal_code(field: &str, s: &str) -> Result<String> {
    let s = s.trim();
    if !postal_code_valid(s) {
        let shown = text::quote(s);
        return Err(Error::input(
            field,
            format!("« {shown} » : cinq chiffres attendus"),
        ));
    }
    Ok(s.to_string())
}

pub fn structure(i: &StructureInput, now: DateTime<Utc>) -> Result<StructureRecord> {
    let finess = match i.finess.map(str::trim).filter(|f| !f.is_empty()) {
        None => None,
        Some(f) => Some(Finess::parse(f).map_err(|p| {
            Error::input(
                "structure.finess",
                format!("FINESS « {} » invalide : {p}", text::quote(f)),
            )
        })?),
    };
    Ok(StructureRecord {
        v: 1,
        name: text::name("structure.name", i.name)?,
        address: text::required_line("structure.address", i.address, text::ADDRESS_MAX)?,
        postal_code: postal_code("structure.postal_code", i.postal_code)?,
        finess,
        phone: text::optional_line("structure.phone", i.phone, text::PHONE_MAX)?,
        recorded_at: now,
    })
}

/// A new délégué; the PIN is hashed here and never kept in clear. A
/// training date after today is refused: the training must have taken
/// place.
pub fn delegue(i: &DelegueInput, now: DateTime<Utc>) -> Result<DelegueRecord> {
    let name = text::name("delegue.name", i.name)?;
    let rpps = Rpps::parse_field("delegue.rpps", i.rpps)?;
    if let Some(d) = i.trained_on
        && d > now.with_timezone(&Paris).date_naive()
    {
        return Err(Error::input(
            "delegue.trained_on",
            "la formation doit avoir eu lieu : date dans le futur",
        ));
    }
    if i.pin_again.is_some_and(|again| again != i.pin) {
        return Err(Error::input(
            "delegue.pin",
            "les deux codes PIN saisis sont différents",
        ));
    }
    let pin = parse_new_pin("delegue.pin", i.pin)?;
    Ok(DelegueRecord {
        v: 1,
        rpps,
        name,
        profession: i.profession,
        trained_on: i.trained_on,
        pin_hash: hash_pin(&pin)?,
        active: true,
        recorded_at: now,
    })
}

/// The latest record wins, PIN included: at the kiosk only the délégué
/// herself may replace her record, never a colleague signed in.
pub fn may_write(registry: &Registry, record: &DelegueRecord, by: Author) -> Result<()> {
    let Author::Kiosk { signed_in } = by else {
        return Ok(());
    };
    match registry.delegue_any(&record.rpps) {
        Some(existing) if signed_in != Some(&record.rpps) => Err(Error::input(
            "delegue.rpps",
            format!(
                "{} (RPPS {}) a déjà sa fiche sur cet appareil : seule cette personne peut la modifier, après identification avec son propre code PIN",
                existing.name, record.rpps
            ),
        )),
        _ => Ok(()),
    }
}

pub fn delegant(i: &DelegantInput, now: DateTime<Utc>) -> Result<DelegantRecord> {
    Ok(DelegantRecord {
        v: 1,
        rpps: Rpps::parse_field("delegant.rpps", i.rpps)?,
        name: text::name("delegant.name", i.name)?,
        address: text::optional_line("delegant.address", i.address, text::ADDRESS_MAX)?,
        phone: text::optional_line("delegant.phone", i.phone, text::PHONE_MAX)?,
        active: true,
        recorded_at: now,
        profession: i.profession,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::ProfessionalRecord;

    fn marie(pin: &str, again: Option<&str>) -> Result<DelegueRecord> {
        let input = DelegueInput {
            name: "Marie Durand",
            rpps: "10005173140",
            profession: Profession::Pharmacien,
            trained_on: None,
            pin,
            pin_again: again,
        };
        delegue(&input, Utc::now())
    }

    #[test]
    fn two_different_pins_are_refused_where_a_form_asks_twice() {
        let e = marie("482915", Some("482916")).unwrap_err().to_string();
        assert!(e.contains("différents"), "{e}");
        assert!(marie("482915", Some("482915")).is_ok());
        assert!(marie("482915", None).is_ok());
    }

    #[test]
    fn only_the_delegue_herself_rewrites_her_record_at_the_kiosk() {
        let first = marie("482915", None).unwrap();
        let mut registry = Registry::default();
        let other = Rpps::parse("10000000009").unwrap();
        let anyone = [
            Author::Kiosk { signed_in: None },
            Author::Kiosk {
                signed_in: Some(&other),
            },
            Author::Administrator,
        ];
        for by in anyone {
            assert!(may_write(&registry, &first, by).is_ok(), "{by:?}");
        }
        registry.apply_professional(ProfessionalRecord::Delegue(first.clone()));
        let again = marie("739164", None).unwrap();
        for by in &anyone[..2] {
            let e = may_write(&registry, &again, *by).unwrap_err().to_string();
            assert!(e.contains("seule cette personne"), "{by:?}: {e}");
        }
        let herself = Author::Kiosk {
            signed_in: Some(&first.rpps),
        };
        assert!(may_write(&registry, &again, herself).is_ok());
        assert!(may_write(&registry, &again, Author::Administrator).is_ok());
    }
}
