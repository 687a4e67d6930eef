//! The plugin contract (docs/abi.md): compatibility with plugins built
//! against an older model, unknown values from newer plugins, declared
//! writes, own `ext` namespaces, field paths in errors, and span checks,
//! through the real binary, the real parse plugin and a fixture plugin
//! written the way an ABI-1 author wrote one (`testkit/legacy`).

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn legacy_plugin() -> PathBuf {
    plugin_dir().join(format!(
        "{}testkit_legacy{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

/// Runs parse (then `extra` stages) on the example bundle; returns the
/// documents, `errors.jsonl` and the exit code.
fn run(
    dir: &Path,
    name: &str,
    extra: &str,
) -> (Vec<serde_json::Value>, Vec<serde_json::Value>, i32) {
    let input = example_input(dir);
    let out = dir.join(name);
    pipeline(
        dir,
        &format!(
            "[input]\npath = \"{}\"\n[output]\ndir = \"{}\"\nformats = [\"json\"]\n[[stage]]\nplugin = \"parse\"\n{extra}",
            input.display(),
            out.display()
        ),
    );
    let run = copydesk(dir, &["run", "--quiet"]);
    let code = run.status.code().unwrap();
    assert!(code <= 1, "{}", text(&run).1);
    let docs = jsonl(&out.join("kerry-syria/documents.jsonl"));
    let errors = jsonl(&out.join("errors.jsonl"));
    (docs, errors, code)
}

fn stage(stage: &str, mode: &str) -> String {
    format!(
        "[[stage]]\nplugin = \"{}\"\nstage = \"{stage}\"\n[stage.options]\nmode = \"{mode}\"\n",
        legacy_plugin().display()
    )
}

#[test]
fn a_pass_through_built_against_an_older_model_loses_nothing() {
    let dir = temp_dir("contract-old-model");
    let (reference, _, _) = run(&dir, "ref", "");
    // Parse's output has the fields the old model does not know.
    assert!(reference.iter().any(|d| !d["dateline"].is_null()));
    assert!(reference
        .iter()
        .any(|d| !d["turns"].as_array().unwrap().is_empty()));
    assert!(reference.iter().any(|d| !d["published"].is_null()));
    let (through, errors, code) = run(&dir, "old", &stage("legacy", "pass"));
    assert_eq!(code, 0, "{errors:?}");
    assert_eq!(through, reference, "every field survives the old plugin");
}

#[test]
fn a_newer_plugins_unknown_kind_and_field_are_kept() {
    let dir = temp_dir("contract-newer");
    let (reference, _, _) = run(&dir, "ref", "");
    let (newer, errors, code) = run(&dir, "new", &stage("legacy", "newer"));
    assert_eq!(code, 0, "{errors:?}");
    assert_eq!(newer.len(), reference.len());
    for (n, r) in newer.iter().zip(&reference) {
        assert_eq!(n["kind"], "wire_story");
        assert_eq!(n["sentiment"]["score"], 0.25);
        let diagnostics = n["diagnostics"].as_array().unwrap();
        assert_eq!(
            diagnostics.last().unwrap()["level"],
            "critical",
            "an unknown level is kept"
        );
        let mut n = n.clone();
        let m = n.as_object_mut().unwrap();
        m.remove("sentiment");
        m.insert("kind".into(), r["kind"].clone());
        let mut d = diagnostics.clone();
        d.pop();
        m.insert("diagnostics".into(), d.into());
        assert_eq!(&n, r, "everything else as parse wrote it");
    }
}

#[test]
fn writes_outside_the_declaration_and_into_other_namespaces_are_refused() {
    let dir = temp_dir("contract-writes");
    let (reference, _, _) = run(&dir, "ref", "");
    // An undeclared stage may write any field of its own...
    let (changed, errors, code) = run(&dir, "title", &stage("legacy", "title"));
    assert_eq!(code, 0, "{errors:?}");
    assert!(changed.iter().all(|d| d["title"] == "Changed"));
    // ...but a declared one only what it declares,
    let (docs, errors, code) = run(&dir, "declared", &stage("declared", "title"));
    assert_eq!(code, 1);
    assert!(docs.is_empty(), "each document failed the stage");
    assert_eq!(errors.len(), reference.len());
    let m = errors[0]["message"].as_str().unwrap();
    assert!(m.contains("plugin `legacy` returned a malformed message: results[0]: writes `title`, which the stage does not declare in `writes`"), "{m}");
    // and nobody writes another plugin's namespace.
    let (_, errors, _) = run(&dir, "ext", &stage("legacy", "ext-other"));
    let m = errors[0]["message"].as_str().unwrap();
    assert!(
        m.contains("writes `ext.parse`: a plugin writes only its own namespace, `ext.legacy`"),
        "{m}"
    );
    // A declared stage that echoes documents unchanged is fine.
    let (docs, errors, code) = run(&dir, "echo", &stage("declared", "pass"));
    assert_eq!(code, 0, "{errors:?}");
    assert_eq!(docs, reference);
}

#[test]
fn malformed_responses_name_the_field_path() {
    let dir = temp_dir("contract-paths");
    let (_, errors, _) = run(&dir, "noid", &stage("legacy", "no-id"));
    let m = errors[0]["message"].as_str().unwrap();
    assert!(m.contains("results[0].ok: missing field `id`"), "{m}");
    assert!(!m.contains("untagged"), "{m}");
    let (_, errors, _) = run(&dir, "type", &stage("legacy", "bad-type"));
    let m = errors[0]["message"].as_str().unwrap();
    assert!(
        m.contains("results[0].ok.title: invalid type: integer `5`"),
        "{m}"
    );
}

#[test]
fn a_citation_outside_its_document_is_refused_and_the_bundle_kept() {
    let dir = temp_dir("contract-spans");
    let (reference, _, _) = run(&dir, "ref", "");
    let extra = format!(
        "[[stage]]\nplugin = \"{}\"\nstage = \"cite\"\n",
        legacy_plugin().display()
    );
    let (docs, errors, code) = run(&dir, "cite", &extra);
    assert_eq!(code, 1);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let m = errors[0]["message"].as_str().unwrap();
    assert!(m.contains("summary.sentences[0] cites 0..99991299"), "{m}");
    assert_eq!(docs, reference, "the bundle is as it was before the stage");
    let bundle = json(&dir.join("cite/kerry-syria/bundle.json"));
    assert!(bundle["summary"].is_null());
}

#[test]
fn validate_checks_what_stages_read_against_what_earlier_stages_write() {
    let dir = temp_dir("contract-reads");
    let input = example_input(&dir);
    // summary reads sentences, which nothing writes without parse first.
    pipeline(
        &dir,
        &format!(
            "[input]\npath = \"{}\"\n[[stage]]\nplugin = \"{}\"\nstage = \"declared\"\n[[stage]]\nplugin = \"summary\"\n",
            input.display(),
            legacy_plugin().display()
        ),
    );
    let out = copydesk(&dir, &["validate"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("stage `declared` reads `text`, which no earlier stage writes"),
        "{stderr}"
    );
    assert!(
        stderr.contains("stage `summary` reads `sentences`, which no earlier stage writes"),
        "{stderr}"
    );
    // The default pipeline's stages all find what they read.
    let out = copydesk(&root(), &["validate", "pipeline.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
}

#[test]
fn plugins_show_their_sdk_and_protocol_and_inspect_shows_reads_and_writes() {
    let dir = temp_dir("contract-plugins");
    let out = copydesk(&dir, &["plugins"]);
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains(&format!("sdk: copydesk-core {}", env!("CARGO_PKG_VERSION"))),
        "{stdout}"
    );
    assert!(stdout.contains("protocol 2"), "{stdout}");
    let out = copydesk(&dir, &["inspect", "dedup"]);
    let (stdout, _) = text(&out);
    assert!(stdout.contains("reads: text, published"), "{stdout}");
    assert!(
        stdout.contains("writes: duplicate_of, similarity, bundle.duplicates"),
        "{stdout}"
    );
}

#[test]
fn dedup_may_drop_documents_because_it_declares_bundle_documents() {
    let dir = temp_dir("contract-drop");
    let story = dir.join("in/s");
    std::fs::create_dir_all(&story).unwrap();
    let body = "Harbour story\n\nOfficials said on Monday that the harbour story was filed on time. The filing was routine and complete, and the port reopened after the storm passed through the region overnight.\n";
    for name in ["a1.txt", "a2.txt"] {
        std::fs::write(story.join(name), body).unwrap();
    }
    pipeline(&dir, "[input]\npath = \"in\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"dedup\"\n[stage.options]\naction = \"drop\"\n");
    let run = copydesk(&dir, &["run", "--quiet"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    let bundle = json(&dir.join("out/s/bundle.json"));
    assert_eq!(bundle["documents"], serde_json::json!(["s/a1"]));
    // The cluster still names the dropped copy: what was dropped stays on record.
    assert_eq!(bundle["duplicates"][0]["members"][1]["doc"], "s/a2");
}
