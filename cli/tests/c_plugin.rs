//! The C example plugin, `examples/c-plugin/readability.c`: in a pipeline
//! after parse, and through the ABI on batches, per-document errors,
//! malformed requests and values that are easy to lose.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use copydesk_host::plugin::{CallResult, LoadedPlugin, StageInstance};
use copydesk_host::probe;
use copydesk_host::registry::Registry;
use serde_json::{json, Value};

/// Runs `stages` after parse over the example bundle into `dir/<name>` and
/// returns its documents.
fn run_example(dir: &Path, name: &str, stages: &str) -> Vec<Value> {
    pipeline(
        dir,
        &format!("[input]\npath = \"bundles\"\n[output]\ndir = \"{name}\"\nformats = [\"json\"]\n[run]\nplugin_paths = [\".\"]\n[[stage]]\nplugin = \"parse\"\n{stages}"),
    );
    let out = copydesk(dir, &["run", "--quiet"]);
    assert!(out.status.success(), "{}", text(&out).1);
    jsonl(&dir.join(name).join("kerry-syria/documents.jsonl"))
}

#[test]
fn readability_scores_every_document_and_keeps_every_other_field() {
    let dir = temp_dir("c-readability");
    example_input(&dir);
    compile_readability(&dir);
    let plain = run_example(&dir, "plain", "");
    let scored = run_example(&dir, "scored", "[[stage]]\nplugin = \"c-readability\"\n");
    assert_eq!(scored.len(), 5);
    assert_eq!(plain.len(), 5);
    for (mut doc, before) in scored.into_iter().zip(plain) {
        let mine = doc["ext"]
            .as_object_mut()
            .unwrap()
            .remove("c-readability")
            .unwrap_or_else(|| panic!("no ext.c-readability in {}", doc["id"]));
        assert_eq!(doc, before, "every other field as parse left it");

        let text = before["text"].as_str().unwrap();
        let words = text.split_whitespace().count() as f64;
        let sentences = before["sentences"].as_array().unwrap().len() as f64;
        assert!(words > 100.0 && sentences > 3.0, "{}", before["id"]);
        assert_eq!(mine["words"].as_f64(), Some(words), "{mine}");
        assert_eq!(mine["sentences"].as_f64(), Some(sentences), "{mine}");
        assert_eq!(mine["sentences_from"], "parse");
        assert_eq!(mine["words_per_minute"], 230);
        let per = mine["words_per_sentence"].as_f64().unwrap();
        assert!((per - words / sentences).abs() <= 0.005, "{mine}");
        let minutes = mine["reading_minutes"].as_f64().unwrap();
        assert!((minutes - words / 230.0).abs() <= 0.005, "{mine}");
        assert!(minutes > 0.4 && minutes < 60.0, "{mine}");
    }
}

fn load(dir: &Path) -> Arc<LoadedPlugin> {
    let lib = compile_readability(dir);
    Registry::new(&[]).load_path(&lib).unwrap()
}

fn create(plugin: &Arc<LoadedPlugin>, words_per_minute: i64) -> StageInstance {
    let options = json!({"words_per_minute": words_per_minute});
    plugin
        .create("c-readability", options.as_object().unwrap())
        .unwrap()
}

fn call(stage: &StageInstance, request: &[u8]) -> Result<Value, String> {
    match stage.call(request) {
        CallResult::Ok(bytes) => Ok(serde_json::from_slice(&bytes).expect("a JSON response")),
        CallResult::Err(e) => Err(e.message),
    }
}

/// A parsed-looking document with fields that are easy to lose.
fn document(i: usize) -> Value {
    json!({
        "id": format!("b/{i}"),
        "bundle": "b",
        "source": {"path": format!("{i}.txt"), "format": "text"},
        "kind": "article",
        "title": "Quotes \" backslashes \\ and é, 😀",
        "text": format!("Doc {i}:\u{a0}one two.\u{3000}Three\tfour\u{2028}five! \"Six?\""),
        "sentences": [],
        "similarity": 0.30000000000000004,
        "turns": [{"speaker": "Kerry", "uncertain": false, "timestamp": "01:55", "seconds": 115.5,
                   "span": {"start": 0, "end": 3}, "speech": true}],
        "ext": {"other": {"x": 0.1, "big": 12345678901234u64, "tiny": 5e-324, "neg": -1.5e300,
                          "list": [1, 2.5, null, true, {"a": []}], "line": "a\u{2028}b"}},
        "field_of_the_future": {"kept": [1, "two"]},
    })
}

