//! The word counter that `copydesk new-plugin` scaffolds, declaring what it reads
//! (`text`) and writes (`ext.wordcount`), so that the host sends it
//! projections and takes back patches (protocol 2). `docs/abi.md` shows its
//! request and response as the sample exchange, and `cli/tests/schema.rs`
//! checks that sample against what this plugin and the host really produce.

use copydesk_core::{
    Document, DocumentStage, OptionSpec, OptionType, Options, Plugin, Stage, StageError, StageKind,
    StageSpec,
};

struct WordCounter {
    words: Vec<String>,
}

impl DocumentStage for WordCounter {
    fn process(&self, mut doc: Document) -> Result<Document, StageError> {
        let lower = doc.text.to_lowercase();
        let counts: serde_json::Map<_, _> = self
            .words
            .iter()
            .map(|w| (w.clone(), lower.matches(&w.to_lowercase()).count().into()))
            .collect();
        doc.ext
            .insert("wordcount".into(), serde_json::json!({ "counts": counts }));
        Ok(doc)
    }
}

struct ThisPlugin;

impl Plugin for ThisPlugin {
    const NAME: &'static str = "wordcount";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "Counts chosen words in each document.";
    fn stages() -> Vec<StageSpec> {
        vec![
            StageSpec::new("wordcount", StageKind::Document, "Counts chosen words.")
                .requires("text")
                .reads(&["text"])
                .writes(&["ext.wordcount"])
                .option(OptionSpec::new(
                    "words",
                    OptionType::StringList,
                    serde_json::json!(["said"]),
                    "Words to count.",
                )),
        ]
    }
    fn create(_stage: &str, options: &Options) -> Result<Stage, StageError> {
        Ok(Stage::document(WordCounter {
            words: options.str_list("words")?,
        }))
    }
}

copydesk_core::export_plugin!(ThisPlugin);
