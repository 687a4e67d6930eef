//! The example pipeline end to end, and the commands around it.

mod common;

use common::*;

fn check_citations(bundle: &serde_json::Value, docs: &[serde_json::Value]) {
    let text_of = |id: &str| {
        docs.iter()
            .find(|d| d["id"] == id)
            .and_then(|d| d["text"].as_str())
            .unwrap_or_else(|| panic!("no document {id}"))
            .to_string()
    };
    for s in bundle["summary"]["sentences"].as_array().unwrap() {
        let text = text_of(s["doc"].as_str().unwrap());
        let (a, b) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            &text[a..b],
            s["text"].as_str().unwrap(),
            "summary citation must point at its sentence"
        );
    }
    for p in bundle["shared_passages"].as_array().unwrap() {
        let occ = p["occurrences"].as_array().unwrap();
        assert!(occ.len() >= 2);
        for o in occ {
            let text = text_of(o["doc"].as_str().unwrap());
            assert!(text
                .get(o["start"].as_u64().unwrap() as usize..o["end"].as_u64().unwrap() as usize)
                .is_some());
        }
    }
}

#[test]
fn the_example_pipeline_writes_the_contract() {
    let dir = temp_dir("example");
    let out = copydesk(
        &root(),
        &[
            "run",
            "pipeline.toml",
            "--output",
            dir.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let bundle = json(&dir.join("kerry-syria/bundle.json"));
    assert_eq!(bundle["schema_version"], "1.2");
    assert_eq!(bundle["id"], "kerry-syria");
    assert_eq!(bundle["documents"].as_array().unwrap().len(), 5);
    let docs = jsonl(&dir.join("kerry-syria/documents.jsonl"));
    assert_eq!(docs.len(), 5);
    for d in &docs {
        for key in [
            "id",
            "bundle",
            "source",
            "kind",
            "title",
            "outlet",
            "byline",
            "published",
            "text",
            "duplicate_of",
        ] {
            assert!(d.get(key).is_some(), "documents.jsonl lacks `{key}`");
        }
    }
    assert_eq!(docs[4]["kind"], "transcript");
    let summary = bundle["summary"]["text"].as_str().unwrap();
    assert!(summary.split_whitespace().count() <= 100, "{summary}");
    assert!(summary.contains("Kerry"), "{summary}");
    check_citations(&bundle, &docs);
    let report = std::fs::read_to_string(dir.join("kerry-syria/report.md")).unwrap();
    assert!(
        report.contains("## Brief")
            && report.contains("[1]")
            && report.contains("## Sources")
            && report.contains("WION"),
        "{report}"
    );
    assert_eq!(jsonl(&dir.join("errors.jsonl")).len(), 0);
    assert!(dir.join("run.json").exists());
}

#[test]
fn output_is_identical_for_any_job_count() {
    let a = temp_dir("jobs1");
    let b = temp_dir("jobs4");
    // Several bundles so that work really runs in parallel.
    let input = temp_dir("jobs-input");
    for i in 0..4 {
        let d = input.join(format!("copy-{i}"));
        std::fs::create_dir_all(&d).unwrap();
        for e in std::fs::read_dir(root().join("examples/bundles/kerry-syria")).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, d.join(p.file_name().unwrap())).unwrap();
        }
    }
    for (dir, jobs) in [(&a, "1"), (&b, "4")] {
        let out = copydesk(
            &root(),
            &[
                "run",
                "pipeline.toml",
                "--input",
                input.to_str().unwrap(),
                "--output",
                dir.to_str().unwrap(),
                "--jobs",
                jobs,
                "--quiet",
            ],
        );
        assert!(out.status.success(), "{}", text(&out).1);
    }
    for bundle in ["copy-0", "copy-3"] {
        for file in ["bundle.json", "documents.jsonl", "report.md"] {
            let x = std::fs::read(a.join(bundle).join(file)).unwrap();
            let y = std::fs::read(b.join(bundle).join(file)).unwrap();
            assert!(
                x == y,
                "{bundle}/{file} differs between --jobs 1 and --jobs 4"
            );
        }
    }
    let without_timings = |dir: &std::path::Path| {
        let mut run = json(&dir.join("run.json"));
        assert_eq!(
            run["timings"]["stages"].as_array().unwrap().len(),
            4,
            "run.json has per-stage timings"
        );
        run.as_object_mut().unwrap().remove("timings");
        run
    };
    assert_eq!(
        without_timings(&a),
        without_timings(&b),
        "run.json differs between job counts"
    );
}

