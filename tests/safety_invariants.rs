//! The protocol's safety invariants, over every reachable case.
//!
//! The bundled protocol file and the generic engine are checked together
//! against an *independent oracle* written straight from the protocol's
//! text (decision order, when each line is proposed, dose limits), never
//! from the file. The space is enumerated, not sampled:
//!
//! - A: all 2^21 combinations of the 21 yes/no facts (12 exclusions, 8
//!   symptoms, pregnancy), for an adult with a moderate pain;
//! - B: all 2^9 combinations of symptoms and pregnancy × every age
//!   (9, 10, 11, 12, 14, 15, 40, 90) × weight (unknown, 25, 29.9, 30, 32,
//!   45, 49.9, 50, 70) × pain (0, 4, 5, 7, 8, 10) × temperature (unknown,
//!   37, 38.5, 38.6), with no exclusion — every path to a prescription;
//! - C: each exclusion alone × the same numeric grid × four symptom sets.
//!
//! Exclusions only ever lead to « no prescription », and each one acts
//! alone (rules are disjunctions), so A and C cover their interactions with
//! numbers while B covers every dose. A proptest (`random_full_space`)
//! additionally samples the full product space.

mod common;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use proptest::prelude::*;
use protocoop::Error;
use protocoop::protocol::{Decision, FactId, Fixed, Protocol, Unit, Value};
use protocoop::triage::{Facts, Outcome, evaluate};

static PROTOCOL: LazyLock<Protocol> = LazyLock::new(Protocol::bundled);

const URGENCE: [&str; 6] = [
    "excl.eye_swelling",
    "excl.floor_of_mouth",
    "excl.dysphagia_trismus",
    "excl.nose_wing",
    "excl.facial_trauma",
    "excl.haemorrhage",
];
const AVIS_24H: [&str; 6] = [
    "excl.immunosuppression",
    "excl.antibiotic_allergy",
    "excl.endocarditis_risk",
    "excl.face_radiotherapy",
    "excl.anticoagulant",
    "excl.severe_renal_failure",
];
const SYMPTOMS: [&str; 8] = [
    "sympt.cold_brushing",
    "sympt.cold_sugar_meals",
    "sympt.heat",
    "sympt.long_tooth_pressure",
    "sympt.abscess",
    "sympt.wisdom_tooth",
    "sympt.mobile_teeth",
    "sympt.cellulitis",
];
const AGES: [i64; 8] = [9, 10, 11, 12, 14, 15, 40, 90];
const WEIGHTS: [Option<f64>; 9] = [
    None,
    Some(25.0),
    Some(29.9),
    Some(30.0),
    Some(32.0),
    Some(45.0),
    Some(49.9),
    Some(50.0),
    Some(70.0),
];
const PAINS: [i64; 6] = [0, 4, 5, 7, 8, 10];
const TEMPS: [Option<f64>; 4] = [None, Some(37.0), Some(38.5), Some(38.6)];

/// The documented rounding step of weight-based doses (10 mg).
const STEP_MG: i64 = 10;

#[derive(Debug, Clone, Copy)]
struct Case {
    age: i64,
    weight: Option<f64>,
    pain: i64,
    temp: Option<f64>,
    pregnant: bool,
    /// URGENCE then AVIS_24H.
    excl: [bool; 12],
    sympt: [bool; 8],
}

impl Case {
    fn has(&self, symptom: &str) -> bool {
        self.sympt[SYMPTOMS.iter().position(|s| *s == symptom).unwrap()]
    }
}

struct Ids {
    age: FactId,
    weight: FactId,
    pain: FactId,
    temp: FactId,
    pregnant: FactId,
    excl: Vec<FactId>,
    sympt: Vec<FactId>,
}

impl Ids {
    fn new(p: &Protocol) -> Ids {
        let id = |s: &str| p.fact_id(s).unwrap_or_else(|| panic!("fact {s}"));
        Ids {
            age: id("age_years"),
            weight: id("weight_kg"),
            pain: id("pain_score"),
            temp: id("temperature_c"),
            pregnant: id("pregnant"),
            excl: URGENCE.iter().chain(&AVIS_24H).map(|s| id(s)).collect(),
            sympt: SYMPTOMS.iter().map(|s| id(s)).collect(),
        }
    }

