//! `[[questions]]`: the kiosk screens, and that every fact is asked somewhere.

use super::*;

pub(super) fn build_questions(
    cx: &mut Cx,
    raw: &RawProtocol,
    scope: &Scope,
    patient: Option<&PatientFacts>,
) -> Vec<Question> {
    let mut seen = BTreeMap::new();
    let mut asked: BTreeMap<FactId, String> = BTreeMap::new();
    let mut out = Vec::new();
    for q in &raw.questions {
        let q = q.get_ref();
        cx.unique(&mut seen, &q.id, "question");
        let qid = q.id.get_ref().trim().to_string();
        if q.facts.get_ref().is_empty() {
            cx.err(
                q.facts.span(),
                format!("la question « {qid} » ne renseigne aucun fait"),
                Some("listez dans « facts » les faits que cet écran demande".into()),
            );
        }
        let mut facts = Vec::new();
        for f in q.facts.get_ref() {
            let Some((id, _)) = scope.fact(f.get_ref()) else {
                let names = scope.fact_names();
                cx.err(
                    f.span(),
                    format!(
                        "fait inconnu « {} » dans la question « {qid} »",
                        f.get_ref()
                    ),
                    expr::closest(f.get_ref(), &names)
                        .map(|b| format!("vouliez-vous dire « {b} » ?")),
                );
                continue;
            };
            if patient.is_some_and(|p| p.sets(id)) {
                cx.err(
                    f.span(),
                    format!(
                        "« {} » est renseigné par l'écran Patient, pas par une question",
                        f.get_ref()
                    ),
                    Some("retirez-le de cette question".into()),
                );
                continue;
            }
            if let Some(other) = asked.get(&id) {
                cx.err(
                    f.span(),
                    format!(
                        "le fait « {} » est déjà demandé par la question « {other} »",
                        f.get_ref()
                    ),
                    Some("un fait n'est demandé qu'une fois : retirez-le de l'une des deux".into()),
                );
                continue;
            }
            asked.insert(id, qid.clone());
            facts.push(id);
        }
        let has_bool = facts.iter().any(|f| scope.facts[f.index()].ty.is_bool());
        let none = cx.opt_text(&q.none, "le libellé « aucun »");
        if has_bool && none.is_none() {
            cx.err(
                q.id.span(),
                format!("la question « {qid} » a des cases à cocher mais pas de réponse « aucun » explicite"),
                Some("ajoutez none = \"Aucun de ces signes\" : au comptoir, rien n'est coché par défaut".into()),
            );
        }
        out.push(Question {
            id: qid,
            theme: cx.text(&q.theme, "le thème"),
            title: cx.text(&q.title, "le titre"),
            help: cx.opt_text(&q.help, "l'aide"),
            facts,
            none,
        });
    }
    if raw.questions.is_empty() {
        missing(cx, "[questions]", "[[questions]] id = \"signes_alerte\" …");
    }
    // Every fact must be set somewhere, or the kiosk could never ask it.
    for (i, f) in raw.facts.iter().enumerate() {
        let id = FactId(i as u16);
        let from_patient = patient.is_some_and(|p| p.sets(id));
        if !from_patient
            && !asked.contains_key(&id)
            && scope.index.get(f.get_ref().id.get_ref().trim()) == Some(&id)
        {
            cx.err(
                f.get_ref().id.span(),
                format!("le fait « {} » n'est demandé par aucune question", f.get_ref().id.get_ref()),
                Some("ajoutez-le aux « facts » d'une question, sinon le kiosque ne peut pas le renseigner".into()),
            );
        }
    }
    out
}
