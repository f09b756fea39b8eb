//! `protocoop structure set` and `protocoop professional add | list`.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::{Cli, Context, stdout_error};
use crate::error::{Error, Result};
use crate::ids::{Finess, Rpps, postal_code_valid};
use crate::protocol::parse_date;
use crate::registry::{
    DelegantRecord, DelegueRecord, Profession, ProfessionalRecord, StructureRecord, hash_pin,
    parse_pin,
};

#[derive(Debug, Subcommand)]
pub enum StructureCommand {
    /// Enregistrer la pharmacie ou le cabinet infirmier de cet appareil.
    Set {
        #[arg(long)]
        name: String,
        #[arg(long)]
        address: String,
        #[arg(long)]
        postal_code: String,
        /// Numéro FINESS (9 caractères ; clé vérifiée, avertissement si elle ne correspond pas).
        #[arg(long)]
        finess: Option<String>,
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
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long, value_enum)]
    role: Role,
    /// « Prénom Nom » (délégué) ou « Dr Prénom Nom » (délégant).
    #[arg(long)]
    name: String,
    #[arg(long)]
    rpps: String,
    /// Délégué : pharmacien ou infirmier.
    #[arg(long, value_enum)]
    profession: Option<ProfessionArg>,
    /// Délégué : date de la formation au protocole (AAAA-MM-JJ).
    #[arg(long)]
    trained_on: Option<String>,
    /// Délégué : lire le code PIN (4 à 8 chiffres) sur la première ligne de l'entrée standard.
    #[arg(long)]
    pin_stdin: bool,
    /// Délégant : adresse professionnelle.
    #[arg(long)]
    address: Option<String>,
    /// Délégant : téléphone.
    #[arg(long)]
    phone: Option<String>,
}

fn text(field: &str, v: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() {
        return Err(Error::input(field, "champ vide"));
    }
    Ok(v.to_string())
}

fn opt_text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn rpps(v: &str) -> Result<Rpps> {
    Rpps::parse(v).map_err(|p| Error::input("--rpps", format!("RPPS « {v} » invalide : {p}")))
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
    let postal_code = postal_code.trim().to_string();
    if !postal_code_valid(&postal_code) {
        return Err(Error::input(
            "--postal-code",
            format!("« {postal_code} » : cinq chiffres attendus"),
        ));
    }
    let finess = match finess.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
        None => None,
        Some(f) => Some(
            Finess::parse(f)
                .map_err(|p| Error::input("--finess", format!("FINESS « {f} » invalide : {p}")))?,
        ),
    };
    let record = StructureRecord {
        v: 1,
        name: text("--name", name)?,
        address: text("--address", address)?,
        postal_code,
        finess,
        phone: opt_text(phone),
        recorded_at: cx.now,
    };
    let mut ledger = cx.ledger()?;
    let r = ledger.set_structure(&record)?;
    if record.finess.as_ref().is_some_and(|f| !f.key_ok) {
        eprintln!(
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
    }
}

fn add(cli: &Cli, a: &AddArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    let name = text("--name", &a.name)?;
    let rpps = rpps(&a.rpps)?;
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
                Some(d) => parse_date("--trained-on", d)?,
                None => {
                    return Err(Error::input(
                        "--trained-on",
                        "date de formation au protocole obligatoire (AAAA-MM-JJ)",
                    ));
                }
            };
            if !a.pin_stdin {
                return Err(Error::input(
                    "--pin-stdin",
                    "un délégué a un code PIN : passez-le sur l'entrée standard avec --pin-stdin",
                ));
            }
            let stdin = super::read_stdin()?;
            let pin = parse_pin("PIN", stdin.lines().next().unwrap_or(""))?;
            ProfessionalRecord::Delegue(DelegueRecord {
                v: 1,
                rpps,
                name,
                profession,
                trained_on: Some(trained_on),
                pin_hash: hash_pin(&pin)?,
                active: true,
                recorded_at: cx.now,
            })
        }
        Role::Delegant => ProfessionalRecord::Delegant(DelegantRecord {
            v: 1,
            rpps,
            name,
            address: opt_text(&a.address),
            phone: opt_text(&a.phone),
            active: true,
            recorded_at: cx.now,
        }),
    };
    let mut ledger = cx.ledger()?;
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
    if let Some(s) = &reg.structure {
        writeln!(
            out,
            "Structure : {} — {}, {}",
            s.name, s.address, s.postal_code
        )
        .map_err(stdout_error)?;
    } else {
        writeln!(
            out,
            "Structure : non renseignée (protocoop structure set …)"
        )
        .map_err(stdout_error)?;
    }
    for r in &rows {
        let detail = match r.role {
            "delegue" => format!(
                "{}, formé le {}",
                r.profession.unwrap_or(""),
                r.trained_on
                    .as_deref()
                    .map_or("— (non formé)".to_string(), |d| {
                        crate::fr::date(d.parse().expect("stored dates parse"))
                    })
            ),
            _ => "délégant".to_string(),
        };
        writeln!(
            out,
            "{:<8}  {}  {} — {}",
            if r.role == "delegue" {
                "délégué"
            } else {
                "délégant"
            },
            r.rpps,
            r.name,
            detail
        )
        .map_err(stdout_error)?;
    }
    Ok(ExitCode::SUCCESS)
}
