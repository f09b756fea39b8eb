//! A repeat visit found in the device's own ledger, and the act prepared
//! with it: the one path the kiosk and the CLI record an act by.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Europe::Paris;

use super::Ledger;
use crate::act::{self, ActRecord, ActRequest, EarlierAct, Patient};
use crate::calendar::Month;
use crate::error::Result;
use crate::protocol::Protocol;

impl Ledger {
    /// The patient's latest prise en charge under this protocol on this
    /// device, on `day` or in the protocol's window before it (void acts
    /// aside); none when the protocol reads no repeat visit. Reads the
    /// window's months only, whatever the ledger's size.
    pub fn earlier_prise_en_charge(
        &self,
        protocol: &Protocol,
        patient: &Patient,
        day: NaiveDate,
    ) -> Result<Option<EarlierAct>> {
        let Some(h) = protocol.patient.history else {
            return Ok(None);
        };
        let from = day
            .checked_sub_signed(Duration::days(i64::from(h.within_days)))
            .unwrap_or(NaiveDate::MIN);
        let mut month = Month::of_date(from);
        let last = Month::of_date(day);
        let mut latest: Option<ActRecord> = None;
        while month <= last {
            for a in self.prises_en_charge(month, &protocol.identity.id)? {
                let on = a.occurred_at.with_timezone(&Paris).date_naive();
                let counts = (from..=day).contains(&on) && act::same_patient(patient, &a.patient);
                if counts
                    && latest
                        .as_ref()
                        .is_none_or(|l| a.occurred_at >= l.occurred_at)
                {
                    latest = Some(a);
                }
            }
            month = month.next();
        }
        Ok(latest.map(|a| EarlierAct {
            lines: a.prescription.iter().map(|l| l.title()).collect(),
            number: a.number,
            occurred_at: a.occurred_at,
        }))
    }

    /// [`act::prepare`] with this device's registry and the patient's
    /// earlier prise en charge from this ledger.
    pub fn prepare_act(
        &self,
        protocol: &Protocol,
        req: &ActRequest,
        now: DateTime<Utc>,
    ) -> Result<ActRecord> {
        let registry = self.registry()?;
        let day = act::act_day(req, now);
        let earlier = self.earlier_prise_en_charge(protocol, &req.patient, day)?;
        act::prepare(
            protocol,
            &registry,
            self.device_id(),
            req,
            earlier.as_ref(),
            now,
        )
    }
}
