//! JSON written by people and scripts (an act to record, a case to triage),
//! read once: numbers exactly as written, no key given twice, and every
//! problem in French, naming the field.
//!
//! serde_json reads numbers as `f64`, so `38.50000000000000001` would arrive
//! as `38.5` and `2305843009213693956` as a wrapped integer; a temperature
//! just above a threshold must never pass for the threshold. Numbers are
//! therefore kept as the text the user wrote ([`Answer::Number`]) and turned
//! into a [`Fixed`] exactly, or refused.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::protocol::Fixed;

/// Reads `text` as a `T`. `what` names the document in messages (« acte »,
/// « faits »); a failing field is named by its path (`patient.weight_kg`).
pub fn parse<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let start = text.trim_start();
    if start.is_empty() {
        return Err(Error::input(
            what,
            "document vide : un objet JSON { … } est attendu",
        ));
    }
    // Every document read here is an object; serde would take a list as
    // the object's fields in order.
    if !start.starts_with('{') {
        let first = start.split([',', ' ', '\n', ']']).next().unwrap_or(start);
        let got = match classify(first) {
            Answer::Other(kind) => kind,
            Answer::Text(_) => "un texte",
            Answer::Null => "null",
            Answer::Bool(_) => "un booléen",
            Answer::Number(_) => "un nombre",
        };
        return Err(Error::input(
            what,
            format!("un objet {{ … }} attendu, reçu : {got}"),
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        translate(what, &path, &inner)
    })?;
    de.end().map_err(|e| translate(what, ".", &e))?;
    Ok(value)
}

/// A serde_json error in French (for documents read without
/// [`parse`], such as a stored or imported report).
pub fn describe(e: &serde_json::Error) -> String {
    translate("document", ".", e).to_string()
}

/// A serde_json error in French, with the field it concerns.
fn translate(what: &str, path: &str, e: &serde_json::Error) -> Error {
    let field = if path == "." || path == "?" || path.is_empty() {
        what.to_string()
    } else {
        path.to_string()
    };
    let raw = e.to_string();
    let message = raw
        .rsplit_once(" at line ")
        .map_or(raw.as_str(), |(m, _)| m)
        .to_string();
    let place = if e.line() > 0 && e.column() > 0 {
        format!(" (ligne {}, colonne {})", e.line(), e.column())
    } else {
        String::new()
    };
    let syntax = matches!(
        e.classify(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof
    );
    if let Some(name) = between(&message, "missing field `", "`") {
        let field = if field == what {
            name.to_string()
        } else {
            format!("{field}.{name}")
        };
        return Error::input(field, "champ obligatoire manquant");
    }
    if let Some(name) = between(&message, "unknown field `", "`") {
        let expected = message
            .split_once("expected ")
            .map(|(_, rest)| rest.replace('`', ""))
            .map(|list| list.replace("one of ", ""))
            .map(|list| format!(" ; champs possibles : {list}"))
            .unwrap_or_default();
        let field = if field == what {
            name.to_string()
        } else {
            field
        };
        return Error::input(field, format!("champ inconnu{expected}"));
    }
    if let Some(name) = between(&message, "duplicate field `", "`") {
        return Error::input(
            if field == what {
                name.to_string()
            } else {
                field
            },
            "champ donné deux fois",
        );
    }
    let text = if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        format!(
            "{} attendu, reçu : {}",
            kind_expected(expected),
            kind_received(got)
        )
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        format!(
            "{} attendu, reçu : {}",
            kind_expected(expected),
            kind_received(got)
        )
    } else {
        match message.as_str() {
            "expected value" => "valeur illisible : un nombre (38.5), true, false, null, un texte entre guillemets, une liste [ … ] ou un objet { … } est attendu — NaN et Infinity ne sont pas des nombres JSON".to_string(),
            "expected ident" => "mot inconnu : seuls true, false et null s'écrivent sans guillemets".to_string(),
            "invalid number" => "nombre illisible : écrivez-le avec un point décimal, par exemple 38.5".to_string(),
            "number out of range" => "nombre hors limites".to_string(),
            "trailing comma" => "virgule en trop avant la fin de la liste ou de l'objet".to_string(),
            "trailing characters" => "texte en trop après la fin du document JSON".to_string(),
            "key must be a string" => "les noms de champs s'écrivent entre guillemets".to_string(),
            "expected `:`" => "« : » attendu après le nom du champ".to_string(),
            "expected `,` or `}`" => "« , » ou « } » attendu (une virgule manque-t-elle ?)".to_string(),
            "expected `,` or `]`" => "« , » ou « ] » attendu (une virgule manque-t-elle ?)".to_string(),
            "invalid escape" | "invalid unicode code point" | "lone leading surrogate in hex escape" | "unexpected end of hex escape" => {
                "séquence d'échappement « \\ » invalide dans un texte".to_string()
            }
            "recursion limit exceeded" => "document trop imbriqué".to_string(),
            m if m.starts_with("EOF while parsing") => {
                "document incomplet : il se termine avant la fin (une accolade ou un guillemet manque-t-il ?)".to_string()
            }
            m if m.starts_with("control character") => {
                "caractère de contrôle dans un texte (retour à la ligne, tabulation…) : écrivez-le \\n ou \\t".to_string()
            }
            m if m.starts_with("unknown variant `") => {
                let got = between(m, "unknown variant `", "`").unwrap_or("?");
                let expected = m
                    .split_once("expected ")
                    .map(|(_, rest)| rest.replace('`', "").replace("one of ", ""))
                    .unwrap_or_default();
                format!("« {got} » inconnu ; valeurs possibles : {expected}")
            }
            // Our own messages (custom errors) are already French.
            m => m.to_string(),
        }
    };
    if syntax {
        Error::input(field, format!("JSON illisible{place} : {text}"))
    } else {
        Error::input(field, text)
    }
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = s.split_once(start)?.1;
    Some(rest.split_once(end)?.0)
}

