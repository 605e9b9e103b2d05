//! What a run left on disk, for the checks that no secret is in any of it.

use std::path::{Path, PathBuf};

/// Every regular file under a folder (symbolic links not followed) and their bytes.
pub struct Written {
    pub paths: Vec<PathBuf>,
    bytes: Vec<u8>,
}

impl Written {
    /// The longest run of hex digits in the files: SRP numbers are hundreds long.
    pub fn longest_hex_run(&self) -> usize {
        longest_hex_run(&self.bytes)
    }

    /// Whether `needle` is in any of the files.
    pub fn contains(&self, needle: &str) -> bool {
        self.bytes
            .windows(needle.len().max(1))
            .any(|w| w == needle.as_bytes())
    }

    /// Whether a file under `dir` was searched: a check that the search saw what it
    /// is meant to clear, so that finding nothing means something.
    pub fn has_file_under(&self, dir: &Path) -> bool {
        self.paths.iter().any(|p| p.starts_with(dir))
    }
}

/// Reads everything under `dir`. A file that disappears while being read (a daemon
/// tidying up) is skipped; any other failure fails the test.
pub fn under(dir: &Path) -> Written {
    let mut written = Written {
        paths: Vec::new(),
        bytes: Vec::new(),
    };
    collect(dir, &mut written);
    written
}

fn collect(dir: &Path, written: &mut Written) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.expect("directory entry");
        let path = entry.path();
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            collect(&path, written);
        } else if kind.is_file() {
            match std::fs::read(&path) {
                Ok(bytes) => {
                    written.bytes.extend_from_slice(&bytes);
                    // Files never run together into a false match.
                    written.bytes.push(0);
                    written.paths.push(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
    }
}

/// The longest run of ASCII hex digits in `bytes`.
pub fn longest_hex_run(bytes: &[u8]) -> usize {
    bytes
        .split(|b| !b.is_ascii_hexdigit())
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}
