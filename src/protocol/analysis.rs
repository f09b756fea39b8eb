//! Proofs over a protocol's rules, run when the file is loaded.
//!
//! Conditions only compare facts with constants, so every fact has finitely
//! many *distinguishable* values: both booleans, and for a number its bounds,
//! each threshold used anywhere and its immediate neighbours. Searching that
//! finite space (with three-valued pruning) answers exactly whether a rule can
//! ever be the first to apply, whether some patient falls through every rule,
//! and whether a medicine line can ever be proposed.

use super::expr::{Env, Expr, Lookup, Tri};
use super::fact::{FactDef, FactId, FactType, Fixed, Sex, Value};
use super::{Condition, Decision, Medicine, MedicineId, Rule, RuleId};

/// The candidate values of every fact.
pub struct Space {
    candidates: Vec<Vec<Lookup>>,
}

impl Space {
    pub fn new(
        facts: &[FactDef],
        rules: &[Rule],
        medicines: &[Medicine],
        adult_when: &Condition,
    ) -> Space {
        let mut thresholds: Vec<Vec<Fixed>> = vec![Vec::new(); facts.len()];
        let mut collect = |e: &Expr| collect_thresholds(e, &mut thresholds);
        rules
            .iter()
            .flat_map(|r| &r.items)
            .for_each(|i| collect(&i.condition.expr));
        medicines.iter().for_each(|m| collect(&m.when.expr));
        collect(&adult_when.expr);
        let candidates = facts
            .iter()
            .zip(thresholds)
            .map(|(f, ts)| candidates(f, &ts))
            .collect();
        Space { candidates }
    }
}

fn collect_thresholds(e: &Expr, out: &mut [Vec<Fixed>]) {
    match e {
        Expr::Cmp(id, _, v) => out[id.index()].push(*v),
        Expr::Not(e) => collect_thresholds(e, out),
        Expr::And(es) | Expr::Or(es) => es.iter().for_each(|e| collect_thresholds(e, out)),
        _ => {}
    }
}

fn candidates(f: &FactDef, thresholds: &[Fixed]) -> Vec<Lookup> {
    let (min, max, step) = match f.ty {
        FactType::Bool => {
            return vec![
                Lookup::Known(Value::Bool(false)),
                Lookup::Known(Value::Bool(true)),
            ];
        }
        FactType::Sex => {
            let mut out = vec![
                Lookup::Known(Value::Sex(Sex::F)),
                Lookup::Known(Value::Sex(Sex::M)),
            ];
            if !f.required {
                out.push(Lookup::Absent);
            }
            return out;
        }
        FactType::Integer { min, max } => (min, max, Fixed::SCALE),
        FactType::Number {
            min, max, decimals, ..
        } => (min, max, 10i64.pow(3 - u32::from(decimals.min(3)))),
    };
    let mut values = vec![min, max];
    for t in thresholds {
        for v in [t.0 - step, t.0, t.0 + step] {
            // A fact only takes values of its precision (whole numbers for
            // an integer): round the neighbours down to that grid.
            let v = Fixed(v.div_euclid(step) * step);
            if v >= min && v <= max {
                values.push(v);
            }
        }
    }
    values.sort();
    values.dedup();
    let mut out: Vec<Lookup> = values
        .into_iter()
        .map(|v| Lookup::Known(Value::Num(v)))
        .collect();
    if !f.required {
        out.push(Lookup::Absent);
    }
    out
}

/// A partial assignment of facts; unassigned facts are unknown.
struct Assign(Vec<Lookup>);

impl Env for Assign {
    fn lookup(&self, fact: FactId) -> Lookup {
        self.0[fact.index()]
    }
}

/// How much work one protocol's proofs may do, counted in rule evaluations
/// (each partial assignment visited costs the rules it evaluates). The
/// bundled protocol needs about 19 000; a file whose
/// conditions would need more than this is refused as too complex rather
/// than left to search for hours.
pub const SEARCH_BUDGET: u64 = 5_000_000;

/// What the proofs may still spend, and what one visited assignment costs
/// (the rules its predicate evaluates).
pub struct Budget {
    pub left: u64,
    per_node: u64,
}

impl Budget {
    pub fn new() -> Budget {
        Budget {
            left: SEARCH_BUDGET,
            per_node: 1,
        }
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new()
    }
}

/// The proofs ran out of [`SEARCH_BUDGET`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooComplex;

