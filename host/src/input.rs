//! Input: finding bundles and turning files into unparsed documents.
//!
//! The host owns framing: a JSON Lines file is split into lines and a TREC
//! file into `<DOC>` records, each of which becomes one document for the
//! parse stage. Decoding and field mapping are the parse stage's job.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use copydesk_core::Document;

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
    /// Runs of consecutive JSON Lines records (a part of a large file).
    pub ranges: Vec<RecordRange>,
    /// The directory document ids are relative to, when not the files'
    /// common root (the parts of a split bundle keep the whole bundle's).
    pub root: Option<PathBuf>,
}

/// Consecutive JSON Lines records of one file: the lines in bytes
/// `start..end`, the first of which is line `first_line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRange {
    /// The file.
    pub path: Arc<Path>,
    /// The id base of records with no id field, as [`documents_of`] makes it
    /// for the whole file (`<rel path without extension>`).
    pub rel: Arc<str>,
    /// First byte.
    pub start: u64,
    /// One past the last byte.
    pub end: u64,
    /// 1-based number of the line at `start`.
    pub first_line: u64,
}

/// Where one JSON Lines record is: file, byte range and line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    /// The file.
    pub path: Arc<Path>,
    /// The file's path relative to the input, without extension: ids of
    /// records with no id field are `<bundle>/<rel>:<line>`.
    pub rel: Arc<str>,
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
            ..BundleInput::default()
        }
    }
}

fn is_glob(path: &Path) -> bool {
    path.to_string_lossy().contains(['*', '?', '['])
}

/// How the input tree is walked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanOptions {
    /// Follow symbolic links to directories (`[input] follow_symlinks`).
    /// Links to files are always followed; a file reached twice within a
    /// bundle (through links or hard links) counts once, and a directory
    /// reached twice (a link loop) is walked once.
    pub follow_symlinks: bool,
    /// The most documents a bundle holds (`[input] batch`; 0: no limit). A
    /// bundle with more (a flat JSON Lines corpus, a directory of many
    /// files) is processed as parts of at most this many documents, in
    /// input order: `corpus@00001`, `corpus@00002`, ...
    pub batch: usize,
    /// Every file is JSON Lines (`[input] format = "jsonl"`), not only
    /// `.jsonl` and `.ndjson` files.
    pub jsonl: bool,
}

/// The bundles of an input, and what the walk skipped.
#[derive(Debug, Clone, Default)]
pub struct Discovery {
    /// Bundles, sorted by id.
    pub bundles: Vec<BundleInput>,
    /// One line per skipped entry (a link not followed, a loop, a file
    /// reached twice, a special file), for the user.
    pub warnings: Vec<String>,
}

/// The identity of a file or directory: device and inode where there are
/// such things, else the canonical path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FileKey {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

fn file_key(path: &Path, meta: &std::fs::Metadata) -> FileKey {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = path;
        FileKey::Inode(meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        FileKey::Path(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()))
    }
}

/// What an entry of the input tree is, after the link policy.
enum Entry {
    File(FileKey),
    Dir(FileKey),
    Skip,
}

/// Walks input trees: applies the link policy, never visits a directory
/// twice, never lists a file twice within one bundle, and notes every skip.
struct Walker<'a> {
    options: ScanOptions,
    warnings: &'a mut Vec<String>,
}

