//! Near-duplicate detection over a JSON Lines file of `{"id", "text"}` records.
//!
//! ```text
//! dedup_jsonl INPUT.jsonl --output OUT.jsonl [--threshold 0.8] [--shingle 5]
//!             [--num-perm 128] [--bands B] [--threads N] [--stats]
//! ```
//!
//! Writes `{"cluster": [ids...]}` lines; every pair inside a line has an exact
//! Jaccard similarity at or above the threshold (or identical normalised text).

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use copydesk_dedup::jsonl::{dedup_jsonl, write_clusters};
use copydesk_dedup::Params;

fn usage() -> ExitCode {
    eprintln!("usage: dedup_jsonl INPUT.jsonl --output OUT.jsonl [--threshold 0.8] [--shingle 5] [--num-perm 128] [--bands B] [--threads N] [--stats]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut input: Option<PathBuf> = None;
    let mut output: Option<PathBuf> = None;
    let mut params = Params::default();
    let mut stats = false;
    while let Some(a) = args.next() {
        let mut value = |name: &str| -> Option<String> {
            let v = args.next();
            if v.is_none() {
                eprintln!("{name} needs a value");
            }
            v
        };
        let ok = match a.as_str() {
            "--output" | "-o" => value("--output").map(|v| output = Some(v.into())).is_some(),
            "--threshold" => value("--threshold")
                .and_then(|v| v.parse().ok())
                .map(|v| params.threshold = v)
                .is_some(),
            "--shingle" => value("--shingle")
                .and_then(|v| v.parse().ok())
                .map(|v| params.shingle = v)
                .is_some(),
            "--num-perm" => value("--num-perm")
                .and_then(|v| v.parse().ok())
                .map(|v| params.num_perm = v)
                .is_some(),
            "--bands" => value("--bands")
                .and_then(|v| v.parse().ok())
                .map(|v| params.bands = Some(v))
                .is_some(),
            "--threads" => value("--threads")
                .and_then(|v| v.parse().ok())
                .map(|v| params.threads = v)
                .is_some(),
            "--stats" => {
                stats = true;
                true
            }
            "-h" | "--help" => return usage(),
            _ if !a.starts_with('-') && input.is_none() => {
                input = Some(a.clone().into());
                true
            }
            _ => false,
        };
        if !ok {
            eprintln!("bad argument: {a}");
            return usage();
        }
    }
    let (Some(input), Some(output)) = (input, output) else {
        return usage();
    };
    if let Err(e) = params.validate() {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let t0 = Instant::now();
    let result = match dedup_jsonl(&input, &params) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", input.display());
            return ExitCode::FAILURE;
        }
    };
    let written = std::fs::File::create(&output).and_then(|f| {
        let mut w = BufWriter::new(f);
        write_clusters(&result, &mut w)?;
        w.flush()
    });
    if let Err(e) = written {
        eprintln!("{}: {e}", output.display());
        return ExitCode::FAILURE;
    }
    if stats {
        let s = result.dedup.stats;
        let secs = t0.elapsed().as_secs_f64();
        let (b, r) = params.layout();
        eprintln!(
            "{} docs, {:.1} MB in {:.2} s ({:.0} docs/s, {:.1} MB/s); bands {b} x rows {r}; empty {}, representatives {}, candidates {}, verified {}, pairs >= {} {}, clusters {}, capped buckets {}",
            s.documents,
            result.bytes as f64 / 1e6,
            secs,
            s.documents as f64 / secs,
            result.bytes as f64 / 1e6 / secs,
            s.empty,
            s.representatives,
            s.candidates,
            s.verified,
            params.threshold,
            s.edges,
            result.dedup.clusters.len(),
            s.capped_buckets
        );
    }
    ExitCode::SUCCESS
}
