//! Showing an act's documents in the desktop's PDF viewer without leaving
//! them on disk: a viewer needs a file, so each preview is written,
//! owner-only, into a private folder of its own (in `$XDG_RUNTIME_DIR`,
//! which lives in memory, where the session has one), and that folder is
//! removed when the next preview replaces it, when the session ends, and
//! when the kiosk closes. A kiosk that crashed leaves its folder behind:
//! the next start sweeps it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// Folder names start with this, so that the sweep finds its own.
const PREFIX: &str = "protocoop-apercu-";

/// The previews of one running kiosk.
pub struct Preview {
    base: PathBuf,
    current: Mutex<Option<PathBuf>>,
}

impl Preview {
    /// Previews under the session's runtime folder (else the system's
    /// temporary folder), after sweeping what a crashed kiosk left there.
    pub fn new() -> Preview {
        let base = std::env::var_os("XDG_RUNTIME_DIR")
            .map(PathBuf::from)
            .filter(|d| d.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        Preview::in_folder(base)
    }

    /// Previews under `base` (tests).
    pub fn in_folder(base: PathBuf) -> Preview {
        sweep(&base);
        Preview {
            base,
            current: Mutex::new(None),
        }
    }

    /// Writes `docs` (file name, bytes) into a new private folder, removes
    /// the previous preview, and returns the files to open.
    pub fn write(&self, docs: &[(&str, &[u8])]) -> Result<Vec<PathBuf>> {
        self.forget();
        let mut id = [0u8; 12];
        getrandom::fill(&mut id)
            .map_err(|e| Error::Storage(format!("générateur aléatoire indisponible : {e}")))?;
        let dir = self.base.join(format!("{PREFIX}{}", hex::encode(id)));
        create_own_dir(&dir)?;
        *self.lock() = Some(dir.clone());
        let mut files = Vec::new();
        for (name, bytes) in docs {
            // Only a bare file name: never a path out of the folder.
            let name = Path::new(name)
                .file_name()
                .ok_or_else(|| Error::input("document", "nom de fichier vide"))?;
            let path = dir.join(name);
            let mut f = crate::files::create_private_file(&path)?;
            std::io::Write::write_all(&mut f, bytes)
                .map_err(|e| Error::io("impossible d'écrire", &path, e))?;
            files.push(path);
        }
        Ok(files)
    }

    /// Removes the current preview's files, if any.
    pub fn forget(&self) {
        if let Some(dir) = self.lock().take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    /// The folder of the current preview (tests).
    pub fn current(&self) -> Option<PathBuf> {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<PathBuf>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for Preview {
    fn default() -> Self {
        Preview::new()
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        self.forget();
    }
}

/// Creates `dir` owner-only; refuses one that exists (a name another user
/// placed there first is never written into).
fn create_own_dir(dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
        .map_err(|e| Error::io("impossible de créer le dossier", dir, e))
}

/// Removes the preview folders left in `base` by a kiosk that did not
/// close: only real folders (not links) owned by this user.
fn sweep(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let ours = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(PREFIX));
        if ours && owned_folder(&entry.path()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn owned_folder(path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: getuid has no preconditions and cannot fail.
        let me = unsafe { libc::getuid() };
        meta.is_dir() && meta.uid() == me
    }
    #[cfg(not(unix))]
    meta.is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn une_previsualisation_ne_survit_pas_a_la_suivante_ni_au_kiosque() {
        let base = std::env::temp_dir().join(format!("apercu-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        // What a crashed kiosk left is swept at the next start.
        std::fs::create_dir(base.join(format!("{PREFIX}ancien"))).unwrap();
        std::fs::write(base.join(format!("{PREFIX}ancien/o.pdf")), b"%PDF").unwrap();
        std::fs::create_dir(base.join("autre-chose")).unwrap();
        let p = Preview::in_folder(base.clone());
        assert!(!base.join(format!("{PREFIX}ancien")).exists());
        assert!(base.join("autre-chose").exists(), "only its own folders");

        let first = p.write(&[("ordonnance-2026-0001.pdf", b"%PDF-1")]).unwrap();
        assert_eq!(std::fs::read(&first[0]).unwrap(), b"%PDF-1");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |f: &Path| std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&first[0]), 0o600);
            assert_eq!(mode(first[0].parent().unwrap()), 0o700);
        }
        let second = p.write(&[("../../evil.pdf", b"%PDF-2")]).unwrap();
        assert!(!first[0].exists(), "the previous preview is removed");
        assert_eq!(second[0].parent(), p.current().as_deref());
        assert!(
            !base.join("evil.pdf").exists() && !base.parent().unwrap().join("evil.pdf").exists()
        );
        drop(p);
        assert!(!second[0].exists(), "closing the kiosk removes the preview");
        assert!(base.join("autre-chose").exists());
        let _ = std::fs::remove_dir_all(&base);
    }
}
