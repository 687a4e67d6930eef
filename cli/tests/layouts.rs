//! Input layouts: bundle directories, a flat directory, JSON Lines grouped by
//! a bundle field, TREC files with many records, glob patterns.

mod common;

use common::*;

#[test]
fn json_lines_grouped_by_a_bundle_field() {
    let dir = temp_dir("layout-jsonl");
    let mut lines = Vec::new();
    for i in 0..9 {
        let story = ["alpha", "beta", "gamma"][i % 3];
        lines.push(serde_json::json!({"id": format!("r{i}"), "story": story, "title": format!("Record {i}"), "text": format!("Officials said on Monday that record number {i} of story {story} was filed. The filing was routine.")}).to_string());
    }
    lines.insert(4, "{ this line is not json".to_string());
    std::fs::write(dir.join("corpus.jsonl"), lines.join("\n") + "\n").unwrap();
    pipeline(&dir, "[input]\npath = \"corpus.jsonl\"\nbundle_field = \"story\"\n[[stage]]\nplugin = \"parse\"\n");
    let out = copydesk(&dir, &["run"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the bad line is an error: {}",
        text(&out).1
    );
    for (story, n) in [("alpha", 3), ("beta", 3), ("gamma", 3)] {
        let docs = jsonl(&dir.join("out").join(story).join("documents.jsonl"));
        assert_eq!(docs.len(), n, "{story}");
        assert!(docs
            .iter()
            .all(|d| d["text"].as_str().unwrap().contains(story)));
    }
    let errors = jsonl(&dir.join("out/errors.jsonl"));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]["message"].as_str().unwrap().contains("line 5"),
        "{errors:?}"
    );
}

#[test]
fn glob_patterns_and_trec_files_with_many_records() {
    let dir = temp_dir("layout-glob");
    for b in ["one", "two"] {
        std::fs::create_dir_all(dir.join("in").join(b)).unwrap();
        let trec = (1..=3)
            .map(|i| format!("<DOC>\n<DOCNO> {b}-{i} </DOCNO>\n<DATE_TIME> 1998-12-31 16:27 </DATE_TIME>\n<HEADLINE> Headline {i} </HEADLINE>\n<TEXT>\n<P>\nThe story {b} number {i} was reported by officials on Thursday.\n</P>\n</TEXT>\n</DOC>\n"))
            .collect::<String>();
        std::fs::write(dir.join("in").join(b).join("wire.sgml"), trec).unwrap();
        std::fs::write(dir.join("in").join(b).join("notes.md"), "not matched").unwrap();
    }
    pipeline(
        &dir,
        "[input]\npath = \"in/*/*.sgml\"\n[[stage]]\nplugin = \"parse\"\n",
    );
    let out = copydesk(&dir, &["run"]);
    assert!(out.status.success(), "{}", text(&out).1);
    for b in ["one", "two"] {
        let docs = jsonl(&dir.join("out").join(b).join("documents.jsonl"));
        assert_eq!(docs.len(), 3, "three <DOC> records in {b}");
        assert_eq!(docs[1]["id"], format!("{b}/{b}-2"));
        assert_eq!(docs[0]["title"], "Headline 1");
    }
}

