//! The plugin C ABI, version [`ABI_VERSION`]. `docs/abi.md` is its
//! specification and has the matching C header.
//!
//! A plugin is a shared library exporting one symbol,
//! `copydesk_plugin_entry`, a function without arguments that returns a
//! pointer to a static descriptor. The descriptor starts with `abi_version`
//! and `struct_size`, which the host checks before reading anything else.
//! Everything else crosses as bytes: JSON messages in buffers, freed by the
//! side that allocated them.
//!
//! Rust plugin authors never touch the ABI: [`export_plugin!`](crate::export_plugin)
//! implements it. The descriptor, buffer, function and message types here
//! are public only because the host shares them, and are hidden from these
//! docs; what an author may want is [`ABI_VERSION`] and [`SDK_VERSION`].

use std::ffi::{c_char, c_void};

use serde::{Deserialize, Serialize};

use crate::model::{Bundle, Document};
use crate::stage::StageSpec;

/// The ABI version this crate implements. Bumped on any incompatible change
/// to the descriptor layout or the functions' contracts. (Messages evolve
/// by protocol version instead: each plugin's manifest says which it
/// speaks.)
pub const ABI_VERSION: u32 = 1;

/// The oldest ABI version a host built from this crate accepts.
#[doc(hidden)]
pub const MIN_ABI_VERSION: u32 = 1;

/// The size of the ABI-1 descriptor: the least `struct_size` a host
/// accepts. Fields appended later make descriptors larger; a host reads a
/// field only when `struct_size` says it is there.
#[doc(hidden)]
pub const ABI1_DESCRIPTOR_SIZE: usize = 2 * 4 + 8 * std::mem::size_of::<usize>();

/// The oldest message protocol a host built from this crate speaks.
#[doc(hidden)]
pub const MIN_PROTOCOL: u32 = 1;

/// The version of this SDK, recorded in every plugin's manifest.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Name of the exported entry symbol (NUL-terminated for `dlsym`).
#[doc(hidden)]
pub const ENTRY_SYMBOL: &[u8] = b"copydesk_plugin_entry\0";

/// Status: success; the output buffer holds the response message.
#[doc(hidden)]
pub const STATUS_OK: i32 = 0;
/// Status: failure; the output buffer holds an [`ErrorMessage`].
#[doc(hidden)]
pub const STATUS_ERROR: i32 = 1;

/// Bytes owned by the plugin that allocated them; give them back with
/// [`PluginDescriptor::free_buffer`].
#[doc(hidden)]
#[repr(C)]
#[derive(Debug)]
pub struct Buffer {
    /// Start of the bytes (null when empty).
    pub ptr: *mut u8,
    /// Number of bytes.
    pub len: usize,
    /// Allocator-private (Rust plugins store the capacity here).
    pub cap: usize,
}

impl Buffer {
    /// An empty buffer.
    pub const fn empty() -> Self {
        Buffer {
            ptr: std::ptr::null_mut(),
            len: 0,
            cap: 0,
        }
    }

    /// Hands a vector over to the other side (plugin side).
    pub fn from_vec(bytes: Vec<u8>) -> Self {
        let mut bytes = std::mem::ManuallyDrop::new(bytes);
        Buffer {
            ptr: bytes.as_mut_ptr(),
            len: bytes.len(),
            cap: bytes.capacity(),
        }
    }

    /// Takes back a vector made by [`Buffer::from_vec`] in *this* library.
    ///
    /// # Safety
    /// `self` must come from `Buffer::from_vec` in the same library and not have been freed.
    pub unsafe fn into_vec(self) -> Vec<u8> {
        if self.ptr.is_null() {
            return Vec::new();
        }
        Vec::from_raw_parts(self.ptr, self.len, self.cap)
    }

    /// Views the bytes (host side, before handing the buffer back).
    ///
    /// # Safety
    /// `ptr` must be valid for `len` bytes.
    pub unsafe fn as_slice(&self) -> &[u8] {
        if self.ptr.is_null() || self.len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(self.ptr, self.len)
        }
    }
}

