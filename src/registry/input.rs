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
