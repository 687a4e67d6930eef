//! The output directory's lock: one run at a time writes into a directory.
//!
//! A run holds an exclusive advisory lock (`flock`) on
//! `<output>/.copydesk.lock` for its whole length and writes its process id
//! and start time into the file. The operating system releases the lock
//! when the process ends, however it ends, so a killed run never leaves a
//! stale lock behind. A run that ends normally removes the file; one that is
//! killed leaves it, which is harmless: the next run takes the lock.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{HostError, Result};

/// File name of the lock inside the output directory.
pub const LOCK_FILE: &str = ".copydesk.lock";

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct OutputLock {
    _file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock of `output` (creating the directory), or says who holds it.
    pub fn acquire(output: &Path) -> Result<OutputLock> {
        if output.exists() && !output.is_dir() {
            return Err(HostError::Other(format!(
                "output `{}` is a file, not a directory; name a directory in `[output] dir` or with --output",
                output.display()
            )));
        }
        std::fs::create_dir_all(output).map_err(|e| HostError::io(output, e))?;
        let path = output.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| HostError::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() {
                    String::new()
                } else {
                    format!(" ({holder})")
                };
                return Err(HostError::Other(format!(
                    "output directory `{}` is in use by another copydesk run{who}; wait for it to finish, or write somewhere else with --output",
                    output.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(HostError::io(&path, e)),
        }
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let note = format!("pid {}, started at unix time {since}\n", std::process::id());
        let _ = file
            .set_len(0)
            .and_then(|_| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(note.as_bytes()));
        Ok(OutputLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutputLock {
    /// Removes the lock file, then releases the lock (when the file closes).
    /// A run that is killed leaves the file, but the lock goes with the process.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_directory_is_refused_until_the_first_is_dropped() {
        let dir = std::env::temp_dir().join(format!("copydesk-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = OutputLock::acquire(&dir).unwrap();
        let err = OutputLock::acquire(&dir).unwrap_err().to_string();
        assert!(err.contains("in use by another copydesk run"), "{err}");
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(first);
        assert!(
            !dir.join(LOCK_FILE).exists(),
            "the lock file is removed when released"
        );
        let again = OutputLock::acquire(&dir).unwrap();
        assert!(again.path().ends_with(LOCK_FILE));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
