//! `protocoop cpts init | key | delegue | delegant | protocol | roster |
//! device | list | bundle`: the CPTS as the authority over its devices.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use serde_json::json;

use super::{now, read_input, read_stdin, stdout_error};
use crate::cpts::{CptsDb, authority, bundle_out};
use crate::error::{Error, Refusal, Result};
use crate::files::{self, Access};
use crate::protocol::parse_date;
use crate::registry::input::DelegantInput;
use crate::registry::{DelegantProfession, Profession};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DelegueProfessionArg {
    Pharmacien,
    Infirmier,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DelegantProfessionArg {
    #[value(name = "chirurgien-dentiste")]
    ChirurgienDentiste,
    Medecin,
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Afficher la clé publique de la CPTS et son empreinte (à lire aux appareils).
    Show {
        /// Sortie JSON : {"public_key", "fingerprint"}.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DelegueCommand {
    /// Enregistrer un délégué formé ; affiche son code d'activation (une seule fois).
    Add {
        /// « Prénom Nom ».
        #[arg(long, value_name = "NOM")]
        name: String,
        /// Numéro RPPS (11 chiffres).
        #[arg(long, value_name = "RPPS")]
        rpps: String,
        /// Profession du délégué.
        #[arg(long, value_enum)]
        profession: DelegueProfessionArg,
        /// Date de la formation au protocole (AAAA-MM-JJ).
        #[arg(long, value_name = "AAAA-MM-JJ")]
        trained_on: String,
        /// Écrire aussi la lettre d'activation (PDF, lisible par vous seul) à remettre au délégué.
        #[arg(long, value_name = "FICHIER")]
        letter: Option<PathBuf>,
        /// Sortie JSON : {"rpps", "activation_code"}.
        #[arg(long)]
        json: bool,
    },
    /// Nouveau code d'activation (code PIN oublié, compte bloqué).
    Reset {
        /// Numéro RPPS du délégué.
        #[arg(long, value_name = "RPPS")]
        rpps: String,
        /// Écrire aussi la lettre d'activation (PDF, lisible par vous seul) à remettre au délégué.
        #[arg(long, value_name = "FICHIER")]
        letter: Option<PathBuf>,
        /// Sortie JSON : {"rpps", "activation_code"}.
        #[arg(long)]
        json: bool,
    },
    /// Retirer un délégué (ses actes passés restent valides).
    Revoke {
        /// Numéro RPPS du délégué.
        #[arg(long, value_name = "RPPS")]
        rpps: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DelegantCommand {
    /// Enregistrer (ou mettre à jour) un délégant.
    Add {
        /// « Dr Prénom Nom ».
        #[arg(long, value_name = "NOM")]
        name: String,
        /// Numéro RPPS (11 chiffres).
        #[arg(long, value_name = "RPPS")]
        rpps: String,
        /// Profession du délégant.
        #[arg(long, value_enum, default_value = "chirurgien-dentiste")]
        profession: DelegantProfessionArg,
        /// Adresse professionnelle.
        #[arg(long, value_name = "ADRESSE")]
        address: Option<String>,
        /// Téléphone.
        #[arg(long, value_name = "TÉLÉPHONE")]
        phone: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProtocolCommand {
    /// Ajouter un protocole validé par un délégant (protocoop protocol validate).
    Add {
        /// Le fichier du protocole validé (TOML).
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum RosterCommand {
    /// Remplacer le tableau de garde des dentistes.
    Set {
        /// Le tableau de garde (TOML, comme protocols/garde-exemple.toml).
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Enregistrer un appareil par la clé publique qu'il affiche (protocoop device show).
    Add {
        /// Le nom de l'appareil (« Pharmacie du Marché »).
        #[arg(long, value_name = "NOM")]
        name: String,
        /// Sa clé publique (64 chiffres hexadécimaux).
        #[arg(long, value_name = "CLÉ")]
        key: String,
    },
    /// Accepter le registre d'un appareil restauré ou réécrit, une fois la structure entendue : ses rapports suivants sont de nouveau reçus, et le prochain lot lève son blocage.
    Acknowledge {
        /// Le nom de l'appareil, tel qu'enregistré.
        #[arg(long, value_name = "NOM")]
        name: String,
    },
}

/// The first line of standard input: the passphrase.
fn passphrase(stdin: bool) -> Result<String> {
    if !stdin {
        return Err(Error::input(
            "--passphrase-stdin",
            "la phrase de passe de la CPTS est obligatoire : passez-la sur la première ligne de l'entrée standard",
        ));
    }
    let text = read_stdin()?;
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if line.is_empty() {
        return Err(Error::input("--passphrase-stdin", "phrase de passe vide"));
    }
    Ok(line.to_string())
}

fn print(out: &mut dyn Write, json: Option<serde_json::Value>, text: &str) -> Result<ExitCode> {
    match json {
        Some(v) => writeln!(out, "{}", serde_json::to_string_pretty(&v).expect("json")),
        None => writeln!(out, "{text}"),
    }
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

pub fn init(
    dir: &Path,
    name: &str,
    passphrase_stdin: bool,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let pass = passphrase(passphrase_stdin)?;
    let id = authority::init(dir, name, &pass)?;
    CptsDb::open(dir)?;
    print(
        out,
        None,
        &format!(
            "CPTS « {} » créée. Empreinte de sa clé, à donner à chaque appareil : {}\nClé publique : {}\nGardez la phrase de passe en lieu sûr : sans elle, plus aucun lot ne peut être signé.",
            id.name,
            id.fingerprint(),
            id.public_key
        ),
    )
}

fn identity(dir: &Path) -> Result<authority::Identity> {
    authority::identity(dir)?.ok_or_else(|| Refusal::NoCpts.into())
}

/// Opens the CPTS database of an existing CPTS (never creates one).
fn existing(dir: &Path) -> Result<CptsDb> {
    identity(dir)?;
    CptsDb::open(dir)
}

pub fn key(dir: &Path, cmd: &KeyCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let KeyCommand::Show { json } = cmd;
    let id = identity(dir)?;
    print(
        out,
        json.then(
            || json!({"public_key": id.public_key.to_string(), "fingerprint": id.fingerprint()}),
        ),
        &format!(
            "CPTS « {} »\nEmpreinte : {}\nClé publique : {}",
            id.name,
            id.fingerprint(),
            id.public_key
        ),
    )
}

pub fn delegue(dir: &Path, cmd: &DelegueCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let db = existing(dir)?;
    let now = now()?;
    use crate::cpts::activation_letter::{self, Reason};
    let letter_out = |letter: Option<&PathBuf>, rpps: &crate::ids::Rpps, code: &str, reason| {
        let Some(path) = letter else {
            return Ok(());
        };
        let (_, pdf) = activation_letter::of_delegue(dir, &db, rpps, code, reason, now)?;
        files::write_atomic(path, &pdf, Access::Private)
    };
    let code_out = |out: &mut dyn Write, rpps: &crate::ids::Rpps, code: &str, json: bool| {
        print(
            out,
            json.then(|| json!({"rpps": rpps.to_string(), "activation_code": code})),
            &format!(
                "Code d'activation de {rpps} : {code}\nÀ remettre au délégué, en main propre : il le tape une fois pour choisir son code PIN. Il ne sera plus affiché."
            ),
        )
    };
    match cmd {
        DelegueCommand::Add {
            name,
            rpps,
            profession,
            trained_on,
            letter,
            json,
        } => {
            if let Some(path) = letter {
                files::check_output(path)?;
            }
            let profession = match profession {
                DelegueProfessionArg::Pharmacien => Profession::Pharmacien,
                DelegueProfessionArg::Infirmier => Profession::Infirmier,
            };
            let trained_on = parse_date("--trained-on", trained_on)?;
            let (rpps, code) = db.add_delegue(name, rpps, profession, trained_on, now)?;
            // The code is said first: were the letter not written, it
            // would still not be lost.
            let exit = code_out(out, &rpps, &code, *json)?;
            letter_out(letter.as_ref(), &rpps, &code, Reason::Enrolled)?;
            Ok(exit)
        }
        DelegueCommand::Reset { rpps, letter, json } => {
            if let Some(path) = letter {
                files::check_output(path)?;
            }
            let (rpps, code) = db.reset_delegue(rpps, now)?;
            // The code is said first: were the letter not written, it
            // would still not be lost.
            let exit = code_out(out, &rpps, &code, *json)?;
            letter_out(letter.as_ref(), &rpps, &code, Reason::NewCode)?;
            Ok(exit)
        }
        DelegueCommand::Revoke { rpps } => {
            let rpps = db.revoke_delegue(rpps, now)?;
            print(
                out,
                None,
                &format!(
                    "{rpps} retiré : il ne pourra plus s'identifier une fois le prochain lot appliqué ; ses actes passés restent valides."
                ),
            )
        }
    }
}

pub fn delegant(dir: &Path, cmd: &DelegantCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let db = existing(dir)?;
    let DelegantCommand::Add {
        name,
        rpps,
        profession,
        address,
        phone,
    } = cmd;
    let profession = match profession {
        DelegantProfessionArg::ChirurgienDentiste => DelegantProfession::ChirurgienDentiste,
        DelegantProfessionArg::Medecin => DelegantProfession::Medecin,
    };
    let input = DelegantInput {
        name,
        rpps,
        profession,
        address: address.as_deref(),
        phone: phone.as_deref(),
    };
    let rpps = db.add_delegant(&input, now()?)?;
    print(out, None, &format!("Délégant enregistré : {name} ({rpps})"))
}

pub fn protocol(dir: &Path, cmd: &ProtocolCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let db = existing(dir)?;
    let ProtocolCommand::Add { file } = cmd;
    let text = read_input(file)?;
    let p = db.add_protocol(&text, &file.display().to_string(), now()?)?;
    print(
        out,
        None,
        &format!(
            "Protocole ajouté : {} version {} — {}",
            p.meta.name,
            p.identity.version,
            p.validation.describe()
        ),
    )
}

pub fn roster(dir: &Path, cmd: &RosterCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let db = existing(dir)?;
    let RosterCommand::Set { file } = cmd;
    let text = read_input(file)?;
    db.set_roster(&text, &file.display().to_string(), now()?)?;
    print(
        out,
        None,
        "Tableau de garde enregistré : il partira avec le prochain lot.",
    )
}

pub fn device(dir: &Path, cmd: &DeviceCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let db = existing(dir)?;
    match cmd {
        DeviceCommand::Add { name, key } => {
            let key = db.add_device(name, key, now()?)?;
            print(
                out,
                None,
                &format!(
                    "Appareil « {name} » enregistré (empreinte {}).",
                    key.fingerprint()
                ),
            )
        }
        DeviceCommand::Acknowledge { name } => {
            db.acknowledge_device(name, now()?)?;
            print(
                out,
                None,
                &format!(
                    "Registre de l'appareil « {name} » accepté tel qu'il est : son prochain rapport est reçu sans la tête d'avant ; écrivez un lot (cpts bundle) pour lever son blocage."
                ),
            )
        }
    }
}

pub fn list(dir: &Path, json: bool, out: &mut dyn Write) -> Result<ExitCode> {
    let db = existing(dir)?;
    let id = identity(dir)?;
    let st = db.state()?;
    if json {
        let v = json!({
            "cpts": {"name": id.name, "public_key": id.public_key.to_string(), "fingerprint": id.fingerprint()},
            "registry": st,
            "pharmacies": db.pharmacies()?,
        });
        return print(out, Some(v), "");
    }
    let mut s = format!("CPTS « {} » — empreinte {}\n", id.name, id.fingerprint());
    s += &format!("Délégués ({}) :\n", st.delegues.len());
    for d in &st.delegues {
        s += &format!(
            "  {}  {} — {}, formé le {}{}\n",
            d.rpps,
            d.name,
            d.profession.as_str(),
            crate::fr::date(d.trained_on),
            if d.status == crate::bundle::DelegueStatus::Revoked {
                " — retiré"
            } else {
                ""
            }
        );
    }
    s += &format!("Délégants ({}) :\n", st.delegants.len());
    for d in &st.delegants {
        s += &format!("  {}  {} — {}\n", d.rpps, d.name, d.profession.as_str());
    }
    s += &format!("Protocoles ({}) :\n", st.protocols.len());
    for p in &st.protocols {
        s += &format!("  {} version {}\n", p.id, p.version);
    }
    s += &format!(
        "Tableau de garde : {}\n",
        if st.roster.is_some() {
            "enregistré"
        } else {
            "aucun"
        }
    );
    s += &format!("Appareils ({}) :\n", st.devices.len());
    for d in &st.devices {
        s += &format!("  {} — empreinte {}\n", d.name, d.fingerprint);
    }
    s += &format!(
        "Dernier lot écrit : {}",
        if st.last_serial == 0 {
            "aucun".to_string()
        } else {
            format!("n° {}", st.last_serial)
        }
    );
    print(out, None, &s)
}

pub fn recover(
    dir: &Path,
    source: &Path,
    to: &Path,
    passphrase_stdin: bool,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    if !passphrase_stdin {
        return Err(Error::input(
            "--passphrase-stdin",
            "les phrases de passe sont obligatoires : celle de la CPTS sur la première ligne de l'entrée standard, la nouvelle de la structure sur la deuxième",
        ));
    }
    let text = zeroize::Zeroizing::new(read_stdin()?);
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    let (cpts, new) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    if cpts.is_empty() || new.is_empty() {
        return Err(Error::input(
            "--passphrase-stdin",
            "deux lignes attendues : la phrase de passe de la CPTS, puis la nouvelle de la structure",
        ));
    }
    files::check_output(to)?;
    let file = crate::cpts::recover::recover(dir, cpts, source, new)?;
    files::write_atomic(to, &file.to_bytes()?, Access::Private)?;
    print(
        out,
        None,
        &format!(
            "Clé rescellée dans {} : copiez-la sous le nom keys.json dans le dossier de données de l'appareil (ou donnez-la à « protocoop restore --keys »), puis ouvrez-le avec la nouvelle phrase de passe.",
            to.display()
        ),
    )
}

pub fn bundle(
    dir: &Path,
    file: &Path,
    passphrase_stdin: bool,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let db = existing(dir)?;
    files::check_output(file)?;
    let pass = passphrase(passphrase_stdin)?;
    let now = now()?;
    let written = bundle_out::next_bundle(&db, dir, &pass, now)?;
    // The serial is taken before the file exists: a failed write burns a
    // number (devices accept gaps), never gives two bundles the same one.
    db.bundle_saved(&written, now)?;
    files::write_atomic(file, &written.bytes, Access::Private)?;
    let p = &written.payload;
    print(
        out,
        None,
        &format!(
            "Lot n° {} écrit dans {} : {} délégué(s), {} délégant(s), {} protocole(s), {} appareil(s){}.\nÀ appliquer sur chaque appareil (protocoop bundle apply, ou Réglages du kiosque).",
            written.serial,
            file.display(),
            p.delegues.len(),
            p.delegants.len(),
            p.protocols.len(),
            p.devices.len(),
            if p.roster.is_some() {
                ", tableau de garde"
            } else {
                ""
            }
        ),
    )
}
