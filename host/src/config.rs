//! The pipeline file: its types, and the checks `copydesk validate` runs.
//!
//! Checks run in passes, as in Vector: (1) TOML syntax, fields and types;
//! (2) `[input] format`, plugins, stages and their options (unknown,
//! mistyped or out-of-range options are reported with file, line and column
//! and the nearest valid name); (3) the order of stages (what each needs and
//! provides); (4) the environment (input readable, output writable: tried by
//! creating a file, see [`crate::pipeline::check_output_dir`]).

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
    /// Follow symbolic links to directories (links to files are always
    /// followed; loops and files reached twice are skipped with a warning).
    #[serde(default)]
    pub follow_symlinks: bool,
    /// The most documents a bundle holds: a larger one (a flat JSON Lines
    /// corpus, a directory of many files) is processed in parts of this many
    /// documents, `ID@00001`, `ID@00002`, ..., so that memory is bounded by
    /// `jobs` and this number, not by the corpus. 0: no limit.
    #[serde(default = "batch")]
    pub batch: usize,
}

/// Documents per bundle before a bundle is cut into parts.
pub const DEFAULT_BATCH: usize = 5_000;

fn batch() -> usize {
    DEFAULT_BATCH
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
    /// Worker threads (absent: one per core; at most [`MAX_JOBS`]).
    #[serde(default)]
    pub jobs: Option<Spanned<usize>>,
}

/// The most workers a run starts; more are capped with a warning.
pub const MAX_JOBS: usize = 256;

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
    let (out, unset) = interpolate_lenient(text)?;
    match unset.first() {
        Some(u) => Err(u.message()),
        None => Ok(out),
    }
}

/// A `${VAR}` with no value and no default.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unset {
    line: usize,
    name: String,
}

impl Unset {
    fn message(&self) -> String {
        format!(
            "line {}: environment variable `{}` is not set (write `${{{}:-default}}` to give a default)",
            self.line, self.name, self.name
        )
    }
    fn placeholder(name: &str) -> String {
        format!("{UNSET_MARK}{name}{UNSET_MARK}")
    }
}

/// Stands for an unset variable until overrides are applied.
const UNSET_MARK: &str = "@@copydesk-unset@@";

/// Like [`interpolate`], but an unset variable without a default becomes a
/// placeholder and is returned, so that a value the command line replaces
/// (`--input`, `--output`) may use a variable that is not set.
fn interpolate_lenient(text: &str) -> std::result::Result<(String, Vec<Unset>), String> {
    let mut out = String::with_capacity(text.len());
    let mut unset = Vec::new();
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
                    out.push_str(&Unset::placeholder(name));
                    unset.push(Unset {
                        line: n + 1,
                        name: name.to_string(),
                    });
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
    }
    Ok((out, unset))
}

/// The names of the unset variables whose placeholders are in `value`.
fn placeholders_in(value: &str) -> Vec<String> {
    value
        .split(UNSET_MARK)
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Values from the command line that replace the pipeline file's.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--input`: replaces `[input] path`.
    pub input: Option<PathBuf>,
    /// `--output`: replaces `[output] dir`.
    pub output: Option<PathBuf>,
}

/// True when a path value as written starts with a variable the
/// environment sets: such a path is the user's, resolved against the
/// current directory, not the pipeline file's folder.
fn from_environment(raw: Option<&str>) -> bool {
    let Some(rest) = raw.and_then(|r| r.strip_prefix("${")) else {
        return false;
    };
    let name = rest.split(['}', ':']).next().unwrap_or_default();
    std::env::var_os(name).is_some()
}

