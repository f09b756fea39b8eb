//! What a follow-up records: the stored payload of a `followup` entry and
//! its events (reprise, adverse event, satisfaction, document, void,
//! correction). Plain data with its checks, so that the derived tables and
//! the reports can read it without the code that appends it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Stored payload of a `followup` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowupRecord {
    pub v: u32,
    pub act_id: String,
    pub act_number: String,
    /// RPPS of who recorded it, when known.
    pub by: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub event: FollowupEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Legere,
    Moderee,
    Grave,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "legere" | "légère" => Some(Severity::Legere),
            "moderee" | "modérée" => Some(Severity::Moderee),
            "grave" => Some(Severity::Grave),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Severity::Legere => "légère",
            Severity::Moderee => "modérée",
            Severity::Grave => "grave",
        }
    }
}

pub use crate::protocol::adverse::AdverseNature;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FollowupEvent {
    /// The délégant had to take the patient over.
    Reprise {
        text: Option<String>,
    },
    AdverseEvent {
        nature: AdverseNature,
        /// The nature as the protocol named it when recorded (absent from
        /// the first versions' events: [`LEGACY_NATURES`] names them).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nature_label: Option<String>,
        severity: Severity,
        text: Option<String>,
    },
    PatientSatisfaction {
        score: u8,
        text: Option<String>,
    },
    ProfessionalSatisfaction {
        score: u8,
        text: Option<String>,
    },
    /// A call of the protocol's follow-up plan (`call` is its id):
    /// answered, with the pain then, or not (one more try).
    Call {
        call: String,
        reached: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pain: Option<u8>,
    },
    /// Whether the patient made the dental appointment, and for which day
    /// when she said.
    Appointment {
        made: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
    },
    /// A document rendered for the act (first issue or reprint).
    Document {
        document: String,
        sha256: String,
        renderer: String,
        reprint: bool,
    },
    Void {
        reason: String,
    },
    /// A follow-up recorded by mistake, withdrawn: `corrects` is its ledger
    /// entry (a follow-up of the same act). It stays in the ledger, shown
    /// as withdrawn; the reports count it no more.
    Correction {
        corrects: u64,
        reason: String,
    },
}

/// The follow-ups withdrawn by a correction, by entry, from (entry, act,
/// event) triples in any order. A correction withdraws only an earlier
/// [`FollowupEvent::correctable`] follow-up of the same act — what the
/// ledger lets one record; a report's rows that say otherwise withdraw
/// nothing (and are refused by the CPTS: `rows_input::to_input`).
pub fn withdrawn<'a>(
    followups: impl IntoIterator<Item = (u64, &'a str, &'a FollowupEvent)>,
) -> std::collections::HashSet<u64> {
    let mut correctable = std::collections::HashMap::new();
    let mut corrections = Vec::new();
    for (seq, act, event) in followups {
        match event {
            FollowupEvent::Correction { corrects, .. } => corrections.push((seq, act, *corrects)),
            e if e.correctable() => {
                correctable.insert(seq, act);
            }
            _ => {}
        }
    }
    corrections
        .into_iter()
        .filter(|&(seq, act, target)| target < seq && correctable.get(&target) == Some(&act))
        .map(|(_, _, target)| target)
        .collect()
}

/// A follow-up's type in French from its stored name (`void` →
/// « annulation »), for reports that only carry the name; an unknown name
/// is returned as is.
pub fn type_label(name: &str) -> &str {
    match name {
        "reprise" => "reprise par le délégant",
        "adverse_event" => "événement indésirable",
        "patient_satisfaction" => "satisfaction du patient",
        "professional_satisfaction" => "satisfaction du professionnel",
        "call" => "appel de suivi",
        "appointment" => "rendez-vous dentaire",
        "document" => "document imprimé",
        "void" => "annulation",
        "correction" => "correction d'un suivi",
        other => other,
    }
}

/// The French title of a logged document name (`documents::document_name`
/// makes them): `advice-a5` → « fiche-conseil (A5) ».
pub fn document_title(name: &str) -> String {
    let (kind, a5) = match name.strip_suffix("-a5") {
        Some(k) => (k, " (A5)"),
        None => (name, ""),
    };
    let title = match kind {
        "prescription" => "ordonnance",
        "advice" => "fiche-conseil",
        "letter" => "courrier",
        other => other,
    };
    format!("{title}{a5}")
}

