//! A plugin written the way an ABI-1 plugin was, against an *older*
//! document model: a pass-through document stage whose `Document` knows
//! only some of today's fields (no `dateline`, `url`, `byline`, `authors`,
//! dates, turns, `ext`...). It speaks protocol 1 (its manifest says nothing
//! of protocols, reads or writes) and returns every document whole, as it
//! understood it.
//!
//! The host must keep every field this plugin does not know. With the
//! option `newer = true` it also plays a *newer* plugin: it writes a `kind`
//! this host does not know and a top-level field this host does not know,
//! which the host must keep, not refuse.
//!
//! It implements the C ABI by hand (no `copydesk-core`), as a plugin in
//! another language would.

use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

#[repr(C)]
pub struct Buffer {
    ptr: *mut u8,
    len: usize,
    cap: usize,
}

#[repr(C)]
pub struct Descriptor {
    abi_version: u32,
    struct_size: u32,
    name: *const c_char,
    version: *const c_char,
    description: *const c_char,
    manifest: *const c_char,
    create:
        unsafe extern "C" fn(*const c_char, *const u8, usize, *mut *mut c_void, *mut Buffer) -> i32,
    process: unsafe extern "C" fn(*mut c_void, *const u8, usize, *mut Buffer) -> i32,
    destroy: unsafe extern "C" fn(*mut c_void),
    free_buffer: unsafe extern "C" fn(Buffer),
}

unsafe impl Sync for Descriptor {}

static MANIFEST: &[u8] = concat!(
    r#"{"stages":["#,
    r#"{"name":"legacy","kind":"document","description":"Passes documents through, as an old plugin understood them.","#,
    r#""options":[{"name":"mode","type":"string","default":"pass","doc":"pass, newer, title, ext-other, no-id, bad-type"}],"requires":["text"],"provides":[]},"#,
    r#"{"name":"declared","kind":"document","description":"Declares that it reads text and writes ext.legacy.","#,
    r#""options":[{"name":"mode","type":"string","default":"pass","doc":"as for legacy"}],"requires":["text"],"provides":[],"reads":["text"],"writes":["ext.legacy"]},"#,
    r#"{"name":"cite","kind":"bundle","description":"Writes a summary whose citation does not fit its document.","#,
    r#""options":[],"requires":["text"],"provides":[],"reads":["text"],"writes":["bundle.summary"]}"#,
    r#"]}"#,
    "\0"
)
.as_bytes();

static DESCRIPTOR: Descriptor = Descriptor {
    abi_version: 1,
    struct_size: std::mem::size_of::<Descriptor>() as u32,
    name: c"legacy".as_ptr(),
    version: c"0.0.1".as_ptr(),
    description: c"An ABI-1 pass-through against an older model.".as_ptr(),
    manifest: MANIFEST.as_ptr() as *const c_char,
    create,
    process,
    destroy,
    free_buffer,
};

/// The entry point.
#[no_mangle]
pub extern "C" fn copydesk_plugin_entry() -> *const Descriptor {
    &DESCRIPTOR
}

/// Source, as the old model had it.
#[derive(Serialize, Deserialize)]
struct OldSource {
    path: String,
    #[serde(default)]
    format: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
struct OldSpan {
    start: usize,
    end: usize,
}

/// The old model's document: fewer fields than today's.
#[derive(Serialize, Deserialize)]
struct OldDocument {
    id: String,
    bundle: String,
    source: OldSource,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    paragraphs: Vec<OldSpan>,
    #[serde(default)]
    sentences: Vec<OldSpan>,
    /// What a newer plugin adds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sentiment: Option<serde_json::Value>,
    /// Diagnostics, kept as they came (and added to in the "newer" mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    diagnostics: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
struct OldRequest {
    documents: Vec<OldDocument>,
}

/// Instances: the stage and its mode.
struct Instance {
    bundle: bool,
    mode: String,
}

static NEWER: AtomicBool = AtomicBool::new(false);

fn give(bytes: Vec<u8>) -> Buffer {
    let mut bytes = std::mem::ManuallyDrop::new(bytes);
    Buffer {
        ptr: bytes.as_mut_ptr(),
        len: bytes.len(),
        cap: bytes.capacity(),
    }
}

unsafe extern "C" fn create(
    stage: *const c_char,
    config: *const u8,
    len: usize,
    out: *mut *mut c_void,
    _err: *mut Buffer,
) -> i32 {
    let config: serde_json::Value =
        serde_json::from_slice(std::slice::from_raw_parts(config, len)).unwrap_or_default();
    let stage = std::ffi::CStr::from_ptr(stage)
        .to_string_lossy()
        .into_owned();
    let instance = Instance {
        bundle: stage == "cite",
        mode: config["mode"].as_str().unwrap_or("pass").to_string(),
    };
    NEWER.store(instance.mode == "newer", Ordering::SeqCst);
    *out = Box::into_raw(Box::new(instance)) as *mut c_void;
    0
}

unsafe extern "C" fn process(
    i: *mut c_void,
    input: *const u8,
    len: usize,
    out: *mut Buffer,
) -> i32 {
    let instance = &*(i as *const Instance);
    let bytes = std::slice::from_raw_parts(input, len);
    if instance.bundle {
        // {"bundle": {"id", "summary"}} citing a span far past the text.
        let request: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
        let bundle = &request["bundle"];
        let doc = bundle["documents"][0]["id"].as_str().unwrap_or("");
        let response = serde_json::json!({"bundle": {"id": bundle["id"], "summary": {
            "text": "x", "words": 1,
            "sentences": [{"text": "x", "doc": doc, "start": 0, "end": 99991299}]}}});
        *out = give(serde_json::to_vec(&response).unwrap());
        return 0;
    }
    let Ok(request) = serde_json::from_slice::<OldRequest>(bytes) else {
        *out = give(b"{\"message\":\"bad request\"}".to_vec());
        return 1;
    };
    let newer = NEWER.load(Ordering::SeqCst) && instance.mode == "newer";
    let results: Vec<serde_json::Value> = request
        .documents
        .into_iter()
        .map(|mut d| {
            if newer {
                d.kind = "wire_story".into();
                d.sentiment = Some(serde_json::json!({"score": 0.25}));
                // A diagnostic level this host does not know.
                d.diagnostics.get_or_insert_with(Vec::new).push(serde_json::json!(
                    {"level": "critical", "stage": "legacy", "code": "newer:level", "message": "a level from a newer SDK"}
                ));
            }
            let mut v = serde_json::to_value(&d).unwrap();
            match instance.mode.as_str() {
                "title" => v["title"] = "Changed".into(),
                "ext-other" => v["ext"] = serde_json::json!({"parse": {"hijacked": true}}),
                "no-id" => {
                    v.as_object_mut().unwrap().remove("id");
                }
                "bad-type" => v["title"] = 5.into(),
                _ => {}
            }
            serde_json::json!({ "ok": v })
        })
        .collect();
    *out = give(serde_json::to_vec(&serde_json::json!({ "results": results })).unwrap());
    0
}

unsafe extern "C" fn destroy(i: *mut c_void) {
    drop(Box::from_raw(i as *mut Instance));
}

unsafe extern "C" fn free_buffer(b: Buffer) {
    if !b.ptr.is_null() {
        drop(Vec::from_raw_parts(b.ptr, b.len, b.cap));
    }
}
