//! « Registre »: délégués (added with their training date, a new code,
//! withdrawn), délégants, devices, the validated protocol and the duty
//! roster — each through the same `CptsDb` call as `protocoop cpts …`.

use std::path::Path;

use super::reduce::info;
use super::state::*;
use crate::cpts::CptsDb;
use crate::cpts::activation_letter::{self, Reason};
use crate::error::{Error, Result};

pub(super) fn open(state: &mut OfficeState, services: &Services) -> Result<()> {
    let registry = CptsDb::open(&services.dir)?.state()?;
    let protocol_status =
        registry
            .protocols
            .last()
            .map(|p| match crate::protocol::Protocol::parse(&p.text, &p.id) {
                Ok(parsed) => format!(
                    "{} version {} — {}",
                    p.id,
                    p.version,
                    parsed.validation.describe()
                ),
                Err(_) => format!("{} version {} — illisible", p.id, p.version),
            });
    let keys = crate::kiosk::drives::removable(&services.media)
        .into_iter()
        .map(|d| (crate::kiosk::drives::name(&d), d))
        .collect();
    match &mut state.screen {
        Screen::Registry(f) => {
            f.registry = registry;
            f.protocol_status = protocol_status;
            f.keys = keys;
        }
        _ => {
            let duties = super::roster::rows(registry.roster.as_deref());
            state.screen = Screen::Registry(Box::new(RegistryForm {
                registry,
                protocol_status,
                keys,
                duties,
                ..RegistryForm::default()
            }))
        }
    }
    Ok(())
}

fn letter(
    services: &Services,
    db: &CptsDb,
    rpps: &crate::ids::Rpps,
    code: &str,
    reason: Reason,
) -> Result<(String, Vec<u8>)> {
    activation_letter::of_delegue(&services.dir, db, rpps, code, reason, services.clock.now())
}

/// « Enregistrer la lettre »: the PDF, owner-only, in the folder chosen.
pub(super) fn save_letter(state: &mut OfficeState) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let Some((name, pdf)) = &f.letter else {
        return Ok(());
    };
    let dir = super::month::chosen_folder(&f.letter_folder)?;
    let path = dir.join(name);
    crate::files::check_output(&path)?;
    crate::files::write_atomic(&path, pdf, crate::files::Access::Private)?;
    let shown = path.display().to_string();
    info(
        state,
        format!(
            "Lettre d'activation enregistrée : {shown}. Imprimez-la, remettez-la en main propre, puis supprimez le fichier."
        ),
    );
    Ok(())
}

fn form(state: &mut OfficeState) -> Option<&mut RegistryForm> {
    match &mut state.screen {
        Screen::Registry(f) => Some(f),
        _ => None,
    }
}

pub(super) fn choose_profession(state: &mut OfficeState, p: crate::registry::Profession) {
    if let Some(f) = form(state) {
        f.delegue_profession = Some(p);
    }
}

pub(super) fn add_delegue(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let profession = f
        .delegue_profession
        .ok_or_else(|| Error::input("profession", "choisissez pharmacien ou infirmier"))?;
    let trained_on =
        crate::kiosk::forms::parse_date_fr("date de formation", &f.delegue_trained_on)?;
    let db = CptsDb::open(&services.dir)?;
    let (rpps, code) = db.add_delegue(
        &f.delegue_name,
        &f.delegue_rpps,
        profession,
        trained_on,
        services.clock.now(),
    )?;
    let name = f.delegue_name.trim().to_string();
    // The code is recorded: a letter that could not be made must not hide it.
    let letter = letter(services, &db, &rpps, &code, Reason::Enrolled).ok();
    let kept = std::mem::take(f);
    *f = RegistryForm {
        code: Some((name.clone(), code)),
        letter,
        letter_folder: kept.letter_folder,
        duties: kept.duties,
        ..RegistryForm::default()
    };
    open(state, services)?;
    info(
        state,
        format!(
            "{name} ({rpps}) est enregistré : son code d'activation est affiché une seule fois."
        ),
    );
    Ok(())
}