/// serde's description of what it found, in French.
fn kind_received(got: &str) -> String {
    if let Some(s) = got.strip_prefix("string ") {
        return format!("le texte {s}");
    }
    for (en, fr) in [
        ("integer `", "le nombre "),
        ("floating point `", "le nombre "),
        ("boolean `", "le booléen "),
    ] {
        if let Some(v) = got.strip_prefix(en) {
            return format!("{fr}{}", v.trim_end_matches('`'));
        }
    }
    match got {
        "map" => "un objet { … }".into(),
        "sequence" => "une liste [ … ]".into(),
        "unit value" | "null" => "null".into(),
        other => other.to_string(),
    }
}

/// serde's description of what was expected, in French.
fn kind_expected(expected: &str) -> String {
    match expected {
        "a string" => "un texte entre guillemets".into(),
        "a boolean" => "true ou false".into(),
        "f64" | "f32" | "i64" | "i32" | "u64" | "u32" | "u16" | "u8" | "i8" | "i16" => {
            "un nombre".into()
        }
        "a sequence" => "une liste [ … ]".into(),
        "a map" => "un objet { … }".into(),
        e if e.starts_with("struct ") => "un objet { … }".into(),
        e if e.starts_with("a list of ") => "une liste [ … ]".into(),
        other => other.to_string(),
    }
}

/// One value of a flat object of answers, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `null`: explicitly no value (a temperature not measured).
    Null,
    Bool(bool),
    /// A number exactly as written (`38.5`, `2305843009213693956`, `1e2`).
    Number(ExactNumber),
    /// A text: only the patient's sex (`"F"`, `"M"`) is written so.
    Text(String),
    /// A list or an object: never a valid answer; the kind is kept for the
    /// message.
    Other(&'static str),
}

/// A JSON number kept as written, with its exact value when it has one on
/// the protocol's three-decimal grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactNumber {
    pub text: String,
    /// `None` when the number has more than three decimals or is beyond
    /// any quantity of the protocol.
    pub value: Option<Fixed>,
}

impl fmt::Display for ExactNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl ExactNumber {
    /// A value computed by protocoop itself (the kiosk's answers).
    pub fn of(value: Fixed) -> ExactNumber {
        ExactNumber {
            text: value.to_string(),
            value: Some(value),
        }
    }

    fn parse(text: &str) -> ExactNumber {
        ExactNumber {
            text: text.to_string(),
            value: exact_decimal(text),
        }
    }
}

