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