pub(super) fn reset_delegue(
    state: &mut OfficeState,
    services: &Services,
    rpps: &str,
) -> Result<()> {
    let db = CptsDb::open(&services.dir)?;
    let (rpps, code) = db.reset_delegue(rpps, services.clock.now())?;
    let name = db
        .state()?
        .delegues
        .iter()
        .find(|d| d.rpps == rpps)
        .map_or_else(|| rpps.to_string(), |d| d.name.clone());
    let letter = letter(services, &db, &rpps, &code, Reason::NewCode).ok();
    open(state, services)?;
    if let Some(f) = form(state) {
        f.code = Some((name.clone(), code));
        f.letter = letter;
    }
    info(
        state,
        format!(
            "Nouveau code pour {name} : l'ancien ne vaudra plus une fois le prochain lot appliqué."
        ),
    );
    Ok(())
}

pub(super) fn revoke_delegue(
    state: &mut OfficeState,
    services: &Services,
    rpps: &str,
) -> Result<()> {
    let rpps = CptsDb::open(&services.dir)?.revoke_delegue(rpps, services.clock.now())?;
    open(state, services)?;
    info(
        state,
        format!(
            "{rpps} est retiré : il ne pourra plus rien faire une fois le prochain lot appliqué."
        ),
    );
    Ok(())
}

pub(super) fn add_delegant(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let optional = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
    let (address, phone) = (optional(&f.delegant_address), optional(&f.delegant_phone));
    let input = crate::registry::input::DelegantInput {
        name: &f.delegant_name,
        rpps: &f.delegant_rpps,
        profession: f.delegant_profession,
        address: address.as_deref(),
        phone: phone.as_deref(),
    };
    let rpps = CptsDb::open(&services.dir)?.add_delegant(&input, services.clock.now())?;
    f.delegant_name.clear();
    f.delegant_rpps.clear();
    f.delegant_address.clear();
    f.delegant_phone.clear();
    open(state, services)?;
    info(state, format!("Délégant {rpps} enregistré."));
    Ok(())
}

/// The key a device shows, typed, or the file `protocoop device show
/// --out` wrote (its `public_key`).
fn device_key(typed: &str) -> Result<String> {
    let typed = typed.trim();
    let path = Path::new(typed);
    if !path.is_file() {
        return Ok(typed.to_string());
    }
    let bytes = crate::files::read_limited(path, 64 * 1024)
        .map_err(|e| Error::io("impossible de lire", path, e))?;
    let v: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|_| Error::input("clé", "ce fichier n'est pas celui qu'exporte un appareil"))?;
    v.get("public_key")
        .and_then(|k| k.as_str())
        .map(str::to_string)
        .ok_or_else(|| Error::input("clé", "ce fichier ne porte pas de clé publique d'appareil"))
}

pub(super) fn add_device(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let key = device_key(&f.device_key)?;
    let db = CptsDb::open(&services.dir)?;
    let key = db.add_device(&f.device_name, &key, services.clock.now())?;
    let name = f.device_name.trim().to_string();
    f.device_name.clear();
    f.device_key.clear();
    open(state, services)?;
    info(
        state,
        format!(
            "{name} est enregistré (empreinte {}) : ses rapports seront acceptés.",
            key.fingerprint()
        ),
    );
    Ok(())
}

pub(super) fn read_text(field: &str, typed: &str) -> Result<(String, String)> {
    let path = Path::new(typed.trim());
    if typed.trim().is_empty() {
        return Err(Error::input(field, "indiquez le fichier"));
    }
    let bytes = crate::files::read_limited(path, 4 * 1024 * 1024)
        .map_err(|e| Error::io("impossible de lire", path, e))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::input(field, "ce fichier n'est pas du texte (UTF-8)"))?;
    Ok((text, path.display().to_string()))
}

pub(super) fn add_protocol(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let (text, origin) = read_text("protocole", &f.protocol_file)?;
    let p = CptsDb::open(&services.dir)?.add_protocol(&text, &origin, services.clock.now())?;
    f.protocol_file.clear();
    open(state, services)?;
    info(
        state,
        format!(
            "Protocole « {} » version {} ajouté : il partira avec le prochain lot.",
            p.meta.name, p.meta.version
        ),
    );
    Ok(())
}

pub(super) fn set_account(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Some(f) = form(state) else {
        return Ok(());
    };
    let bic = Some(f.account_bic.trim()).filter(|b| !b.is_empty());
    let (rpps, account) = CptsDb::open(&services.dir)?.set_account(
        &f.account_rpps,
        &f.account_iban,
        bic,
        services.clock.now(),
    )?;
    f.account_rpps.clear();
    f.account_iban.clear();
    f.account_bic.clear();
    open(state, services)?;
    info(
        state,
        format!("Compte de {rpps} enregistré : {}.", account.iban.masked()),
    );
    Ok(())
}
