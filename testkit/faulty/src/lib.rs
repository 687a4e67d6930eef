//! A plugin that misbehaves on demand, for the host's fault tests, and a
//! pass-through stage for measuring the ABI's cost.

use copydesk_core::{
    Bundle, BundleStage, Document, DocumentStage, OptionSpec, OptionType, Options, Plugin, Span,
    Stage, StageError, StageKind, StageSpec,
};

/// Misbehaves on documents whose id contains a marker.
pub struct Faulty {
    panic_on: Option<String>,
    fail_on: Option<String>,
    break_spans_on: Option<String>,
}

fn hit(marker: &Option<String>, id: &str) -> bool {
    marker.as_deref().is_some_and(|m| id.contains(m))
}

impl DocumentStage for Faulty {
    fn process(&self, mut doc: Document) -> Result<Document, StageError> {
        if hit(&self.panic_on, &doc.id) {
            panic!("deliberate panic on {}", doc.id);
        }
        if hit(&self.fail_on, &doc.id) {
            return Err(StageError::new(format!("deliberate failure on {}", doc.id)));
        }
        if hit(&self.break_spans_on, &doc.id) {
            doc.sentences.push(Span::new(0, doc.text.len() + 10));
        }
        Ok(doc)
    }
}

/// Returns every document unchanged.
pub struct PassThrough;

impl DocumentStage for PassThrough {
    fn process(&self, doc: Document) -> Result<Document, StageError> {
        Ok(doc)
    }
}

/// Panics on every bundle when asked to.
struct BundlePanic;

impl BundleStage for BundlePanic {
    fn process(&self, bundle: Bundle) -> Result<Bundle, StageError> {
        panic!("deliberate panic on bundle {}", bundle.id);
    }
}

/// Counts the bundles it has seen: with `ordered = true` the host calls it in
/// input order, so bundle k sees k earlier bundles whatever `--jobs` is.
struct Counter(std::sync::atomic::AtomicUsize);

impl BundleStage for Counter {
    fn process(&self, mut bundle: Bundle) -> Result<Bundle, StageError> {
        let seen = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        // Linger a little so that unordered calls would overlap.
        std::thread::sleep(std::time::Duration::from_millis(5));
        bundle
            .ext
            .insert("faulty".into(), serde_json::json!({ "seen_before": seen }));
        Ok(bundle)
    }
}

/// The plugin.
pub struct FaultyPlugin;

impl Plugin for FaultyPlugin {
    const NAME: &'static str = "faulty";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "Test fixture: misbehaves on demand.";

    fn stages() -> Vec<StageSpec> {
        vec![
            StageSpec::new(
                "faulty",
                StageKind::Document,
                "Panics, fails or breaks spans on documents whose id contains a marker.",
            )
            .option(OptionSpec::optional(
                "panic_on",
                OptionType::String,
                "Panic on documents whose id contains this.",
            ))
            .option(OptionSpec::optional(
                "fail_on",
                OptionType::String,
                "Return an error on documents whose id contains this.",
            ))
            .option(OptionSpec::optional(
                "break_spans_on",
                OptionType::String,
                "Return a span outside the text on documents whose id contains this.",
            )),
            StageSpec::new(
                "passthrough",
                StageKind::Document,
                "Returns documents unchanged (for the ABI benchmark).",
            ),
            StageSpec::new("bundle-panic", StageKind::Bundle, "Panics on every bundle."),
            StageSpec::new(
                "counter",
                StageKind::Bundle,
                "Counts the bundles seen before each one (state across bundles).",
            )
            .option(OptionSpec::new(
                "ordered",
                OptionType::Boolean,
                true,
                "Ask the host for input order.",
            ))
            .ordered_when("ordered", true),
        ]
    }

    fn create(stage: &str, options: &Options) -> Result<Stage, StageError> {
        match stage {
            "faulty" => Ok(Stage::document(Faulty {
                panic_on: options.str("panic_on")?.map(str::to_owned),
                fail_on: options.str("fail_on")?.map(str::to_owned),
                break_spans_on: options.str("break_spans_on")?.map(str::to_owned),
            })),
            "passthrough" => Ok(Stage::document(PassThrough)),
            "bundle-panic" => Ok(Stage::bundle(BundlePanic)),
            "counter" => Ok(Stage::bundle(Counter(Default::default()))),
            other => Err(StageError::new(format!("no stage `{other}`"))),
        }
    }
}

// The shared library with the export symbol is `cdylib/` (package copydesk-faulty-plugin).
