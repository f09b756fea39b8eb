//! Hostile protocol files: thousands of mutants of the bundled protocol
//! (lines deleted, duplicated, swapped; numbers and operators changed;
//! Unicode inserted; the file cut short; conditions nested deep) must each
//! be refused with positioned French errors or accepted — never a panic, an
//! abort or a hang — and no accepted mutant may propose a dose above its
//! own caps. Inputs that once crashed are kept under
//! `tests/fixtures/protocol-crashes/` and replayed here.

use std::panic::{AssertUnwindSafe, catch_unwind};

use protocoop::protocol::{BUNDLED_TEXT, FactType, Fixed, Protocol, Value};
use protocoop::triage::{Facts, evaluate};

/// A small deterministic generator (xorshift64*): the same mutants on
/// every run and machine, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        items.get(self.below(items.len()))
    }
}

const INSERTED: &[&str] = &[
    "≥",
    "≤",
    "≠",
    "é",
    "\u{202E}",
    "\u{200B}",
    "😀",
    "\u{0}",
    "\u{1b}[2J",
    "«",
    "\\u2265",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "=",
    "\n",
    "#",
    "((((",
    "))",
    "not ",
    " and ",
    " or ",
    "\t",
    "🦷",
    "\u{FEFF}",
];
const OPERATORS: &[&str] = &[
    "<", "<=", ">", ">=", "==", "!=", "≥", "≤", "≠", "=", "=<", "!",
];
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "3",
    "0.5",
    "38.55",
    "1e9",
    "99999999999999999999",
    "-99999999999999999999",
    "3000",
    "1000000",
    "2.0001",
    "nan",
    "inf",
];

fn char_boundaries(s: &str) -> Vec<usize> {
    s.char_indices().map(|(i, _)| i).chain([s.len()]).collect()
}

/// One mutant of `base`.
fn mutate(base: &str, rng: &mut Rng) -> String {
    let lines: Vec<&str> = base.split('\n').collect();
    let kind = rng.below(8);
    match kind {
        0 => {
            let mut l = lines.clone();
            l.remove(rng.below(l.len()));
            l.join("\n")
        }
        1 => {
            let mut l = lines.clone();
            let i = rng.below(l.len());
            l.insert(i, lines[i]);
            l.join("\n")
        }
        2 => {
            let mut l = lines.clone();
            let (a, b) = (rng.below(l.len()), rng.below(l.len()));
            l.swap(a, b);
            l.join("\n")
        }
        3 => {
            // A number of the file replaced.
            let digits: Vec<usize> = base
                .char_indices()
                .filter(|(i, c)| {
                    c.is_ascii_digit()
                        && !base[..*i].ends_with(|p: char| p.is_ascii_digit() || p == '.')
                })
                .map(|(i, _)| i)
                .collect();
            let Some(&at) = rng.pick(&digits) else {
                return base.to_string();
            };
            let end = base[at..]
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .map_or(base.len(), |e| at + e);
            format!(
                "{}{}{}",
                &base[..at],
                rng.pick(NUMBERS).unwrap_or(&"0"),
                &base[end..]
            )
        }
        4 => {
            // A comparison operator replaced.
            let ops: Vec<usize> = base
                .char_indices()
                .filter(|(_, c)| matches!(c, '<' | '>' | '=' | '!'))
                .map(|(i, _)| i)
                .collect();
            let Some(&at) = rng.pick(&ops) else {
                return base.to_string();
            };
            let len = if base[at + 1..].starts_with('=') {
                2
            } else {
                1
            };
            format!(
                "{}{}{}",
                &base[..at],
                rng.pick(OPERATORS).unwrap_or(&"<"),
                &base[at + len..]
            )
        }
        5 => {
            let cuts = char_boundaries(base);
            let at = rng.pick(&cuts).copied().unwrap_or(0);
            format!(
                "{}{}{}",
                &base[..at],
                rng.pick(INSERTED).unwrap_or(&"é"),
                &base[at..]
            )
        }
        6 => {
            let cuts = char_boundaries(base);
            base[..rng.pick(&cuts).copied().unwrap_or(0)].to_string()
        }
        _ => {
            // A condition nested far too deep, or a little.
            let conds: Vec<usize> = base.match_indices("when").map(|(i, _)| i).collect();
            let Some(&at) = rng.pick(&conds) else {
                return base.to_string();
            };
            let Some(q) = base[at..].find('"').map(|q| at + q + 1) else {
                return base.to_string();
            };
            let depth = rng.pick(&[3, 40, 5_000]).copied().unwrap_or(3);
            let wrap = if rng.below(2) == 0 { "not " } else { "(" };
            format!("{}{}{}", &base[..q], wrap.repeat(depth), &base[q..])
        }
    }
}

/// Random facts within the mutant's own vocabulary and ranges.
fn random_facts(p: &Protocol, rng: &mut Rng) -> Facts {
    let mut f = Facts::new(p);
    for id in p.fact_ids() {
        let def = p.fact(id);
        match def.ty {
            FactType::Bool => {
                let _ = f.set(p, id, Value::Bool(rng.below(4) == 0));
            }
            FactType::Sex => match rng.below(3) {
                0 => {}
                1 => {
                    let _ = f.set(p, id, Value::Sex(protocoop::protocol::Sex::F));
                }
                _ => {
                    let _ = f.set(p, id, Value::Sex(protocoop::protocol::Sex::M));
                }
            },
            FactType::Integer { min, max } | FactType::Number { min, max, .. } => {
                if !def.required && rng.below(5) == 0 {
                    let _ = f.set_absent(p, id);
                    continue;
                }
                let step = match def.ty {
                    FactType::Number { decimals, .. } => 10i64.pow(3 - u32::from(decimals.min(3))),
                    _ => 1000,
                };
                let span = ((max.0 - min.0) / step).clamp(0, 1_000_000) as usize;
                let v = Fixed(min.0 + step * rng.below(span + 1) as i64);
                let _ = f.set(p, id, Value::Num(v));
            }
        }
    }
    f
}

