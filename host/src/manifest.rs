//! The resume manifest: one line per finished bundle, keyed by the bundle's
//! input hash and the pipeline's config hash.
//!
//! A line is appended (and flushed to disk) only after the bundle's output
//! files have been renamed into place, so a run killed at any moment leaves
//! a manifest that lists only bundles whose outputs are complete. A torn last
//! line is ignored. At the end of a run the manifest is rewritten whole, in
//! input order, so that it too is identical however the run was interrupted.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{HostError, Result};
use crate::html::IndexEntry;
use crate::output::{write_atomic, ErrorRecord};

/// File name of the manifest inside the output directory.
pub const MANIFEST: &str = ".copydesk-manifest.jsonl";

/// What the manifest remembers of a finished bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Bundle id.
    pub bundle: String,
    /// Hash of the bundle's input files (paths and bytes).
    pub input_hash: String,
    /// Hash of the pipeline's configuration (plugins, versions, options, input settings).
    pub config_hash: String,
    /// What the index shows.
    pub entry: IndexEntry,
    /// Its failures, to rebuild `errors.jsonl`.
    pub errors: Vec<ErrorRecord>,
}

/// 64-bit FNV-1a, stable across platforms and releases.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Adds bytes, length-prefixed so that concatenations differ.
    pub fn write(&mut self, bytes: &[u8]) {
        for b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
    /// The hash as 16 hex digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// The manifest of an output directory.
pub struct Manifest {
    path: PathBuf,
    file: std::fs::File,
}

impl Manifest {
    /// Opens the manifest. With `resume`, returns the finished bundles it
    /// lists; otherwise starts it afresh.
    pub fn open(output: &Path, resume: bool) -> Result<(Manifest, HashMap<String, Record>)> {
        std::fs::create_dir_all(output).map_err(|e| HostError::io(output, e))?;
        let path = output.join(MANIFEST);
        let mut done = HashMap::new();
        if resume {
            if let Ok(text) = std::fs::read_to_string(&path) {
                for line in text.lines() {
                    // A torn last line (a kill mid-write) does not parse and is ignored.
                    if let Ok(r) = serde_json::from_str::<Record>(line) {
                        done.insert(r.bundle.clone(), r);
                    }
                }
            }
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true);
        if resume {
            options.append(true);
        } else {
            options.write(true).truncate(true);
        }
        let mut file = options.open(&path).map_err(|e| HostError::io(&path, e))?;
        if resume {
            // Start on a fresh line if the last one was torn.
            let len = file.metadata().map(|m| m.len()).unwrap_or(0);
            if len > 0
                && !std::fs::read(&path)
                    .map(|b| b.ends_with(b"\n"))
                    .unwrap_or(true)
            {
                file.write_all(b"\n").map_err(|e| HostError::io(&path, e))?;
            }
        }
        Ok((Manifest { path, file }, done))
    }

    /// Records a finished bundle (after its outputs are in place).
    /// Appends records with one flush (group commit: their files were made
    /// durable first).
    pub fn append_all(&mut self, records: &[Record]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let mut lines = Vec::new();
        for r in records {
            serde_json::to_writer(&mut lines, r).expect("records serialise");
            lines.push(b'\n');
        }
        self.file
            .write_all(&lines)
            .and_then(|_| self.file.sync_data())
            .map_err(|e| HostError::io(&self.path, e))
    }

    /// Rewrites the manifest whole, in the given order.
    pub fn finish(self, records: &[Record]) -> Result<()> {
        let mut out = Vec::new();
        for r in records {
            serde_json::to_writer(&mut out, r).expect("records serialise");
            out.push(b'\n');
        }
        drop(self.file);
        write_atomic(&self.path, &out)
    }
}

/// Removes temporary files a killed run left in the output directory
/// (`.NAME.tmp-PID`, in the directory and its bundle directories).
pub fn remove_stale_temporaries(output: &Path) {
    let is_tmp = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') && n.contains(".tmp-"))
    };
    let Ok(entries) = std::fs::read_dir(output) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if let Ok(inner) = std::fs::read_dir(&path) {
                for e in inner.flatten() {
                    if is_tmp(&e.path()) {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
        } else if is_tmp(&path) {
            let _ = std::fs::remove_file(&path);
        }
    }
}