#[test]
fn readability_handles_batches_errors_and_malformed_requests_through_the_abi() {
    let dir = temp_dir("c-readability-abi");
    let plugin = load(&dir);
    // Unknown manifest members (`reads`, `writes`) are ignored by this host.
    assert!(
        std::fs::read_to_string(root().join("examples/c-plugin/readability.c"))
            .unwrap()
            .contains("\\\"reads\\\":[\\\"text\\\",\\\"sentences\\\"]")
    );
    assert_eq!(plugin.stages[0].requires, vec!["text".to_string()]);
    let stage = create(&plugin, 230);

    // A batch bigger than the host ever sends, one document without text.
    let docs: Vec<Value> = (0..150)
        .map(|i| {
            let mut d = document(i);
            if i == 37 {
                d.as_object_mut().unwrap().remove("text");
            }
            d
        })
        .collect();
    let request = serde_json::to_vec(&json!({"op": "documents", "documents": docs})).unwrap();
    let response = call(&stage, &request).unwrap();
    let results = response["results"].as_array().unwrap();
    assert_eq!(results.len(), 150);
    for (i, (r, input)) in results.iter().zip(&docs).enumerate() {
        if i == 37 {
            let message = r["error"]["message"].as_str().unwrap();
            assert!(message.contains("no `text`"), "{message}");
            assert_eq!(r["error"]["panic"], false);
            continue;
        }
        let mut out = r["ok"].clone();
        let mine = out["ext"]
            .as_object_mut()
            .unwrap()
            .remove("c-readability")
            .unwrap();
        assert_eq!(&out, input, "document {i} comes back exactly as sent");
        let words = input["text"].as_str().unwrap().split_whitespace().count();
        assert_eq!(words, 8);
        assert_eq!(mine["words"], words, "Unicode white space splits words");
        assert_eq!(
            mine["sentences"], 3,
            "counted from . ! ? (sentences is empty)"
        );
        assert_eq!(mine["sentences_from"], "punctuation");
        assert_eq!(mine["words_per_sentence"], 2.67);
        assert_eq!(mine["reading_minutes"], 0.03);
    }
    // Exactly, not within a rounding: the raw numbers of the response.
    let raw = match stage.call(&request) {
        CallResult::Ok(bytes) => String::from_utf8(bytes).unwrap(),
        CallResult::Err(e) => panic!("{}", e.message),
    };
    assert!(
        raw.contains("\"similarity\":0.30000000000000004"),
        "{}",
        &raw[..2000]
    );

    // Documents the host would send, judged as the runner judges them.
    let mut typed: Vec<copydesk_core::Document> = (0..3)
        .map(|i| serde_json::from_value(document(i)).unwrap())
        .collect();
    typed[1].ext.insert("c-readability".into(), json!("stale"));
    // 115.0 comes back as 115: the same number, as the host reads it.
    typed[2].turns[0].seconds = Some(115.0);
    let results = probe::call_documents(&stage, &typed).unwrap();
    for (r, input) in results.into_iter().zip(&typed) {
        let mut out = r.unwrap();
        let mine = out.ext.remove("c-readability").unwrap();
        assert_eq!(mine["words"], 8, "its own key replaced");
        let mut input = input.clone();
        input.ext.remove("c-readability");
        assert_eq!(out, input);
    }

    // Requests it cannot read: status 1 and a message.
    for (request, expected) in [
        (
            r#"{"op":"documents","documents": nope"#,
            "malformed request: not valid JSON",
        ),
        (
            r#"{"op":"documents","documents":[]} x"#,
            "text after the JSON object",
        ),
        ("[1, 2]", "expected an object with an `op`"),
        (
            r#"{"op":"bundle","bundle":{"id":"b"}}"#,
            "takes `documents` requests only",
        ),
        (
            r#"{"op":"documents","documents":{}}"#,
            "`documents` is not an array",
        ),
        (
            r#"{"op":"documents","documents":[{"id":"b/x","text":"a\u0000b"}]}"#,
            "NUL character",
        ),
    ] {
        let message = call(&stage, request.as_bytes()).unwrap_err();
        assert!(message.contains(expected), "{message}");
    }
    // An escaped backslash before `u0000` is not a NUL.
    let fine = call(
        &stage,
        br#"{"op":"documents","documents":[{"id":"b/x","text":"a\\u0000b"}]}"#,
    )
    .unwrap();
    assert_eq!(fine["results"][0]["ok"]["text"], "a\\u0000b");
    // The empty batch.
    let empty = call(&stage, b"{\"op\":\"documents\",\"documents\":[]}").unwrap();
    assert_eq!(empty, json!({"results": []}));

    // Its own check of the option, for callers that skip the host's.
    let refused = plugin
        .create(
            "c-readability",
            json!({"words_per_minute": 0}).as_object().unwrap(),
        )
        .unwrap_err();
    assert!(
        refused.to_string().contains("between 1 and 2000"),
        "{refused}"
    );
    assert!(plugin
        .create("nope", json!({}).as_object().unwrap())
        .is_err());
}

#[test]
fn readability_is_thread_safe_on_one_instance() {
    let dir = temp_dir("c-readability-threads");
    let plugin = load(&dir);
    let stage = Arc::new(create(&plugin, 200));
    let request = serde_json::to_vec(
        &json!({"op": "documents", "documents": (0..20).map(document).collect::<Vec<_>>()}),
    )
    .unwrap();
    let expected = call(&stage, &request).unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..25 {
                    assert_eq!(call(&stage, &request).unwrap(), expected);
                }
            });
        }
    });
}
