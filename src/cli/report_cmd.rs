//! `protocoop report --month AAAA-MM --format pdf|csv|json [--out FICHIER]`.

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
    #[arg(long, value_name = "AAAA-MM")]
    pub month: String,
    /// pdf (bureau de la CPTS), csv (trésorier) ou json (import CPTS).
    #[arg(long, value_name = "FORMAT")]
    pub format: String,
    /// Fichier à écrire (par exemple sur une clé USB) ; sans lui, ou avec
    /// « - », CSV et JSON vont sur la sortie standard.
    #[arg(long, value_name = "FICHIER")]
    pub out: Option<PathBuf>,
}

pub fn run(cli: &Cli, args: &ReportArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let month: Month = args.month.parse()?;
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
