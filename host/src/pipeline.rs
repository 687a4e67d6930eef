//! A checked pipeline: its stages resolved to plugins, options checked,
//! instances created.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use copydesk_core::StageSpec;
use serde_json::{Map, Value};

use crate::config::{check_options, key_offset, PipelineSource};
use crate::error::{HostError, Result};
use crate::plugin::{LoadedPlugin, StageInstance};
use crate::registry::Registry;

/// One planned step: plugin, stage and checked options (before instances exist).
#[derive(Debug, Clone)]
pub struct Step {
    /// Display name (unique in the pipeline).
    pub name: String,
    /// The plugin.
    pub plugin: Arc<LoadedPlugin>,
    /// The stage's declaration.
    pub spec: StageSpec,
    /// Options with defaults filled in.
    pub options: Map<String, Value>,
}

/// A plan that passed every check.
#[derive(Debug)]
pub struct Plan {
    /// The pipeline file.
    pub source: PipelineSource,
    /// The steps in order.
    pub steps: Vec<Step>,
}

/// A running stage.
#[derive(Debug)]
pub struct ActiveStage {
    /// Display name.
    pub name: String,
    /// The instance.
    pub instance: StageInstance,
    /// Called on one bundle at a time, in input order (see `StageSpec::ordered_when`).
    pub ordered: bool,
}

/// Fields the host itself fills before any stage runs.
const HOST_FIELDS: &[&str] = &[
    "id",
    "bundle",
    "source",
    "raw",
    "raw_base64",
    "diagnostics",
    "bundle.documents",
    "bundle.diagnostics",
];

/// The stage of `plugin` a step names: `wanted`, or else the one named like
/// the plugin, or its only one. `how` says how to name one (`` `stage =
/// "..."` `` in a pipeline, `--stage` on the command line).
pub fn pick_stage<'a>(
    plugin: &'a LoadedPlugin,
    wanted: Option<&str>,
    how: &str,
) -> std::result::Result<&'a StageSpec, String> {
    let names = || {
        plugin
            .stages
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match wanted {
        Some(w) => plugin.stage(w).ok_or_else(|| {
            format!(
                "plugin `{}` has no stage `{w}`; it has: {}",
                plugin.name,
                names()
            )
        }),
        None => plugin
            .stage(&plugin.name)
            .or(if plugin.stages.len() == 1 {
                plugin.stages.first()
            } else {
                None
            })
            .ok_or_else(|| {
                format!(
                    "plugin `{}` has several stages ({}); say which with {how}",
                    plugin.name,
                    names()
                )
            }),
    }
}

