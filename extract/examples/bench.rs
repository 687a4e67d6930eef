//! Extraction speed over the dev set, in-process: CPU ms per page.
//!
//! `cargo run --release -p copydesk-extract --example bench [DATA_DIR] [ROUNDS]`
//! DATA_DIR defaults to `../shared/data/extraction-dev` beside the workspace.
//! Pages are gunzipped with the system `gzip -dc` before timing starts.
use std::time::Instant;

fn cpu_time() -> std::time::Duration {
    // CPU time of this process (user + system), via getrusage through /proc.
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = 100.0; // USER_HZ on Linux
    let ut: f64 = f.get(11).and_then(|x| x.parse().ok()).unwrap_or(0.0);
    let st: f64 = f.get(12).and_then(|x| x.parse().ok()).unwrap_or(0.0);
    std::time::Duration::from_secs_f64((ut + st) / tick)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().cloned().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/data/extraction-dev"
        )
        .to_string()
    });
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(20);
    let html_dir = std::path::Path::new(&dir).join("html");
    let mut pages: Vec<String> = Vec::new();
    let mut entries: Vec<_> = match std::fs::read_dir(&html_dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(e) => {
            eprintln!("{}: {e}", html_dir.display());
            std::process::exit(1);
        }
    };
    entries.sort();
    for p in entries {
        let bytes = if p.extension().is_some_and(|e| e == "gz") {
            match std::process::Command::new("gzip")
                .arg("-dc")
                .arg(&p)
                .output()
            {
                Ok(o) if o.status.success() => o.stdout,
                _ => continue,
            }
        } else {
            std::fs::read(&p).unwrap_or_default()
        };
        pages.push(copydesk_extract::decode(&bytes).0);
    }
    let total_bytes: usize = pages.iter().map(|p| p.len()).sum();
    println!("{} pages, {:.1} MB", pages.len(), total_bytes as f64 / 1e6);
    // Warm-up.
    let mut words = 0usize;
    for p in &pages {
        words += copydesk_extract::extract(p).blocks.len();
    }
    let c0 = cpu_time();
    let w0 = Instant::now();
    for _ in 0..rounds {
        for p in &pages {
            let a = copydesk_extract::extract(p);
            words += a.blocks.len();
        }
    }
    let wall = w0.elapsed().as_secs_f64();
    let cpu = (cpu_time() - c0).as_secs_f64();
    let n = (pages.len() * rounds) as f64;
    println!(
        "{rounds} rounds: CPU {:.3} ms/page, wall {:.3} ms/page, {:.0} MB/s (checksum {words})",
        cpu * 1e3 / n,
        wall * 1e3 / n,
        total_bytes as f64 * rounds as f64 / wall / 1e6
    );
    // Slowest pages (best of 3 runs each, wall).
    let mut per: Vec<(f64, usize)> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut best = f64::MAX;
            for _ in 0..3 {
                let t = Instant::now();
                let _ = copydesk_extract::extract(p);
                best = best.min(t.elapsed().as_secs_f64() * 1e3);
            }
            (best, i)
        })
        .collect();
    per.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (ms, i) in per.iter().take(3) {
        println!("  slowest: {ms:.2} ms, {} KB", pages[*i].len() / 1000);
    }
}
