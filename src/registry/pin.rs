//! PINs: at least 6 digits and not trivial when chosen (older 4-digit ones
//! still sign in), stored only as an argon2id hash (PHC string).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{Error, Result};

/// Wrong PINs in a row before the délégué is locked out for a while.
pub const PIN_MAX_FAILURES: u32 = 5;
/// How long a lock lasts.
pub const PIN_LOCK_MINUTES: i64 = 5;
/// Wrong PINs in a row that block the délégué until the CPTS reactivates
/// her (a new activation code): moving the clock or restarting does not
/// help, so a PIN can be guessed at most this many times.
pub const PIN_BLOCK_FAILURES: u32 = 10;
/// The shortest new PIN.
pub const PIN_MIN_DIGITS: usize = 6;

/// Checks the shape of a PIN typed by a user (the value itself is secret).
pub fn parse_pin(field: &str, pin: &str) -> Result<String> {
    let pin = pin.trim_end_matches(['\r', '\n']);
    // Older PINs had 4 digits: they still sign in until changed.
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::input(field, "un code PIN a de 4 à 12 chiffres"));
    }
    Ok(pin.to_string())
}

/// Checks a PIN being chosen: 6 to 12 digits and not one a stranger would
/// try first — a repeated digit (000000), a run up or down (123456,
/// 987654), a repeated pair or triple (121212, 123123).
pub fn parse_new_pin(field: &str, pin: &str) -> Result<String> {
    let pin = pin.trim_end_matches(['\r', '\n']);
    if !(PIN_MIN_DIGITS..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::input(
            field,
            format!("le nouveau code PIN doit avoir de {PIN_MIN_DIGITS} à 12 chiffres"),
        ));
    }
    if trivial(pin.as_bytes()) {
        return Err(Error::input(
            field,
            "code PIN trop facile à deviner (chiffre répété, suite, motif répété) : choisissez-en un autre",
        ));
    }
    Ok(pin.to_string())
}

fn trivial(d: &[u8]) -> bool {
    let periodic = |p: usize| d.len() >= 2 * p && d.iter().enumerate().all(|(i, b)| *b == d[i % p]);
    let run = |step: i16| {
        d.windows(2)
            .all(|w| i16::from(w[1]) - i16::from(w[0]) == step)
    };
    (1..=3).any(periodic) || run(1) || run(-1)
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
        assert!(parse_pin("--pin", "1234567890123").is_err());
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

    #[test]
    fn un_nouveau_code_pin_n_est_ni_court_ni_evident() {
        for bad in [
            "1234", "000000", "111111", "123456", "987654", "121212", "123123", "012345", "12345a",
        ] {
            assert!(parse_new_pin("PIN", bad).is_err(), "{bad}");
        }
        for good in ["274915", "830571", "1029384756"] {
            assert_eq!(parse_new_pin("PIN", good).unwrap(), good);
        }
    }
}
