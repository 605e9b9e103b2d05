//! Files the app writes whole or not at all: its own (config, jobs, keys, cache) readable
//! by the owner only; the person's saved pages as any file they make (the umask decides).

use std::path::Path;

/// Writes `bytes` to `path` through a temporary file and a rename, owner-only.
pub fn write_private_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic(path, bytes, 0o600)
}

/// Writes a file the person asked for (a saved page) through a temporary file and a
/// rename, with the permissions the umask gives any new file (usually 0644).
pub fn write_public_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic(path, bytes, 0o666)
}

fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
        #[cfg(not(unix))]
        let _ = mode;
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Moves an unreadable file out of the way (`NAME.unreadable-SECONDS`), so the next save
/// cannot overwrite what it held; returns where it went.
pub fn set_aside(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut aside = path.with_file_name(format!("{name}.unreadable-{stamp}"));
    let mut n = 1;
    while std::fs::symlink_metadata(&aside).is_ok() {
        aside = path.with_file_name(format!("{name}.unreadable-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &aside)?;
    Ok(aside)
}

/// Removes the temporary files that writes of `path` killed mid-way left behind
/// (`.NAME.PID.tmp`), except those of a process that is still running. Returns how many.
pub fn remove_stale_temps(path: &Path) -> usize {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return 0;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && !is_running(pid) && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Whether a process with this id is running (on Linux; elsewhere only ourselves).
fn is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    cfg!(target_os = "linux") && Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_aside_keeps_the_bytes_under_a_new_name_each_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "first").expect("write");
        let one = set_aside(&path).expect("aside");
        std::fs::write(&path, "second").expect("write");
        let two = set_aside(&path).expect("aside");
        assert_ne!(one, two);
        assert!(!path.exists());
        assert_eq!(std::fs::read_to_string(one).expect("read"), "first");
        assert_eq!(std::fs::read_to_string(two).expect("read"), "second");
    }

    #[test]
    fn stale_temps_of_dead_writers_go_and_live_ones_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("jobs.json");
        // Process ids above the kernel's pid_max (4,194,304 at most) cannot be running.
        let dead = dir.path().join(".jobs.json.4194305.tmp");
        let mine = dir
            .path()
            .join(format!(".jobs.json.{}.tmp", std::process::id()));
        let other = dir.path().join(".config.toml.4194305.tmp");
        for file in [&dead, &mine, &other] {
            std::fs::write(file, "partial").expect("write");
        }
        assert_eq!(remove_stale_temps(&path), 1);
        assert!(!dead.exists());
        assert!(mine.exists() && other.exists());
    }
}