impl Walker<'_> {
    fn classify(&mut self, path: &Path) -> Entry {
        let Ok(link) = std::fs::symlink_metadata(path) else {
            self.warnings
                .push(format!("{}: cannot be read; skipped", path.display()));
            return Entry::Skip;
        };
        let is_link = link.file_type().is_symlink();
        let meta = if is_link {
            match std::fs::metadata(path) {
                Ok(m) => m,
                Err(_) => {
                    self.warnings.push(format!(
                        "{}: a symbolic link to nothing; skipped",
                        path.display()
                    ));
                    return Entry::Skip;
                }
            }
        } else {
            link
        };
        if meta.is_dir() {
            if is_link && !self.options.follow_symlinks {
                self.warnings.push(format!(
                    "{}: a symbolic link to a directory, not followed (set `follow_symlinks = true` in `[input]` to follow links)",
                    path.display()
                ));
                return Entry::Skip;
            }
            Entry::Dir(file_key(path, &meta))
        } else if meta.is_file() {
            Entry::File(file_key(path, &meta))
        } else {
            self.warnings.push(format!(
                "{}: not a regular file (a pipe, socket or device); skipped",
                path.display()
            ));
            Entry::Skip
        }
    }

    /// Adds a file to a bundle's list unless the bundle already has it
    /// (`seen`: the bundle's files so far), which it notes.
    fn add_file(
        &mut self,
        seen: &mut HashSet<FileKey>,
        key: FileKey,
        path: PathBuf,
        out: &mut Vec<PathBuf>,
    ) {
        if seen.insert(key) {
            out.push(path);
        } else {
            self.warnings.push(format!(
                "{}: the same file as another one in the bundle (a link); counted once",
                path.display()
            ));
        }
    }

    /// The visible entries of a directory, sorted.
    fn entries(&mut self, dir: &Path) -> Result<Vec<PathBuf>> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| HostError::io(dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| !hidden(p))
            .collect();
        entries.sort();
        Ok(entries)
    }

    /// Every file under `dir` (recursively, sorted), each file once.
    fn files_under(&mut self, dir: &Path) -> Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        let mut dirs = HashSet::new();
        let mut files = HashSet::new();
        if let Ok(meta) = std::fs::metadata(dir) {
            dirs.insert(file_key(dir, &meta));
        }
        self.walk(dir, &mut dirs, &mut files, &mut out)?;
        Ok(out)
    }

    fn walk(
        &mut self,
        dir: &Path,
        dirs: &mut HashSet<FileKey>,
        files: &mut HashSet<FileKey>,
        out: &mut Vec<PathBuf>,
    ) -> Result<()> {
        let entries = match self.entries(dir) {
            Ok(e) => e,
            Err(e) => {
                self.warnings.push(format!("{e}; skipped"));
                return Ok(());
            }
        };
        for p in entries {
            match self.classify(&p) {
                Entry::Dir(key) => {
                    if dirs.insert(key) {
                        self.walk(&p, dirs, files, out)?;
                    } else {
                        self.warnings.push(format!(
                            "{}: a directory already walked (a link loop?); skipped",
                            p.display()
                        ));
                    }
                }
                Entry::File(key) => {
                    self.add_file(files, key, p, out);
                }
                Entry::Skip => {}
            }
        }
        Ok(())
    }
}

/// Finds the bundles of an input, by layout:
/// - a glob pattern (`corpus/*/*.txt`): matched directories are bundles,
///   matched files form one bundle per parent directory;
/// - with `bundle_field`, JSON Lines input (a file, or the `.jsonl` files of a
///   directory) is grouped into bundles by that field of each record (a
///   record without it goes to the bundle named after its file); only the
///   records' positions are kept in memory;
/// - otherwise a file is one bundle; in a directory, each sub-directory is a
///   bundle and the files directly in it form one bundle named after the
///   directory.
///
/// Sorted by id.
pub fn discover_with(
    input: &Path,
    bundle_field: Option<&str>,
    options: ScanOptions,
) -> Result<Discovery> {
    let mut warnings = Vec::new();
    let mut walker = Walker {
        options,
        warnings: &mut warnings,
    };
    let bundles = if is_glob(input) {
        discover_glob(input, &mut walker)?
    } else if let Some(field) = bundle_field {
        discover_records(input, field, &mut walker)?
    } else {
        discover_tree(input, &mut walker)?
    };
    let bundles = split_large(bundles, options)?;
    Ok(Discovery { bundles, warnings })
}

