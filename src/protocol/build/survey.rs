//! `[survey]` and its `[[survey.questions]]`.

use super::*;
use crate::protocol::survey::{Survey, SurveyQuestion};

pub(super) fn build_survey(cx: &mut Cx, raw: &RawProtocol) -> Option<Survey> {
    let section = raw.survey.as_ref()?;
    let s = section.get_ref();
    let title = cx.text(&s.title, "le titre du questionnaire");
    let intro = cx.opt_text(&s.intro, "l'introduction du questionnaire");
    if s.questions.is_empty() {
        cx.err(
            section.span(),
            "[survey] sans question",
            Some("ajoutez au moins un [[survey.questions]] (id, text)".into()),
        );
    }
    if let Some(q) = s.questions.get(Survey::MAX_QUESTIONS) {
        cx.err(
            q.span(),
            format!(
                "trop de questions ({}) : au plus {}, le questionnaire se remplit au comptoir",
                s.questions.len(),
                Survey::MAX_QUESTIONS
            ),
            None,
        );
        return None;
    }
    let mut seen = BTreeMap::new();
    let questions: Vec<SurveyQuestion> = s
        .questions
        .iter()
        .map(|q| {
            let q = q.get_ref();
            cx.unique(&mut seen, &q.id, "question du questionnaire");
            SurveyQuestion {
                id: q.id.get_ref().trim().to_string(),
                text: cx.text(&q.text, "le texte de la question"),
            }
        })
        .collect();
    let satisfaction = s.satisfaction.get_ref().trim().to_string();
    if !questions.iter().any(|q| q.id == satisfaction) {
        let known: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
        cx.err(
            s.satisfaction.span(),
            format!(
                "satisfaction = « {} » : aucune question ne porte cet identifiant",
                crate::text::quote(&satisfaction)
            ),
            Some(format!(
                "nommez la question de satisfaction globale parmi : {}",
                known.join(", ")
            )),
        );
    }
    Some(Survey {
        title,
        intro,
        questions,
        satisfaction,
    })
}
