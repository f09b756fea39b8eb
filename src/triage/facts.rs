//! What is known of a patient: the value of each protocol fact.

use serde_json::{Map, Value as Json};

use crate::error::{Error, Result};
use crate::json_input::{self, Answer, Answers, ExactNumber};
use crate::protocol::expr::{self, Env, Lookup, Tri};
use crate::protocol::{FactId, FactType, Fixed, Protocol, Sex, Value};

/// The state of one fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// Not given (a script left it out, or the kiosk has not asked yet).
    Unset,
    /// Explicitly without a value (temperature not measured).
    Absent,
    Set(Value),
}

/// The facts of one patient, indexed like [`Protocol::facts`]. Every value
/// stored here has passed its type and range check.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Facts {
    slots: Vec<Slot>,
}

impl Facts {
    /// No fact known yet.
    pub fn new(protocol: &Protocol) -> Facts {
        Facts {
            slots: vec![Slot::Unset; protocol.facts.len()],
        }
    }

    pub fn get(&self, id: FactId) -> Slot {
        self.slots[id.index()]
    }

    /// Sets a fact after checking its type and range.
    pub fn set(&mut self, protocol: &Protocol, id: FactId, value: Value) -> Result<()> {
        let def = protocol.fact(id);
        let field = def.id.as_str();
        match (&def.ty, value) {
            (FactType::Bool, Value::Bool(_)) | (FactType::Sex, Value::Sex(_)) => {}
            (FactType::Integer { min, max } | FactType::Number { min, max, .. }, Value::Num(v)) => {
                if !def.ty.precise_enough(v) {
                    return Err(Error::input(
                        field,
                        decimals_message(&def.ty, &v.to_string()),
                    ));
                }
                if v < *min || v > *max {
                    let unit = def
                        .unit
                        .as_deref()
                        .map(|u| format!(" {u}"))
                        .unwrap_or_default();
                    return Err(Error::input(
                        field,
                        format!("valeur {v}{unit} hors limites : entre {min} et {max}{unit}"),
                    ));
                }
            }
            (ty, _) => {
                return Err(Error::input(field, format!("{} attendu", ty.name_fr())));
            }
        }
        self.slots[id.index()] = Slot::Set(value);
        Ok(())
    }

    /// Records that an optional fact has no value (not measured).
    pub fn set_absent(&mut self, protocol: &Protocol, id: FactId) -> Result<()> {
        let def = protocol.fact(id);
        if def.required || def.ty.is_bool() || def.ty == FactType::Sex {
            return Err(Error::input(
                def.id.as_str(),
                "ce fait ne peut pas rester sans valeur",
            ));
        }
        self.slots[id.index()] = Slot::Absent;
        Ok(())
    }

    /// Whether this fact's question applies to the patient: no `ask_when`,
    /// or one not false given what is known (an unknown sex: it applies).
    pub fn applies(&self, protocol: &Protocol, id: FactId) -> bool {
        protocol
            .fact(id)
            .ask_when
            .as_ref()
            .is_none_or(|c| c.expr.eval(&OnlyKnown(self)) != Tri::False)
    }

    /// The yes/no facts whose question does not apply to this patient.
    pub(crate) fn inapplicable(&self, protocol: &Protocol) -> Vec<FactId> {
        protocol
            .fact_ids()
            .filter(|&id| !self.applies(protocol, id))
            .collect()
    }

    /// Answers « non » every yes/no fact whose question does not apply to
    /// this patient (pregnancy for a man), as if asked; a « oui » given
    /// for one contradicts the patient and is refused, changing nothing.
    pub fn settle_inapplicable(&mut self, protocol: &Protocol) -> Result<()> {
        let settled = self.inapplicable(protocol);
        if let Some(&id) = settled
            .iter()
            .find(|&&id| self.get(id) == Slot::Set(Value::Bool(true)))
        {
            let def = protocol.fact(id);
            let when = def.ask_when.as_ref().map_or("", |c| c.text.as_str());
            return Err(Error::input(
                def.id.as_str(),
                format!("« oui » impossible : la question ne s'applique pas à ce patient ({when})"),
            ));
        }
        for id in settled {
            self.slots[id.index()] = Slot::Set(Value::Bool(false));
        }
        Ok(())
    }

    /// Takes `other`'s state of one fact.
    pub(crate) fn copy_slot(&mut self, other: &Facts, id: FactId) {
        self.slots[id.index()] = other.get(id);
    }

