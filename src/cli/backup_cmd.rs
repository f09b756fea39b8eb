//! `protocoop backup --out FILE`, `backup --after-closure DIR` and
//! `protocoop restore FILE --data-dir NEW`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{Cli, Context, passphrase, stdout_error};
use crate::backup::{self, restore::Unlock};
use crate::error::{Error, Result};
use crate::fr;
use crate::ledger::key_file::KeyFile;

pub fn backup(cli: &Cli, to: &Path, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    let ledger = cx.existing_ledger()?;
    let w = backup::write(&ledger, to, cx.now)?;
    writeln!(
        out,
        "Sauvegarde écrite : « {} » ({} entrées, {} octets, empreinte {}). Elle ne s'ouvre qu'avec la phrase de passe de la structure, ou la clé de recouvrement de la CPTS.",
        w.path.display(),
        fr::int(w.entries),
        fr::int(w.bytes),
        w.sha256
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

/// `backup --after-closure DIR` / `--no-after-closure`.
pub fn after_closure(cli: &Cli, folder: Option<&Path>, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    crate::vault::require_existing(&cx.data_dir)?;
    backup::folder::set_after_closure(&cx.data_dir, folder)?;
    match folder {
        Some(f) => writeln!(
            out,
            "Chaque clôture de mois écrira désormais une sauvegarde dans « {} ».",
            f.display()
        ),
        None => writeln!(out, "Plus de sauvegarde à la clôture des mois."),
    }
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

pub fn restore(
    cli: &Cli,
    file: &Path,
    keys: Option<&PathBuf>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let Some(dir) = cli.data_dir.clone() else {
        return Err(Error::input(
            "--data-dir",
            "indiquez le dossier nouveau où restaurer l'appareil",
        ));
    };
    let cx = Context::new(cli)?;
    // The passphrase is the backup's (or the new one of a resealed key
    // file): it is asked as for an existing folder, once.
    let pass = passphrase::for_existing()?;
    let unlock = match keys {
        None => Unlock::Passphrase(&pass),
        Some(k) => {
            let bytes = crate::files::read_limited(k, 64 * 1024)
                .map_err(|e| Error::io("impossible de lire", k, e))?;
            Unlock::KeyFile(KeyFile::parse(&bytes)?, &pass)
        }
    };
    let ledger = backup::restore::restore(file, &dir, unlock, cx.now)?;
    writeln!(
        out,
        "Appareil restauré dans « {} » : {} entrées vérifiées, même identité (appareil {}). Le prochain acte suit le dernier de la sauvegarde.",
        dir.display(),
        fr::int(ledger.len()?),
        ledger.device_id()
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
