//! Time spent crossing the plugin boundary, per stage of the default
//! pipeline, with and without projection.
//!
//! For each stage (parse, dedup, summary, quotes) over the same bundles:
//! - **direct**: the stage's own code called in-process (its rlib), inputs
//!   copied before the clock starts: the work itself;
//! - **protocol 1**: through the C ABI as the runner calls it
//!   (`copydesk_host::call`), whole documents both ways;
//! - **protocol 2**: the same with projection (only the fields the stage
//!   reads go in) and patches (only what it writes comes back).
//!
//! Boundary time = ABI time − direct time. Same release build, same
//! serialisation and data path as `copydesk run`.
//!
//! Run (the corpus is JSON Lines with a `bundle` field, as
//! `scripts/bench-batch.sh` makes it):
//! `cargo build --release && cargo bench -p copydesk-host --bench boundary -- target/bench-batch/corpus-10000.jsonl`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use copydesk_core::{Bundle, Document, Options, Plugin, Stage, StageKind};
use copydesk_host::call;
use copydesk_host::input::jsonl_record;
use copydesk_host::plugin::{LoadedPlugin, StageInstance};

fn library(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/release")
        .join(format!(
            "{}copydesk_{name}{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        ))
}

/// The declared defaults of a plugin's stage, as the host fills them.
fn defaults<P: Plugin>(stage: &str) -> serde_json::Map<String, serde_json::Value> {
    P::stages()
        .into_iter()
        .find(|s| s.name == stage)
        .expect("stage")
        .options
        .into_iter()
        .map(|o| (o.name, o.default))
        .collect()
}

/// The same plugin loaded twice: speaking its own protocol (2) and forced to 1.
fn instances(
    name: &str,
    options: &serde_json::Map<String, serde_json::Value>,
) -> [StageInstance; 2] {
    let lib = library(name);
    assert!(
        lib.exists(),
        "{} missing: run `cargo build --release`",
        lib.display()
    );
    let p2 = LoadedPlugin::load(&lib).expect("load");
    assert_eq!(p2.protocol, 2);
    let mut p1 = LoadedPlugin::load(&lib).expect("load");
    Arc::get_mut(&mut p1).expect("fresh").protocol = 1;
    [
        p1.create(name, options).expect("create"),
        p2.create(name, options).expect("create"),
    ]
}

fn corpus(path: &Path) -> Vec<Bundle> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut groups: BTreeMap<String, Vec<Document>> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON Lines");
        let bundle = v["bundle"].as_str().unwrap_or("b").to_string();
        let doc = jsonl_record(
            &bundle,
            &format!("{bundle}/corpus"),
            path,
            line.as_bytes(),
            n as u64 + 1,
            "id",
        );
        groups.entry(bundle).or_default().push(doc);
    }
    groups
        .into_iter()
        .map(|(id, documents)| {
            let mut b = Bundle::default();
            b.id = id;
            b.documents = documents;
            b
        })
        .collect()
}

/// Runs `stage` on every bundle through the ABI; returns the outputs and the time.
fn through(stage: &StageInstance, input: &[Bundle]) -> (Vec<Bundle>, Duration) {
    let mut bundles = input.to_vec();
    let t = Instant::now();
    for b in &mut bundles {
        match stage.spec.kind {
            StageKind::Document => {
                for batch in b.documents.chunks_mut(64) {
                    let r = call::call_documents(stage, batch).expect("call");
                    assert!(
                        r.iter().all(Result::is_ok),
                        "{:?}",
                        r.iter().find(|r| r.is_err())
                    );
                }
            }
            StageKind::Bundle => call::call_bundle(stage, b).expect("call"),
            _ => unreachable!("a stage kind this benchmark does not know"),
        }
    }
    (bundles, t.elapsed())
}

/// Runs the stage's own code on every bundle, inputs copied beforehand.
fn direct(stage: &Stage, input: &[Bundle]) -> Duration {
    let bundles = input.to_vec();
    let t = Instant::now();
    for b in bundles {
        match stage {
            Stage::Document(s) => {
                for d in b.documents {
                    std::hint::black_box(s.process(d).expect("process"));
                }
            }
            Stage::Bundle(s) => {
                std::hint::black_box(s.process(b).expect("process"));
            }
            _ => unreachable!("a stage kind this benchmark does not know"),
        }
    }
    t.elapsed()
}

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "target/bench-batch/corpus-10000.jsonl".into());
    let path = if Path::new(&path).is_absolute() {
        PathBuf::from(path)
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(path)
    };
    let mut input = corpus(&path);
    let docs: usize = input.iter().map(|b| b.documents.len()).sum();
    println!(
        "{docs} documents in {} bundles ({})",
        input.len(),
        path.display()
    );
    println!(
        "{:<8} {:>10} {:>12} {:>12} {:>14} {:>14} {:>10}",
        "stage",
        "direct s",
        "protocol 1 s",
        "protocol 2 s",
        "boundary p1 s",
        "boundary p2 s",
        "p2 / p1"
    );
    macro_rules! stage {
        ($name:literal, $plugin:ty) => {{
            let options = defaults::<$plugin>($name);
            let [p1, p2] = instances($name, &options);
            let own = <$plugin>::create($name, &Options(options.clone())).expect("create");
            // Warm up once, then take the best of three of each, interleaved.
            let _ = through(&p2, &input[..input.len().min(20)]);
            let (mut d, mut t1, mut t2) = (Duration::MAX, Duration::MAX, Duration::MAX);
            let mut out = Vec::new();
            for _ in 0..3 {
                d = d.min(direct(&own, &input));
                t1 = t1.min(through(&p1, &input).1);
                let (o, t) = through(&p2, &input);
                t2 = t2.min(t);
                out = o;
            }
            let (b1, b2) = (t1.saturating_sub(d), t2.saturating_sub(d));
            println!(
                "{:<8} {:>10.3} {:>12.3} {:>12.3} {:>14.3} {:>14.3} {:>10.2}",
                $name,
                d.as_secs_f64(),
                t1.as_secs_f64(),
                t2.as_secs_f64(),
                b1.as_secs_f64(),
                b2.as_secs_f64(),
                b2.as_secs_f64() / b1.as_secs_f64().max(1e-9)
            );
            out
        }};
    }
    input = stage!("parse", copydesk_parse::ParsePlugin);
    input = stage!("dedup", copydesk_dedup::DedupPlugin);
    input = stage!("summary", copydesk_summary::SummaryPlugin);
    let _ = stage!("quotes", copydesk_quotes::QuotesPlugin);
}
