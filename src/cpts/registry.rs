//! The CPTS's registry: who is trained, the délégants, the validated
//! protocol, the duty roster, the enrolled devices. Every change is a row
//! appended to `registry_log` (triggers refuse UPDATE and DELETE); the
//! current state is the fold of the rows, the latest winning. Bundles are
//! written from it (see [`super::bundle_out`]).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::payments::{Account, Debtor};
use super::store::CptsDb;
use crate::bundle::{Activation, DelegueStatus};
use crate::crypto::{PublicKey, codes};
use crate::documents::Roster;
use crate::error::{Error, Result};
use crate::ids::Rpps;
use crate::protocol::{Protocol, ValidationStatus};
use crate::registry::{DelegantProfession, Profession};

/// One change to the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    DelegueAdd {
        rpps: Rpps,
        name: String,
        profession: Profession,
        trained_on: NaiveDate,
        activation: Activation,
    },
    DelegueReset {
        rpps: Rpps,
        activation: Activation,
    },
    DelegueRevoke {
        rpps: Rpps,
    },
    DelegantAdd {
        rpps: Rpps,
        name: String,
        profession: DelegantProfession,
        address: Option<String>,
        phone: Option<String>,
    },
    ProtocolAdd {
        id: String,
        version: String,
        sha256: String,
        text: String,
    },
    RosterSet {
        text: String,
    },
    DeviceAdd {
        name: String,
        public_key: PublicKey,
    },
    /// The coordinator accepts a device's restored or rewritten log as it
    /// is: its reports are checked again from the next one on.
    DeviceAcknowledge {
        public_key: PublicKey,
        at: DateTime<Utc>,
    },
    BundleWritten {
        serial: u64,
        sha256: String,
    },
    /// A professional's bank account (the latest one recorded counts).
    BankAccount {
        rpps: Rpps,
        account: Account,
    },
    /// The CPTS's own account, debited by the transfer file.
    DebtorSet {
        debtor: Debtor,
    },
    /// A payment list or transfer file written for a month.
    PaymentsWritten {
        month: String,
        format: String,
        sha256: String,
        at: DateTime<Utc>,
    },
    /// The month marked « payé », naming the file it was paid from.
    MonthPaid {
        month: String,
        sha256: String,
        at: DateTime<Utc>,
    },
}

