//! Output files: `documents.jsonl`, `bundle.json`, `report.md` per bundle,
//! `errors.jsonl` and `run.json` per run. `docs/output.md` is the contract;
//! [`SCHEMA_VERSION`] changes with it.
//!
//! Every file is written atomically: to a temporary file beside it, flushed,
//! then renamed into place.

use std::io::Write;
use std::path::Path;

use copydesk_core::{Bundle, Document, Span};
use serde::Serialize;
use serde_json::Value;

use crate::error::{HostError, Result};

/// Version of the output contract (`docs/output.md`).
pub const SCHEMA_VERSION: &str = "1.2";

/// Run-level files of the output directory: no bundle directory may take
/// one of these names (compared without case, for case-insensitive file
/// systems).
pub const RUN_FILES: &[&str] = &["run.json", "errors.jsonl", "index.html"];

/// Punctuation kept as it is in bundle directory names (safe in file names
/// on the common file systems and in URLs once percent-encoded).
const KEPT: &str = "-_.,+=@()!'";

/// Longest bundle directory name, in bytes (file systems allow 255).
const MAX_DIR_NAME: usize = 200;

/// The directory name of a bundle under the output directory.
///
/// The mapping is injective, so distinct bundle ids never share a
/// directory:
/// - letters and digits (any script), spaces inside the name and
///   `- _ . , + = @ ( ) ! '` are kept; every other character is written as
///   `%XX` per UTF-8 byte (so `a/b` is `a%2Fb`, `a_b` stays `a_b`, `<` is
///   `%3C`);
/// - a leading `.` is escaped (`.` is `%2E`, `..` is `%2E.`, hidden names
///   cannot occur), the empty id is `%`;
/// - a name equal to a run-level file (`run.json`, `errors.jsonl`,
///   `index.html`, any case) has its first character escaped;
/// - a name longer than 200 bytes is cut and ends in `~` and 16 hex digits
///   of a hash of the whole id (`~` is always escaped otherwise).
pub fn bundle_dir_name(id: &str) -> String {
    use std::fmt::Write as _;
    if id.is_empty() {
        return "%".into();
    }
    let mut out = String::with_capacity(id.len());
    let reserved = RUN_FILES.iter().any(|r| r.eq_ignore_ascii_case(id));
    // Byte offsets in `out` where a character's encoding starts (safe cut points).
    let mut cuts = Vec::new();
    for (i, c) in id.char_indices() {
        cuts.push(out.len());
        let edge = i == 0 || i + c.len_utf8() == id.len();
        let keep = (c.is_alphanumeric() || KEPT.contains(c) || (c == ' ' && !edge))
            && !(i == 0 && (c == '.' || reserved));
        if keep {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    if out.len() <= MAX_DIR_NAME {
        return out;
    }
    let mut hash = crate::manifest::Fnv::default();
    hash.write(id.as_bytes());
    let keep = MAX_DIR_NAME - 17;
    let cut = cuts
        .into_iter()
        .take_while(|&c| c <= keep)
        .last()
        .unwrap_or(0);
    out.truncate(cut);
    out.push('~');
    out.push_str(&hash.hex());
    out
}

/// Writes `bytes` to `path` atomically (temporary file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_renamed(path, bytes, true)
}

/// Writes a file atomically (temporary file, then rename) without waiting
/// for it to reach the disk: readers never see half a file, and a crash of
/// the process loses nothing written, but a power loss may; call
/// [`sync_filesystem`] before recording the file as done.
pub fn write_renamed(path: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| HostError::io(dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        if sync {
            f.sync_all()?;
        }
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(HostError::io(path, e));
    }
    Ok(())
}

/// Makes everything written under `dir` durable: one `syncfs` of its file
/// system on Linux (the cost of one flush for a whole group of bundles,
/// instead of an `fsync` per file), `sync` on other Unix systems.
pub fn sync_filesystem(dir: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let d = std::fs::File::open(dir).map_err(|e| HostError::io(dir, e))?;
        // SAFETY: syncfs takes an open descriptor, which `d` holds.
        if unsafe { libc::syncfs(d.as_raw_fd()) } != 0 {
            return Err(HostError::io(dir, std::io::Error::last_os_error()));
        }
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let _ = dir;
        // SAFETY: sync takes no arguments and cannot fail.
        unsafe { libc::sync() };
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// A document as written to `documents.jsonl`.
#[derive(Serialize)]
pub struct DocumentRecord<'a> {
    /// Document id.
    pub id: &'a str,
    /// Bundle id.
    pub bundle: &'a str,
    /// Input file path.
    pub source: &'a str,
    /// Format it was parsed as.
    pub format: Option<&'a str>,
    /// Record number inside a container file.
    pub record: Option<u64>,
    /// Kind.
    pub kind: &'a copydesk_core::DocKind,
    /// Title.
    pub title: Option<&'a str>,
    /// Outlet.
    pub outlet: Option<&'a str>,
    /// Byline.
    pub byline: Option<&'a str>,
    /// Author names.
    pub authors: &'a [String],
    /// Publication date, ISO 8601.
    pub published: Option<&'a str>,
    /// Update date, ISO 8601.
    pub updated: Option<&'a str>,
    /// How the dates were found.
    pub dates: Value,
    /// Dateline.
    pub dateline: Option<&'a str>,
    /// Language.
    pub language: Option<&'a str>,
    /// URL.
    pub url: Option<&'a str>,
    /// Canonical document this one duplicates.
    pub duplicate_of: Option<&'a str>,
    /// Similarity to it.
    pub similarity: Option<f64>,
    /// Clean text.
    pub text: &'a str,
    /// Paragraph spans.
    pub paragraphs: &'a [Span],
    /// Sentence spans.
    pub sentences: &'a [Span],
    /// Transcript turns.
    pub turns: &'a [copydesk_core::Turn],
    /// Diagnostics.
    pub diagnostics: &'a [copydesk_core::Diagnostic],
    /// Plugin data.
    pub ext: &'a std::collections::BTreeMap<String, Value>,
    /// Fields written by a newer plugin that this copydesk does not know, as they came.
    #[serde(flatten)]
    pub extra: &'a std::collections::BTreeMap<String, Value>,
}

impl<'a> DocumentRecord<'a> {
    /// The record of a document.
    pub fn of(d: &'a Document) -> Self {
        DocumentRecord {
            id: &d.id,
            bundle: &d.bundle,
            source: &d.source.path,
            format: d.source.format.as_deref(),
            record: d.source.record,
            kind: &d.kind,
            title: d.title.as_deref(),
            outlet: d.outlet.as_deref(),
            byline: d.byline.as_deref(),
            authors: &d.authors,
            published: d.published.as_ref().map(|p| p.value.as_str()),
            updated: d.updated.as_ref().map(|p| p.value.as_str()),
            dates: serde_json::json!({"published": d.published, "updated": d.updated}),
            dateline: d.dateline.as_deref(),
            language: d.language.as_deref(),
            url: d.url.as_deref(),
            duplicate_of: d.duplicate_of.as_deref(),
            similarity: d.similarity,
            text: &d.text,
            paragraphs: &d.paragraphs,
            sentences: &d.sentences,
            turns: &d.turns,
            diagnostics: &d.diagnostics,
            ext: &d.ext,
            extra: &d.extra,
        }
    }
}

/// `documents.jsonl`: one line per document.
pub fn documents_jsonl(bundle: &Bundle) -> Vec<u8> {
    let mut out = Vec::new();
    for d in &bundle.documents {
        serde_json::to_writer(&mut out, &DocumentRecord::of(d)).expect("documents serialise");
        out.push(b'\n');
    }
    out
}

/// `bundle.json`.
pub fn bundle_json(bundle: &Bundle) -> Vec<u8> {
    let value = serde_json::json!({
        "schema_version": SCHEMA_VERSION,
        "id": bundle.id,
        "documents": bundle.documents.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        "summary": bundle.summary,
        "duplicates": bundle.duplicates,
        "shared_passages": bundle.shared_passages,
        "quotes": bundle.quotes,
        "diagnostics": bundle.diagnostics,
        "ext": bundle.ext,
    });
    let mut out = serde_json::to_vec_pretty(&value).expect("bundle serialises");
    out.push(b'\n');
    out
}

/// One line of `errors.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct ErrorRecord {
    /// Bundle id.
    pub bundle: String,
    /// Document id, when one document failed.
    pub doc: Option<String>,
    /// Input file, when known.
    pub file: Option<String>,
    /// Stage name (or `input` / `output`).
    pub stage: String,
    /// Plugin name, when a plugin failed.
    pub plugin: Option<String>,
    /// What went wrong.
    pub message: String,
    /// True when the plugin panicked.
    pub panic: bool,
}

