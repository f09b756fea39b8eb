//! `protocoop structure set` and `protocoop professional add | list`.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::{Cli, Context, stdout_error};
use crate::error::{Error, Result};
use crate::protocol::parse_date;
use crate::registry::input::{Author, DelegantInput, DelegueInput, StructureInput};
use crate::registry::{self, Profession, ProfessionalRecord};

#[derive(Debug, Subcommand)]
pub enum StructureCommand {
    /// Enregistrer la pharmacie ou le cabinet infirmier de cet appareil.
    Set {
        /// Nom de la structure, tel qu'il figure sur l'ordonnance (« Pharmacie du Marché »).
        #[arg(long)]
        name: String,
        /// Adresse postale, sur une ligne (« 2 place du Marché, 79500 Melle »).
        #[arg(long)]
        address: String,
        /// Code postal de la structure (5 chiffres).
        #[arg(long)]
        postal_code: String,
        /// Numéro FINESS (9 caractères ; clé vérifiée, avertissement si elle ne correspond pas).
        #[arg(long)]
        finess: Option<String>,
        /// Téléphone de la structure, imprimé sur les documents.
        #[arg(long)]
        phone: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Role {
    Delegue,
    Delegant,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ProfessionArg {
    Pharmacien,
    Infirmier,
}

#[derive(Debug, Subcommand)]
pub enum ProfessionalCommand {
    /// Enregistrer (ou mettre à jour) un délégué ou un délégant.
    Add(AddArgs),
    /// Lister les professionnels enregistrés.
    List {
        /// Sortie JSON.
        #[arg(long)]
        json: bool,
    },
    /// Choisir son code PIN avec le code d'activation remis par la CPTS (1re ligne de l'entrée standard : le nouveau PIN).
    Activate {
        /// Numéro RPPS du délégué.
        #[arg(long, value_name = "RPPS")]
        rpps: String,
        /// Le code d'activation (« K7QP-2MXD-94TA »).
        #[arg(long, value_name = "CODE")]
        code: String,
        /// Lire le nouveau code PIN sur la première ligne de l'entrée standard.
        #[arg(long)]
        pin_stdin: bool,
    },
    /// Changer son code PIN (entrée standard : ligne 1 le PIN actuel, ligne 2 le nouveau).
    Pin {
        /// Numéro RPPS du délégué.
        #[arg(long, value_name = "RPPS")]
        rpps: String,
        /// Lire les deux codes PIN sur l'entrée standard.
        #[arg(long)]
        pin_stdin: bool,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// delegue (pharmacien ou infirmier formé) ou delegant (chirurgien-dentiste).
    #[arg(long, value_enum)]
    role: Role,
    /// « Prénom Nom » (délégué) ou « Dr Prénom Nom » (délégant).
    #[arg(long)]
    name: String,
    /// Numéro RPPS (11 chiffres, clé vérifiée).
    #[arg(long, value_name = "RPPS")]
    rpps: String,
    /// Délégué : pharmacien ou infirmier.
    #[arg(long, value_enum)]
    profession: Option<ProfessionArg>,
    /// Délégué : date de la formation au protocole (AAAA-MM-JJ). Sans elle, le délégué est enregistré mais ne peut faire aucun acte.
    #[arg(long)]
    trained_on: Option<String>,
    /// Délégué : lire le code PIN (6 à 12 chiffres, pas une suite ni un motif répété) sur la première ligne de l'entrée standard.
    #[arg(long)]
    pin_stdin: bool,
    /// Délégant : adresse professionnelle.
    #[arg(long)]
    address: Option<String>,
    /// Délégant : téléphone.
    #[arg(long)]
    phone: Option<String>,
}

pub fn structure(cli: &Cli, cmd: &StructureCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let StructureCommand::Set {
        name,
        address,
        postal_code,
        finess,
        phone,
    } = cmd;
    let cx = Context::new(cli)?;
    let input = StructureInput {
        name,
        address,
        postal_code,
        finess: finess.as_deref(),
        phone: phone.as_deref(),
    };
    let record = registry::input::structure(&input, cx.now)?;
    let mut ledger = cx.ledger_for_setup()?;
    let r = ledger.set_structure(&record)?;
    if record.finess.as_ref().is_some_and(|f| !f.key_ok) {
        let _ = writeln!(
            std::io::stderr(),
            "attention : la clé du numéro FINESS ne correspond pas ; vérifiez-le (enregistré tel quel)"
        );
    }
    writeln!(
        out,
        "Structure enregistrée : {} (entrée {})",
        record.name, r.seq
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

pub fn professional(cli: &Cli, cmd: &ProfessionalCommand, out: &mut dyn Write) -> Result<ExitCode> {
    match cmd {
        ProfessionalCommand::Add(a) => add(cli, a, out),
        ProfessionalCommand::List { json } => list(cli, *json, out),
        ProfessionalCommand::Activate {
            rpps,
            code,
            pin_stdin,
        } => {
            let lines = pin_lines(*pin_stdin, 1)?;
            let cx = Context::new(cli)?;
            let rpps = crate::ids::Rpps::parse_field("--rpps", rpps)?;
            let mut ledger = cx.existing_ledger()?;
            let r = ledger.activate(&rpps, code, &lines[0], cx.now)?;
            writeln!(out, "Code PIN choisi pour {rpps} (entrée {}) : il sert désormais à s'identifier sur cet appareil.", r.seq)
                .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        ProfessionalCommand::Pin { rpps, pin_stdin } => {
            let lines = pin_lines(*pin_stdin, 2)?;
            let cx = Context::new(cli)?;
            let rpps = crate::ids::Rpps::parse_field("--rpps", rpps)?;
            let mut ledger = cx.existing_ledger()?;
            let r = ledger.change_pin(&rpps, &lines[0], &lines[1], cx.now)?;
            writeln!(out, "Code PIN changé pour {rpps} (entrée {}).", r.seq)
                .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The first `n` lines of standard input (PINs), never shown.
fn pin_lines(pin_stdin: bool, n: usize) -> Result<Vec<String>> {
    if !pin_stdin {
        return Err(Error::input(
            "--pin-stdin",
            "les codes PIN se passent sur l'entrée standard, jamais en option (--pin-stdin)",
        ));
    }
    let text = super::read_stdin()?;
    let lines: Vec<String> = text
        .lines()
        .take(n)
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect();
    if lines.len() < n {
        return Err(Error::input(
            "PIN",
            if n == 2 {
                "deux lignes attendues : le code PIN actuel, puis le nouveau"
            } else {
                "une ligne attendue : le nouveau code PIN"
            },
        ));
    }
    Ok(lines)
}

fn add(cli: &Cli, a: &AddArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    let record = match a.role {
        Role::Delegue => {
            let profession = match a.profession {
                Some(ProfessionArg::Pharmacien) => Profession::Pharmacien,
                Some(ProfessionArg::Infirmier) => Profession::Infirmier,
                None => {
                    return Err(Error::input(
                        "--profession",
                        "obligatoire pour un délégué : pharmacien ou infirmier",
                    ));
                }
            };
            let trained_on = match &a.trained_on {
                Some(d) => Some(parse_date("--trained-on", d)?),
                None => None,
            };
            if !a.pin_stdin {
                return Err(Error::input(
                    "--pin-stdin",
                    "un délégué a un code PIN : passez-le sur l'entrée standard avec --pin-stdin",
                ));
            }
            let stdin = super::read_stdin()?;
            let input = DelegueInput {
                name: &a.name,
                rpps: &a.rpps,
                profession,
                trained_on,
                pin: stdin.lines().next().unwrap_or(""),
                pin_again: None,
            };
            ProfessionalRecord::Delegue(registry::input::delegue(&input, cx.now)?)
        }
        Role::Delegant => {
            let input = DelegantInput {
                name: &a.name,
                rpps: &a.rpps,
                profession: Default::default(),
                address: a.address.as_deref(),
                phone: a.phone.as_deref(),
            };
            ProfessionalRecord::Delegant(registry::input::delegant(&input, cx.now)?)
        }
    };
    let mut ledger = cx.existing_ledger()?;
    if let ProfessionalRecord::Delegue(d) = &record {
        registry::input::may_write(&ledger.registry()?, d, Author::Administrator)?;
    }
    let r = ledger.add_professional(&record)?;
    let (role, name) = match &record {
        ProfessionalRecord::Delegue(d) => ("Délégué", &d.name),
        ProfessionalRecord::Delegant(d) => ("Délégant", &d.name),
    };
    writeln!(
        out,
        "{role} enregistré : {name} (RPPS {}, entrée {})",
        r.id, r.seq
    )
    .map_err(stdout_error)?;
    if matches!(&record, ProfessionalRecord::Delegue(d) if d.trained_on.is_none()) {
        writeln!(
            out,
            "Aucune date de formation : aucun acte ne sera possible avant qu'elle soit enregistrée (--trained-on)."
        )
        .map_err(stdout_error)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A professional as listed: never the PIN hash.
#[derive(Serialize)]
struct Listed<'a> {
    role: &'static str,
    rpps: &'a str,
    name: &'a str,
    profession: Option<&'static str>,
    trained_on: Option<String>,
    address: Option<&'a str>,
    phone: Option<&'a str>,
}

fn list(cli: &Cli, json: bool, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    let reg = cx.existing_ledger()?.registry()?;
    let mut rows: Vec<Listed> = reg
        .delegues()
        .into_iter()
        .map(|d| Listed {
            role: "delegue",
            rpps: d.rpps.as_str(),
            name: &d.name,
            profession: Some(d.profession.as_str()),
            trained_on: d.trained_on.map(|t| t.to_string()),
            address: None,
            phone: None,
        })
        .collect();
    rows.extend(reg.delegants().into_iter().map(|d| Listed {
        role: "delegant",
        rpps: d.rpps.as_str(),
        name: &d.name,
        profession: None,
        trained_on: None,
        address: d.address.as_deref(),
        phone: d.phone.as_deref(),
    }));
    if json {
        let s = serde_json::to_string_pretty(&rows).expect("serializes");
        writeln!(out, "{s}").map_err(stdout_error)?;
        return Ok(ExitCode::SUCCESS);
    }
    let shown = crate::text::for_display;
    match &reg.structure {
        Some(s) => {
            let place = if s.address.contains(&s.postal_code) {
                shown(&s.address)
            } else {
                format!("{}, {}", shown(&s.address), s.postal_code)
            };
            writeln!(out, "Structure : {} — {place}", shown(&s.name)).map_err(stdout_error)?;
        }
        None => writeln!(
            out,
            "Structure : non renseignée (protocoop structure set …)"
        )
        .map_err(stdout_error)?,
    }
    for d in reg.delegues() {
        let trained = d.trained_on.map_or("non formé".to_string(), |t| {
            format!("formé le {}", crate::fr::date(t))
        });
        writeln!(
            out,
            "délégué   {}  {} — {}, {trained}",
            d.rpps,
            shown(&d.name),
            d.profession.as_str()
        )
        .map_err(stdout_error)?;
    }
    for d in reg.delegants() {
        writeln!(out, "délégant  {}  {}", d.rpps, shown(&d.name)).map_err(stdout_error)?;
    }
    Ok(ExitCode::SUCCESS)
}
