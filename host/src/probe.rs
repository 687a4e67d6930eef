//! One stage call, step by step, for `copydesk plugin-test`: the request
//! bytes the host sends, and what the host makes of the plugin's answer.
//!
//! Every step is the runner's own ([`crate::call`]): the same projection,
//! the same patch rules, the same checks and messages, so the tool cannot
//! drift from what a run does. These functions work on copies, so that the
//! input can be shown beside the outcome.

use copydesk_core::abi::ErrorMessage;
use copydesk_core::{Bundle, Document};

use crate::call;
use crate::plugin::{CallResult, StageInstance};

/// Most documents the runner sends to a document stage in one call.
pub const MAX_BATCH: usize = 64;

/// Why a call, or one document of a batch, failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What went wrong, as the runner records it.
    pub message: String,
    /// True when the plugin reported a caught panic.
    pub panic: bool,
}

impl From<call::Failure> for Failure {
    fn from((message, panic): call::Failure) -> Self {
        Failure { message, panic }
    }
}

impl From<ErrorMessage> for Failure {
    fn from(e: ErrorMessage) -> Self {
        Failure {
            message: e.message,
            panic: e.panic,
        }
    }
}

/// The request bytes for a batch of documents, exactly as the runner sends them.
pub fn documents_request(stage: &StageInstance, batch: &[Document]) -> Result<Vec<u8>, Failure> {
    call::documents_request(stage, batch).map_err(Failure::from)
}

/// The request bytes for a bundle, exactly as the runner sends them.
pub fn bundle_request(stage: &StageInstance, bundle: &Bundle) -> Result<Vec<u8>, Failure> {
    call::bundle_request(stage, bundle).map_err(Failure::from)
}

/// What the host makes of a document stage's answer to `batch`: an error for
/// the whole batch, or one result per document, in order.
pub fn documents_outcome(
    stage: &StageInstance,
    batch: &[Document],
    reply: &CallResult,
) -> Result<Vec<Result<Document, Failure>>, Failure> {
    let bytes = match reply {
        CallResult::Err(e) => return Err(e.clone().into()),
        CallResult::Ok(bytes) => bytes,
    };
    let mut docs = batch.to_vec();
    let results = call::apply_documents(stage, &mut docs, bytes)?;
    Ok(docs
        .into_iter()
        .zip(results)
        .map(|(d, r)| r.map(|()| d).map_err(Failure::from))
        .collect())
}

/// What the host makes of a bundle stage's answer to `input`.
pub fn bundle_outcome(
    stage: &StageInstance,
    input: &Bundle,
    reply: &CallResult,
) -> Result<Bundle, Failure> {
    let bytes = match reply {
        CallResult::Err(e) => return Err(e.clone().into()),
        CallResult::Ok(bytes) => bytes,
    };
    let mut bundle = input.clone();
    call::apply_bundle(stage, &mut bundle, bytes)?;
    Ok(bundle)
}

/// One call of a document stage on one batch: request, reply, outcome.
pub fn call_documents(
    stage: &StageInstance,
    batch: &[Document],
) -> Result<Vec<Result<Document, Failure>>, Failure> {
    let request = documents_request(stage, batch)?;
    documents_outcome(stage, batch, &stage.call(&request))
}

/// One call of a bundle stage: request, reply, outcome.
pub fn call_bundle(stage: &StageInstance, bundle: &Bundle) -> Result<Bundle, Failure> {
    let request = bundle_request(stage, bundle)?;
    bundle_outcome(stage, bundle, &stage.call(&request))
}