impl Plan {
    /// Runs passes 2-4 of validation and returns every problem found.
    pub fn check(
        source: PipelineSource,
        registry: &Registry,
        check_env: bool,
    ) -> std::result::Result<Plan, Vec<String>> {
        let mut errors = Vec::new();
        let mut steps: Vec<Step> = Vec::new();
        // Where each step is written in the file (its `plugin =`), for messages.
        let mut step_at: Vec<usize> = Vec::new();
        let base = source.base_dir();
        source.check_input(&mut errors);
        if source.file.stages.is_empty() {
            errors.push(format!("{}: the pipeline has no `[[stage]]`; add at least `[[stage]]\\nplugin = \"parse\"`", source.path.display()));
        }
        for stage in &source.file.stages {
            let plugin = match registry.find(stage.plugin.get_ref(), &base) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(format!("{}: {e}", source.at(stage.plugin.span().start)));
                    continue;
                }
            };
            let wanted = stage.stage.as_ref().map(|s| s.get_ref().as_str());
            let spec = match pick_stage(&plugin, wanted, "`stage = \"...\"`") {
                Ok(s) => s.clone(),
                Err(e) => {
                    let at = stage
                        .stage
                        .as_ref()
                        .map(|s| s.span().start)
                        .unwrap_or(stage.plugin.span().start);
                    errors.push(format!("{}: {e}", source.at(at)));
                    continue;
                }
            };
            let name = stage.name.clone().unwrap_or_else(|| spec.name.clone());
            if steps.iter().any(|s| s.name == name) {
                errors.push(format!(
                    "{}: two stages are named `{name}`; give one a `name = \"...\"`",
                    source.at(stage.plugin.span().start)
                ));
            }
            let empty = toml::Table::new();
            let (table, span) = match &stage.options {
                Some(o) => (o.get_ref(), o.span()),
                None => (&empty, 0..0),
            };
            let position = |key: &str| {
                source.at(if key.is_empty() {
                    stage.plugin.span().start
                } else {
                    key_offset(&source.text, span.clone(), key)
                })
            };
            let options = check_options(&name, &spec.options, table, &position, &mut errors);
            step_at.push(stage.plugin.span().start);
            steps.push(Step {
                name,
                plugin,
                spec,
                options,
            });
        }
        // Pass 3: what each stage needs must be provided earlier.
        let mut provided: Vec<String> = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            for need in &step.spec.requires {
                if !provided.contains(need) {
                    let at = source.at(step_at[i]);
                    errors.push(format!("{at}: stage `{}` needs `{need}`, which no earlier stage provides; put a stage that provides it (such as `parse` for `text`) before it", step.name));
                }
            }
            provided.extend(step.spec.provides.iter().cloned());
        }
        // Pass 3b: every field a stage reads is written by an earlier stage
        // (or is the host's: ids, the input, diagnostics).
        let mut written: Vec<String> = HOST_FIELDS.iter().map(|f| f.to_string()).collect();
        for (i, step) in steps.iter().enumerate() {
            let earlier = copydesk_core::wire::FieldSet::of(&written);
            for read in &step.spec.reads {
                if read.ends_with('?') || read == "*" || earlier.covers(read) {
                    continue;
                }
                let at = source.at(step_at[i]);
                errors.push(format!("{at}: stage `{}` reads `{read}`, which no earlier stage writes; put a stage that writes it (`copydesk inspect PLUGIN` shows what each stage reads and writes) before it", step.name));
            }
            written.extend(step.spec.writes.iter().cloned());
        }
        // Pass 4: the environment.
        if check_env {
            let input = source.resolve(&source.file.input.path);
            let pattern = input.to_string_lossy().contains(['*', '?', '[']);
            if !pattern && !input.exists() {
                errors.push(format!(
                    "{}: input `{}` does not exist",
                    source.path.display(),
                    input.display()
                ));
            }
            let out = source.resolve(&source.file.output.dir);
            if let Err(problem) = check_output_dir(&out) {
                errors.push(format!("{}: {problem}", source.path.display()));
            }
        }
        if errors.is_empty() {
            Ok(Plan { source, steps })
        } else {
            Err(errors)
        }
    }

    /// Creates the stage instances.
    pub fn instantiate(&self) -> Result<Vec<ActiveStage>> {
        self.steps
            .iter()
            .map(|s| {
                Ok(ActiveStage {
                    name: s.name.clone(),
                    instance: s.plugin.create(&s.spec.name, &s.options)?,
                    ordered: s.spec.kind == copydesk_core::StageKind::Bundle
                        && s.spec.is_ordered(&s.options),
                })
            })
            .collect()
    }

    /// The input path, resolved.
    pub fn input(&self) -> PathBuf {
        self.source.resolve(&self.source.file.input.path)
    }

    /// The output directory, resolved.
    pub fn output(&self) -> PathBuf {
        self.source.resolve(&self.source.file.output.dir)
    }

    /// A fingerprint of the configuration (plugins, versions, options), for `run.json`.
    pub fn describe(&self) -> Value {
        Value::Array(
            self.steps
                .iter()
                .map(|s| serde_json::json!({"name": s.name, "plugin": s.plugin.name, "version": s.plugin.version, "stage": s.spec.name, "options": s.options}))
                .collect(),
        )
    }
}

