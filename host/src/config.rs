//! The pipeline file: its types, and the checks `copydesk validate` runs.
//!
//! Checks run in passes, as in Vector: (1) TOML syntax, fields and types;
//! (2) plugins, stages and their options (unknown or mistyped options are
//! reported with file, line and column and the nearest valid name); (3) the
//! order of stages (what each needs and provides); (4) the environment
//! (input readable, output writable).

use std::path::{Path, PathBuf};

use copydesk_core::{OptionSpec, OptionType};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use toml::Spanned;

use crate::error::{HostError, Result};
use crate::registry::Registry;

/// What to do when a document or stage fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Record the failure in `errors.jsonl` and go on with the rest.
    #[default]
    Skip,
    /// Stop the run at the first failure.
    Fail,
}

/// `[input]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    /// A directory of bundle directories, a directory of files (one bundle), or one file.
    pub path: PathBuf,
    /// `auto`, or a format the parse stage knows (`text`, `transcript`, `html`, `trec`, `jsonl`).
    #[serde(default = "auto")]
    pub format: String,
    /// For JSON Lines input: the field naming each record's bundle.
    #[serde(default)]
    pub bundle_field: Option<String>,
    /// For JSON Lines input: the field holding each record's id.
    #[serde(default = "id_field")]
    pub id_field: String,
}

fn auto() -> String {
    "auto".into()
}
fn id_field() -> String {
    "id".into()
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `documents.jsonl` and `bundle.json`.
    Json,
    /// `report.md`.
    Markdown,
    /// `report.html` per bundle and `index.html` for the run.
    Html,
}

/// `[output]`
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputConfig {
    /// Output directory.
    #[serde(default = "out_dir")]
    pub dir: PathBuf,
    /// Formats to write.
    #[serde(default = "all_formats")]
    pub formats: Vec<Format>,
}

fn out_dir() -> PathBuf {
    PathBuf::from("out")
}
fn all_formats() -> Vec<Format> {
    vec![Format::Json, Format::Markdown, Format::Html]
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            dir: out_dir(),
            formats: all_formats(),
        }
    }
}

/// `[run]`
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// Failure policy.
    #[serde(default)]
    pub on_error: OnError,
    /// Extra plugin directories, relative to the pipeline file.
    #[serde(default)]
    pub plugin_paths: Vec<PathBuf>,
    /// Worker threads (0: one per core).
    #[serde(default)]
    pub jobs: usize,
}

/// One `[[stage]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageConfig {
    /// Plugin name, or a path to its library.
    pub plugin: Spanned<String>,
    /// Which of the plugin's stages (default: the one named like the plugin, or its only one).
    #[serde(default)]
    pub stage: Option<Spanned<String>>,
    /// Name of this step in logs and errors (default: the stage name).
    #[serde(default)]
    pub name: Option<String>,
    /// Stage options.
    #[serde(default)]
    pub options: Option<Spanned<toml::Table>>,
}

/// The pipeline file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineFile {
    /// Input.
    pub input: InputConfig,
    /// Output.
    #[serde(default)]
    pub output: OutputConfig,
    /// Run settings.
    #[serde(default)]
    pub run: RunConfig,
    /// Stages, in order.
    #[serde(default, rename = "stage")]
    pub stages: Vec<StageConfig>,
}

