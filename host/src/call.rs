//! One stage call, as the runner (and `copydesk parse` / `plugin-test`)
//! makes it: the request projected to what the stage reads, the response
//! read as patches, checked against what it may write, and every span it
//! returns checked.
//!
//! A response that breaks a rule is a *malformed message*: the error names
//! the plugin and the path of the offending field
//! (`results[0].ok.title: invalid type: integer, expected a string`).

use copydesk_core::wire::{
    apply_bundle_patch, apply_doc_patch, BundleRequest, DocOutcome, DocumentsRequest,
    ResponseMessage, Rules,
};
use copydesk_core::{Bundle, Document};

use crate::plugin::{CallResult, StageInstance};

/// A failure message and whether it was a panic.
pub type Failure = (String, bool);

/// The failure for a response that breaks the ABI's rules.
fn malformed(stage: &StageInstance, why: impl std::fmt::Display) -> Failure {
    (
        format!(
            "plugin `{}` returned a malformed message: {why}",
            stage.plugin.name
        ),
        false,
    )
}

/// The request bytes for a document batch, as the stage sees them.
pub fn documents_request(stage: &StageInstance, batch: &[Document]) -> Result<Vec<u8>, Failure> {
    serde_json::to_vec(&DocumentsRequest {
        protocol: stage.plugin.protocol,
        documents: batch,
        reads: &stage.reads,
    })
    .map_err(|e| (format!("cannot serialise the request: {e}"), false))
}

/// The request bytes for a bundle, as the stage sees them.
pub fn bundle_request(stage: &StageInstance, bundle: &Bundle) -> Result<Vec<u8>, Failure> {
    bundle_request_with(stage, bundle, 1)
}

/// [`bundle_request`] with a thread budget for the call.
pub fn bundle_request_with(
    stage: &StageInstance,
    bundle: &Bundle,
    threads: usize,
) -> Result<Vec<u8>, Failure> {
    serde_json::to_vec(&BundleRequest {
        protocol: stage.plugin.protocol,
        bundle,
        reads: &stage.reads,
        threads: u32::try_from(threads).unwrap_or(u32::MAX),
    })
    .map_err(|e| (format!("cannot serialise the request: {e}"), false))
}

/// Reads a response message, naming the path of a field that does not fit.
pub fn read_response(stage: &StageInstance, bytes: &[u8]) -> Result<ResponseMessage, Failure> {
    // The fast path decodes without tracking paths; only a message that
    // does not fit is decoded again, to name the field.
    if let Ok(message) = serde_json::from_slice(bytes) {
        return Ok(message);
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path.is_empty() || path == "." {
            malformed(stage, inner)
        } else {
            malformed(stage, format!("{path}: {inner}"))
        }
    })
}

fn rules(stage: &StageInstance) -> Rules<'_> {
    Rules {
        writes: &stage.writes,
        reads: &stage.sent,
        plugin: &stage.plugin.name,
    }
}

/// Applies a document stage's response to its batch: one result per
/// document (a failed document is left as it was).
pub fn apply_documents(
    stage: &StageInstance,
    batch: &mut [Document],
    bytes: &[u8],
) -> Result<Vec<Result<(), Failure>>, Failure> {
    let response = read_response(stage, bytes)?;
    let Some(results) = response.results else {
        return Err(malformed(stage, "expected `results` for a document batch"));
    };
    if results.len() != batch.len() {
        return Err(malformed(
            stage,
            format!("{} results for {} documents", results.len(), batch.len()),
        ));
    }
    Ok(results
        .into_iter()
        .zip(batch.iter_mut())
        .enumerate()
        .map(|(i, (r, doc))| match r {
            DocOutcome::Ok(patch) => {
                let patch = if stage.plugin.protocol < 2 {
                    patch.as_whole_document()
                } else {
                    patch
                };
                let before = apply_doc_patch(doc, patch, &rules(stage))
                    .map_err(|e| malformed(stage, format!("results[{i}]: {e}")))?;
                if let Err(e) = doc.check_spans() {
                    // Put the document back as it was: the stage failed on it.
                    copydesk_core::wire::undo_doc(doc, before);
                    return Err(malformed(stage, format!("results[{i}]: {e}")));
                }
                Ok(())
            }
            DocOutcome::Error(e) => Err((e.message, e.panic)),
        })
        .collect())
}

/// Calls a document stage on one batch, in place.
pub fn call_documents(
    stage: &StageInstance,
    batch: &mut [Document],
) -> Result<Vec<Result<(), Failure>>, Failure> {
    let request = documents_request(stage, batch)?;
    match stage.call(&request) {
        CallResult::Err(e) => Err((e.message, e.panic)),
        CallResult::Ok(bytes) => apply_documents(stage, batch, &bytes),
    }
}

/// Applies a bundle stage's response to the bundle (unchanged on failure).
pub fn apply_bundle(
    stage: &StageInstance,
    bundle: &mut Bundle,
    bytes: &[u8],
) -> Result<(), Failure> {
    let response = read_response(stage, bytes)?;
    let Some(mut patch) = response.bundle else {
        return Err(malformed(stage, "expected `bundle` in the response"));
    };
    if stage.plugin.protocol < 2 {
        if let Some(docs) = patch.documents.take() {
            patch.documents = Some(docs.into_iter().map(|d| d.as_whole_document()).collect());
        }
    }
    apply_bundle_patch(bundle, patch, &rules(stage)).map_err(|e| malformed(stage, e))
}

/// Calls a bundle stage, in place, with a budget of `threads` threads; on
/// failure the bundle is as it was.
pub fn call_bundle(
    stage: &StageInstance,
    bundle: &mut Bundle,
    threads: usize,
) -> Result<(), Failure> {
    let request = bundle_request_with(stage, bundle, threads)?;
    match stage.call(&request) {
        CallResult::Err(e) => Err((e.message, e.panic)),
        CallResult::Ok(bytes) => apply_bundle(stage, bundle, &bytes),
    }
}
