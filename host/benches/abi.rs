//! The ABI's cost per document: a pass-through document stage called
//! through the C ABI exactly as the runner calls it (`copydesk_host::call`:
//! the host's request serialisation, the plugin's decoding and patch
//! encoding, the host's patch reading and merge), under protocol 1 (whole
//! documents both ways) and protocol 2 (projection and patches), against
//! the same stage called directly. The pass-through declares nothing, so
//! protocol 2 still sends and returns every field: this measures the codec,
//! not projection (see `benches/boundary.rs` for the real stages).
//!
//! Run: `cargo build --release -p copydesk-faulty-plugin && cargo bench -p copydesk-host --bench abi`

use std::path::PathBuf;
use std::time::Instant;

use copydesk_core::{Document, DocumentStage, Span};
use copydesk_host::call;
use copydesk_host::plugin::LoadedPlugin;

fn document(i: usize, words: usize) -> Document {
    let sentence =
        "Kerry told the Syrians that the United States had argued for the use of force. ";
    let mut text = String::new();
    while text.split_whitespace().count() < words {
        text.push_str(sentence);
    }
    let mut doc = Document::unparsed(format!("b/{i}"), "b", format!("{i}.txt"));
    doc.sentences = text
        .match_indices(". ")
        .map(|(at, _)| at)
        .scan(0, |start, end| {
            let s = Span::new(*start, end + 1);
            *start = end + 2;
            Some(s)
        })
        .collect();
    doc.paragraphs = vec![Span::new(0, text.len())];
    doc.title = Some("A title".into());
    doc.text = text;
    doc
}

fn main() {
    let lib = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target/release")
        .join(format!(
            "{}testkit_faulty{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        ));
    if !lib.exists() {
        eprintln!(
            "{} not found: run `cargo build --release -p copydesk-faulty-plugin` first",
            lib.display()
        );
        std::process::exit(1);
    }
    let plugin = LoadedPlugin::load(&lib).expect("load");
    let stage = plugin
        .create("passthrough", &serde_json::Map::new())
        .expect("create");
    println!(
        "{:<24} {:>14} {:>14} {:>14} {:>10}",
        "case", "direct ns/doc", "ABI p1 ns/doc", "ABI p2 ns/doc", "p2 MB/s"
    );
    // The same stage as protocol 1 (whole documents both ways), for comparison.
    let mut legacy = LoadedPlugin::load(&lib).expect("load");
    std::sync::Arc::get_mut(&mut legacy)
        .expect("a fresh load is not shared")
        .protocol = 1;
    let stage_p1 = legacy
        .create("passthrough", &serde_json::Map::new())
        .expect("create");
    for (words, batch) in [(50, 1), (50, 64), (800, 1), (800, 64), (5000, 16)] {
        let docs: Vec<Document> = (0..batch).map(|i| document(i, words)).collect();
        let rounds = (200_000 / (words * batch)).max(5);
        // Direct: the stage's own work, copies made before the clock starts.
        let direct = copydesk_faulty::PassThrough;
        let copies: Vec<Vec<Document>> = (0..rounds).map(|_| docs.clone()).collect();
        let t = Instant::now();
        for round in copies {
            for d in round {
                std::hint::black_box(direct.process(d).unwrap());
            }
        }
        let direct_ns = t.elapsed().as_nanos() as f64 / (rounds * batch) as f64;
        // Through the ABI as the runner calls it: request serialised by the
        // host, response read as patches and applied to the host's documents.
        let through = |stage: &copydesk_host::plugin::StageInstance| {
            let mut copies: Vec<Vec<Document>> = (0..rounds).map(|_| docs.clone()).collect();
            let mut bytes = 0usize;
            let t = Instant::now();
            for round in copies.iter_mut() {
                bytes += call::documents_request(stage, round).unwrap().len();
                let results = call::call_documents(stage, round).unwrap();
                assert!(results.iter().all(Result::is_ok));
            }
            let elapsed = t.elapsed();
            // The request was serialised twice per round (once to count bytes).
            let ns = elapsed.as_nanos() as f64 / (rounds * batch) as f64;
            (ns, bytes as f64 / 1e6 / elapsed.as_secs_f64())
        };
        let (p1_ns, _) = through(&stage_p1);
        let (p2_ns, mb) = through(&stage);
        println!(
            "{:<24} {:>14.0} {:>14.0} {:>14.0} {:>10.1}",
            format!("{words} words x batch {batch}"),
            direct_ns,
            p1_ns,
            p2_ns,
            mb
        );
    }
}
