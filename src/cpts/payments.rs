//! Paying a consolidated month: who gets a transfer (a positive net amount
//! and a bank account the CPTS recorded), who owes money back, who has no
//! account yet; the treasurer's list with the accounts (CSV) and the SEPA
//! credit-transfer file (pain.001.001.03) a French bank takes for a bulk
//! transfer.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Paris;
use sha2::{Digest, Sha256};

use super::consolidate::{Consolidated, PaymentLine};
use super::iban::{Bic, Iban};
use super::registry::{Change, Written};
use super::store::CptsDb;
use crate::calendar::Month;
use crate::error::{Error, Result};
use crate::ids::Rpps;
use crate::report::csv::amount;

/// A bank account recorded by the CPTS.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Account {
    pub iban: Iban,
    pub bic: Option<Bic>,
}

/// Who pays: the CPTS's own account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Debtor {
    pub name: String,
    pub account: Account,
}

/// What a month's payment lines come to, with the accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub month: String,
    /// Positive net amount and an account: in the transfer file.
    pub transfers: Vec<(PaymentLine, Account)>,
    /// Positive net amount and no account: the file cannot be written yet.
    pub without_account: Vec<PaymentLine>,
    /// Negative net amount: money the CPTS recovers, never a transfer.
    pub to_recover: Vec<PaymentLine>,
}

impl Plan {
    pub fn of(c: &Consolidated, accounts: &BTreeMap<String, Account>) -> Plan {
        let mut plan = Plan {
            month: c.month.clone(),
            transfers: Vec::new(),
            without_account: Vec::new(),
            to_recover: Vec::new(),
        };
        for l in &c.payments {
            if l.cents < 0 {
                plan.to_recover.push(l.clone());
            } else if l.cents > 0 {
                match accounts.get(&l.rpps) {
                    Some(a) => plan.transfers.push((l.clone(), a.clone())),
                    None => plan.without_account.push(l.clone()),
                }
            }
        }
        plan
    }

    pub fn total_cents(&self) -> u64 {
        self.transfers
            .iter()
            .map(|(l, _)| l.cents.unsigned_abs())
            .sum()
    }
}

impl CptsDb {
    /// Records the bank account of a registered délégué or délégant (a new
    /// one replaces the old: the log keeps both).
    pub fn set_account(
        &self,
        rpps: &str,
        iban: &str,
        bic: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Rpps, Account)> {
        let rpps = Rpps::parse_field("--rpps", rpps)?;
        let account = Account {
            iban: Iban::parse("--iban", iban)?,
            bic: bic.map(|b| Bic::parse("--bic", b)).transpose()?,
        };
        let st = self.state()?;
        let known = st.delegues.iter().any(|d| d.rpps == rpps)
            || st.delegants.iter().any(|d| d.rpps == rpps);
        if !known {
            return Err(Error::input(
                "--rpps",
                format!(
                    "{rpps} n'est ni un délégué ni un délégant de la CPTS : enregistrez-le d'abord"
                ),
            ));
        }
        self.append(
            &Change::BankAccount {
                rpps: rpps.clone(),
                account: account.clone(),
            },
            now,
        )?;
        Ok((rpps, account))
    }