impl FollowupEvent {
    /// An adverse event of a nature of the protocol's list (by its id, as
    /// typed), its label copied: the one way the kiosk and the command
    /// line make one.
    pub fn adverse(
        natures: &crate::protocol::AdverseEvents,
        nature: &str,
        severity: Severity,
        text: Option<String>,
    ) -> Result<FollowupEvent> {
        let n = natures.nature(nature)?;
        Ok(FollowupEvent::AdverseEvent {
            nature: n.id.clone(),
            nature_label: Some(n.label.clone()),
            severity,
            text,
        })
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            FollowupEvent::Reprise { .. } => "reprise",
            FollowupEvent::AdverseEvent { .. } => "adverse_event",
            FollowupEvent::PatientSatisfaction { .. } => "patient_satisfaction",
            FollowupEvent::ProfessionalSatisfaction { .. } => "professional_satisfaction",
            FollowupEvent::Call { .. } => "call",
            FollowupEvent::Appointment { .. } => "appointment",
            FollowupEvent::Document { .. } => "document",
            FollowupEvent::Void { .. } => "void",
            FollowupEvent::Correction { .. } => "correction",
        }
    }

    /// A follow-up a correction may withdraw: what a person reports after
    /// the act. A document is what happened to paper, a void is undone by
    /// nothing, a correction is not corrected again; a call is not either
    /// (made again, its answers recorded with it would count twice): its
    /// answers are corrected one by one.
    pub fn correctable(&self) -> bool {
        matches!(
            self,
            FollowupEvent::Reprise { .. }
                | FollowupEvent::AdverseEvent { .. }
                | FollowupEvent::PatientSatisfaction { .. }
                | FollowupEvent::ProfessionalSatisfaction { .. }
                | FollowupEvent::Appointment { .. }
        )
    }

    /// The type in French (« annulation »): [`type_label`] of the name.
    pub fn type_label(&self) -> &'static str {
        type_label(self.type_name())
    }

    /// The event in words, for a person (the kiosk's history, `act show`).
    pub fn describe(&self) -> String {
        let label = self.type_label();
        match self {
            FollowupEvent::AdverseEvent {
                nature,
                nature_label,
                severity,
                ..
            } => {
                let n = nature_label
                    .as_deref()
                    .or(nature.legacy_label())
                    .unwrap_or(nature.id());
                format!("{label} : {n}, {}", severity.label())
            }
            FollowupEvent::PatientSatisfaction { score, .. }
            | FollowupEvent::ProfessionalSatisfaction { score, .. } => {
                format!("{label} : {score}/5")
            }
            FollowupEvent::Document {
                document, reprint, ..
            } => format!(
                "{} émise{}",
                document_title(document),
                if *reprint { " (réimpression)" } else { "" }
            ),
            FollowupEvent::Void { reason } | FollowupEvent::Correction { reason, .. } => {
                format!("{label} : {reason}")
            }
            FollowupEvent::Call {
                call,
                reached: true,
                pain,
            } => match pain {
                Some(p) => format!("{label} « {call} » : joint, douleur {p}/10"),
                None => format!("{label} « {call} » : joint"),
            },
            FollowupEvent::Call { call, .. } => format!("{label} « {call} » : pas de réponse"),
            FollowupEvent::Appointment { made: false, .. } => format!("{label} : pas encore pris"),
            FollowupEvent::Appointment { on: None, .. } => format!("{label} : pris"),
            FollowupEvent::Appointment { on: Some(d), .. } => {
                format!("{label} : pris pour le {}", crate::fr::date(*d))
            }
            FollowupEvent::Reprise { .. } => label.to_string(),
        }
    }

    /// Checks scores and texts (length, characters: see [`crate::text`]).
    pub fn validate(&self) -> Result<()> {
        let text = match self {
            FollowupEvent::Reprise { text }
            | FollowupEvent::AdverseEvent { text, .. }
            | FollowupEvent::PatientSatisfaction { text, .. }
            | FollowupEvent::ProfessionalSatisfaction { text, .. } => text.as_deref(),
            FollowupEvent::Void { reason } | FollowupEvent::Correction { reason, .. } => {
                Some(reason.as_str())
            }
            FollowupEvent::Document { .. }
            | FollowupEvent::Call { .. }
            | FollowupEvent::Appointment { .. } => None,
        };
        if let Some(t) = text {
            let field = if matches!(
                self,
                FollowupEvent::Void { .. } | FollowupEvent::Correction { .. }
            ) {
                "followup.reason"
            } else {
                "followup.text"
            };
            crate::text::note(field, t, crate::text::NOTE_MAX)?;
        }
        match self {
            FollowupEvent::PatientSatisfaction { score, .. }
            | FollowupEvent::ProfessionalSatisfaction { score, .. }
                if !(1..=5).contains(score) =>
            {
                Err(Error::input(
                    "followup.score",
                    format!("note {score} : entre 1 et 5"),
                ))
            }
            FollowupEvent::AdverseEvent {
                nature_label: Some(l),
                ..
            } if crate::text::note("followup.nature", l, crate::text::PROTOCOL_TEXT_MAX)
                .is_err()
                || l.trim().is_empty() =>
            {
                Err(Error::input(
                    "followup.nature",
                    "libellé de la nature illisible",
                ))
            }
            FollowupEvent::Call { call, .. } if !crate::ids::plain_id(call) => Err(Error::input(
                "followup.call",
                format!(
                    "appel « {} » : identifiant invalide",
                    crate::text::quote(call)
                ),
            )),
            FollowupEvent::Call { pain: Some(p), .. } if *p > 10 => Err(Error::input(
                "followup.pain",
                format!("douleur {p} : entre 0 et 10"),
            )),
            FollowupEvent::Call {
                reached: false,
                pain: Some(_),
                ..
            } => Err(Error::input(
                "followup.pain",
                "un appel sans réponse ne donne pas de douleur",
            )),
            FollowupEvent::Appointment {
                made: false,
                on: Some(_),
            } => Err(Error::input(
                "followup.appointment",
                "un rendez-vous non pris n'a pas de date",
            )),
            FollowupEvent::Void { reason } if reason.trim().is_empty() => Err(Error::input(
                "followup.reason",
                "le motif d'annulation est obligatoire",
            )),
            FollowupEvent::Correction { reason, .. } if reason.trim().is_empty() => {
                Err(Error::input(
                    "followup.reason",
                    "le motif de la correction est obligatoire",
                ))
            }
            _ => Ok(()),
        }
    }
}