    /// What a script's silence means for an unanswered fact: its default
    /// (« non » for a yes/no fact), or no value at all.
    pub(crate) fn assume_unanswered(&mut self, protocol: &Protocol, id: FactId) {
        self.slots[id.index()] = match protocol.fact(id).default {
            Some(v) => Slot::Set(v),
            None => Slot::Absent,
        };
    }

    /// Forgets a fact (the kiosk's « Retour »).
    pub fn unset(&mut self, id: FactId) {
        self.slots[id.index()] = Slot::Unset;
    }

    /// Reads a flat JSON object `{ "fact_id": value, … }` (stored acts,
    /// tests). Unknown ids, wrong types, out-of-range or too precise
    /// values are refused with the field named.
    pub fn from_json(protocol: &Protocol, json: &Json) -> Result<Facts> {
        let Json::Object(map) = json else {
            return Err(Error::input(
                "faits",
                format!(
                    "un objet JSON {{ \"fait\": valeur, … }} attendu, reçu : {}",
                    json_kind(json)
                ),
            ));
        };
        let answers = map
            .iter()
            .map(|(k, v)| {
                let a = match v {
                    Json::Null => Answer::Null,
                    Json::Bool(b) => Answer::Bool(*b),
                    Json::String(t) => Answer::Text(t.clone()),
                    Json::Number(n) => {
                        let text = n.to_string();
                        Answer::Number(ExactNumber {
                            value: json_input::exact_decimal(&text),
                            text,
                        })
                    }
                    other => Answer::Other(json_kind(other)),
                };
                (k.clone(), a)
            })
            .collect();
        Facts::from_answers(protocol, &Answers(answers))
    }

    /// Reads the facts of a case as a user or a script wrote them (see
    /// [`json_input`]): numbers exactly, a key given twice refused.
    pub fn from_json_text(protocol: &Protocol, text: &str) -> Result<Facts> {
        let answers: Answers = json_input::parse(text, "faits")?;
        Facts::from_answers(protocol, &answers)
    }

    /// The answers given for each fact, checked against the protocol.
    pub fn from_answers(protocol: &Protocol, answers: &Answers) -> Result<Facts> {
        let mut facts = Facts::new(protocol);
        for (key, value) in &answers.0 {
            let Some(id) = protocol.fact_id(key) else {
                let names: Vec<&str> = protocol.facts.iter().map(|f| f.id.as_str()).collect();
                let hint = expr::closest(key, &names)
                    .map(|b| format!(" — vouliez-vous dire « {b} » ?"))
                    .unwrap_or_default();
                return Err(Error::input(
                    crate::text::quote(key),
                    format!("fait inconnu{hint}"),
                ));
            };
            let def = protocol.fact(id);
            match value {
                // An unknown sex is left unknown: the questions that
                // depend on it are asked.
                Answer::Null if def.ty == FactType::Sex => {}
                Answer::Null => facts.set_absent(protocol, id)?,
                Answer::Bool(b) => facts.set(protocol, id, Value::Bool(*b))?,
                Answer::Text(t) if def.ty == FactType::Sex => match Sex::parse(t.trim()) {
                    Some(sex) => facts.set(protocol, id, Value::Sex(sex))?,
                    None => {
                        return Err(Error::input(
                            key.as_str(),
                            format!("« {} » : \"F\" ou \"M\" attendu", crate::text::quote(t)),
                        ));
                    }
                },
                Answer::Text(_) => {
                    return Err(Error::input(
                        key.as_str(),
                        format!("{} attendu, reçu : un texte", def.ty.name_fr()),
                    ));
                }
                Answer::Number(_) if def.ty.range().is_none() => {
                    return Err(Error::input(
                        key.as_str(),
                        format!("{} attendu, reçu : un nombre", def.ty.name_fr()),
                    ));
                }
                Answer::Number(n) => match n.value {
                    Some(v) => facts.set(protocol, id, Value::Num(v))?,
                    None => return Err(imprecise(def, &n.text)),
                },
                Answer::Other(kind) => {
                    return Err(Error::input(
                        key.as_str(),
                        format!("{} attendu, reçu : {kind}", def.ty.name_fr()),
                    ));
                }
            }
        }
        facts.settle_inapplicable(protocol)?;
        Ok(facts)
    }

