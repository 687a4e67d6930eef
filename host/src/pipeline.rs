//! A checked pipeline: its stages resolved to plugins, options checked,
//! instances created.

use std::path::PathBuf;
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

fn pick_stage<'a>(
    plugin: &'a LoadedPlugin,
    wanted: Option<&str>,
) -> std::result::Result<&'a StageSpec, String> {
    match wanted {
        Some(w) => plugin.stage(w).ok_or_else(|| {
            let names: Vec<&str> = plugin.stages.iter().map(|s| s.name.as_str()).collect();
            format!(
                "plugin `{}` has no stage `{w}`; it has: {}",
                plugin.name,
                names.join(", ")
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
                    "plugin `{}` has several stages; say which with `stage = \"...\"`",
                    plugin.name
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
        let base = source.base_dir();
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
            let spec = match pick_stage(&plugin, stage.stage.as_ref().map(|s| s.get_ref().as_str()))
            {
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
                    let at = source
                        .file
                        .stages
                        .get(i)
                        .map(|s| source.at(s.plugin.span().start))
                        .unwrap_or_default();
                    errors.push(format!("{at}: stage `{}` needs `{need}`, which no earlier stage provides; put a stage that provides it (such as `parse` for `text`) before it", step.name));
                }
            }
            provided.extend(step.spec.provides.iter().cloned());
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
            if let Some(problem) = unwritable(&out) {
                errors.push(format!(
                    "{}: output directory `{}` is not writable: {problem}",
                    source.path.display(),
                    out.display()
                ));
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

fn unwritable(dir: &std::path::Path) -> Option<String> {
    let mut probe = dir;
    loop {
        if probe.exists() {
            let meta = std::fs::metadata(probe).ok()?;
            if !meta.is_dir() {
                return Some(format!("`{}` is a file", probe.display()));
            }
            if meta.permissions().readonly() {
                return Some(format!("`{}` is read-only", probe.display()));
            }
            return None;
        }
        match probe.parent() {
            Some(p) if !p.as_os_str().is_empty() => probe = p,
            _ => return None,
        }
    }
}

impl From<Vec<String>> for HostError {
    fn from(errors: Vec<String>) -> Self {
        HostError::Config(errors.join("\n"))
    }
}
