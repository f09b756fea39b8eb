//! `protocoop cpts iban | payments | paid`: paying a consolidated month —
//! the professionals' bank accounts, the treasurer's list and the SEPA
//! transfer file, and the month marked « payé ».

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{now, stdout_error};
use crate::calendar::Month;
use crate::cpts::payments::{self, Plan};
use crate::cpts::{self, CptsDb};
use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};
use crate::fr;

#[derive(Debug, Subcommand)]
pub enum IbanCommand {
    /// Enregistrer le compte bancaire d'un délégué ou d'un délégant (le nouveau remplace l'ancien).
    Set {
        /// RPPS du professionnel.
        #[arg(long)]
        rpps: String,
        /// IBAN, avec ou sans espaces (FR76 3000 …) ; sa clé est vérifiée.
        #[arg(long)]
        iban: String,
        /// BIC, facultatif (8 ou 11 caractères).
        #[arg(long)]
        bic: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct PaymentsArgs {
    /// Le mois à payer (AAAA-MM).
    #[arg(long)]
    month: String,
    /// csv (liste du trésorier, avec les IBAN) ou sepa (fichier de virements pain.001 pour la banque).
    #[arg(long, default_value = "csv")]
    format: String,
    /// IBAN du compte de la CPTS à débiter (retenu pour les fois suivantes).
    #[arg(long, value_name = "IBAN")]
    debtor_iban: Option<String>,
    /// Titulaire du compte de la CPTS.
    #[arg(long, value_name = "NOM")]
    debtor_name: Option<String>,
    /// BIC du compte de la CPTS, facultatif.
    #[arg(long, value_name = "BIC")]
    debtor_bic: Option<String>,
    /// Date d'exécution demandée (AAAA-MM-JJ) ; par défaut le jour ouvré suivant.
    #[arg(long, value_name = "DATE")]
    execution_date: Option<String>,
    /// Le fichier à écrire.
    #[arg(long, value_name = "FICHIER")]
    out: PathBuf,
}

pub fn iban(dir: &Path, cmd: &IbanCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let IbanCommand::Set { rpps, iban, bic } = cmd;
    let (rpps, account) = CptsDb::open(dir)?.set_account(rpps, iban, bic.as_deref(), now()?)?;
    writeln!(
        out,
        "Compte enregistré pour {rpps} : {}{}",
        account.iban,
        account
            .bic
            .as_ref()
            .map_or(String::new(), |b| format!(" (BIC {})", b.as_str()))
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

pub fn payments(dir: &Path, a: &PaymentsArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let db = CptsDb::open(dir)?;
    let now = now()?;
    let month: Month = a.month.parse()?;
    let c = cpts::consolidate(&db, month)?;
    let st = db.state()?;
    let plan = Plan::of(&c, &st.accounts);
    let (format, bytes) = match a.format.as_str() {
        "csv" => ("csv", payments::csv(&c, &st.accounts)?),
        "sepa" => {
            let debtor = match (&a.debtor_iban, &a.debtor_name) {
                (Some(iban), Some(name)) => {
                    db.set_debtor(name, iban, a.debtor_bic.as_deref(), now)?
                }
                (None, None) => st.debtor.clone().ok_or_else(|| {
                    Error::input(
                        "--debtor-iban",
                        "le compte de la CPTS n'est pas encore connu : donnez --debtor-iban et --debtor-name (retenus pour les fois suivantes)",
                    )
                })?,
                _ => {
                    return Err(Error::input(
                        "--debtor-name",
                        "--debtor-iban et --debtor-name vont ensemble",
                    ));
                }
            };
            let execution = match &a.execution_date {
                Some(d) => {
                    let d = crate::protocol::parse_date("--execution-date", d)?;
                    if d < now.with_timezone(&chrono_tz::Europe::Paris).date_naive() {
                        return Err(Error::input(
                            "--execution-date",
                            format!(
                                "le {} est passé : une banque n'exécute pas un virement à une date passée",
                                fr::date(d)
                            ),
                        ));
                    }
                    d
                }
                None => next_business_day(now),
            };
            let name = cpts::authority::identity(dir)?
                .map(|i| i.name)
                .unwrap_or_else(|| debtor.name.clone());
            (
                "sepa",
                payments::sepa(&plan, &name, &debtor, now, execution)?,
            )
        }
        other => {
            return Err(Error::input(
                "--format",
                format!("« {} » : csv ou sepa", crate::text::quote(other)),
            ));
        }
    };
    write_atomic(&a.out, &bytes, Access::Private)?;
    let sha = db.payments_written(month, format, &bytes, now)?;
    let what = if format == "sepa" {
        format!(
            "{}, {} au total",
            fr::plural(plan.transfers.len() as u64, "virement", "virements"),
            fr::money(plan.total_cents() as i64)
        )
    } else {
        fr::plural(c.payments.len() as u64, "ligne", "lignes")
    };
    writeln!(
        out,
        "Paiements de {month} : {what} — écrit dans {} (SHA-256 {sha})",
        a.out.display()
    )
    .map_err(stdout_error)?;
    for l in &plan.to_recover {
        writeln!(
            out,
            "à récupérer : {} ({}) doit {}",
            l.name,
            l.rpps,
            fr::money(-l.cents)
        )
        .map_err(stdout_error)?;
    }
    for l in &plan.without_account {
        writeln!(
            out,
            "IBAN à enregistrer : {} ({}), {} à verser",
            l.name,
            l.rpps,
            fr::money(l.cents)
        )
        .map_err(stdout_error)?;
    }
    for an in &c.anomalies {
        let _ = writeln!(std::io::stderr(), "attention : {}", an.message);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn paid(dir: &Path, month: &str, out: &mut dyn Write) -> Result<ExitCode> {
    let month: Month = month.parse()?;
    let w = CptsDb::open(dir)?.mark_paid(month, now()?)?;
    writeln!(
        out,
        "{month} marqué payé le {}, d'après le fichier SHA-256 {}",
        fr::datetime(w.at),
        w.sha256
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

/// The next day a bank executes a transfer: Monday to Friday, public
/// holidays aside (TARGET2 closes on 1 May and Christmas as well).
fn next_business_day(now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    use chrono::Datelike;
    let mut d = now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    loop {
        d = d.succ_opt().unwrap_or(d);
        let weekend = matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun);
        if !weekend
            && !crate::calendar::holidays::is_holiday(d, crate::calendar::holidays::Region::General)
        {
            return d;
        }
    }
}