    /// The facts as a flat JSON object in protocol order; unset facts are
    /// left out and absent ones are `null`.
    pub fn to_json(&self, protocol: &Protocol) -> Map<String, Json> {
        let mut map = Map::new();
        for id in protocol.fact_ids() {
            let v = match self.get(id) {
                Slot::Unset => continue,
                Slot::Absent => Json::Null,
                Slot::Set(Value::Bool(b)) => Json::Bool(b),
                Slot::Set(Value::Num(n)) if n.is_integer() => Json::from(n.floor()),
                Slot::Set(Value::Num(n)) => Json::from(n.to_f64()),
                Slot::Set(Value::Sex(sex)) => Json::from(sex.as_str()),
            };
            map.insert(protocol.fact(id).id.clone(), v);
        }
        map
    }

    /// The facts as answers (the kiosk's act request): unset facts are left
    /// out, absent ones are `null`, numbers exact.
    pub fn to_answers(&self, protocol: &Protocol) -> Answers {
        Answers(
            protocol
                .fact_ids()
                .filter_map(|id| {
                    let a = match self.get(id) {
                        Slot::Unset => return None,
                        Slot::Absent => Answer::Null,
                        Slot::Set(Value::Bool(b)) => Answer::Bool(b),
                        Slot::Set(Value::Num(n)) => Answer::Number(ExactNumber::of(n)),
                        Slot::Set(Value::Sex(sex)) => Answer::Text(sex.as_str().into()),
                    };
                    Some((protocol.fact(id).id.clone(), a))
                })
                .collect(),
        )
    }

    /// Numeric value of a fact, if set.
    pub fn number(&self, id: FactId) -> Option<Fixed> {
        match self.get(id) {
            Slot::Set(Value::Num(n)) => Some(n),
            _ => None,
        }
    }

    /// How decisions see these facts once all questions are done: a boolean
    /// left out is its default (false), a missing optional number is absent,
    /// a missing required fact is unknown (an error if the decision needs it).
    pub fn complete<'a>(&'a self, protocol: &'a Protocol) -> Complete<'a> {
        Complete {
            facts: self,
            protocol,
        }
    }

    /// How the kiosk sees the facts mid-way: anything not answered is unknown.
    pub fn partial(&self) -> Partial<'_> {
        Partial(self)
    }
}

/// A number that is not on the fact's grid (too many decimals) or beyond
/// any value it can take: refused, never rounded or wrapped.
fn imprecise(def: &crate::protocol::FactDef, text: &str) -> Error {
    let field = def.id.as_str();
    let looks_decimal = text.contains(['.', 'e', 'E']);
    match def.ty.range() {
        Some((min, max)) if !looks_decimal => Error::input(
            field,
            format!("valeur {text} hors limites : entre {min} et {max}"),
        ),
        _ => Error::input(field, decimals_message(&def.ty, text)),
    }
}

fn decimals_message(ty: &FactType, text: &str) -> String {
    match ty.decimals() {
        0 => format!("« {text} » : nombre entier attendu"),
        d => format!(
            "« {text} » a trop de décimales : au plus {d} décimale{} (la valeur n'est jamais arrondie)",
            if d > 1 { "s" } else { "" }
        ),
    }
}

fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "un booléen",
        Json::Number(_) => "un nombre",
        Json::String(_) => "un texte",
        Json::Array(_) => "une liste",
        Json::Object(_) => "un objet",
    }
}

/// See [`Facts::complete`].
pub struct Complete<'a> {
    facts: &'a Facts,
    protocol: &'a Protocol,
}

impl Env for Complete<'_> {
    fn lookup(&self, fact: FactId) -> Lookup {
        match self.facts.get(fact) {
            Slot::Set(v) => Lookup::Known(v),
            Slot::Absent => Lookup::Absent,
            Slot::Unset => {
                let def = self.protocol.fact(fact);
                match def.default {
                    Some(v) => Lookup::Known(v),
                    None if def.required => Lookup::Unknown,
                    None => Lookup::Absent,
                }
            }
        }
    }
}

/// How `ask_when` sees the facts: only a value known can skip a question;
/// a weight not measured, like one not given yet, leaves it asked.
struct OnlyKnown<'a>(&'a Facts);

impl Env for OnlyKnown<'_> {
    fn lookup(&self, fact: FactId) -> Lookup {
        match self.0.get(fact) {
            Slot::Set(v) => Lookup::Known(v),
            Slot::Absent | Slot::Unset => Lookup::Unknown,
        }
    }
}

/// See [`Facts::partial`].
pub struct Partial<'a>(&'a Facts);

impl Env for Partial<'_> {
    fn lookup(&self, fact: FactId) -> Lookup {
        match self.0.get(fact) {
            Slot::Set(v) => Lookup::Known(v),
            Slot::Absent => Lookup::Absent,
            Slot::Unset => Lookup::Unknown,
        }
    }
}
