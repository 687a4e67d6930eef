//! Input: finding bundles and turning files into unparsed documents.
//!
//! The host owns framing: a JSON Lines file is split into lines and a TREC
//! file into `<DOC>` records, each of which becomes one document for the
//! parse stage. Decoding and field mapping are the parse stage's job.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use copydesk_core::{base64, Document};

use crate::error::{HostError, Result};

/// A bundle to process: its id and files, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BundleInput {
    /// Bundle id (directory name).
    pub id: String,
    /// Files, sorted by path.
    pub files: Vec<PathBuf>,
    /// JSON Lines records gathered by a bundle field, in file and line order.
    pub records: Vec<RecordRef>,
}

/// Where one JSON Lines record is: file, byte range and line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    /// The file.
    pub path: PathBuf,
    /// Byte offset of the line.
    pub offset: u64,
    /// Length of the line in bytes (without the newline).
    pub len: usize,
    /// 1-based line number.
    pub line: u64,
}

impl BundleInput {
    /// A bundle of whole files.
    pub fn of_files(id: String, files: Vec<PathBuf>) -> Self {
        BundleInput {
            id,
            files,
            records: Vec::new(),
        }
    }
}

fn is_glob(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

/// Finds the bundles of an input, by layout:
/// - a glob pattern (`corpus/*/*.txt`): matched directories are bundles,
///   matched files form one bundle per parent directory;
/// - with `bundle_field`, JSON Lines input (a file, or the `.jsonl` files of a
///   directory) is grouped into bundles by that field of each record (a
///   record without it goes to the bundle named after its file); only the
///   records' positions are kept in memory;
/// - otherwise see [`discover`].
pub fn discover_with(input: &Path, bundle_field: Option<&str>) -> Result<Vec<BundleInput>> {
    if is_glob(input) {
        let pattern = input.to_string_lossy();
        let paths = glob::glob(&pattern)
            .map_err(|e| HostError::Other(format!("input pattern `{pattern}`: {e}")))?;
        let mut groups: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        let mut bundles = Vec::new();
        for p in paths.flatten().filter(|p| !hidden(p)) {
            if p.is_dir() {
                let mut files = Vec::new();
                files_under(&p, &mut files)?;
                bundles.push(BundleInput::of_files(name_of(&p), files));
            } else if p.is_file() {
                let parent = p.parent().map(name_of).unwrap_or_else(|| "input".into());
                groups.entry(parent).or_default().push(p);
            }
        }
        bundles.extend(groups.into_iter().map(|(id, mut files)| {
            files.sort();
            BundleInput::of_files(id, files)
        }));
        bundles.sort_by(|a, b| a.id.cmp(&b.id));
        if bundles.is_empty() {
            return Err(HostError::Other(format!(
                "input pattern `{pattern}` matches nothing"
            )));
        }
        return Ok(bundles);
    }
    let Some(field) = bundle_field else {
        return discover(input);
    };
    let mut files = Vec::new();
    if input.is_dir() {
        files_under(input, &mut files)?;
        files.retain(|p| p.extension().is_some_and(|e| e == "jsonl" || e == "ndjson"));
    } else {
        files.push(input.to_path_buf());
    }
    let mut groups: BTreeMap<String, Vec<RecordRef>> = BTreeMap::new();
    for path in files {
        use std::io::BufRead;
        let file = std::fs::File::open(&path).map_err(|e| HostError::io(&path, e))?;
        let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
        let fallback = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".into());
        let (mut offset, mut n) = (0u64, 0u64);
        let mut line = Vec::new();
        loop {
            line.clear();
            let read = reader
                .read_until(b'\n', &mut line)
                .map_err(|e| HostError::io(&path, e))?;
            if read == 0 {
                break;
            }
            let start = offset;
            offset += read as u64;
            n += 1;
            let body = line.strip_suffix(b"\n").unwrap_or(&line);
            if body.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let bundle = serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body)
                .ok()
                .and_then(|m| {
                    m.get(field).map(|v| {
                        v.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.to_string())
                    })
                })
                .map(|b| sanitize_id(&b))
                .unwrap_or_else(|| fallback.clone());
            groups.entry(bundle).or_default().push(RecordRef {
                path: path.clone(),
                offset: start,
                len: body.len(),
                line: n,
            });
        }
    }
    Ok(groups
        .into_iter()
        .map(|(id, records)| BundleInput {
            id,
            files: Vec::new(),
            records,
        })
        .collect())
}

