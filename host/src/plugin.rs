//! Loading plugin libraries and calling them through the C ABI.
//!
//! Safety rules (see `docs/abi.md` and `docs/architecture.md`):
//! - a library is loaded only from the configured search path or an explicit path;
//! - the entry symbol's descriptor is checked (`abi_version`, then
//!   `struct_size`, then non-null fields) before anything else is read or called;
//! - libraries are never unloaded (unloading code that registered
//!   thread-local destructors crashes): each [`Library`] is leaked on purpose,
//!   so every stage instance made from it stays valid for the process's life;
//! - whatever the plugin allocates it frees (`free_buffer`, `destroy`).

use std::ffi::{c_char, c_void, CStr, CString};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use copydesk_core::abi::{
    self, Buffer, ErrorMessage, Manifest, PluginDescriptor, ABI1_DESCRIPTOR_SIZE, ABI_VERSION,
    ENTRY_SYMBOL, MIN_ABI_VERSION, MIN_PROTOCOL, STATUS_OK,
};
use copydesk_core::wire::{FieldSet, PROTOCOL};
use copydesk_core::{StageKind, StageSpec};
use libloading::Library;
use serde_json::{Map, Value};

use crate::error::{HostError, Result};

/// A loaded, checked plugin library.
pub struct LoadedPlugin {
    /// The library file.
    pub path: PathBuf,
    /// Plugin name.
    pub name: String,
    /// Plugin version.
    pub version: String,
    /// Description.
    pub description: String,
    /// Its stages.
    pub stages: Vec<StageSpec>,
    /// The message protocol host and plugin speak: the newest both know.
    pub protocol: u32,
    /// The SDK the plugin was built with, when its manifest says.
    pub sdk: Option<String>,
    descriptor: &'static PluginDescriptor,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("name", &self.name)
            .field("version", &self.version)
            .field("path", &self.path)
            .finish()
    }
}

// The descriptor points at immutable static data inside a library that is never unloaded.
unsafe impl Send for LoadedPlugin {}
unsafe impl Sync for LoadedPlugin {}

unsafe fn c_str(ptr: *const c_char, field: &str) -> std::result::Result<String, String> {
    if ptr.is_null() {
        return Err(format!("descriptor field `{field}` is null"));
    }
    CStr::from_ptr(ptr)
        .to_str()
        .map(str::to_owned)
        .map_err(|_| format!("descriptor field `{field}` is not UTF-8"))
}

