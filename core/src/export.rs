//! What [`export_plugin!`](crate::export_plugin) expands to: the C entry
//! points for a [`Plugin`], each wrapped in `catch_unwind` so that a panic
//! becomes an error message instead of aborting the host.

use std::ffi::{c_char, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{Map, Value};

use crate::abi::{
    Buffer, DocResult, ErrorMessage, Manifest, PluginDescriptor, Response, ABI_VERSION,
    STATUS_ERROR, STATUS_OK,
};
use crate::stage::{Options, Plugin, Stage};
use crate::wire::{BundlePatchOf, FieldSet, PatchOf, RequestMessage};

/// A stage instance with what its declaration says it writes.
struct Instance {
    stage: Stage,
    reads: FieldSet,
    writes: FieldSet,
}

/// Static storage for a plugin's descriptor and the strings it points to.
#[doc(hidden)]
pub struct DescriptorHolder {
    descriptor: PluginDescriptor,
    _strings: [CString; 4],
}

impl DescriptorHolder {
    /// The descriptor.
    pub fn descriptor(&self) -> *const PluginDescriptor {
        &self.descriptor
    }
}

fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).expect("NULs replaced")
}

/// Builds the descriptor of plugin `P`. Panics are the caller's to catch.
#[doc(hidden)]
pub fn build_descriptor<P: Plugin>() -> DescriptorHolder {
    let manifest = serde_json::to_string(&Manifest {
        stages: P::stages(),
        protocol: crate::wire::PROTOCOL,
        sdk: Some(format!("copydesk-core {}", crate::abi::SDK_VERSION)),
    })
    .expect("a manifest always serialises");
    let strings = [
        c_string(P::NAME),
        c_string(P::VERSION),
        c_string(P::DESCRIPTION),
        c_string(&manifest),
    ];
    let descriptor = PluginDescriptor {
        abi_version: ABI_VERSION,
        struct_size: std::mem::size_of::<PluginDescriptor>() as u32,
        name: strings[0].as_ptr(),
        version: strings[1].as_ptr(),
        description: strings[2].as_ptr(),
        manifest: strings[3].as_ptr(),
        create: Some(create::<P>),
        process: Some(process),
        destroy: Some(destroy),
        free_buffer: Some(free_buffer),
    };
    DescriptorHolder {
        descriptor,
        _strings: strings,
    }
}

/// Runs the entry point body: returns null if building the descriptor panics.
#[doc(hidden)]
pub fn entry(
    cell: &'static std::sync::OnceLock<DescriptorHolder>,
    build: fn() -> DescriptorHolder,
) -> *const PluginDescriptor {
    match catch_unwind(|| cell.get_or_init(build).descriptor()) {
        Ok(p) => p,
        Err(_) => std::ptr::null(),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

fn error_bytes(message: String, panic: bool) -> Vec<u8> {
    serde_json::to_vec(&ErrorMessage { message, panic })
        .unwrap_or_else(|_| b"{\"message\":\"error\"}".to_vec())
}

unsafe fn write(out: *mut Buffer, bytes: Vec<u8>) {
    if !out.is_null() {
        out.write(Buffer::from_vec(bytes));
    }
}

unsafe extern "C" fn create<P: Plugin>(
    stage: *const c_char,
    config: *const u8,
    config_len: usize,
    out_instance: *mut *mut c_void,
    out_error: *mut Buffer,
) -> i32 {
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<Instance, String> {
        if stage.is_null() || out_instance.is_null() || (config.is_null() && config_len > 0) {
            return Err("create called with a null pointer".into());
        }
        let name = CStr::from_ptr(stage)
            .to_str()
            .map_err(|_| "stage name is not UTF-8".to_string())?;
        let bytes = if config_len == 0 {
            &b"{}"[..]
        } else {
            std::slice::from_raw_parts(config, config_len)
        };
        let map: Map<String, Value> = serde_json::from_slice(bytes)
            .map_err(|e| format!("stage configuration is not a JSON object: {e}"))?;
        let spec = P::stages().into_iter().find(|s| s.name == name);
        let reads = spec
            .as_ref()
            .map(|s| FieldSet::of(&s.reads))
            .unwrap_or_else(FieldSet::all);
        let writes = spec
            .as_ref()
            .map(|s| FieldSet::of(&s.writes))
            .unwrap_or_else(FieldSet::all);
        P::create(name, &Options(map))
            .map(|stage| Instance {
                stage,
                reads,
                writes,
            })
            .map_err(|e| e.message)
    }));
    match result {
        Ok(Ok(instance)) => {
            *out_instance = Box::into_raw(Box::new(instance)) as *mut c_void;
            STATUS_OK
        }
        Ok(Err(message)) => {
            write(out_error, error_bytes(message, false));
            STATUS_ERROR
        }
        Err(payload) => {
            write(
                out_error,
                error_bytes(
                    format!(
                        "panicked while creating the stage: {}",
                        panic_message(&*payload)
                    ),
                    true,
                ),
            );
            STATUS_ERROR
        }
    }
}

