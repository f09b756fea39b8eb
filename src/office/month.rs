//! « Le mois » and its payments: the consolidated month (as `cpts
//! report`), its exports, the payment files (as `cpts payments`) and the
//! month marked « payé » (as `cpts paid`).

use std::path::PathBuf;

use super::reduce::info;
use super::state::*;
use crate::calendar::Month;
use crate::cpts::payments::{self, Plan, Request};
use crate::cpts::{self, CptsDb};
use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};
use crate::report::Format;

/// Opens `month`, else the month to pay next, else the latest received.
pub(super) fn open(
    state: &mut OfficeState,
    services: &Services,
    month: Option<Month>,
) -> Result<()> {
    let db = CptsDb::open(&services.dir)?;
    let months: Vec<Month> = cpts::dashboard::months_received(&db)?
        .iter()
        .filter_map(|m| m.parse().ok())
        .collect();
    let st = db.state()?;
    let next = months
        .iter()
        .copied()
        .find(|m| !st.paid.contains_key(&m.to_string()));
    let Some(month) = month.or(next).or(months.last().copied()) else {
        return Err(Error::input(
            "mois",
            "aucun rapport reçu pour l'instant : importez d'abord les rapports des appareils",
        ));
    };
    let consolidated = cpts::consolidate(&db, month)?;
    let plan = Plan::of(&consolidated, &st.accounts);
    let protocol = cpts::export::protocol(&db)?;
    let figures = crate::report::figures::screen_figures(&consolidated.indicators, &protocol);
    let (export_dir, debtor_name, debtor_iban) = match &state.screen {
        Screen::Month(f) => (
            f.export_dir.clone(),
            f.debtor_name.clone(),
            f.debtor_iban.clone(),
        ),
        _ => Default::default(),
    };
    state.screen = Screen::Month(Box::new(MonthForm {
        month,
        months,
        consolidated,
        figures,
        device_names: cpts::dashboard::device_names(&db)?,
        plan,
        paid: st.paid.get(&month.to_string()).cloned(),
        export_dir,
        debtor_name,
        debtor_iban,
        debtor_known: st.debtor.is_some(),
    }));
    Ok(())
}

fn form(state: &OfficeState) -> Option<&MonthForm> {
    match &state.screen {
        Screen::Month(f) => Some(f),
        _ => None,
    }
}

/// A folder typed (or a USB key chosen) to write into: said, and there.
pub(super) fn chosen_folder(typed: &str) -> Result<PathBuf> {
    let dir = typed.trim();
    if dir.is_empty() {
        return Err(Error::input(
            "dossier",
            "indiquez le dossier où écrire (une clé USB, « Documents »…)",
        ));
    }
    let dir = PathBuf::from(dir);
    if !dir.is_dir() {
        return Err(Error::input(
            "dossier",
            format!("le dossier {} n'existe pas", dir.display()),
        ));
    }
    Ok(dir)
}

pub(super) fn export(state: &mut OfficeState, services: &Services, format: Format) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let dir = chosen_folder(&f.export_dir)?;
    let db = CptsDb::open(&services.dir)?;
    let bytes = cpts::export::render(&f.consolidated, format, &cpts::export::protocol(&db)?)?;
    let path = dir.join(cpts::export::file_name(&f.consolidated, format));
    write_atomic(&path, &bytes, Access::Private)?;
    info(state, format!("Écrit : {}", path.display()));
    Ok(())
}

pub(super) fn payments(state: &mut OfficeState, services: &Services, format: &str) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let dir = chosen_folder(&f.export_dir)?;
    let (name, iban) = (f.debtor_name.trim(), f.debtor_iban.trim());
    let given = !name.is_empty() || !iban.is_empty();
    let db = CptsDb::open(&services.dir)?;
    let now = services.clock.now();
    let made = payments::make(
        &db,
        &services.dir,
        f.month,
        &Request {
            format,
            debtor_name: given.then_some(name),
            debtor_iban: given.then_some(iban),
            ..Request::default()
        },
        now,
    )?;
    let file = match made.format {
        "sepa" => format!("virements-{}.xml", f.month),
        _ => format!("paiements-{}.csv", f.month),
    };
    let path = dir.join(file);
    write_atomic(&path, &made.bytes, Access::Private)?;
    db.payments_written(f.month, made.format, &made.bytes, now)?;
    let mut text = format!(
        "{} — écrit : {}",
        crate::fr::capitalised(&payments::summary(&made)),
        path.display()
    );
    for l in payments::left_out(&made.plan) {
        text.push_str(" ; ");
        text.push_str(&l);
    }
    let month = f.month;
    open(state, services, Some(month))?;
    info(state, text);
    Ok(())
}

pub(super) fn mark_paid(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let month = f.month;
    let w = CptsDb::open(&services.dir)?.mark_paid(month, services.clock.now())?;
    open(state, services, Some(month))?;
    info(
        state,
        format!(
            "{} est marqué payé le {}.",
            crate::fr::capitalised(&month.name_fr()),
            crate::fr::datetime(w.at)
        ),
    );
    Ok(())
}
