//! # copydesk-dedup
//!
//! Duplicate detection for copydesk bundles, and the algorithms behind it as a
//! library.
//!
//! * Document level ([`detect`]): documents identical after normalisation are
//!   grouped by a hash of their token sequence; near duplicates are found with
//!   MinHash signatures of word shingles and LSH banding, and every candidate
//!   is verified with the exact Jaccard similarity of the shingle sets, so
//!   every reported pair meets the threshold. Groups and verified pairs are
//!   clustered with union-find.
//! * Passage level ([`passages`]): sentences and longer passages that recur
//!   across documents of a bundle, tolerant of small edits.
//! * [`jsonl`]: the same detection streamed over a JSON Lines file.
#![deny(missing_docs)]

pub mod detect;
pub mod jsonl;
pub mod minhash;
pub mod par;
pub mod tokens;

pub use detect::{find_duplicates, Dedup, Edge, Params, Stats};
