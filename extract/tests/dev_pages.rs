//! Real pages from the dev set (read in place from `shared/`, never copied
//! into the repository). Skipped with a message when the data is absent.

use copydesk_extract::{decode, extract, Article};
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/extraction-dev"
    ))
}

fn gunzip(path: &std::path::Path) -> Option<Vec<u8>> {
    let out = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(path)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// Loads the page whose id starts with `prefix`; `None` (with a message)
/// when the data set is not there.
fn page(prefix: &str) -> Option<(Article, String)> {
    let dir = data_dir().join("html");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        eprintln!("skipping: {} not found", dir.display());
        return None;
    };
    let path = rd.filter_map(|e| e.ok()).map(|e| e.path()).find(|p| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix))
    })?;
    let Some(bytes) = gunzip(&path) else {
        eprintln!("skipping: cannot gunzip {}", path.display());
        return None;
    };
    let (html, note) = decode(&bytes);
    assert!(note.is_none(), "dev pages are UTF-8");
    let a = extract(&html);
    let body = a.body();
    Some((a, body))
}

#[test]
fn venturebeat_reuters_story() {
    let Some((a, body)) = page("06e5123e") else {
        return;
    };
    assert!(
        body.starts_with(
            "(Reuters) — The New York State Attorney General (NYAG) is investigating WeWork"
        ),
        "{}",
        &body[..200.min(body.len())]
    );
    assert!(body.contains("hitting 16.057% on Monday, according to data from MarketAxess."));
    assert_eq!(
        a.title.as_deref(),
        Some("New York State Attorney General investigating WeWork and former CEO")
    );
    assert_eq!(a.site_name.as_deref(), Some("VentureBeat"));
    assert_eq!(a.language.as_deref(), Some("en"));
    let p = a.published.expect("published");
    assert_eq!(p.raw, "2019-11-19T07:03:25+00:00");
    assert_eq!(p.method, "meta:article:published_time");
    assert_eq!(
        a.modified.expect("modified").raw,
        "2019-11-19T16:43:09+00:00"
    );
    // "Reuters" is an agency, not a person.
    assert!(a.authors.iter().all(|x| !x.contains("Reuters")));
}

#[test]
fn thehill_body_and_byline() {
    let Some((a, body)) = page("6ebac05f") else {
        return;
    };
    assert!(body.starts_with("A New York man pleaded guilty to charges he threatened to kill Rep."));
    assert!(body.contains("Patrick Carlineo Jr., 55, could face up to 10 years in prison"));
    // The embedded tweet is part of the article.
    assert!(body.contains("— Rep. Ilhan Omar (@Ilhan) November 19, 2019"));
    assert_eq!(a.authors, vec!["Justine Coleman".to_string()]);
    assert!(a
        .url
        .as_deref()
        .unwrap_or("")
        .starts_with("https://thehill.com/blogs/"));
    // Navigation and the footer are reported as removed.
    assert!(a.removed.iter().any(|r| r.rule == "nav"));
    assert!(!body.contains("Privacy Policy"));
}

#[test]
fn short_paragraphs_at_the_end_are_kept() {
    let Some((_, body)) = page("3ce1c8fd") else {
        return;
    };
    assert!(
        body.ends_with("Wichita East's Hugh McPherson won first place in the 100 yard freestyle."),
        "{}",
        body
    );
    assert!(
        body.contains("Wichita West senior David Garcia finished second in the 50 yard freestyle.")
    );
}

#[test]
fn korean_page() {
    let Some((a, body)) = page("0ec95c72") else {
        return;
    };
    assert_eq!(a.language.as_deref(), Some("ko"));
    assert!(
        body.starts_with("엘제이의 리벤지인가, 류화영의 코스프레인가"),
        "{}",
        &body[..100.min(body.len())]
    );
}

#[test]
fn nytimes_opinion_metadata() {
    let Some((a, body)) = page("04a6711c") else {
        return;
    };
    assert!(body.starts_with("Americans have gone to the polls four times this month"));
    assert_eq!(a.authors, vec!["Jamelle Bouie".to_string()]);
    assert!(a
        .published
        .as_ref()
        .expect("published")
        .raw
        .starts_with("2019-11-19"));
    // Script, style and comments never leak.
    assert!(!body.contains("function(") && !body.contains("<!--") && !body.contains("{\""));
}

fn tokens(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|t| !t.is_empty())
        .collect()
}

fn shingles(t: &[&str]) -> std::collections::HashMap<Vec<String>, i64> {
    let mut m = std::collections::HashMap::new();
    if t.is_empty() {
        return m;
    }
    if t.len() < 4 {
        *m.entry(t.iter().map(|s| s.to_string()).collect())
            .or_insert(0) += 1;
        return m;
    }
    for w in t.windows(4) {
        *m.entry(w.iter().map(|s| s.to_string()).collect())
            .or_insert(0) += 1;
    }
    m
}

/// A coarse version of the benchmark's shingle F1 over the whole dev set,
/// as a regression guard (the real scorer is `shared/eval/extract_eval.py`).
#[test]
fn dev_set_f1_regression_guard() {
    let gt_path = data_dir().join("ground-truth.json");
    let Ok(gt) = std::fs::read_to_string(&gt_path) else {
        eprintln!("skipping: {} not found", gt_path.display());
        return;
    };
    let gt: serde_json::Value = serde_json::from_str(&gt).expect("ground truth");
    let gt = gt.as_object().expect("object");
    let (mut ps, mut rs, mut n) = (0.0, 0.0, 0usize);
    for (id, v) in gt {
        let path = data_dir().join("html").join(format!("{id}.html.gz"));
        let Some(bytes) = gunzip(&path) else {
            eprintln!("skipping: cannot gunzip {}", path.display());
            return;
        };
        let body = extract(&decode(&bytes).0).body();
        let reference = v["articleBody"].as_str().unwrap_or("");
        let (a, b) = (shingles(&tokens(&body)), shingles(&tokens(reference)));
        let tp: i64 = a
            .iter()
            .map(|(k, c)| (*c).min(*b.get(k).unwrap_or(&0)))
            .sum();
        let na: i64 = a.values().sum();
        let nb: i64 = b.values().sum();
        ps += if na > 0 { tp as f64 / na as f64 } else { 0.0 };
        rs += if nb > 0 { tp as f64 / nb as f64 } else { 0.0 };
        n += 1;
    }
    let (p, r) = (ps / n as f64, rs / n as f64);
    let f1 = 2.0 * p * r / (p + r);
    eprintln!("dev set: {n} pages, precision {p:.3}, recall {r:.3}, F1 {f1:.3}");
    assert!(f1 > 0.95, "F1 {f1:.3} dropped");
}