/// What one search found.
type Found = Result<Option<Vec<(FactId, Lookup)>>, TooComplex>;

/// Depth-first search for an assignment making `pred` true, spending
/// `budget` (shared by every search of one load).
fn search(
    space: &Space,
    order: &[FactId],
    budget: &mut Budget,
    pred: &dyn Fn(&Assign) -> Tri,
) -> Found {
    fn go(
        space: &Space,
        order: &[FactId],
        i: usize,
        env: &mut Assign,
        budget: &mut Budget,
        pred: &dyn Fn(&Assign) -> Tri,
    ) -> Result<bool, TooComplex> {
        budget.left = budget.left.checked_sub(budget.per_node).ok_or(TooComplex)?;
        match pred(env) {
            Tri::True => return Ok(true),
            Tri::False => return Ok(false),
            Tri::Unknown => {}
        }
        let Some(&fact) = order.get(i) else {
            return Ok(false);
        };
        for &c in &space.candidates[fact.index()] {
            env.0[fact.index()] = c;
            if go(space, order, i + 1, env, budget, pred)? {
                return Ok(true);
            }
        }
        env.0[fact.index()] = Lookup::Unknown;
        Ok(false)
    }
    let mut env = Assign(vec![Lookup::Unknown; space.candidates.len()]);
    let found = go(space, order, 0, &mut env, budget, pred)?;
    Ok(found.then(|| {
        order
            .iter()
            .filter(|f| env.0[f.index()] != Lookup::Unknown)
            .map(|f| (*f, env.0[f.index()]))
            .collect()
    }))
}

fn too_complex() -> (String, Option<String>) {
    (
        "protocole trop complexe pour être vérifié : les conditions combinent trop de faits".into(),
        Some("simplifiez les conditions (moins de faits par règle, des groupes) ou découpez les règles".into()),
    )
}

/// Facts read by these conditions, in order of first appearance.
fn order_of<'a>(exprs: impl Iterator<Item = &'a Expr>) -> Vec<FactId> {
    let mut all = Vec::new();
    exprs.for_each(|e| e.facts(&mut all));
    let mut seen = std::collections::BTreeSet::new();
    all.retain(|f| seen.insert(*f));
    all
}

fn holds(rule: &Rule, env: &impl Env) -> Tri {
    let mut result = Tri::False;
    for item in &rule.items {
        match item.condition.expr.eval(env) {
            Tri::True => return Tri::True,
            Tri::Unknown => result = Tri::Unknown,
            Tri::False => {}
        }
    }
    result
}

fn and(a: Tri, b: Tri) -> Tri {
    match (a, b) {
        (Tri::False, _) | (_, Tri::False) => Tri::False,
        (Tri::True, Tri::True) => Tri::True,
        _ => Tri::Unknown,
    }
}

fn not(a: Tri) -> Tri {
    match a {
        Tri::True => Tri::False,
        Tri::False => Tri::True,
        Tri::Unknown => Tri::Unknown,
    }
}

/// Rule `i` is the first to apply.
fn first(rules: &[Rule], i: usize, env: &impl Env) -> Tri {
    let mut t = holds(&rules[i], env);
    for r in &rules[..i] {
        if t == Tri::False {
            break;
        }
        t = and(t, not(holds(r, env)));
    }
    t
}

/// Some rule taking the patient in charge is the first to apply.
fn included(rules: &[Rule], env: &impl Env) -> Tri {
    let mut result = Tri::False;
    for (i, r) in rules.iter().enumerate() {
        if matches!(r.decides, Decision::TakeInCharge(_)) {
            match first(rules, i, env) {
                Tri::True => return Tri::True,
                Tri::Unknown => result = Tri::Unknown,
                Tri::False => {}
            }
        }
    }
    result
}

pub struct RuleProblem {
    pub rule: Option<RuleId>,
    pub message: String,
    pub hint: Option<String>,
}

pub struct LineProblem {
    pub medicine: MedicineId,
    pub message: String,
    pub hint: Option<String>,
}

