//! The professionals' questionnaire in the ledger: whether a délégué has
//! one due this quarter, and her answers (or « plus tard ») appended as a
//! `survey` entry — once a quarter each, checked in the write transaction
//! so that two windows cannot both record one.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, params};

use super::chain;
use super::entry::{Kind, Typed};
use super::followups::Authenticated;
use super::index::decode;
use super::survey_record::{SurveyRecord, SurveyResponse};
use super::{Ledger, to_bytes};
use crate::calendar::Quarter;
use crate::error::{Error, Refusal, Result};
use crate::ids::Rpps;
use crate::protocol::Protocol;

/// Every survey entry of entries `first..=last`, in log order (through the
/// partial index `entries_surveys`: a handful among a million acts).
pub(super) fn surveys_in(
    conn: &Connection,
    first: u64,
    last: u64,
) -> Result<Vec<(u64, SurveyRecord)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, payload FROM entries WHERE kind = 'survey' AND seq BETWEEN ?1 AND ?2 ORDER BY seq",
    )?;
    let mut rows = stmt.query(params![
        i64::try_from(first).unwrap_or(i64::MAX),
        i64::try_from(last).unwrap_or(i64::MAX)
    ])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq = u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0);
        let payload = r.get_ref(1)?.as_blob().unwrap_or(&[]);
        out.push((seq, decode(seq, payload)?));
    }
    Ok(out)
}

/// Whether `rpps` answered or put off the questionnaire of `protocol_id`
/// in `quarter`.
fn responded(conn: &Connection, rpps: &Rpps, protocol_id: &str, quarter: Quarter) -> Result<bool> {
    Ok(surveys_in(conn, 1, u64::MAX)?.iter().any(|(_, s)| {
        s.by == rpps.as_str() && s.protocol.id == protocol_id && s.quarter() == quarter
    }))
}

impl Ledger {
    /// The quarter whose questionnaire `rpps` has still to see on `today`
    /// (Europe/Paris): the protocol has one, and she has neither answered
    /// it nor put it off this quarter.
    pub fn survey_due(
        &self,
        protocol: &Protocol,
        rpps: &Rpps,
        today: NaiveDate,
    ) -> Result<Option<Quarter>> {
        if protocol.survey.is_none() {
            return Ok(None);
        }
        let quarter = Quarter::of_date(today);
        Ok((!responded(&self.conn, rpps, &protocol.identity.id, quarter)?).then_some(quarter))
    }

    /// Records the délégué's answers to the protocol's questionnaire, or
    /// that she put it off; refused when the protocol has none or she
    /// already responded this quarter. Returns the entry's seq.
    pub fn record_survey(
        &mut self,
        protocol: &Protocol,
        by: &Authenticated,
        response: SurveyResponse,
        now: DateTime<Utc>,
    ) -> Result<u64> {
        let Some(survey) = &protocol.survey else {
            return Err(Error::input(
                "questionnaire",
                "le protocole en vigueur ne prévoit pas de questionnaire des professionnels",
            ));
        };
        let (declined, answers) = match response {
            SurveyResponse::Declined => (true, Vec::new()),
            SurveyResponse::Answered(a) => (false, survey.check(&a)?),
        };
        let registry = self.registry()?;
        // A proof made before the délégué was withdrawn no longer counts.
        let Some(delegue) = registry.delegue(by.rpps()) else {
            return Err(Refusal::UnknownDelegue(by.rpps().to_string()).into());
        };
        let record = SurveyRecord {
            v: 1,
            by: delegue.rpps.to_string(),
            profession: delegue.profession.as_str().to_string(),
            protocol: protocol.identity.clone(),
            training: crate::act::training_reason(protocol, &registry).is_some(),
            recorded_at: now,
            declined,
            answers,
        };
        let quarter = record.quarter();
        let name = delegue.name.clone();
        let (seq, _) = self.write(|tx| {
            if responded(tx, by.rpps(), &protocol.identity.id, quarter)? {
                return Err(Error::input(
                    "questionnaire",
                    format!(
                        "{name} a déjà répondu au questionnaire du {} (ou l'a remis à plus tard)",
                        quarter.name_fr()
                    ),
                ));
            }
            chain::append(tx, Kind::Survey, &to_bytes(&record), Typed::Unknown)
        })?;
        Ok(seq)
    }

    /// The survey entries of `first..=last`, for a report's window.
    pub fn surveys_between(&self, first: u64, last: u64) -> Result<Vec<(u64, SurveyRecord)>> {
        surveys_in(&self.conn, first, last)
    }
}