    /// Records the CPTS's own account, which the transfer file debits.
    pub fn set_debtor(
        &self,
        name: &str,
        iban: &str,
        bic: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Debtor> {
        let debtor = Debtor {
            name: crate::text::name("--debtor-name", name)?,
            account: Account {
                iban: Iban::parse("--debtor-iban", iban)?,
                bic: bic.map(|b| Bic::parse("--debtor-bic", b)).transpose()?,
            },
        };
        self.append(
            &Change::DebtorSet {
                debtor: debtor.clone(),
            },
            now,
        )?;
        Ok(debtor)
    }

    /// Logs a payment file written for `month`; its SHA-256.
    pub fn payments_written(
        &self,
        month: Month,
        format: &str,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<String> {
        let sha256 = hex::encode(Sha256::digest(bytes));
        self.append(
            &Change::PaymentsWritten {
                month: month.to_string(),
                format: format.to_string(),
                sha256: sha256.clone(),
                at: now,
            },
            now,
        )?;
        Ok(sha256)
    }

    /// Marks `month` « payé », from the last transfer file written for it
    /// (else the last payment list). Once only.
    pub fn mark_paid(&self, month: Month, now: DateTime<Utc>) -> Result<Written> {
        let st = self.state()?;
        let m = month.to_string();
        if let Some(p) = st.paid.get(&m) {
            return Err(Error::input(
                "--month",
                format!("{m} est déjà marqué payé, le {}", crate::fr::datetime(p.at)),
            ));
        }
        let written = st
            .payments_written
            .get(&m)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let from = written
            .iter()
            .rev()
            .find(|w| w.format == "sepa")
            .or_else(|| written.last())
            .ok_or_else(|| {
                Error::input(
                    "--month",
                    format!(
                        "aucun fichier de paiement écrit pour {m} : écrivez d'abord la liste ou le fichier de virement"
                    ),
                )
            })?
            .clone();
        self.append(
            &Change::MonthPaid {
                month: m,
                sha256: from.sha256.clone(),
                at: now,
            },
            now,
        )?;
        Ok(Written { at: now, ..from })
    }
}

/// What is asked of a payment file: the format, and the CPTS's account
/// when it is given now (else the one recorded is used).
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    pub format: &'a str,
    pub debtor_name: Option<&'a str>,
    pub debtor_iban: Option<&'a str>,
    pub debtor_bic: Option<&'a str>,
    pub execution: Option<NaiveDate>,
}

/// A payment file made, not yet written: its format (`csv`, `sepa`), bytes,
/// and what it pays.
#[derive(Debug, Clone)]
pub struct Made {
    pub format: &'static str,
    pub bytes: Vec<u8>,
    pub plan: Plan,
    pub consolidated: Consolidated,
}

/// Makes the payment file of `month` for the CPTS of folder `dir` (the
/// window and `cpts payments` alike). A debtor given is recorded. The
/// caller writes the file, then logs it with [`CptsDb::payments_written`].
pub fn make(
    db: &CptsDb,
    dir: &std::path::Path,
    month: Month,
    req: &Request<'_>,
    now: DateTime<Utc>,
) -> Result<Made> {
    let c = super::consolidate(db, month)?;
    let st = db.state()?;
    let plan = Plan::of(&c, &st.accounts);
    let (format, bytes) = match req.format {
        "csv" => ("csv", csv(&c, &st.accounts)?),
        "sepa" => {
            if let Some(p) = st.paid.get(&month.to_string()) {
                return Err(Error::input(
                    "--month",
                    format!(
                        "{month} est déjà payé (le {}) : un nouveau fichier de virements paierait tout le monde une seconde fois",
                        crate::fr::datetime(p.at)
                    ),
                ));
            }
            let given = match (req.debtor_iban, req.debtor_name) {
                (Some(iban), Some(name)) => Some(Debtor {
                    name: crate::text::name("--debtor-name", name)?,
                    account: Account {
                        iban: Iban::parse("--debtor-iban", iban)?,
                        bic: req
                            .debtor_bic
                            .map(|b| Bic::parse("--debtor-bic", b))
                            .transpose()?,
                    },
                }),
                (None, None) => None,
                _ => {
                    return Err(Error::input(
                        "--debtor-name",
                        "l'IBAN et le titulaire du compte de la CPTS vont ensemble",
                    ));
                }
            };
            let debtor = match given.clone().or_else(|| st.debtor.clone()) {
                Some(d) => d,
                None => {
                    return Err(Error::input(
                        "--debtor-iban",
                        "le compte de la CPTS n'est pas encore connu : donnez son IBAN et son titulaire (retenus pour les fois suivantes)",
                    ));
                }
            };
            let today = now.with_timezone(&Paris).date_naive();
            let execution = match req.execution {
                Some(d) if d < today => {
                    return Err(Error::input(
                        "--execution-date",
                        format!(
                            "le {} est passé : une banque n'exécute pas un virement à une date passée",
                            crate::fr::date(d)
                        ),
                    ));
                }
                Some(d) => d,
                None => next_business_day(today),
            };
            let name = super::authority::identity(dir)?
                .map(|i| i.name)
                .unwrap_or_else(|| debtor.name.clone());
            let bytes = sepa(&plan, &name, &debtor, now, execution)?;
            // Kept for the next months only once a file was made with it.
            if let Some(d) = given {
                db.set_debtor(
                    &d.name,
                    d.account.iban.as_str(),
                    d.account.bic.as_ref().map(Bic::as_str),
                    now,
                )?;
            }
            ("sepa", bytes)
        }
        other => {
            return Err(Error::input(
                "--format",
                format!("« {} » : csv ou sepa", crate::text::quote(other)),
            ));
        }
    };
    Ok(Made {
        format,
        bytes,
        plan,
        consolidated: c,
    })
}

/// What a payment file made comes to, in a sentence.
pub fn summary(made: &Made) -> String {
    if made.format == "sepa" {
        format!(
            "{}, {} au total",
            crate::fr::plural(made.plan.transfers.len() as u64, "virement", "virements"),
            crate::fr::money(made.plan.total_cents() as i64)
        )
    } else {
        crate::fr::plural(made.consolidated.payments.len() as u64, "ligne", "lignes")
    }
}

/// The professionals a transfer file leaves out, one sentence each.
pub fn left_out(plan: &Plan) -> Vec<String> {
    let mut out: Vec<String> = plan
        .to_recover
        .iter()
        .map(|l| {
            format!(
                "à récupérer : {} ({}) doit {}",
                l.name,
                l.rpps,
                crate::fr::money(-l.cents)
            )
        })
        .collect();
    out.extend(plan.without_account.iter().map(|l| {
        format!(
            "IBAN à enregistrer : {} ({}), {} à verser",
            l.name,
            l.rpps,
            crate::fr::money(l.cents)
        )
    }));
    out
}

/// The next day a bank executes a transfer after `today`: Monday to
/// Friday, French public holidays aside.
fn next_business_day(today: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let mut d = today;
    // A week always holds a working day: bounded, whatever the calendar.
    for _ in 0..14 {
        d = d.succ_opt().unwrap_or(d);
        let weekend = matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
        let holiday =
            crate::calendar::holidays::is_holiday(d, crate::calendar::holidays::Region::General);
        if !weekend && !holiday {
            break;
        }
    }
    d
}

/// What is done with a net amount: one wording for the treasurer's list
/// and the window.
pub fn settlement(cents: i64, has_account: bool) -> &'static str {
    match (cents, has_account) {
        (..0, _) => "à récupérer",
        (0, _) => "rien à verser",
        (_, true) => "virement",
        (_, false) => "IBAN à enregistrer",
    }
}