impl LoadedPlugin {
    /// Loads and checks a plugin library.
    pub fn load(path: &Path) -> Result<Arc<LoadedPlugin>> {
        let refuse = |message: String| HostError::Plugin {
            path: path.to_path_buf(),
            message,
        };
        // SAFETY: loading runs the library's initialisers; we only load files the user
        // put on the plugin search path or named explicitly.
        let library = unsafe { Library::new(path) }
            .map_err(|e| refuse(format!("cannot load the library: {e}")))?;
        // Every check below happens before the library is kept: a refused
        // library is dropped (unloaded) on return, not leaked.
        // SAFETY: the symbol's type is fixed by the ABI; a wrong type cannot be detected,
        // which is why the name is specific to copydesk.
        let entry = unsafe { library.get::<unsafe extern "C" fn() -> *const PluginDescriptor>(ENTRY_SYMBOL) }
            .map_err(|_| refuse("not a copydesk plugin: it has no `copydesk_plugin_entry` symbol (a Rust plugin exports it with `copydesk_core::export_plugin!`)".into()))?;
        let ptr = unsafe { entry() };
        if ptr.is_null() {
            return Err(refuse("its entry point returned no descriptor (the plugin failed while describing itself)".into()));
        }
        // Read the two leading u32 fields before anything else.
        let (version, size) = unsafe {
            (
                ptr.cast::<u32>().read_unaligned(),
                ptr.cast::<u32>().add(1).read_unaligned(),
            )
        };
        if !(MIN_ABI_VERSION..=ABI_VERSION).contains(&version) {
            let speaks = if MIN_ABI_VERSION == ABI_VERSION {
                format!("ABI version {ABI_VERSION}")
            } else {
                format!("ABI versions {MIN_ABI_VERSION} to {ABI_VERSION}")
            };
            return Err(refuse(format!(
                "plugin ABI version {version}, but this copydesk speaks {speaks}; rebuild the plugin against copydesk-core {} (ABI {ABI_VERSION})",
                env!("CARGO_PKG_VERSION")
            )));
        }
        // Fields are only ever appended: any size from ABI 1's up is fine,
        // and a field is read only when the size says it is there.
        if (size as usize) < ABI1_DESCRIPTOR_SIZE {
            return Err(refuse(format!(
                "descriptor is {size} bytes, expected at least {ABI1_DESCRIPTOR_SIZE} (ABI 1)"
            )));
        }
        // SAFETY: version and size checked; the descriptor is static in the library.
        let descriptor: &'static PluginDescriptor = unsafe { &*ptr };
        if descriptor.create.is_none()
            || descriptor.process.is_none()
            || descriptor.destroy.is_none()
            || descriptor.free_buffer.is_none()
        {
            return Err(refuse("descriptor has a null function pointer".into()));
        }
        let (name, version, description, manifest) = unsafe {
            (
                c_str(descriptor.name, "name"),
                c_str(descriptor.version, "version"),
                c_str(descriptor.description, "description"),
                c_str(descriptor.manifest, "manifest"),
            )
        };
        let (name, version, description, manifest) = (
            name.map_err(refuse)?,
            version.map_err(refuse)?,
            description.map_err(refuse)?,
            manifest.map_err(refuse)?,
        );
        let manifest: Manifest = serde_json::from_str(&manifest)
            .map_err(|e| refuse(format!("plugin `{name}` has a malformed manifest: {e}")))?;
        if manifest.protocol < MIN_PROTOCOL {
            return Err(refuse(format!(
                "plugin `{name}` speaks message protocol {}, older than the oldest this copydesk speaks ({MIN_PROTOCOL}); rebuild it",
                manifest.protocol
            )));
        }
        for stage in &manifest.stages {
            for w in &stage.writes {
                let ns = w
                    .strip_prefix("bundle.ext.")
                    .or_else(|| w.strip_prefix("ext."));
                if ns.is_some_and(|ns| ns != name) {
                    return Err(refuse(format!(
                        "stage `{}` declares that it writes `{w}`: a plugin writes only its own namespace (`ext.{name}`, `bundle.ext.{name}`)",
                        stage.name
                    )));
                }
            }
        }
        // Accepted: never unloaded from here on (see the module docs).
        let _: &'static Library = Box::leak(Box::new(library));
        Ok(Arc::new(LoadedPlugin {
            path: path.to_path_buf(),
            name,
            version,
            description,
            stages: manifest.stages,
            protocol: manifest.protocol.min(PROTOCOL),
            sdk: manifest.sdk,
            descriptor,
        }))
    }

    /// A stage this plugin declares.
    pub fn stage(&self, name: &str) -> Option<&StageSpec> {
        self.stages.iter().find(|s| s.name == name)
    }

