//! The ABI's cost per document: a pass-through document stage called
//! through the C ABI (JSON both ways, buffer copies) against the same stage
//! called directly.
//!
//! Run: `cargo build --release -p copydesk-faulty-plugin && cargo bench -p copydesk-host --bench abi`

use std::path::PathBuf;
use std::time::Instant;

use copydesk_core::{Document, DocumentStage, Span};
use copydesk_host::plugin::{CallResult, LoadedPlugin};

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
        "{:<28} {:>12} {:>12} {:>12}",
        "case", "direct ns/doc", "ABI ns/doc", "ABI MB/s"
    );
    for (words, batch) in [(50, 1), (50, 64), (800, 1), (800, 64), (5000, 16)] {
        let docs: Vec<Document> = (0..batch).map(|i| document(i, words)).collect();
        let rounds = (200_000 / (words * batch)).max(5);
        let direct = copydesk_faulty::PassThrough;
        let t = Instant::now();
        for _ in 0..rounds {
            for d in docs.clone() {
                std::hint::black_box(direct.process(d).unwrap());
            }
        }
        let direct_ns = t.elapsed().as_nanos() as f64 / (rounds * batch) as f64;
        let t = Instant::now();
        let mut bytes = 0usize;
        for _ in 0..rounds {
            let request =
                serde_json::to_vec(&serde_json::json!({"op": "documents", "documents": &docs}))
                    .unwrap();
            bytes += request.len();
            let CallResult::Ok(out) = stage.call(&request) else {
                panic!("call failed")
            };
            let response: copydesk_core::abi::Response = serde_json::from_slice(&out).unwrap();
            std::hint::black_box(response);
        }
        let elapsed = t.elapsed();
        let abi_ns = elapsed.as_nanos() as f64 / (rounds * batch) as f64;
        println!(
            "{:<28} {:>12.0} {:>12.0} {:>12.1}",
            format!("{words} words x batch {batch}"),
            direct_ns,
            abi_ns,
            bytes as f64 / 1e6 / elapsed.as_secs_f64()
        );
    }
}
