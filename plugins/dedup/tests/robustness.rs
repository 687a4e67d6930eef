//! Bad and unusual input, scale, determinism, and the dev corpus.

mod common;

use common::{bundle, doc};
use copydesk_dedup::jsonl::dedup_jsonl;
use copydesk_dedup::passages::{shared_passages, PassageParams};
use copydesk_dedup::{dedup_bundle, find_duplicates, Params, StageConfig};

fn words(seed: u64, n: usize) -> String {
    // Deterministic pseudo-random "words".
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut out = String::new();
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if i > 0 {
            out.push(if i % 12 == 0 { '.' } else { ' ' });
            if i % 12 == 0 {
                out.push(' ');
            }
        }
        out.push_str(&format!("w{}", x % 5000));
    }
    out
}

#[test]
fn empty_and_tiny_documents() {
    let texts = [
        "",
        "   ",
        "--- !!",
        "word",
        "Word.",
        "two words",
        "two, WORDS!",
    ];
    let r = find_duplicates(&texts, &Params::default());
    // Documents without tokens are never duplicates; one-word and two-word
    // texts are exact duplicates of their normalised twins.
    assert_eq!(r.clusters, vec![vec![3, 4], vec![5, 6]]);
    assert_eq!(r.stats.empty, 3);
    let b = dedup_bundle(
        bundle(
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| doc(&format!("d{i}"), t))
                .collect(),
        ),
        &StageConfig::default(),
    );
    assert_eq!(b.duplicates.len(), 2);
    assert!(b.shared_passages.is_empty());
    assert!(find_duplicates::<&str>(&[], &Params::default())
        .clusters
        .is_empty());
}

#[test]
fn ten_thousand_identical_copies_are_fast() {
    let text = words(1, 400);
    let texts: Vec<&str> = vec![text.as_str(); 10_000];
    let r = find_duplicates(&texts, &Params::default());
    assert_eq!(r.clusters.len(), 1);
    assert_eq!(r.clusters[0].len(), 10_000);
    assert_eq!(r.groups.len(), 1);
    assert_eq!(r.stats.candidates, 0);
    assert_eq!(r.verified_sets(), vec![(0..10_000).collect::<Vec<_>>()]);
    // The same through the stage, passages included.
    let docs = (0..10_000)
        .map(|i| doc(&format!("c{i:05}"), &text))
        .collect();
    let b = dedup_bundle(bundle(docs), &StageConfig::default());
    assert_eq!(b.duplicates.len(), 1);
    assert_eq!(b.duplicates[0].members.len(), 10_000);
    assert!(b.shared_passages.is_empty());
}

#[test]
fn many_near_copies_stay_bounded() {
    // 3,000 copies that each differ by one word: no exact groups, one LSH swarm.
    let base = words(2, 300);
    let texts: Vec<String> = (0..3000).map(|i| format!("{base} unique{i}")).collect();
    let r = find_duplicates(&texts, &Params::default());
    assert_eq!(r.clusters.len(), 1);
    assert_eq!(r.clusters[0].len(), 3000);
    assert!(r.stats.capped_buckets > 0);
}

#[test]
fn a_twenty_megabyte_document() {
    let big = words(3, 3_500_000);
    assert!(big.len() >= 20_000_000, "{}", big.len());
    let small = big[1000..5000].to_string();
    let other = words(4, 500);
    let texts = [big.as_str(), small.as_str(), other.as_str(), big.as_str()];
    let r = find_duplicates(&texts, &Params::default());
    assert_eq!(r.clusters, vec![vec![0, 3]]);
    let p = shared_passages(
        &[big.as_str(), small.as_str(), other.as_str()],
        &PassageParams::default(),
    );
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].occurrences.len(), 2);
}

