//! Which user the cluster runs as: Ampli's own, or an unprivileged one when Ampli is root.

use std::path::Path;

use anyhow::{Context, bail};
use nix::unistd::{Gid, Uid, User, chown};

/// The identity the cluster's processes take. `None` ids mean "stay as Ampli is".
#[derive(Debug, Clone, Copy)]
pub struct RunAs {
    pub uid: Option<Uid>,
    pub gid: Option<Gid>,
}

impl RunAs {
    /// As root, the named system user; otherwise Ampli's own user.
    pub fn resolve(user_name: &str) -> anyhow::Result<Self> {
        if !Uid::effective().is_root() {
            return Ok(Self {
                uid: None,
                gid: None,
            });
        }
        let user = User::from_name(user_name)
            .with_context(|| format!("looking up system user {user_name:?}"))?;
        let Some(user) = user else {
            bail!(
                "Ampli runs as root and PostgreSQL refuses to: the private cluster runs as the \
                 system user {user_name:?}, which does not exist. Create it (useradd --system \
                 {user_name}) or name another with --postgres-user"
            );
        };
        if user.uid.is_root() {
            bail!("--postgres-user {user_name:?} is root; PostgreSQL refuses to run as root");
        }
        Ok(Self {
            uid: Some(user.uid),
            gid: Some(user.gid),
        })
    }

    /// Gives `dir` and everything in it to the cluster's user, when that is not Ampli's (say a
    /// cluster made by a non-root Ampli, now started by root).
    pub fn take_ownership(&self, dir: &Path) -> anyhow::Result<()> {
        let Some(uid) = self.uid else {
            return Ok(());
        };
        // A cluster folder already owned by the user was handed over whole before.
        let top = std::fs::metadata(dir).with_context(|| format!("reading {}", dir.display()))?;
        if std::os::unix::fs::MetadataExt::uid(&top) == uid.as_raw() {
            return Ok(());
        }
        let mut pending = vec![dir.to_path_buf()];
        while let Some(path) = pending.pop() {
            let metadata = std::fs::symlink_metadata(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            if std::os::unix::fs::MetadataExt::uid(&metadata) != uid.as_raw() {
                chown(&path, Some(uid), self.gid)
                    .with_context(|| format!("giving {} to the cluster's user", path.display()))?;
            }
            if metadata.is_dir() {
                for entry in std::fs::read_dir(&path)? {
                    pending.push(entry?.path());
                }
            }
        }
        Ok(())
    }
}
