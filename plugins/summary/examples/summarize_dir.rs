//! Summarises a folder of news files and prints the summary.
//!
//! ```text
//! summarize_dir DIR [--words N] [--topic FILE] [--order chronological|salience] [--json] [--verbose]
//! ```
//!
//! DIR holds TREC/SGML files (`<DOC>...`) or plain-text articles, or is a
//! DUC cluster folder with a `docs/` subfolder. The topic file (title, blank
//! line, narrative) becomes the summary's focus.

#[path = "common/mod.rs"]
mod common;

use std::path::PathBuf;

use copydesk_summary::{summarize, Order, SummaryOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let mut opts = SummaryOptions::default();
    let mut json = false;
    let mut verbose = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--words" => opts.words = args.next().and_then(|v| v.parse().ok()).expect("--words N"),
            "--topic" => {
                let path = args.next().expect("--topic FILE");
                opts.focus =
                    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")));
            }
            "--focus" => opts.focus = args.next(),
            "--order" => {
                opts.order = match args.next().as_deref() {
                    Some("salience") => Order::Salience,
                    _ => Order::Chronological,
                }
            }
            "--json" => json = true,
            "--verbose" | "-v" => verbose = true,
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir.expect("usage: summarize_dir DIR [--words N] [--topic FILE]");
    let bundle = common::read_dir(&common::docs_dir(&dir));
    let (summary, diags) = summarize(&bundle, &opts);
    if verbose {
        for d in &diags {
            eprintln!("{:?} {}: {}", d.level, d.code, d.message);
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).expect("serialises")
        );
    } else if verbose {
        for s in &summary.sentences {
            println!(
                "[{} {}..{}] {}",
                s.doc,
                s.start,
                s.end,
                s.text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    } else {
        println!(
            "{}",
            summary
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}
