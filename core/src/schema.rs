//! The published JSON Schema of the model and the messages (feature
//! `schema`): what `docs/schema/*.json` holds.
//!
//! The model types derive [`schemars::JsonSchema`]; the types with
//! hand-written serde ([`DocKind`], [`Level`]) have their schemas written
//! here, as do the message wrappers of protocol 2, whose Rust types
//! ([`crate::wire`]) are hand-written codecs: a projected document is the
//! [`Document`] schema with `id` and `bundle` required, a patch is the same
//! schema with only `id` required and no defaults (absent means unchanged).
//!
//! [`schemas`] returns every file; a test in the `copydesk` crate
//! (`cli/tests/schema.rs`) fails when they differ from the checked-in ones
//! and rewrites them with `COPYDESK_BLESS=1`.

use std::borrow::Cow;

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{json_schema, JsonSchema, Schema};
use serde_json::{json, Map, Value};

use crate::abi::{ErrorMessage, Manifest};
use crate::model::{Bundle, DocKind, Document, Level};

/// The rule every reader of these messages follows, added to the
/// descriptions of the objects that may grow.
const OPEN: &str = "Readers must accept members they do not know (a newer host or plugin may add them) and must not drop them: the host keeps unknown fields and unknown enum values and passes them on.";

impl JsonSchema for DocKind {
    fn schema_name() -> Cow<'static, str> {
        "DocKind".into()
    }
    fn schema_id() -> Cow<'static, str> {
        "copydesk_core::model::DocKind".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "What kind of text a document holds: a lower-case string. The values this version knows are listed as examples; any other string (from a newer plugin) is accepted and kept as written, so readers must accept values they do not know.",
            "type": "string",
            "examples": ["unknown", "article", "transcript", "statement"]
        })
    }
}

impl JsonSchema for Level {
    fn schema_name() -> Cow<'static, str> {
        "Level".into()
    }
    fn schema_id() -> Cow<'static, str> {
        "copydesk_core::model::Level".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Severity of a diagnostic: `info` or `warning`. A value this version does not know (from a newer plugin) is kept as written and shown with the warnings, so it is never hidden.",
            "type": "string",
            "examples": ["info", "warning"]
        })
    }
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12().into_generator()
}

/// Says explicitly, on every object schema with properties, that other
/// members are allowed (JSON Schema's default, and the ABI's rule).
fn open_objects(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(true));
            }
            m.values_mut().for_each(open_objects);
        }
        Value::Array(a) => a.iter_mut().for_each(open_objects),
        _ => {}
    }
}

fn describe(schema: &mut Value, text: &str) {
    if let Some(m) = schema.as_object_mut() {
        let d = m
            .get("description")
            .and_then(Value::as_str)
            .map(|d| format!("{d}\n\n{text}"))
            .unwrap_or_else(|| text.to_string());
        m.insert("description".into(), d.into());
    }
}

fn set_description(schema: &mut Value, text: &str) {
    if let Some(m) = schema.as_object_mut() {
        m.insert("description".into(), text.into());
    }
}

/// `$ref` to a definition.
fn def(name: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{name}") })
}

/// Makes a Document or Bundle definition a patch: only `id` required,
/// no defaults (an absent field is unchanged, not reset).
fn as_patch(schema: &mut Value) {
    let m = schema.as_object_mut().expect("an object schema");
    m.insert("required".into(), json!(["id"]));
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        for p in props.values_mut() {
            if let Some(p) = p.as_object_mut() {
                p.remove("default");
            }
        }
    }
}

fn property<'a>(schema: &'a mut Value, name: &str) -> &'a mut Value {
    &mut schema["properties"][name]
}

/// The model's definitions (Document, Bundle and everything they hold),
/// with the open-object rule stated.
fn model_definitions() -> Map<String, Value> {
    let mut gen = generator();
    gen.subschema_for::<Bundle>();
    gen.subschema_for::<Document>();
    gen.subschema_for::<ErrorMessage>();
    let mut defs = gen.take_definitions(true);
    for name in ["Document", "Bundle"] {
        describe(&mut defs[name], OPEN);
    }
    let mut v = Value::Object(defs);
    open_objects(&mut v);
    match v {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

/// A root schema for a model type, its definitions inline.
fn root_for<T: JsonSchema>(title: &str, description: &str) -> Value {
    let mut schema = generator().into_root_schema_for::<T>().to_value();
    let m = schema.as_object_mut().expect("an object schema");
    m.insert("title".into(), title.into());
    describe(&mut schema, description);
    open_objects(&mut schema);
    schema
}

/// The names of the definitions `v` refers to.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                if let Some(name) = r.strip_prefix("#/$defs/") {
                    out.push(name.to_string());
                }
            }
            m.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Keeps only the definitions `body` reaches.
