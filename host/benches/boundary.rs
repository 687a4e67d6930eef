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
//! Columns: seconds over the corpus (best of three, interleaved): `direct`;
//! for each protocol the `total` through the ABI and the `host` part of it
//! (serialising requests, reading and applying patches), and the megabytes
//! crossing the boundary both ways; `saved` = protocol-1 total − protocol-2
//! total (the same work, so the difference is boundary time). Total − direct
//! estimates the whole boundary (host and plugin side) but carries the noise
//! of both runs. Same release build, serialisation and data path as
//! `copydesk run`.
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

/// Times of one pass through the ABI.
#[derive(Clone, Copy)]
struct Times {
    /// Everything: host encoding, the call, host decoding and merging.
    total: Duration,
    /// The host's part: serialising requests, reading and applying patches.
    host: Duration,
    /// Request bytes sent and response bytes received.
    bytes: usize,
}

/// Runs `stage` on every bundle through the ABI, as `copydesk_host::call`
/// does, timing the host's part apart from the call.
fn through(stage: &StageInstance, input: &[Bundle]) -> (Vec<Bundle>, Times) {
    let mut bundles = input.to_vec();
    let (mut host, mut bytes) = (Duration::ZERO, 0);
    let t = Instant::now();
    for b in &mut bundles {
        match stage.spec.kind {
            StageKind::Document => {
                for batch in b.documents.chunks_mut(64) {
                    let h = Instant::now();
                    let request = call::documents_request(stage, batch).expect("request");
                    host += h.elapsed();
                    let copydesk_host::plugin::CallResult::Ok(reply) = stage.call(&request) else {
                        panic!("call failed")
                    };
                    let h = Instant::now();
                    let r = call::apply_documents(stage, batch, &reply).expect("apply");
                    host += h.elapsed();
                    bytes += request.len() + reply.len();
                    assert!(
                        r.iter().all(Result::is_ok),
                        "{:?}",
                        r.iter().find(|r| r.is_err())
                    );
                }
            }
            StageKind::Bundle => {
                let h = Instant::now();
                let request = call::bundle_request(stage, b).expect("request");
                host += h.elapsed();
                let copydesk_host::plugin::CallResult::Ok(reply) = stage.call(&request) else {
                    panic!("call failed")
                };
                let h = Instant::now();
                call::apply_bundle(stage, b, &reply).expect("apply");
                host += h.elapsed();
                bytes += request.len() + reply.len();
            }
            _ => unreachable!("a stage kind this benchmark does not know"),
        }
    }
    let total = t.elapsed();
    (bundles, Times { total, host, bytes })
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
        "{:<8} {:>8} | {:>8} {:>8} {:>8} | {:>8} {:>8} {:>8} | {:>7}",
        "stage", "direct", "p1 total", "p1 host", "p1 MB", "p2 total", "p2 host", "p2 MB", "saved"
    );
    macro_rules! stage {
        ($name:literal, $plugin:ty) => {{
            let options = defaults::<$plugin>($name);
            let [p1, p2] = instances($name, &options);
            let own = <$plugin>::create($name, &Options(options.clone())).expect("create");
            // Warm up once, then take the best of three of each, interleaved.
            let _ = through(&p2, &input[..input.len().min(20)]);
            let best = |a: Option<Times>, b: Times| match a {
                Some(a) if a.total <= b.total => Some(a),
                _ => Some(b),
            };
            let (mut d, mut t1, mut t2) = (Duration::MAX, None, None);
            let mut out = Vec::new();
            for _ in 0..3 {
                d = d.min(direct(&own, &input));
                let (o1, t) = through(&p1, &input);
                t1 = best(t1, t);
                let (o, t) = through(&p2, &input);
                t2 = best(t2, t);
                // Projection must not change what a stage computes.
                if o1 != o {
                    for (a, b) in o1.iter().zip(&o) {
                        for (x, y) in a.documents.iter().zip(&b.documents) {
                            if x != y {
                                let (x, y) = (serde_json::to_value(x).unwrap(), serde_json::to_value(y).unwrap());
                                for (k, v) in x.as_object().unwrap() {
                                    if y.get(k) != Some(v) {
                                        panic!("{}: protocol 1 and 2 differ on {} field {k}: {v} vs {:?}", $name, a.id, y.get(k));
                                    }
                                }
                            }
                        }
                        if a != b {
                            panic!("{}: protocol 1 and 2 outputs differ on bundle {}", $name, a.id);
                        }
                    }
                }
                out = o;
            }
            let (t1, t2) = (t1.unwrap(), t2.unwrap());
            println!(
                "{:<8} {:>8.3} | {:>8.3} {:>8.3} {:>8.1} | {:>8.3} {:>8.3} {:>8.1} | {:>7.3}",
                $name,
                d.as_secs_f64(),
                t1.total.as_secs_f64(),
                t1.host.as_secs_f64(),
                t1.bytes as f64 / 1e6,
                t2.total.as_secs_f64(),
                t2.host.as_secs_f64(),
                t2.bytes as f64 / 1e6,
                t1.total.as_secs_f64() - t2.total.as_secs_f64(),
            );
            out
        }};
    }
    input = stage!("parse", copydesk_parse::ParsePlugin);
    input = stage!("dedup", copydesk_dedup::DedupPlugin);
    input = stage!("summary", copydesk_summary::SummaryPlugin);
    let _ = stage!("quotes", copydesk_quotes::QuotesPlugin);
}
