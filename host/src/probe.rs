//! One stage call, step by step: the request bytes the host sends, and what
//! the host makes of the plugin's answer.
//!
//! This mirrors what [`crate::runner`] does inside `call_documents` and
//! `run_bundle_stage` (same request serialisation, same checks, same
//! messages), as separate public steps so that `copydesk plugin-test` can
//! show each of them. The runner does not call these functions yet; it
//! should, so that the two cannot drift apart.

use copydesk_core::abi::{DocResult, ErrorMessage, Response};
use copydesk_core::{Bundle, Document};
use serde::Serialize;

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

impl Failure {
    fn new(message: String) -> Self {
        Failure {
            message,
            panic: false,
        }
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

// The same shape as the runner's: `op` first, then the payload, borrowed.
#[derive(Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum RequestRef<'a> {
    Documents { documents: &'a [Document] },
    Bundle { bundle: &'a Bundle },
}

/// The request bytes for a batch of documents, exactly as the runner sends them.
pub fn documents_request(batch: &[Document]) -> Result<Vec<u8>, Failure> {
    serde_json::to_vec(&RequestRef::Documents { documents: batch })
        .map_err(|e| Failure::new(format!("cannot serialise the request: {e}")))
}

/// The request bytes for a bundle, exactly as the runner sends them.
pub fn bundle_request(bundle: &Bundle) -> Result<Vec<u8>, Failure> {
    serde_json::to_vec(&RequestRef::Bundle { bundle })
        .map_err(|e| Failure::new(format!("cannot serialise the request: {e}")))
}

fn malformed(plugin: &str, why: String) -> Failure {
    Failure::new(format!(
        "plugin `{plugin}` returned a malformed message: {why}"
    ))
}

/// What the host makes of a document stage's answer to `batch`: an error for
/// the whole batch, or one result per document, in order.
pub fn documents_outcome(
    plugin: &str,
    batch: &[Document],
    reply: &CallResult,
) -> Result<Vec<Result<Document, Failure>>, Failure> {
    let bytes = match reply {
        CallResult::Err(e) => return Err(e.clone().into()),
        CallResult::Ok(bytes) => bytes,
    };
    let malformed = |why: String| malformed(plugin, why);
    let response: Response = serde_json::from_slice(bytes).map_err(|e| malformed(e.to_string()))?;
    let Response::Documents { results } = response else {
        return Err(malformed("expected `results` for a document batch".into()));
    };
    if results.len() != batch.len() {
        return Err(malformed(format!(
            "{} results for {} documents",
            results.len(),
            batch.len()
        )));
    }
    Ok(results
        .into_iter()
        .zip(batch)
        .map(|(r, input)| match r {
            DocResult::Ok(doc) if doc.id != input.id => Err(malformed(format!(
                "document id changed from `{}` to `{}`",
                input.id, doc.id
            ))),
            DocResult::Ok(doc) => doc.check_spans().map(|_| doc).map_err(malformed),
            DocResult::Error(e) => Err(e.into()),
        })
        .collect())
}

/// What the host makes of a bundle stage's answer to `input`.
pub fn bundle_outcome(plugin: &str, input: &Bundle, reply: &CallResult) -> Result<Bundle, Failure> {
    let bytes = match reply {
        CallResult::Err(e) => return Err(e.clone().into()),
        CallResult::Ok(bytes) => bytes,
    };
    let malformed = |why: String| malformed(plugin, why);
    match serde_json::from_slice::<Response>(bytes).map_err(|e| malformed(e.to_string()))? {
        Response::Bundle { bundle: out } if out.id != input.id => Err(malformed(format!(
            "bundle id changed from `{}` to `{}`",
            input.id, out.id
        ))),
        Response::Bundle { bundle: out } => {
            for d in &out.documents {
                d.check_spans().map_err(malformed)?;
            }
            Ok(out)
        }
        Response::Documents { .. } => Err(malformed("expected `bundle` in the response".into())),
    }
}

/// One call of a document stage on one batch: request, reply, outcome.
pub fn call_documents(
    stage: &StageInstance,
    batch: &[Document],
) -> Result<Vec<Result<Document, Failure>>, Failure> {
    let request = documents_request(batch)?;
    documents_outcome(&stage.plugin.name, batch, &stage.call(&request))
}

/// One call of a bundle stage: request, reply, outcome.
pub fn call_bundle(stage: &StageInstance, bundle: &Bundle) -> Result<Bundle, Failure> {
    let request = bundle_request(bundle)?;
    bundle_outcome(&stage.plugin.name, bundle, &stage.call(&request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_put_op_first() {
        let doc = Document::unparsed("b/x", "b", "x.txt");
        let bytes = documents_request(std::slice::from_ref(&doc)).unwrap();
        assert!(bytes.starts_with(b"{\"op\":\"documents\",\"documents\":[{"));
        let bundle = Bundle {
            id: "b".into(),
            ..Bundle::default()
        };
        assert!(bundle_request(&bundle)
            .unwrap()
            .starts_with(b"{\"op\":\"bundle\",\"bundle\":{"));
    }

    #[test]
    fn checks_count_ids_and_shape() {
        let doc = Document::unparsed("b/x", "b", "x.txt");
        let batch = std::slice::from_ref(&doc);
        let reply = |s: &str| CallResult::Ok(s.as_bytes().to_vec());
        let e = documents_outcome("p", batch, &reply("{\"results\":[]}")).unwrap_err();
        assert_eq!(
            e.message,
            "plugin `p` returned a malformed message: 0 results for 1 documents"
        );
        let changed =
            serde_json::json!({"results": [{"ok": Document::unparsed("b/y", "b", "x.txt")}]});
        let r = documents_outcome("p", batch, &reply(&changed.to_string())).unwrap();
        assert!(r[0].as_ref().unwrap_err().message.contains("id changed"));
        let e = documents_outcome("p", batch, &reply("{\"bundle\": not json")).unwrap_err();
        assert!(e.message.contains("malformed message"));
        let failed = documents_outcome(
            "p",
            batch,
            &reply("{\"results\":[{\"error\":{\"message\":\"no text\"}}]}"),
        )
        .unwrap();
        assert_eq!(
            failed[0].as_ref().unwrap_err(),
            &Failure {
                message: "no text".into(),
                panic: false
            }
        );
    }
}
