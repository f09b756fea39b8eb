//! Turning what was typed into core values, with the French message the
//! kiosk shows when it cannot.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

use crate::act::{Patient, age_on};
use crate::error::{Error, Result};
use crate::ids::Rpps;
use crate::protocol::Fixed;
use crate::registry::{
    DelegantRecord, DelegueRecord, ProfessionalRecord, StructureRecord, hash_pin, parse_pin,
};

use super::state::{DelegantForm, DelegueForm, PatientForm, StructureForm};

/// `23/11/2026`, `23112026` or `2026-11-23`.
pub fn parse_date_fr(field: &str, s: &str) -> Result<NaiveDate> {
    let s = s.trim();
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let parsed = if s.contains('-') {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    } else if digits.len() == 8 {
        NaiveDate::parse_from_str(&digits, "%d%m%Y").ok()
    } else {
        None
    };
    parsed.ok_or_else(|| {
        Error::input(
            field,
            format!("date « {s} » illisible : écrivez-la JJ/MM/AAAA, par exemple 02/03/1986"),
        )
    })
}

/// `72`, `72,5` or `72.5`; empty means not given.
pub fn parse_number(field: &str, s: &str) -> Result<Option<f64>> {
    let s = s.trim().replace(',', ".");
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Some)
        .ok_or_else(|| Error::input(field, format!("« {s} » n'est pas un nombre")))
}

/// The Paris date of an instant (acts are dated in Paris time).
pub fn paris_day(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&Paris).date_naive()
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
    )
    .map_err(french_field)?;
    Ok((p, age_on(birth, today)))
}

/// The core names fields as in the JSON input (`patient.weight_kg`); the
/// kiosk shows the words on screen.
fn french_field(e: Error) -> Error {
    match e {
        Error::Input { field, message } => {
            let label = match field.as_str() {
                "patient.last_name" => "nom",
                "patient.first_name" => "prénom",
                "patient.birth_date" => "date de naissance",
                "patient.sex" => "sexe",
                "patient.weight_kg" => "poids",
                "patient.postal_code" => "code postal",
                other => other,
            };
            Error::input(label, message)
        }
        other => other,
    }
}

pub fn rpps(field: &str, s: &str) -> Result<Rpps> {
    Rpps::parse(s.trim()).map_err(|problem| {
        Error::input(field, format!("RPPS « {} » invalide : {problem}", s.trim()))
    })
}

pub fn structure(form: &StructureForm, now: DateTime<Utc>) -> Result<StructureRecord> {
    let required = |field: &str, v: &str| -> Result<String> {
        let v = v.trim();
        if v.is_empty() {
            return Err(Error::input(field, "champ obligatoire"));
        }
        Ok(v.to_string())
    };
    let postal_code = required("code postal de la structure", &form.postal_code)?;
    if !crate::ids::postal_code_valid(&postal_code) {
        return Err(Error::input(
            "code postal de la structure",
            format!("« {postal_code} » : cinq chiffres attendus"),
        ));
    }
    let phone = form.phone.trim();
    Ok(StructureRecord {
        v: 1,
        name: required("nom de la structure", &form.name)?,
        address: required("adresse de la structure", &form.address)?,
        postal_code,
        finess: None,
        phone: (!phone.is_empty()).then(|| phone.to_string()),
        recorded_at: now,
    })
}

/// A new délégué; the PIN is hashed here and never kept in clear.
pub fn delegue(form: &DelegueForm, now: DateTime<Utc>) -> Result<ProfessionalRecord> {
    let name = form.name.trim();
    if name.is_empty() {
        return Err(Error::input("nom du délégué", "champ obligatoire"));
    }
    let rpps = rpps("RPPS du délégué", &form.rpps)?;
    let trained_on = if form.trained_on.trim().is_empty() {
        None
    } else {
        let d = parse_date_fr("date de formation", &form.trained_on)?;
        if d > paris_day(now) {
            return Err(Error::input(
                "date de formation",
                "la formation doit avoir eu lieu : date dans le futur",
            ));
        }
        Some(d)
    };
    let pin = parse_pin("code PIN", &form.pin)?;
    if form.pin != form.pin_again {
        return Err(Error::input(
            "code PIN",
            "les deux codes PIN saisis sont différents",
        ));
    }
    Ok(ProfessionalRecord::Delegue(DelegueRecord {
        v: 1,
        rpps,
        name: name.to_string(),
        profession: form.profession,
        trained_on,
        pin_hash: hash_pin(&pin)?,
        active: true,
        recorded_at: now,
    }))
}

pub fn delegant(form: &DelegantForm, now: DateTime<Utc>) -> Result<ProfessionalRecord> {
    let name = form.name.trim();
    if name.is_empty() {
        return Err(Error::input("nom du délégant", "champ obligatoire"));
    }
    Ok(ProfessionalRecord::Delegant(DelegantRecord {
        v: 1,
        rpps: rpps("RPPS du délégant", &form.rpps)?,
        name: name.to_string(),
        address: None,
        phone: None,
        active: true,
        recorded_at: now,
    }))
}

/// A number typed on a question screen, as the protocol's fixed point.
pub fn fixed(field: &str, s: &str) -> Result<Option<Fixed>> {
    match parse_number(field, s)? {
        None => Ok(None),
        Some(x) => Fixed::from_f64(x)
            .map(Some)
            .ok_or_else(|| Error::input(field, format!("« {s} » : nombre hors limites"))),
    }
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
    fn numbers_with_a_comma() {
        assert_eq!(parse_number("poids", "72,5").unwrap(), Some(72.5));
        assert_eq!(parse_number("poids", " ").unwrap(), None);
        assert!(parse_number("poids", "abc").is_err());
    }
}
