//! A device's backup, one file: a consistent snapshot of the ledger (SQLite's
//! online backup, safe while the kiosk appends; its pages stay encrypted
//! with the data key), the key file (the data key under the structure's
//! passphrase, and escrowed to the CPTS once attached), the device key
//! (sealed with the data key) and the anchors. Nothing in it is readable
//! without the passphrase or the CPTS's recovery key, and a changed byte is
//! refused before anything is written.
//!
//! Layout: the line `protocoop-backup v1`, one line of JSON (the
//! [`Manifest`]), then each file's bytes in the manifest's order. The
//! manifest names each file with its size and SHA-256, and carries a tag
//! sealed with the data key over its own digest: a backup edited by
//! someone without the key does not restore.
//!
//! - [`restore`]: rebuilding a device from a backup, elsewhere;
//! - [`folder`]: the folder each month closure backs up to.

pub mod folder;
pub mod restore;

use std::fs::{self, File};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::ledger::anchors::{CLOSURES_FILE, HEAD_FILE};
use crate::ledger::device_key::DEVICE_KEY_FILE;
use crate::ledger::key_file::KEY_FILE;
use crate::ledger::{DB_FILE, Ledger};

pub const MAGIC: &[u8] = b"protocoop-backup v1\n";

/// What the tag seals, so that no other sealed value passes for it.
const TAG_CONTEXT: &[u8] = b"protocoop-backup-manifest-v1";

/// The longest manifest line read (a handful of files).
const MAX_MANIFEST: usize = 64 * 1024;

/// When the last backup of this folder was written (shown in Réglages).
pub const LAST_BACKUP_FILE: &str = "last-backup.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub v: u32,
    pub device_id: String,
    pub created_at: DateTime<Utc>,
    /// Entries in the snapshot, and the hash of the last.
    pub entries: u64,
    pub head_hash: String,
    pub files: Vec<FileEntry>,
    /// The data key's seal over the manifest's digest (without the tag).
    #[serde(default)]
    pub tag: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Manifest {
    /// The digest the tag seals: the manifest's JSON with an empty tag.
    fn digest(&self) -> [u8; 32] {
        let mut m = self.clone();
        m.tag.clear();
        Sha256::digest(serde_json::to_vec(&m).unwrap_or_default()).into()
    }
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub entries: u64,
    pub bytes: u64,
    pub sha256: String,
}

/// The files kept beside the database, in a backup's order.
const SIDE_FILES: [&str; 4] = [KEY_FILE, DEVICE_KEY_FILE, HEAD_FILE, CLOSURES_FILE];

/// Writes a backup of `ledger` to `out` (atomically: a temporary file in
/// the same folder, renamed once complete and synced).
pub fn write(ledger: &Ledger, out: &Path, now: DateTime<Utc>) -> Result<Written> {
    let folder = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !folder.is_dir() {
        return Err(Error::input(
            "--out",
            format!("dossier introuvable : « {} »", folder.display()),
        ));
    }
    let dir = ledger.dir();
    // The anchors are read before the snapshot: an append after them only
    // moves the snapshot ahead of them, which `verify` accepts.
    let mut side: Vec<(String, Vec<u8>)> = Vec::new();
    for name in SIDE_FILES {
        match fs::read(dir.join(name)) {
            Ok(b) => side.push((name.to_string(), b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && name != KEY_FILE => {}
            Err(e) => return Err(Error::io("impossible de lire", dir.join(name), e)),
        }
    }
    let snapshot = folder.join(format!(".protocoop-snapshot-{}.tmp", std::process::id()));
    let result = (|| -> Result<Written> {
        let (entries, head_hash) = ledger.snapshot_to(&snapshot)?;
        let db = file_entry(
            DB_FILE,
            &mut File::open(&snapshot).map_err(|e| io(&snapshot, e))?,
        )?;
        let mut files = vec![db];
        for (name, bytes) in &side {
            files.push(FileEntry {
                name: name.clone(),
                bytes: bytes.len() as u64,
                sha256: hex::encode(Sha256::digest(bytes)),
            });
        }
        let mut manifest = Manifest {
            v: 1,
            device_id: ledger.device_id().to_string(),
            created_at: now,
            entries,
            head_hash,
            files,
            tag: String::new(),
        };
        manifest.tag = hex::encode(ledger.data_key().seal(&manifest.digest(), TAG_CONTEXT)?);
        let tmp = folder.join(format!(".protocoop-backup-{}.tmp", std::process::id()));
        let written = (|| -> std::io::Result<()> {
            let _ = fs::remove_file(&tmp);
            let mut w = BufWriter::new(crate::files::open_private_new(&tmp)?);
            w.write_all(MAGIC)?;
            serde_json::to_writer(&mut w, &manifest)?;
            w.write_all(b"\n")?;
            std::io::copy(&mut File::open(&snapshot)?, &mut w)?;
            for (_, bytes) in &side {
                w.write_all(bytes)?;
            }
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            fs::rename(&tmp, out)?;
            Ok(())
        })();
        written.map_err(|e| {
            let _ = fs::remove_file(&tmp);
            Error::io("impossible d'écrire la sauvegarde", out, e)
        })?;
        let whole = file_entry("", &mut File::open(out).map_err(|e| io(out, e))?)?;
        Ok(Written {
            path: out.to_path_buf(),
            entries: manifest.entries,
            bytes: whole.bytes,
            sha256: whole.sha256,
        })
    })();
    let _ = fs::remove_file(&snapshot);
    let written = result?;
    record_last(dir, &written, now);
    Ok(written)
}

fn io(path: &Path, e: std::io::Error) -> Error {
    Error::io("impossible de lire", path, e)
}

/// A file's size and SHA-256, read once.
fn file_entry(name: &str, r: &mut impl Read) -> Result<FileEntry> {
    let mut sha = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = r.read(&mut buf).map_err(|e| {
            Error::Storage(format!("lecture impossible : {}", crate::fr::io_error(&e)))
        })?;
        if n == 0 {
            break;
        }
        sha.update(buf.get(..n).unwrap_or_default());
        bytes += n as u64;
    }
    Ok(FileEntry {
        name: name.to_string(),
        bytes,
        sha256: hex::encode(sha.finalize()),
    })
}

/// The last backup written from this folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastBackup {
    pub at: DateTime<Utc>,
    pub file: String,
    pub entries: u64,
    pub sha256: String,
}

fn record_last(dir: &Path, w: &Written, at: DateTime<Utc>) {
    let last = LastBackup {
        at,
        file: w.path.display().to_string(),
        entries: w.entries,
        sha256: w.sha256.clone(),
    };
    if let Ok(bytes) = serde_json::to_vec_pretty(&last) {
        let _ = crate::files::write_atomic(
            &dir.join(LAST_BACKUP_FILE),
            &bytes,
            crate::files::Access::Private,
        );
    }
}

/// The last backup of `dir`, if one was written (and its record is readable).
pub fn last(dir: &Path) -> Option<LastBackup> {
    let bytes = crate::files::read_limited(&dir.join(LAST_BACKUP_FILE), 8192).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Days after which Accueil says a backup is due.
pub const DUE_AFTER_DAYS: i64 = 7;
