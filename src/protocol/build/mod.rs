//! Raw protocol file → validated [`Protocol`], reporting every problem found
//! (not just the first) with its line and column and a way to fix it.
//!
//! One file per group of sections; [`build`] runs them all, then, if the
//! file is otherwise sound, the proofs of [`super::analysis`].

pub(crate) mod context;
mod decision;
mod facts;
mod followup;
mod medicines;
mod questions;
mod read;
mod survey;
mod texts;
mod validation_block;

use context::Cx;
use decision::{build_orientations, build_rules, build_urgencies, find};
use facts::{build_ask_when, build_facts, fact_of_type};
use followup::{build_adverse, build_followup};
use medicines::build_medicines;
use medicines::build_substances;
use questions::build_questions;
use read::read_raw;
use serde::Deserialize as _;
use survey::build_survey;
use texts::{build_advice, build_delegants, build_territory};
use validation_block::build_validation;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::analysis;
use super::expr::{self, ExprError, Names};
use super::fact::{FactDef, FactId, FactType, Fixed, Value};
use super::raw::*;
use super::validation::{self, Validation, ValidationStatus};
use super::*;
use crate::error::{Diagnostic, Position, ProtocolErrors};
use crate::ids::{Rpps, postal_code_valid};

/// The file format version this build reads.
const FORMAT: i64 = 1;

/// The largest protocol file read: the bundled one is about 30 KB. The
/// limit keeps a wrong or hostile file from costing minutes to check.
pub const MAX_BYTES: usize = 1024 * 1024;

/// The most facts a protocol may declare (the bundled one has 25): the
/// load-time proofs recurse once per fact.
pub const MAX_FACTS: usize = 256;

/// The most entries of each list section (the bundled protocol has at most
/// a dozen of each): the load-time checks compare entries pairwise, so a
/// file of 20 000 medicines must be refused, not checked for hours.
const MAX_ENTRIES: usize = 128;

/// The refusal of a file larger than [`MAX_BYTES`].
pub(super) fn too_large(origin: &str, len: u64) -> ProtocolErrors {
    ProtocolErrors {
        file: origin.to_string(),
        diagnostics: vec![Diagnostic {
            position: Position { line: 1, column: 1 },
            message: format!(
                "fichier trop volumineux ({len} octets) : un protocole fait au plus {} Kio",
                MAX_BYTES / 1024
            ),
            hint: Some("vérifiez que c'est bien le fichier du protocole".into()),
        }],
    }
}

pub(super) fn build(text: &str, origin: &str) -> Result<Protocol, ProtocolErrors> {
    if text.len() > MAX_BYTES {
        return Err(too_large(origin, text.len() as u64));
    }
    let mut cx = Cx::new(text);
    let raw = read_raw(&mut cx).filter(|raw| within_limits(&mut cx, raw));
    let protocol = raw.and_then(|raw| typed(&mut cx, raw, origin));
    cx.diags.sort_by_key(|d| d.position);
    cx.diags.dedup();
    if cx.dropped > 0 {
        let last = cx
            .diags
            .last()
            .map_or(Position { line: 1, column: 1 }, |d| d.position);
        cx.diags.push(Diagnostic {
            position: last,
            message: format!("… et {} autres problèmes, non détaillés", cx.dropped),
            hint: Some("corrigez d'abord ceux-ci".into()),
        });
    }
    match protocol {
        Some(p) if cx.diags.is_empty() => Ok(p),
        _ => {
            if cx.diags.is_empty() {
                // Defensive: a failed build always says why.
                cx.diags.push(Diagnostic {
                    position: Position { line: 1, column: 1 },
                    message: "protocole incomplet".into(),
                    hint: None,
                });
            }
            Err(ProtocolErrors {
                file: origin.to_string(),
                diagnostics: cx.diags,
            })
        }
    }
}

/// Refuses lists longer than [`MAX_ENTRIES`] before any check runs.
fn within_limits(cx: &mut Cx, raw: &RawProtocol) -> bool {
    fn over<T>(list: &[S<T>]) -> (usize, Option<Range<usize>>) {
        (list.len(), list.get(MAX_ENTRIES).map(|x| x.span()))
    }
    let lists = [
        (over(&raw.delegants), "délégants"),
        (over(&raw.questions), "questions"),
        (over(&raw.rules), "règles"),
        (over(&raw.orientations), "orientations"),
        (over(&raw.urgencies), "urgences"),
        (over(&raw.substances), "substances"),
        (over(&raw.medicines), "lignes de prescription"),
    ];
    let mut ok = true;
    for ((len, span), what) in lists {
        if len > MAX_ENTRIES {
            cx.err(
                span.unwrap_or(0..0),
                format!("trop de {what} ({len}) : un protocole en compte au plus {MAX_ENTRIES}"),
                None,
            );
            ok = false;
        }
    }
    ok
}