/// `create(stage, config, config_len, out_instance, out_error) -> status`
#[doc(hidden)]
pub type CreateFn = unsafe extern "C" fn(
    stage: *const c_char,
    config: *const u8,
    config_len: usize,
    out_instance: *mut *mut c_void,
    out_error: *mut Buffer,
) -> i32;
/// `process(instance, input, input_len, out) -> status`
#[doc(hidden)]
pub type ProcessFn = unsafe extern "C" fn(
    instance: *mut c_void,
    input: *const u8,
    input_len: usize,
    out: *mut Buffer,
) -> i32;
/// `destroy(instance)`
#[doc(hidden)]
pub type DestroyFn = unsafe extern "C" fn(instance: *mut c_void);
/// `free_buffer(buffer)`
#[doc(hidden)]
pub type FreeBufferFn = unsafe extern "C" fn(buffer: Buffer);

/// What the entry symbol returns. Lives as long as the library is loaded.
///
/// Fields are only ever appended; `struct_size` tells the host which are there.
#[doc(hidden)]
#[repr(C)]
pub struct PluginDescriptor {
    /// Must equal the host's [`ABI_VERSION`].
    pub abi_version: u32,
    /// `sizeof(PluginDescriptor)` as the plugin was compiled.
    pub struct_size: u32,
    /// Plugin name, NUL-terminated UTF-8.
    pub name: *const c_char,
    /// Plugin version, NUL-terminated UTF-8.
    pub version: *const c_char,
    /// One-line description, NUL-terminated UTF-8.
    pub description: *const c_char,
    /// The manifest, NUL-terminated JSON: a [`Manifest`].
    pub manifest: *const c_char,
    /// Creates a stage instance.
    pub create: Option<CreateFn>,
    /// Processes one request message.
    pub process: Option<ProcessFn>,
    /// Destroys an instance.
    pub destroy: Option<DestroyFn>,
    /// Frees a buffer the plugin returned.
    pub free_buffer: Option<FreeBufferFn>,
}

// The descriptor only holds pointers to immutable static data and functions.
unsafe impl Sync for PluginDescriptor {}
unsafe impl Send for PluginDescriptor {}

/// The manifest: the stages a plugin provides, with their options.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Manifest {
    /// The stages.
    pub stages: Vec<StageSpec>,
    /// The newest message protocol the plugin speaks (absent: 1, whole
    /// documents both ways).
    #[serde(default = "one")]
    pub protocol: u32,
    /// The SDK it was built with (`copydesk-core 0.1.0`), when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdk: Option<String>,
}

fn one() -> u32 {
    1
}

/// A request message: the bytes passed to `process`.
#[doc(hidden)]
#[allow(clippy::large_enum_variant)] // a wire type: boxing would not change the message
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Request {
    /// For document stages: a batch of documents.
    Documents {
        /// The batch.
        documents: Vec<Document>,
    },
    /// For bundle stages: one bundle.
    Bundle {
        /// The bundle.
        bundle: Bundle,
    },
}

/// The outcome for one document of a batch.
#[doc(hidden)]
#[allow(clippy::large_enum_variant)] // a wire type: boxing would not change the message
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocResult {
    /// The transformed document.
    Ok(Document),
    /// Why it failed.
    Error(ErrorMessage),
}

/// A response message: what `process` returns on success.
#[doc(hidden)]
#[allow(clippy::large_enum_variant)] // a wire type: boxing would not change the message
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Response {
    /// For `documents`: one result per input document, in order.
    Documents {
        /// Results.
        results: Vec<DocResult>,
    },
    /// For `bundle`: the transformed bundle.
    Bundle {
        /// The bundle.
        bundle: Bundle,
    },
}

/// An error message crossing the boundary.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorMessage {
    /// What went wrong.
    pub message: String,
    /// True when the plugin panicked (caught at the boundary).
    #[serde(default)]
    pub panic: bool,
}
