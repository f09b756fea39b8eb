//! Turning what was typed into core values, with the French message the
//! kiosk shows when it cannot.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

use crate::act::{Doctor, Patient, age_on};
use crate::error::{Error, Result};
use crate::json_input::exact_decimal;
use crate::protocol::Fixed;
use crate::registry::input::{DelegantInput, DelegueInput, StructureInput};
use crate::registry::{self, ProfessionalRecord, StructureRecord};

use super::state::{DelegantForm, DelegueForm, PatientForm, StructureForm};

pub use crate::fr::parse_day as parse_date_fr;

/// `72`, `72,5` or `72.5`, exactly (never rounded); empty means not given.
pub fn parse_number(field: &str, s: &str) -> Result<Option<Fixed>> {
    let s = s.trim().replace(',', ".");
    if s.is_empty() {
        return Ok(None);
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return Err(Error::input(field, format!("« {s} » n'est pas un nombre")));
    }
    exact_decimal(&s)
        .map(Some)
        .ok_or_else(|| Error::input(field, format!("« {s} » : nombre illisible ou trop précis")))
}

/// The Paris date of an instant (acts are dated in Paris time).
pub fn paris_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Paris).date_naive()
}

/// The age shown while the birth date is typed, if it can be read yet.
pub fn typed_age(form: &PatientForm, now: DateTime<Utc>) -> Option<i64> {
    let birth = parse_date_fr("", &form.birth_date).ok()?;
    Some(age_on(birth, paris_day(now)))
}

/// The patient as typed, checked field by field; also returns the age today.
pub fn patient(form: &PatientForm, now: DateTime<Utc>) -> Result<(Patient, i64)> {
    let birth = parse_date_fr("date de naissance", &form.birth_date)?;
    let today = paris_day(now);
    if birth > today {
        return Err(Error::input(
            "date de naissance",
            "la date de naissance est dans le futur",
        ));
    }
    let sex = match form.sex {
        Some(crate::act::Sex::F) => "F",
        Some(crate::act::Sex::M) => "M",
        None => return Err(Error::input("sexe", "choisissez Femme ou Homme")),
    };
    let weight = parse_number("poids", &form.weight)?;
    let p = Patient::new(
        &form.last_name,
        &form.first_name,
        &birth.format("%Y-%m-%d").to_string(),
        sex,
        weight,
        &form.postal_code,
    )?
    .with_phone("téléphone", &form.phone)?;
    Ok((p, age_on(birth, today)))
}

/// The médecin traitant typed at Patient, if any.
pub fn doctor(form: &PatientForm) -> Result<Option<Doctor>> {
    Doctor::new(&form.doctor_name, &form.doctor_town).map_err(|e| match e {
        Error::Input { field, message } => Error::Input {
            field: if field.ends_with("town") {
                "commune du médecin traitant".into()
            } else {
                "médecin traitant".into()
            },
            message,
        },
        other => other,
    })
}

pub fn structure(form: &StructureForm, now: DateTime<Utc>) -> Result<StructureRecord> {
    let input = StructureInput {
        name: &form.name,
        address: &form.address,
        postal_code: &form.postal_code,
        finess: None,
        phone: Some(&form.phone),
    };
    registry::input::structure(&input, now)
}

/// A new délégué; the PIN is hashed by the core and never kept in clear.
pub fn delegue(form: &DelegueForm, now: DateTime<Utc>) -> Result<ProfessionalRecord> {
    let trained_on = if form.trained_on.trim().is_empty() {
        None
    } else {
        Some(parse_date_fr("date de formation", &form.trained_on)?)
    };
    let input = DelegueInput {
        name: &form.name,
        rpps: &form.rpps,
        profession: form.profession,
        trained_on,
        pin: &form.pin,
        pin_again: Some(&form.pin_again),
    };
    registry::input::delegue(&input, now).map(ProfessionalRecord::Delegue)
}

pub fn delegant(form: &DelegantForm, now: DateTime<Utc>) -> Result<ProfessionalRecord> {
    let input = DelegantInput {
        name: &form.name,
        rpps: &form.rpps,
        profession: Default::default(),
        address: None,
        phone: None,
    };
    registry::input::delegant(&input, now).map(ProfessionalRecord::Delegant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_french_order() {
        let d = NaiveDate::from_ymd_opt(1986, 3, 2).unwrap();
        assert_eq!(parse_date_fr("x", "02/03/1986").unwrap(), d);
        assert_eq!(parse_date_fr("x", "02031986").unwrap(), d);
        assert_eq!(parse_date_fr("x", "1986-03-02").unwrap(), d);
        let e = parse_date_fr("date de naissance", "2/3/86")
            .unwrap_err()
            .to_string();
        assert!(e.contains("JJ/MM/AAAA"), "{e}");
    }

    #[test]
    fn a_date_that_does_not_exist_is_named_as_such() {
        for s in [
            "31/02/2000",
            "31022000",
            "2000-02-31",
            "29/02/2023",
            "00/01/2000",
        ] {
            let e = parse_date_fr("date de naissance", s)
                .unwrap_err()
                .to_string();
            assert!(e.contains("n'existe pas dans le calendrier"), "{s}: {e}");
        }
        assert_eq!(
            parse_date_fr("x", "29/02/2024").unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
        );
        for s in ["2/3/86", "hier", "1986-03"] {
            let e = parse_date_fr("date de naissance", s)
                .unwrap_err()
                .to_string();
            assert!(e.contains("écrivez-la JJ/MM/AAAA"), "{s}: {e}");
        }
    }

    #[test]
    fn numbers_with_a_comma() {
        assert_eq!(parse_number("poids", "72,5").unwrap(), Some(Fixed(72_500)));
        assert!(parse_number("poids", "72,5004").is_err());
        assert!(parse_number("poids", "1e3").is_err());
        assert_eq!(parse_number("poids", " ").unwrap(), None);
        assert!(parse_number("poids", "abc").is_err());
    }
}
