//! Stage traits, stage and option declarations, and errors.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::{Bundle, Document};

/// An error a stage returns for one document or bundle.
#[non_exhaustive]
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{message}")]
pub struct StageError {
    /// What went wrong, in words a user can act on.
    pub message: String,
}

impl StageError {
    /// An error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        StageError {
            message: message.into(),
        }
    }
}

impl From<String> for StageError {
    fn from(message: String) -> Self {
        StageError { message }
    }
}

impl From<&str> for StageError {
    fn from(message: &str) -> Self {
        StageError {
            message: message.into(),
        }
    }
}

/// A stage that works on one document at a time.
///
/// The host may call `process` from several threads at once, on different
/// documents, and batches documents across the plugin boundary.
pub trait DocumentStage: Send + Sync {
    /// Transforms one document.
    fn process(&self, doc: Document) -> Result<Document, StageError>;
}

/// A stage that needs the whole bundle (dedup, summary, quotes).
///
/// The host may process several bundles at once through the same instance.
pub trait BundleStage: Send + Sync {
    /// Transforms one bundle.
    fn process(&self, bundle: Bundle) -> Result<Bundle, StageError>;
}

/// A stage instance, as created by [`Plugin::create`].
///
/// Non-exhaustive: a later SDK may add stage kinds, so a `match` on a
/// `Stage` needs a `_` arm.
#[non_exhaustive]
pub enum Stage {
    /// Works per document.
    Document(Box<dyn DocumentStage>),
    /// Works per bundle.
    Bundle(Box<dyn BundleStage>),
}

impl Stage {
    /// Wraps a document stage.
    pub fn document(stage: impl DocumentStage + 'static) -> Self {
        Stage::Document(Box::new(stage))
    }
    /// Wraps a bundle stage.
    pub fn bundle(stage: impl BundleStage + 'static) -> Self {
        Stage::Bundle(Box::new(stage))
    }
}

/// Whether a stage works per document or per bundle.
///
/// Non-exhaustive: a later SDK may add stage kinds.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum StageKind {
    /// Per document.
    Document,
    /// Per bundle.
    Bundle,
}

/// The type of a stage option, as checked by the host before anything runs.
///
/// Non-exhaustive: a later SDK may add option types.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OptionType {
    /// A string.
    String,
    /// A signed integer.
    Integer,
    /// A number (integers are accepted).
    Float,
    /// `true` or `false`.
    Boolean,
    /// An array of strings.
    StringList,
    /// A TOML table (free-form; the stage checks it).
    Table,
}

impl OptionType {
    /// The name used in docs and messages.
    pub fn name(self) -> &'static str {
        match self {
            OptionType::String => "string",
            OptionType::Integer => "integer",
            OptionType::Float => "float",
            OptionType::Boolean => "boolean",
            OptionType::StringList => "string list",
            OptionType::Table => "table",
        }
    }

    /// True when `value` is of this type.
    pub fn accepts(self, value: &Value) -> bool {
        match self {
            OptionType::String => value.is_string(),
            OptionType::Integer => value.is_i64() || value.is_u64(),
            OptionType::Float => value.is_number(),
            OptionType::Boolean => value.is_boolean(),
            OptionType::StringList => value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string)),
            OptionType::Table => value.is_object(),
        }
    }
}

/// One option a stage accepts.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OptionSpec {
    /// Key in the pipeline file.
    pub name: String,
    /// Its type.
    #[serde(rename = "type")]
    pub ty: OptionType,
    /// Default value (JSON), or null when the option is required... or has no default.
    #[serde(default)]
    pub default: Value,
    /// True when the pipeline must give a value.
    #[serde(default)]
    pub required: bool,
    /// The accepted values, for options that take one of a few strings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    /// Least value (inclusive) of an integer or float option; none: no lower bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Greatest value (inclusive) of an integer or float option; none: no upper bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// What it does, for `copydesk inspect`.
    pub doc: String,
}

