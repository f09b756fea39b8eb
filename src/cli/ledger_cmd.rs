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
    let (r, c) = crate::report::close(&mut cx.existing_ledger()?, &protocol, month, cx.now)?;
    writeln!(
        out,
        "Mois {} clôturé (entrée {}) : {} actes, {} prises en charge, {} — entrées {} à {}, tête {}",
        c.month,
        r.seq,
        c.screenings,
        c.prises_en_charge,
        fr::money(c.remuneration_cents as i64),
        c.first_seq,
        c.last_seq,
        c.head_hash
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
