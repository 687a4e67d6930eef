//! The published JSON Schema (`docs/schema/`) and the ABI's sample
//! exchange (`docs/abi.md`): the checked-in schema is what the code
//! generates, real messages of the real plugins fit it, it accepts and
//! refuses what the host accepts and refuses, and the sample in the doc is
//! byte for byte what the host and a plugin produce.
//!
//! After changing the model or the messages, regenerate the schema with
//! `COPYDESK_BLESS=1 cargo test -p copydesk --test schema`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use copydesk_core::abi::Manifest;
use copydesk_core::{Bundle, Document};
use copydesk_host::call;
use copydesk_host::input::documents_of;
use copydesk_host::plugin::{CallResult, LoadedPlugin, StageInstance};
use copydesk_host::registry::Registry;
use serde_json::{json, Map, Value};

const BLESS: &str = "COPYDESK_BLESS=1 cargo test -p copydesk --test schema";

fn schema_dir() -> PathBuf {
    root().join("docs/schema")
}

/// A checked-in schema file, compiled.
fn validator(name: &str) -> jsonschema::Validator {
    let path = schema_dir().join(name);
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Fails with every error of `instance` against `schema`.
#[track_caller]
fn assert_fits(v: &jsonschema::Validator, schema: &str, what: &str, instance: &Value) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} (at {})", e, e.instance_path()))
        .take(10)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not fit {schema}:\n  {}",
        errors.join("\n  ")
    );
}

