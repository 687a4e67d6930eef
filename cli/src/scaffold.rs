//! `copydesk new-plugin`: an out-of-tree plugin crate, ready to build.
//!
//! The crate depends on copydesk-core by version (`"0.1"`), as it will once
//! copydesk-core is published; until then a `[patch.crates-io]` section
//! points it at a local copydesk-core (the checkout this binary was built
//! from, or `--core PATH`), so it builds before copydesk-core is published.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// What the scaffolded plugin's stage works on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Kind {
    /// A document stage (`DocumentStage`): counts chosen words in each document.
    #[default]
    Document,
    /// A bundle stage (`BundleStage`): counts a bundle's documents per outlet.
    Bundle,
}

const DOCUMENT_LIB_RS: &str = r#"//! {{name}}: a copydesk plugin with one document stage.
//!
//! Build with `cargo build --release`; the library lands in `target/release/`.
//! Try it with `copydesk run pipeline.toml` from this directory.

use copydesk_core::{Document, DocumentStage, OptionSpec, OptionType, Options, Plugin, Stage, StageError, StageKind, StageSpec};
use serde_json::json;

/// Counts how often each configured word occurs in a document and stores the
/// counts under `ext["{{name}}"]`.
struct WordCounter {
    words: Vec<String>,
}

impl DocumentStage for WordCounter {
    fn process(&self, mut doc: Document) -> Result<Document, StageError> {
        let lower = doc.text.to_lowercase();
        let counts: serde_json::Map<String, serde_json::Value> =
            self.words.iter().map(|w| (w.clone(), json!(lower.matches(&w.to_lowercase()).count()))).collect();
        doc.ext.insert("{{name}}".into(), json!({ "counts": counts }));
        Ok(doc)
    }
}

struct ThisPlugin;

impl Plugin for ThisPlugin {
    const NAME: &'static str = "{{name}}";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "Counts chosen words in each document.";

    fn stages() -> Vec<StageSpec> {
        vec![StageSpec::new("{{name}}", StageKind::Document, "Counts chosen words in each document.")
            .requires("text")
            // The host sends only what the stage reads and keeps only what it writes.
            .reads(&["text"])
            .writes(&["ext.{{name}}"])
            .option(OptionSpec::new("words", OptionType::StringList, json!(["said"]), "Words to count."))]
    }

    fn create(_stage: &str, options: &Options) -> Result<Stage, StageError> {
        Ok(Stage::document(WordCounter { words: options.str_list("words")? }))
    }
}

copydesk_core::export_plugin!(ThisPlugin);
"#;

const BUNDLE_LIB_RS: &str = r#"//! {{name}}: a copydesk plugin with one bundle stage.
//!
//! Build with `cargo build --release`; the library lands in `target/release/`.
//! Try it with `copydesk run pipeline.toml` from this directory.

use std::collections::BTreeMap;

use copydesk_core::{Bundle, BundleStage, OptionSpec, OptionType, Options, Plugin, Stage, StageError, StageKind, StageSpec};
use serde_json::json;

/// Counts a bundle's documents per outlet and stores the counts under
/// `bundle.ext["{{name}}"]`: `{"documents": 5, "outlets": {"UPI": 1, ...}}`.
/// A bundle stage sees the whole bundle at once (the host still runs many
/// bundles in parallel, so it must be thread-safe, as here: no state).
struct OutletCounter {
    unknown: String,
}

impl BundleStage for OutletCounter {
    fn process(&self, mut bundle: Bundle) -> Result<Bundle, StageError> {
        let mut outlets: BTreeMap<String, u64> = BTreeMap::new();
        for doc in &bundle.documents {
            let outlet = doc.outlet.clone().unwrap_or_else(|| self.unknown.clone());
            *outlets.entry(outlet).or_default() += 1;
        }
        let documents = bundle.documents.len();
        bundle.ext.insert("{{name}}".into(), json!({ "documents": documents, "outlets": outlets }));
        Ok(bundle)
    }
}

struct ThisPlugin;

impl Plugin for ThisPlugin {
    const NAME: &'static str = "{{name}}";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "Counts the documents of each bundle per outlet.";

    fn stages() -> Vec<StageSpec> {
        vec![StageSpec::new("{{name}}", StageKind::Bundle, "Counts the documents of a bundle per outlet.")
            .requires("text")
            // The host sends only what the stage reads and keeps only what it writes.
            .reads(&["outlet"])
            .writes(&["bundle.ext.{{name}}"])
            .option(OptionSpec::new("unknown", OptionType::String, "unknown", "Outlet name for documents without one."))]
    }

    fn create(_stage: &str, options: &Options) -> Result<Stage, StageError> {
        let unknown = options.str_or("unknown", "unknown")?.to_string();
        if unknown.is_empty() {
            return Err(StageError::new("option `unknown` must not be empty"));
        }
        Ok(Stage::bundle(OutletCounter { unknown }))
    }
}

copydesk_core::export_plugin!(ThisPlugin);
"#;

const CARGO_TOML: &str = r#"[package]
name = "{{crate}}"
version = "0.1.0"
edition = "2021"

