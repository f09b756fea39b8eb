//! `protocoop verify` and `protocoop close --month`.

use std::io::Write;
use std::process::ExitCode;

use super::{Cli, Context, stdout_error};
use crate::calendar::Month;
use crate::error::Result;
use crate::fr;

pub fn verify(cli: &Cli, json: bool, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    let report = cx.existing_ledger()?.verify()?;
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&report).expect("serializes")
        )
        .map_err(stdout_error)?;
    } else if let Some(p) = &report.problem {
        writeln!(
            out,
            "REGISTRE ALTÉRÉ — première entrée en cause : {} ({})\n{}",
            p.seq, p.what, p.message
        )
        .map_err(stdout_error)?;
    } else {
        writeln!(
            out,
            "Registre intact : {} entrées, tête {} {}",
            report.entries,
            report.head.as_ref().map_or(0, |h| h.seq),
            report.head.as_ref().map_or("", |h| h.hash.as_str())
        )
        .map_err(stdout_error)?;
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

pub fn close(cli: &Cli, month: &str, out: &mut dyn Write) -> Result<ExitCode> {
    let month: Month = month.parse()?;
    let protocol = super::load_protocol(cli)?;
    let cx = Context::new(cli)?;
    let mut ledger = cx.existing_ledger()?;
    let (r, c) = crate::report::close(&mut ledger, &protocol, month, cx.now)?;
    // A closure seals what was recorded since the previous one, whatever
    // the month of each entry: said so, and an empty window too.
    let window = if c.first_seq > c.last_seq {
        "aucune entrée nouvelle depuis la clôture précédente".to_string()
    } else {
        format!(
            "les entrées {} à {} du registre (tête {}…)",
            c.first_seq,
            c.last_seq,
            crate::text::prefix(&c.head_hash, 16)
        )
    };
    writeln!(
        out,
        "{} clôturé (entrée {}) : {} du mois, dont {} et {}, à payer {}. La clôture scelle {window}.",
        fr::capitalised(&month.name_fr()),
        r.seq,
        fr::plural(c.count, "acte", "actes"),
        fr::plural(c.screenings, "dépistage compté", "dépistages comptés"),
        fr::plural(c.prises_en_charge, "prise en charge", "prises en charge"),
        fr::money(c.remuneration_cents as i64),
    )
    .map_err(stdout_error)?;
    match crate::backup::folder::after_closure_backup(&ledger, cx.now) {
        None => {}
        Some(Ok(w)) => {
            writeln!(out, "Sauvegarde écrite : « {} ».", w.path.display()).map_err(stdout_error)?
        }
        // The closure stands; the missing backup is said, and the exit
        // status tells a script.
        Some(Err(e)) => {
            writeln!(
                out,
                "Attention : la clôture est faite, mais la sauvegarde n'a pas pu être écrite : {e}"
            )
            .map_err(stdout_error)?;
            return Ok(ExitCode::from(e.exit_code() as u8));
        }
    }
    Ok(ExitCode::SUCCESS)
}