    fn facts(&self, p: &Protocol, c: &Case) -> Facts {
        let mut f = Facts::new(p);
        let num = |x: f64| Value::Num(Fixed::from_f64(x).unwrap());
        f.set(p, self.age, num(c.age as f64)).unwrap();
        match c.weight {
            Some(w) => f.set(p, self.weight, num(w)).unwrap(),
            None => f.set_absent(p, self.weight).unwrap(),
        }
        f.set(p, self.pain, num(c.pain as f64)).unwrap();
        match c.temp {
            Some(t) => f.set(p, self.temp, num(t)).unwrap(),
            None => f.set_absent(p, self.temp).unwrap(),
        }
        f.set(p, self.pregnant, Value::Bool(c.pregnant)).unwrap();
        for (i, id) in self.excl.iter().enumerate() {
            f.set(p, *id, Value::Bool(c.excl[i])).unwrap();
        }
        for (i, id) in self.sympt.iter().enumerate() {
            f.set(p, *id, Value::Bool(c.sympt[i])).unwrap();
        }
        f
    }
}

/// What the spec says, computed without the protocol file.
#[derive(Debug)]
struct Expected {
    orientation: Option<&'static str>,
    urgency: Option<&'static str>,
    reasons: BTreeSet<String>,
    lines: BTreeSet<&'static str>,
    adult: bool,
    /// Included, weight-based dosing, and no weight: must be refused.
    missing_weight: bool,
}

fn oracle(c: &Case) -> Expected {
    let mut urgence: Vec<String> = URGENCE
        .iter()
        .zip(&c.excl[..6])
        .filter(|(_, b)| **b)
        .map(|(s, _)| s.to_string())
        .collect();
    if c.temp.is_some_and(|t| t > 38.5) {
        urgence.push("temperature_c".into());
    }
    let mut avis: Vec<String> = AVIS_24H
        .iter()
        .zip(&c.excl[6..])
        .filter(|(_, b)| **b)
        .map(|(s, _)| s.to_string())
        .collect();
    if c.pain > 7 {
        avis.push("pain_score".into());
    }
    let mut consult = Vec::new();
    if c.age < 10 {
        consult.push("age_years".to_string());
    }
    if !c.sympt.iter().any(|b| *b) {
        consult.push("no_symptom".to_string());
    }
    let orientation = if !urgence.is_empty() {
        Some("urgence")
    } else if !avis.is_empty() {
        Some("avis_24h")
    } else if !consult.is_empty() {
        Some("consultation")
    } else {
        None
    };
    let adult = c.age >= 15 && c.weight.is_none_or(|w| w >= 50.0);
    let mut lines = BTreeSet::new();
    let mut urgency = None;
    let mut reasons = BTreeSet::new();
    if orientation.is_some() {
        reasons = urgence.into_iter().chain(avis).chain(consult).collect();
    } else {
        let infection =
            c.has("sympt.abscess") || c.has("sympt.cellulitis") || c.has("sympt.wisdom_tooth");
        urgency = Some(
            if [
                "sympt.heat",
                "sympt.long_tooth_pressure",
                "sympt.abscess",
                "sympt.wisdom_tooth",
                "sympt.cellulitis",
            ]
            .iter()
            .any(|s| c.has(s))
            {
                "24h"
            } else {
                "31j"
            },
        );
        lines.insert("paracetamol");
        if !infection && c.age >= 12 && c.weight.is_none_or(|w| w >= 30.0) && !c.pregnant {
            lines.insert("ibuprofene");
        }
        if c.pain >= 5 && c.age >= 15 && !c.pregnant && adult {
            lines.insert("paracetamol_codeine");
        }
        if infection || c.has("sympt.mobile_teeth") {
            lines.insert("chlorhexidine");
        }
        if c.has("sympt.abscess") || c.has("sympt.cellulitis") {
            lines.insert("amoxicilline");
        }
    }
    Expected {
        orientation,
        urgency,
        reasons,
        missing_weight: orientation.is_none() && !adult && c.weight.is_none(),
        lines,
        adult,
    }
}

