//! `[followup]` and its `[[followup.calls]]`; `[adverse_events]`.

use super::*;
use crate::protocol::adverse::{AdverseEvents, AdverseNature, NatureDef};
use crate::protocol::followup::{Ask, FollowupPlan, PlannedCall};

pub(super) fn build_followup(
    cx: &mut Cx,
    raw: &RawProtocol,
    urgencies: &[Urgency],
) -> Option<FollowupPlan> {
    let f = raw.followup.as_ref()?.get_ref();
    let attempts = cx.count(&f.attempts, "attempts (appels sans réponse)", 1);
    if *f.attempts.get_ref() > FollowupPlan::MAX_ATTEMPTS {
        cx.err(
            f.attempts.span(),
            format!(
                "attempts = {} : au plus {} appels sans réponse avant « injoignable »",
                f.attempts.get_ref(),
                FollowupPlan::MAX_ATTEMPTS
            ),
            Some("par exemple « attempts = 3 »".into()),
        );
    }
    let window_days = days(cx, &f.window_days, "window_days", 1);
    if f.calls.is_empty() {
        cx.err(
            raw.followup.as_ref().map_or(0..0, |s| s.span()),
            "[followup] sans appel",
            Some("ajoutez au moins un [[followup.calls]] (id, title, after_days, ask)".into()),
        );
    }
    if let Some(c) = f.calls.get(FollowupPlan::MAX_CALLS) {
        cx.err(
            c.span(),
            format!(
                "trop d'appels de suivi ({}) : au plus {}",
                f.calls.len(),
                FollowupPlan::MAX_CALLS
            ),
            None,
        );
        return None;
    }
    let mut seen = BTreeMap::new();
    let calls = f
        .calls
        .iter()
        .map(|c| {
            let c = c.get_ref();
            cx.unique(&mut seen, &c.id, "appel de suivi");
            if let Some(u) = &c.urgency
                && !urgencies.iter().any(|x| x.id == u.get_ref().trim())
            {
                let known: Vec<&str> = urgencies.iter().map(|x| x.id.as_str()).collect();
                cx.err(
                    u.span(),
                    format!(
                        "urgence « {} » inconnue",
                        crate::text::quote(u.get_ref().trim())
                    ),
                    Some(format!("urgences déclarées : {}", known.join(", "))),
                );
            }
            PlannedCall {
                id: c.id.get_ref().trim().to_string(),
                title: cx.text(&c.title, "le titre de l'appel"),
                after_days: days(cx, &c.after_days, "after_days", 0),
                urgency: c.urgency.as_ref().map(|u| u.get_ref().trim().to_string()),
                ask: asks(cx, &c.ask),
            }
        })
        .collect();
    Some(FollowupPlan {
        attempts,
        window_days,
        calls,
    })
}

/// A number of days from `min` to [`FollowupPlan::MAX_DAYS`].
fn days(cx: &mut Cx, n: &S<i64>, what: &str, min: i64) -> u32 {
    let v = cx.count(n, what, min);
    if *n.get_ref() > FollowupPlan::MAX_DAYS {
        cx.err(
            n.span(),
            format!(
                "{what} = {} : au plus {} jours",
                n.get_ref(),
                FollowupPlan::MAX_DAYS
            ),
            None,
        );
    }
    v
}

fn asks(cx: &mut Cx, list: &S<Vec<S<String>>>) -> Vec<Ask> {
    let names: Vec<&str> = Ask::ALL.iter().map(|a| a.name()).collect();
    if list.get_ref().is_empty() {
        cx.err(
            list.span(),
            "appel sans question",
            Some(format!(
                "« ask » nomme ce que l'appel demande : {}",
                names.join(", ")
            )),
        );
    }
    let mut out = Vec::new();
    for item in list.get_ref() {
        match Ask::parse(item.get_ref().trim()) {
            Some(a) if out.contains(&a) => cx.err(
                item.span(),
                format!("« {} » demandé deux fois", a.name()),
                Some("retirez le doublon".into()),
            ),
            Some(a) => out.push(a),
            None => cx.err(
                item.span(),
                format!(
                    "question de suivi « {} » inconnue",
                    crate::text::quote(item.get_ref())
                ),
                Some(format!("possibles : {}", names.join(", "))),
            ),
        }
    }
    out
}

/// `[adverse_events]`: at least one nature, each a plain id once, with a
/// label; without the section, the first versions' list.
pub(super) fn build_adverse(cx: &mut Cx, raw: &RawProtocol) -> AdverseEvents {
    let Some(a) = &raw.adverse_events else {
        return AdverseEvents::legacy();
    };
    let a = a.get_ref();
    let list = a.natures.get_ref();
    if list.is_empty() {
        cx.err(
            a.natures.span(),
            "aucune nature d'événement indésirable",
            Some("listez-les : natures = [{ id = \"allergie\", label = \"réaction allergique\" }, …]".into()),
        );
    }
    if let Some(n) = list.get(AdverseEvents::MAX_NATURES) {
        cx.err(
            n.span(),
            format!(
                "trop de natures d'événement indésirable ({}) : au plus {}",
                list.len(),
                AdverseEvents::MAX_NATURES
            ),
            None,
        );
        return AdverseEvents::legacy();
    }
    let mut natures: Vec<NatureDef> = Vec::new();
    for n in list {
        let n = n.get_ref();
        let raw_id = n.id.get_ref().trim();
        let label = cx.text(&n.label, "le libellé de la nature");
        match AdverseNature::parse(raw_id) {
            Some(id) if natures.iter().any(|x| x.id == id) => cx.err(
                n.id.span(),
                format!("nature « {id} » en double"),
                Some("chaque nature a son identifiant".into()),
            ),
            Some(id) => natures.push(NatureDef { id, label }),
            None => cx.err(
                n.id.span(),
                format!(
                    "identifiant de nature « {} » : lettres minuscules sans accent, chiffres et « _ », au plus 64 caractères",
                    crate::text::quote(raw_id)
                ),
                None,
            ),
        }
    }
    AdverseEvents {
        natures,
        pharmacovigilance: cx.opt_text(&a.pharmacovigilance, "le texte de pharmacovigilance"),
    }
}