/// Checks that `dir` can be the output directory, by trying: when it
/// exists, it must be a directory in which a file can be created (a probe
/// file is created and removed); when it does not, the missing directories
/// are created, a probe file in it too, and all of it is removed again. So a
/// read-only file system or a directory of another user is found, not only
/// a missing permission bit. The error is one sentence naming the path.
pub fn check_output_dir(dir: &Path) -> std::result::Result<(), String> {
    let shown = dir.display();
    // The directories to create, deepest first, up to the nearest existing ancestor.
    let mut missing = Vec::new();
    let mut at = dir.to_path_buf();
    loop {
        match std::fs::metadata(&at) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) if at == dir => {
                return Err(format!(
                    "output directory `{shown}` is a file, not a directory"
                ))
            }
            Ok(_) => {
                return Err(format!(
                    "output directory `{shown}` cannot be created: `{}` is a file",
                    at.display()
                ))
            }
            Err(_) => {
                missing.push(at.clone());
                at = match at.parent() {
                    Some(p) if p.as_os_str().is_empty() => PathBuf::from("."),
                    Some(p) => p.to_path_buf(),
                    None => return Err(format!("output directory `{shown}` cannot be created")),
                };
            }
        }
    }
    let mut created: Vec<&Path> = Vec::new();
    let undo = |created: &[&Path]| {
        for d in created.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    };
    for d in missing.iter().rev() {
        if let Err(e) = std::fs::create_dir(d) {
            undo(&created);
            return Err(format!(
                "output directory `{shown}` cannot be created: `{}`: {e}",
                d.display()
            ));
        }
        created.push(d);
    }
    let probe = dir.join(format!(".copydesk-write-test-{}", std::process::id()));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&probe)
        .map(drop)
        .map_err(|e| format!("output directory `{shown}` is not writable: {e}"));
    let _ = std::fs::remove_file(&probe);
    undo(&created);
    result
}

impl From<Vec<String>> for HostError {
    fn from(errors: Vec<String>) -> Self {
        HostError::Config(errors.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("copydesk-outdir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn output_dir_probe_leaves_nothing_behind() {
        let dir = scratch("ok");
        std::fs::write(dir.join("keep"), "x").unwrap();
        assert_eq!(check_output_dir(&dir), Ok(()));
        assert_eq!(entries(&dir), ["keep"], "the probe file is removed");
        // Missing directories are created to try, then removed again.
        assert_eq!(check_output_dir(&dir.join("a/b/out")), Ok(()));
        assert_eq!(entries(&dir), ["keep"], "created directories are removed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn output_dir_that_is_a_file() {
        let dir = scratch("file");
        let file = dir.join("out");
        std::fs::write(&file, "x").unwrap();
        let e = check_output_dir(&file).unwrap_err();
        assert_eq!(
            e,
            format!(
                "output directory `{}` is a file, not a directory",
                file.display()
            )
        );
        let e = check_output_dir(&file.join("sub")).unwrap_err();
        assert!(
            e.ends_with(&format!(
                "cannot be created: `{}` is a file",
                file.display()
            )),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn output_dir_without_write_permission() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("readonly");
        let locked = dir.join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root may write anyway: then there is nothing to refuse.
        let root_writes = std::fs::write(locked.join("probe"), "x").is_ok();
        if root_writes {
            println!(
                "skipped: running as root, which writes into a mode-555 directory anyway \
                 (the read-only file system case is tested end to end in cli/tests/validate.rs)"
            );
        } else {
            let e = check_output_dir(&locked).unwrap_err();
            assert!(
                e.starts_with(&format!(
                    "output directory `{}` is not writable: ",
                    locked.display()
                )) && e.contains("ermission denied"),
                "{e}"
            );
            let e = check_output_dir(&locked.join("out")).unwrap_err();
            assert!(
                e.contains("cannot be created") && e.contains("ermission denied"),
                "{e}"
            );
        }
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