    /// Creates a stage instance from checked options.
    pub fn create(
        self: &Arc<Self>,
        stage: &str,
        options: &Map<String, Value>,
    ) -> Result<StageInstance> {
        let spec = self
            .stage(stage)
            .ok_or_else(|| {
                HostError::Config(format!("plugin `{}` has no stage `{stage}`", self.name))
            })?
            .clone();
        let stage_c = CString::new(stage)
            .map_err(|_| HostError::Config("stage name contains a NUL byte".into()))?;
        let config = serde_json::to_vec(options).expect("options serialise");
        let mut instance: *mut c_void = std::ptr::null_mut();
        let mut error = Buffer::empty();
        let create = self.descriptor.create.expect("checked at load");
        // SAFETY: pointers valid for the call; the plugin owns `error` if it fills it.
        let status = unsafe {
            create(
                stage_c.as_ptr(),
                config.as_ptr(),
                config.len(),
                &mut instance,
                &mut error,
            )
        };
        let fail = |message: String| HostError::Stage {
            stage: stage.into(),
            plugin: self.name.clone(),
            doc: None,
            message,
        };
        if status != STATUS_OK || instance.is_null() {
            let bytes = self.take(error);
            let message = serde_json::from_slice::<ErrorMessage>(&bytes)
                .map(|e| e.message)
                .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).into_owned());
            return Err(fail(format!("could not create the stage: {message}")));
        }
        self.take(error);
        Ok(StageInstance {
            plugin: Arc::clone(self),
            reads: FieldSet::of(&spec.reads),
            // Protocol 1 sends whole documents, whatever the stage reads.
            sent: if self.protocol >= 2 {
                FieldSet::of(&spec.reads)
            } else {
                FieldSet::all()
            },
            writes: FieldSet::of(&spec.writes),
            spec,
            instance,
        })
    }

    /// Copies a plugin buffer and gives it back to the plugin.
    fn take(&self, buffer: Buffer) -> Vec<u8> {
        if buffer.ptr.is_null() {
            return Vec::new();
        }
        // SAFETY: the plugin returned it with ptr valid for len bytes.
        let bytes = unsafe { buffer.as_slice() }.to_vec();
        unsafe { (self.descriptor.free_buffer.expect("checked at load"))(buffer) };
        bytes
    }
}

/// A stage created by a plugin. Destroyed (through the plugin) when dropped;
/// the library itself stays loaded.
#[derive(Debug)]
pub struct StageInstance {
    /// The plugin it came from.
    pub plugin: Arc<LoadedPlugin>,
    /// Its declaration.
    pub spec: StageSpec,
    /// What it reads: what the host sends it.
    pub reads: FieldSet,
    /// What it writes: what the host takes back.
    pub writes: FieldSet,
    /// What the host sends it: its reads (protocol 2) or everything (protocol 1).
    pub sent: FieldSet,
    instance: *mut c_void,
}

// The ABI requires instances to be callable from several threads at once
// (Rust plugins: `DocumentStage`/`BundleStage` are `Send + Sync`).
unsafe impl Send for StageInstance {}
unsafe impl Sync for StageInstance {}

/// The outcome of one `process` call.
pub enum CallResult {
    /// The plugin answered with a response message.
    Ok(Vec<u8>),
    /// The plugin reported an error (or a panic it caught).
    Err(ErrorMessage),
}

impl StageInstance {
    /// Per document or per bundle.
    pub fn kind(&self) -> StageKind {
        self.spec.kind
    }

    /// Sends one request message and returns the plugin's answer.
    pub fn call(&self, request: &[u8]) -> CallResult {
        let mut out = Buffer::empty();
        let process = self.plugin.descriptor.process.expect("checked at load");
        // SAFETY: instance made by this plugin's create; request valid for the call.
        let status = unsafe { process(self.instance, request.as_ptr(), request.len(), &mut out) };
        let bytes = self.plugin.take(out);
        if status == STATUS_OK {
            CallResult::Ok(bytes)
        } else {
            let error =
                serde_json::from_slice::<ErrorMessage>(&bytes).unwrap_or_else(|_| ErrorMessage {
                    message: format!(
                        "stage failed (status {status}): {}",
                        String::from_utf8_lossy(&bytes)
                    ),
                    panic: false,
                });
            CallResult::Err(error)
        }
    }
}

impl Drop for StageInstance {
    fn drop(&mut self) {
        // SAFETY: made by this plugin's create, destroyed once.
        unsafe { (self.plugin.descriptor.destroy.expect("checked at load"))(self.instance) }
    }
}

/// Re-export for callers that build requests.
pub use abi::{DocResult, Request, Response};
