//! In-process timing of the summarizer: CPU time per cluster, where a
//! cluster is one DUC 2007 topic's A+B+C documents together (about 25
//! articles), plus a synthetic 2,000-document bundle.
//!
//! ```text
//! cargo run --release -p copydesk-summary --example bench_summary -- [DATA_DIR] [--words N] [--reps R]
//! ```
//! DATA_DIR defaults to `../shared/data/duc2007-update` (from the project root).

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use copydesk_core::Bundle;
use copydesk_summary::{summarize, SummaryOptions};

fn cpu_seconds() -> f64 {
    // user + system time of this process, from /proc (Linux); wall time elsewhere
    if let Ok(stat) = std::fs::read_to_string("/proc/self/stat") {
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if fields.len() > 13 {
            let ticks: f64 =
                fields[11].parse::<f64>().unwrap_or(0.0) + fields[12].parse::<f64>().unwrap_or(0.0);
            return ticks / 100.0;
        }
    }
    0.0
}

fn max_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut data = PathBuf::from("../shared/data/duc2007-update");
    let mut opts = SummaryOptions::default();
    let mut reps = 20usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--words" => opts.words = args.next().and_then(|v| v.parse().ok()).expect("--words N"),
            "--reps" => reps = args.next().and_then(|v| v.parse().ok()).expect("--reps R"),
            _ => data = PathBuf::from(a),
        }
    }
    // topic -> bundle of its A, B and C documents
    let mut topics: BTreeMap<String, Bundle> = BTreeMap::new();
    let mut entries: Vec<_> = std::fs::read_dir(&data)
        .expect("data dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("docs").is_dir())
        .collect();
    entries.sort();
    for dir in entries {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let topic = name.split('-').next().unwrap_or(&name).to_string();
        let b = common::read_dir(&dir.join("docs"));
        let e = topics
            .entry(topic.clone())
            .or_insert_with(|| Bundle::new(topic, Vec::new()));
        e.documents.extend(b.documents);
    }
    let n_docs: usize = topics.values().map(|b| b.documents.len()).sum();
    println!(
        "{} topic clusters, {:.1} documents each on average, {} words, {reps} repetitions",
        topics.len(),
        n_docs as f64 / topics.len().max(1) as f64,
        opts.words
    );
    let cpu0 = cpu_seconds();
    let wall0 = Instant::now();
    let mut words = 0usize;
    for _ in 0..reps {
        for b in topics.values() {
            let (s, _) = summarize(b, &opts);
            words += s.text.split_whitespace().count();
        }
    }
    let runs = (reps * topics.len()).max(1) as f64;
    let cpu = cpu_seconds() - cpu0;
    let wall = wall0.elapsed().as_secs_f64();
    println!(
        "per cluster: {:.2} ms CPU, {:.2} ms wall (mean summary {:.0} words)",
        cpu * 1000.0 / runs,
        wall * 1000.0 / runs,
        words as f64 / runs
    );

    // one big bundle: every topic's documents, copied until there are 2,000
    let all: Vec<_> = topics
        .values()
        .flat_map(|b| b.documents.iter().cloned())
        .collect();
    if !all.is_empty() {
        let mut big = Bundle::new("big", Vec::new());
        let mut i = 0;
        while big.documents.len() < 2000 {
            let mut d = all[i % all.len()].clone();
            d.id = format!("{}#{}", d.id, i / all.len());
            big.documents.push(d);
            i += 1;
        }
        let cpu0 = cpu_seconds();
        let wall0 = Instant::now();
        let (s, _) = summarize(&big, &opts);
        println!(
            "2,000 documents: {:.0} ms CPU, {:.0} ms wall, summary {} words, peak RSS {} MB",
            (cpu_seconds() - cpu0) * 1000.0,
            wall0.elapsed().as_secs_f64() * 1000.0,
            s.text.split_whitespace().count(),
            max_rss_kb() / 1024
        );
    }
}
