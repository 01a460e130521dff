//! Finding the installed PostgreSQL binaries for the private cluster.

use std::path::{Path, PathBuf};

/// The oldest PostgreSQL major version the schema supports (it needs pg_trgm and
/// `EXECUTE FUNCTION` triggers).
pub const MIN_MAJOR_VERSION: u32 = 13;

#[derive(Debug, thiserror::Error)]
pub enum LocateError {
    #[error(
        "no PostgreSQL binaries (initdb, postgres) found on PATH or under /usr/lib/postgresql/*/bin: \
         install PostgreSQL {MIN_MAJOR_VERSION} or later, or set DATABASE_URL to use an existing server"
    )]
    NotFound,
    #[error("{dir} does not hold the PostgreSQL binaries initdb and postgres")]
    NotInGivenDir { dir: PathBuf },
    #[error(
        "the private cluster was made by PostgreSQL {wanted}, but no binaries of that version were \
         found; install PostgreSQL {wanted} or point --postgres-bin-dir at them"
    )]
    VersionMissing { wanted: u32 },
}

/// The folder that holds `initdb` and `postgres`, with their major version when known.
#[derive(Debug, Clone)]
pub struct Binaries {
    pub dir: PathBuf,
    pub major_version: Option<u32>,
}

impl Binaries {
    pub fn initdb(&self) -> PathBuf {
        self.dir.join("initdb")
    }

    pub fn postgres(&self) -> PathBuf {
        self.dir.join("postgres")
    }
}

/// Picks the binaries: an explicit folder if given, else the highest supported version under
/// `roots` (Debian installs them as /usr/lib/postgresql/<major>/bin), else `PATH`. When a
/// cluster already exists, its version (`wanted`) must match.
pub fn locate(
    explicit: Option<&Path>,
    path_env: Option<&str>,
    roots: &[&Path],
    wanted: Option<u32>,
) -> Result<Binaries, LocateError> {
    if let Some(dir) = explicit {
        if !holds_binaries(dir) {
            return Err(LocateError::NotInGivenDir { dir: dir.into() });
        }
        return Ok(Binaries {
            dir: dir.into(),
            major_version: None,
        });
    }
    let mut candidates: Vec<Binaries> = Vec::new();
    for root in roots {
        let Ok(entries) = std::fs::read_dir(root) else {
            continue;
        };
        for entry in entries.flatten() {
            let Some(major) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let dir = entry.path().join("bin");
            if major >= MIN_MAJOR_VERSION && holds_binaries(&dir) {
                candidates.push(Binaries {
                    dir,
                    major_version: Some(major),
                });
            }
        }
    }
    candidates.sort_by_key(|b| std::cmp::Reverse(b.major_version));
    if let Some(dir) = path_env
        .into_iter()
        .flat_map(std::env::split_paths)
        .find(|dir| holds_binaries(dir))
    {
        candidates.push(Binaries {
            dir,
            major_version: None,
        });
    }
    match wanted {
        Some(wanted) => candidates
            .into_iter()
            .find(|b| b.major_version.is_none_or(|v| v == wanted))
            .ok_or(LocateError::VersionMissing { wanted }),
        None => candidates.into_iter().next().ok_or(LocateError::NotFound),
    }
}

fn holds_binaries(dir: &Path) -> bool {
    dir.join("initdb").is_file() && dir.join("postgres").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_install(root: &Path, major: &str) -> PathBuf {
        let bin = root.join(major).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::write(bin.join("initdb"), "").unwrap();
        std::fs::write(bin.join("postgres"), "").unwrap();
        bin
    }

    #[test]
    fn nothing_installed_says_what_to_do() {
        let empty = tempfile::tempdir().unwrap();
        let error = locate(None, Some(""), &[empty.path()], None).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("install PostgreSQL 13 or later"),
            "{message}"
        );
        assert!(message.contains("DATABASE_URL"), "{message}");
    }

    #[test]
    fn highest_supported_version_wins() {
        let root = tempfile::tempdir().unwrap();
        fake_install(root.path(), "12");
        fake_install(root.path(), "14");
        let newest = fake_install(root.path(), "16");
        let found = locate(None, None, &[root.path()], None).unwrap();
        assert_eq!(found.dir, newest);
        assert_eq!(found.major_version, Some(16));
    }

    #[test]
    fn an_existing_cluster_keeps_its_version() {
        let root = tempfile::tempdir().unwrap();
        let v14 = fake_install(root.path(), "14");
        fake_install(root.path(), "16");
        assert_eq!(
            locate(None, None, &[root.path()], Some(14)).unwrap().dir,
            v14
        );
        assert!(matches!(
            locate(None, None, &[root.path()], Some(15)),
            Err(LocateError::VersionMissing { wanted: 15 })
        ));
    }

    #[test]
    fn path_is_searched_too() {
        let root = tempfile::tempdir().unwrap();
        let bin = fake_install(root.path(), "custom");
        let path = bin.to_str().unwrap();
        assert_eq!(locate(None, Some(path), &[], None).unwrap().dir, bin);
    }
}