impl OptionSpec {
    /// An option with a default.
    pub fn new(name: &str, ty: OptionType, default: impl Into<Value>, doc: &str) -> Self {
        OptionSpec {
            name: name.into(),
            ty,
            default: default.into(),
            required: false,
            choices: Vec::new(),
            min: None,
            max: None,
            doc: doc.into(),
        }
    }
    /// An option without a default (absent means "not set").
    pub fn optional(name: &str, ty: OptionType, doc: &str) -> Self {
        OptionSpec {
            name: name.into(),
            ty,
            default: Value::Null,
            required: false,
            choices: Vec::new(),
            min: None,
            max: None,
            doc: doc.into(),
        }
    }
    /// Restricts a string option to a few values.
    pub fn choices(mut self, choices: &[&str]) -> Self {
        self.choices = choices.iter().map(|s| s.to_string()).collect();
        self
    }
    /// Marks the option required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    /// The least value (inclusive) a number option accepts; the host refuses
    /// smaller values before anything runs.
    pub fn min(mut self, min: f64) -> Self {
        self.min = Some(min);
        self
    }
    /// The greatest value (inclusive) a number option accepts.
    pub fn max(mut self, max: f64) -> Self {
        self.max = Some(max);
        self
    }
    /// Both bounds (inclusive): `.range(0.0, 1.0)` is `.min(0.0).max(1.0)`.
    pub fn range(self, min: f64, max: f64) -> Self {
        self.min(min).max(max)
    }
}

/// What a plugin declares about one of its stages.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageSpec {
    /// Stage name (unique within the plugin).
    pub name: String,
    /// Per document or per bundle.
    pub kind: StageKind,
    /// One line on what it does.
    pub description: String,
    /// Its options.
    #[serde(default)]
    pub options: Vec<OptionSpec>,
    /// Capabilities an earlier stage must provide (`text`).
    #[serde(default)]
    pub requires: Vec<String>,
    /// Capabilities it provides (`text`, `duplicates`, `summary`, `quotes`).
    #[serde(default)]
    pub provides: Vec<String>,
    /// Option values that make this (bundle) stage *ordered*: when every
    /// listed option has the given value, the host calls the stage on one
    /// bundle at a time, in input order, so that it may keep state across
    /// bundles (corpus-wide dedup) and still give the same result for any
    /// `--jobs`. Empty: never ordered.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub ordered_when: serde_json::Map<String, Value>,
    /// The fields the stage reads. The host sends only these (besides `id`
    /// and `bundle`). Absent: everything (`*`).
    ///
    /// Names: document fields by their JSON names (`text`, `title`,
    /// `sentences`, ...), a plugin's document data as `ext.<plugin>`;
    /// bundle fields as `bundle.<name>` (`bundle.summary`, `bundle.quotes`,
    /// ...), `bundle.ext.<plugin>`, and `bundle.documents` for a stage that
    /// removes documents; `*` for everything. A name ending in `?`
    /// (`duplicate_of?`) is read when an earlier stage wrote it; without
    /// `?`, `copydesk validate` refuses a pipeline in which no earlier stage
    /// writes the field.
    #[serde(default = "everything")]
    pub reads: Vec<String>,
    /// The fields the stage writes. The host takes back only these (and
    /// `diagnostics`, which every stage may add to); a change to any other
    /// field is refused as a malformed message. Absent: everything (`*`),
    /// except other plugins' `ext` namespaces, which no stage may write.
    #[serde(default = "everything")]
    pub writes: Vec<String>,
}

fn everything() -> Vec<String> {
    vec!["*".into()]
}

impl StageSpec {
    /// A new stage declaration.
    pub fn new(name: &str, kind: StageKind, description: &str) -> Self {
        StageSpec {
            name: name.into(),
            kind,
            description: description.into(),
            options: Vec::new(),
            requires: Vec::new(),
            provides: Vec::new(),
            ordered_when: serde_json::Map::new(),
            reads: everything(),
            writes: everything(),
        }
    }
    /// Declares the fields the stage reads (replacing the default, `*`).
    ///
    /// ```
    /// # use copydesk_core::{StageKind, StageSpec};
    /// let spec = StageSpec::new("wordcount", StageKind::Document, "Counts words.")
    ///     .reads(&["text"])
    ///     .writes(&["ext.wordcount"]);
    /// assert_eq!(spec.reads, ["text"]);
    /// ```
    pub fn reads(mut self, fields: &[&str]) -> Self {
        self.reads = fields.iter().map(|f| f.to_string()).collect();
        self
    }
    /// Declares the fields the stage writes (replacing the default, `*`).
    pub fn writes(mut self, fields: &[&str]) -> Self {
        self.writes = fields.iter().map(|f| f.to_string()).collect();
        self
    }
    /// Adds an option.
    pub fn option(mut self, option: OptionSpec) -> Self {
        self.options.push(option);
        self
    }
    /// Declares a needed capability.
    pub fn requires(mut self, capability: &str) -> Self {
        self.requires.push(capability.into());
        self
    }
    /// Declares that the stage is ordered when option `name` has `value`
    /// (see [`StageSpec::ordered_when`]).
    pub fn ordered_when(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.ordered_when.insert(name.into(), value.into());
        self
    }
    /// True when these checked options make the stage ordered.
    pub fn is_ordered(&self, options: &Map<String, Value>) -> bool {
        !self.ordered_when.is_empty()
            && self
                .ordered_when
                .iter()
                .all(|(k, v)| options.get(k) == Some(v))
    }
    /// Declares a provided capability.
    pub fn provides(mut self, capability: &str) -> Self {
        self.provides.push(capability.into());
        self
    }
}