/// The treasurer's list: each line with its account and what is done with
/// it (transfer, to recover, account missing).
pub fn csv(c: &Consolidated, accounts: &BTreeMap<String, Account>) -> Result<Vec<u8>> {
    let mut w = crate::report::csv::writer();
    let err = |e: ::csv::Error| Error::Storage(format!("écriture du CSV : {e}"));
    w.write_record([
        "Mois",
        "Rôle",
        "RPPS",
        "Nom",
        "Actes payés",
        "Actes déduits",
        "Montant net (€)",
        "IBAN",
        "BIC",
        "Règlement",
    ])
    .map_err(err)?;
    for l in &c.payments {
        let account = accounts.get(&l.rpps);
        let what = settlement(l.cents, account.is_some());
        let role = if l.role == "delegant" {
            "délégant"
        } else {
            "délégué"
        };
        w.write_record([
            c.month.as_str(),
            role,
            &l.rpps,
            &l.name,
            &l.acts.to_string(),
            &l.deducted_acts.to_string(),
            &amount(l.cents),
            &account.map_or(String::new(), |a| a.iban.to_string()),
            account
                .and_then(|a| a.bic.as_ref())
                .map_or("", |b| b.as_str()),
            what,
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Storage(format!("écriture du CSV : {e}")))
}

/// The pain.001.001.03 file: one payment of the CPTS's account, one
/// transfer per professional, dated `created`, to be executed on
/// `execution`. Refused while a professional to pay has no account, or
/// when there is nothing to pay.
pub fn sepa(
    plan: &Plan,
    cpts_name: &str,
    debtor: &Debtor,
    created: DateTime<Utc>,
    execution: NaiveDate,
) -> Result<Vec<u8>> {
    if !plan.without_account.is_empty() {
        let who: Vec<String> = plan
            .without_account
            .iter()
            .map(|l| format!("{} ({})", l.name, l.rpps))
            .collect();
        return Err(Error::input(
            "--format",
            format!(
                "pas d'IBAN enregistré pour {} : enregistrez son IBAN avant d'écrire le fichier de virement",
                who.join(", ")
            ),
        ));
    }
    if plan.transfers.is_empty() {
        return Err(Error::input(
            "--month",
            format!(
                "rien à verser pour {} : aucun virement à écrire",
                plan.month
            ),
        ));
    }
    let n = plan.transfers.len();
    let total = sepa_amount(plan.total_cents());
    let stamp = created.with_timezone(&Paris).format("%Y-%m-%dT%H:%M:%S");
    // Unique per month and moment, within the 35 characters allowed.
    let digest = hex::encode(Sha256::digest(format!(
        "{}{}",
        plan.month,
        created.to_rfc3339()
    )));
    let msg_id = format!(
        "PROTOCOOP-{}-{}",
        plan.month,
        digest.get(..16).unwrap_or("")
    );
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n");
    x.push_str("  <CstmrCdtTrfInitn>\n    <GrpHdr>\n");
    let _ = writeln!(x, "      <MsgId>{msg_id}</MsgId>");
    let _ = writeln!(x, "      <CreDtTm>{stamp}</CreDtTm>");
    let _ = writeln!(x, "      <NbOfTxs>{n}</NbOfTxs>");
    let _ = writeln!(x, "      <CtrlSum>{total}</CtrlSum>");
    let _ = writeln!(
        x,
        "      <InitgPty><Nm>{}</Nm></InitgPty>",
        text(cpts_name, 70)
    );
    x.push_str("    </GrpHdr>\n    <PmtInf>\n");
    let _ = writeln!(x, "      <PmtInfId>{msg_id}</PmtInfId>");
    x.push_str("      <PmtMtd>TRF</PmtMtd>\n      <BtchBookg>true</BtchBookg>\n");
    let _ = writeln!(x, "      <NbOfTxs>{n}</NbOfTxs>");
    let _ = writeln!(x, "      <CtrlSum>{total}</CtrlSum>");
    x.push_str("      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>\n");
    let _ = writeln!(x, "      <ReqdExctnDt>{execution}</ReqdExctnDt>");
    let _ = writeln!(x, "      <Dbtr><Nm>{}</Nm></Dbtr>", text(&debtor.name, 70));
    let _ = writeln!(
        x,
        "      <DbtrAcct><Id><IBAN>{}</IBAN></Id></DbtrAcct>",
        debtor.account.iban.as_str()
    );
    let _ = writeln!(x, "      <DbtrAgt>{}</DbtrAgt>", agent(&debtor.account));
    x.push_str("      <ChrgBr>SLEV</ChrgBr>\n");
    for (i, (l, account)) in plan.transfers.iter().enumerate() {
        let end_to_end = format!("{}-{:04}", plan.month, i + 1);
        x.push_str("      <CdtTrfTxInf>\n");
        let _ = writeln!(
            x,
            "        <PmtId><EndToEndId>{end_to_end}</EndToEndId></PmtId>"
        );
        let _ = writeln!(
            x,
            "        <Amt><InstdAmt Ccy=\"EUR\">{}</InstdAmt></Amt>",
            sepa_amount(l.cents.unsigned_abs())
        );
        if account.bic.is_some() {
            let _ = writeln!(x, "        <CdtrAgt>{}</CdtrAgt>", agent(account));
        }
        let _ = writeln!(x, "        <Cdtr><Nm>{}</Nm></Cdtr>", text(&l.name, 70));
        let _ = writeln!(
            x,
            "        <CdtrAcct><Id><IBAN>{}</IBAN></Id></CdtrAcct>",
            account.iban.as_str()
        );
        let role = if l.role == "delegant" {
            "delegant"
        } else {
            "delegue"
        };
        let why = format!(
            "{} protocole de cooperation {} RPPS {} {} actes",
            cpts_name, plan.month, l.rpps, l.acts
        );
        let _ = writeln!(
            x,
            "        <RmtInf><Ustrd>{}</Ustrd></RmtInf>",
            text(&format!("{why} {role}"), 140)
        );
        x.push_str("      </CdtTrfTxInf>\n");
    }
    x.push_str("    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n");
    Ok(x.into_bytes())
}

/// The bank of an account: its BIC, or « NOTPROVIDED » (the EPC's rule
/// for IBAN-only transfers inside SEPA).
fn agent(a: &Account) -> String {
    match &a.bic {
        Some(b) => format!("<FinInstnId><BIC>{}</BIC></FinInstnId>", b.as_str()),
        None => "<FinInstnId><Othr><Id>NOTPROVIDED</Id></Othr></FinInstnId>".to_string(),
    }
}

/// `1250.50`: a point, two decimals, as SEPA writes amounts.
fn sepa_amount(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// A name or a reference in the SEPA character set (Latin letters, digits,
/// `/ - ? : ( ) . , ' +` and space): accents dropped, anything else a
/// space, cut to `max` characters, escaped for XML.
pub fn text(s: &str, max: usize) -> String {
    let plain: String = s
        .chars()
        .flat_map(fold_char)
        .map(|c| {
            if c.is_ascii_alphanumeric() || " /-?:().,'+".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let squeezed = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    let cut: String = squeezed.chars().take(max).collect();
    let cut = cut.trim_end();
    if cut.is_empty() {
        return "NON RENSEIGNE".to_string();
    }
    cut.replace('\'', "&apos;")
}

/// A French letter without its accent (`é` → `e`, `œ` → `oe`).
fn fold_char(c: char) -> Vec<char> {
    let s: &str = match c {
        'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
        'À' | 'Â' | 'Ä' | 'Á' | 'Ã' | 'Å' => "A",
        'ç' => "c",
        'Ç' => "C",
        'é' | 'è' | 'ê' | 'ë' => "e",
        'É' | 'È' | 'Ê' | 'Ë' => "E",
        'î' | 'ï' | 'í' | 'ì' => "i",
        'Î' | 'Ï' | 'Í' | 'Ì' => "I",
        'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
        'Ô' | 'Ö' | 'Ó' | 'Ò' | 'Õ' => "O",
        'ù' | 'û' | 'ü' | 'ú' => "u",
        'Ù' | 'Û' | 'Ü' | 'Ú' => "U",
        'ÿ' => "y",
        'Ÿ' => "Y",
        'ñ' => "n",
        'Ñ' => "N",
        'œ' => "oe",
        'Œ' => "OE",
        'æ' => "ae",
        'Æ' => "AE",
        '’' => "'",
        _ => return vec![c],
    };
    s.chars().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_the_sepa_character_set() {
        assert_eq!(text("Inès Œuvray-Lætitia", 70), "Ines OEuvray-Laetitia");
        assert_eq!(text("Dr <Claire> & Cie", 70), "Dr Claire Cie");
        assert_eq!(text("L’Île d'Yeu", 70), "L&apos;Ile d&apos;Yeu");
        assert_eq!(text("ééééé", 3), "eee");
        assert_eq!(text("€€", 10), "NON RENSEIGNE");
        assert_eq!(sepa_amount(125_050), "1250.50");
        assert_eq!(sepa_amount(5), "0.05");
    }
}