/// A flat JSON Lines corpus larger than `[input] batch` streams in parts:
/// ids, line numbers and blank lines as in one bundle, duplicates found
/// across parts (corpus scope, exact), and the same files for any `--jobs`.
#[test]
fn a_large_flat_corpus_streams_in_parts() {
    let dir = temp_dir("layout-parts");
    // 60 words drawn from 40 by a seeded generator: distinct stories
    let story = |i: usize| {
        const WORDS: &str = "council budget schools roads water vote measure spring debate night mayor police river bridge tax court judge storm harbour rail market farm union strike office board plan fund park trade hospital doctor nurse army port fire station airport energy price wheat";
        let words: Vec<&str> = WORDS.split(' ').collect();
        let mut x = (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (0..60)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                words[(x % words.len() as u64) as usize]
            })
            .collect::<Vec<_>>()
            .join(" ")
            + "."
    };
    let mut lines = vec![
        "\u{feff}".to_string() + &serde_json::json!({"id": "r0", "text": story(0)}).to_string(),
    ];
    for i in 1..25 {
        // r20 is a copy of r3 with one word changed: a near duplicate across parts
        let text = if i == 20 {
            format!("senate {}", story(3).split_once(' ').unwrap().1)
        } else {
            story(i)
        };
        lines.push(serde_json::json!({"id": format!("r{i}"), "text": text}).to_string());
        if i == 12 {
            lines.push("   ".into());
        }
    }
    std::fs::write(dir.join("corpus.jsonl"), lines.join("\n") + "\n").unwrap();
    pipeline(&dir, "[input]\npath = \"corpus.jsonl\"\nformat = \"jsonl\"\nbatch = 10\n[[stage]]\nplugin = \"parse\"\n[stage.options]\nsentences = false\n[[stage]]\nplugin = \"dedup\"\n[stage.options]\nscope = \"corpus\"\npassages = false\n");
    let out = copydesk(&dir, &["run", "--jobs", "1", "--output", "out1"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let parts = ["corpus@00001", "corpus@00002", "corpus@00003"];
    let mut all = Vec::new();
    for p in parts {
        all.extend(jsonl(&dir.join("out1").join(p).join("documents.jsonl")));
    }
    assert_eq!(all.len(), 25);
    assert_eq!(all[0]["id"], "corpus@00001/r0");
    assert_eq!(all[10]["id"], "corpus@00002/r10");
    // line numbers count the blank line
    assert_eq!(all[24]["record"], 26);
    assert!(all[0]["sentences"]
        .as_array()
        .into_iter()
        .flatten()
        .next()
        .is_none());
    let dup = &all[20];
    assert_eq!(dup["duplicate_of"], "corpus@00001/r3", "{dup}");
    let sim = dup["similarity"].as_f64().unwrap();
    assert!(
        (0.8..1.0).contains(&sim),
        "a near duplicate, verified: {sim}"
    );
    // any --jobs: the same bytes
    let out = copydesk(&dir, &["run", "--jobs", "2", "--output", "out2"]);
    assert!(out.status.success(), "{}", text(&out).1);
    for p in parts {
        for f in ["documents.jsonl", "bundle.json"] {
            assert_eq!(
                std::fs::read(dir.join("out1").join(p).join(f)).unwrap(),
                std::fs::read(dir.join("out2").join(p).join(f)).unwrap(),
                "{p}/{f}"
            );
        }
    }
    let run = json(&dir.join("out1/run.json"));
    assert_eq!(run["bundles"], 3);
    assert_eq!(run["documents"], 25);
}

/// A flat directory of more files than `[input] batch` is processed in
/// parts of that many files, in path order, with the ids the whole bundle
/// would give (relative to the directory, under the part's name).
#[test]
fn a_directory_of_many_files_is_processed_in_parts() {
    let dir = temp_dir("layout-file-parts");
    let input = dir.join("wire");
    std::fs::create_dir_all(&input).unwrap();
    for i in 0..11 {
        std::fs::write(
            input.join(format!("story-{i:02}.txt")),
            format!("Headline {i}\n\nOfficials said on Monday that story {i} was filed on time.\n"),
        )
        .unwrap();
    }
    pipeline(
        &dir,
        "[input]\npath = \"wire\"\nbatch = 4\n[[stage]]\nplugin = \"parse\"\n",
    );
    let out = copydesk(&dir, &["run"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let mut ids = Vec::new();
    for p in ["wire@00001", "wire@00002", "wire@00003"] {
        let docs = jsonl(&dir.join("out").join(p).join("documents.jsonl"));
        assert!(docs.len() <= 4, "{p}: {}", docs.len());
        ids.extend(docs.iter().map(|d| d["id"].as_str().unwrap().to_string()));
    }
    assert_eq!(ids.len(), 11);
    assert_eq!(ids[0], "wire@00001/story-00", "{ids:?}");
    assert_eq!(ids[4], "wire@00002/story-04", "{ids:?}");
    assert_eq!(ids[10], "wire@00003/story-10", "{ids:?}");
    assert!(!dir.join("out/wire").exists());
}

/// A broken line in a part of a large corpus costs that record only: its
/// error names the file's line, and every other record of every part is
/// written. An empty JSON Lines file is one empty bundle, not a part.
#[test]
fn a_bad_record_in_a_part_costs_that_record_only() {
    let dir = temp_dir("layout-parts-bad");
    std::fs::create_dir_all(dir.join("in")).unwrap();
    let mut lines: Vec<String> = (0..12)
        .map(|i| serde_json::json!({"id": format!("r{i}"), "text": format!("Officials said record {i} was filed on Monday.")}).to_string())
        .collect();
    lines.insert(7, "{ not json".into());
    std::fs::write(dir.join("in/corpus.jsonl"), lines.join("\n") + "\n").unwrap();
    std::fs::write(dir.join("in/empty.jsonl"), "").unwrap();
    pipeline(
        &dir,
        "[input]\npath = \"in/corpus.jsonl\"\nbatch = 5\n[[stage]]\nplugin = \"parse\"\n",
    );
    let out = copydesk(&dir, &["run"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out).1);
    let mut ids = Vec::new();
    for p in ["corpus@00001", "corpus@00002", "corpus@00003"] {
        ids.extend(
            jsonl(&dir.join("out").join(p).join("documents.jsonl"))
                .iter()
                .map(|d| d["id"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(ids.len(), 12, "{ids:?}");
    let errors = jsonl(&dir.join("out/errors.jsonl"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["bundle"], "corpus@00002");
    assert!(
        errors[0]["message"].as_str().unwrap().contains("line 8"),
        "{errors:?}"
    );
    // the empty file alone: one bundle with no documents, as without parts
    pipeline(
        &dir,
        "[input]\npath = \"in/empty.jsonl\"\nbatch = 5\n[[stage]]\nplugin = \"parse\"\n",
    );
    let out = copydesk(&dir, &["run", "--output", "out-empty"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(!dir.join("out-empty/empty@00001").exists());
    assert_eq!(json(&dir.join("out-empty/run.json"))["documents"], 0);
}
