//! Plugin discovery: the search path and finding a plugin by name.
//!
//! The naming rule: a plugin library is a file named `libcopydesk_*.so`
//! (the platform's prefix and suffix: `libcopydesk_*.dylib`,
//! `copydesk_*.dll`). A plugin named `NAME` is found as
//! `libcopydesk_NAME.so`, then `libcopydesk_plugin_NAME.so` (a `-` in
//! `NAME` is a `_` in the file name), in each directory of the search path
//! in turn; discovery (`copydesk plugins`) loads only files matching the
//! rule. Names never map to any other file (`plugin = "ssl"` cannot load
//! the system's `libssl.so`); a path (with a `/` or the library suffix)
//! loads the file it names.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::error::{HostError, Result};
use crate::plugin::LoadedPlugin;

/// Environment variable holding extra plugin directories (`:`-separated; `;` on Windows).
pub const PLUGIN_PATH_ENV: &str = "COPYDESK_PLUGIN_PATH";

/// Where plugins are looked for, in order, and the plugins loaded so far.
#[derive(Debug, Default)]
pub struct Registry {
    dirs: Vec<PathBuf>,
    loaded: Mutex<BTreeMap<PathBuf, Arc<LoadedPlugin>>>,
}

/// A library that was found but is not a usable plugin.
#[derive(Debug)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// Why it was skipped.
    pub reason: String,
    /// `true` when it is a plugin, but one of the same name was found
    /// earlier on the search path; `false` when it was refused.
    pub shadowed: bool,
}

/// The file names a plugin called `name` may have, in the order tried.
fn library_names(name: &str) -> Vec<String> {
    let (prefix, suffix) = (std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    let snake = name.replace('-', "_");
    vec![
        format!("{prefix}copydesk_{snake}{suffix}"),
        format!("{prefix}copydesk_plugin_{snake}{suffix}"),
    ]
}

fn is_library(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(std::env::consts::DLL_SUFFIX))
}

/// Whether a file's name follows the plugin naming rule: `libcopydesk_*.so`
/// (with the platform's prefix and suffix), something after the `copydesk_`.
pub fn is_plugin_file_name(path: &Path) -> bool {
    let (prefix, suffix) = (std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_prefix(prefix))
        .and_then(|n| n.strip_prefix("copydesk_"))
        .and_then(|n| n.strip_suffix(suffix))
        .is_some_and(|stem| !stem.is_empty())
}

impl Registry {
    /// The search path: `extra` directories (from the pipeline file), then
    /// `COPYDESK_PLUGIN_PATH`, then the directory of the running binary.
    pub fn new(extra: &[PathBuf]) -> Self {
        let mut dirs: Vec<PathBuf> = extra.to_vec();
        if let Some(env) = std::env::var_os(PLUGIN_PATH_ENV) {
            dirs.extend(std::env::split_paths(&env).filter(|p| !p.as_os_str().is_empty()));
        }
        if let Some(dir) = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
        {
            dirs.push(dir);
        }
        let mut seen = Vec::new();
        dirs.retain(|d| {
            let key = d.canonicalize().unwrap_or_else(|_| d.clone());
            if seen.contains(&key) {
                false
            } else {
                seen.push(key);
                true
            }
        });
        Registry {
            dirs,
            loaded: Mutex::new(BTreeMap::new()),
        }
    }

    /// The directories searched, in order.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Loads a library once; later calls return the same plugin.
    pub fn load_path(&self, path: &Path) -> Result<Arc<LoadedPlugin>> {
        let key = path.canonicalize().map_err(|e| HostError::Plugin {
            path: path.to_path_buf(),
            message: format!("cannot read the library: {e}"),
        })?;
        let mut loaded = self.loaded.lock().expect("registry lock");
        if let Some(p) = loaded.get(&key) {
            return Ok(Arc::clone(p));
        }
        let plugin = LoadedPlugin::load(&key)?;
        loaded.insert(key, Arc::clone(&plugin));
        Ok(plugin)
    }

    /// Finds a plugin by name (`parse` → `libcopydesk_parse.so`, then
    /// `libcopydesk_plugin_parse.so`, directory by directory; never any other
    /// file name) or by path (anything with a `/` or the library suffix,
    /// relative to `base`).
    pub fn find(&self, name: &str, base: &Path) -> Result<Arc<LoadedPlugin>> {
        if name.contains('/') || name.contains('\\') || is_library(Path::new(name)) {
            let path = base.join(name);
            return self.load_path(&path);
        }
        for dir in &self.dirs {
            for file in library_names(name) {
                let path = dir.join(&file);
                if path.is_file() {
                    let plugin = self.load_path(&path)?;
                    if plugin.name != name {
                        return Err(HostError::Plugin {
                            path,
                            message: format!(
                                "this library declares plugin `{}`, not `{name}`",
                                plugin.name
                            ),
                        });
                    }
                    return Ok(plugin);
                }
            }
        }
        Err(HostError::PluginNotFound {
            name: name.into(),
            searched: self.searched(),
        })
    }

    fn searched(&self) -> String {
        if self.dirs.is_empty() {
            "no directories".into()
        } else {
            self.dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    /// Every plugin on the search path (first of each name wins), and the
    /// libraries that were skipped. Only files named by the plugin rule
    /// (`libcopydesk_*.so`) are loaded; other libraries in the same
    /// directories are not touched.
    pub fn discover(&self) -> (Vec<Arc<LoadedPlugin>>, Vec<Skipped>) {
        let mut plugins: Vec<Arc<LoadedPlugin>> = Vec::new();
        let mut skipped = Vec::new();
        for dir in &self.dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file() && is_plugin_file_name(p))
                .collect();
            files.sort();
            for path in files {
                match self.load_path(&path) {
                    Ok(p) if plugins.iter().any(|q| q.name == p.name) => skipped.push(Skipped {
                        path,
                        reason: format!(
                            "plugin `{}` already found earlier on the search path",
                            p.name
                        ),
                        shadowed: true,
                    }),
                    Ok(p) => plugins.push(p),
                    Err(e) => skipped.push(Skipped {
                        path,
                        reason: e.to_string(),
                        shadowed: false,
                    }),
                }
            }
        }
        (plugins, skipped)
    }
}
