//! Copies of the chain's head kept *outside* the database, so that
//! truncating the log (or rewriting it wholesale) is evident: `ledger.head`
//! (the latest seq and hash, rewritten after each append) and
//! `closures.log` (one line per month closure, appended and synced). The
//! monthly report carries the closure too, off the device.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

pub const HEAD_FILE: &str = "ledger.head";
pub const CLOSURES_FILE: &str = "closures.log";

/// An anchor file holds one line per month closure (about 90 bytes): a
/// century of closures fits well under this.
const MAX_ANCHOR_BYTES: u64 = 1024 * 1024;

/// A seq and hash recorded outside the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub label: String,
    pub seq: u64,
    pub hash: String,
}

fn private_options() -> OpenOptions {
    let mut opts = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts
}

/// Rewrites the head file in place. Best effort and not synced: after a
/// crash it may lag behind the database, which `verify` accepts; it can never
/// be ahead. The record has a fixed width, so overwriting it at offset 0
/// (one small write, no temporary file or rename on the append path) never
/// leaves a stale tail.
pub(super) fn write_head(dir: &Path, seq: u64, hash: &str) {
    let record = format!("head {seq:020} {hash}\n");
    let _ = private_options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(HEAD_FILE))
        .and_then(|f| write_at_start(&f, record.as_bytes()));
}

#[cfg(unix)]
fn write_at_start(f: &fs::File, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    f.write_all_at(bytes, 0)
}

#[cfg(not(unix))]
fn write_at_start(mut f: &fs::File, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    f.seek(SeekFrom::Start(0))?;
    f.write_all(bytes)
}

/// Appends a closure line and syncs it.
pub(super) fn append_closure(dir: &Path, month: &str, seq: u64, hash: &str) -> Result<()> {
    let path = dir.join(CLOSURES_FILE);
    let mut f = private_options()
        .append(true)
        .create(true)
        .open(&path)
        .map_err(|e| Error::io("impossible d'écrire le journal des clôtures", &path, e))?;
    f.write_all(format!("{month} {seq} {hash}\n").as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| Error::io("impossible d'écrire le journal des clôtures", &path, e))
}

fn parse_line(line: &str) -> Option<Anchor> {
    let mut parts = line.split_whitespace();
    let label = parts.next()?.to_string();
    let seq = parts.next()?.parse().ok()?;
    let hash = parts.next()?.to_string();
    Some(Anchor { label, seq, hash })
}

/// The head file, if present and readable.
pub(super) fn read_head(dir: &Path) -> Option<Anchor> {
    let bytes = crate::files::read_limited(&dir.join(HEAD_FILE), MAX_ANCHOR_BYTES).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.lines().next().and_then(parse_line)
}

/// Every closure recorded outside the database. A file that exists but
/// cannot be read whole, or holds a line that is not a closure, is an
/// error: hiding an anchor must not pass for having none.
pub(super) fn read_closures(dir: &Path) -> std::result::Result<Vec<Anchor>, String> {
    let path = dir.join(CLOSURES_FILE);
    let bytes = match crate::files::read_limited(&path, MAX_ANCHOR_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(format!(
                "le journal des clôtures est illisible ({})",
                crate::fr::io_error(&e)
            ));
        }
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| "le journal des clôtures n'est pas du texte".to_string())?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            parse_line(l)
                .ok_or_else(|| format!("le journal des clôtures a une ligne {} illisible", i + 1))
        })
        .collect()
}