fn is_jsonl(path: &Path, options: ScanOptions) -> bool {
    options.jsonl
        || path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

/// Cuts bundles of more than `options.batch` documents into parts, in
/// input order (see [`ScanOptions::batch`]). JSON Lines files are scanned
/// for line ends only (no JSON is parsed); a part of a file is a byte range,
/// so memory does not grow with the records. Other files count one document
/// each (a TREC file is read whole, however many records it holds).
fn split_large(bundles: Vec<BundleInput>, options: ScanOptions) -> Result<Vec<BundleInput>> {
    let batch = options.batch;
    if batch == 0 {
        return Ok(bundles);
    }
    let mut out = Vec::with_capacity(bundles.len());
    for b in bundles {
        if !b.records.is_empty() {
            if b.records.len() <= batch {
                out.push(b);
                continue;
            }
            let chunks: Vec<Vec<RecordRef>> = b.records.chunks(batch).map(<[_]>::to_vec).collect();
            let width = part_width(chunks.len());
            for (i, records) in chunks.into_iter().enumerate() {
                out.push(BundleInput {
                    id: part_id(&b.id, i, width),
                    records,
                    ..BundleInput::default()
                });
            }
            continue;
        }
        if b.files.len() <= batch && !b.files.iter().any(|f| is_jsonl(f, options)) {
            out.push(b);
            continue;
        }
        let root = common_root(&b.files);
        let mut parts: Vec<Part> = Vec::new();
        for f in &b.files {
            if !is_jsonl(f, options) {
                next_part(&mut parts, batch).files.push(f.clone());
                continue;
            }
            let rel = root
                .as_deref()
                .and_then(|r| f.strip_prefix(r).ok())
                .unwrap_or(f);
            let rel: Arc<str> = relative_name(rel).into();
            let path: Arc<Path> = f.as_path().into();
            scan_lines(f, |start, end, line| {
                let part = next_part(&mut parts, batch);
                match part.ranges.last_mut() {
                    Some(r) if r.path == path && r.end == start => r.end = end,
                    _ => part.ranges.push(RecordRange {
                        path: Arc::clone(&path),
                        rel: Arc::clone(&rel),
                        start,
                        end,
                        first_line: line,
                    }),
                }
            })?;
        }
        if parts.len() <= 1 {
            out.push(b);
            continue;
        }
        let width = part_width(parts.len());
        for (i, part) in parts.into_iter().enumerate() {
            out.push(BundleInput {
                id: part_id(&b.id, i, width),
                files: part.files,
                records: Vec::new(),
                ranges: part.ranges,
                root: root.clone(),
            });
        }
    }
    // A part's id could be another bundle's (`corpus@00001.jsonl` beside a
    // large `corpus.jsonl`): two bundles must never share a directory.
    out.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(w) = out.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(HostError::Other(format!(
            "two bundles of the input are both named `{}` (a part of a large bundle and another bundle); rename one, or raise `[input] batch`",
            w[0].id
        )));
    }
    Ok(out)
}

/// A part of a large bundle being filled.
#[derive(Default)]
struct Part {
    files: Vec<PathBuf>,
    ranges: Vec<RecordRange>,
    documents: usize,
}

/// The part the next document goes into (the last one, or a new one when
/// the last holds `batch`), counting the document.
fn next_part(parts: &mut Vec<Part>, batch: usize) -> &mut Part {
    if parts.last().is_none_or(|p| p.documents == batch) {
        parts.push(Part::default());
    }
    let part = parts.last_mut().expect("pushed above when empty");
    part.documents += 1;
    part
}

fn part_width(parts: usize) -> usize {
    parts.to_string().len().max(5)
}

fn part_id(id: &str, i: usize, width: usize) -> String {
    format!("{id}@{:0width$}", i + 1)
}

/// Calls `f(start, end, line)` for every non-blank line of a file (`end`
/// excludes the newline; a UTF-8 byte order mark at the start is skipped),
/// reading it in large blocks.
fn scan_lines(path: &Path, mut f: impl FnMut(u64, u64, u64)) -> Result<()> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| HostError::io(path, e))?;
    let mut buf = vec![0u8; 1 << 20];
    // bytes of the current line seen so far are all white space
    let (mut offset, mut line, mut start, mut blank) = (0u64, 1u64, 0u64, true);
    let mut first = true;
    loop {
        let n = file.read(&mut buf).map_err(|e| HostError::io(path, e))?;
        if n == 0 {
            break;
        }
        let mut chunk = &buf[..n];
        if first {
            if chunk.starts_with(BOM) {
                chunk = &chunk[BOM.len()..];
                offset = BOM.len() as u64;
                start = offset;
            }
            first = false;
        }
        let mut i = 0;
        while i < chunk.len() {
            match chunk[i..].iter().position(|&c| c == b'\n') {
                Some(j) => {
                    let end = offset + (i + j) as u64;
                    if blank && !chunk[i..i + j].iter().all(u8::is_ascii_whitespace) {
                        blank = false;
                    }
                    if !blank {
                        f(start, end, line);
                    }
                    line += 1;
                    start = end + 1;
                    blank = true;
                    i += j + 1;
                }
                None => {
                    if blank && !chunk[i..].iter().all(u8::is_ascii_whitespace) {
                        blank = false;
                    }
                    break;
                }
            }
        }
        offset += chunk.len() as u64;
    }
    if !blank {
        f(start, offset, line);
    }
    Ok(())
}

