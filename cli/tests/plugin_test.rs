//! `copydesk plugin-test`: one stage of one plugin on files, with the exact
//! request, the exact response and what the host made of them.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::*;
use serde_json::Value;

/// Runs `copydesk plugin-test ARGS... FILES...` from the workspace root.
fn plugin_test(args: &[&str], files: &[PathBuf]) -> (Option<i32>, String, String) {
    let mut all: Vec<String> = vec!["plugin-test".into()];
    all.extend(args.iter().map(|a| a.to_string()));
    all.extend(files.iter().map(|f| f.display().to_string()));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let out = copydesk(&root(), &all);
    let (stdout, stderr) = text(&out);
    (out.status.code(), stdout, stderr)
}

fn transcript() -> PathBuf {
    root().join("examples/bundles/kerry-syria/004_5413b6a935ca9767.txt")
}

#[test]
fn parse_on_the_transcript_gets_the_unparsed_document_the_host_frames() {
    let (code, out, err) = plugin_test(&["parse"], &[transcript()]);
    assert_eq!(code, Some(0), "{err}");
    for label in [
        "== plugin `parse`",
        "== config given to create",
        "== request: 1 document,",
        "== response: status 0 (ok)",
        "== host: 1 ok, 0 failed",
        "-- kerry-syria/004_5413b6a935ca9767: ok",
    ] {
        assert!(out.contains(label), "no `{label}` in:\n{out}");
    }
    // The request as the host sends it: `op` first, the protocol, then
    // only what parse reads (the raw file and its source), no text yet.
    let (code, request, err) = plugin_test(&["parse", "--request-only"], &[transcript()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        request.starts_with("{\n  \"op\": \"documents\",\n  \"protocol\": 2,\n  \"documents\": ["),
        "{request}"
    );
    let request: Value = serde_json::from_str(&request).unwrap();
    let doc = &request["documents"][0];
    assert_eq!(doc["id"], "kerry-syria/004_5413b6a935ca9767");
    assert_eq!(doc["bundle"], "kerry-syria");
    assert_eq!(
        doc["raw"].as_str().unwrap(),
        std::fs::read_to_string(transcript()).unwrap()
    );
    assert!(
        doc.get("text").is_none(),
        "not parsed yet, and not read by parse"
    );
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["bundle", "id", "raw", "source"],
        "only what parse reads"
    );
    // The response: the parsed transcript.
    let (code, response, err) = plugin_test(&["parse", "--response-only"], &[transcript()]);
    assert_eq!(code, Some(0), "{err}");
    let response: Value = serde_json::from_str(&response).unwrap();
    let parsed = &response["results"][0]["ok"];
    assert_eq!(parsed["kind"], "transcript");
    assert!(parsed["turns"].as_array().unwrap().len() > 100, "{parsed}");
    assert!(parsed["text"].as_str().unwrap().contains("Kerry"));
}

#[test]
fn a_document_stage_gets_parsed_documents_c_readability() {
    let dir = temp_dir("plugin-test-c");
    let lib = compile_readability(&dir);
    let lib = lib.to_str().unwrap();
    let files = example_files();
    let (code, out, err) = plugin_test(&[lib], &files);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("== plugin `c-readability` 0.1.0, document stage `c-readability`")
            && out.contains("\"words_per_minute\": 230")
            && out.contains("== request: 5 documents,")
            && out.contains("== host: 5 ok, 0 failed"),
        "{out}"
    );
    let (_, request, _) = plugin_test(&[lib, "--request-only"], &files);
    let request: Value = serde_json::from_str(&request).unwrap();
    let docs = request["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 5);
    for d in docs {
        assert!(!d["text"].as_str().unwrap().is_empty(), "parsed first: {d}");
        assert!(d.get("raw").is_none(), "parse drops the raw text");
    }
    let (code, response, err) = plugin_test(
        &[lib, "--response-only", "--option", "words_per_minute=100"],
        &files,
    );
    assert_eq!(code, Some(0), "{err}");
    let response: Value = serde_json::from_str(&response).unwrap();
    let results = response["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    for (r, d) in results.iter().zip(docs) {
        let mine = &r["ok"]["ext"]["c-readability"];
        let words = d["text"].as_str().unwrap().split_whitespace().count() as f64;
        assert_eq!(mine["words"].as_f64(), Some(words), "{mine}");
        assert_eq!(
            mine["words_per_minute"], 100,
            "the option reached the plugin"
        );
        let minutes = mine["reading_minutes"].as_f64().unwrap();
        assert!((minutes - words / 100.0).abs() <= 0.005, "{mine}");
    }
}

