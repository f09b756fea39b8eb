//! The on-screen keyboard, for a counter with a touch screen and no
//! keyboard: which pad each field takes (letters, digits, a decimal
//! number, a date) and what each key does to the field's text. A physical
//! keyboard keeps typing into the fields as before; `ui/keyboard.rs` only
//! draws the pad and sends [`Key`]s.

use super::action::Field;
use super::fields;
use super::state::KioskState;

/// The keys a field needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pad {
    /// French AZERTY, digits on top, accented letters one touch away.
    Letters,
    /// Digits only: postcode, RPPS, PIN, phone.
    Digits,
    /// Digits and a decimal comma: weight, temperature.
    Decimal,
    /// Digits, the slashes put in as the date is typed: JJ/MM/AAAA.
    Date,
}

/// The pad each field takes.
pub fn pad(field: Field) -> Pad {
    match field {
        Field::BirthDate | Field::DelegueTrainedOn | Field::AppointmentDate => Pad::Date,
        Field::Weight | Field::Fact(_) => Pad::Decimal,
        Field::PostalCode
        | Field::StructurePostalCode
        | Field::StructurePhone
        | Field::DelegueRpps
        | Field::DeleguePin
        | Field::DeleguePinAgain
        | Field::DelegantRpps
        | Field::VoidPin
        | Field::PatientPhone
        | Field::ActivationPin
        | Field::ActivationPinAgain => Pad::Digits,
        Field::LastName
        | Field::FirstName
        | Field::DoctorName
        | Field::DoctorTown
        | Field::StructureName
        | Field::StructureAddress
        | Field::DelegueName
        | Field::DelegantName
        | Field::VoidReason
        | Field::CorrectionReason
        | Field::HistorySearch
        | Field::ExportDir
        | Field::BackupFolder
        | Field::BundlePath
        | Field::ActivationCode => Pad::Letters,
    }
}

/// The keyboard on screen: the field it types into and its layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keyboard {
    pub field: Field,
    pub pad: Pad,
    /// Capitals on (stays on until touched again, like a caps lock).
    pub capitals: bool,
    /// The accented letters instead of the plain ones.
    pub accents: bool,
}

/// One touch on the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Erase,
    Capitals,
    Accents,
    Space,
    Hide,
}

