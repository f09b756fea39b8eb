//! A repeat visit: the same patient already taken in charge on this
//! device. Who is « the same » is decided here, once, for the kiosk and
//! the CLI; the ledger finds the acts ([`crate::ledger::Ledger::earlier_prise_en_charge`]).
//! Nothing of it leaves the device: the act records only the protocol's
//! yes/no fact.

use chrono::{DateTime, Utc};

use super::Patient;
use super::record::PatientRecord;

/// The latest earlier prise en charge of the patient within the protocol's
/// window, as the kiosk shows it before the questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarlierAct {
    pub number: String,
    pub occurred_at: DateTime<Utc>,
    /// What was given: « paracétamol — comprimé 500 mg »…
    pub lines: Vec<String>,
}

impl EarlierAct {
    /// « Déjà pris en charge sur cet appareil le 12/10/2026 (acte
    /// 2026-0012) : paracétamol — comprimé 500 mg ; amoxicilline — … ».
    pub fn describe(&self) -> String {
        let given = if self.lines.is_empty() {
            String::new()
        } else {
            format!(" : {}", self.lines.join(" ; "))
        };
        format!(
            "Déjà pris en charge sur cet appareil le {} (acte {}){given}.",
            crate::fr::day_of(self.occurred_at),
            self.number
        )
    }
}

/// A name as identities are compared: accents, case, hyphens, spaces and
/// apostrophes aside (« Léa-Marie » is « LEA MARIE »).
pub fn identity_key(name: &str) -> String {
    crate::text::fold(name)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The same person: surname, first name and birth date — never two
/// people born on different days, whatever their names.
pub fn same_patient(p: &Patient, r: &PatientRecord) -> bool {
    p.birth_date == r.birth_date
        && identity_key(&p.last_name) == identity_key(&r.last_name)
        && identity_key(&p.first_name) == identity_key(&r.first_name)
}
