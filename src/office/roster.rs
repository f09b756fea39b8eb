//! The duty roster as a table in « Registre »: lines typed or read from a
//! `garde.toml`, saved through the same `CptsDb::set_roster` as `protocoop
//! cpts roster`, as the same TOML, so the window's table and a file are
//! checked by one parser.

use super::action::DutyColumn;
use super::reduce::info;
use super::registry::read_text;
use super::state::*;
use crate::cpts::CptsDb;
use crate::documents::roster::{Duty, Roster};
use crate::error::{Error, Result};
use crate::kiosk::forms::parse_date_fr;

/// Where a roster saved from the window says it came from.
const ORIGIN: &str = "tableau saisi dans la fenêtre de la CPTS";

/// The lines of the roster recorded, in date order (none when there is
/// none, or when it cannot be read: the coordinator then types it again).
pub(super) fn rows(text: Option<&str>) -> Vec<DutyRow> {
    text.and_then(|t| Roster::parse(t, ORIGIN).ok())
        .map(|r| {
            r.duties
                .iter()
                .map(|d| DutyRow {
                    from: crate::fr::date(d.from),
                    to: crate::fr::date(d.to),
                    dentist: d.dentist.clone(),
                    address: d.address.clone(),
                    phone: d.phone.clone(),
                })
                .collect::<Vec<_>>()
        })
        .map(|mut rows| {
            rows.sort_by_key(|r| parse_date_fr("", &r.from).ok());
            rows
        })
        .unwrap_or_default()
}

fn form(state: &mut OfficeState) -> Option<&mut RegistryForm> {
    match &mut state.screen {
        Screen::Registry(f) => Some(f),
        _ => None,
    }
}

/// Lines a roster may have in the window (a year of weekly duties is 53).
const MAX_LINES: usize = 400;

pub(super) fn add(state: &mut OfficeState) {
    if let Some(f) = form(state)
        && f.duties.len() < MAX_LINES
    {
        f.duties.push(DutyRow::default());
    }
}

pub(super) fn remove(state: &mut OfficeState, line: usize) {
    if let Some(f) = form(state)
        && line < f.duties.len()
    {
        f.duties.remove(line);
    }
}

pub(super) fn edit(state: &mut OfficeState, line: usize, column: DutyColumn, value: String) {
    let Some(row) = form(state).and_then(|f| f.duties.get_mut(line)) else {
        return;
    };
    let slot = match column {
        DutyColumn::From => &mut row.from,
        DutyColumn::To => &mut row.to,
        DutyColumn::Dentist => &mut row.dentist,
        DutyColumn::Address => &mut row.address,
        DutyColumn::Phone => &mut row.phone,
    };
    *slot = value;
}

fn blank(r: &DutyRow) -> bool {
    [&r.from, &r.to, &r.dentist, &r.address, &r.phone]
        .iter()
        .all(|v| v.trim().is_empty())
}

/// The table as a roster, in the table's order (so that an error's « garde
/// n° » is the line shown): dates read as JJ/MM/AAAA.
fn roster_of(rows: &[DutyRow]) -> Result<Roster> {
    let mut duties = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let date = |what: &str, v: &str| {
            parse_date_fr(&format!("garde n° {} : {what}", i + 1), v).map_err(|e| match e {
                Error::Input { field, message } => {
                    Error::input("tableau de garde", format!("{field} : {message}"))
                }
                other => other,
            })
        };
        duties.push(Duty {
            from: date("du", &r.from)?,
            to: date("au", &r.to)?,
            dentist: r.dentist.clone(),
            address: r.address.clone(),
            phone: r.phone.clone(),
        });
    }
    Ok(Roster {
        origin: ORIGIN.to_string(),
        example: false,
        duties,
    })
}

/// « Enregistrer le tableau de garde »: checked as a `garde.toml` would be,
/// then recorded; the table shows it back in date order.
pub(super) fn save(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    // Blank lines go first, so the lines an error names are those shown.
    f.duties.retain(|r| !blank(r));
    let roster = roster_of(&f.duties)?;
    if roster.duties.is_empty() {
        return Err(Error::input(
            "tableau de garde",
            "le tableau est vide : ajoutez au moins une garde",
        ));
    }
    let text = roster.to_toml()?;
    record(
        state,
        services,
        &text,
        ORIGIN,
        "Tableau de garde enregistré",
    )
}

/// The roster text recorded (checked there), shown back in the table.
fn record(
    state: &mut OfficeState,
    services: &Services,
    text: &str,
    origin: &str,
    said: &str,
) -> Result<()> {
    let saved = CptsDb::open(&services.dir)?.set_roster(text, origin, services.clock.now())?;
    if let Some(f) = form(state) {
        f.roster_file.clear();
        f.duties = rows(Some(text));
    }
    super::registry::open(state, services)?;
    info(
        state,
        format!(
            "{said} ({}) : il partira avec le prochain lot.",
            crate::fr::plural(saved.duties.len() as u64, "garde", "gardes")
        ),
    );
    Ok(())
}

/// A `garde.toml` file read into the table and recorded.
pub(super) fn from_file(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let (text, origin) = read_text("tableau de garde", &f.roster_file)?;
    record(
        state,
        services,
        &text,
        &origin,
        "Tableau de garde lu et enregistré",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(from: &str, to: &str) -> DutyRow {
        DutyRow {
            from: from.into(),
            to: to.into(),
            dentist: "Dr Martin".into(),
            address: "2 rue Basse, Melle".into(),
            phone: "05 49 00 00 00".into(),
        }
    }

    #[test]
    fn le_tableau_garde_son_ordre_et_se_relit_par_date() {
        let r = roster_of(&[
            row("14/12/2026", "14/12/2026"),
            row("07/12/2026", "08/12/2026"),
        ])
        .unwrap();
        assert_eq!(r.duties.len(), 2);
        assert!(r.duties[0].from > r.duties[1].from);
        let text = r.to_toml().unwrap();
        assert_eq!(rows(Some(&text))[0].from, "07/12/2026");
        assert!(blank(&DutyRow::default()) && !blank(&row("", "")));
    }

    #[test]
    fn une_date_illisible_nomme_sa_ligne() {
        let e = roster_of(&[row("07/12/2026", "08/12/2026"), row("32/12/2026", "")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("garde n° 2 : du"), "{e}");
    }
}