/// A bundle id usable as a directory name.
fn sanitize_id(id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let clean = clean.trim_start_matches('.').to_string();
    if clean.is_empty() {
        "_".into()
    } else {
        clean
    }
}

fn hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn name_of(path: &Path) -> String {
    path.canonicalize()
        .ok()
        .as_deref()
        .unwrap_or(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "input".into())
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| HostError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !hidden(p))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out)?;
        } else if p.is_file() {
            out.push(p);
        }
    }
    Ok(())
}

/// Finds the bundles of an input path: a file is one bundle; in a
/// directory, each sub-directory is a bundle and the files directly in it
/// form one bundle named after the directory. Sorted by id.
pub fn discover(input: &Path) -> Result<Vec<BundleInput>> {
    let meta = std::fs::metadata(input).map_err(|e| HostError::io(input, e))?;
    if meta.is_file() {
        let id = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".into());
        return Ok(vec![BundleInput {
            records: Vec::new(),
            id,
            files: vec![input.to_path_buf()],
        }]);
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(input)
        .map_err(|e| HostError::io(input, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !hidden(p))
        .collect();
    entries.sort();
    let mut bundles = Vec::new();
    let direct: Vec<PathBuf> = entries.iter().filter(|p| p.is_file()).cloned().collect();
    if !direct.is_empty() {
        bundles.push(BundleInput {
            records: Vec::new(),
            id: name_of(input),
            files: direct,
        });
    }
    for dir in entries.iter().filter(|p| p.is_dir()) {
        let mut files = Vec::new();
        files_under(dir, &mut files)?;
        bundles.push(BundleInput {
            records: Vec::new(),
            id: name_of(dir),
            files,
        });
    }
    bundles.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(bundles)
}

/// Container formats the host splits into records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Single,
    JsonLines,
    Trec,
}

fn container(path: &Path, bytes: &[u8], format: &str) -> Container {
    match format {
        "jsonl" => return Container::JsonLines,
        "trec" => return Container::Trec,
        "auto" => {}
        _ => return Container::Single,
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "jsonl" || ext == "ndjson" {
        return Container::JsonLines;
    }
    let head = &bytes[..bytes.len().min(512)];
    let head = String::from_utf8_lossy(head);
    if head.trim_start().starts_with("<DOC>") || ext == "sgml" || ext == "trec" {
        return Container::Trec;
    }
    Container::Single
}

fn unparsed(
    id: String,
    bundle: &str,
    path: &Path,
    bytes: &[u8],
    format: Option<&str>,
    record: Option<u64>,
) -> Document {
    let mut doc = Document::unparsed(id, bundle, path.display().to_string());
    doc.source.format = format.map(str::to_owned);
    doc.source.record = record;
    match std::str::from_utf8(bytes) {
        Ok(s) => doc.raw = Some(s.to_owned()),
        Err(_) => doc.raw_base64 = Some(base64::encode(bytes)),
    }
    doc
}

fn stem_id(bundle: &str, bundle_root: Option<&Path>, path: &Path) -> String {
    let rel = bundle_root
        .and_then(|r| path.strip_prefix(r).ok())
        .unwrap_or(path);
    let rel = rel.with_extension("");
    let rel = if rel.as_os_str().is_empty() {
        PathBuf::from(name_of(path))
    } else {
        rel
    };
    let name = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/");
    format!("{bundle}/{name}")
}

/// Splits TREC/SGML text into `<DOC>` records: `(1-based line, record text)`.
/// A record cut short (no `</DOC>`) runs to the end of the text.
pub fn split_trec(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(i) = text[search..].find("<DOC>") {
        let start = search + i;
        let end = match text[start..].find("</DOC>") {
            Some(j) => start + j + "</DOC>".len(),
            None => text.len(),
        };
        let line = text[..start].matches('\n').count() + 1;
        out.push((line, &text[start..end]));
        search = end;
    }
    out
}

fn docno(record: &str) -> Option<&str> {
    let start = record.find("<DOCNO>")? + "<DOCNO>".len();
    let end = record[start..].find("</DOCNO>")? + start;
    Some(record[start..end].trim()).filter(|s| !s.is_empty())
}

/// Reads the records of one file as unparsed documents of `bundle`.
pub fn documents_of(
    bundle: &str,
    bundle_root: Option<&Path>,
    path: &Path,
    bytes: &[u8],
    format: &str,
    id_field: &str,
) -> Vec<Document> {
    let hint = if format == "auto" { None } else { Some(format) };
    match container(path, bytes, format) {
        Container::Single => vec![unparsed(
            stem_id(bundle, bundle_root, path),
            bundle,
            path,
            bytes,
            hint,
            None,
        )],
        Container::JsonLines => {
            let base = stem_id(bundle, bundle_root, path);
            bytes
                .split(|&b| b == b'\n')
                .enumerate()
                .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
                .map(|(n, line)| jsonl_record(bundle, &base, path, line, n as u64 + 1, id_field))
                .collect()
        }
        Container::Trec => {
            let text = String::from_utf8_lossy(bytes);
            let records = split_trec(&text);
            if records.len() <= 1 {
                let id = records
                    .first()
                    .and_then(|(_, r)| docno(r))
                    .map(|d| format!("{bundle}/{d}"))
                    .unwrap_or_else(|| stem_id(bundle, bundle_root, path));
                return vec![unparsed(id, bundle, path, bytes, Some("trec"), None)];
            }
            let base = stem_id(bundle, bundle_root, path);
            records
                .into_iter()
                .enumerate()
                .map(|(i, (line, record))| {
                    let id = docno(record)
                        .map(|d| format!("{bundle}/{d}"))
                        .unwrap_or_else(|| format!("{base}:{}", i + 1));
                    unparsed(
                        id,
                        bundle,
                        path,
                        record.as_bytes(),
                        Some("trec"),
                        Some(line as u64),
                    )
                })
                .collect()
        }
    }
}

/// One JSON Lines record as an unparsed document: its id is
/// `<bundle>/<id field>`, or `<base>:<line>` when the record has none (or
/// is not JSON: the parse stage reports that, with the line number).
pub fn jsonl_record(
    bundle: &str,
    base: &str,
    path: &Path,
    line: &[u8],
    line_no: u64,
    id_field: &str,
) -> Document {
    let id = serde_json::from_slice::<serde_json::Value>(line)
        .ok()
        .and_then(|v| {
            v.get(id_field).map(|id| {
                id.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| id.to_string())
            })
        })
        .map(|id| format!("{bundle}/{id}"))
        .unwrap_or_else(|| format!("{base}:{line_no}"));
    unparsed(id, bundle, path, line, Some("jsonl"), Some(line_no))
}

/// The id prefix of records of a file with no id of their own.
pub fn file_base_id(bundle: &str, path: &Path) -> String {
    stem_id(bundle, None, path)
}

/// Makes ids unique within a bundle by suffixing repeats (`x`, `x~2`, ...).
pub fn dedupe_ids(docs: &mut [Document]) {
    let mut seen = std::collections::HashMap::new();
    for doc in docs {
        let n = seen.entry(doc.id.clone()).or_insert(0usize);
        *n += 1;
        if *n > 1 {
            doc.id = format!("{}~{}", doc.id, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_trec_records_and_keeps_a_cut_one() {
        let text = "<DOC>\n<DOCNO> A1 </DOCNO>\n</DOC>\n<DOC>\n<DOCNO>A2</DOCNO>\n<TEXT>cut";
        let r = split_trec(text);
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].0, 4);
        assert_eq!(docno(r[0].1), Some("A1"));
        assert!(r[1].1.ends_with("cut"));
    }

    #[test]
    fn jsonl_lines_become_documents_with_line_numbers() {
        let bytes = b"{\"id\": \"a\", \"text\": \"x\"}\n\nnot json\n";
        let docs = documents_of("b", None, Path::new("f.jsonl"), bytes, "auto", "id");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id, "b/a");
        assert_eq!(docs[1].id, "b/f:3");
        assert_eq!(docs[1].source.record, Some(3));
    }

    #[test]
    fn invalid_utf8_travels_as_base64() {
        let docs = documents_of(
            "b",
            None,
            Path::new("x.txt"),
            &[0x66, 0xe9, 0x0a],
            "auto",
            "id",
        );
        assert!(docs[0].raw.is_none());
        assert_eq!(docs[0].raw_bytes().unwrap(), vec![0x66, 0xe9, 0x0a]);
    }
}