/// Rules that can never apply, and patients no rule decides.
pub fn check_rules(
    space: &Space,
    facts: &[FactDef],
    rules: &[Rule],
    budget: &mut Budget,
) -> Vec<RuleProblem> {
    // `first(rules, i)` evaluates up to every rule.
    budget.per_node = rules.len().max(1) as u64;
    let order = order_of(
        rules
            .iter()
            .flat_map(|r| &r.items)
            .map(|i| &i.condition.expr),
    );
    let mut out = Vec::new();
    for i in 0..rules.len() {
        let found = match search(space, &order, budget, &|env| first(rules, i, env)) {
            Ok(found) => found,
            Err(TooComplex) => {
                let (message, hint) = too_complex();
                out.push(RuleProblem {
                    rule: Some(RuleId(i as u16)),
                    message,
                    hint,
                });
                return out;
            }
        };
        if found.is_none() {
            out.push(RuleProblem {
                rule: Some(RuleId(i as u16)),
                message: format!("la règle « {} » ne peut jamais s'appliquer", rules[i].id),
                hint: Some(if i == 0 {
                    "sa condition est impossible : vérifiez les comparaisons".into()
                } else {
                    "les règles précédentes décident déjà de tous ses cas : déplacez-la plus haut ou corrigez sa condition".into()
                }),
            });
        }
    }
    let none_applies = |env: &Assign| {
        let mut t = Tri::True;
        for r in rules {
            t = and(t, not(holds(r, env)));
            if t == Tri::False {
                break;
            }
        }
        t
    };
    let example = match search(space, &order, budget, &none_applies) {
        Ok(example) => example,
        Err(TooComplex) => {
            let (message, hint) = too_complex();
            out.push(RuleProblem {
                rule: None,
                message,
                hint,
            });
            return out;
        }
    };
    if let Some(example) = example {
        out.push(RuleProblem {
            rule: rules.len().checked_sub(1).map(|i| RuleId(i as u16)),
            message: format!(
                "aucune règle ne décide pour certains patients, par exemple : {}",
                describe(facts, &example)
            ),
            hint: Some("ajoutez une dernière règle qui s'applique toujours (when_any = [\"true\"]) ou complétez les conditions".into()),
        });
    }
    out
}

/// Medicine lines that can never be proposed to an included patient.
pub fn check_lines(
    space: &Space,
    _facts: &[FactDef],
    rules: &[Rule],
    medicines: &[Medicine],
    adult_when: &Condition,
    budget: &mut Budget,
) -> Vec<LineProblem> {
    // `included` evaluates each inclusion rule after all earlier ones.
    let r = rules.len().max(1) as u64;
    budget.per_node = r.saturating_mul(r);
    let mut out = Vec::new();
    for (i, m) in medicines.iter().enumerate() {
        let needs_adult = m.by_weight.is_none() && !m.weight_independent;
        let order = order_of(
            rules
                .iter()
                .flat_map(|r| &r.items)
                .map(|i| &i.condition.expr)
                .chain([&m.when.expr, &adult_when.expr]),
        );
        let pred = |env: &Assign| {
            let mut t = and(included(rules, env), m.when.expr.eval(env));
            if needs_adult {
                t = and(t, adult_when.expr.eval(env));
            }
            t
        };
        let found = match search(space, &order, budget, &pred) {
            Ok(found) => found,
            Err(TooComplex) => {
                let (message, hint) = too_complex();
                out.push(LineProblem {
                    medicine: MedicineId(i as u16),
                    message,
                    hint,
                });
                return out;
            }
        };
        if found.is_none() {
            out.push(LineProblem {
                medicine: MedicineId(i as u16),
                message: format!("la ligne « {} » ne peut jamais être proposée à un patient pris en charge", m.id),
                hint: Some(if needs_adult {
                    "sa condition « when » est incompatible avec l'inclusion ou avec la posologie adulte (elle n'a pas de posologie au poids)".into()
                } else {
                    "sa condition « when » est incompatible avec les règles d'inclusion".into()
                }),
            });
        }
    }
    out
}

fn describe(facts: &[FactDef], assignment: &[(FactId, Lookup)]) -> String {
    let mut parts = Vec::new();
    let mut all_false = true;
    for (f, v) in assignment {
        let id = &facts[f.index()].id;
        match v {
            Lookup::Known(Value::Bool(true)) => {
                parts.push(id.clone());
                all_false = false;
            }
            Lookup::Known(Value::Num(n)) => parts.push(format!("{id} = {n}")),
            Lookup::Known(Value::Sex(sex)) => parts.push(format!("{id} = {}", sex.as_str())),
            Lookup::Absent => parts.push(format!("{id} non renseigné")),
            _ => {}
        }
    }
    if all_false {
        parts.push("aucun fait oui/non à oui".into());
    }
    parts.join(", ")
}