/// Every proposed dose within the mutant's own ceilings.
fn check_doses(p: &Protocol, facts: &Facts, label: &str) {
    let Ok(o) = evaluate(p, facts) else { return };
    if !o.taken_in_charge() {
        assert!(
            o.lines.is_empty(),
            "{label}: lines for a patient sent elsewhere"
        );
        return;
    }
    for l in &o.lines {
        let m = p.medicine(l.medicine);
        let d = l.dose;
        let c = m.caps;
        assert!(d.per_dose <= c.max_per_dose, "{label}: {} per dose", m.id);
        assert!(d.max_per_day <= c.max_per_day, "{label}: {} per day", m.id);
        assert!(d.per_dose <= d.max_per_day, "{label}: {} dose > day", m.id);
        assert!(d.days <= c.max_days, "{label}: {} days", m.id);
        assert!(
            d.per_dose_min.is_none_or(|min| min <= d.per_dose),
            "{label}: {}",
            m.id
        );
        if let Some(w) = d.weight {
            if let Some(kg) = c.max_per_dose_per_kg {
                assert!(
                    i64::from(d.per_dose) <= kg.mul_floor(w),
                    "{label}: {} /kg",
                    m.id
                );
            }
            if let Some(kg) = c.max_per_day_per_kg {
                assert!(
                    i64::from(d.max_per_day) <= kg.mul_floor(w),
                    "{label}: {} /kg/j",
                    m.id
                );
            }
        }
        for &(s, per_unit) in &m.contains {
            let s = p.substance(s);
            let daily = u64::from(d.max_per_day) * u64::from(per_unit);
            assert!(
                daily <= u64::from(s.max_per_day),
                "{label}: {} {}",
                m.id,
                s.id
            );
            if let (Some(w), Some(kg)) = (d.weight, s.max_per_day_per_kg) {
                assert!(
                    daily as i64 <= kg.mul_floor(w),
                    "{label}: {} {} /kg",
                    m.id,
                    s.id
                );
            }
        }
    }
}

/// Parses without panicking; a panic is reported with the input.
fn parse_guarded(text: &str, label: &str) -> Option<Protocol> {
    match catch_unwind(AssertUnwindSafe(|| Protocol::parse(text, "mutant.toml"))) {
        Ok(Ok(p)) => Some(p),
        Ok(Err(e)) => {
            let message = e.to_string();
            assert!(message.contains("mutant.toml"), "{label}: {message}");
            assert!(
                message.len() < 200_000,
                "{label}: a message of {} bytes",
                message.len()
            );
            None
        }
        Err(_) => {
            let path = std::env::temp_dir().join(format!("protocoop-crash-{label}.toml"));
            let _ = std::fs::write(&path, text);
            panic!("{label} panicked; input kept in {}", path.display());
        }
    }
}

#[test]
fn cinq_mille_mutants_sans_panique_ni_dose_au_dela_des_plafonds() {
    let mut rng = Rng(0x005E_EDD3_A7A1_1CE5);
    let (mut accepted, mut refused) = (0, 0);
    for n in 0..5_200 {
        let mut text = mutate(BUNDLED_TEXT, &mut rng);
        // Some mutants carry several changes at once.
        if n % 3 == 0 {
            text = mutate(&text, &mut rng);
        }
        let label = format!("mutant-{n}");
        match parse_guarded(&text, &label) {
            Some(p) => {
                accepted += 1;
                for _ in 0..8 {
                    let f = random_facts(&p, &mut rng);
                    check_doses(&p, &f, &label);
                }
            }
            None => refused += 1,
        }
    }
    eprintln!("{accepted} accepted, {refused} refused");
    assert!(accepted > 100, "{accepted} accepted");
    assert!(refused > 2_000, "{refused} refused");
}

#[test]
fn le_protocole_integre_ne_propose_jamais_au_dela_de_ses_plafonds() {
    let p = Protocol::bundled();
    let mut rng = Rng(42);
    for n in 0..20_000 {
        let f = random_facts(&p, &mut rng);
        check_doses(&p, &f, &format!("cas-{n}"));
    }
}

#[test]
fn les_entrees_qui_ont_fait_planter_protocoop_restent_refusees_proprement() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/protocol-crashes");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let label = path.file_name().unwrap().to_string_lossy().to_string();
        let _ = parse_guarded(&text, &label);
        count += 1;
    }
    assert!(count >= 3, "{count} regression inputs");
}

#[test]
fn signe_superieur_ou_egal_accepte_comme_alias() {
    let text = BUNDLED_TEXT.replacen(">=", "≥", 1);
    assert_ne!(text, BUNDLED_TEXT);
    let p = Protocol::parse(&text, "alias.toml").unwrap();
    let b = Protocol::bundled();
    assert_eq!(p.rules.len(), b.rules.len());
}

#[test]
fn imbrication_excessive_refusee_avec_sa_position() {
    let text = BUNDLED_TEXT.replacen(
        "adult_when = \"",
        &format!("adult_when = \"{}", "(".repeat(9_870)),
        1,
    );
    let e = Protocol::parse(&text, "profond.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("trop imbriquée"), "{e}");
    assert!(e.contains("profond.toml:"), "{e}");
}