fn check(p: &Protocol, ids: &Ids, c: &Case) {
    let expected = oracle(c);
    let result = evaluate(p, &ids.facts(p, c));
    if expected.missing_weight {
        match result {
            Err(Error::Input { field, .. }) => assert_eq!(field, "weight_kg", "{c:?}"),
            other => panic!("a missing weight must be refused, got {other:?} for {c:?}"),
        }
        return;
    }
    let outcome = result.unwrap_or_else(|e| panic!("{c:?}: {e}"));
    check_decision(p, c, &expected, &outcome);
    check_lines(p, c, &expected, &outcome);
}

fn check_decision(p: &Protocol, c: &Case, expected: &Expected, o: &Outcome) {
    match o.decision {
        Decision::Orient(id) => {
            assert_eq!(
                Some(p.orientation(id).id.as_str()),
                expected.orientation,
                "{c:?}"
            );
            // Invariant: not taken in charge → no prescription line at all.
            assert!(o.lines.is_empty(), "lines for an excluded patient: {c:?}");
            let reasons: BTreeSet<String> = o.reasons.iter().cloned().collect();
            assert_eq!(reasons.len(), o.reasons.len(), "duplicate reasons {c:?}");
            assert_eq!(reasons, expected.reasons, "{c:?}");
        }
        Decision::TakeInCharge(id) => {
            assert_eq!(expected.orientation, None, "{c:?}");
            assert_eq!(Some(p.urgency(id).id.as_str()), expected.urgency, "{c:?}");
            assert!(o.reasons.is_empty(), "{c:?}");
        }
    }
}