impl ErrorRecord {
    /// A human-readable line for the terminal.
    pub fn display(&self) -> String {
        let mut s = String::new();
        if let Some(f) = &self.file {
            s.push_str(f);
            s.push_str(": ");
        }
        match &self.plugin {
            Some(p) => s.push_str(&format!("stage `{}` (plugin `{p}`)", self.stage)),
            None => s.push_str(&self.stage),
        }
        if let Some(d) = &self.doc {
            s.push_str(&format!(" on document `{d}`"));
        } else {
            s.push_str(&format!(" on bundle `{}`", self.bundle));
        }
        s.push_str(": ");
        s.push_str(&self.message);
        s
    }
}

/// `errors.jsonl`.
pub fn errors_jsonl(errors: &[ErrorRecord]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in errors {
        serde_json::to_writer(&mut out, e).expect("errors serialise");
        out.push(b'\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_dir_names_are_injective_and_safe() {
        let ids = [
            "a/b",
            "a_b",
            "a%2Fb",
            "",
            ".",
            "..",
            "%",
            "run.json",
            "RUN.JSON",
            "%72un.json",
            "index.html",
            "errors.jsonl",
            "kerry-syria",
            "Ünïcode ñame",
            "a~b",
            "a%7Eb",
            " a",
            "%20a",
            "a b",
            "a%20b",
        ];
        let names: Vec<String> = ids.iter().map(|i| bundle_dir_name(i)).collect();
        let unique: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{names:?}");
        assert_eq!(bundle_dir_name("kerry-syria"), "kerry-syria");
        assert_eq!(bundle_dir_name("a/b"), "a%2Fb");
        assert_eq!(bundle_dir_name("Ünïcode"), "Ünïcode");
        assert_eq!(bundle_dir_name("a <b>"), "a %3Cb%3E");
        assert_eq!(bundle_dir_name(" a "), "%20a%20");
        for n in &names {
            assert!(
                !n.is_empty() && !n.starts_with('.') && !n.contains('/'),
                "{n}"
            );
            assert!(!RUN_FILES.iter().any(|r| r.eq_ignore_ascii_case(n)), "{n}");
        }
    }

    #[test]
    fn long_bundle_ids_get_a_stable_hash_suffix() {
        let a = "x".repeat(300);
        let b = format!("{}y", "x".repeat(299));
        let (na, nb) = (bundle_dir_name(&a), bundle_dir_name(&b));
        assert!(na.len() <= 200 && nb.len() <= 200);
        assert_ne!(na, nb);
        assert_eq!(na, bundle_dir_name(&a));
        assert!(na.contains('~'));
        // Cut on a character boundary, whatever the script.
        let c = "é/".repeat(200);
        let nc = bundle_dir_name(&c);
        assert!(nc.len() <= 200 && nc.is_char_boundary(nc.len()));
    }
}
