//! The private cluster's server settings: PostgreSQL's defaults are sized for a machine of
//! decades ago (128 MB of shared buffers, a checkpoint every gigabyte of WAL). The private
//! cluster serves one Ampli on the machine it runs on, so it is sized to that machine.

/// `-c name=value` settings the postmaster starts with, for a machine of `memory_bytes` and a
/// cluster of PostgreSQL `major_version`.
pub fn server_settings(memory_bytes: Option<u64>, major_version: Option<u32>) -> Vec<String> {
    const MB: u64 = 1 << 20;
    // An eighth of the memory, within 128 MB (PostgreSQL's default) and 4 GB: the rest stays
    // with Ampli, the operating system's file cache and whatever else the machine runs.
    let shared_buffers = memory_bytes.map_or(128 * MB, |m| (m / 8).clamp(128 * MB, 4096 * MB));
    let mut settings = vec![
        format!("shared_buffers={}MB", shared_buffers / MB),
        // Fewer checkpoints while a catalog is uploaded or imported: each one writes every page
        // changed since the last one again, whole, into the WAL.
        "max_wal_size=4GB".to_owned(),
        // The cluster listens on a private socket only and nothing replicates from it (an
        // operator who wants replicas runs their own PostgreSQL and sets DATABASE_URL). With
        // no WAL kept for replicas, an index built or a table filled in the transaction that
        // created it is written once, not also into the WAL: the import's bulk loads.
        "wal_level=minimal".to_owned(),
        "max_wal_senders=0".to_owned(),
    ];
    // Before replaying the WAL after a crash, PostgreSQL makes every file of the cluster
    // durable: by default one fsync per file, which for a fresh cluster's 1,400 files took
    // about five seconds here, against about half a second for one syncfs of the file
    // system. The keeper restarts a crashed cluster within seconds, so syncfs, from
    // PostgreSQL 14 where it exists.
    if major_version.is_some_and(|version| version >= 14) {
        settings.push("recovery_init_sync_method=syncfs".to_owned());
    }
    settings
}

/// This machine's memory, from `/proc/meminfo`; `None` where that cannot be read.
pub fn machine_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = meminfo.lines().find(|line| line.starts_with("MemTotal:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1 << 30;

    #[test]
    fn shared_buffers_are_an_eighth_of_memory_within_bounds() {
        let buffers = |memory| server_settings(memory, Some(15))[0].clone();
        assert_eq!(buffers(Some(24 * GB)), "shared_buffers=3072MB");
        assert_eq!(buffers(Some(GB / 2)), "shared_buffers=128MB");
        assert_eq!(buffers(Some(256 * GB)), "shared_buffers=4096MB");
        assert_eq!(buffers(None), "shared_buffers=128MB");
    }

    #[test]
    fn crash_recovery_syncs_the_file_system_at_once_where_postgresql_can() {
        let syncfs = |version| {
            server_settings(None, version).contains(&"recovery_init_sync_method=syncfs".to_owned())
        };
        assert!(syncfs(Some(14)) && syncfs(Some(17)));
        // 13 refuses to start with a setting it does not know.
        assert!(!syncfs(Some(13)) && !syncfs(None));
    }

    #[test]
    fn this_machine_reports_its_memory() {
        assert!(machine_memory().is_some_and(|bytes| bytes > 64 << 20));
    }
}