/// What conditions may name, while building.
pub(super) struct Scope {
    pub(super) facts: Vec<FactDef>,
    pub(super) index: BTreeMap<String, FactId>,
    pub(super) groups: BTreeMap<String, Vec<FactId>>,
}

impl Names for Scope {
    fn fact(&self, name: &str) -> Option<(FactId, &FactType)> {
        self.index
            .get(name)
            .map(|&id| (id, &self.facts[id.index()].ty))
    }
    fn group(&self, name: &str) -> Option<&[FactId]> {
        self.groups.get(name).map(Vec::as_slice)
    }
    fn fact_names(&self) -> Vec<&str> {
        self.facts.iter().map(|f| f.id.as_str()).collect()
    }
}

fn missing(cx: &mut Cx, section: &str, example: &str) {
    cx.err(
        0..0,
        format!("section [{section}] manquante"),
        Some(format!("ajoutez-la, par exemple : {example}")),
    );
}

fn typed(cx: &mut Cx, raw: RawProtocol, origin: &str) -> Option<Protocol> {
    match &raw.format {
        Some(f) if *f.get_ref() == FORMAT => {}
        Some(f) => cx.err(
            f.span(),
            format!("format de fichier {} non pris en charge", f.get_ref()),
            Some(format!("cette version de protocoop lit le format {FORMAT}")),
        ),
        None => cx.err(
            0..0,
            "ligne « format = 1 » manquante en tête de fichier".to_string(),
            Some("ajoutez « format = 1 » avant la première section".into()),
        ),
    }

    let meta = raw.protocol.as_ref().map(|m| {
        let m = m.get_ref();
        let id = cx.text(&m.id, "l'identifiant du protocole");
        if id
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            cx.err(
                m.id.span(),
                format!("identifiant de protocole « {id} » invalide"),
                Some("lettres sans accent, chiffres, - et _ seulement".into()),
            );
        }
        Meta {
            id,
            name: cx.text(&m.name, "le nom du protocole"),
            version: cx.text(&m.version, "la version du protocole"),
            cpts: cx.text(&m.cpts, "le nom de la CPTS"),
            source: cx.opt_text(&m.source, "la source"),
            responsibility: cx.opt_text(&m.responsibility, "la mention de responsabilité"),
        }
    });
    if meta.is_none() {
        missing(cx, "protocol", "id, name, version, cpts");
    }

    let mut scope = build_facts(cx, &raw);

    let patient = raw.patient.as_ref().and_then(|p| {
        let p = p.get_ref();
        let age = fact_of_type(
            cx,
            &scope,
            &p.age_fact,
            |t| matches!(t, FactType::Integer { .. }),
            "un nombre entier",
        );
        let weight = fact_of_type(
            cx,
            &scope,
            &p.weight_fact,
            |t| matches!(t, FactType::Number { .. }),
            "un nombre",
        );
        let sex = match &p.sex_fact {
            Some(name) => Some(fact_of_type(
                cx,
                &scope,
                name,
                |t| *t == FactType::Sex,
                "de type sex",
            )?),
            None => None,
        };
        let weight_required_when = cx.condition(&p.weight_required_when, &scope);
        let history = history(cx, &scope, p);
        Some(PatientFacts {
            age: age?,
            weight: weight?,
            sex,
            weight_required_when: weight_required_when?,
            history,
        })
    });
    if patient.as_ref().is_some_and(|p| p.sex.is_none())
        && let Some(f) = scope.facts.iter().find(|f| f.ty == FactType::Sex)
    {
        let span = raw.patient.as_ref().map_or(0..0, |p| p.span());
        cx.err(
            span,
            format!(
                "le fait « {} » est de type sex, mais [patient] ne le nomme pas",
                f.id
            ),
            Some(format!("ajoutez « sex_fact = \"{}\" » à [patient]", f.id)),
        );
    }
    build_ask_when(cx, &raw, &mut scope, patient.as_ref());
    if raw.patient.is_none() {
        missing(
            cx,
            "patient",
            "age_fact, weight_fact, sex_fact, weight_required_when",
        );
    }

    let adult_when = match &raw.dosing {
        Some(d) => cx.condition(&d.get_ref().adult_when, &scope),
        None => {
            missing(cx, "dosing", "adult_when = \"age_years >= 15\"");
            None
        }
    };

    let orientations = build_orientations(cx, &raw);
    let urgencies = build_urgencies(cx, &raw);
    let followup = build_followup(cx, &raw, &urgencies);
    let adverse = build_adverse(cx, &raw);
    let survey = build_survey(cx, &raw);
    let (rules, rule_spans) = build_rules(cx, &raw, &scope, &orientations, &urgencies);
    let questions = build_questions(cx, &raw, &scope, patient.as_ref());
    let substances = build_substances(cx, &raw);
    let (medicines, medicine_spans) = build_medicines(cx, &raw, &scope, &substances);
    let advice = build_advice(cx, &raw, &scope);
    let territory = build_territory(cx, &raw);
    let delegants = build_delegants(cx, &raw);
    let remuneration = raw.remuneration.as_ref().map(|r| {
        let r = r.get_ref();
        Remuneration {
            delegue_cents: cx.count(&r.delegue_cents, "la rémunération du délégué", 0),
            delegant_cents: cx.count(&r.delegant_cents, "la rémunération du délégant", 0),
        }
    });
    if remuneration.is_none() {
        missing(
            cx,
            "remuneration",
            "delegue_cents = 1000, delegant_cents = 1500",
        );
    }
    let validation = build_validation(cx, &raw);

    if !cx.diags.is_empty() {
        return None;
    }
    let (meta, patient, adult_when, remuneration, advice, territory) = (
        meta?,
        patient?,
        adult_when?,
        remuneration?,
        advice?,
        territory?,
    );

    let facts_ok = analysis::Space::new(&scope.facts, &rules, &medicines, &adult_when);
    let mut budget = analysis::Budget::new();
    for problem in analysis::check_rules(&facts_ok, &scope.facts, &rules, &mut budget) {
        let span = rule_spans
            .get(problem.rule.map_or(usize::MAX, |r| usize::from(r.0)))
            .cloned()
            .unwrap_or(0..0);
        cx.err(span, problem.message, problem.hint);
    }
    for problem in analysis::check_lines(
        &facts_ok,
        &scope.facts,
        &rules,
        &medicines,
        &adult_when,
        &mut budget,
    ) {
        let span = medicine_spans[usize::from(problem.medicine.0)].clone();
        cx.err(span, problem.message, problem.hint);
    }
    if !cx.diags.is_empty() {
        return None;
    }

    let sha256 = sha256_hex(cx.text.as_bytes());
    Some(Protocol {
        identity: Identity {
            id: meta.id.clone(),
            version: meta.version.clone(),
            sha256,
        },
        meta,
        origin: origin.to_string(),
        territory,
        delegants,
        remuneration,
        patient,
        adult_when,
        facts: scope.facts,
        groups: scope.groups,
        questions,
        rules,
        orientations,
        urgencies,
        substances,
        medicines,
        advice,
        followup,
        adverse,
        survey,
        validation,
        source: Source::File,
        fact_index: scope.index,
    })
}

