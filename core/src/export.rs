//! What [`export_plugin!`](crate::export_plugin) expands to: the C entry
//! points for a [`Plugin`], each wrapped in `catch_unwind` so that a panic
//! becomes an error message instead of aborting the host.

use std::ffi::{c_char, c_void, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use serde_json::{Map, Value};

use crate::abi::{
    Buffer, DocResult, ErrorMessage, Manifest, PluginDescriptor, Request, Response, ABI_VERSION,
    STATUS_ERROR, STATUS_OK,
};
use crate::stage::{Options, Plugin, Stage};

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
    let result = catch_unwind(AssertUnwindSafe(|| -> Result<Stage, String> {
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
        P::create(name, &Options(map)).map_err(|e| e.message)
    }));
    match result {
        Ok(Ok(stage)) => {
            *out_instance = Box::into_raw(Box::new(stage)) as *mut c_void;
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

fn run(stage: &Stage, input: &[u8]) -> Result<Vec<u8>, String> {
    let request: Request =
        serde_json::from_slice(input).map_err(|e| format!("malformed request message: {e}"))?;
    let response = match (stage, request) {
        (Stage::Document(stage), Request::Documents { documents }) => {
            // One catch_unwind per document: a panic on one document loses only that one.
            let results = documents
                .into_iter()
                .map(
                    |doc| match catch_unwind(AssertUnwindSafe(|| stage.process(doc))) {
                        Ok(Ok(doc)) => DocResult::Ok(doc),
                        Ok(Err(e)) => DocResult::Error(ErrorMessage {
                            message: e.message,
                            panic: false,
                        }),
                        Err(payload) => DocResult::Error(ErrorMessage {
                            message: format!("panicked: {}", panic_message(&*payload)),
                            panic: true,
                        }),
                    },
                )
                .collect();
            Response::Documents { results }
        }
        (Stage::Bundle(stage), Request::Bundle { bundle }) => Response::Bundle {
            bundle: stage.process(bundle).map_err(|e| e.message)?,
        },
        (Stage::Document(_), _) => {
            return Err("this is a document stage: send an `documents` request".into())
        }
        (Stage::Bundle(_), _) => {
            return Err("this is a bundle stage: send a `bundle` request".into())
        }
    };
    serde_json::to_vec(&response).map_err(|e| format!("could not serialise the response: {e}"))
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
        let stage = &*(instance as *const Stage);
        let input = if input_len == 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(input, input_len)
        };
        run(stage, input)
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
            drop(Box::from_raw(instance as *mut Stage))
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
