//! Doses in what a pharmacist can give (issue « Prescriptions a pharmacist
//! can dispense »): every line of the bundled protocol, for the adult
//! regimen and for every weight from 2 to 200 kg by 0,1 kg, in every
//! presentation — never more than the capped dose per intake nor per day,
//! only whole steps, enough packs and not one too many; the spec's
//! examples; the validator's refusals with their line and column.

mod common;

use protocoop::protocol::{Fixed, Medicine, Protocol};
use protocoop::triage::Dose;
use protocoop::triage::doses;
use protocoop::triage::units::{self, Given};

fn check(m: &Medicine, d: &Dose, all: &[Given]) {
    let case = || format!("{} {:?}", m.id, d.weight);
    for g in all {
        let p = &m.presentations[g.index];
        // Exact: thousandths of a unit × strength against line units × 1000.
        let exact = |u: Fixed| i128::from(u.0) * i128::from(p.strength);
        let within = |u: Fixed, limit: u32| exact(u) <= i128::from(limit) * 1000;
        let amount = |u: Fixed| (exact(u) / 1000) as u64;
        assert!(g.per_intake.0 > 0, "{}", case());
        assert_eq!(g.per_intake.0 % p.step.0, 0, "{}: not a whole step", case());
        assert_eq!(g.max_units_per_day.0 % p.step.0, 0, "{}", case());
        assert!(
            within(g.per_intake, d.per_dose),
            "{}: dose exceeded",
            case()
        );
        assert_eq!(amount(g.per_intake), u64::from(g.amount_per_intake));
        // Rounded down, but not by a whole step or more.
        let next = Fixed(g.per_intake.0 + p.step.0);
        assert!(!within(next, d.per_dose), "{}: rounded too low", case());
        assert!(
            within(g.max_units_per_day, d.max_per_day),
            "{}: day exceeded",
            case()
        );
        assert!(
            g.max_units_per_day >= g.per_intake || d.max_per_day < d.per_dose,
            "{}",
            case()
        );
        // Never more intakes a day than the regimen allows.
        let intakes = i64::from(d.max_per_day / d.per_dose.max(1));
        assert!(
            g.max_units_per_day.0 <= g.per_intake.0 * intakes,
            "{}: intakes",
            case()
        );
        if let Some(min) = g.per_intake_min {
            assert!(min < g.per_intake && min.0 % p.step.0 == 0, "{}", case());
        }
        assert_eq!(
            g.quantity.0,
            g.max_units_per_day.0 * i64::from(d.days),
            "{}",
            case()
        );
        let pack = i64::from(p.pack) * 1000;
        assert!(
            i64::from(g.packs) * pack >= g.quantity.0,
            "{}: packs short",
            case()
        );
        assert!(
            i64::from(g.packs.saturating_sub(1)) * pack < g.quantity.0,
            "{}: a pack too many",
            case()
        );
        // Every cap of the line still holds, in the line's unit.
        let c = m.caps;
        assert!(g.amount_per_intake <= c.max_per_dose, "{}", case());
        assert!(within(g.max_units_per_day, c.max_per_day), "{}", case());
        if let (Some(w), Some(kg)) = (d.weight, c.max_per_day_per_kg) {
            let cap = u32::try_from(kg.mul_floor(w)).unwrap();
            assert!(within(g.max_units_per_day, cap), "{}", case());
        }
        if let (Some(w), Some(kg)) = (d.weight, c.max_per_dose_per_kg) {
            assert!(
                i64::from(g.amount_per_intake) <= kg.mul_floor(w),
                "{}",
                case()
            );
        }
    }
    // A presentation left out is one that could give nothing.
    for (i, p) in m.presentations.iter().enumerate() {
        if !all.iter().any(|g| g.index == i) {
            assert!(
                u64::from(p.strength) * p.step.0 as u64 / 1000 > u64::from(d.per_dose),
                "{}",
                case()
            );
        }
    }
    if let Some(k) = units::default_choice(all) {
        let best = all.iter().map(|g| g.amount_per_intake).max().unwrap();
        let first = all.iter().find(|g| g.amount_per_intake == best).unwrap();
        assert_eq!(k, first.index, "{}: default", case());
    }
}

#[test]
fn chaque_poids_chaque_ligne_chaque_presentation_respecte_les_plafonds() {
    let p = Protocol::bundled();
    let mut cases = 0;
    for m in &p.medicines {
        assert!(!m.presentations.is_empty(), "{} has no presentation", m.id);
        let d = doses::adult(&p, m);
        check(m, &d, &units::given(m, &d));
        cases += 1;
        if let Some(w) = &m.by_weight {
            for tenth in 20..=2000 {
                let weight = Fixed(tenth * 100);
                let d = doses::by_weight(&p, m, w, weight);
                check(m, &d, &units::given(m, &d));
                cases += 1;
            }
        }
    }
    assert!(cases > 5000, "{cases}");
}