/// A stage's configuration: every declared option, defaults filled in by the host.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options(pub Map<String, Value>);

impl Options {
    /// The raw value of an option.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }
    /// A string option.
    pub fn str(&self, name: &str) -> Result<Option<&str>, StageError> {
        self.typed(name, Value::as_str, "a string")
    }
    /// A string option with a fallback.
    pub fn str_or<'a>(&'a self, name: &str, fallback: &'a str) -> Result<&'a str, StageError> {
        Ok(self.str(name)?.unwrap_or(fallback))
    }
    /// An integer option.
    pub fn int(&self, name: &str) -> Result<Option<i64>, StageError> {
        self.typed(name, Value::as_i64, "an integer")
    }
    /// A number option.
    pub fn float(&self, name: &str) -> Result<Option<f64>, StageError> {
        self.typed(name, Value::as_f64, "a number")
    }
    /// A boolean option.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, StageError> {
        self.typed(name, Value::as_bool, "a boolean")
    }
    /// A list of strings.
    pub fn str_list(&self, name: &str) -> Result<Vec<String>, StageError> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(v) => serde_json::from_value(v.clone())
                .map_err(|_| StageError::new(format!("option `{name}` must be a list of strings"))),
        }
    }
    /// Deserialises all options into a struct.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, StageError> {
        serde_json::from_value(Value::Object(self.0.clone()))
            .map_err(|e| StageError::new(format!("invalid options: {e}")))
    }

    fn typed<'a, T>(
        &'a self,
        name: &str,
        f: impl Fn(&'a Value) -> Option<T>,
        what: &str,
    ) -> Result<Option<T>, StageError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => f(v)
                .map(Some)
                .ok_or_else(|| StageError::new(format!("option `{name}` must be {what}, got {v}"))),
        }
    }
}

/// A plugin: metadata, the stages it declares, and how to create them.
///
/// Implement this on a unit struct and export it with [`export_plugin!`](crate::export_plugin).
pub trait Plugin: 'static {
    /// Plugin name, as used in `plugin = "..."` in pipeline files.
    const NAME: &'static str;
    /// Plugin version (semver).
    const VERSION: &'static str;
    /// One line on what it does.
    const DESCRIPTION: &'static str;
    /// Its stages. Called once, when the host loads the plugin.
    fn stages() -> Vec<StageSpec>;
    /// Creates a stage instance from checked options.
    fn create(stage: &str, options: &Options) -> Result<Stage, StageError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_bounds_are_optional_in_the_manifest() {
        // A manifest written before `min`/`max` existed still loads.
        let old: OptionSpec =
            serde_json::from_str(r#"{"name": "n", "type": "integer", "default": 3, "doc": "d"}"#)
                .unwrap();
        assert_eq!((old.min, old.max), (None, None));
        // Unset bounds are not written, so the manifest of a plugin that
        // declares none is unchanged.
        let json = serde_json::to_value(&old).unwrap();
        assert!(
            json.get("min").is_none() && json.get("max").is_none(),
            "{json}"
        );
        let bounded = OptionSpec::new("t", OptionType::Float, 0.8, "d").range(0.0, 1.0);
        let json = serde_json::to_value(&bounded).unwrap();
        assert_eq!(
            (json["min"].as_f64(), json["max"].as_f64()),
            (Some(0.0), Some(1.0))
        );
        let back: OptionSpec = serde_json::from_value(json).unwrap();
        assert_eq!(back, bounded);
        assert_eq!(
            OptionSpec::new("w", OptionType::Integer, 1, "d")
                .min(1.0)
                .max,
            None
        );
    }
}