/// A pipeline file read from disk, with its text for error positions.
#[derive(Debug, Clone)]
pub struct PipelineSource {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// Parsed.
    pub file: PipelineFile,
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary_compat(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

trait FloorBoundary {
    fn floor_char_boundary_compat(&self, i: usize) -> usize;
}
impl FloorBoundary for str {
    fn floor_char_boundary_compat(&self, mut i: usize) -> usize {
        while i > 0 && !self.is_char_boundary(i) {
            i -= 1;
        }
        i
    }
}

/// Replaces `${VAR}` and `${VAR:-default}` with environment values
/// (comment lines are left alone; `$${` stands for a literal `${`).
pub fn interpolate(text: &str) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(text.len());
    for (n, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_start().starts_with('#') {
            out.push_str(line);
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("${") {
            if i > 0 && rest.as_bytes()[i - 1] == b'$' {
                out.push_str(&rest[..i - 1]);
                out.push_str("${");
                rest = &rest[i + 2..];
                continue;
            }
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else {
                return Err(format!("line {}: unclosed `${{`", n + 1));
            };
            let expr = &after[..end];
            let (name, default) = match expr.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (expr, None),
            };
            match (std::env::var(name), default) {
                (Ok(v), _) => out.push_str(&v),
                (Err(_), Some(d)) => out.push_str(d),
                (Err(_), None) => {
                    return Err(format!("line {}: environment variable `{name}` is not set (write `${{{name}:-default}}` to give a default)", n + 1))
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
    }
    Ok(out)
}

impl PipelineSource {
    /// Reads and parses a pipeline file (pass 1).
    pub fn read(path: &Path) -> Result<PipelineSource> {
        let raw = std::fs::read_to_string(path).map_err(|e| {
            HostError::Config(format!(
                "{}: cannot read the pipeline file: {e}",
                path.display()
            ))
        })?;
        Self::parse(path, &raw)
    }

    /// Parses pipeline text (pass 1).
    pub fn parse(path: &Path, raw: &str) -> Result<PipelineSource> {
        let text =
            interpolate(raw).map_err(|e| HostError::Config(format!("{}: {e}", path.display())))?;
        let file: PipelineFile = toml::from_str(&text).map_err(|e| {
            let pos = e
                .span()
                .map(|s| line_col(&text, s.start))
                .map(|(l, c)| format!(":{l}:{c}"))
                .unwrap_or_default();
            HostError::Config(format!("{}{pos}: {}", path.display(), e.message()))
        })?;
        Ok(PipelineSource {
            path: path.to_path_buf(),
            text,
            file,
        })
    }

    /// The directory relative paths in the file are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// A path from the file, resolved against its directory.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir().join(path)
        }
    }

    /// The registry for this file's plugin paths.
    pub fn registry(&self) -> Registry {
        let dirs: Vec<PathBuf> = self
            .file
            .run
            .plugin_paths
            .iter()
            .map(|p| self.resolve(p))
            .collect();
        Registry::new(&dirs)
    }

    /// `file:line:col` for a byte offset.
    pub fn at(&self, offset: usize) -> String {
        let (l, c) = line_col(&self.text, offset);
        format!("{}:{l}:{c}", self.path.display())
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The nearest of `candidates` to `word`, if it is near enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(2))
        .min_by_key(|(d, c)| (*d, c.to_string()))
        .map(|(_, c)| c)
}

fn toml_to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

fn describe(value: &toml::Value) -> String {
    let kind = match value {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    };
    format!("{kind} ({value})")
}

/// Checks one stage's options against the declared ones (pass 2) and
/// returns them as JSON with defaults filled in. `position(key)` gives the
/// `file:line:col` of a key, for messages.
pub fn check_options(
    stage: &str,
    specs: &[OptionSpec],
    table: &toml::Table,
    position: &dyn Fn(&str) -> String,
    errors: &mut Vec<String>,
) -> Map<String, Value> {
    let mut out = Map::new();
    for (key, value) in table {
        let Some(spec) = specs.iter().find(|s| s.name == *key) else {
            let hint = match suggest(key, specs.iter().map(|s| s.name.as_str())) {
                Some(s) => format!("; did you mean `{s}`?"),
                None if specs.is_empty() => "; this stage takes no options".into(),
                None => format!(
                    "; valid options: {}",
                    specs
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            errors.push(format!(
                "{}: unknown option `{key}` for stage `{stage}`{hint} (see `copydesk inspect`)",
                position(key)
            ));
            continue;
        };
        let json = toml_to_json(value);
        if !spec.ty.accepts(&json) {
            errors.push(format!(
                "{}: option `{key}` of stage `{stage}` must be {}, got {}",
                position(key),
                article(spec.ty),
                describe(value)
            ));
            continue;
        }
        if !spec.choices.is_empty()
            && !json
                .as_str()
                .is_some_and(|s| spec.choices.iter().any(|c| c == s))
        {
            let hint = json
                .as_str()
                .and_then(|s| suggest(s, spec.choices.iter().map(String::as_str)))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            errors.push(format!(
                "{}: option `{key}` of stage `{stage}` must be one of {}, got {value}{hint}",
                position(key),
                spec.choices.join(", ")
            ));
            continue;
        }
        // Integers are accepted for floats; store them as floats.
        let json = if spec.ty == OptionType::Float {
            json.as_f64().map(Value::from).unwrap_or(json)
        } else {
            json
        };
        out.insert(key.clone(), json);
    }
    for spec in specs {
        if !out.contains_key(&spec.name) && !table.contains_key(&spec.name) {
            if spec.required {
                errors.push(format!(
                    "{}: stage `{stage}` needs option `{}` ({})",
                    position(""),
                    spec.name,
                    spec.doc
                ));
            }
            out.insert(spec.name.clone(), spec.default.clone());
        }
    }
    out
}

fn article(ty: OptionType) -> String {
    match ty {
        OptionType::Integer => "an integer".into(),
        other => format!("a {}", other.name()),
    }
}

/// Finds the byte offset of `key` inside the span of a stage's options table.
pub fn key_offset(text: &str, span: std::ops::Range<usize>, key: &str) -> usize {
    let region = text.get(span.clone()).unwrap_or("");
    let mut search = 0;
    while let Some(i) = region[search..].find(key) {
        let at = search + i;
        let before_ok = at == 0
            || !region.as_bytes()[at - 1].is_ascii_alphanumeric()
                && region.as_bytes()[at - 1] != b'_';
        let after = &region[at + key.len()..];
        let after_ok = after.trim_start_matches([' ', '\t', '"']).starts_with('=');
        if before_ok && after_ok {
            return span.start + at;
        }
        search = at + key.len();
    }
    span.start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_nearest_option() {
        assert_eq!(
            suggest("treshold", ["threshold", "shingle", "num_perm"]),
            Some("threshold")
        );
        assert_eq!(suggest("zzzzzz", ["threshold", "shingle"]), None);
    }

    #[test]
    fn line_and_column() {
        assert_eq!(line_col("a\nbc\nd", 3), (2, 2));
        assert_eq!(line_col("", 0), (1, 1));
    }

    #[test]
    fn interpolates_env() {
        std::env::set_var("COPYDESK_TEST_VAR", "x");
        assert_eq!(
            interpolate("a ${COPYDESK_TEST_VAR} ${NOPE_NOT_SET:-d}").unwrap(),
            "a x d"
        );
        assert!(interpolate("${NOPE_NOT_SET}")
            .unwrap_err()
            .contains("NOPE_NOT_SET"));
    }
}
