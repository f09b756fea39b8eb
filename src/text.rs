//! Free text typed by people (names, addresses, reasons, notes): how long
//! it may be and which characters it may hold, in one place for every shell.
//!
//! A name goes on a legal prescription and into terminals and reports, so
//! characters that change how *other* text reads are refused: control
//! characters (an ESC sequence clears a terminal), bidirectional overrides
//! (U+202E shows « Marie » for « eiraM ») and invisible ones (zero-width
//! spaces make two different names look alike).

use crate::error::{Error, Result};

/// A person's or a structure's name.
pub const NAME_MAX: usize = 80;
/// A postal address, on one line.
pub const ADDRESS_MAX: usize = 200;
/// A phone number as typed (spaces, dots, +33).
pub const PHONE_MAX: usize = 30;
/// A reason (voiding an act) or a follow-up note.
pub const NOTE_MAX: usize = 500;
/// Any text of a protocol or roster file (a question, an advice item).
pub const PROTOCOL_TEXT_MAX: usize = 2_000;

/// Why a character is refused, or `None` when it is fine on one line.
fn refused(c: char) -> Option<&'static str> {
    match c {
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some("caractère de contrôle du sens d'écriture"),
        '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' => {
            Some("caractère invisible")
        }
        '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}' => Some("séparateur invisible"),
        c if c.is_control() => Some("caractère de contrôle"),
        _ => None,
    }
}

/// Checks one line of text: trimmed, not longer than `max` characters,
/// with no refused character. Empty text is returned as is.
fn checked(field: &str, value: &str, max: usize, newlines: bool) -> Result<String> {
    let v = value.trim();
    let count = v.chars().count();
    if count > max {
        return Err(Error::input(
            field,
            format!("texte trop long : {count} caractères, au plus {max}"),
        ));
    }
    for c in v.chars() {
        if newlines && (c == '\n' || c == '\t') {
            continue;
        }
        if let Some(why) = refused(c) {
            return Err(Error::input(
                field,
                format!("{why} refusé (U+{:04X}) : retapez le texte", u32::from(c)),
            ));
        }
    }
    Ok(v.to_string())
}

/// A name (person, structure): required, at most [`NAME_MAX`] characters.
pub fn name(field: &str, value: &str) -> Result<String> {
    required_line(field, value, NAME_MAX)
}

/// A required line of text (an address): at most `max` characters, and
/// nothing the documents' font cannot print (registry text ends up on
/// prescriptions).
pub fn required_line(field: &str, value: &str, max: usize) -> Result<String> {
    let v = checked(field, value, max, false)?;
    if v.is_empty() {
        return Err(Error::input(field, "champ obligatoire"));
    }
    printable_by_font(field, &v)?;
    Ok(v)
}

/// An optional line of text: `None` when blank.
pub fn optional_line(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) => {
            let v = checked(field, v, max, false)?;
            printable_by_font(field, &v)?;
            Ok((!v.is_empty()).then_some(v))
        }
    }
}

/// A note that may span lines (a follow-up's text, a protocol's help).
pub fn note(field: &str, value: &str, max: usize) -> Result<String> {
    checked(field, value, max, true)
}

/// The name goes on a legal prescription: refuse what the embedded font
/// would print as blanks.
fn printable_by_font(field: &str, v: &str) -> Result<()> {
    let missing = crate::documents::fonts::missing_glyphs(v);
    if missing.is_empty() {
        return Ok(());
    }
    let chars: String = missing.iter().map(|c| format!("« {c} » ")).collect();
    Err(Error::input(
        field,
        format!(
            "caractères impossibles à imprimer sur l'ordonnance : {chars}— saisissez le texte en lettres latines"
        ),
    ))
}

/// Stored text made safe for a terminal or a one-line display: a refused
/// character (from a ledger written before these checks) shows as « � »
/// instead of acting on the terminal.
pub fn for_display(value: &str) -> String {
    value
        .chars()
        .map(|c| if refused(c).is_some() { '\u{FFFD}' } else { c })
        .collect()
}

/// The first `n` characters of `s` (a hash shown short): never slices
/// inside a character, never panics on a short or damaged value.
pub fn prefix(s: &str, n: usize) -> &str {
    s.char_indices()
        .nth(n)
        .map_or(s, |(i, _)| s.get(..i).unwrap_or(s))
}

/// `s` for comparing names as a person does: lower case, accents and
/// ligatures aside (« Hélène LE GALL » and « helene le gall » are the
/// same; « Œ » is « oe »).
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(s.len());
    for c in s
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
    {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}

/// A hash as a person reads it aloud: its first twelve characters in
/// capitals, in groups of four (`5A23-F3C7-1B2C`).
pub fn short_code(hash: &str) -> String {
    let head: Vec<char> = hash
        .chars()
        .take(12)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    head.chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Input echoed in a message: harmless (see [`for_display`]) and short, so
/// that a 100 000-character mistake does not flood the screen.
pub fn quote(value: &str) -> String {
    const SHOWN: usize = 40;
    let shown: String = for_display(value).chars().take(SHOWN).collect();
    if value.chars().count() > SHOWN {
        format!("{shown}…")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_as_a_person_reads_them() {
        assert_eq!(fold("Hélène LE-GALL"), "helene le-gall");
        assert_eq!(fold("Œdipe Çàïù"), "oedipe caiu");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn a_short_code_is_twelve_capitals_in_three_groups() {
        assert_eq!(short_code("5a23f3c71b2cdeadbeef"), "5A23-F3C7-1B2C");
        assert_eq!(short_code("5a23f"), "5A23-F");
        assert_eq!(short_code(""), "");
        assert_eq!(short_code("éàü"), "éàü", "a damaged value never panics");
    }

    #[test]
    fn names_refuse_what_changes_how_text_reads() {
        assert_eq!(name("nom", "  Marie Durand ").unwrap(), "Marie Durand");
        assert_eq!(
            name("nom", "Élodie N'Guessan-Dupré").unwrap(),
            "Élodie N'Guessan-Dupré"
        );
        for bad in [
            "Marie\u{1b}[2JDurand",
            "Marie\u{202E}Durand",
            "Ma\u{200B}rie",
            "Marie\u{7}",
            "Marie\nDurand",
            "Marie\u{2066}Durand",
            "Marie\u{FEFF}",
        ] {
            let e = name("nom", bad).unwrap_err();
            assert!(e.to_string().contains("refusé"), "{bad:?}: {e}");
        }
        let long = "M".repeat(NAME_MAX + 1);
        assert!(
            name("nom", &long)
                .unwrap_err()
                .to_string()
                .contains("trop long")
        );
        assert!(name("nom", &"M".repeat(NAME_MAX)).is_ok());
        assert!(
            name("nom", "   ")
                .unwrap_err()
                .to_string()
                .contains("obligatoire")
        );
    }

    #[test]
    fn stored_text_is_shown_harmlessly() {
        assert_eq!(
            for_display("A\u{1b}[2JB\u{202E}C"),
            "A\u{FFFD}[2JB\u{FFFD}C"
        );
        assert_eq!(quote(&"x".repeat(100_000)).chars().count(), 41);
    }

    #[test]
    fn notes_keep_their_lines() {
        assert_eq!(note("texte", "a\nb", 10).unwrap(), "a\nb");
        assert!(note("texte", "a\u{1b}b", 10).is_err());
    }
}