#[test]
fn the_checked_in_schema_is_what_the_code_generates() {
    let bless = std::env::var_os("COPYDESK_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    let schemas = copydesk_core::schema::schemas();
    for (name, schema) in &schemas {
        // Each is a valid JSON Schema (2020-12).
        jsonschema::meta::validate(schema).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = copydesk_core::schema::to_text(schema);
        let path = schema_dir().join(name);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if bless {
            std::fs::create_dir_all(schema_dir()).unwrap();
            std::fs::write(&path, &text).unwrap();
            eprintln!("wrote {}", path.display());
        } else {
            let line = current
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| current.lines().count().min(text.lines().count()));
            stale.push(format!(
                "docs/schema/{name} (first difference at line {})",
                line + 1
            ));
        }
    }
    // No file that the code no longer generates.
    for entry in std::fs::read_dir(schema_dir()).into_iter().flatten() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !schemas.iter().any(|(n, _)| *n == name) {
            if bless {
                std::fs::remove_file(schema_dir().join(&name)).unwrap();
            } else {
                stale.push(format!("docs/schema/{name} (no longer generated)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "the checked-in schema differs from what the code generates:\n  {}\nIf the change is meant, regenerate it with\n  {BLESS}\nand commit docs/schema/.",
        stale.join("\n  ")
    );
}

fn library(name: &str) -> PathBuf {
    plugin_dir().join(format!(
        "{}{name}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

fn load(name: &str) -> Arc<LoadedPlugin> {
    Registry::new(&[]).load_path(&library(name)).unwrap()
}

/// A stage with its declared defaults, and `options` over them.
fn stage(plugin: &Arc<LoadedPlugin>, options: &Value) -> StageInstance {
    let spec = plugin.stage(&plugin.name).unwrap();
    let mut config: Map<String, Value> = spec
        .options
        .iter()
        .map(|o| (o.name.clone(), o.default.clone()))
        .collect();
    config.extend(options.as_object().unwrap().clone());
    plugin.create(&spec.name, &config).unwrap()
}

fn reply(stage: &StageInstance, request: &[u8]) -> Vec<u8> {
    match stage.call(request) {
        CallResult::Ok(bytes) => bytes,
        CallResult::Err(e) => panic!("{}: {}", stage.plugin.name, e.message),
    }
}

fn value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap()
}

/// The example bundle's files, framed as the host frames them, and a copy
/// of the first (so that dedup finds a duplicate).
fn unparsed() -> Vec<Document> {
    let dir = root().join("examples/bundles/kerry-syria");
    let files = example_files();
    let copy = (dir.join("999_copy.txt"), std::fs::read(&files[0]).unwrap());
    files
        .iter()
        .map(|f| (f.clone(), std::fs::read(f).unwrap()))
        .chain([copy])
        .flat_map(|(f, bytes)| documents_of("kerry-syria", Some(&dir), &f, &bytes, "auto", "id"))
        .collect()
}

#[test]
fn real_requests_and_responses_fit_the_schema() {
    let (request, response) = (validator("request.json"), validator("response.json"));
    let (document, bundle_schema) = (validator("document.json"), validator("bundle.json"));
    let manifest = validator("manifest.json");

    // parse: a document batch, unparsed documents in, parsed patches out.
    let parse = load("copydesk_parse");
    let stage_ = stage(&parse, &json!({}));
    let mut docs = unparsed();
    let bytes = call::documents_request(&stage_, &docs).unwrap();
    let sent = value(&bytes);
    assert_eq!(sent["protocol"], 2);
    assert_fits(&request, "request.json", "parse's request", &sent);
    let answer = reply(&stage_, &bytes);
    let got = value(&answer);
    assert_eq!(got["results"].as_array().unwrap().len(), docs.len());
    assert_fits(&response, "response.json", "parse's response", &got);
    for r in call::apply_documents(&stage_, &mut docs, &answer).unwrap() {
        r.unwrap();
    }
    assert!(docs.iter().any(|d| !d.turns.is_empty()) && docs.iter().any(|d| d.published.is_some()));
    for d in &docs {
        let v = serde_json::to_value(d).unwrap();
        assert_fits(&document, "document.json", &d.id, &v);
    }

    // dedup, summary, quotes: bundle stages, one after the other.
    let mut bundle = Bundle::new("kerry-syria", docs);
    for (name, options) in [
        ("copydesk_dedup", json!({"threshold": 0.5})),
        ("copydesk_summary", json!({})),
        ("copydesk_quotes", json!({})),
    ] {
        let plugin = load(name);
        let stage_ = stage(&plugin, &options);
        let bytes = call::bundle_request(&stage_, &bundle).unwrap();
        assert_fits(
            &request,
            "request.json",
            &format!("{name}'s request"),
            &value(&bytes),
        );
        let answer = reply(&stage_, &bytes);
        assert_fits(
            &response,
            "response.json",
            &format!("{name}'s response"),
            &value(&answer),
        );
        call::apply_bundle(&stage_, &mut bundle, &answer).unwrap();
        let v = serde_json::to_value(&bundle).unwrap();
        assert_fits(
            &bundle_schema,
            "bundle.json",
            &format!("the bundle after {name}"),
            &v,
        );
    }
    assert!(!bundle.duplicates.is_empty() && !bundle.shared_passages.is_empty());
    assert!(bundle.summary.is_some() && bundle.quotes.iter().any(|q| q.source.is_some()));

    // Every plugin's manifest, as the host read it.
    for name in [
        "copydesk_parse",
        "copydesk_dedup",
        "copydesk_summary",
        "copydesk_quotes",
        "testkit_faulty",
        "testkit_legacy",
        "testkit_wordcount",
    ] {
        let p = load(name);
        let m = serde_json::to_value(Manifest {
            stages: p.stages.clone(),
            protocol: p.protocol,
            sdk: p.sdk.clone(),
        })
        .unwrap();
        assert_fits(&manifest, "manifest.json", name, &m);
    }
}

#[test]
fn the_schema_accepts_what_the_host_accepts_and_refuses_what_it_refuses() {
    let response = validator("response.json");
    let stage_ = stage(&load("testkit_wordcount"), &json!({}));
    let host_reads = |text: &str| call::read_response(&stage_, text.as_bytes());
    for (text, ok) in [
        (r#"{"results":[{"ok":{"id":"a"}}]}"#, true),
        // Unknown enum values and unknown fields are kept, not refused.
        (
            r#"{"results":[{"ok":{"id":"a","kind":"wire_story","sentiment":{"score":0.25}}}]}"#,
            true,
        ),
        (
            r#"{"results":[{"ok":{"id":"a","diagnostics":[{"level":"fatal","stage":"s","code":"c","message":"m"}]}}]}"#,
            true,
        ),
        (
            r#"{"results":[{"ok":{"id":"a","ext":{"wordcount":null}}}]}"#,
            true,
        ),
        (
            r#"{"results":[{"ok":{"id":"a","title":null,"similarity":0.5}}]}"#,
            true,
        ),
        (r#"{"results":[{"error":{"message":"m"}}]}"#, true),
        (
            r#"{"results":[{"error":{"message":"m","panic":true}}],"note":1}"#,
            true,
        ),
        (r#"{"results":[]}"#, true),
        (r#"{"results":[{"ok":{"title":"x"}}]}"#, false),
        (r#"{"results":[{"ok":{"id":"a","title":5}}]}"#, false),
        (r#"{"results":[{"ok":{"id":"a","text":null}}]}"#, false),
        (
            r#"{"results":[{"ok":{"id":"a","sentences":[{"start":0}]}}]}"#,
            false,
        ),
        (
            r#"{"results":[{"ok":{"id":"a","source":{"path":5}}}]}"#,
            false,
        ),
        (r#"{"results":[{"ok":{"id":"a","ext":[]}}]}"#, false),
        (r#"{"results":[{"error":{"panic":true}}]}"#, false),
        (
            r#"{"results":[{"ok":{"id":"a"},"error":{"message":"m"}}]}"#,
            false,
        ),
        (r#"{"results":[{"fine":{"id":"a"}}]}"#, false),
        (r#"{"results":{"id":"a"}}"#, false),
        (r#"{"bundle":{"id":"b"}}"#, true),
        (
            r#"{"bundle":{"id":"b","documents":[{"id":"a","duplicate_of":"x"}],"summary":null,"future":[1]}}"#,
            true,
        ),
        (
            r#"{"bundle":{"id":"b","quotes":[{"text":"q","speaker":null,"occurrences":[],"source":null,"fidelity":"new_kind"}]}}"#,
            true,
        ),
        (r#"{"bundle":{"documents":[]}}"#, false),
        (
            r#"{"bundle":{"id":"b","documents":[{"title":"t"}]}}"#,
            false,
        ),
        (r#"{"bundle":{"id":"b","summary":{"text":"x"}}}"#, false),
        (
            r#"{"bundle":{"id":"b","duplicates":[{"canonical":"a","members":[{"doc":"a"}]}]}}"#,
            false,
        ),
    ] {
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(response.is_valid(&v), ok, "the schema on {text}");
        assert_eq!(
            host_reads(text).is_ok(),
            ok,
            "the host on {text}: {:?}",
            host_reads(text).err()
        );
    }
    // The host names the path of the field that does not fit.
    let e = host_reads(r#"{"results":[{"ok":{"id":"a","title":5}}]}"#).unwrap_err();
    assert!(
        e.0.contains("results[0].ok.title: invalid type: integer `5`, expected a string"),
        "{}",
        e.0
    );
    // Manifests: the stage kind and option types are closed; the rest is open.
    let manifest = validator("manifest.json");
    for (text, ok) in [
        (
            r#"{"stages":[{"name":"x","kind":"document","description":"d"}]}"#,
            true,
        ),
        (
            r#"{"stages":[{"name":"x","kind":"bundle","description":"d","reads":["text","ext.x?"],"writes":["bundle.ext.x"],"future":1}],"protocol":3,"sdk":"other 1.0"}"#,
            true,
        ),
        (
            r#"{"stages":[{"name":"x","kind":"document","description":"d","options":[{"name":"n","type":"integer","default":3,"min":1,"doc":"d"}]}]}"#,
            true,
        ),
        (
            r#"{"stages":[{"name":"x","kind":"corpus","description":"d"}]}"#,
            false,
        ),
        (
            r#"{"stages":[{"name":"x","kind":"document","description":"d","options":[{"name":"n","type":"date","doc":"d"}]}]}"#,
            false,
        ),
        (r#"{"stages":[{"name":"x","kind":"document"}]}"#, false),
        (r#"{"protocol":2}"#, false),
    ] {
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(manifest.is_valid(&v), ok, "the schema on {text}");
        assert_eq!(
            serde_json::from_str::<Manifest>(text).is_ok(),
            ok,
            "the host on {text}"
        );
    }
}

/// Removes the white space outside strings: the bytes `plugin-test`
/// pretty-printed (it changes nothing else).
fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// The fenced blocks (language, body) under the `## ` heading `title` of
/// `docs/abi.md`.
fn blocks_under(title: &str) -> Vec<(String, String)> {
    let doc = std::fs::read_to_string(root().join("docs/abi.md")).unwrap();
    let start = doc
        .find(&format!("\n## {title}\n"))
        .unwrap_or_else(|| panic!("docs/abi.md has no heading `## {title}`"));
    let section = &doc[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let mut blocks = Vec::new();
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((lang.to_string(), body.join("\n") + "\n"));
        }
    }
    blocks
}

#[test]
fn the_sample_exchange_in_the_abi_doc_is_what_the_code_produces() {
    let blocks = blocks_under("A sample exchange");
    let langs: Vec<&str> = blocks.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        langs,
        ["sh", "text", "json", "json", "json"],
        "the command, the input file, then the config, request and response"
    );
    let (command, input) = (&blocks[0].1, &blocks[1].1);
    let config: Value = serde_json::from_str(&blocks[2].1).expect("the config parses");
    let (request_text, response_text) = (&blocks[3].1, &blocks[4].1);

    // The input file, framed and parsed as `plugin-test` does.
    let file = command
        .split_whitespace()
        .last()
        .expect("the command ends with the file");
    assert!(
        command.contains("--option 'words=[\"Kerry\", \"Syria\"]'"),
        "{command}"
    );
    let dir = temp_dir("abi-sample");
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, input).unwrap();
    let bundle_dir: &Path = path.parent().unwrap();
    let bundle = bundle_dir.file_name().unwrap().to_string_lossy();
    let mut docs = documents_of(
        &bundle,
        Some(bundle_dir),
        &path,
        input.as_bytes(),
        "auto",
        "id",
    );
    let parse = stage(&load("copydesk_parse"), &json!({}));
    for r in call::call_documents(&parse, &mut docs).unwrap() {
        r.unwrap();
    }

    let wordcount = load("testkit_wordcount");
    let stage_ = stage(&wordcount, &json!({"words": ["Kerry", "Syria"]}));
    assert_eq!(
        config,
        json!({"words": ["Kerry", "Syria"]}),
        "the config given to create"
    );
    let request = call::documents_request(&stage_, &docs).unwrap();
    assert_eq!(
        compact(request_text),
        String::from_utf8(request.clone()).unwrap(),
        "the sample request is not what the host sends for this input"
    );
    let response = reply(&stage_, &request);
    assert_eq!(
        compact(response_text),
        String::from_utf8(response.clone()).unwrap(),
        "the sample response is not what the plugin answers"
    );
    assert_fits(
        &validator("request.json"),
        "request.json",
        "the sample request",
        &value(&request),
    );
    assert_fits(
        &validator("response.json"),
        "response.json",
        "the sample response",
        &value(&response),
    );
    // And the host takes it.
    for r in call::apply_documents(&stage_, &mut docs, &response).unwrap() {
        r.unwrap();
    }
    assert_eq!(docs[0].ext["wordcount"]["counts"]["Kerry"], 2);
}
