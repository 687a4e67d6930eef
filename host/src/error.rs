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
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
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
            source,
        }
    }
}

/// Result with [`HostError`].
pub type Result<T, E = HostError> = std::result::Result<T, E>;
