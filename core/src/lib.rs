//! # copydesk-core
//!
//! The SDK every copydesk plugin compiles against:
//!
//! - [`model`]: the document model ([`Document`], [`Bundle`] and the results
//!   stages attach to them);
//! - [`stage`]: the two stage traits ([`DocumentStage`], [`BundleStage`]), the
//!   [`Plugin`] trait, and option declarations;
//! - [`export_plugin!`]: the macro that turns a [`Plugin`] into a loadable
//!   library, implementing the versioned C ABI between the host and plugins
//!   (specified in `docs/abi.md`; [`abi`] has its version constants);
//! - `schema` (feature `schema`): the JSON Schema of the model and the
//!   messages, as published in `docs/schema/`.
//!
//! A plugin is a struct, a trait impl and one macro line:
//!
//! ```
//! use copydesk_core::{Document, DocumentStage, Options, Plugin, Stage, StageError, StageKind, StageSpec};
//!
//! struct Shout;
//!
//! impl DocumentStage for Shout {
//!     fn process(&self, mut doc: Document) -> Result<Document, StageError> {
//!         doc.title = doc.title.map(|t| t.to_uppercase());
//!         Ok(doc)
//!     }
//! }
//!
//! impl Plugin for Shout {
//!     const NAME: &'static str = "shout";
//!     const VERSION: &'static str = "0.1.0";
//!     const DESCRIPTION: &'static str = "Upper-cases titles.";
//!     fn stages() -> Vec<StageSpec> {
//!         vec![StageSpec::new("shout", StageKind::Document, "Upper-cases titles.").requires("text")]
//!     }
//!     fn create(_stage: &str, _options: &Options) -> Result<Stage, StageError> {
//!         Ok(Stage::document(Shout))
//!     }
//! }
//!
//! copydesk_core::export_plugin!(Shout);
//! ```
#![deny(missing_docs)]

pub mod abi;
// The host's share of the SDK: public so that the host compiles against it,
// hidden from the docs because plugin authors never use it (raw bytes go
// through `Document::raw_bytes`/`Document::set_raw_bytes`, messages through
// `export_plugin!`).
#[doc(hidden)]
pub mod base64;
pub mod budget;
mod export;
pub mod model;
#[cfg(feature = "schema")]
pub mod schema;
pub mod stage;
#[doc(hidden)]
pub mod wire;

pub use budget::threads;
pub use model::*;
pub use stage::*;

#[doc(hidden)]
pub mod __private {
    pub use crate::export::{build_descriptor, entry, DescriptorHolder};
}
