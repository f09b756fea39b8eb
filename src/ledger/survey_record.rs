//! What a `survey` entry records: a délégué's answers to the protocol's
//! quarterly questionnaire, or that she put it off to the next quarter.
//! Not tied to an act: it is about the protocol, not a patient.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;
use serde::{Deserialize, Serialize};

use crate::calendar::Quarter;
use crate::protocol::{Identity, SurveyAnswer};

/// Stored payload of a `survey` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyRecord {
    pub v: u32,
    /// RPPS of the délégué; kept on the device (one questionnaire a
    /// quarter each), never written in a report.
    pub by: String,
    /// Her profession (`pharmacien`…), which the reports keep.
    pub profession: String,
    pub protocol: Identity,
    /// The device was a training one (its answers count in no report to
    /// the ARS).
    pub training: bool,
    pub recorded_at: DateTime<Utc>,
    /// Put off to the next quarter: no answer.
    pub declined: bool,
    /// In the questionnaire's order; empty when declined.
    pub answers: Vec<SurveyAnswer>,
}

impl SurveyRecord {
    /// The Paris day it was recorded.
    pub fn day(&self) -> NaiveDate {
        self.recorded_at.with_timezone(&Paris).date_naive()
    }

    pub fn quarter(&self) -> Quarter {
        Quarter::of_instant(self.recorded_at)
    }
}

/// What the délégué chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SurveyResponse {
    Answered(Vec<SurveyAnswer>),
    /// « Plus tard »: asked again next quarter.
    Declined,
}
