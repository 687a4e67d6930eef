//! Streaming detection over a JSON Lines file of `{"id", "text"}` records.
//!
//! The file is read once to compute sketches (a reader thread feeds batches of
//! lines to the workers); only ids, byte offsets and sketches are kept. The
//! few documents that are candidates are read again, by offset, to verify
//! them exactly. Memory is therefore about `4 * num_perm + 40` bytes per
//! document plus the candidates' shingle sets, whatever the size of the texts.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::detect::{dedup_sketches, Dedup, Params, Sketcher, Sketches};
use crate::par;
use crate::tokens;

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(borrow)]
    id: &'a RawValue,
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
}

/// The result of a run over a file.
pub struct JsonlResult {
    /// Record ids as raw JSON (`"d0001"` with its quotes, or a number), in file order.
    pub ids: Vec<String>,
    /// Detection result; document indices are record numbers (0-based, blank lines skipped).
    pub dedup: Dedup,
    /// Bytes read.
    pub bytes: u64,
}

fn bad(line: usize, e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("line {line}: {e}"))
}

fn parse(line: &[u8], lineno: usize) -> io::Result<Record<'_>> {
    serde_json::from_slice::<Record>(line).map_err(|e| bad(lineno, e))
}

/// Runs detection over `path`.
pub fn dedup_jsonl(path: &Path, params: &Params) -> io::Result<JsonlResult> {
    params
        .validate()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let threads = par::threads(params.threads);
    let file = File::open(path)?;
    const BATCH_BYTES: usize = 8 << 20;
    // (line number, offset, line bytes)
    type Batch = Vec<(usize, u64, Vec<u8>)>;
    let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<Batch>>(2);
    let mut ids = Vec::new();
    let mut locs: Vec<(u64, u32)> = Vec::new();
    let mut sketches = Sketches::new(params.num_perm);
    let mut total = 0u64;
    std::thread::scope(|s| -> io::Result<()> {
        s.spawn(move || {
            let mut reader = BufReader::with_capacity(1 << 20, file);
            let mut offset = 0u64;
            let mut lineno = 0usize;
            loop {
                let mut batch: Batch = Vec::new();
                let mut size = 0;
                let mut eof = false;
                while size < BATCH_BYTES {
                    let mut line = Vec::new();
                    match reader.read_until(b'\n', &mut line) {
                        Ok(0) => {
                            eof = true;
                            break;
                        }
                        Ok(n) => {
                            lineno += 1;
                            let start = offset;
                            offset += n as u64;
                            if line.iter().all(u8::is_ascii_whitespace) {
                                continue;
                            }
                            size += n;
                            batch.push((lineno, start, line));
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                            return;
                        }
                    }
                }
                if !batch.is_empty() && tx.send(Ok(batch)).is_err() {
                    return;
                }
                if eof {
                    return;
                }
            }
        });
        for batch in rx {
            let batch = batch?;
            let parts = par::map_chunks(
                &batch,
                threads,
                64,
                |chunk| -> io::Result<(Vec<String>, Sketches)> {
                    let mut sk = Sketcher::new(params);
                    let mut out = Sketches::new(params.num_perm);
                    let mut ids = Vec::with_capacity(chunk.len());
                    for (lineno, _, line) in chunk {
                        let rec = parse(line, *lineno)?;
                        ids.push(rec.id.get().to_string());
                        sk.push(rec.text.as_deref().unwrap_or(""), &mut out);
                    }
                    Ok((ids, out))
                },
            );
            for p in parts {
                let (i, sk) = p?;
                ids.extend(i);
                sketches.append(sk);
            }
            for (_, off, line) in &batch {
                total += line.len() as u64;
                locs.push((*off, line.len() as u32));
            }
        }
        Ok(())
    })?;

    let k = params.shingle;
    let path: PathBuf = path.to_path_buf();
    let load = |docs: &[usize]| -> Vec<Vec<u64>> {
        let parts = par::map_chunks(docs, threads, 256, |chunk| {
            let mut f = File::open(&path).expect("input file can be reopened");
            let mut buf = Vec::new();
            chunk
                .iter()
                .map(|&d| {
                    let (off, len) = locs[d];
                    buf.resize(len as usize, 0);
                    f.seek(SeekFrom::Start(off))
                        .and_then(|_| f.read_exact(&mut buf))
                        .expect("input file unchanged");
                    let rec = parse(&buf, d).expect("record parsed before");
                    tokens::text_shingles(rec.text.as_deref().unwrap_or(""), k)
                })
                .collect::<Vec<_>>()
        });
        parts.into_iter().flatten().collect()
    };
    let dedup = dedup_sketches(&sketches, params, &load);
    Ok(JsonlResult {
        ids,
        dedup,
        bytes: total,
    })
}

/// Writes the result in the scorer's format: one `{"cluster": [ids]}` line per
/// set of [`Dedup::verified_sets`].
pub fn write_clusters(result: &JsonlResult, out: &mut impl Write) -> io::Result<()> {
    for set in result.dedup.verified_sets() {
        out.write_all(b"{\"cluster\": [")?;
        for (i, &d) in set.iter().enumerate() {
            if i > 0 {
                out.write_all(b", ")?;
            }
            out.write_all(result.ids[d].as_bytes())?;
        }
        out.write_all(b"]}\n")?;
    }
    Ok(())
}