fn reachable(body: &Value, mut defs: Map<String, Value>) -> Map<String, Value> {
    let mut todo = Vec::new();
    refs(body, &mut todo);
    let mut keep = Map::new();
    while let Some(name) = todo.pop() {
        if keep.contains_key(&name) {
            continue;
        }
        if let Some(d) = defs.remove(&name) {
            refs(&d, &mut todo);
            keep.insert(name, d);
        }
    }
    keep
}

/// Rustdoc links (``[`Level::Warning`]``) read as plain code in a schema.
fn plain_links(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(d)) = m.get_mut("description") {
                *d = d.replace("[`", "`").replace("`]", "`");
            }
            m.values_mut().for_each(plain_links);
        }
        Value::Array(a) => a.iter_mut().for_each(plain_links),
        _ => {}
    }
}

fn wrapper(title: &str, description: &str, body: Value, defs: Map<String, Value>) -> Value {
    let defs = reachable(&body, defs);
    let mut schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        "description": description,
    });
    let m = schema.as_object_mut().expect("an object");
    for (k, v) in body.as_object().expect("an object").clone() {
        m.insert(k, v);
    }
    m.insert("$defs".into(), Value::Object(defs));
    schema
}

fn document_schema() -> Value {
    root_for::<Document>(
        "copydesk document",
        &format!("One document as the host holds it and writes it to `documents.jsonl`, and as protocol 1 sends it whole. {OPEN}"),
    )
}

fn bundle_schema() -> Value {
    root_for::<Bundle>(
        "copydesk bundle",
        &format!("A bundle as the host holds it and as protocol 1 sends it whole. {OPEN}"),
    )
}

fn manifest_schema() -> Value {
    root_for::<Manifest>(
        "copydesk plugin manifest",
        "The NUL-terminated JSON string the plugin descriptor's `manifest` field points to (docs/abi.md). The host ignores members it does not know, so a newer plugin's manifest loads.",
    )
}

const PROJECTED: &str = "A document as a stage sees it (protocol 2): `id`, `bundle`, and only the fields the stage declares in `reads` (every field for `*`, an `ext` object holding only the namespaces it reads for `ext.<plugin>`). A field it reads may be absent when it has its default value (null, empty string, empty list). Unknown fields (written by a newer plugin) are sent to a stage that reads them or `*`.";

const DOC_PATCH: &str = "A document patch (protocol 2): the document's `id` (never changed) and any subset of its fields; an absent field is unchanged. `ext` is merged per namespace: each namespace given replaces the host's, `null` removes it, others are kept; a plugin may change only its own namespace. `source` is merged key by key. `diagnostics` is appended to the host's list when the stage was not sent `diagnostics`, and replaces it when it was. `bundle` is ignored. A field outside the stage's `writes` must be absent or unchanged. Fields the host does not know are kept as they came. Every span must fall inside `text` on character boundaries.";

const PROJECTED_BUNDLE: &str = "A bundle as a stage sees it (protocol 2): `id`, every document projected to the stage's `reads`, and the bundle-level fields it reads (`bundle.summary`, `bundle.ext.<plugin>`, ...; `ext` holds only the namespaces read), a field possibly absent when it has its default value.";

const BUNDLE_PATCH: &str = "A bundle patch (protocol 2): the bundle's `id` (never changed) and any subset of its fields; an absent field is unchanged. `documents` holds document patches matched by `id` (none may be added or appear twice); a document it leaves out is kept, unless the stage writes `bundle.documents`, when it is removed. `ext` is merged per namespace (`null` removes); a plugin may change only its own. `diagnostics` is appended unless the stage read `bundle.diagnostics`, then replaced. After the patch every span of the bundle is checked (document spans, summary citations with their text equal to the cited span, shared-passage and quote occurrences, quote sources, duplicate cluster members in the bundle); on any failure the bundle is left as it was before the stage.";

/// Definitions for the protocol-2 messages: the model's, plus the
/// projected and patch forms of Document and Bundle.
fn message_definitions() -> Map<String, Value> {
    let mut defs = model_definitions();
    let document = defs["Document"].clone();
    let bundle = defs["Bundle"].clone();

    let mut projected = document.clone();
    projected["required"] = json!(["id", "bundle"]);
    set_description(&mut projected, &format!("{PROJECTED} {OPEN}"));
    defs.insert("ProjectedDocument".into(), projected);

    let mut patch = document;
    as_patch(&mut patch);
    set_description(&mut patch, &format!("{DOC_PATCH} {OPEN}"));
    set_description(
        property(&mut patch, "bundle"),
        "Ignored: a document's bundle is the host's.",
    );
    describe(
        property(&mut patch, "ext"),
        "In a patch: merged per namespace; `null` removes a namespace.",
    );
    describe(
        property(&mut patch, "diagnostics"),
        "In a patch: appended to the host's list when the stage was not sent `diagnostics`, replacing it when it was.",
    );
    defs.insert("DocumentPatch".into(), patch);

    let mut projected = bundle.clone();
    projected["properties"]["documents"]["items"] = def("ProjectedDocument");
    set_description(&mut projected, &format!("{PROJECTED_BUNDLE} {OPEN}"));
    defs.insert("ProjectedBundle".into(), projected);

    let mut patch = bundle;
    as_patch(&mut patch);
    patch["properties"]["documents"]["items"] = def("DocumentPatch");
    set_description(
        property(&mut patch, "documents"),
        "Document patches, matched by `id`; absent: no document changes. A document left out is kept, unless the stage writes `bundle.documents`, when it is removed.",
    );
    describe(
        property(&mut patch, "ext"),
        "In a patch: merged per namespace; `null` removes a namespace.",
    );
    describe(
        property(&mut patch, "diagnostics"),
        "In a patch: appended to the host's list when the stage was not sent `bundle.diagnostics`, replacing it when it was.",
    );
    set_description(&mut patch, &format!("{BUNDLE_PATCH} {OPEN}"));
    defs.insert("BundlePatch".into(), patch);
    defs
}