#[test]
fn validate_plugins_and_inspect() {
    let out = copydesk(&root(), &["validate"]);
    let (stdout, err) = text(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        stdout.contains("pipeline.toml: ok")
            && stdout.contains("parse")
            && stdout.contains("summary"),
        "{stdout}"
    );

    let (stdout, _) = text(&copydesk(&root(), &["plugins"]));
    for name in ["parse", "dedup", "summary", "quotes"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("{name} "))),
            "`plugins` lists {name}: {stdout}"
        );
    }

    let (stdout, _) = text(&copydesk(&root(), &["inspect", "dedup"]));
    assert!(
        stdout.contains("threshold (float, default 0.8") && stdout.contains("shingle (integer"),
        "{stdout}"
    );
}

#[test]
fn parse_prints_one_document() {
    let file = root().join("examples/bundles/kerry-syria/003_08a9ec1e3234bf6b.txt");
    let out = copydesk(&root(), &["parse", file.to_str().unwrap()]);
    let (stdout, err) = text(&out);
    assert!(out.status.success(), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["outlet"], "UPI");
    assert_eq!(doc["byline"], "Doug G. Ware");
    assert!(!doc["text"].as_str().unwrap().contains("Advertisement"));
}

#[test]
fn summarize_prints_a_brief() {
    let dir = root().join("examples/bundles/kerry-syria");
    let out = copydesk(
        &root(),
        &["summarize", dir.to_str().unwrap(), "--words", "60"],
    );
    let (stdout, err) = text(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        stdout.split_whitespace().count() <= 60 && stdout.contains("Kerry"),
        "{stdout}"
    );
}

#[test]
fn ordered_stages_see_bundles_in_input_order_for_any_job_count() {
    let dir = temp_dir("ordered");
    for i in 0..12 {
        let d = dir.join("in").join(format!("b{i:02}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("a.txt"),
            format!("Story {i}\n\nOfficials said on Monday that story {i} was filed.\n"),
        )
        .unwrap();
    }
    pipeline(&dir, &format!("[input]\npath = \"in\"\n[output]\nformats = [\"json\"]\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"{}\"\nstage = \"counter\"\n", faulty_plugin().display()));
    for jobs in ["1", "4"] {
        let out = copydesk(
            &dir,
            &[
                "run",
                "pipeline.toml",
                "--jobs",
                jobs,
                "--output",
                &format!("out-{jobs}"),
            ],
        );
        assert!(out.status.success(), "{}", text(&out).1);
        for i in 0..12 {
            let bundle = json(&dir.join(format!("out-{jobs}/b{i:02}/bundle.json")));
            assert_eq!(
                bundle["ext"]["faulty"]["seen_before"], i,
                "--jobs {jobs}: bundle {i} was not called in input order"
            );
        }
    }
}

#[test]
fn corpus_scope_dedup_finds_copies_across_bundles_for_any_job_count() {
    let dir = temp_dir("corpus-dedup");
    let article = std::fs::read_to_string(
        root().join("examples/bundles/kerry-syria/000_3e3a64f0fc0f036f.txt"),
    )
    .unwrap();
    let other = std::fs::read_to_string(
        root().join("examples/bundles/kerry-syria/003_08a9ec1e3234bf6b.txt"),
    )
    .unwrap();
    for (bundle, files) in [
        ("a-first", vec![("wire.txt", article.clone())]),
        (
            "b-second",
            vec![
                ("copy.txt", article.replace("frustrated", "exasperated")),
                ("other.txt", other),
            ],
        ),
    ] {
        let d = dir.join("in").join(bundle);
        std::fs::create_dir_all(&d).unwrap();
        for (name, text) in files {
            std::fs::write(d.join(name), text).unwrap();
        }
    }
    pipeline(&dir, "[input]\npath = \"in\"\n[output]\nformats = [\"json\"]\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"dedup\"\n[stage.options]\nscope = \"corpus\"\n");
    let mut outputs = Vec::new();
    for jobs in ["1", "4"] {
        let out = copydesk(
            &dir,
            &[
                "run",
                "pipeline.toml",
                "--jobs",
                jobs,
                "--output",
                &format!("out-{jobs}"),
            ],
        );
        assert!(out.status.success(), "{}", text(&out).1);
        let docs = jsonl(&dir.join(format!("out-{jobs}/b-second/documents.jsonl")));
        let copy = docs.iter().find(|d| d["id"] == "b-second/copy").unwrap();
        assert_eq!(copy["duplicate_of"], "a-first/wire", "--jobs {jobs}");
        assert!(copy["similarity"].as_f64().unwrap() >= 0.8);
        let other = docs.iter().find(|d| d["id"] == "b-second/other").unwrap();
        assert!(other["duplicate_of"].is_null());
        outputs
            .push(std::fs::read(dir.join(format!("out-{jobs}/b-second/documents.jsonl"))).unwrap());
    }
    assert!(
        outputs[0] == outputs[1],
        "corpus dedup differs between job counts"
    );
}
