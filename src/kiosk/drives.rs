//! USB keys: where the desktop mounts them, and the CPTS bundles found at
//! their top. The places looked in are [`Services::media`], so that tests
//! plug in a « key » of their own.
//!
//! [`Services::media`]: super::services::Services::media

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

/// How many `.json` files are read at the top of one drive, at most.
const MAX_FILES_PER_DRIVE: usize = 20;

/// Where desktop Linux mounts removable drives for the user
/// (`/media/<user>/<label>`, `/run/media/<user>/<label>`).
pub fn system_roots() -> Vec<PathBuf> {
    let user = std::env::var("USER").unwrap_or_default();
    if user.is_empty() {
        return Vec::new();
    }
    ["/media", "/run/media"]
        .iter()
        .map(|root| Path::new(root).join(&user))
        .collect()
}

/// The drives mounted under `roots`, sorted by name.
pub fn removable(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        if let Ok(entries) = std::fs::read_dir(root) {
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            found.sort();
            out.extend(found);
        }
    }
    out
}

/// A bundle file found on a USB key, as a person is shown it: the key's
/// name and when the file was written, never its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundBundle {
    pub path: PathBuf,
    /// The key's label (`CLE-CPTS`).
    pub drive: String,
    /// When the CPTS wrote it, when the key's file system says so.
    pub written: Option<DateTime<Utc>>,
}

/// The `.json` files at the top of each drive, newest first on each key
/// (the CPTS's latest bundle is the likely one).
pub fn bundles_on(drives: &[PathBuf]) -> Vec<FoundBundle> {
    let mut out = Vec::new();
    for drive in drives {
        let Ok(entries) = std::fs::read_dir(drive) else {
            continue;
        };
        let mut files: Vec<FoundBundle> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
            .take(MAX_FILES_PER_DRIVE)
            .map(|path| FoundBundle {
                written: std::fs::metadata(&path)
                    .and_then(|m| m.modified())
                    .ok()
                    .map(DateTime::<Utc>::from),
                drive: name(drive),
                path,
            })
            .collect();
        files.sort_by(|a, b| b.written.cmp(&a.written).then(a.path.cmp(&b.path)));
        out.extend(files);
    }
    out
}

/// The name a person sees for a drive: its label.
pub fn name(drive: &Path) -> String {
    drive.file_name().map_or_else(
        || drive.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_are_the_json_files_at_the_top_of_each_key() {
        let root = tempfile::tempdir().unwrap();
        let key = root.path().join("CLE-CPTS");
        std::fs::create_dir_all(key.join("archives")).unwrap();
        std::fs::write(key.join("lot-3.json"), "{}").unwrap();
        std::fs::write(key.join("notes.txt"), "").unwrap();
        std::fs::write(key.join("archives").join("lot-2.json"), "{}").unwrap();
        std::fs::write(root.path().join("pas-une-cle.json"), "{}").unwrap();
        let drives = removable(&[root.path().to_path_buf(), root.path().join("absent")]);
        assert_eq!(
            drives,
            std::slice::from_ref(&key),
            "a file is not a drive; a missing root is none"
        );
        let found = bundles_on(&drives);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, key.join("lot-3.json"));
        assert_eq!(found[0].drive, "CLE-CPTS");
        assert!(found[0].written.is_some());
    }
}
