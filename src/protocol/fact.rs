//! Fact definitions: the protocol's input vocabulary (`age_years`,
//! `excl.eye_swelling`, …) with their types and allowed ranges.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Index of a fact in [`crate::protocol::Protocol::facts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FactId(pub(crate) u16);

impl FactId {
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// A decimal number with three fixed decimals (38.5 °C is `Fixed(38_500)`).
///
/// Integers avoid floating-point surprises at thresholds such as
/// `temperature_c > 38.5`, and keep dose arithmetic exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fixed(pub i64);

impl Fixed {
    pub const SCALE: i64 = 1000;

    /// `n` as a fixed-point value, saturating at the extremes; untrusted
    /// numbers go through [`Fixed::checked_from_int`] instead.
    pub fn from_int(n: i64) -> Fixed {
        Fixed(n.saturating_mul(Self::SCALE))
    }

    /// Converts a finite float, refusing more than three decimals' worth of
    /// precision loss only when it would change the value meaningfully.
    pub fn from_f64(x: f64) -> Option<Fixed> {
        if !x.is_finite() || x.abs() > 1e12 {
            return None;
        }
        Some(Fixed((x * Self::SCALE as f64).round() as i64))
    }

    pub fn is_integer(self) -> bool {
        self.0 % Self::SCALE == 0
    }

    /// Whether the value is written with at most `decimals` decimals.
    pub fn has_at_most_decimals(self, decimals: u8) -> bool {
        let unit = match decimals {
            0 => 1000,
            1 => 100,
            2 => 10,
            _ => 1,
        };
        self.0 % unit == 0
    }

    /// `n` as a fixed-point value, or `None` when it is beyond what any
    /// quantity of the protocol can be (so a huge input is refused, never
    /// wrapped around).
    pub fn checked_from_int(n: i64) -> Option<Fixed> {
        n.checked_mul(Self::SCALE).map(Fixed)
    }

    /// Whole part, rounded towards negative infinity.
    pub fn floor(self) -> i64 {
        self.0.div_euclid(Self::SCALE)
    }

    pub fn to_f64(self) -> f64 {
        self.0 as f64 / Self::SCALE as f64
    }

    /// `self × other`, rounded down to a whole number (doses are never rounded up).
    pub fn mul_floor(self, other: Fixed) -> i64 {
        let product = i128::from(self.0) * i128::from(other.0);
        let scale = i128::from(Self::SCALE) * i128::from(Self::SCALE);
        product.div_euclid(scale) as i64
    }
}

impl fmt::Display for Fixed {
    /// French-neutral plain form (`38.5`, `40`); French formatting with a
    /// decimal comma is the job of the presentation layer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = abs / Self::SCALE as u64;
        let frac = abs % Self::SCALE as u64;
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let digits = format!("{frac:03}");
            write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
        }
    }
}

/// The patient's sex, as the Patient screen records it and as conditions
/// read it (`sex == F`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Sex {
    F,
    M,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::F => "F",
            Sex::M => "M",
        }
    }

    /// `F` or `M` (either case), as written in a script or a condition.
    pub fn parse(s: &str) -> Option<Sex> {
        match s {
            "F" | "f" => Some(Sex::F),
            "M" | "m" => Some(Sex::M),
            _ => None,
        }
    }
}

/// The type of a fact, with its allowed range for numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactType {
    Bool,
    /// The patient's sex, `F` or `M`: set from the Patient screen, read by
    /// conditions as `sex == F` or `sex != F`.
    Sex,
    /// A whole number within `min..=max`.
    Integer {
        min: Fixed,
        max: Fixed,
    },
    /// A decimal number within `min..=max`, with at most `decimals`
    /// decimals (0 to 3): a value given more precisely is refused, never
    /// rounded, so 38.5004 °C cannot pass for 38.5 °C.
    Number {
        min: Fixed,
        max: Fixed,
        decimals: u8,
    },
}

impl FactType {
    pub fn is_bool(&self) -> bool {
        matches!(self, FactType::Bool)
    }

    pub fn range(&self) -> Option<(Fixed, Fixed)> {
        match *self {
            FactType::Bool | FactType::Sex => None,
            FactType::Integer { min, max } | FactType::Number { min, max, .. } => Some((min, max)),
        }
    }

    /// Whether `v` has no more decimals than this type allows.
    pub fn precise_enough(&self, v: Fixed) -> bool {
        match *self {
            FactType::Bool | FactType::Sex => false,
            FactType::Integer { .. } => v.is_integer(),
            FactType::Number { decimals, .. } => v.has_at_most_decimals(decimals),
        }
    }

    /// How many decimals a value may have.
    pub fn decimals(&self) -> u8 {
        match *self {
            FactType::Number { decimals, .. } => decimals,
            _ => 0,
        }
    }

    pub fn name_fr(&self) -> &'static str {
        match self {
            FactType::Bool => "oui/non (true/false)",
            FactType::Sex => "sexe (\"F\" ou \"M\")",
            FactType::Integer { .. } => "nombre entier",
            FactType::Number { .. } => "nombre",
        }
    }
}

/// The value of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    Bool(bool),
    Num(Fixed),
    Sex(Sex),
}

/// One fact of the protocol.
#[derive(Debug, Clone)]
pub struct FactDef {
    pub id: String,
    pub ty: FactType,
    /// The question as asked at the counter (French).
    pub label: String,
    /// Help text shown under the question.
    pub help: Option<String>,
    /// Likely clinical picture behind a symptom, for the result screen and
    /// the advice sheet.
    pub picture: Option<String>,
    /// Unit shown beside a number (« kg », « °C »).
    pub unit: Option<String>,
    /// A fact the decision cannot do without when it matters (age, pain).
    pub required: bool,
    /// Value assumed when a script leaves the fact out (booleans: false).
    pub default: Option<Value>,
    /// When the question applies at all (pregnancy: `sex == F`), read from
    /// the Patient screen's facts only; a yes/no fact that does not apply
    /// is « non » without being asked.
    pub ask_when: Option<super::Condition>,
    /// The fact as a reason for a decision (« rougeur s'étendant vers
    /// l'œil »), where the label is a question; the label when absent.
    pub statement: Option<String>,
}

impl FactDef {
    /// How the fact is named as a reason: its statement, else its label.
    pub fn as_reason(&self) -> &str {
        self.statement.as_deref().unwrap_or(&self.label)
    }
}