const DIGITS: [char; 10] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];
const PLAIN: [&[char]; 3] = [
    &['a', 'z', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p'],
    &['q', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm'],
    &['w', 'x', 'c', 'v', 'b', 'n', '\'', '-', ',', '.'],
];
const ACCENTED: [&[char]; 3] = [
    &['é', 'è', 'ê', 'ë', 'à', 'â', 'ä', 'ç', 'œ', 'æ'],
    &['î', 'ï', 'ô', 'ö', 'ù', 'û', 'ü', 'ÿ', '/', '@'],
    &['w', 'x', 'c', 'v', 'b', 'n', '\'', '-', ',', '.'],
];

/// The character keys of the keyboard, row by row, as they are shown
/// (capitals applied).
pub fn rows(k: &Keyboard) -> Vec<Vec<char>> {
    let capital = |c: char| {
        if k.capitals {
            c.to_uppercase().next().unwrap_or(c)
        } else {
            c
        }
    };
    match k.pad {
        Pad::Letters => {
            let letters = if k.accents { ACCENTED } else { PLAIN };
            std::iter::once(DIGITS.to_vec())
                .chain(
                    letters
                        .iter()
                        .map(|row| row.iter().copied().map(capital).collect()),
                )
                .collect()
        }
        // A telephone's pad, the comma or the slash left of the 0.
        Pad::Digits | Pad::Decimal | Pad::Date => {
            let last = match k.pad {
                Pad::Decimal => vec![',', '0'],
                Pad::Date => vec!['/', '0'],
                _ => vec!['0'],
            };
            vec![
                vec!['1', '2', '3'],
                vec!['4', '5', '6'],
                vec!['7', '8', '9'],
                last,
            ]
        }
    }
}

/// A field was touched or took the focus. On a touch screen the keyboard
/// comes up for it; otherwise it is remembered for « Clavier ».
pub(super) fn focus(state: &mut KioskState, field: Field, touch: bool) {
    state.focus = Some(field);
    if touch || state.keyboard.is_some() {
        state.keyboard = Some(open(field));
    }
}

/// « Clavier »: the keyboard for the field touched last, else the
/// screen's first; touched again, it goes away.
pub(super) fn toggle(state: &mut KioskState) {
    if state.keyboard.take().is_some() {
        return;
    }
    let field = state
        .focus
        .filter(|&f| fields::text(state, f).is_some())
        .or_else(|| fields::first(state));
    state.keyboard = field.map(open);
}

fn open(field: Field) -> Keyboard {
    Keyboard {
        field,
        pad: pad(field),
        capitals: false,
        accents: false,
    }
}

/// One key: the field's text changes as if typed. A field gone from the
/// screen takes the keyboard with it.
pub(super) fn press(state: &mut KioskState, key: Key) {
    let Some(mut k) = state.keyboard else {
        return;
    };
    match key {
        Key::Hide => {
            state.keyboard = None;
            return;
        }
        Key::Capitals => k.capitals = !k.capitals,
        Key::Accents => k.accents = !k.accents,
        Key::Char(_) | Key::Space | Key::Erase => {
            let Some(text) = fields::text(state, k.field) else {
                state.keyboard = None;
                return;
            };
            let after = typed(k.pad, text, key);
            if *text != after {
                *text = after;
                fields::changed(state, k.field);
            }
        }
    }
    state.keyboard = Some(k);
}

/// `text` after `key`, on `pad`: only what the pad has is typed (a
/// letter never lands in a postcode), a date gets its slashes as it is
/// typed (0, 2 → « 02/ »), and nothing grows past
/// [`fields::MAX_FIELD_CHARS`].
pub fn typed(pad: Pad, text: &str, key: Key) -> String {
    let mut out = text.to_string();
    match key {
        Key::Erase => {
            // A slash the date pad put in goes with the digit before it.
            if out.pop() == Some('/') && pad == Pad::Date {
                out.pop();
            }
        }
        Key::Space if pad == Pad::Letters => out.push(' '),
        Key::Char(c) => {
            let fits = match pad {
                Pad::Letters => !c.is_control(),
                Pad::Digits => c.is_ascii_digit(),
                Pad::Decimal => c.is_ascii_digit() || (c == ',' && !out.contains([',', '.'])),
                Pad::Date => c.is_ascii_digit() || c == '/',
            };
            if !fits {
                return out;
            }
            if pad == Pad::Date {
                // Counted in characters: a field typed on a physical
                // keyboard may hold anything.
                let len = out.chars().count();
                if c == '/' {
                    // A slash typed by hand is kept where the date expects
                    // one, a lone digit padded (« 2/ » → « 02/ »); never
                    // after a lone 0 (no day or month 00).
                    let last = out.chars().last();
                    let lone_digit = matches!(len, 1 | 4);
                    let complete = matches!(len, 2 | 5);
                    if lone_digit && last.is_some_and(|d| d.is_ascii_digit() && d != '0') {
                        out.pop();
                        out.push('0');
                        out.extend(last);
                        out.push('/');
                    } else if complete && last.is_some_and(|d| d.is_ascii_digit()) {
                        out.push('/');
                    }
                    return out;
                }
                if len >= 10 {
                    return out;
                }
                if matches!(len, 2 | 5) && !out.ends_with('/') {
                    out.push('/');
                }
                out.push(c);
                if matches!(out.chars().count(), 2 | 5) {
                    out.push('/');
                }
                return out;
            }
            out.push(c);
        }
        Key::Space | Key::Capitals | Key::Accents | Key::Hide => {}
    }
    out.chars().take(fields::MAX_FIELD_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn type_all(pad: Pad, keys: &str) -> String {
        keys.chars().fold(String::new(), |t, c| {
            let key = match c {
                '<' => Key::Erase,
                ' ' => Key::Space,
                c => Key::Char(c),
            };
            typed(pad, &t, key)
        })
    }

    #[test]
    fn a_date_gets_its_slashes_as_it_is_typed() {
        assert_eq!(type_all(Pad::Date, "02031986"), "02/03/1986");
        assert_eq!(
            type_all(Pad::Date, "0203198612"),
            "02/03/1986",
            "ten at most"
        );
        assert_eq!(type_all(Pad::Date, "02"), "02/");
        assert_eq!(
            type_all(Pad::Date, "02<"),
            "0",
            "erasing takes the slash with the digit"
        );
        assert_eq!(
            type_all(Pad::Date, "2/3/1986"),
            "02/03/1986",
            "a slash typed pads the day"
        );
        assert_eq!(type_all(Pad::Date, "02//"), "02/", "no double slash");
        assert_eq!(type_all(Pad::Date, "0/"), "0", "no day 00");
        assert_eq!(type_all(Pad::Date, "02/0/"), "02/0", "no month 00");
        assert_eq!(type_all(Pad::Date, "a"), "");
    }

    #[test]
    fn each_pad_types_only_what_it_has() {
        assert_eq!(type_all(Pad::Digits, "79a5 0,0"), "79500");
        assert_eq!(type_all(Pad::Decimal, "72,5,3"), "72,53");
        assert_eq!(type_all(Pad::Letters, "Le Gall<<l"), "Le Gal");
        assert_eq!(
            type_all(Pad::Letters, &"x".repeat(500)).chars().count(),
            fields::MAX_FIELD_CHARS
        );
        assert_eq!(typed(Pad::Letters, "", Key::Erase), "");
        assert_eq!(
            typed(Pad::Letters, "é", Key::Erase),
            "",
            "erases a character, not a byte"
        );
    }

    #[test]
    fn capitals_and_accents_change_the_letters_shown() {
        let mut k = open(Field::LastName);
        assert_eq!(rows(&k)[1][0], 'a');
        k.capitals = true;
        assert_eq!(rows(&k)[1][0], 'A');
        k.accents = true;
        assert_eq!(rows(&k)[1][0], 'É');
        assert_eq!(rows(&k)[1][8], 'Œ');
        let digits = rows(&open(Field::PostalCode));
        assert_eq!(digits.len(), 4, "a telephone's pad");
        assert_eq!(digits[3], ['0']);
        assert_eq!(rows(&open(Field::BirthDate))[3], ['/', '0']);
        assert_eq!(rows(&open(Field::Weight))[3], [',', '0']);
    }
}