fn check_lines(p: &Protocol, c: &Case, expected: &Expected, o: &Outcome) {
    let ids: BTreeSet<&str> = o
        .lines
        .iter()
        .map(|l| p.medicine(l.medicine).id.as_str())
        .collect();
    assert_eq!(ids, expected.lines, "{c:?}");
    let w = c.weight.map(|w| Fixed::from_f64(w).unwrap());
    let infection =
        c.has("sympt.abscess") || c.has("sympt.cellulitis") || c.has("sympt.wisdom_tooth");
    for l in &o.lines {
        let m = p.medicine(l.medicine);
        let d = l.dose;
        assert!(
            d.per_dose >= 1 && d.per_dose <= d.max_per_day,
            "{} {c:?}",
            m.id
        );
        if let Some(min) = d.per_dose_min {
            assert!(min <= d.per_dose);
        }
        // Weight-based doses are computed from the weight, never guessed.
        let weight_based = d.weight.is_some();
        assert_eq!(
            weight_based,
            !expected.adult && m.id != "chlorhexidine",
            "{} {c:?}",
            m.id
        );
        if weight_based {
            assert_eq!(d.weight, w);
        }
        let kg = |per_kg: i64| w.map(|w| Fixed::from_int(per_kg).mul_floor(w)).unwrap();
        // Rounded down (by at most one step) and capped; never above a limit.
        let within = |value: u32, cap: i64, per_kg: i64| {
            let exact = kg(per_kg).min(cap);
            let v = i64::from(value);
            v <= exact && v > exact - STEP_MG
        };
        match m.id.as_str() {
            "paracetamol" => {
                assert_eq!((l.unit, l.optional, l.selected), (Unit::Mg, false, true));
                assert!(
                    d.per_dose <= 1000 && d.max_per_day <= 3000 && d.days == 5,
                    "{c:?}"
                );
                if weight_based {
                    assert!(within(d.per_dose, 1000, 15), "paracetamol/dose {d:?} {c:?}");
                    assert!(
                        within(d.max_per_day, 3000, 60),
                        "paracetamol/day {d:?} {c:?}"
                    );
                } else {
                    assert_eq!((d.per_dose, d.max_per_day), (1000, 3000));
                }
            }
            "ibuprofene" => {
                // No NSAID with an infection, under 12, pregnant, or under 30 kg.
                assert!(
                    !infection && c.age >= 12 && !c.pregnant && c.weight.is_none_or(|w| w >= 30.0),
                    "{c:?}"
                );
                assert_eq!((l.unit, l.optional, l.selected), (Unit::Mg, true, false));
                assert!(
                    d.per_dose <= 400 && d.max_per_day <= 1200 && d.days == 3,
                    "{c:?}"
                );
                if weight_based {
                    assert!(within(d.per_dose, 400, 10), "ibuprofen/dose {d:?} {c:?}");
                    assert!(within(d.max_per_day, 1200, 30), "ibuprofen/day {d:?} {c:?}");
                } else {
                    assert_eq!((d.per_dose, d.max_per_day), (400, 1200));
                }
            }
            "paracetamol_codeine" => {
                // No palier 2 under 15, pregnant, or below 5/10; always secure paper.
                assert!(
                    c.age >= 15 && !c.pregnant && c.pain >= 5 && !weight_based,
                    "{c:?}"
                );
                assert!(m.secure_prescription);
                assert_eq!(
                    m.replaces.map(|r| p.medicine(r).id.as_str()),
                    Some("paracetamol")
                );
                assert_eq!(
                    (l.unit, l.optional, l.selected),
                    (Unit::Tablet, true, false)
                );
                assert_eq!(
                    (d.per_dose_min, d.per_dose, d.max_per_day, d.days),
                    (Some(1), 2, 6, 3)
                );
                // At the daily maximum: ≤ 3 g paracetamol and ≤ 180 mg codeine.
                for (s, per_tablet) in &m.contains {
                    let daily = d.max_per_day * per_tablet;
                    match p.substance(*s).id.as_str() {
                        "paracetamol" => assert!(daily <= 3000, "{daily} mg paracetamol"),
                        "codeine" => assert!(daily <= 180, "{daily} mg codeine"),
                        other => panic!("unexpected substance {other} in palier 2"),
                    }
                }
            }
            "chlorhexidine" => {
                assert_eq!((l.unit, l.optional, l.selected), (Unit::Ml, false, true));
                assert_eq!((d.per_dose, d.max_per_day), (15, 45));
                assert!(d.days <= 5);
            }
            "amoxicilline" => {
                // Never an antibiotic without abscess or cellulitis.
                assert!(c.has("sympt.abscess") || c.has("sympt.cellulitis"), "{c:?}");
                assert_eq!((l.unit, l.optional, l.selected), (Unit::Mg, false, true));
                assert!(
                    d.per_dose <= 1000 && d.max_per_day <= 2000 && d.days == 7,
                    "{c:?}"
                );
                if weight_based {
                    assert!(within(d.per_dose, 1000, 25), "amoxicillin/dose {d:?} {c:?}");
                    assert!(
                        within(d.max_per_day, 2000, 50),
                        "amoxicillin/day {d:?} {c:?}"
                    );
                } else {
                    assert_eq!((d.per_dose, d.max_per_day), (1000, 2000));
                }
            }
            other => panic!("unexpected line {other}"),
        }
    }
    check_paracetamol_totals(p, c, o);
}

