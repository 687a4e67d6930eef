//! Alignment cost per quote against transcripts of growing length.
//!
//! The kerry-syria transcript is repeated ×1, ×10, ×100 (and ×1000 for the
//! indexed method); each of the bundle's quotes is aligned against it, with
//! the index (inverted index + candidate windows + banded fitting alignment)
//! and, for comparison, with an exhaustive fitting alignment over the whole
//! transcript (`O(quote × transcript)` per quote).
//!
//! `cargo run --release -p copydesk-quotes --example bench_align`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use copydesk_quotes::align::{self, SourceIndex, Tok};

fn main() {
    let bundle = common::run(common::example_bundle());
    let quotes: Vec<Vec<Tok>> = bundle
        .quotes
        .iter()
        .map(|q| {
            let o = &q.occurrences[0];
            let doc = bundle.document(&o.doc).unwrap();
            align::tokenize(&doc.text, o.start, o.end, 0)
        })
        .collect();
    let transcript = bundle
        .documents
        .iter()
        .find(|d| !d.turns.is_empty())
        .unwrap();
    let base: Vec<Tok> = transcript
        .turns
        .iter()
        .enumerate()
        .filter(|(_, t)| t.speech)
        .flat_map(|(i, t)| align::tokenize(&transcript.text, t.span.start, t.span.end, i))
        .collect();
    println!("{} quotes, transcript {} tokens", quotes.len(), base.len());
    println!(
        "{:>6} {:>9} {:>12} {:>16} {:>18}",
        "copies", "tokens", "index ms", "indexed µs/quote", "exhaustive µs/quote"
    );
    for copies in [1usize, 10, 100, 1000] {
        let mut toks = Vec::with_capacity(base.len() * copies);
        for c in 0..copies {
            toks.extend(base.iter().cloned().map(|mut t| {
                t.start += c * transcript.text.len();
                t.end += c * transcript.text.len();
                t
            }));
        }
        let n = toks.len();
        let t0 = Instant::now();
        let index = SourceIndex::new(toks);
        let index_ms = t0.elapsed().as_secs_f64() * 1e3;
        let rounds = (2000 / copies).max(3);
        let t0 = Instant::now();
        let mut found = 0;
        for _ in 0..rounds {
            for q in &quotes {
                if align::align(q, &index).is_some_and(|a| a.ratio >= 0.5) {
                    found += 1;
                }
            }
        }
        let indexed = t0.elapsed().as_secs_f64() * 1e6 / (rounds * quotes.len()) as f64;
        let exhaustive = if copies <= 100 {
            let rounds = (200 / copies).max(1);
            let t0 = Instant::now();
            for _ in 0..rounds {
                for q in &quotes {
                    std::hint::black_box(align::align_exhaustive(q, &index));
                }
            }
            format!(
                "{:.0}",
                t0.elapsed().as_secs_f64() * 1e6 / (rounds * quotes.len()) as f64
            )
        } else {
            "-".into()
        };
        println!("{copies:>6} {n:>9} {index_ms:>12.2} {indexed:>16.1} {exhaustive:>18}   (found {}/{} per round)", found / rounds, quotes.len());
    }
}
