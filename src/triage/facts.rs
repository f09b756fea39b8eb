//! What is known of a patient: the value of each protocol fact.

use serde_json::{Map, Value as Json};

use crate::error::{Error, Result};
use crate::protocol::expr::{self, Env, Lookup};
use crate::protocol::{FactId, FactType, Fixed, Protocol, Value};

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
            (FactType::Bool, Value::Bool(_)) => {}
            (FactType::Integer { min, max } | FactType::Number { min, max }, Value::Num(v)) => {
                if matches!(def.ty, FactType::Integer { .. }) && !v.is_integer() {
                    return Err(Error::input(
                        field,
                        format!("nombre entier attendu, {v} reçu"),
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
        if def.required || def.ty.is_bool() {
            return Err(Error::input(
                def.id.as_str(),
                "ce fait ne peut pas rester sans valeur",
            ));
        }
        self.slots[id.index()] = Slot::Absent;
        Ok(())
    }

    /// Forgets a fact (the kiosk's « Retour »).
    pub fn unset(&mut self, id: FactId) {
        self.slots[id.index()] = Slot::Unset;
    }

    /// Reads a flat JSON object `{ "fact_id": value, … }`. Unknown ids, wrong
    /// types and out-of-range values are refused with the field named.
    pub fn from_json(protocol: &Protocol, json: &Json) -> Result<Facts> {
        let Json::Object(map) = json else {
            return Err(Error::input(
                "faits",
                "un objet JSON { \"fait\": valeur, … } est attendu",
            ));
        };
        let mut facts = Facts::new(protocol);
        for (key, value) in map {
            let Some(id) = protocol.fact_id(key) else {
                let names: Vec<&str> = protocol.facts.iter().map(|f| f.id.as_str()).collect();
                let hint = expr::closest(key, &names)
                    .map(|b| format!(" — vouliez-vous dire « {b} » ?"))
                    .unwrap_or_default();
                return Err(Error::input(key.as_str(), format!("fait inconnu{hint}")));
            };
            let def = protocol.fact(id);
            match value {
                Json::Null => facts.set_absent(protocol, id)?,
                Json::Bool(b) => facts.set(protocol, id, Value::Bool(*b))?,
                Json::Number(n) => {
                    let v = n
                        .as_i64()
                        .map(Fixed::from_int)
                        .or_else(|| n.as_f64().and_then(Fixed::from_f64));
                    match v {
                        Some(v) if !def.ty.is_bool() => facts.set(protocol, id, Value::Num(v))?,
                        _ => {
                            return Err(Error::input(
                                key.as_str(),
                                format!("{} attendu, {n} reçu", def.ty.name_fr()),
                            ));
                        }
                    }
                }
                other => {
                    return Err(Error::input(
                        key.as_str(),
                        format!("{} attendu, {} reçu", def.ty.name_fr(), json_kind(other)),
                    ));
                }
            }
        }
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
            };
            map.insert(protocol.fact(id).id.clone(), v);
        }
        map
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
