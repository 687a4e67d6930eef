//! # copydesk-host
//!
//! Everything the `copydesk` binary does besides parsing its arguments:
//!
//! - [`plugin`] and [`registry`]: finding, loading and calling plugin
//!   libraries through the C ABI;
//! - [`config`] and [`pipeline`]: the pipeline file and its checks;
//! - [`input`]: bundles and documents from files;
//! - [`runner`]: the tokio batch runner;
//! - [`output`], [`report`] and [`html`]: the files a run writes.
#![deny(missing_docs)]

pub mod call;
pub mod config;
pub mod error;
pub mod html;
pub mod input;
pub mod lock;
pub mod manifest;
pub mod output;
pub mod pipeline;
pub mod plugin;
pub mod probe;
pub mod registry;
pub mod report;
pub mod runner;

pub use error::{HostError, Result};