/// For every prescription the délégué can make from the proposal (default
/// lines, any optional ones, a replacing line removing the one it
/// replaces): at most one paracetamol line, and the daily total within
/// 3 g and, when dosed by weight, 60 mg/kg.
fn check_paracetamol_totals(p: &Protocol, c: &Case, o: &Outcome) {
    let optional: Vec<_> = o.lines.iter().filter(|l| l.optional).collect();
    for mask in 0..(1u32 << optional.len()) {
        let mut chosen: Vec<_> = o.lines.iter().filter(|l| !l.optional).collect();
        chosen.extend(
            optional
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, l)| *l),
        );
        let replaced: Vec<_> = chosen
            .iter()
            .filter_map(|l| p.medicine(l.medicine).replaces)
            .collect();
        chosen.retain(|l| !replaced.contains(&l.medicine));
        let mut lines_with_paracetamol = 0;
        let mut total_mg = 0u64;
        for l in &chosen {
            let m = p.medicine(l.medicine);
            for (s, per_unit) in &m.contains {
                if p.substance(*s).id == "paracetamol" {
                    lines_with_paracetamol += 1;
                    total_mg += u64::from(l.dose.max_per_day) * u64::from(*per_unit);
                }
            }
        }
        assert!(lines_with_paracetamol <= 1, "two paracetamol lines {c:?}");
        assert!(total_mg <= 3000, "{total_mg} mg/day {c:?}");
        if let Some(w) = chosen.iter().find_map(|l| l.dose.weight) {
            assert!(total_mg as i64 <= Fixed::from_int(60).mul_floor(w), "{c:?}");
        }
    }
}

fn bits<const N: usize>(n: u32) -> [bool; N] {
    std::array::from_fn(|i| n & (1 << i) != 0)
}

#[test]
fn a_every_combination_of_yes_no_facts() {
    let p = Protocol::bundled();
    let ids = Ids::new(&p);
    for n in 0..(1u32 << 21) {
        let c = Case {
            age: 40,
            weight: None,
            pain: 5,
            temp: None,
            pregnant: n & 1 != 0,
            excl: bits(n >> 1),
            sympt: bits(n >> 13),
        };
        check(&p, &ids, &c);
    }
}

fn numeric_grid() -> impl Iterator<Item = (i64, Option<f64>, i64, Option<f64>)> {
    AGES.into_iter().flat_map(|a| {
        WEIGHTS.into_iter().flat_map(move |w| {
            PAINS
                .into_iter()
                .flat_map(move |pain| TEMPS.into_iter().map(move |t| (a, w, pain, t)))
        })
    })
}

#[test]
fn b_every_symptom_pregnancy_and_numeric_combination() {
    let p = Protocol::bundled();
    let ids = Ids::new(&p);
    let mut included = 0;
    for (age, weight, pain, temp) in numeric_grid() {
        for n in 0..(1u32 << 9) {
            let c = Case {
                age,
                weight,
                pain,
                temp,
                pregnant: n & 1 != 0,
                excl: [false; 12],
                sympt: bits(n >> 1),
            };
            if oracle(&c).orientation.is_none() {
                included += 1;
            }
            check(&p, &ids, &c);
        }
    }
    assert!(
        included > 50_000,
        "the grid must exercise prescriptions ({included})"
    );
}

#[test]
fn c_each_exclusion_across_the_numeric_grid() {
    let p = Protocol::bundled();
    let ids = Ids::new(&p);
    let symptom_sets: [u32; 4] = [0, 1, 1 << 4, 0xff];
    for (age, weight, pain, temp) in numeric_grid() {
        for e in 0..12 {
            for &s in &symptom_sets {
                for pregnant in [false, true] {
                    let mut excl = [false; 12];
                    excl[e] = true;
                    let c = Case {
                        age,
                        weight,
                        pain,
                        temp,
                        pregnant,
                        excl,
                        sympt: bits(s),
                    };
                    check(&p, &ids, &c);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]
    #[test]
    fn random_full_space(
        age in 0i64..=130,
        weight in proptest::option::of(1.0f64..=350.0),
        pain in 0i64..=10,
        temp in proptest::option::of(30.0f64..=45.0),
        pregnant: bool,
        excl in proptest::array::uniform12(proptest::bool::weighted(0.1)),
        sympt in proptest::array::uniform8(any::<bool>()),
    ) {
        let p = &*PROTOCOL;
        let ids = Ids::new(p);
        // Three decimals: what the fact type keeps.
        // The protocol takes weight and temperature to one decimal
        // (`decimals = 1`): a more precise value is refused, not rounded.
        let weight = weight.map(|w| (w * 10.0).round() / 10.0);
        let temp = temp.map(|t| (t * 10.0).round() / 10.0);
        check(p, &ids, &Case { age, weight, pain, temp, pregnant, excl, sympt });
    }
}