/// The table, end to end through the triage: every weight from 26
/// to 120 kg by 0,5 kg × every age band × both clinical pictures (abscess:
/// antibiotic and mouthwash; pulpitis with pain 7: NSAID and palier 2) —
/// every presentation of every line proposed holds every cap, lies within
/// one step of the dose, and its quantity covers the course; the default is
/// the one the recorded act keeps.
#[test]
fn du_tableau_26_a_120_kg_par_tranche_d_age_a_l_ordonnance() {
    let p = Protocol::bundled();
    let mut cases = 0;
    let mut by_line = std::collections::BTreeMap::<String, usize>::new();
    // Under 10 the protocol takes no one in charge.
    for age in [10, 11, 12, 14, 15, 17, 18, 40, 75] {
        for picture in [
            serde_json::json!({"sympt.abscess": true, "pain_score": 6}),
            serde_json::json!({"sympt.heat": true, "pain_score": 7}),
        ] {
            for half in 52..=240 {
                let weight = f64::from(half) / 2.0;
                let mut facts = common::all_no();
                for (k, v) in picture.as_object().unwrap() {
                    facts[k] = v.clone();
                }
                facts["age_years"] = serde_json::json!(age);
                facts["weight_kg"] = serde_json::json!(weight);
                facts["sex"] = serde_json::json!("F");
                let f = protocoop::triage::Facts::from_json(&p, &facts).unwrap();
                let outcome = protocoop::triage::evaluate(&p, &f).unwrap();
                assert!(
                    outcome.taken_in_charge(),
                    "{age} ans {weight} kg : {:?}",
                    outcome.reasons
                );
                for l in &outcome.lines {
                    let m = p.medicine(l.medicine);
                    let all = units::given(m, &l.dose);
                    assert!(
                        !all.is_empty(),
                        "{} {age} ans {weight} kg : rien à donner",
                        m.id
                    );
                    check(m, &l.dose, &all);
                    let chosen = units::choose(m, &l.dose, None).unwrap().unwrap();
                    assert_eq!(Some(chosen.1.index), units::default_choice(&all));
                    *by_line.entry(m.id.clone()).or_default() += all.len();
                    cases += all.len();
                }
            }
        }
    }
    // Every line of the protocol was reached, in several presentations.
    let lines: Vec<&str> = by_line.keys().map(String::as_str).collect();
    assert_eq!(
        lines,
        [
            "amoxicilline",
            "chlorhexidine",
            "ibuprofene",
            "paracetamol",
            "paracetamol_codeine"
        ]
    );
    assert!(cases > 10_000, "{cases}");
}

fn line<'a>(p: &'a Protocol, id: &str) -> &'a Medicine {
    p.medicines.iter().find(|m| m.id == id).unwrap()
}

fn texts(m: &Medicine, d: &Dose) -> Vec<(bool, String)> {
    units::json(m, d)
        .into_iter()
        .map(|g| (g.default, g.text))
        .collect()
}

#[test]
fn les_exemples_de_la_specification() {
    let p = Protocol::bundled();
    let para = line(&p, "paracetamol");
    let t = texts(para, &doses::adult(&p, para));
    assert_eq!(t[0], (true, "2 comprimés de 500 mg par prise, toutes les 6 heures si besoin, au plus 6 comprimés par jour, pendant 5 jours — quantité : 30 comprimés (2 boîtes de 16)".to_string()));
    assert_eq!(t[1], (false, "1 comprimé de 1 g par prise, toutes les 6 heures si besoin, au plus 3 comprimés par jour, pendant 5 jours — quantité : 15 comprimés (2 boîtes de 8)".to_string()));
    let chx = line(&p, "chlorhexidine");
    let t = texts(chx, &doses::adult(&p, chx));
    assert!(
        t[0].1.ends_with("quantité : 225 mL (1 flacon de 300 mL)"),
        "{t:?}"
    );

    // A 35 kg child: paracétamol 15 mg/kg = 520 mg (step 10): one 500 mg
    // tablet, not « 520 mg »; the 1 g tablet is not offered.
    let kg35 = Fixed(35_000);
    let d = doses::by_weight(&p, para, para.by_weight.as_ref().unwrap(), kg35);
    assert_eq!(d.per_dose, 520);
    let g = units::given(para, &d);
    let labels: Vec<&str> = g
        .iter()
        .map(|g| para.presentations[g.index].label.as_str())
        .collect();
    assert_eq!(labels, ["500 mg", "2,4 % (24 mg/mL)"]);
    // 520 / 24 = 21,67 mL → 21,5 mL (516 mg), closer than 500 mg: proposed first.
    assert_eq!(g[1].per_intake, Fixed(21_500));
    assert_eq!(units::default_choice(&g), Some(2));

    // Amoxicilline 25 mg/kg = 875 mg (the file's 5 mg step keeps it):
    // 17,5 mL of the 250 mg/5 mL suspension by default, as the spec says.
    let amox = line(&p, "amoxicilline");
    let d = doses::by_weight(&p, amox, amox.by_weight.as_ref().unwrap(), kg35);
    assert_eq!(d.per_dose, 875);
    let given = units::given(amox, &d);
    let per: Vec<(String, u32)> = given
        .iter()
        .map(|g| {
            (
                units::units_fr(g.per_intake, &amox.presentations[g.index]),
                g.amount_per_intake,
            )
        })
        .collect();
    assert_eq!(
        per,
        [
            ("1 gélule de 500 mg".to_string(), 500),
            ("½ comprimé de 1 g".to_string(), 500),
            (
                "17,5 mL de poudre pour suspension buvable 250 mg/5 mL".to_string(),
                875
            ),
            (
                "8,5 mL de poudre pour suspension buvable 500 mg/5 mL".to_string(),
                850
            ),
        ]
    );
    assert_eq!(units::default_choice(&given), Some(2));
}