impl<'de> Deserialize<'de> for ExactNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        match classify(raw.get()) {
            Answer::Number(n) => Ok(n),
            Answer::Null => Err(de::Error::custom("un nombre attendu, reçu : null")),
            Answer::Bool(_) => Err(de::Error::custom("un nombre attendu, reçu : un booléen")),
            Answer::Text(_) => Err(de::Error::custom("un nombre attendu, reçu : un texte")),
            Answer::Other(kind) => Err(de::Error::custom(format!(
                "un nombre attendu, reçu : {kind}"
            ))),
        }
    }
}

impl Serialize for ExactNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.value {
            Some(v) if v.is_integer() => s.serialize_i64(v.floor()),
            Some(v) => s.serialize_f64(v.to_f64()),
            None => s.serialize_str(&self.text),
        }
    }
}

/// The exact value of a JSON number literal on the three-decimal grid:
/// `38.5` → 38 500 thousandths; `38.5004`, `1e-4` or a 20-digit integer →
/// `None` (refused, never rounded or wrapped).
pub fn exact_decimal(text: &str) -> Option<Fixed> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (body, 0),
    };
    let (whole, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (mantissa.contains('.') && frac.is_empty()) {
        return None;
    }
    // Every digit, and how many of them come before the decimal point once
    // the exponent has moved it.
    let all = format!("{whole}{frac}");
    let digits = all.trim_start_matches('0').trim_end_matches('0');
    let leading_zeros = all.len() - all.trim_start_matches('0').len();
    let point = i64::try_from(whole.len()).ok()? + i64::from(exponent)
        - i64::try_from(leading_zeros).ok()?;
    if digits.is_empty() {
        return Some(Fixed(0));
    }
    // At most twelve digits before the point, at most three after.
    let last_power = point - i64::try_from(digits.len()).ok()? + 3;
    if point > 12 || last_power < 0 {
        return None;
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        value = value.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
    }
    let value = value.checked_mul(10i64.checked_pow(u32::try_from(last_power).ok()?)?)?;
    Some(Fixed(if neg { -value } else { value }))
}

/// The kind of value a raw JSON text is, numbers exactly.
fn classify(raw: &str) -> Answer {
    match raw.as_bytes().first() {
        Some(b'n') => Answer::Null,
        Some(b't') => Answer::Bool(true),
        Some(b'f') => Answer::Bool(false),
        Some(b'"') => match serde_json::from_str::<String>(raw) {
            Ok(text) => Answer::Text(text),
            Err(_) => Answer::Other("un texte"),
        },
        Some(b'[') => Answer::Other("une liste"),
        Some(b'{') => Answer::Other("un objet"),
        _ => Answer::Number(ExactNumber::parse(raw)),
    }
}

/// A flat JSON object of answers `{ "fait": valeur, … }`, in the order
/// written; a key given twice is refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers(pub Vec<(String, Answer)>);

impl<'de> Deserialize<'de> for Answers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Answers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("un objet { \"fait\": valeur, … }")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Answers, A::Error> {
                let mut out: Vec<(String, Answer)> = Vec::new();
                let mut seen = std::collections::BTreeSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    let raw: Box<RawValue> = map.next_value()?;
                    if !seen.insert(key.clone()) {
                        return Err(de::Error::custom(format!("« {key} » est donné deux fois")));
                    }
                    out.push((key, classify(raw.get())));
                }
                Ok(Answers(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_exactly_or_refused() {
        let v = |s: &str| exact_decimal(s).map(|f| f.0);
        assert_eq!(v("38.5"), Some(38_500));
        assert_eq!(v("38.50"), Some(38_500));
        assert_eq!(v("38.500000"), Some(38_500));
        assert_eq!(v("-2"), Some(-2_000));
        assert_eq!(v("0"), Some(0));
        assert_eq!(v("0.001"), Some(1));
        assert_eq!(v("1e2"), Some(100_000));
        assert_eq!(v("385E-1"), Some(38_500));
        assert_eq!(v("3.85e1"), Some(38_500));
        assert_eq!(v("38.5004"), None);
        assert_eq!(v("38.50000000000000001"), None);
        assert_eq!(v("1e-4"), None);
        assert_eq!(v("2305843009213693956"), None);
        assert_eq!(v("999999999999"), Some(999_999_999_999_000));
        assert_eq!(v("1e13"), None);
        assert_eq!(v("1e999999999"), None);
        assert_eq!(v("0e999999999"), Some(0));
        assert_eq!(v("1."), None);
        assert_eq!(v(".5"), None);
        assert_eq!(v("NaN"), None);
    }
}
