//! Adverse events as the protocol lists them (`[adverse_events]`): the
//! natures a délégué chooses from, and what to do about a grave one.

use serde::{Deserialize, Serialize};

/// The nature of an adverse event, for the CPTS's « nature » indicator: an
/// id of the protocol's list (`[adverse_events]`), checked against it when
/// recorded. Stored and reported as its id; an id read back from a ledger
/// or a report is only checked to be a plain short id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AdverseNature(String);

/// The natures of the first protocoop versions, which recorded them
/// without a label: how they are named, and the list a protocol without
/// `[adverse_events]` still offers.
pub const LEGACY_NATURES: [(&str, &str); 5] = [
    ("allergie", "réaction allergique"),
    ("effet_indesirable", "effet indésirable d'un médicament"),
    ("aggravation", "aggravation de l'état du patient"),
    (
        "erreur_de_delivrance",
        "erreur de prescription ou de délivrance",
    ),
    ("autre", "autre"),
];

impl AdverseNature {
    /// A plain id: lower-case ASCII letters, digits and `_`, 1 to 64
    /// characters (`-` is read as `_`, as the command line writes it).
    pub fn parse(s: &str) -> Option<AdverseNature> {
        let id = s.trim().replace('-', "_");
        let plain = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        plain.then_some(AdverseNature(id))
    }

    pub fn id(&self) -> &str {
        &self.0
    }

    /// The legacy label of an id of the first versions, if it is one.
    pub fn legacy_label(&self) -> Option<&'static str> {
        LEGACY_NATURES
            .iter()
            .find(|(id, _)| *id == self.0)
            .map(|(_, l)| *l)
    }
}

impl TryFrom<String> for AdverseNature {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<AdverseNature, String> {
        AdverseNature::parse(&s).ok_or_else(|| {
            format!(
                "nature d'événement indésirable « {} » invalide",
                crate::text::quote(&s)
            )
        })
    }
}

impl From<AdverseNature> for String {
    fn from(n: AdverseNature) -> String {
        n.0
    }
}

impl std::fmt::Display for AdverseNature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// `[adverse_events]`, validated; the legacy list without a
/// pharmacovigilance text when the protocol has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdverseEvents {
    pub natures: Vec<NatureDef>,
    /// How to declare a grave adverse event to the regional
    /// pharmacovigilance centre, shown when one is recorded.
    pub pharmacovigilance: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatureDef {
    pub id: AdverseNature,
    pub label: String,
}

impl AdverseEvents {
    /// The most natures a protocol may list.
    pub const MAX_NATURES: usize = 32;

    pub fn legacy() -> AdverseEvents {
        AdverseEvents {
            natures: LEGACY_NATURES
                .iter()
                .filter_map(|(id, label)| {
                    Some(NatureDef {
                        id: AdverseNature::parse(id)?,
                        label: (*label).to_string(),
                    })
                })
                .collect(),
            pharmacovigilance: None,
        }
    }

    /// How to declare a grave adverse event: the protocol's text, or what
    /// to do when it has none.
    pub fn declaration(&self) -> &str {
        self.pharmacovigilance.as_deref().unwrap_or(
            "Un événement grave se déclare aussi au centre régional de pharmacovigilance : prévenez le délégant et la coordination de la CPTS.",
        )
    }

    /// The nature of this id (as typed: `-` for `_` is fine), or a French
    /// refusal naming those of the protocol.
    pub fn nature(&self, id: &str) -> crate::error::Result<&NatureDef> {
        let wanted = AdverseNature::parse(id);
        self.natures
            .iter()
            .find(|n| Some(&n.id) == wanted.as_ref())
            .ok_or_else(|| {
                let all: Vec<&str> = self.natures.iter().map(|n| n.id.id()).collect();
                crate::error::Error::input(
                    "followup.nature",
                    format!(
                        "nature « {} » inconnue du protocole : {}",
                        crate::text::quote(id.trim()),
                        all.join(", ")
                    ),
                )
            })
    }
}
