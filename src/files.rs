//! Writing files safely: whole or not at all, and private when they hold
//! health data.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Who may read a file we write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Owner only (0600): anything with patient data.
    Private,
    /// The usual permissions (protocol files, reports without names).
    Shared,
}

/// Creates `dir` and its missing parents owner-only (0700), so that what
/// goes in is never readable by others, even for a moment. `action` says
/// what the folder is for in the error (« impossible de créer le dossier
/// de données »).
pub fn create_private_dir(dir: &Path, action: &'static str) -> Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir).map_err(|e| Error::io(action, dir, e))
}

/// Creates a new file owner-only (0600); refuses one that exists.
pub fn create_private_file(path: &Path) -> Result<fs::File> {
    open_private_new(path).map_err(|e| Error::io("impossible de créer", path, e))
}

/// [`create_private_file`] for callers that word the error themselves.
pub fn open_private_new(path: &Path) -> std::io::Result<fs::File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Checks, before anything is recorded, that `path` can be written as a
/// file: not a folder, in a folder that exists and accepts files. A command
/// that would record something (a month closure, a document issued) and
/// then fail to write its output checks this first, so nothing is recorded
/// for nothing.
pub fn check_output(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Err(Error::io(
            "impossible d'écrire",
            path,
            std::io::Error::from(std::io::ErrorKind::IsADirectory),
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(Error::io(
            "dossier introuvable pour écrire",
            path,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        ));
    }
    if path.file_name().is_none() {
        return Err(Error::input(
            "fichier",
            format!("« {} » n'est pas un nom de fichier", path.display()),
        ));
    }
    let probe = dir.join(format!(".protocoop-probe-{}", std::process::id()));
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
        .map_err(|e| Error::io("impossible d'écrire", path, e))?;
    let _ = fs::remove_file(&probe);
    Ok(())
}

/// Reads a whole file of at most `max` bytes; a larger one is refused
/// (`FileTooLarge`) without being read into memory.
pub fn read_limited(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    // A pipe or a device would block the reader (the kiosk) for ever.
    if !fs::metadata(path)?.is_file() {
        return Err(std::io::Error::from(std::io::ErrorKind::InvalidInput));
    }
    let f = fs::File::open(path)?;
    let mut bytes = Vec::new();
    f.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::from(std::io::ErrorKind::FileTooLarge));
    }
    Ok(bytes)
}

/// Free space on the disk holding `path`, when the system says.
pub fn available_bytes(path: &Path) -> Option<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
        let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
        // SAFETY: `c` is a valid NUL-terminated path and `st` is written by
        // statvfs before it is read, only when the call succeeds.
        let rc = unsafe { libc::statvfs(c.as_ptr(), st.as_mut_ptr()) };
        if rc != 0 {
            return None;
        }
        // SAFETY: statvfs returned 0, so it filled `st`.
        let st = unsafe { st.assume_init() };
        // The field types vary between systems (u32 or u64).
        #[allow(clippy::useless_conversion)]
        let bytes = u64::from(st.f_bavail).saturating_mul(u64::from(st.f_frsize));
        Some(bytes)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// synced, then renamed over the target. A crash leaves the old file or the
/// new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8], access: Access) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        Error::input(
            "fichier",
            format!("« {} » n'est pas un nom de fichier", path.display()),
        )
    })?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        // A stale temporary file (an earlier crash) would keep its old
        // permissions: start from a new one.
        let _ = fs::remove_file(&tmp);
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        if access == Access::Private {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        Ok(())
    })();
    result.map_err(|e: std::io::Error| {
        let _ = fs::remove_file(&tmp);
        Error::io("impossible d'écrire", path, e)
    })
}
