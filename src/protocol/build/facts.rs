//! `[[facts]]` and `[groups]`: the protocol's vocabulary.

use super::*;

pub(super) fn fact_of_type(
    cx: &mut Cx,
    scope: &Scope,
    name: &S<String>,
    ok: impl Fn(&FactType) -> bool,
    expected: &str,
) -> Option<FactId> {
    match scope.fact(name.get_ref()) {
        Some((id, ty)) if ok(ty) => Some(id),
        Some(_) => {
            cx.err(
                name.span(),
                format!("le fait « {} » doit être {expected}", name.get_ref()),
                None,
            );
            None
        }
        None => {
            let names = scope.fact_names();
            cx.err(
                name.span(),
                format!("fait inconnu « {} »", name.get_ref()),
                expr::closest(name.get_ref(), &names)
                    .map(|b| format!("vouliez-vous dire « {b} » ?")),
            );
            None
        }
    }
}

pub(super) fn build_facts(cx: &mut Cx, raw: &RawProtocol) -> Scope {
    let mut facts = Vec::new();
    let mut index = BTreeMap::new();
    let mut seen = BTreeMap::new();
    if raw.facts.is_empty() {
        missing(cx, "[facts]", "[[facts]] id = \"age_years\" …");
    }
    if raw.facts.len() > MAX_FACTS {
        cx.err(
            raw.facts[MAX_FACTS].span(),
            format!(
                "trop de faits ({}) : un protocole en déclare au plus {MAX_FACTS}",
                raw.facts.len()
            ),
            None,
        );
        return Scope {
            facts: Vec::new(),
            index: BTreeMap::new(),
            groups: BTreeMap::new(),
        };
    }
    for f in &raw.facts {
        let f = f.get_ref();
        let unique = cx.unique(&mut seen, &f.id, "fait");
        let no_decimals = |cx: &mut Cx, what: &str| {
            if let Some(d) = &f.decimals {
                cx.err(
                    d.span(),
                    format!(
                        "« decimals » n'a pas de sens pour le fait {what} « {} »",
                        f.id.get_ref()
                    ),
                    Some("supprimez « decimals » ou choisissez le type number".into()),
                );
            }
        };
        let ty = match f.ty.get_ref().as_str() {
            "bool" => {
                no_decimals(cx, "oui/non");
                for (v, name) in [(&f.min, "min"), (&f.max, "max")] {
                    if let Some(v) = v {
                        cx.err(
                            v.span(),
                            format!(
                                "« {name} » n'a pas de sens pour le fait oui/non « {} »",
                                f.id.get_ref()
                            ),
                            Some(format!("supprimez « {name} » ou changez le type")),
                        );
                    }
                }
                FactType::Bool
            }
            t @ ("integer" | "number") => {
                let bound = |cx: &mut Cx, v: &Option<S<RawNum>>, name: &str| match v {
                    Some(n) => cx.number(n, name),
                    None => {
                        cx.err(
                            f.id.span(),
                            format!(
                                "le fait numérique « {} » n'a pas de « {name} »",
                                f.id.get_ref()
                            ),
                            Some("donnez les bornes min et max des valeurs acceptées".into()),
                        );
                        None
                    }
                };
                let min = bound(cx, &f.min, "min").unwrap_or(Fixed(0));
                let max = bound(cx, &f.max, "max").unwrap_or(Fixed(0));
                if min > max {
                    cx.err(
                        f.id.span(),
                        format!(
                            "min ({min}) est plus grand que max ({max}) pour « {} »",
                            f.id.get_ref()
                        ),
                        None,
                    );
                }
                if t == "integer" {
                    no_decimals(cx, "entier");
                    if !min.is_integer() || !max.is_integer() {
                        cx.err(
                            f.id.span(),
                            format!(
                                "les bornes du fait entier « {} » doivent être entières",
                                f.id.get_ref()
                            ),
                            None,
                        );
                    }
                    FactType::Integer { min, max }
                } else {
                    let decimals = match &f.decimals {
                        Some(d) if (0..=3).contains(d.get_ref()) => *d.get_ref() as u8,
                        Some(d) => {
                            cx.err(
                                d.span(),
                                format!("decimals = {} : entre 0 et 3 décimales", d.get_ref()),
                                None,
                            );
                            3
                        }
                        None => {
                            cx.err(
                                f.id.span(),
                                format!(
                                    "le fait numérique « {} » ne dit pas sa précision (« decimals »)",
                                    f.id.get_ref()
                                ),
                                Some(
                                    "ajoutez par exemple « decimals = 1 » : une valeur plus précise sera refusée, jamais arrondie"
                                        .into(),
                                ),
                            );
                            3
                        }
                    };
                    for (v, name) in [(min, "min"), (max, "max")] {
                        if !v.has_at_most_decimals(decimals) {
                            cx.err(
                                f.id.span(),
                                format!(
                                    "{name} = {v} a plus de {decimals} décimale{} pour « {} »",
                                    if decimals > 1 { "s" } else { "" },
                                    f.id.get_ref()
                                ),
                                None,
                            );
                        }
                    }
                    FactType::Number { min, max, decimals }
                }
            }
            "sex" => {
                no_decimals(cx, "sexe");
                for (v, name) in [(&f.min, "min"), (&f.max, "max")] {
                    if let Some(v) = v {
                        cx.err(
                            v.span(),
                            format!(
                                "« {name} » n'a pas de sens pour le fait sexe « {} »",
                                f.id.get_ref()
                            ),
                            Some(format!("supprimez « {name} »")),
                        );
                    }
                }
                FactType::Sex
            }
            other => {
                cx.err(
                    f.ty.span(),
                    format!("type de fait inconnu « {other} »"),
                    Some("types possibles : bool, integer, number, sex".into()),
                );
                FactType::Bool
            }
        };
        let default = (ty.is_bool() && !f.required).then_some(Value::Bool(false));
        let def = FactDef {
            id: f.id.get_ref().trim().to_string(),
            label: cx.text(&f.label, "la question (label)"),
            help: cx.opt_text(&f.help, "l'aide"),
            picture: cx.opt_text(&f.picture, "le tableau clinique"),
            unit: cx.opt_text(&f.unit, "l'unité"),
            required: f.required,
            default,
            ty,
            statement: cx.opt_text(&f.statement, "l'énoncé du motif (statement)"),
            // Read once every fact is known: see `ask_when`.
            ask_when: None,
        };
        if unique {
            index.insert(def.id.clone(), FactId(facts.len() as u16));
        }
        facts.push(def);
    }
    let mut groups = BTreeMap::new();
    if let Some(g) = &raw.groups {
        for (name, members) in g.get_ref() {
            if index.contains_key(name) {
                cx.err(
                    members.span(),
                    format!("le groupe « {name} » porte le nom d'un fait"),
                    Some("renommez le groupe".into()),
                );
            }
            if members.get_ref().is_empty() {
                cx.err(
                    members.span(),
                    format!("le groupe « {name} » est vide"),
                    None,
                );
            }
            let mut ids = Vec::new();
            for m in members.get_ref() {
                match index.get(m.get_ref().as_str()) {
                    Some(&id) if facts[id.index()].ty.is_bool() => ids.push(id),
                    Some(_) => cx.err(
                        m.span(),
                        format!("le groupe « {name} » ne peut contenir que des faits oui/non ; « {} » n'en est pas un", m.get_ref()),
                        None,
                    ),
                    None => {
                        let names: Vec<&str> = facts.iter().map(|f: &FactDef| f.id.as_str()).collect();
                        cx.err(
                            m.span(),
                            format!("fait inconnu « {} » dans le groupe « {name} »", m.get_ref()),
                            expr::closest(m.get_ref(), &names).map(|b| format!("vouliez-vous dire « {b} » ?")),
                        );
                    }
                }
            }
            groups.insert(name.clone(), ids);
        }
    }
    Scope {
        facts,
        index,
        groups,
    }
}

