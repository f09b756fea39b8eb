//! One-time activation codes (the CPTS gives one to a délégué so that she
//! sets her PIN herself) and Crockford base32.
//!
//! A code is 12 characters (60 random bits), shown `K7QP-2MXD-94TA`. Only
//! its salted Argon2id hash travels in the bundle: a copy of the bundle
//! does not give the code.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{Error, Result};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Crockford base32 of `bytes` (5 bits a character, no padding).
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// What a person typed, reduced to the code's characters: case, spaces and
/// dashes ignored; O read as 0, I and L as 1 (Crockford).
pub fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// A new activation code, as shown to the délégué.
pub fn new_code() -> Result<String> {
    let bytes: [u8; 8] = super::random()?;
    let text = base32(&bytes);
    Ok(group(text.get(..12).unwrap_or(&text)))
}

/// The salted hash that travels in the bundle.
pub fn hash_code(code: &str) -> Result<String> {
    Argon2::default()
        .hash_password(normalise(code).as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Storage(format!("empreinte du code d'activation impossible : {e}")))
}

/// Whether `typed` is the code behind `hash` (the same cost checks as a PIN).
pub fn code_matches(typed: &str, hash: &str) -> bool {
    let code = normalise(typed);
    if code.len() != 12 || !code.bytes().all(|b| ALPHABET.contains(&b)) {
        return false;
    }
    let Ok(parsed) = argon2::PasswordHash::new(hash) else {
        return false;
    };
    let Ok(params) = argon2::Params::try_from(&parsed) else {
        return false;
    };
    if !cost_is_ours(&params) {
        return false;
    }
    Argon2::default()
        .verify_password(code.as_bytes(), hash)
        .is_ok()
}

/// Whether a stored Argon2 hash asks for no more than 4 × our own cost: a
/// hash edited to ask for billions of passes or gigabytes must not hang or
/// exhaust the device; it simply never matches.
pub fn cost_is_ours(params: &argon2::Params) -> bool {
    let d = argon2::Params::DEFAULT;
    params.m_cost() <= 4 * d.m_cost()
        && params.t_cost() <= 4 * d.t_cost()
        && params.p_cost() <= 4 * d.p_cost()
}

/// `ABCDEFGH…` → `ABCD-EFGH-…`.
pub fn group(s: &str) -> String {
    s.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_people_type_them() {
        let code = new_code().unwrap();
        assert_eq!(code.len(), 14, "{code}");
        let hash = hash_code(&code).unwrap();
        assert!(!hash.contains(&normalise(&code)));
        assert!(code_matches(&code.to_lowercase().replace('-', " "), &hash));
        assert!(!code_matches("0000-0000-0000", &hash));
        assert_eq!(normalise("k7qp-2mxd-94ta"), "K7QP2MXD94TA");
        assert_eq!(normalise("O1IL"), "0111");
        assert_eq!(base32(&[0xff, 0xff]), "ZZZG");
    }
}