/// `history_fact` and `recurrence_days` of `[patient]`: both or neither.
fn history(cx: &mut Cx, scope: &Scope, p: &RawPatient) -> Option<History> {
    match (&p.history_fact, &p.recurrence_days) {
        (None, None) => None,
        (Some(name), Some(days)) => {
            let fact = fact_of_type(cx, scope, name, |t| *t == FactType::Bool, "oui/non");
            let within_days = cx.count(days, "recurrence_days", 1);
            if i64::from(within_days) > RECURRENCE_DAYS_MAX {
                cx.err(
                    days.span(),
                    format!(
                        "recurrence_days = {within_days} : au plus {RECURRENCE_DAYS_MAX} jours"
                    ),
                    Some(
                        "la fenêtre d'une nouvelle visite se compte en jours, par exemple 90"
                            .into(),
                    ),
                );
            }
            Some(History {
                fact: fact?,
                within_days,
            })
        }
        (Some(name), None) => {
            cx.err(
                name.span(),
                "history_fact sans recurrence_days",
                Some("ajoutez « recurrence_days = 90 » à [patient]".into()),
            );
            None
        }
        (None, Some(days)) => {
            cx.err(
                days.span(),
                "recurrence_days sans history_fact",
                Some("nommez le fait oui/non que l'appareil renseigne : « history_fact = \"history.recent_prise_en_charge\" »".into()),
            );
            None
        }
    }
}
