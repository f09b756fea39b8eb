//! `prepare`: every rule an act must satisfy, then the record to store.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

use super::record::*;
use super::{ActRequest, Patient};
use crate::error::{Error, Refusal, Result};
use crate::fr;
use crate::protocol::expr::Tri;
use crate::protocol::{Fixed, Protocol, Value};
use crate::registry::Registry;
use crate::triage::json::OutcomeJson;
use crate::triage::{Facts, Slot, evaluate, selection, sequence, units};

/// An act recorded more than this after it occurred is flagged « deferred ».
pub const DEFERRED_AFTER_MINUTES: i64 = 15;
/// Tolerance for clocks slightly ahead of the device's.
const FUTURE_TOLERANCE_SECONDS: i64 = 60;

/// Why acts made here would be training (SPÉCIMEN, unpaid), or `None` when
/// they are real: that needs both a protocol the CPTS attested and a device
/// attached to the CPTS. A training device never pays, whatever file it is
/// given. The kiosk shows the same reason.
pub fn training_reason(protocol: &Protocol, registry: &Registry) -> Option<&'static str> {
    let Some(attachment) = &registry.attachment else {
        return Some("appareil de formation, non rattaché à une CPTS");
    };
    if let crate::protocol::Source::Cpts { serial } = protocol.source
        && serial != attachment.serial
    {
        return Some("protocole d'un lot de la CPTS remplacé depuis par un plus récent");
    }
    protocol.training_reason()
}

