//! Follow-ups appended to an act: reprise by the délégant, adverse event,
//! satisfaction, documents issued, and voiding (the act stays, marked void).

use chrono::{DateTime, Utc};

use super::chain;
use super::entry::{Kind, Typed};
pub use super::followup_record::{
    AdverseNature, FollowupEvent, FollowupRecord, Severity, document_title, type_label, withdrawn,
};
use super::{ActStatus, Ledger, Recorded, to_bytes};
use crate::error::{Error, Refusal, Result};
use crate::ids::Rpps;
use crate::registry::DelegueRecord;

/// Proof that a délégué of this device typed her PIN just now: only
/// [`Ledger::authenticate`] makes one, and follow-ups and voids require one
/// (parse, don't validate: nothing downstream checks a PIN again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    delegue: DelegueRecord,
}

impl Authenticated {
    pub(super) fn new(delegue: DelegueRecord) -> Authenticated {
        Authenticated { delegue }
    }

    pub fn delegue(&self) -> &DelegueRecord {
        &self.delegue
    }

    pub fn rpps(&self) -> &Rpps {
        &self.delegue.rpps
    }
}

impl Ledger {
    /// Appends a follow-up to an act (found by id or number), authored by
    /// the délégué who just typed her PIN. A void is only for the délégué
    /// who recorded the act; a void act takes no further follow-up; a
    /// correction withdraws one reported follow-up of this act, once.
    pub fn add_followup(
        &mut self,
        act: &str,
        by: &Authenticated,
        event: FollowupEvent,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        if let FollowupEvent::Document { .. } = event {
            return Err(Error::input(
                "suivi",
                "un document émis est inscrit par l'émission elle-même",
            ));
        }
        if let FollowupEvent::Call { .. } = event {
            return Err(Error::input(
                "suivi",
                "un appel de suivi s'enregistre avec ses réponses, comme le plan du protocole les demande",
            ));
        }
        event.validate()?;
        // A proof made before the délégué was withdrawn no longer counts.
        if self.registry()?.delegue(by.rpps()).is_none() {
            return Err(Refusal::UnknownDelegue(by.rpps().to_string()).into());
        }
        let view = self.act(act)?;
        if let FollowupEvent::Void { .. } = event
            && view.act.delegue.rpps != by.rpps().as_str()
        {
            return Err(Refusal::VoidByOther {
                number: view.act.number.clone(),
                recorder: view.act.delegue.name.clone(),
            }
            .into());
        }
        if let FollowupEvent::Correction { corrects, .. } = event {
            check_correction(&view, corrects)?;
        }
        if let FollowupEvent::Appointment { on: Some(on), .. } = event {
            let act_day = view
                .act
                .occurred_at
                .with_timezone(&chrono_tz::Europe::Paris);
            crate::calls::answers::check_appointment_day(on, act_day.date_naive())?;
        }
        self.append_followup(view, Some(by.rpps()), event, now)
    }

    /// Logs a document rendered for an act (its SHA-256), on behalf of the
    /// délégué who recorded it.
    pub fn add_document(
        &mut self,
        act: &str,
        document: &str,
        sha256: &str,
        renderer: &str,
        reprint: bool,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        let view = self.act(act)?;
        let by = Rpps::parse(&view.act.delegue.rpps).ok();
        let event = FollowupEvent::Document {
            document: document.to_string(),
            sha256: sha256.to_string(),
            renderer: renderer.to_string(),
            reprint,
        };
        self.append_followup(view, by.as_ref(), event, now)
    }

    fn append_followup(
        &mut self,
        view: super::ActView,
        by: Option<&Rpps>,
        event: FollowupEvent,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        if let ActStatus::Void { .. } = view.status {
            return Err(Refusal::ActVoid(view.act.number).into());
        }
        let record = FollowupRecord {
            v: 1,
            act_id: view.act.id.clone(),
            act_number: view.act.number.clone(),
            by: by.map(|r| r.to_string()),
            recorded_at: now,
            event,
        };
        let (seq, hash) = self.write(|tx| {
            chain::append(
                tx,
                Kind::Followup,
                &to_bytes(&record),
                Typed::Followup(&record),
            )
        })?;
        Ok(Recorded {
            id: view.act.id,
            number: view.act.number,
            seq,
            hash: hex::encode(hash),
        })
    }
}

/// A correction names a follow-up of the act it is added to, one a
/// correction may withdraw ([`FollowupEvent::correctable`]), not withdrawn
/// already.
fn check_correction(view: &super::ActView, corrects: u64) -> Result<()> {
    let number = &view.act.number;
    let Some(target) = view.followups.iter().find(|f| f.seq == corrects) else {
        return Err(Error::input(
            "correction",
            format!("l'acte {number} n'a pas de suivi à l'entrée {corrects}"),
        ));
    };
    if !target.event.correctable() {
        let what = match target.event {
            FollowupEvent::Void { .. } => "une annulation ne se corrige pas",
            FollowupEvent::Call { .. } => {
                "un appel ne se corrige pas : corrigez ses réponses (rendez-vous, satisfaction, événement) une à une"
            }
            FollowupEvent::Correction { .. } => "une correction ne se corrige pas",
            _ => "un document émis ne se corrige pas : il est imprimé",
        };
        return Err(Error::input(
            "correction",
            format!("entrée {corrects} de l'acte {number} : {what}"),
        ));
    }
    if let Some(c) = view.correction_of(corrects) {
        return Err(Error::input(
            "correction",
            format!(
                "le suivi de l'entrée {corrects} (acte {number}) est déjà corrigé, par l'entrée {}",
                c.seq
            ),
        ));
    }
    Ok(())
}
