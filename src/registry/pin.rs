//! PINs: 4 to 8 digits, stored only as an argon2id hash (PHC string).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{Error, Result};

/// Wrong PINs in a row before the délégué is locked out.
pub const PIN_MAX_FAILURES: u32 = 5;
/// How long a lock lasts.
pub const PIN_LOCK_MINUTES: i64 = 5;

/// Checks the shape of a PIN typed by a user (the value itself is secret).
pub fn parse_pin(field: &str, pin: &str) -> Result<String> {
    let pin = pin.trim_end_matches(['\r', '\n']);
    if !(4..=8).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::input(
            field,
            "le code PIN doit avoir de 4 à 8 chiffres",
        ));
    }
    Ok(pin.to_string())
}

/// An argon2id hash of the PIN with a random salt.
pub fn hash_pin(pin: &str) -> Result<String> {
    Argon2::default()
        .hash_password(pin.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| {
            Error::Storage(format!(
                "calcul de l'empreinte du code PIN impossible : {e}"
            ))
        })
}

/// True when `pin` matches the stored hash. The hash's own cost
/// parameters are checked first: a stored hash edited to ask for
/// billions of passes or gigabytes of memory must not hang or exhaust the
/// device at the next sign-in; it simply never matches.
pub fn verify_pin(pin: &str, hash: &str) -> bool {
    let Ok(parsed) = argon2::PasswordHash::new(hash) else {
        return false;
    };
    let Ok(params) = argon2::Params::try_from(&parsed) else {
        return false;
    };
    let d = argon2::Params::DEFAULT;
    if params.m_cost() > 4 * d.m_cost()
        || params.t_cost() > 4 * d.t_cost()
        || params.p_cost() > 4 * d.p_cost()
    {
        return false;
    }
    Argon2::default()
        .verify_password(pin.as_bytes(), hash)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_hashed_salted_and_verified() {
        let a = hash_pin("1234").unwrap();
        let b = hash_pin("1234").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "random salt");
        assert!(!a.contains("1234"));
        assert!(verify_pin("1234", &a));
        assert!(!verify_pin("1235", &a));
    }

    #[test]
    fn pin_shape() {
        assert_eq!(parse_pin("--pin", "0042\n").unwrap(), "0042");
        assert!(parse_pin("--pin", "123").is_err());
        assert!(parse_pin("--pin", "123456789").is_err());
        assert!(parse_pin("--pin", "12a4").is_err());
    }

    #[test]
    fn une_empreinte_aux_parametres_demesures_ne_correspond_jamais() {
        let h = hash_pin("1234").unwrap();
        assert!(verify_pin("1234", &h));
        let costly = h.replacen("t=2", "t=4294967295", 1);
        assert_ne!(costly, h);
        assert!(!verify_pin("1234", &costly), "refused without running");
        assert!(!verify_pin("1234", "pas une empreinte"));
    }
}