/// Each fact's `ask_when`, read once the Patient screen's facts are known:
/// it may only read those (age, weight, sex), which are set before any
/// question, so whether a question applies never depends on the answers.
/// Only an optional yes/no fact may have one: when it does not apply it
/// is « non », as a question answered « non ».
pub(super) fn build_ask_when(
    cx: &mut Cx,
    raw: &RawProtocol,
    scope: &mut Scope,
    patient: Option<&PatientFacts>,
) {
    let mut found = Vec::new();
    for f in &raw.facts {
        let f = f.get_ref();
        let Some(text) = &f.ask_when else { continue };
        let Some(&id) = scope.index.get(f.id.get_ref().trim()) else {
            continue;
        };
        let def = &scope.facts[id.index()];
        if !def.ty.is_bool() || def.required {
            cx.err(
                text.span(),
                format!(
                    "« ask_when » ne s'applique qu'à un fait oui/non facultatif ; « {} » n'en est pas un",
                    def.id
                ),
                Some("un fait qui ne s'applique pas vaut « non » : il doit pouvoir valoir « non »".into()),
            );
            continue;
        }
        let Some(condition) = cx.condition(text, scope) else {
            continue;
        };
        let mut read = Vec::new();
        condition.expr.facts(&mut read);
        if let Some(p) = patient
            && let Some(other) = read.iter().find(|r| !p.sets(**r))
        {
            cx.err(
                text.span(),
                format!(
                    "« ask_when » de « {} » lit « {} », qui n'est pas un fait de l'écran Patient",
                    def.id,
                    scope.facts[other.index()].id
                ),
                Some(
                    "une condition « ask_when » ne lit que l'âge, le poids et le sexe, connus avant toute question"
                        .into(),
                ),
            );
            continue;
        }
        found.push((id, condition));
    }
    for (id, condition) in found {
        scope.facts[id.index()].ask_when = Some(condition);
    }
}
