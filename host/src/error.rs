//! Errors the host reports. Each names what failed and what to do.

use std::path::PathBuf;

/// An error of the host.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// A plugin library could not be loaded or was refused.
    #[error("{path}: {message}")]
    Plugin {
        /// The library file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// No plugin of that name on the search path.
    #[error("plugin `{name}` not found; searched: {searched}. Build it (`cargo build --release`), add its directory to `plugin_paths` in the pipeline file or to COPYDESK_PLUGIN_PATH, or give the library's path")]
    PluginNotFound {
        /// The name asked for.
        name: String,
        /// The directories searched.
        searched: String,
    },
    /// The pipeline file is invalid.
    #[error("{0}")]
    Config(String),
    /// A stage failed.
    #[error("stage `{stage}` (plugin `{plugin}`){}: {message}", doc.as_ref().map(|d| format!(" on document `{d}`")).unwrap_or_default())]
    Stage {
        /// Stage name.
        stage: String,
        /// Plugin name.
        plugin: String,
        /// Document id, when the failure concerns one document.
        doc: Option<String>,
        /// What went wrong.
        message: String,
    },
    /// Input or output failed.
    ///
    /// The message already holds the I/O error, so it is deliberately not
    /// the error's `source()`: a report that prints the chain (`{:#}` of
    /// anyhow) would say it twice ("Read-only file system (os error 30):
    /// Read-only file system (os error 30)").
    #[error("{path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

impl HostError {
    /// An I/O error on a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        HostError::Io {
            path: path.into(),
            error: source,
        }
    }
}

/// Result with [`HostError`].
pub type Result<T, E = HostError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_io_error_is_said_once() {
        let e = HostError::io("out", std::io::Error::other("Read-only file system"));
        // What `copydesk` prints: anyhow's `{:#}` adds every `source()`.
        let printed = anyhow_like(&e);
        assert_eq!(printed, "out: Read-only file system");
    }

    /// The message followed by each `source()`, as anyhow's `{:#}` prints it.
    fn anyhow_like(e: &dyn std::error::Error) -> String {
        let mut out = e.to_string();
        let mut next = e.source();
        while let Some(s) = next {
            out.push_str(&format!(": {s}"));
            next = s.source();
        }
        out
    }
}
