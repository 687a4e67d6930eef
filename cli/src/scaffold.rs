//! `copydesk new-plugin`: an out-of-tree plugin crate, ready to build.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

const LIB_RS: &str = r#"//! {{name}}: a copydesk plugin.
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
            .option(OptionSpec::new("words", OptionType::StringList, json!(["said"]), "Words to count."))]
    }

    fn create(_stage: &str, options: &Options) -> Result<Stage, StageError> {
        Ok(Stage::document(WordCounter { words: options.str_list("words")? }))
    }
}

copydesk_core::export_plugin!(ThisPlugin);
"#;

const CARGO_TOML: &str = r#"[package]
name = "{{crate}}"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[dependencies]
copydesk-core = { path = "{{core}}" }
serde_json = "1"

# A crate of its own, even when created inside another workspace.
[workspace]
"#;

const PIPELINE: &str = r#"# Runs the parse plugin, then this one, over a folder of articles.
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

const README: &str = r#"# {{name}}

A copydesk plugin. Build it and run it in a pipeline:

    cargo build --release
    COPYDESK_PLUGIN_PATH=/path/to/copydesk/target/release copydesk run pipeline.toml --input /path/to/articles

`copydesk inspect target/release/lib{{lib}}.so` lists its options. See copydesk's `docs/abi.md` for the ABI.
"#;

fn fill(template: &str, name: &str, core: &str) -> String {
    template
        .replace("{{name}}", name)
        .replace("{{crate}}", &format!("copydesk-{name}"))
        .replace("{{lib}}", &format!("copydesk_{}", name.replace('-', "_")))
        .replace("{{core}}", core)
}

/// Creates the crate `<parent>/<name>`; returns its directory.
pub fn create(name: &str, parent: &Path, core: Option<PathBuf>) -> Result<PathBuf> {
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
    let core = match core {
        Some(c) => c,
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core"),
    };
    let core = core.canonicalize().with_context(|| {
        format!(
            "copydesk-core not found at {}; pass --core PATH",
            core.display()
        )
    })?;
    let core = core.display().to_string();
    std::fs::create_dir_all(dir.join("src"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    for (file, template) in [
        ("Cargo.toml", CARGO_TOML),
        ("src/lib.rs", LIB_RS),
        ("pipeline.toml", PIPELINE),
        ("README.md", README),
        (".gitignore", "/target\n/out\n"),
    ] {
        std::fs::write(dir.join(file), fill(template, name, &core))
            .with_context(|| format!("cannot write {}", dir.join(file).display()))?;
    }
    Ok(dir)
}