/// The outcome for one document, before it is written out.
#[allow(clippy::large_enum_variant)] // short-lived, one per document of a batch
enum Outcome {
    Ok(crate::model::Document),
    Error(ErrorMessage),
}

fn run(instance: &Instance, input: &[u8]) -> Result<Vec<u8>, String> {
    let request: RequestMessage =
        serde_json::from_slice(input).map_err(|e| format!("malformed request message: {e}"))?;
    // Protocol 2 hosts take patches; a protocol-1 host gets whole documents.
    let patches = request.protocol >= 2;
    let writes = &instance.writes;
    match (&instance.stage, request.op.as_str()) {
        (Stage::Document(stage), "documents") => {
            let documents = request.documents.unwrap_or_default();
            // One catch_unwind per document: a panic on one document loses only that one.
            let outcomes: Vec<Outcome> = documents
                .into_iter()
                .map(
                    |doc| match catch_unwind(AssertUnwindSafe(|| stage.process(doc))) {
                        Ok(Ok(doc)) => Outcome::Ok(doc),
                        Ok(Err(e)) => Outcome::Error(ErrorMessage {
                            message: e.message,
                            panic: false,
                        }),
                        Err(payload) => Outcome::Error(ErrorMessage {
                            message: format!("panicked: {}", panic_message(&*payload)),
                            panic: true,
                        }),
                    },
                )
                .collect();
            let bytes = if patches {
                serde_json::to_vec(&PatchResults {
                    outcomes: &outcomes,
                    writes,
                    sent: &instance.reads,
                })
            } else {
                let results = outcomes
                    .into_iter()
                    .map(|o| match o {
                        Outcome::Ok(d) => DocResult::Ok(d),
                        Outcome::Error(e) => DocResult::Error(e),
                    })
                    .collect();
                serde_json::to_vec(&Response::Documents { results })
            };
            bytes.map_err(|e| format!("could not serialise the response: {e}"))
        }
        (Stage::Bundle(stage), "bundle") => {
            let bundle = request
                .bundle
                .ok_or_else(|| "malformed request message: no `bundle`".to_string())?;
            let threads = request.threads.unwrap_or(1).max(1) as usize;
            let bundle = crate::budget::with_threads(threads, || stage.process(bundle))
                .map_err(|e| e.message)?;
            let bytes = if patches {
                #[derive(serde::Serialize)]
                struct Out<'a> {
                    bundle: BundlePatchOf<'a>,
                }
                serde_json::to_vec(&Out {
                    bundle: BundlePatchOf {
                        bundle: &bundle,
                        writes,
                        sent: &instance.reads,
                    },
                })
            } else {
                serde_json::to_vec(&Response::Bundle { bundle })
            };
            bytes.map_err(|e| format!("could not serialise the response: {e}"))
        }
        (Stage::Document(_), _) => {
            Err("this is a document stage: send an `documents` request".into())
        }
        (Stage::Bundle(_), _) => Err("this is a bundle stage: send a `bundle` request".into()),
    }
}

/// `{"results": [{"ok": <patch>} | {"error": {...}}]}`
struct PatchResults<'a> {
    outcomes: &'a [Outcome],
    writes: &'a FieldSet,
    sent: &'a FieldSet,
}

impl serde::Serialize for PatchResults<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct One<'a>(&'a Outcome, &'a FieldSet, &'a FieldSet);
        impl serde::Serialize for One<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = s.serialize_map(Some(1))?;
                match self.0 {
                    Outcome::Ok(doc) => map.serialize_entry(
                        "ok",
                        &PatchOf {
                            doc,
                            writes: self.1,
                            sent: self.2,
                        },
                    )?,
                    Outcome::Error(e) => map.serialize_entry("error", e)?,
                }
                map.end()
            }
        }
        struct All<'a>(&'a [Outcome], &'a FieldSet, &'a FieldSet);
        impl serde::Serialize for All<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.0.len()))?;
                for o in self.0 {
                    seq.serialize_element(&One(o, self.1, self.2))?;
                }
                seq.end()
            }
        }
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry("results", &All(self.outcomes, self.writes, self.sent))?;
        map.end()
    }
}

