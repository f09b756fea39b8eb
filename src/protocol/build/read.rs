//! Reading the TOML tree section by section, so one bad entry does not hide the others.

use super::*;

pub(super) fn one<T: DeserializeOwned>(cx: &mut Cx, value: Spanned<DeValue<'_>>) -> Option<S<T>> {
    let span = value.span();
    match S::<T>::deserialize(ValueDeserializer::from(value)) {
        Ok(v) => Some(v),
        Err(e) => {
            cx.toml_error(&e, span);
            None
        }
    }
}

pub(super) fn many<T: DeserializeOwned>(
    cx: &mut Cx,
    value: Spanned<DeValue<'_>>,
    key: &str,
) -> Vec<S<T>> {
    let span = value.span();
    match value.into_inner() {
        DeValue::Array(items) => items.into_iter().filter_map(|v| one(cx, v)).collect(),
        _ => {
            cx.err(
                span,
                format!("« {key} » doit être une liste de sections [[{key}]]"),
                Some(format!("écrivez chaque élément sous un en-tête [[{key}]]")),
            );
            Vec::new()
        }
    }
}

pub(super) fn read_raw(cx: &mut Cx) -> Option<RawProtocol> {
    let (root, errors) = DeTable::parse_recoverable(cx.text);
    if !errors.is_empty() {
        for e in &errors {
            cx.toml_error(e, 0..0);
        }
        return None;
    }
    let mut raw = RawProtocol::default();
    for (key, value) in root.into_inner() {
        let span = key.span();
        let name: &str = key.get_ref().as_ref();
        match name {
            "format" => raw.format = one(cx, value),
            "protocol" => raw.protocol = one(cx, value),
            "territory" => raw.territory = one(cx, value),
            "delegants" => raw.delegants = many(cx, value, name),
            "remuneration" => raw.remuneration = one(cx, value),
            "patient" => raw.patient = one(cx, value),
            "dosing" => raw.dosing = one(cx, value),
            "facts" => raw.facts = many(cx, value, name),
            "groups" => raw.groups = one(cx, value),
            "questions" => raw.questions = many(cx, value, name),
            "rules" => raw.rules = many(cx, value, name),
            "orientations" => raw.orientations = many(cx, value, name),
            "urgencies" => raw.urgencies = many(cx, value, name),
            "substances" => raw.substances = many(cx, value, name),
            "medicines" => raw.medicines = many(cx, value, name),
            "advice" => raw.advice = one(cx, value),
            "followup" => raw.followup = one(cx, value),
            "adverse_events" => raw.adverse_events = one(cx, value),
            "survey" => raw.survey = one(cx, value),
            "validation" => raw.validation = one(cx, value),
            other => {
                let hint = match expr::closest(other, SECTIONS) {
                    Some(best) => format!("vouliez-vous dire « {best} » ?"),
                    None => format!("sections possibles : {}", SECTIONS.join(", ")),
                };
                cx.err(span, format!("section inconnue « {other} »"), Some(hint));
            }
        }
    }
    Some(raw)
}