/// Completed years of age on `day`.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> i64 {
    let mut age = i64::from(day.year() - birth.year());
    if (day.month(), day.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// Under 18, the parent or guardian consents for the patient.
pub fn is_minor(age: i64) -> bool {
    (0..18).contains(&age)
}

/// The Paris day an act is dated: when it occurred, else now.
pub fn act_day(req: &ActRequest, now: DateTime<Utc>) -> NaiveDate {
    req.occurred_at
        .unwrap_or(now)
        .with_timezone(&Paris)
        .date_naive()
}

/// Checks an act request against the protocol and the registry and builds
/// the record to append. `id` and `number` are left empty: the ledger
/// assigns them inside its append transaction. The délégué's PIN is checked
/// by the caller before (the ledger keeps the failure count). `earlier`:
/// the patient's earlier prise en charge on this device, from its ledger
/// ([`crate::ledger::Ledger::prepare_act`] looks it up), never from input.
pub fn prepare(
    protocol: &Protocol,
    registry: &Registry,
    device_id: &str,
    req: &ActRequest,
    earlier: Option<&super::EarlierAct>,
    now: DateTime<Utc>,
) -> Result<ActRecord> {
    if req.consent == Some(false) {
        return Err(Refusal::NoConsent.into());
    }
    if let Some(r) = &registry.restored
        && training_reason(protocol, registry).is_none()
    {
        return Err(Refusal::LedgerRestored(r.acknowledged_seq).into());
    }
    let now = now.with_nanosecond_zero();
    let occurred_at = req.occurred_at.map_or(now, |t| t.with_nanosecond_zero());
    if occurred_at > now + Duration::seconds(FUTURE_TOLERANCE_SECONDS) {
        return Err(Refusal::FutureAct(fr::datetime(occurred_at)).into());
    }
    let day = occurred_at.with_timezone(&Paris).date_naive();
    let today = now.with_timezone(&Paris).date_naive();
    if day
        < today
            .checked_sub_months(Months::new(12))
            .unwrap_or(NaiveDate::MIN)
    {
        return Err(Refusal::TooOld(fr::date(day)).into());
    }
    let deferred = now - occurred_at > Duration::minutes(DEFERRED_AFTER_MINUTES);

    let structure = registry.structure.as_ref().ok_or(Refusal::NoStructure)?;
    let delegue = registry
        .delegue(&req.delegue)
        .ok_or_else(|| Refusal::UnknownDelegue(req.delegue.to_string()))?;
    match delegue.trained_on {
        None => {
            return Err(Refusal::Untrained {
                name: delegue.name.clone(),
            }
            .into());
        }
        Some(t) if t > day => {
            return Err(Refusal::TrainedLater {
                name: delegue.name.clone(),
                from: fr::date(t),
                on: fr::date(day),
            }
            .into());
        }
        Some(_) => {}
    }
    let delegant = registry
        .delegant(&req.delegant)
        .ok_or_else(|| Refusal::UnknownDelegant(req.delegant.to_string()))?;

    let facts = patient_facts(protocol, &req.patient, &req.facts, day)?;
    let facts = with_history(protocol, facts, earlier.is_some())?;
    let unanswered = sequence::unanswered(protocol, &facts);
    if !unanswered.is_empty() {
        return Err(Error::Unanswered(
            unanswered
                .into_iter()
                .map(|f| protocol.fact(f).id.clone())
                .collect(),
        ));
    }
    let outcome = evaluate(protocol, &facts)?;
    let chosen = selection::choose(protocol, &outcome, &req.lines)?;

    let training = training_reason(protocol, registry).is_some();
    let paid = outcome.taken_in_charge() && !training;
    let payment = Payment {
        delegue_cents: if paid {
            protocol.remuneration.delegue_cents
        } else {
            0
        },
        delegant_cents: if paid {
            protocol.remuneration.delegant_cents
        } else {
            0
        },
    };
    let mut outcome_json = OutcomeJson::new(protocol, &outcome);
    for line in &mut outcome_json.prescription {
        line.selected = req.lines.contains(&line.id);
    }
    if let Some(line) = req.presentations.keys().find(|id| {
        !chosen
            .iter()
            .any(|l| protocol.medicine(l.medicine).id == **id)
    }) {
        return Err(Error::input(
            format!("presentations.{}", crate::text::quote(line)),
            "présentation choisie pour une ligne qui n'est pas prescrite",
        ));
    }
    let prescription = chosen
        .iter()
        .map(|l| {
            let m = protocol.medicine(l.medicine);
            let asked = req.presentations.get(&m.id).map(String::as_str);
            let given = units::choose(m, &l.dose, asked)?.map(|(p, g)| GivenRecord::new(p, &g));
            Ok(PrescribedLine {
                id: m.id.clone(),
                dci: m.dci.clone(),
                class: m.class.clone(),
                strength: m.strength.clone(),
                form: m.form.clone(),
                unit: l.unit,
                per_dose_min: l.dose.per_dose_min,
                per_dose: l.dose.per_dose,
                max_per_day: l.dose.max_per_day,
                days: l.dose.days,
                frequency: m.frequency.clone(),
                weight_kg: l.dose.weight.map(Fixed::to_f64),
                secure_prescription: m.secure_prescription,
                advice: m.advice.clone(),
                given,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let p = &req.patient;
    Ok(ActRecord {
        v: 1,
        id: String::new(),
        number: String::new(),
        device_id: device_id.to_string(),
        occurred_at,
        recorded_at: now,
        deferred,
        training,
        protocol: ProtocolRef {
            id: protocol.identity.id.clone(),
            version: protocol.identity.version.clone(),
            sha256: protocol.identity.sha256.clone(),
            name: protocol.meta.name.clone(),
            cpts: protocol.meta.cpts.clone(),
        },
        structure: StructureRef {
            name: structure.name.clone(),
            address: structure.address.clone(),
            postal_code: structure.postal_code.clone(),
            phone: structure.phone.clone(),
            finess: structure.finess.as_ref().map(|f| f.number.clone()),
        },
        delegue: PersonRef {
            rpps: delegue.rpps.to_string(),
            name: delegue.name.clone(),
            profession: Some(delegue.profession.as_str().to_string()),
            address: None,
            phone: None,
        },
        delegant: PersonRef {
            rpps: delegant.rpps.to_string(),
            name: delegant.name.clone(),
            profession: Some(delegant.profession.as_str().to_string()),
            address: delegant.address.clone(),
            phone: delegant.phone.clone(),
        },
        patient: PatientRecord {
            last_name: p.last_name.clone(),
            first_name: p.first_name.clone(),
            birth_date: p.birth_date,
            sex: p.sex,
            weight_kg: p.weight_kg.map(Fixed::to_f64),
            postal_code: p.postal_code.clone(),
            age_years: age_on(p.birth_date, day),
            phone: p.phone.clone(),
        },
        consent: req.consent,
        attending_doctor: req.attending_doctor.as_ref().map(|d| DoctorRef {
            name: d.name.clone(),
            town: d.town.clone(),
        }),
        facts: facts.to_json(protocol),
        outcome: outcome_json,
        prescription,
        payment,
    })
}

/// The facts with age and weight taken from the patient; a contradiction
/// between the two is refused rather than silently resolved.
fn patient_facts(
    protocol: &Protocol,
    patient: &Patient,
    given: &crate::json_input::Answers,
    day: NaiveDate,
) -> Result<Facts> {
    if patient.birth_date > day {
        return Err(Error::input(
            "patient.birth_date",
            "date de naissance postérieure à la date de l'acte",
        ));
    }
    let age = age_on(patient.birth_date, day);
    if age > 130 {
        return Err(Error::input(
            "patient.birth_date",
            format!("âge de {age} ans invraisemblable"),
        ));
    }
    let facts = Facts::from_answers(protocol, given)?;
    if let Some(h) = protocol.patient.history
        && !matches!(facts.get(h.fact), Slot::Unset)
    {
        let id = &protocol.fact(h.fact).id;
        return Err(Error::input(
            id.as_str(),
            format!(
                "« {id} » est renseigné par l'appareil d'après son registre : ne le donnez pas"
            ),
        ));
    }
    let (age_id, weight_id) = (protocol.patient.age, protocol.patient.weight);
    if let Some(stated) = facts.number(age_id)
        && stated != Fixed::from_int(age)
    {
        return Err(Refusal::AgeMismatch {
            from_birth: age,
            in_facts: stated.floor(),
        }
        .into());
    }
    let stated_weight = facts.number(weight_id);
    if stated_weight.is_some() && stated_weight != patient.weight_kg {
        return Err(Refusal::WeightMismatch {
            patient: patient
                .weight_kg
                .map_or("non renseigné".into(), fr::decimal),
            in_facts: stated_weight.map_or(String::new(), fr::decimal),
        }
        .into());
    }
    let facts = with_patient(protocol, facts, patient, age)?;
    debug_assert!(facts.get(age_id) != Slot::Unset);
    Ok(facts)
}

/// Puts the patient's age, weight and sex into the facts (a question that
/// does not apply to the patient is answered « non »), and refuses a missing
/// weight where the protocol computes doses by weight: one rule for the
/// kiosk's Patient screen and for every recorded act.
/// The repeat-visit fact, when the protocol reads it: set by the device
/// from its ledger. A value stated in the input is refused, never trusted.
pub fn with_history(protocol: &Protocol, mut facts: Facts, earlier: bool) -> Result<Facts> {
    let Some(h) = protocol.patient.history else {
        return Ok(facts);
    };
    facts.set(protocol, h.fact, Value::Bool(earlier))?;
    Ok(facts)
}

pub fn with_patient(
    protocol: &Protocol,
    mut facts: Facts,
    patient: &Patient,
    age: i64,
) -> Result<Facts> {
    facts.set(
        protocol,
        protocol.patient.age,
        Value::Num(Fixed::from_int(age)),
    )?;
    match patient.weight_kg {
        Some(w) => facts.set(protocol, protocol.patient.weight, Value::Num(w))?,
        None => facts.set_absent(protocol, protocol.patient.weight)?,
    }
    if let Some(sex_fact) = protocol.patient.sex {
        if let Slot::Set(Value::Sex(stated)) = facts.get(sex_fact)
            && stated != patient.sex
        {
            return Err(Error::input(
                protocol.fact(sex_fact).id.as_str(),
                format!(
                    "« {} » dans les faits, « {} » pour le patient : les deux doivent concorder",
                    stated.as_str(),
                    patient.sex.as_str()
                ),
            ));
        }
        facts.set(protocol, sex_fact, Value::Sex(patient.sex))?;
    }
    // Whatever `ask_when` reads (age, weight or sex), once all three are in.
    facts.settle_inapplicable(protocol)?;
    if patient.weight_kg.is_none()
        && protocol
            .patient
            .weight_required_when
            .expr
            .eval(&facts.complete(protocol))
            == Tri::True
    {
        return Err(Error::input(
            "patient.weight_kg",
            format!("obligatoire pour un patient de {age} ans (les doses se calculent au poids)"),
        ));
    }
    Ok(facts)
}

trait TruncateNanos {
    fn with_nanosecond_zero(self) -> Self;
}

impl TruncateNanos for DateTime<Utc> {
    /// Stored times have whole seconds: canonical and readable.
    fn with_nanosecond_zero(self) -> Self {
        use chrono::Timelike;
        self.with_nanosecond(0).unwrap_or(self)
    }
}

#[cfg(test)]
mod minor_tests {
    use super::is_minor;

    #[test]
    fn the_parent_consents_until_the_eighteenth_birthday() {
        assert!(is_minor(0));
        assert!(is_minor(17));
        assert!(!is_minor(18));
        assert!(!is_minor(40));
        assert!(
            !is_minor(-1),
            "a birth date in the future is refused elsewhere"
        );
    }
}
