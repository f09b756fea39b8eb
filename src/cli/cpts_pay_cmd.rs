//! `protocoop cpts iban | payments | paid`: paying a consolidated month —
//! the professionals' bank accounts, the treasurer's list and the SEPA
//! transfer file, and the month marked « payé ».

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{now, stdout_error};
use crate::calendar::Month;
use crate::cpts::CptsDb;
use crate::cpts::payments;
use crate::error::Result;
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
    let execution = a
        .execution_date
        .as_deref()
        .map(|d| crate::protocol::parse_date("--execution-date", d))
        .transpose()?;
    let made = payments::make(
        &db,
        dir,
        month,
        &payments::Request {
            format: &a.format,
            debtor_name: a.debtor_name.as_deref(),
            debtor_iban: a.debtor_iban.as_deref(),
            debtor_bic: a.debtor_bic.as_deref(),
            execution,
        },
        now,
    )?;
    write_atomic(&a.out, &made.bytes, Access::Private)?;
    let sha = db.payments_written(month, made.format, &made.bytes, now)?;
    writeln!(
        out,
        "Paiements de {month} : {} — écrit dans {} (SHA-256 {sha})",
        payments::summary(&made),
        a.out.display()
    )
    .map_err(stdout_error)?;
    for l in payments::left_out(&made.plan) {
        writeln!(out, "{l}").map_err(stdout_error)?;
    }
    for an in &made.consolidated.anomalies {
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
