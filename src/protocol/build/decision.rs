//! `[[orientations]]`, `[[urgencies]]` and the decision `[[rules]]`.

use super::*;

pub(super) fn build_orientations(cx: &mut Cx, raw: &RawProtocol) -> Vec<Orientation> {
    let mut seen = BTreeMap::new();
    if raw.orientations.is_empty() {
        missing(cx, "[orientations]", "[[orientations]] id = \"urgence\" …");
    }
    raw.orientations
        .iter()
        .map(|o| {
            let o = o.get_ref();
            cx.unique(&mut seen, &o.id, "orientation");
            Orientation {
                id: o.id.get_ref().trim().to_string(),
                title: cx.text(&o.title, "le titre de l'orientation"),
                text: cx.text(&o.text, "le texte de l'orientation"),
                emergency: o.emergency,
            }
        })
        .collect()
}

pub(super) fn build_urgencies(cx: &mut Cx, raw: &RawProtocol) -> Vec<Urgency> {
    let mut seen = BTreeMap::new();
    raw.urgencies
        .iter()
        .map(|u| {
            let u = u.get_ref();
            cx.unique(&mut seen, &u.id, "urgence");
            Urgency {
                id: u.id.get_ref().trim().to_string(),
                title: cx.text(&u.title, "le titre de l'urgence"),
                text: cx.text(&u.text, "le texte de l'urgence"),
                within_days: cx.count(&u.within_days, "le délai (within_days)", 1),
                duty_dentist: u.duty_dentist,
            }
        })
        .collect()
}

pub(super) fn build_rules(
    cx: &mut Cx,
    raw: &RawProtocol,
    scope: &Scope,
    orientations: &[Orientation],
    urgencies: &[Urgency],
) -> (Vec<Rule>, Vec<Range<usize>>) {
    let mut seen = BTreeMap::new();
    let mut rules = Vec::new();
    let mut spans = Vec::new();
    if raw.rules.is_empty() {
        missing(
            cx,
            "[rules]",
            "[[rules]] id = \"urgence\", orientation = \"urgence\", when_any = [ … ]",
        );
    }
    for r in &raw.rules {
        let span = r.span();
        let r = r.get_ref();
        cx.unique(&mut seen, &r.id, "règle");
        let decides = match (&r.orientation, &r.urgency) {
            (Some(o), None) => find(
                cx,
                o,
                orientations.iter().map(|x| x.id.as_str()),
                "orientation",
            )
            .map(|i| Decision::Orient(OrientationId(i as u16))),
            (None, Some(u)) => find(cx, u, urgencies.iter().map(|x| x.id.as_str()), "urgence")
                .map(|i| Decision::TakeInCharge(UrgencyId(i as u16))),
            (Some(o), Some(_)) => {
                cx.err(
                    o.span(),
                    format!("la règle « {} » a à la fois « orientation » et « urgency »", r.id.get_ref()),
                    Some("une règle oriente (hors protocole) ou prend en charge avec une urgence, pas les deux".into()),
                );
                None
            }
            (None, None) => {
                cx.err(
                    r.id.span(),
                    format!("la règle « {} » ne dit pas ce qu'elle décide", r.id.get_ref()),
                    Some("ajoutez orientation = \"…\" (hors protocole) ou urgency = \"…\" (prise en charge)".into()),
                );
                None
            }
        };
        if r.when_any.get_ref().is_empty() {
            cx.err(
                r.when_any.span(),
                format!("la règle « {} » n'a aucune condition", r.id.get_ref()),
                Some("écrivez when_any = [\"true\"] pour une règle qui s'applique toujours".into()),
            );
        }
        let mut items = Vec::new();
        for item in r.when_any.get_ref() {
            let base = item.span().start;
            let (cond, reason) = match item.get_ref() {
                RawWhen::Text(t) => (cx.condition_at(t, base + 1, scope), None),
                RawWhen::Table { cond, reason } => {
                    (cx.condition_at(cond, base, scope), reason.clone())
                }
            };
            let Some(condition) = cond else { continue };
            let reason = match reason {
                Some(reason) if !reason.trim().is_empty() => {
                    let reason = reason.trim().to_string();
                    // A reason is an identifier counted in reports.
                    if reason.len() > 64
                        || !reason
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
                    {
                        cx.err(
                            base..base,
                            format!(
                                "motif « {} » : un identifiant (lettres sans accent, chiffres, « _ », « . », « - »)",
                                crate::text::quote(&reason)
                            ),
                            None,
                        );
                        continue;
                    }
                    reason
                }
                _ => {
                    let mut facts = Vec::new();
                    condition.expr.facts(&mut facts);
                    facts.sort();
                    facts.dedup();
                    match facts.as_slice() {
                        [one] => scope.facts[one.index()].id.clone(),
                        // Reasons are reported for exclusions only.
                        _ if r.urgency.is_some() => condition.text.clone(),
                        _ => {
                            cx.err(
                                base..base,
                                format!("la condition « {} » ne nomme pas un seul fait : son motif doit être précisé", condition.text),
                                Some(format!("écrivez {{ if = \"{}\", reason = \"motif\" }}", condition.text)),
                            );
                            continue;
                        }
                    }
                }
            };
            items.push(RuleItem { condition, reason });
        }
        if let Some(decides) = decides {
            rules.push(Rule {
                id: r.id.get_ref().trim().to_string(),
                decides,
                items,
            });
            spans.push(span);
        }
    }
    (rules, spans)
}

pub(super) fn find<'a>(
    cx: &mut Cx,
    name: &S<String>,
    ids: impl Iterator<Item = &'a str>,
    what: &str,
) -> Option<usize> {
    let ids: Vec<&str> = ids.collect();
    match ids.iter().position(|i| *i == name.get_ref()) {
        Some(i) => Some(i),
        None => {
            let hint = match expr::closest(name.get_ref(), &ids) {
                Some(b) => format!("vouliez-vous dire « {b} » ?"),
                None => format!("{what}s déclarées : {}", ids.join(", ")),
            };
            cx.err(
                name.span(),
                format!("{what} inconnue « {} »", name.get_ref()),
                Some(hint),
            );
            None
        }
    }
}