#[test]
fn chinese_japanese_and_mixed_scripts() {
    let zh = "中国国家统计局周一公布的数据显示，今年第三季度国内生产总值同比增长百分之六点五，略低于市场预期。分析人士认为，消费增长放缓和出口疲软是主要原因。";
    let zh_edit = "中国国家统计局周一公布的数据显示，今年第三季度国内生产总值同比增长百分之六点五，略低于市场预期。分析人士认为，消费增长放缓和出口疲软是主要原由。";
    let ja = "東京証券取引所では月曜日、日経平均株価が大幅に値上がりし、終値は前週末より五百円以上高くなりました。市場関係者は円安の進行が輸出企業の株価を押し上げたと話しています。";
    let ja_width = "東京証券取引所では月曜日、日経平均株価が大幅に値上がりし、終値は前週末より五百円以上高くなりました。市場関係者は円安の進行が輸出企業の株価を押し上げたと話しています。ＡＢＣ";
    let mixed = "Apple 公司 CEO Tim Cook 在北京 said the iPhone 15 销量 exceeded expectations in Q3 of 2023.";
    let mixed_case = "APPLE 公司 ceo TIM COOK 在北京 SAID the iPhone 15 销量 exceeded expectations in q3 of 2023!";
    let texts = [zh, ja, mixed, zh_edit, ja_width, mixed_case];
    let r = find_duplicates(&texts, &Params::default());
    assert_eq!(
        r.clusters,
        vec![vec![0, 3], vec![1, 4], vec![2, 5]],
        "{:?}",
        r.pairs()
    );
    // Chinese and Japanese never match each other.
    assert!(r.pairs().iter().all(|&(a, b, _)| (a % 3) == (b % 3)));
    // Shared Chinese passage between two different stories.
    let a = format!("{zh}另外，央行表示将继续实施稳健的货币政策。");
    let b = format!("据新华社报道，{zh}");
    let p = shared_passages(&[a.as_str(), b.as_str()], &PassageParams::default());
    assert_eq!(p.len(), 1, "{p:?}");
}

#[test]
fn same_result_for_any_thread_count() {
    let mut texts: Vec<String> = (0..400).map(|i| words(100 + i, 200)).collect();
    for i in 0..100 {
        let t = texts[i * 3].replacen(" ", " extra ", 1);
        texts.push(t);
        let t = texts[i * 2].clone();
        texts.push(t);
    }
    let mut results = Vec::new();
    for threads in [1, 2, 3, 8] {
        let p = Params {
            threads,
            ..Params::default()
        };
        results.push(find_duplicates(&texts, &p));
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]));
    assert!(!results[0].edges.is_empty());
}

/// Every pair with J >= t in the dev truth is found, and every reported pair
/// is in the truth with J >= t (with the scorer's J, as rounded in the file).
#[test]
fn dev_corpus_matches_the_truth_exactly() {
    let dir = common::root().join("../shared/data/dedup-dev");
    if !dir.join("corpus.jsonl").exists() {
        println!("skipped: {} is absent", dir.display());
        return;
    }
    let truth: Vec<(String, String, f64)> = std::fs::read_to_string(dir.join("truth.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["a"].as_str().unwrap().to_string(),
                v["b"].as_str().unwrap().to_string(),
                v["j"].as_f64().unwrap(),
            )
        })
        .collect();
    for t in [0.8, 0.5] {
        let p = Params {
            threshold: t,
            ..Params::default()
        };
        let r = dedup_jsonl(&dir.join("corpus.jsonl"), &p).unwrap();
        let id = |d: usize| r.ids[d].trim_matches('"').to_string();
        let mut found: Vec<(String, String, f64)> = r
            .dedup
            .pairs()
            .into_iter()
            .map(|(a, b, j)| {
                let (a, b) = (id(a), id(b));
                if a < b {
                    (a, b, j)
                } else {
                    (b, a, j)
                }
            })
            .collect();
        found.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
        let mut expected: Vec<(String, String, f64)> =
            truth.iter().filter(|x| x.2 >= t).cloned().collect();
        expected.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
        assert_eq!(found.len(), expected.len(), "threshold {t}");
        for (f, e) in found.iter().zip(&expected) {
            assert_eq!((&f.0, &f.1), (&e.0, &e.1));
            assert!((f.2 - e.2).abs() < 1e-6, "{f:?} vs {e:?}");
        }
    }
}