#[test]
fn a_bundle_stage_gets_the_files_as_one_parsed_bundle_dedup() {
    let files = example_files();
    let (code, out, err) = plugin_test(&["dedup", "--option", "threshold=0.5"], &files);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("== plugin `dedup` 0.1.0, bundle stage `dedup`")
            && out.contains("\"threshold\": 0.5")
            && out.contains("\"shingle\": 5")
            && out.contains("== request: bundle `kerry-syria` of 5 documents,")
            && out.contains("== response: status 0 (ok)")
            && out.contains("== host: bundle `kerry-syria` ok"),
        "{out}"
    );
    let (_, request, _) = plugin_test(&["dedup", "--request-only"], &files);
    assert!(
        request.starts_with("{\n  \"op\": \"bundle\",\n  \"protocol\": 2,\n  \"bundle\": {"),
        "{request}"
    );
    let request: Value = serde_json::from_str(&request).unwrap();
    assert_eq!(request["bundle"]["id"], "kerry-syria");
    let docs = request["bundle"]["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 5);
    // Parsed first, and projected to what dedup reads.
    for d in docs {
        assert!(d["text"].as_str().is_some_and(|t| !t.is_empty()), "{d}");
        for k in d.as_object().unwrap().keys() {
            assert!(
                ["id", "bundle", "text", "published"].contains(&k.as_str()),
                "{k}"
            );
        }
    }
    let (_, response, _) = plugin_test(&["dedup", "--response-only"], &files);
    let response: Value = serde_json::from_str(&response).unwrap();
    assert_eq!(response["bundle"]["id"], "kerry-syria");
    // A patch: what dedup found (shared passages); no duplicate clusters in
    // this bundle, and an empty list it was not sent does not go back.
    assert!(
        response["bundle"]["shared_passages"].is_array(),
        "{response}"
    );
    assert!(response["bundle"].get("duplicates").is_none(), "{response}");
}

#[test]
fn bad_options_are_refused_with_clear_messages() {
    let files = example_files();
    let (code, out, err) = plugin_test(
        &[
            "dedup",
            "--option",
            "treshold=0.5",
            "--option",
            "shingle=five",
            "--option",
            "passage_similarity=2",
            "--option",
            "scope",
        ],
        &files,
    );
    assert_eq!(code, Some(2));
    assert!(out.is_empty(), "nothing runs: {out}");
    for message in [
        "4 problems with the options",
        "--option treshold: unknown option `treshold` for stage `dedup`; did you mean `threshold`?",
        "--option shingle: option `shingle` of stage `dedup` must be an integer, got a string (\"five\")",
        "--option passage_similarity: option `passage_similarity` of stage `dedup` must be between 0 and 1, got 2",
        "--option scope: expected KEY=VALUE",
    ] {
        assert!(err.contains(message), "no `{message}` in:\n{err}");
    }
    let (code, _, err) = plugin_test(&["dedup", "--stage", "dedupe"], &files);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("plugin `dedup` has no stage `dedupe`; it has: dedup"),
        "{err}"
    );
}

#[test]
fn a_malformed_response_is_shown_as_received_and_judged_as_the_runner_would() {
    let dir = temp_dir("plugin-test-malformed");
    let lib = dir.join(format!(
        "libcopydesk_c_stamp{}",
        std::env::consts::DLL_SUFFIX
    ));
    compile_c(
        &root().join("examples/c-plugin/stamp.c"),
        &lib,
        &["STAMP_MALFORMED"],
    );
    let (code, out, err) = plugin_test(&[lib.to_str().unwrap()], &example_files());
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains("== response: status 0 (ok), 19 bytes, NOT valid JSON (shown as received)\n{\"bundle\": not json\n")
            && out.contains("== host: the call failed: plugin `c-stamp` returned a malformed message:"),
        "{out}"
    );
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .arg("plugin-test")
        .arg("parse")
        .arg(transcript())
        .env("COPYDESK_PLUGIN_PATH", plugin_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The output (about 100 KB) outgrows the pipe: the reader goes away mid-way.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