impl Change {
    fn kind(&self) -> &'static str {
        match self {
            Change::DelegueAdd { .. } => "delegue_add",
            Change::DelegueReset { .. } => "delegue_reset",
            Change::DelegueRevoke { .. } => "delegue_revoke",
            Change::DelegantAdd { .. } => "delegant_add",
            Change::ProtocolAdd { .. } => "protocol_add",
            Change::RosterSet { .. } => "roster_set",
            Change::DeviceAdd { .. } => "device_add",
            Change::DeviceAcknowledge { .. } => "device_acknowledge",
            Change::BundleWritten { .. } => "bundle_written",
            Change::BankAccount { .. } => "bank_account",
            Change::DebtorSet { .. } => "debtor_set",
            Change::PaymentsWritten { .. } => "payments_written",
            Change::MonthPaid { .. } => "month_paid",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delegue {
    pub rpps: Rpps,
    pub name: String,
    pub profession: Profession,
    pub trained_on: NaiveDate,
    pub status: DelegueStatus,
    #[serde(skip)]
    pub activation: Activation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delegant {
    pub rpps: Rpps,
    pub name: String,
    pub profession: DelegantProfession,
    pub address: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProtocolEntry {
    pub id: String,
    pub version: String,
    pub sha256: String,
    #[serde(skip)]
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    pub name: String,
    pub public_key: PublicKey,
    pub fingerprint: String,
    /// When the coordinator last accepted its log as restored
    /// (`cpts device acknowledge`).
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// The registry as it stands.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct State {
    pub delegues: Vec<Delegue>,
    pub delegants: Vec<Delegant>,
    pub protocols: Vec<ProtocolEntry>,
    #[serde(skip)]
    pub roster: Option<String>,
    pub devices: Vec<Device>,
    /// The serial of the last bundle written (0 before the first).
    pub last_serial: u64,
    /// Bank accounts by RPPS: never in a bundle nor in a listing.
    #[serde(skip)]
    pub accounts: BTreeMap<String, Account>,
    #[serde(skip)]
    pub debtor: Option<Debtor>,
    /// Files written to pay each month, oldest first.
    pub payments_written: BTreeMap<String, Vec<Written>>,
    /// Months marked « payé ».
    pub paid: BTreeMap<String, Written>,
}

/// A payment file written (or the one a month was paid from).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Written {
    pub format: String,
    pub sha256: String,
    pub at: DateTime<Utc>,
}

/// A new activation code (shown once) and what travels in the bundle.
fn new_activation() -> Result<(String, Activation)> {
    let code = codes::new_code()?;
    let id = hex::encode(crate::crypto::random::<8>()?);
    Ok((
        code.clone(),
        Activation {
            id,
            code_hash: codes::hash_code(&code)?,
        },
    ))
}

impl CptsDb {
    pub(super) fn append(&self, change: &Change, now: DateTime<Utc>) -> Result<u64> {
        let payload = serde_json::to_string(change).expect("a change serializes");
        self.conn.execute(
            "INSERT INTO registry_log (kind, payload, recorded_at) VALUES (?1, ?2, ?3)",
            params![change.kind(), payload, now.to_rfc3339()],
        )?;
        Ok(u64::try_from(self.conn.last_insert_rowid()).unwrap_or(0))
    }

    /// The registry, folded from its log.
    pub fn state(&self) -> Result<State> {
        self.state_upto(None)
    }

    /// The registry as it stood when the last bundle was written (empty
    /// before the first): what the devices hold now.
    pub fn state_at_last_bundle(&self) -> Result<State> {
        let seq: Option<i64> = self.conn.query_row(
            "SELECT MAX(seq) FROM registry_log WHERE kind = 'bundle_written'",
            [],
            |r| r.get(0),
        )?;
        match seq {
            Some(s) => self.state_upto(Some(s)),
            None => Ok(State::default()),
        }
    }

    fn state_upto(&self, last: Option<i64>) -> Result<State> {
        let mut stmt = self.conn.prepare(
            "SELECT seq, payload FROM registry_log WHERE ?1 IS NULL OR seq <= ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([last])?;
        let mut delegues: BTreeMap<Rpps, Delegue> = BTreeMap::new();
        let mut delegants: BTreeMap<Rpps, Delegant> = BTreeMap::new();
        let mut st = State::default();
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(0)?;
            let payload: String = r.get(1)?;
            let change: Change = serde_json::from_str(&payload).map_err(|_| {
                Error::Corrupt(format!("registre de la CPTS : ligne {seq} illisible"))
            })?;
            match change {
                Change::DelegueAdd {
                    rpps,
                    name,
                    profession,
                    trained_on,
                    activation,
                } => {
                    delegues.insert(
                        rpps.clone(),
                        Delegue {
                            rpps,
                            name,
                            profession,
                            trained_on,
                            status: DelegueStatus::Active,
                            activation,
                        },
                    );
                }
                Change::DelegueReset { rpps, activation } => {
                    if let Some(d) = delegues.get_mut(&rpps) {
                        d.activation = activation;
                        d.status = DelegueStatus::Active;
                    }
                }
                Change::DelegueRevoke { rpps } => {
                    if let Some(d) = delegues.get_mut(&rpps) {
                        d.status = DelegueStatus::Revoked;
                    }
                }
                Change::DelegantAdd {
                    rpps,
                    name,
                    profession,
                    address,
                    phone,
                } => {
                    delegants.insert(
                        rpps.clone(),
                        Delegant {
                            rpps,
                            name,
                            profession,
                            address,
                            phone,
                        },
                    );
                }
                Change::ProtocolAdd {
                    id,
                    version,
                    sha256,
                    text,
                } => {
                    // A new version of a protocol replaces the older one.
                    st.protocols.retain(|p| p.id != id);
                    st.protocols.push(ProtocolEntry {
                        id,
                        version,
                        sha256,
                        text,
                    });
                }
                Change::RosterSet { text } => st.roster = Some(text),
                Change::DeviceAdd { name, public_key } => st.devices.push(Device {
                    name,
                    fingerprint: public_key.fingerprint(),
                    public_key,
                    acknowledged_at: None,
                }),
                Change::DeviceAcknowledge { public_key, at } => {
                    if let Some(d) = st.devices.iter_mut().find(|d| d.public_key == public_key) {
                        d.acknowledged_at = Some(at);
                    }
                }
                Change::BundleWritten { serial, .. } => st.last_serial = st.last_serial.max(serial),
                Change::BankAccount { rpps, account } => {
                    st.accounts.insert(rpps.to_string(), account);
                }
                Change::DebtorSet { debtor } => st.debtor = Some(debtor),
                Change::PaymentsWritten {
                    month,
                    format,
                    sha256,
                    at,
                } => st.payments_written.entry(month).or_default().push(Written {
                    format,
                    sha256,
                    at,
                }),
                Change::MonthPaid { month, sha256, at } => {
                    let format = st
                        .payments_written
                        .get(&month)
                        .and_then(|w| w.iter().find(|w| w.sha256 == sha256))
                        .map(|w| w.format.clone())
                        .unwrap_or_default();
                    st.paid
                        .entry(month)
                        .or_insert(Written { format, sha256, at });
                }
            }
        }
        st.delegues = delegues.into_values().collect();
        st.delegants = delegants.into_values().collect();
        Ok(st)
    }

    /// Registers a trained délégué; returns her one-time activation code.
    pub fn add_delegue(
        &self,
        name: &str,
        rpps: &str,
        profession: Profession,
        trained_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(Rpps, String)> {
        let name = crate::text::name("--name", name)?;
        let rpps = Rpps::parse_field("--rpps", rpps)?;
        if trained_on > now.with_timezone(&chrono_tz::Europe::Paris).date_naive() {
            return Err(Error::input(
                "--trained-on",
                "la formation doit avoir eu lieu : date dans le futur",
            ));
        }
        let st = self.state()?;
        if st.delegues.iter().any(|d| d.rpps == rpps) {
            return Err(Error::input(
                "--rpps",
                format!(
                    "{rpps} est déjà enregistré : pour un nouveau code d'activation, « cpts delegue reset »"
                ),
            ));
        }
        if st.delegants.iter().any(|d| d.rpps == rpps) {
            return Err(Error::input(
                "--rpps",
                format!("{rpps} est enregistré comme délégant"),
            ));
        }
        let (code, activation) = new_activation()?;
        self.append(
            &Change::DelegueAdd {
                rpps: rpps.clone(),
                name,
                profession,
                trained_on,
                activation,
            },
            now,
        )?;
        Ok((rpps, code))
    }

    /// A new activation code (forgotten PIN, lock-out); the old one and any
    /// PIN set from it stop counting once the next bundle is applied.
    pub fn reset_delegue(&self, rpps: &str, now: DateTime<Utc>) -> Result<(Rpps, String)> {
        let rpps = Rpps::parse_field("--rpps", rpps)?;
        self.known_delegue(&rpps)?;
        // A forgotten PIN must not quietly bring back someone withdrawn.
        if self
            .state()?
            .delegues
            .iter()
            .any(|d| d.rpps == rpps && d.status == DelegueStatus::Revoked)
        {
            return Err(Error::input(
                "--rpps",
                format!(
                    "{rpps} a été retiré : un nouveau code ne le réintègre pas ; enregistrez-le à nouveau s'il reprend"
                ),
            ));
        }
        let (code, activation) = new_activation()?;
        self.append(
            &Change::DelegueReset {
                rpps: rpps.clone(),
                activation,
            },
            now,
        )?;
        Ok((rpps, code))
    }

    pub fn revoke_delegue(&self, rpps: &str, now: DateTime<Utc>) -> Result<Rpps> {
        let rpps = Rpps::parse_field("--rpps", rpps)?;
        self.known_delegue(&rpps)?;
        self.append(&Change::DelegueRevoke { rpps: rpps.clone() }, now)?;
        Ok(rpps)
    }

    fn known_delegue(&self, rpps: &Rpps) -> Result<()> {
        if self.state()?.delegues.iter().any(|d| d.rpps == *rpps) {
            Ok(())
        } else {
            Err(Error::input(
                "--rpps",
                format!("aucun délégué {rpps} dans le registre de la CPTS"),
            ))
        }
    }

    pub fn add_delegant(
        &self,
        input: &crate::registry::input::DelegantInput,
        now: DateTime<Utc>,
    ) -> Result<Rpps> {
        let d = crate::registry::input::delegant(input, now)?;
        if self.state()?.delegues.iter().any(|x| x.rpps == d.rpps) {
            return Err(Error::input(
                "--rpps",
                format!("{} est enregistré comme délégué", d.rpps),
            ));
        }
        self.append(
            &Change::DelegantAdd {
                rpps: d.rpps.clone(),
                name: d.name,
                profession: d.profession,
                address: d.address,
                phone: d.phone,
            },
            now,
        )?;
        Ok(d.rpps)
    }

    /// Adds a protocol file as its délégant validated it; a draft or a file
    /// edited since its validation is refused.
    pub fn add_protocol(&self, text: &str, origin: &str, now: DateTime<Utc>) -> Result<Protocol> {
        let p = Protocol::parse(text, origin)?;
        match &p.validation {
            ValidationStatus::Validated(_) => {}
            other => {
                return Err(Error::input(
                    origin,
                    format!(
                        "{} : seul un protocole validé par un délégant peut être transmis aux appareils (protocoop protocol validate)",
                        other.describe()
                    ),
                ));
            }
        }
        self.append(
            &Change::ProtocolAdd {
                id: p.identity.id.clone(),
                version: p.identity.version.clone(),
                sha256: p.identity.sha256.clone(),
                text: text.to_string(),
            },
            now,
        )?;
        Ok(p)
    }

    pub fn set_roster(&self, text: &str, origin: &str, now: DateTime<Utc>) -> Result<Roster> {
        let r = Roster::parse(text, origin)?;
        // Two dentists on call the same day: a device would print the
        // first one only. Refused here, before it reaches any device (a
        // device still reads such a roster, so none stops printing).
        if let Some((a, b, day)) = r.first_overlap() {
            return Err(Error::input(
                "tableau de garde",
                format!(
                    "{origin} : les gardes n° {} ({}) et n° {} ({}) se chevauchent le {} — un seul dentiste de garde par jour",
                    a + 1,
                    r.duties[a].dentist,
                    b + 1,
                    r.duties[b].dentist,
                    crate::fr::date(day)
                ),
            ));
        }
        self.append(
            &Change::RosterSet {
                text: text.to_string(),
            },
            now,
        )?;
        Ok(r)
    }

    pub fn add_device(&self, name: &str, key: &str, now: DateTime<Utc>) -> Result<PublicKey> {
        let name = crate::text::name("--name", name)?;
        let key = PublicKey::parse("--key", key)?;
        if let Some(d) = self.state()?.devices.iter().find(|d| d.public_key == key) {
            return Err(Error::input(
                "--key",
                format!(
                    "cet appareil est déjà enregistré, sous le nom « {} »",
                    d.name
                ),
            ));
        }
        self.append(
            &Change::DeviceAdd {
                name,
                public_key: key,
            },
            now,
        )?;
        Ok(key)
    }

    /// What an act pays under every protocol version ever validated here,
    /// and its questionnaire, by SHA-256 (a replaced version still pays its
    /// late entries).
    pub fn validated_protocols(&self) -> Result<super::recompute::ValidatedProtocols> {
        let mut stmt = self
            .conn
            .prepare("SELECT payload FROM registry_log WHERE kind = 'protocol_add'")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = super::recompute::ValidatedProtocols::new();
        for payload in rows {
            if let Ok(Change::ProtocolAdd { sha256, text, .. }) = serde_json::from_str(&payload?)
                && let Ok(p) = crate::protocol::Protocol::parse(&text, "registre de la CPTS")
            {
                out.insert(
                    sha256,
                    super::recompute::Validated {
                        id: p.identity.id.clone(),
                        delegue_cents: p.remuneration.delegue_cents,
                        delegant_cents: p.remuneration.delegant_cents,
                        questions: p
                            .survey
                            .as_ref()
                            .map(|s| s.questions.iter().map(|q| q.id.clone()).collect()),
                    },
                );
            }
        }
        Ok(out)
    }

    /// Accepts a device's log as it is now, after its report was refused
    /// as « registre réécrit ou restauré » and the structure explained it.
    pub fn acknowledge_device(&self, name: &str, now: DateTime<Utc>) -> Result<Device> {
        let st = self.state()?;
        let Some(d) = st.devices.iter().find(|d| d.name == name) else {
            let names: Vec<&str> = st.devices.iter().map(|d| d.name.as_str()).collect();
            return Err(Error::input(
                "--name",
                format!(
                    "aucun appareil « {name} » ; appareils enregistrés : {}",
                    if names.is_empty() {
                        "aucun".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            ));
        };
        self.append(
            &Change::DeviceAcknowledge {
                public_key: d.public_key,
                at: now,
            },
            now,
        )?;
        Ok(Device {
            acknowledged_at: Some(now),
            ..d.clone()
        })
    }

    pub(super) fn bundle_written(
        &self,
        serial: u64,
        sha256: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.append(
            &Change::BundleWritten {
                serial,
                sha256: sha256.to_string(),
            },
            now,
        )
        .map(|_| ())
    }
}

/// What the next bundle changes for the devices, in words: who and what
/// was added, withdrawn or replaced since the last one.
pub fn changes(before: &State, now: &State) -> Vec<String> {
    let mut out = Vec::new();
    for d in &now.delegues {
        match before.delegues.iter().find(|b| b.rpps == d.rpps) {
            None => out.push(format!("délégué ajouté : {}", d.name)),
            Some(b) if b.status != d.status && d.status == DelegueStatus::Revoked => {
                out.push(format!("délégué retiré : {}", d.name))
            }
            Some(b) if b.activation != d.activation => {
                out.push(format!("nouveau code d'activation : {}", d.name))
            }
            Some(_) => {}
        }
    }
    for d in &now.delegants {
        if !before.delegants.iter().any(|b| b.rpps == d.rpps) {
            out.push(format!("délégant ajouté : {}", d.name));
        }
    }
    for p in &now.protocols {
        if !before.protocols.iter().any(|b| b.sha256 == p.sha256) {
            out.push(format!("protocole {} version {}", p.id, p.version));
        }
    }
    if now.roster != before.roster {
        out.push("tableau de garde mis à jour".to_string());
    }
    for d in &now.devices {
        if !before.devices.iter().any(|b| b.public_key == d.public_key) {
            out.push(format!("appareil enregistré : {}", d.name));
        }
    }
    out
}
