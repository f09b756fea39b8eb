//! The professionals' questionnaire a protocol defines (`[survey]`):
//! offered to each délégué once a quarter at sign-in, skippable, its
//! answers counted in the yearly report (CSP D4011-4-1 II asks for the
//! professionals' satisfaction).

use std::collections::BTreeSet;

use crate::error::{Error, Result};

/// `[survey]`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    pub title: String,
    /// What the screen says first: why, how long, who reads it.
    pub intro: Option<String>,
    pub questions: Vec<SurveyQuestion>,
    /// The question whose answers are « the professionals' satisfaction »
    /// of the yearly report.
    pub satisfaction: String,
}

/// One question, answered from 1 (pas du tout) to 5 (tout à fait).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyQuestion {
    /// Stable, recorded with every answer (`global`).
    pub id: String,
    pub text: String,
}

/// One answer, as recorded and reported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    pub question: String,
    pub score: u8,
}

impl Survey {
    /// The most questions a questionnaire may have: it is meant to take a
    /// minute at the counter.
    pub const MAX_QUESTIONS: usize = 10;
    /// The scale of every answer.
    pub const SCORES: std::ops::RangeInclusive<u8> = 1..=5;

    pub fn question(&self, id: &str) -> Option<&SurveyQuestion> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The answers as recorded: each names a question of this
    /// questionnaire once, scores 1 to 5, in the questionnaire's order; at
    /// least one (declining is its own choice). Questions left out stay
    /// unanswered.
    pub fn check(&self, answers: &[SurveyAnswer]) -> Result<Vec<SurveyAnswer>> {
        if answers.is_empty() {
            return Err(Error::input(
                "questionnaire",
                "répondez au moins à une question, ou choisissez « Plus tard »",
            ));
        }
        let mut seen = BTreeSet::new();
        for a in answers {
            if self.question(&a.question).is_none() {
                let known: Vec<&str> = self.questions.iter().map(|q| q.id.as_str()).collect();
                return Err(Error::input(
                    "questionnaire",
                    format!(
                        "question « {} » inconnue (questions : {})",
                        crate::text::quote(&a.question),
                        known.join(", ")
                    ),
                ));
            }
            if !Self::SCORES.contains(&a.score) {
                return Err(Error::input(
                    "questionnaire",
                    format!(
                        "réponse {} à « {} » : de 1 (pas du tout) à 5 (tout à fait)",
                        a.score, a.question
                    ),
                ));
            }
            if !seen.insert(a.question.as_str()) {
                return Err(Error::input(
                    "questionnaire",
                    format!("deux réponses à la question « {} »", a.question),
                ));
            }
        }
        Ok(self
            .questions
            .iter()
            .filter_map(|q| answers.iter().find(|a| a.question == q.id).cloned())
            .collect())
    }
}

/// What the scale's ends mean, for the screen and the CLI.
pub const SCALE_HINT: &str = "1 = pas du tout, 5 = tout à fait";

#[cfg(test)]
mod tests {
    use super::*;

    fn survey() -> Survey {
        Survey {
            title: "Votre avis".into(),
            intro: None,
            questions: vec![
                SurveyQuestion {
                    id: "global".into(),
                    text: "Satisfait ?".into(),
                },
                SurveyQuestion {
                    id: "outil".into(),
                    text: "L'outil aide ?".into(),
                },
            ],
            satisfaction: "global".into(),
        }
    }

    fn a(q: &str, score: u8) -> SurveyAnswer {
        SurveyAnswer {
            question: q.into(),
            score,
        }
    }

    #[test]
    fn answers_are_put_in_the_questionnaire_order() {
        let got = survey().check(&[a("outil", 2), a("global", 5)]).unwrap();
        assert_eq!(got, vec![a("global", 5), a("outil", 2)]);
        assert_eq!(
            survey().check(&[a("outil", 1)]).unwrap(),
            vec![a("outil", 1)]
        );
    }

    #[test]
    fn every_bad_answer_is_refused_in_french() {
        let s = survey();
        for (answers, words) in [
            (vec![], "au moins à une question"),
            (vec![a("autre", 3)], "question « autre » inconnue"),
            (vec![a("global", 0)], "de 1 (pas du tout) à 5"),
            (vec![a("global", 6)], "de 1 (pas du tout) à 5"),
            (
                vec![a("global", 3), a("global", 4)],
                "deux réponses à la question « global »",
            ),
        ] {
            let e = s.check(&answers).unwrap_err().to_string();
            assert!(e.contains(words), "{answers:?}: {e}");
        }
    }
}