fn discover_glob(input: &Path, walker: &mut Walker) -> Result<Vec<BundleInput>> {
    let pattern = input.to_string_lossy();
    let paths = glob::glob(&pattern)
        .map_err(|e| HostError::Other(format!("input pattern `{pattern}`: {e}")))?;
    let mut groups: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    let mut seen: HashMap<String, HashSet<FileKey>> = HashMap::new();
    let mut bundles = Vec::new();
    for p in paths.flatten().filter(|p| !hidden(p)) {
        match walker.classify(&p) {
            Entry::Dir(_) => {
                let files = walker.files_under(&p)?;
                bundles.push(BundleInput::of_files(name_of(&p), files));
            }
            Entry::File(key) => {
                let parent = p.parent().map(name_of).unwrap_or_else(|| "input".into());
                let seen = seen.entry(parent.clone()).or_default();
                walker.add_file(seen, key, p, groups.entry(parent).or_default());
            }
            Entry::Skip => {}
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
    Ok(bundles)
}

/// The UTF-8 byte order mark some tools write at the start of a file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn discover_records(input: &Path, field: &str, walker: &mut Walker) -> Result<Vec<BundleInput>> {
    let (files, root) = if input.is_dir() {
        let mut files = walker.files_under(input)?;
        files.retain(|p| p.extension().is_some_and(|e| e == "jsonl" || e == "ndjson"));
        (files, input.to_path_buf())
    } else {
        let root = input.parent().map(Path::to_path_buf).unwrap_or_default();
        (vec![input.to_path_buf()], root)
    };
    let mut groups: BTreeMap<String, Vec<RecordRef>> = BTreeMap::new();
    for path in files {
        use std::io::BufRead;
        let file = std::fs::File::open(&path).map_err(|e| HostError::io(&path, e))?;
        let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
        let fallback = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".into());
        // Ids of records without an id field are relative to the input, so
        // the same corpus gets the same ids wherever it lives.
        let rel: Arc<str> = relative_name(path.strip_prefix(&root).unwrap_or(&path)).into();
        let shared_path: Arc<Path> = path.as_path().into();
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
            let mut start = offset;
            offset += read as u64;
            n += 1;
            let mut body = line.strip_suffix(b"\n").unwrap_or(&line);
            if n == 1 && body.starts_with(BOM) {
                body = &body[BOM.len()..];
                start += BOM.len() as u64;
            }
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
                .unwrap_or_else(|| fallback.clone());
            groups.entry(bundle).or_default().push(RecordRef {
                path: Arc::clone(&shared_path),
                rel: Arc::clone(&rel),
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
            records,
            ..BundleInput::default()
        })
        .collect())
}

/// A path relative to its bundle, without extension, `/`-separated.
fn relative_name(rel: &Path) -> String {
    let rel = rel.with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn name_of(path: &Path) -> String {
    // The name as written (a link keeps its own name); `.`, `..` and `/`
    // are named after the directory they stand for.
    let named = path
        .file_name()
        .filter(|n| *n != "." && *n != "..")
        .map(|n| n.to_string_lossy().into_owned());
    named
        .or_else(|| {
            path.canonicalize()
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "input".into())
}

/// Finds the bundles of an input path (no pattern, no bundle field) with
/// the default scan options; see [`discover_with`].
pub fn discover(input: &Path) -> Result<Vec<BundleInput>> {
    Ok(discover_with(input, None, ScanOptions::default())?.bundles)
}

fn discover_tree(input: &Path, walker: &mut Walker) -> Result<Vec<BundleInput>> {
    let meta = std::fs::metadata(input).map_err(|e| HostError::io(input, e))?;
    if meta.is_file() {
        let id = input
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".into());
        return Ok(vec![BundleInput::of_files(id, vec![input.to_path_buf()])]);
    }
    let entries = walker.entries(input)?;
    let mut bundles = Vec::new();
    let mut dirs = Vec::new();
    let mut direct = Vec::new();
    let mut seen = HashSet::new();
    for p in entries {
        match walker.classify(&p) {
            Entry::Dir(_) => dirs.push(p),
            Entry::File(key) => {
                walker.add_file(&mut seen, key, p, &mut direct);
            }
            Entry::Skip => {}
        }
    }
    if !direct.is_empty() {
        bundles.push(BundleInput::of_files(name_of(input), direct));
    }
    for dir in dirs {
        let files = walker.files_under(&dir)?;
        bundles.push(BundleInput::of_files(name_of(&dir), files));
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
    if copydesk_text::trec::starts_with_doc(&head) || ext == "sgml" || ext == "trec" {
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
    doc.set_raw_bytes(bytes.to_vec());
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

/// Splits TREC/SGML text into `<DOC>` records: `(1-based line, record text)`
/// (see [`copydesk_text::trec::records`]).
pub fn split_trec(text: &str) -> Vec<(usize, &str)> {
    copydesk_text::trec::records(text)
        .into_iter()
        .map(|r| (r.line, &text[r.start..r.end]))
        .collect()
}

use copydesk_text::trec::docno;

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
            let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
            jsonl_lines(bundle, &base, path, bytes, 1, id_field)
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
                // A `.sgml` file with no `<DOC>` is left to detection
                // unless the user said it is TREC.
                let hint = if records.is_empty() {
                    hint
                } else {
                    Some("trec")
                };
                return vec![unparsed(id, bundle, path, bytes, hint, None)];
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

/// Consecutive JSON Lines as unparsed documents, one per non-blank line;
/// the first line of `bytes` is line `first_line` of the file.
pub fn jsonl_lines(
    bundle: &str,
    base: &str,
    path: &Path,
    bytes: &[u8],
    first_line: u64,
    id_field: &str,
) -> Vec<Document> {
    bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .map(|(n, line)| jsonl_record(bundle, base, path, line, first_line + n as u64, id_field))
        .collect()
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
    let id = record_field(line, id_field)
        .map(|id| {
            id.as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| id.to_string())
        })
        .map(|id| format!("{bundle}/{id}"))
        .unwrap_or_else(|| format!("{base}:{line_no}"));
    unparsed(id, bundle, path, line, Some("jsonl"), Some(line_no))
}

/// The value of one field of a JSON object, parsing the rest of the record
/// only as far as checking it is JSON (no tree is built of the text): `None`
/// when the line is not a JSON object or has no such field (the last one,
/// when it is given twice, as a full parse would keep).
pub fn record_field(line: &[u8], field: &str) -> Option<serde_json::Value> {
    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
    struct Field<'f>(&'f str);
    impl<'de> Visitor<'de> for Field<'_> {
        type Value = Option<serde_json::Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.0 {
                    found = Some(map.next_value::<serde_json::Value>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }
    }
    impl<'de> DeserializeSeed<'de> for Field<'_> {
        type Value = Option<serde_json::Value>;
        fn deserialize<D: serde::Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(line);
    let v = Field(field).deserialize(&mut de).ok()?;
    de.end().ok()?;
    v
}

/// The deepest directory holding every file: document ids are relative to it.
pub fn common_root(files: &[PathBuf]) -> Option<PathBuf> {
    let mut root = files.first()?.parent()?.to_path_buf();
    for f in files {
        while !f.starts_with(&root) {
            root = root.parent()?.to_path_buf();
        }
    }
    Some(root)
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
    use serde_json::json;

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
    fn a_record_field_is_read_as_a_full_parse_would() {
        let f = |l: &str| record_field(l.as_bytes(), "id");
        assert_eq!(f(r#"{"id":"a","text":"x \" y"}"#), Some(json!("a")));
        assert_eq!(f(r#"{"text":{"id":1},"id":7}"#), Some(json!(7)));
        assert_eq!(f(r#"{"id":"a","id":"b"}"#), Some(json!("b")));
        assert_eq!(f(r#"{"text":"x"}"#), None);
        assert_eq!(f(r#"["id"]"#), None);
        assert_eq!(f(r#"{"id":"a""#), None);
        assert_eq!(f(r#"{"id":"a"} trailing"#), None);
        assert_eq!(f(r#"{"i\u0064":"esc"}"#), Some(json!("esc")));
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