fn request_schema() -> Value {
    let mut defs = message_definitions();
    defs.insert(
        "DocumentsRequest".into(),
        json!({
            "description": "For a document stage: a batch of documents (up to 64 from this host; a plugin must take any number), projected to what the stage reads.",
            "type": "object",
            "properties": {
                "op": {"const": "documents", "description": "Always the first member."},
                "protocol": {"const": 2, "description": "The message protocol of this request: the lesser of the host's and the plugin's manifest `protocol`. Absent: protocol 1, which sends whole documents (document.json) and takes whole documents back."},
                "documents": {"type": "array", "items": def("ProjectedDocument")}
            },
            "required": ["op", "protocol", "documents"],
            "additionalProperties": true
        }),
    );
    defs.insert(
        "BundleRequest".into(),
        json!({
            "description": "For a bundle stage: one whole bundle, projected to what the stage reads.",
            "type": "object",
            "properties": {
                "op": {"const": "bundle", "description": "Always the first member."},
                "protocol": {"const": 2, "description": "As for `documents`: absent means protocol 1 (the whole bundle, bundle.json)."},
                "bundle": def("ProjectedBundle")
            },
            "required": ["op", "protocol", "bundle"],
            "additionalProperties": true
        }),
    );
    wrapper(
        "copydesk request (protocol 2)",
        &format!("The bytes the host passes to a plugin's `process` (not NUL-terminated, valid only during the call): UTF-8 JSON, `op` first. {OPEN}"),
        json!({"oneOf": [def("DocumentsRequest"), def("BundleRequest")]}),
        defs,
    )
}

fn response_schema() -> Value {
    let mut defs = message_definitions();
    defs.insert(
        "DocumentResult".into(),
        json!({
            "description": "The outcome for one document: exactly one of `ok` (its patch) and `error` (this document failed; the others go on).",
            "oneOf": [
                {
                    "type": "object",
                    "properties": {"ok": def("DocumentPatch")},
                    "required": ["ok"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {"error": def("ErrorMessage")},
                    "required": ["error"],
                    "additionalProperties": false
                }
            ]
        }),
    );
    defs.insert(
        "DocumentsResponse".into(),
        json!({
            "description": "The answer to a `documents` request: one result per document sent, in order.",
            "type": "object",
            "properties": {
                "results": {"type": "array", "items": def("DocumentResult")}
            },
            "required": ["results"],
            "additionalProperties": true
        }),
    );
    defs.insert(
        "BundleResponse".into(),
        json!({
            "description": "The answer to a `bundle` request: the bundle's patch.",
            "type": "object",
            "properties": {"bundle": def("BundlePatch")},
            "required": ["bundle"],
            "additionalProperties": true
        }),
    );
    describe(
        &mut defs["ErrorMessage"],
        "Also the whole output of `create` or `process` when it returns status 1 (the whole batch, or the bundle, failed).",
    );
    wrapper(
        "copydesk response (protocol 2)",
        &format!("The bytes a plugin's `process` returns with status 0 (freed with the plugin's `free_buffer`): UTF-8 JSON, exactly one of `results` (for `documents`) and `bundle` (for `bundle`). A response that does not fit is a malformed message, reported with the path of the field (`results[0].ok.title: invalid type: integer `5`, expected a string`). {OPEN}"),
        json!({"oneOf": [def("DocumentsResponse"), def("BundleResponse")]}),
        defs,
    )
}

/// Every schema file of `docs/schema/`, by file name.
pub fn schemas() -> Vec<(&'static str, Value)> {
    let mut all = vec![
        ("document.json", document_schema()),
        ("bundle.json", bundle_schema()),
        ("manifest.json", manifest_schema()),
        ("request.json", request_schema()),
        ("response.json", response_schema()),
    ];
    for (_, schema) in &mut all {
        plain_links(schema);
    }
    all
}

/// A schema file's text: pretty JSON and a final newline.
pub fn to_text(schema: &Value) -> String {
    let mut s = serde_json::to_string_pretty(schema).expect("a schema serialises");
    s.push('\n');
    s
}