/// The bundled protocol with `from` replaced once in its first presentation.
fn with(from: &str, to: &str) -> String {
    let text = protocoop::protocol::BUNDLED_TEXT;
    let at = text.find("[[medicines.presentations]]").unwrap();
    let (head, tail) = text.split_at(at);
    format!("{head}{}", tail.replacen(from, to, 1))
}

fn refused(text: &str) -> String {
    match Protocol::parse(text, "p.toml") {
        Ok(_) => panic!("accepted"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn le_validateur_refuse_une_presentation_incoherente_avec_sa_position() {
    let line_of = |text: &str, needle: &str| {
        let at = text.find("[[medicines.presentations]]").unwrap();
        text[..at + text[at..].find(needle).unwrap()]
            .matches('\n')
            .count()
            + 1
    };
    for (from, to, said, at) in [
        (
            "strength = 500",
            "strength = 0",
            "strength doit valoir au moins 1",
            "strength = 0",
        ),
        (
            "strength = 500",
            "strength = -5",
            "quantité négative",
            "strength = -5",
        ),
        (
            "pack = 16",
            "pack = 0",
            "pack doit valoir au moins 1",
            "pack = 0",
        ),
        (
            "pack = 16",
            "step = 0.3\npack = 16",
            "ne partage pas une unité",
            "step = 0.3",
        ),
        (
            "pack = 16",
            "step = 0\npack = 16",
            "step doit être positif",
            "step = 0",
        ),
        (
            "pack = 16",
            "step = 2\npack = 15",
            "pas un nombre entier de pas",
            "pack = 15",
        ),
        (
            "pack_name = \"boîte\"",
            "pack_name = \"\"",
            "conditionnement",
            "pack_name = \"\"",
        ),
        (
            "pack = 16",
            "pack = 16\ncolour = \"blanc\"",
            "colour",
            "colour",
        ),
    ] {
        let text = with(from, to);
        let e = refused(&text);
        assert!(e.contains(said), "{to}: {e}");
        let n = line_of(&text, at);
        assert!(
            e.contains(&format!("p.toml:{n}:")),
            "{to}: line {n} not in {e}"
        );
    }
    // A line counted in tablets gives 1 tablet per tablet.
    let text = protocoop::protocol::BUNDLED_TEXT.replacen(
        "label = \"500 mg / 30 mg\"\nunit = \"comprimé\"\nunits = \"comprimés\"\nstrength = 1",
        "label = \"500 mg / 30 mg\"\nunit = \"comprimé\"\nunits = \"comprimés\"\nstrength = 30",
        1,
    );
    assert!(
        refused(&text).contains("strength = 1"),
        "{}",
        refused(&text)
    );
}

#[test]
fn des_valeurs_extremes_ne_font_ni_paniquer_ni_deborder() {
    for (from, to) in [
        ("strength = 500", "strength = 4294967"),
        ("pack = 16", "pack = 4294967"),
        ("pack = 16", "step = 0.001\npack = 16"),
        ("pack = 16", "step = 1000\npack = 4294000"),
    ] {
        let text = with(from, to);
        let Ok(p) = Protocol::parse(&text, "p.toml") else {
            continue;
        };
        for m in &p.medicines {
            let d = doses::adult(&p, m);
            check(m, &d, &units::given(m, &d));
            let _ = units::json(m, &d);
        }
    }
}

/// An act names its presentation by form and label: two alike in a line
/// (case and spaces aside) are refused at load, where they stand.
#[test]
fn deux_presentations_de_meme_nom_refusees() {
    let text = protocoop::protocol::BUNDLED_TEXT.replacen(
        "form = \"comprimé\"\nlabel = \"1 g\"",
        "form = \"Comprimé\"\nlabel = \"500  mg\"",
        1,
    );
    assert_ne!(text, protocoop::protocol::BUNDLED_TEXT);
    let e = refused(&text);
    assert!(
        e.contains("la ligne « paracetamol » a deux présentations « Comprimé 500  mg »"),
        "{e}"
    );
    // The second one's block, where it begins.
    let label = text.find("label = \"500  mg\"").unwrap();
    let block = text[..label].rfind("[[medicines.presentations]]").unwrap();
    let line = text[..block].matches('\n').count() + 1;
    assert!(e.contains(&format!("p.toml:{line}:1:")), "{e}");
}