unsafe extern "C" fn process(
    instance: *mut c_void,
    input: *const u8,
    input_len: usize,
    out: *mut Buffer,
) -> i32 {
    let result = catch_unwind(AssertUnwindSafe(|| {
        if instance.is_null() || (input.is_null() && input_len > 0) {
            return Err("process called with a null pointer".to_string());
        }
        let instance = &*(instance as *const Instance);
        let input = if input_len == 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(input, input_len)
        };
        run(instance, input)
    }));
    match result {
        Ok(Ok(bytes)) => {
            write(out, bytes);
            STATUS_OK
        }
        Ok(Err(message)) => {
            write(out, error_bytes(message, false));
            STATUS_ERROR
        }
        Err(payload) => {
            write(
                out,
                error_bytes(format!("panicked: {}", panic_message(&*payload)), true),
            );
            STATUS_ERROR
        }
    }
}

unsafe extern "C" fn destroy(instance: *mut c_void) {
    if !instance.is_null() {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            drop(Box::from_raw(instance as *mut Instance))
        }));
    }
}

unsafe extern "C" fn free_buffer(buffer: Buffer) {
    let _ = catch_unwind(AssertUnwindSafe(|| drop(buffer.into_vec())));
}

/// Exports a [`Plugin`](crate::Plugin) from a `cdylib` crate.
///
/// ```ignore
/// struct Upper;
/// impl copydesk_core::Plugin for Upper { /* ... */ }
/// copydesk_core::export_plugin!(Upper);
/// ```
///
/// Expands to the `copydesk_plugin_entry` symbol. Every entry point catches
/// panics; a plugin author cannot forget to.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        /// The copydesk plugin entry point (ABI version in `copydesk_core::abi::ABI_VERSION`).
        #[no_mangle]
        pub extern "C" fn copydesk_plugin_entry() -> *const $crate::abi::PluginDescriptor {
            static DESCRIPTOR: ::std::sync::OnceLock<$crate::__private::DescriptorHolder> =
                ::std::sync::OnceLock::new();
            $crate::__private::entry(&DESCRIPTOR, $crate::__private::build_descriptor::<$plugin>)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;
    use crate::stage::{DocumentStage, StageError};
    use crate::wire::{apply_doc_patch, ResponseMessage, Rules};

    struct Tag;
    impl DocumentStage for Tag {
        fn process(&self, mut doc: Document) -> Result<Document, StageError> {
            let n = doc.text.split_whitespace().count();
            doc.ext
                .insert("tag".into(), serde_json::json!({ "words": n }));
            Ok(doc)
        }
    }

    /// A stage that declares what it reads but not what it writes gets a
    /// projection; its patch must not carry the defaults of fields it never
    /// saw, or the host would erase them.
    #[test]
    fn a_stage_that_declares_only_reads_erases_nothing() {
        let instance = Instance {
            stage: Stage::document(Tag),
            reads: FieldSet::of(&["text"]),
            writes: FieldSet::all(),
        };
        let request = br#"{"op":"documents","protocol":2,"documents":[{"id":"b/1","bundle":"b","text":"one two three"}]}"#;
        let bytes = run(&instance, request).unwrap();
        let response: ResponseMessage = serde_json::from_slice(&bytes).unwrap();
        let mut host = Document::unparsed("b/1", "b", "in/1.txt");
        host.text = "one two three".into();
        host.title = Some("Kept".into());
        host.dateline = Some("PARIS".into());
        host.authors = vec!["A. Writer".into()];
        let before = host.clone();
        let patch = match response.results.unwrap().remove(0) {
            crate::wire::DocOutcome::Ok(p) => p,
            other => panic!("{other:?}"),
        };
        let all = FieldSet::all();
        apply_doc_patch(
            &mut host,
            patch,
            &Rules {
                writes: &all,
                reads: &instance.reads,
                plugin: "tag",
            },
        )
        .unwrap();
        assert_eq!(host.ext["tag"]["words"], 3);
        host.ext.clear();
        assert_eq!(host, before, "nothing but ext.tag changed");
    }
}
