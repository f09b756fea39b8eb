//! `protocoop report --month AAAA-MM | --year AAAA --format pdf|csv|json [--out FICHIER]`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{Cli, Context, load_protocol, stdout_error};
use crate::calendar::Month;
use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};
use crate::fr;
use crate::report::{self, Format};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Le mois (clôturé au passage s'il ne l'est pas encore).
    #[arg(
        long,
        value_name = "AAAA-MM",
        required_unless_present = "year",
        conflicts_with = "year"
    )]
    pub month: Option<String>,
    /// L'année : le rapport annuel pour l'ARS (ne clôture rien ; provisoire tant que l'année court ou qu'un mois est ouvert).
    #[arg(long, value_name = "AAAA")]
    pub year: Option<i32>,
    /// pdf (bureau de la CPTS), csv (trésorier) ou json (import CPTS).
    #[arg(long, value_name = "FORMAT")]
    pub format: String,
    /// Fichier à écrire (par exemple sur une clé USB) ; sans lui, ou avec
    /// « - », CSV et JSON vont sur la sortie standard.
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,
}

pub fn run(cli: &Cli, args: &ReportArgs, out: &mut dyn Write) -> Result<ExitCode> {
    if let Some(year) = args.year {
        return year_report(cli, args, year, out);
    }
    let month: Month = args
        .month
        .as_deref()
        .ok_or_else(|| Error::input("--month", "indiquez --month AAAA-MM ou --year AAAA"))?
        .parse()?;
    let format = Format::parse(&args.format)?;
    let protocol = load_protocol(cli)?;
    let cx = Context::new(cli)?;
    let file = super::file_or_stdout(args.out.as_deref());
    if file.is_none() && format == Format::Pdf {
        return Err(Error::input(
            "--out",
            "un PDF s'écrit dans un fichier : indiquez --out rapport.pdf",
        ));
    }
    let mut ledger = cx.existing_ledger()?;
    // Closing is for good: make sure the report can be written first.
    if let Some(path) = file {
        crate::files::check_output(path)?;
    }
    let r = report::generate(&mut ledger, &protocol, month, cx.now)?;
    let bytes = report::render(&r, format, &protocol)?;
    let summary: &mut dyn Write = match file {
        Some(path) => {
            // Professionals' names and pay: owner-only, like the ledger.
            write_atomic(path, &bytes, Access::Private)?;
            out
        }
        None => {
            out.write_all(&bytes).map_err(stdout_error)?;
            // The report is standard output: the summary goes beside it.
            &mut std::io::stderr()
        }
    };
    writeln!(
        summary,
        "Rapport {} : {}{} dépistages, {} prises en charge, {} saisie(s) tardive(s), à payer {} — clôture entrées {} à {}, tête {}\nÉcrit dans {} (empreinte du contenu {})",
        fr::de(&month.name_fr()),
        match r.indicators.training_acts {
            0 => String::new(),
            n => format!(
                "{} (ni comptés ni payés), ",
                fr::plural(n, "acte de formation", "actes de formation")
            ),
        },
        fr::int(r.indicators.screenings),
        fr::int(r.indicators.prises_en_charge),
        r.late_entries.count,
        fr::money(r.remuneration.total_cents),
        r.closure.first_seq,
        r.closure.last_seq,
        r.closure.head_hash,
        file.map_or_else(|| "la sortie standard".to_string(), |p| p.display().to_string()),
        r.content_sha256,
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

/// `report --year`: the device's yearly report; nothing is closed.
fn year_report(cli: &Cli, args: &ReportArgs, year: i32, out: &mut dyn Write) -> Result<ExitCode> {
    let format = Format::parse(&args.format)?;
    let file = super::file_or_stdout(args.out.as_deref());
    if file.is_none() && format == Format::Pdf {
        return Err(Error::input(
            "--out",
            "un PDF s'écrit dans un fichier : indiquez --out rapport-annuel.pdf",
        ));
    }
    let protocol = load_protocol(cli)?;
    let cx = Context::new(cli)?;
    let ledger = cx.existing_ledger()?;
    let r = report::year_report(&ledger, &protocol, year, cx.now)?;
    write_year(&r, format, file, out)
}

/// Writes a yearly report (device or CPTS) and says what it holds.
pub(super) fn write_year(
    r: &report::year::YearReport,
    format: Format,
    file: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    if let Some(path) = file {
        crate::files::check_output(path)?;
    }
    let bytes = r.render(format)?;
    let summary: &mut dyn Write = match file {
        Some(path) => {
            write_atomic(path, &bytes, Access::Private)?;
            out
        }
        None => {
            out.write_all(&bytes).map_err(stdout_error)?;
            &mut std::io::stderr()
        }
    };
    let prises: u64 = r.protocols.iter().map(|p| p.prises_en_charge).sum();
    writeln!(
        summary,
        "Rapport annuel {}{} : {} prises en charge, {} rapport(s) mensuel(s) — écrit dans {}",
        r.year,
        if r.provisional { " (provisoire)" } else { "" },
        fr::int(prises),
        r.months.len(),
        file.map_or_else(
            || "la sortie standard".to_string(),
            |p| p.display().to_string()
        ),
    )
    .map_err(stdout_error)?;
    for reason in &r.provisional_reasons {
        writeln!(summary, "  provisoire : {reason}").map_err(stdout_error)?;
    }
    Ok(ExitCode::SUCCESS)
}