/// `path` made absolute against the current directory.
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    std::env::current_dir()
        .map(|d| d.join(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

impl PipelineSource {
    /// Reads and parses a pipeline file (pass 1).
    pub fn read(path: &Path) -> Result<PipelineSource> {
        Self::read_with(path, &Overrides::default())
    }

    /// Reads and parses a pipeline file, with command-line overrides (pass 1).
    pub fn read_with(path: &Path, overrides: &Overrides) -> Result<PipelineSource> {
        let raw = std::fs::read_to_string(path).map_err(|e| {
            HostError::Config(format!(
                "{}: cannot read the pipeline file: {e}",
                path.display()
            ))
        })?;
        Self::parse_with(path, &raw, overrides)
    }

    /// Parses pipeline text (pass 1).
    pub fn parse(path: &Path, raw: &str) -> Result<PipelineSource> {
        Self::parse_with(path, raw, &Overrides::default())
    }

    /// Parses pipeline text with command-line overrides (pass 1).
    ///
    /// Paths: a path written in the file is relative to the file's folder; a
    /// path from the command line, or written as a variable the environment
    /// sets (`path = "${CORPUS}"`), is relative to the current directory.
    /// Overrides apply before variables are checked, so `--input` works
    /// when `[input] path` names a variable that is not set.
    pub fn parse_with(path: &Path, raw: &str, overrides: &Overrides) -> Result<PipelineSource> {
        let config = |e: String| HostError::Config(format!("{}: {e}", path.display()));
        let (text, unset) = interpolate_lenient(raw).map_err(config)?;
        let mut file: PipelineFile = match toml::from_str(&text) {
            Ok(f) => f,
            // A placeholder where a number was due is the variable's fault.
            Err(_) if !unset.is_empty() => return Err(config(unset[0].message())),
            Err(e) => {
                let pos = e
                    .span()
                    .map(|s| line_col(&text, s.start))
                    .map(|(l, c)| format!(":{l}:{c}"))
                    .unwrap_or_default();
                return Err(HostError::Config(format!(
                    "{}{pos}: {}",
                    path.display(),
                    e.message()
                )));
            }
        };
        // Paths written as an environment variable are the user's.
        let written: Option<toml::Table> = toml::from_str(raw).ok();
        let field = |table: &str, key: &str| -> Option<String> {
            written
                .as_ref()?
                .get(table)?
                .get(key)?
                .as_str()
                .map(str::to_owned)
        };
        if from_environment(field("input", "path").as_deref()) {
            file.input.path = absolute(&file.input.path);
        }
        if from_environment(field("output", "dir").as_deref()) {
            file.output.dir = absolute(&file.output.dir);
        }
        let written_plugin_paths: Vec<Option<String>> = written
            .as_ref()
            .and_then(|w| w.get("run")?.get("plugin_paths")?.as_array().cloned())
            .map(|a| a.iter().map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        for (p, w) in file.run.plugin_paths.iter_mut().zip(written_plugin_paths) {
            if from_environment(w.as_deref()) {
                *p = absolute(p);
            }
        }
        // Overrides replace values (and the variables in them).
        let mut replaced = Vec::new();
        if let Some(input) = &overrides.input {
            replaced.extend(placeholders_in(&file.input.path.to_string_lossy()));
            file.input.path = absolute(input);
        }
        if let Some(output) = &overrides.output {
            replaced.extend(placeholders_in(&file.output.dir.to_string_lossy()));
            file.output.dir = absolute(output);
        }
        for u in &unset {
            match replaced.iter().position(|r| *r == u.name) {
                Some(i) => {
                    replaced.remove(i);
                }
                None => return Err(config(u.message())),
            }
        }
        if let Some(jobs) = &file.run.jobs {
            if *jobs.get_ref() == 0 {
                let (l, c) = line_col(&text, jobs.span().start);
                return Err(HostError::Config(format!(
                    "{}:{l}:{c}: `jobs` must be at least 1 (leave it out for one worker per core)",
                    path.display()
                )));
            }
        }
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

/// The values `[input] format` takes: `auto` and the formats the parse
/// stage reads (its `FORMATS`; the host does not depend on the plugin).
pub const INPUT_FORMATS: &[&str] = &["auto", "text", "transcript", "html", "trec", "jsonl"];

/// Just the span of `[input] format`, read from the text again so that
/// [`InputConfig`] keeps a plain string.
#[derive(Deserialize)]
struct FormatSpan {
    input: FormatSpanInput,
}

#[derive(Deserialize)]
struct FormatSpanInput {
    #[serde(default)]
    format: Option<Spanned<String>>,
}

impl PipelineSource {
    /// Checks `[input] format` (pass 2): one of [`INPUT_FORMATS`], reported
    /// with the value's `file:line:col` and the nearest valid format.
    pub fn check_input(&self, errors: &mut Vec<String>) {
        let format = self.file.input.format.as_str();
        if INPUT_FORMATS.contains(&format) {
            return;
        }
        let offset = toml::from_str::<FormatSpan>(&self.text)
            .ok()
            .and_then(|f| f.input.format)
            .map_or(0, |f| f.span().start);
        let hint = suggest(&format.to_ascii_lowercase(), INPUT_FORMATS.iter().copied())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        errors.push(format!(
            "{}: `[input] format` must be one of {}, got `{format}`{hint}",
            self.at(offset),
            INPUT_FORMATS.join(", ")
        ));
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
        if let Some(bounds) = json.as_f64().and_then(|v| out_of_range(spec, v)) {
            errors.push(format!(
                "{}: option `{key}` of stage `{stage}` must be {bounds}, got {value}",
                position(key)
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

/// For a number option whose value `v` is outside its declared bounds: what
/// it must be ("between 0 and 1", "at least 1", "at most 64").
fn out_of_range(spec: &OptionSpec, v: f64) -> Option<String> {
    if !matches!(spec.ty, OptionType::Integer | OptionType::Float) {
        return None;
    }
    let below = spec.min.is_some_and(|min| v < min);
    let above = spec.max.is_some_and(|max| v > max);
    if !below && !above {
        return None;
    }
    Some(match (spec.min, spec.max) {
        (Some(min), Some(max)) => format!("between {min} and {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => unreachable!("a value is out of range only of a bound"),
    })
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
    fn number_options_outside_their_bounds_are_refused() {
        let specs = [
            OptionSpec::new("threshold", OptionType::Float, 0.8, "d").range(0.0, 1.0),
            OptionSpec::new("words", OptionType::Integer, 100, "d").min(1.0),
            OptionSpec::new("shingle", OptionType::Integer, 5, "d").max(64.0),
        ];
        let table: toml::Table =
            toml::from_str("threshold = 1.8\nwords = -5\nshingle = 65").unwrap();
        let mut errors = Vec::new();
        let position = |key: &str| format!("p.toml:{key}");
        let out = check_options("dedup", &specs, &table, &position, &mut errors);
        errors.sort();
        assert_eq!(
            errors,
            [
                "p.toml:shingle: option `shingle` of stage `dedup` must be at most 64, got 65",
                "p.toml:threshold: option `threshold` of stage `dedup` must be between 0 and 1, got 1.8",
                "p.toml:words: option `words` of stage `dedup` must be at least 1, got -5",
            ]
        );
        assert!(
            out.get("threshold").is_none(),
            "a refused value is not kept"
        );

        // The bounds are inclusive, and an integer given for a float is checked too.
        let table: toml::Table = toml::from_str("threshold = 1\nwords = 1\nshingle = 64").unwrap();
        let mut errors = Vec::new();
        let out = check_options("dedup", &specs, &table, &position, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(out["threshold"], 1.0);
        let table: toml::Table = toml::from_str("threshold = -1").unwrap();
        check_options("dedup", &specs, &table, &position, &mut errors);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].ends_with("must be between 0 and 1, got -1"),
            "{errors:?}"
        );
    }

    #[test]
    fn input_format_typo_is_refused_with_its_position() {
        let text = "[input]\npath = \"in\"\nformat = \"htm\"\n[[stage]]\nplugin = \"parse\"\n";
        let source = PipelineSource::parse(Path::new("p.toml"), text).unwrap();
        let mut errors = Vec::new();
        source.check_input(&mut errors);
        assert_eq!(
            errors,
            ["p.toml:3:10: `[input] format` must be one of auto, text, transcript, html, trec, jsonl, got `htm`; did you mean `html`?"]
        );
        for ok in INPUT_FORMATS {
            let text = format!("[input]\npath = \"in\"\nformat = \"{ok}\"\n");
            let mut errors = Vec::new();
            PipelineSource::parse(Path::new("p.toml"), &text)
                .unwrap()
                .check_input(&mut errors);
            assert!(errors.is_empty(), "{ok}: {errors:?}");
        }
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