[lib]
# target/release/lib{{lib}}.so: copydesk finds plugin `{{name}}` by this file name.
crate-type = ["cdylib"]

[dependencies]
copydesk-core = "0.1"
serde_json = "1"

# A crate of its own, even when created inside another workspace.
[workspace]
"#;

const PATCH: &str = r#"
# copydesk-core from a local copydesk checkout, for as long as copydesk-core
# is not published on crates.io. Delete this section once it is: the
# dependency above then comes from crates.io.
[patch.crates-io]
copydesk-core = { path = "{{core}}" }
"#;

const DOCUMENT_PIPELINE: &str = r#"# Runs the parse plugin, then this one, over a folder of articles.
[input]
path = "${COPYDESK_INPUT:-input}"

[output]
dir = "out"

[run]
plugin_paths = ["target/release"]

[[stage]]
plugin = "parse"

[[stage]]
plugin = "{{name}}"
[stage.options]
words = ["said", "told"]
"#;

const BUNDLE_PIPELINE: &str = r#"# Runs the parse plugin, then this one, over a folder of articles.
[input]
path = "${COPYDESK_INPUT:-input}"

[output]
dir = "out"

[run]
plugin_paths = ["target/release"]

[[stage]]
plugin = "parse"

[[stage]]
plugin = "{{name}}"
[stage.options]
unknown = "unknown"
"#;

const README: &str = r#"# {{name}}

A copydesk plugin ({{kind}} stage). Build it and run it in a pipeline:

    cargo build --release
    COPYDESK_PLUGIN_PATH=/path/to/copydesk/target/release copydesk run pipeline.toml --input /path/to/articles

copydesk finds a plugin named `{{name}}` only in a file named
`lib{{lib}}.so` (which this crate's name, `{{crate}}`, gives), or by the
path you write in the pipeline. `copydesk inspect target/release/lib{{lib}}.so`
lists its options. See copydesk's `docs/abi.md` for the ABI.
"#;

fn fill(template: &str, name: &str, kind: Kind, core: &str) -> String {
    template
        .replace("{{name}}", name)
        .replace("{{crate}}", &format!("copydesk-{name}"))
        .replace("{{lib}}", &format!("copydesk_{}", name.replace('-', "_")))
        .replace(
            "{{kind}}",
            match kind {
                Kind::Document => "document",
                Kind::Bundle => "bundle",
            },
        )
        .replace("{{core}}", core)
}

/// A TOML basic string's content for `s`.
fn toml_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Whether `dir` holds the copydesk-core crate.
fn is_core(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .is_ok_and(|t| t.lines().any(|l| l.trim() == "name = \"copydesk-core\""))
}

/// The copydesk-core to patch in: `--core PATH` (which must be
/// copydesk-core), else the checkout this binary was built from if it is
/// still there, else none (the crate then uses the published copydesk-core).
fn local_core(core: Option<PathBuf>) -> Result<Option<PathBuf>> {
    if let Some(c) = core {
        let dir = c
            .canonicalize()
            .with_context(|| format!("copydesk-core not found at {}", c.display()))?;
        if !is_core(&dir) {
            bail!(
                "{} is not the copydesk-core crate (no Cargo.toml with name = \"copydesk-core\")",
                dir.display()
            );
        }
        return Ok(Some(dir));
    }
    let checkout = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core");
    Ok(checkout.canonicalize().ok().filter(|d| is_core(d)))
}

/// What `create` wrote.
#[derive(Debug)]
pub struct Created {
    /// The crate's directory.
    pub dir: PathBuf,
    /// The local copydesk-core it is patched to, if any.
    pub core: Option<PathBuf>,
}

/// Creates the crate `<parent>/<name>` with a stage of `kind`.
pub fn create(name: &str, parent: &Path, core: Option<PathBuf>, kind: Kind) -> Result<Created> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        || name.starts_with(|c: char| c.is_ascii_digit())
    {
        bail!(
            "plugin name `{name}` must be letters, digits, `-` or `_`, not starting with a digit"
        );
    }
    let dir = parent.join(name);
    if dir.exists() {
        bail!(
            "{} already exists; choose another name or --path",
            dir.display()
        );
    }
    let core = local_core(core)?;
    let core_text = core
        .as_ref()
        .map(|c| toml_escape(&c.display().to_string()))
        .unwrap_or_default();
    let mut cargo_toml = CARGO_TOML.to_string();
    if core.is_some() {
        cargo_toml.push_str(PATCH);
    }
    let (lib_rs, pipeline) = match kind {
        Kind::Document => (DOCUMENT_LIB_RS, DOCUMENT_PIPELINE),
        Kind::Bundle => (BUNDLE_LIB_RS, BUNDLE_PIPELINE),
    };
    std::fs::create_dir_all(dir.join("src"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    for (file, template) in [
        ("Cargo.toml", cargo_toml.as_str()),
        ("src/lib.rs", lib_rs),
        ("pipeline.toml", pipeline),
        ("README.md", README),
        (".gitignore", "/target\n/out\n"),
    ] {
        std::fs::write(dir.join(file), fill(template, name, kind, &core_text))
            .with_context(|| format!("cannot write {}", dir.join(file).display()))?;
    }
    Ok(Created { dir, core })
}
