//! The batch runner: bundles flow through the stages on a tokio runtime.
//!
//! - Input files of a bundle are read concurrently (`tokio::fs`).
//! - Stage calls are CPU-bound and run on the blocking pool, at most `jobs`
//!   at a time (a semaphore); document stages get the bundle's documents in
//!   batches, one call per batch.
//! - At most `jobs` bundles are in flight (each holds a permit from before
//!   it is read until its files are written), so memory depends on `jobs`
//!   and bundle size, not on the size of the corpus; input bigger than
//!   `[input] batch` documents comes as parts (see `input`).
//! - An ordered stage's call takes every CPU permit and is told it may use
//!   `jobs` threads; any other call takes one permit and one thread.
//! - Outputs are group-committed: renamed into place unflushed, then one
//!   `syncfs` before their manifest records are written.
//! - Results are consumed in input order, so output is byte-identical for
//!   any `jobs`.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use copydesk_core::{Bundle, Document, StageKind};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use tokio::sync::{mpsc, watch, Semaphore};

use crate::call::{call_bundle, call_documents};
use crate::config::{Format, OnError, MAX_JOBS};
use crate::error::{HostError, Result};
use crate::html::IndexEntry;
use crate::input::{
    common_root, dedupe_ids, discover_with, documents_of, jsonl_lines, jsonl_record, BundleInput,
    RecordRange, RecordRef, ScanOptions,
};
use crate::lock::OutputLock;
use crate::manifest::{remove_stale_temporaries, Fnv, Manifest, Record};
use crate::output::{
    bundle_dir_name, bundle_json, documents_jsonl, errors_jsonl, sync_filesystem, write_atomic,
    write_renamed, ErrorRecord,
};
use crate::pipeline::{ActiveStage, Plan};
use crate::{html, report};

/// Most documents sent to a document stage in one call.
const MAX_BATCH: usize = 64;

/// How a run is set up (the pipeline file's values, overridden by flags).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Input path.
    pub input: PathBuf,
    /// Output directory.
    pub output: PathBuf,
    /// Worker count.
    pub jobs: usize,
    /// Failure policy.
    pub on_error: OnError,
    /// Output formats.
    pub formats: Vec<Format>,
    /// Input format (`auto`, ...).
    pub format: String,
    /// JSON Lines id field.
    pub id_field: String,
    /// JSON Lines field naming each record's bundle.
    pub bundle_field: Option<String>,
    /// Keep finished bundles in [`RunStats::kept`] instead of writing files.
    pub in_memory: bool,
    /// Skip bundles the output directory's manifest lists as done with the
    /// same input and configuration.
    pub resume: bool,
    /// Show a progress bar (only drawn on a terminal).
    pub progress: bool,
    /// How the input tree is walked.
    pub scan: ScanOptions,
    /// Remove bundle directories of earlier runs that are not in this
    /// run's input (otherwise they are listed in a warning).
    pub prune: bool,
}

impl RunOptions {
    /// The options a plan's pipeline file gives.
    pub fn from_plan(plan: &Plan) -> Self {
        let file = &plan.source.file;
        RunOptions {
            input: plan.input(),
            output: plan.output(),
            jobs: file
                .run
                .jobs
                .as_ref()
                .map_or_else(default_jobs, |j| *j.get_ref()),
            on_error: file.run.on_error,
            formats: file.output.formats.clone(),
            format: file.input.format.clone(),
            id_field: file.input.id_field.clone(),
            bundle_field: file.input.bundle_field.clone(),
            in_memory: false,
            resume: false,
            progress: false,
            scan: ScanOptions {
                follow_symlinks: file.input.follow_symlinks,
                batch: file.input.batch,
                jsonl: file.input.format == "jsonl",
            },
            prune: false,
        }
    }
}

/// One worker per available core.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(MAX_JOBS)
}

/// Time spent in one stage, summed over the run.
#[derive(Debug, Clone, Serialize)]
pub struct StageTime {
    /// Stage name.
    pub stage: String,
    /// Seconds of wall time inside the stage's calls (summed over workers).
    pub seconds: f64,
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct RunStats {
    /// Bundles written (or found done, when resuming).
    pub bundles: usize,
    /// Of those, bundles skipped because a previous run finished them.
    pub resumed: usize,
    /// Documents written.
    pub documents: usize,
    /// Documents marked as duplicates.
    pub duplicates: usize,
    /// Failures.
    pub errors: Vec<ErrorRecord>,
    /// Per-stage time.
    pub stages: Vec<StageTime>,
    /// Wall time of the run in seconds.
    pub seconds: f64,
    /// True when the run stopped early (`on_error = "fail"`).
    pub stopped: bool,
    /// What the input walk skipped, stale output directories, capped
    /// settings: one line each, for the user.
    pub warnings: Vec<String>,
    /// Bundles found in the input.
    pub inputs: usize,
    /// Finished bundles, when the run was made with `in_memory`.
    #[serde(skip)]
    pub kept: Vec<Bundle>,
}

struct Shared {
    stages: Vec<ActiveStage>,
    cpu: Semaphore,
    jobs: usize,
    format: String,
    id_field: String,
    times: Mutex<Vec<Duration>>,
    stop: AtomicBool,
    on_error: OnError,
    config_hash: String,
    done: HashMap<String, Record>,
    /// For each ordered stage, the sequence number of the bundle whose turn it is.
    turns: Vec<Option<watch::Sender<u64>>>,
}

impl Shared {
    /// Waits until bundle `seq` may call ordered stage `index`.
    async fn wait_turn(&self, index: usize, seq: u64) {
        if let Some(turn) = &self.turns[index] {
            let mut rx = turn.subscribe();
            let _ = rx.wait_for(|n| *n == seq).await;
        }
    }
    /// Hands ordered stage `index` to the next bundle.
    fn end_turn(&self, index: usize) {
        if let Some(turn) = &self.turns[index] {
            turn.send_modify(|n| *n += 1);
        }
    }
    /// Passes every ordered stage from `from` on without calling it (a bundle
    /// that stopped early or was finished by an earlier run).
    async fn pass_turns(&self, from: usize, seq: u64) {
        for index in from..self.stages.len() {
            if self.turns[index].is_some() {
                self.wait_turn(index, seq).await;
                self.end_turn(index);
            }
        }
    }
}

enum Outcome {
    /// Processed now.
    Ran {
        bundle: Bundle,
        errors: Vec<ErrorRecord>,
        input_hash: String,
    },
    /// Finished by an earlier run with the same input and configuration.
    Done(Record),
}

/// The configuration hash: plugins, versions, options and input settings.
fn config_hash(plan: &Plan, options: &RunOptions) -> String {
    let mut h = Fnv::default();
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    h.write(plan.describe().to_string().as_bytes());
    h.write(options.format.as_bytes());
    h.write(options.id_field.as_bytes());
    h.write(format!("{:?}", options.formats).as_bytes());
    h.hex()
}

/// Runs a checked plan.
pub fn run(plan: &Plan, options: &RunOptions) -> Result<RunStats> {
    let mut warnings = Vec::new();
    let mut jobs = options.jobs.max(1);
    if jobs > MAX_JOBS {
        warnings.push(format!(
            "{jobs} workers asked for; using the most copydesk starts, {MAX_JOBS}"
        ));
        jobs = MAX_JOBS;
    }
    // Taken first: nothing in the directory is touched while another run owns it.
    let _lock = if options.in_memory {
        None
    } else {
        Some(OutputLock::acquire(&options.output)?)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(jobs)
        .max_blocking_threads(jobs.max(2))
        .enable_all()
        .build()
        .map_err(|e| HostError::Other(format!("cannot start the runtime: {e}")))?;
    let stages = plan.instantiate()?;
    let discovery = discover_with(
        &options.input,
        options.bundle_field.as_deref(),
        options.scan,
    )?;
    warnings.extend(discovery.warnings);
    let bundles = discovery.bundles;
    let inputs = bundles.len();
    let owned: HashSet<String> = bundles.iter().map(|b| bundle_dir_name(&b.id)).collect();
    let (mut manifest, done) = if options.in_memory {
        (None, HashMap::new())
    } else {
        remove_stale_temporaries(&options.output);
        // A run.json present always describes a run that finished.
        let run_json = options.output.join(RUN_JSON);
        match std::fs::remove_file(&run_json) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(HostError::io(&run_json, e))
            }
            _ => {}
        }
        let (m, done) = Manifest::open(&options.output, options.resume)?;
        (Some(m), done)
    };
    let turns: Vec<Option<watch::Sender<u64>>> = stages
        .iter()
        .map(|s| s.ordered.then(|| watch::channel(0u64).0))
        .collect();
    // An ordered stage keeps state across bundles: skipping finished bundles
    // would change what it sees, so a resumed run redoes every bundle.
    let done = if turns.iter().any(Option::is_some) && !done.is_empty() {
        tracing::warn!("the pipeline has an ordered stage (e.g. corpus-wide dedup): --resume redoes every bundle");
        HashMap::new()
    } else {
        done
    };
    let shared = Arc::new(Shared {
        times: Mutex::new(vec![Duration::ZERO; stages.len()]),
        stages,
        cpu: Semaphore::new(jobs),
        jobs,
        format: options.format.clone(),
        id_field: options.id_field.clone(),
        stop: AtomicBool::new(false),
        on_error: options.on_error,
        config_hash: config_hash(plan, options),
        turns,
        done,
    });
    let progress = if options.progress && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(bundles.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {pos}/{len} bundles, {msg} [{elapsed_precise}, {per_sec}, eta {eta}]",
            )
            .expect("valid template"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let (mut stats, records, entries) = runtime.block_on(drive(
        Arc::clone(&shared),
        bundles,
        options,
        manifest.as_mut(),
        &progress,
    ))?;
    progress.finish_and_clear();
    stats.inputs = inputs;
    stats.seconds = started.elapsed().as_secs_f64();
    let times = shared.times.lock().expect("times").clone();
    stats.stages = shared
        .stages
        .iter()
        .zip(times)
        .map(|(s, t)| StageTime {
            stage: s.name.clone(),
            seconds: t.as_secs_f64(),
        })
        .collect();
    if inputs == 0 {
        warnings.push(format!(
            "the input `{}` holds no documents: nothing to do",
            options.input.display()
        ));
    }
    let Some(manifest) = manifest else {
        stats.warnings = warnings;
        return Ok(stats);
    };
    write_atomic(
        &options.output.join("errors.jsonl"),
        &errors_jsonl(&stats.errors),
    )?;
    if options.formats.contains(&Format::Html) {
        write_atomic(
            &options.output.join("index.html"),
            html::render_index(&entries).as_bytes(),
        )?;
    }
    manifest.finish(&records)?;
    warnings.extend(stale_directories(&options.output, &owned, options.prune));
    stats.warnings = warnings;
    let run_json = serde_json::json!({
        "schema_version": crate::output::SCHEMA_VERSION,
        "copydesk": env!("CARGO_PKG_VERSION"),
        "pipeline": plan.source.path.display().to_string(),
        "config_hash": shared.config_hash,
        "stages": plan.describe(),
        "bundles": stats.bundles,
        "documents": stats.documents,
        "duplicates": stats.duplicates,
        "errors": stats.errors.len(),
        "stopped": stats.stopped,
        "warnings": stats.warnings,
        // The only part that differs between runs of the same input and configuration.
        "timings": {
            "seconds": stats.seconds,
            "resumed_bundles": stats.resumed,
            "stages": stats.stages,
        },
    });
    // Last, once everything it describes is on disk.
    write_atomic(
        &options.output.join(RUN_JSON),
        format!(
            "{}\n",
            serde_json::to_string_pretty(&run_json).expect("json")
        )
        .as_bytes(),
    )?;
    Ok(stats)
}

/// File name of the run summary.
const RUN_JSON: &str = "run.json";

/// Files copydesk writes in a bundle directory.
const BUNDLE_FILES: &[&str] = &["bundle.json", "documents.jsonl", "report.md", "report.html"];

/// Directories of the output that are not bundles of this run: removed
/// with `prune` when they hold only copydesk's files, else reported.
fn stale_directories(output: &Path, owned: &HashSet<String>, prune: bool) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(output) else {
        return Vec::new();
    };
    let mut stale: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            !name.starts_with('.') && !owned.contains(&name)
        })
        .map(|e| e.path())
        .collect();
    stale.sort();
    if stale.is_empty() {
        return Vec::new();
    }
    let ours = |dir: &Path| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().all(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                e.file_type().is_ok_and(|t| t.is_file())
                    && (BUNDLE_FILES.contains(&name.as_str())
                        || (name.starts_with('.') && name.contains(".tmp-")))
            })
        })
    };
    let names = |dirs: &[PathBuf]| {
        dirs.iter()
            .map(|d| format!("`{}`", d.display()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !prune {
        return vec![format!(
            "{} director{} in the output {} not bundles of this input (left by an earlier run?): {}; `copydesk run --prune` removes those that hold only copydesk's files",
            stale.len(),
            if stale.len() == 1 { "y" } else { "ies" },
            if stale.len() == 1 { "is" } else { "are" },
            names(&stale)
        )];
    }
    let mut warnings = Vec::new();
    let (mine, foreign): (Vec<PathBuf>, Vec<PathBuf>) = stale.into_iter().partition(|d| ours(d));
    for dir in &mine {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => tracing::info!("pruned {}", dir.display()),
            Err(e) => warnings.push(format!("{}: cannot remove it: {e}", dir.display())),
        }
    }
    if !foreign.is_empty() {
        warnings.push(format!(
            "not pruned, as they hold files copydesk does not write: {}",
            names(&foreign)
        ));
    }
    warnings
}

async fn drive(
    shared: Arc<Shared>,
    bundles: Vec<BundleInput>,
    options: &RunOptions,
    mut manifest: Option<&mut Manifest>,
    progress: &ProgressBar,
) -> Result<(RunStats, Vec<Record>, Vec<IndexEntry>)> {
    // A bundle holds a permit from before it is read until its files are
    // written: at most `jobs` bundles are in memory at once.
    let in_flight = Arc::new(Semaphore::new(shared.jobs));
    type Pending = (
        tokio::task::JoinHandle<Outcome>,
        tokio::sync::OwnedSemaphorePermit,
    );
    let (tx, mut rx) = mpsc::channel::<Pending>(shared.jobs);
    let producer = {
        let shared = Arc::clone(&shared);
        let in_flight = Arc::clone(&in_flight);
        tokio::spawn(async move {
            for (seq, input) in bundles.into_iter().enumerate() {
                let permit = Arc::clone(&in_flight)
                    .acquire_owned()
                    .await
                    .expect("semaphore never closed");
                if shared.stop.load(Ordering::SeqCst) {
                    break;
                }
                let handle = tokio::spawn(process_bundle(Arc::clone(&shared), input, seq as u64));
                if tx.send((handle, permit)).await.is_err() {
                    break;
                }
            }
        })
    };
    let mut stats = RunStats {
        bundles: 0,
        resumed: 0,
        documents: 0,
        duplicates: 0,
        errors: Vec::new(),
        stages: Vec::new(),
        seconds: 0.0,
        stopped: false,
        warnings: Vec::new(),
        inputs: 0,
        kept: Vec::new(),
    };
    // Bundles whose files are in place (the manifest), and every bundle the
    // run finished, written or not (the index).
    let mut records = Vec::new();
    let mut entries = Vec::new();
    // Bundles written but not yet known to be on disk: recorded in the
    // manifest together, after one flush of the file system.
    let mut unsynced: Vec<Record> = Vec::new();
    let mut last_sync = Instant::now();
    while let Some((handle, permit)) = rx.recv().await {
        let outcome = handle
            .await
            .map_err(|e| HostError::Other(format!("a bundle task failed: {e}")))?;
        // (released at the end of this iteration, once the files are written)
        let _permit = permit;
        let (record, written) = match outcome {
            Outcome::Done(record) => {
                stats.resumed += 1;
                (record, true)
            }
            Outcome::Ran {
                bundle,
                mut errors,
                input_hash,
            } => {
                let failed = !errors.is_empty();
                if failed && shared.on_error == OnError::Fail {
                    stats.errors.extend(errors);
                    shared.stop.store(true, Ordering::SeqCst);
                    stats.stopped = true;
                    continue;
                }
                if stats.stopped {
                    continue;
                }
                let mut entry = IndexEntry::of(&bundle, errors.len());
                let mut written = true;
                if options.in_memory {
                    stats.kept.push(bundle);
                } else {
                    // A bundle that cannot be written is that bundle's failure,
                    // not the run's: it is recorded and left out of the
                    // manifest, so that `--resume` tries it again.
                    let dir = options.output.join(bundle_dir_name(&bundle.id));
                    let formats = options.formats.clone();
                    let id = bundle.id.clone();
                    let shown = dir.display().to_string();
                    let result = tokio::task::spawn_blocking(move || {
                        write_bundle(&dir, &bundle, &formats, false)
                    })
                    .await
                    .unwrap_or_else(|e| Err(HostError::Other(e.to_string())));
                    if let Err(e) = result {
                        errors.push(ErrorRecord {
                            bundle: id,
                            doc: None,
                            file: Some(shown),
                            stage: "output".into(),
                            plugin: None,
                            message: format!("cannot write the bundle's files: {e}"),
                            panic: false,
                        });
                        entry.errors = errors.len();
                        written = false;
                        if shared.on_error == OnError::Fail {
                            shared.stop.store(true, Ordering::SeqCst);
                            stats.stopped = true;
                        }
                    }
                }
                let record = Record {
                    bundle: entry.id.clone(),
                    input_hash,
                    config_hash: shared.config_hash.clone(),
                    entry,
                    errors,
                };
                if written && manifest.is_some() {
                    unsynced.push(record.clone());
                }
                (record, written)
            }
        };
        stats.bundles += 1;
        stats.documents += record.entry.documents;
        stats.duplicates += record.entry.duplicates;
        stats.errors.extend(record.errors.iter().cloned());
        progress.inc(1);
        progress.set_message(format!(
            "{} documents, {} errors",
            stats.documents,
            stats.errors.len()
        ));
        tracing::info!(bundle = %record.bundle, bundles = stats.bundles, documents = stats.documents, "bundle done");
        entries.push(record.entry.clone());
        if written {
            records.push(record);
        }
        if unsynced.len() >= SYNC_GROUP || last_sync.elapsed() >= SYNC_EVERY {
            commit(&options.output, &mut unsynced, manifest.as_deref_mut()).await?;
            last_sync = Instant::now();
        }
    }
    commit(&options.output, &mut unsynced, manifest).await?;
    producer
        .await
        .map_err(|e| HostError::Other(format!("the input task failed: {e}")))?;
    Ok((stats, records, entries))
}

/// Bundles written between two flushes of the output (group commit).
const SYNC_GROUP: usize = 256;
/// The longest a written bundle waits for its flush and manifest record.
const SYNC_EVERY: Duration = Duration::from_secs(2);

/// Group commit: flushes the output's file system once, then records the
/// bundles written since the last flush in the manifest, so that `--resume`
/// never skips a bundle whose files a power loss could have cut short.
async fn commit(
    output: &Path,
    unsynced: &mut Vec<Record>,
    manifest: Option<&mut Manifest>,
) -> Result<()> {
    let Some(manifest) = manifest else {
        unsynced.clear();
        return Ok(());
    };
    if unsynced.is_empty() {
        return Ok(());
    }
    let dir = output.to_path_buf();
    tokio::task::spawn_blocking(move || sync_filesystem(&dir))
        .await
        .map_err(|e| HostError::Other(format!("flushing the output failed: {e}")))??;
    manifest.append_all(unsynced)?;
    unsynced.clear();
    Ok(())
}

/// Writes one bundle's files atomically; with `sync = false` they are not
/// flushed one by one (the runner flushes a group with
/// [`sync_filesystem`] before recording them).
pub fn write_bundle(dir: &Path, bundle: &Bundle, formats: &[Format], sync: bool) -> Result<()> {
    let write_atomic = |path: &Path, bytes: &[u8]| write_renamed(path, bytes, sync);
    if formats.contains(&Format::Json) {
        write_atomic(&dir.join("documents.jsonl"), &documents_jsonl(bundle))?;
        write_atomic(&dir.join("bundle.json"), &bundle_json(bundle))?;
    }
    if formats.contains(&Format::Markdown) {
        write_atomic(&dir.join("report.md"), report::render(bundle).as_bytes())?;
    }
    if formats.contains(&Format::Html) {
        write_atomic(
            &dir.join("report.html"),
            html::render_bundle(bundle).as_bytes(),
        )?;
    }
    Ok(())
}

fn record(
    bundle: &str,
    doc: Option<&Document>,
    stage: &str,
    plugin: Option<&str>,
    message: String,
    panic: bool,
) -> ErrorRecord {
    ErrorRecord {
        bundle: bundle.into(),
        doc: doc.map(|d| d.id.clone()),
        file: doc.map(|d| d.source.path.clone()),
        stage: stage.into(),
        plugin: plugin.map(str::to_owned),
        message,
        panic,
    }
}

async fn read_documents(
    shared: &Shared,
    input: &BundleInput,
    errors: &mut Vec<ErrorRecord>,
) -> (Vec<Document>, String) {
    let root = input
        .files
        .first()
        .and_then(|f| f.parent())
        .map(Path::to_path_buf);
    let mut reads = tokio::task::JoinSet::new();
    for (i, path) in input.files.iter().enumerate() {
        let path = path.clone();
        reads.spawn(async move { (i, tokio::fs::read(&path).await, path) });
    }
    let mut files = Vec::with_capacity(input.files.len());
    while let Some(r) = reads.join_next().await {
        if let Ok(r) = r {
            files.push(r);
        }
    }
    files.sort_by_key(|(i, _, _)| *i);
    let mut docs = Vec::new();
    // Ids are relative to the bundle's directory (a part's: the whole bundle's).
    let common = input
        .root
        .clone()
        .or_else(|| common_root(&input.files))
        .or(root);
    let mut hash = Fnv::default();
    for (_, bytes, path) in files {
        let rel = common
            .as_deref()
            .and_then(|c| path.strip_prefix(c).ok())
            .unwrap_or(&path);
        hash.write(rel.to_string_lossy().as_bytes());
        match bytes {
            Ok(bytes) => docs.extend({
                hash.write(&bytes);
                documents_of(
                    &input.id,
                    common.as_deref(),
                    &path,
                    &bytes,
                    &shared.format,
                    &shared.id_field,
                )
            }),
            // (an unreadable file hashes as its path alone, so it is retried)
            Err(e) => errors.push(input_error(
                &input.id,
                path.display().to_string(),
                format!("cannot read the file: {e}"),
            )),
        }
    }
    if !input.ranges.is_empty() {
        let (ranges, bundle, id_field) = (
            input.ranges.clone(),
            input.id.clone(),
            shared.id_field.clone(),
        );
        let read = tokio::task::spawn_blocking(move || read_ranges(&bundle, &ranges, &id_field));
        fold_read(&input.id, read.await, &mut docs, errors, &mut hash);
    }
    if !input.records.is_empty() {
        let (records, bundle, id_field) = (
            input.records.clone(),
            input.id.clone(),
            shared.id_field.clone(),
        );
        let read = tokio::task::spawn_blocking(move || read_records(&bundle, &records, &id_field));
        fold_read(&input.id, read.await, &mut docs, errors, &mut hash);
    }
    dedupe_ids(&mut docs);
    (docs, hash.hex())
}

/// What a blocking record reader gives: documents, errors, input hash.
type RecordsRead = (Vec<Document>, Vec<ErrorRecord>, String);

/// Adds what a record reader read to the bundle's documents, errors and
/// input hash (a reader that died is the bundle's input error).
fn fold_read(
    bundle: &str,
    read: std::result::Result<RecordsRead, tokio::task::JoinError>,
    docs: &mut Vec<Document>,
    errors: &mut Vec<ErrorRecord>,
    hash: &mut Fnv,
) {
    match read {
        Ok((more, more_errors, h)) => {
            hash.write(h.as_bytes());
            docs.extend(more);
            errors.extend(more_errors);
        }
        Err(e) => errors.push(record(
            bundle,
            None,
            "input",
            None,
            format!("reading records failed: {e}"),
            false,
        )),
    }
}

/// An input error of a bundle: a file or record that could not be read.
fn input_error(bundle: &str, file: String, message: String) -> ErrorRecord {
    ErrorRecord {
        bundle: bundle.into(),
        doc: None,
        file: Some(file),
        stage: "input".into(),
        plugin: None,
        message,
        panic: false,
    }
}

/// Reads runs of JSON Lines records (the parts of a large file).
fn read_ranges(bundle: &str, ranges: &[RecordRange], id_field: &str) -> RecordsRead {
    use std::io::{Read, Seek, SeekFrom};
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    let mut hash = Fnv::default();
    for r in ranges {
        let mut bytes = vec![0u8; (r.end - r.start) as usize];
        let read = std::fs::File::open(&r.path).and_then(|mut f| {
            f.seek(SeekFrom::Start(r.start))?;
            f.read_exact(&mut bytes)
        });
        if let Err(e) = read {
            errors.push(input_error(
                bundle,
                format!("{}:{}", r.path.display(), r.first_line),
                format!("cannot read the records: {e} (was the file changed during the run?)"),
            ));
            continue;
        }
        hash.write(r.rel.as_bytes());
        hash.write(&bytes);
        let base = format!("{bundle}/{}", r.rel);
        docs.extend(jsonl_lines(
            bundle,
            &base,
            &r.path,
            &bytes,
            r.first_line,
            id_field,
        ));
    }
    (docs, errors, hash.hex())
}

/// Reads JSON Lines records by position (the bundle-field layout).
fn read_records(bundle: &str, records: &[RecordRef], id_field: &str) -> RecordsRead {
    use std::io::{Read, Seek, SeekFrom};
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    let mut hash = Fnv::default();
    let mut open: Option<(Arc<Path>, std::fs::File)> = None;
    for r in records {
        if open.as_ref().map(|(p, _)| p != &r.path).unwrap_or(true) {
            match std::fs::File::open(&r.path) {
                Ok(f) => open = Some((Arc::clone(&r.path), f)),
                Err(e) => {
                    errors.push(input_error(
                        bundle,
                        r.path.display().to_string(),
                        format!("cannot read the file: {e}"),
                    ));
                    continue;
                }
            }
        }
        let (_, file) = open.as_mut().expect("opened above");
        let mut line = vec![0u8; r.len];
        if let Err(e) = file
            .seek(SeekFrom::Start(r.offset))
            .and_then(|_| file.read_exact(&mut line))
        {
            errors.push(input_error(
                bundle,
                format!("{}:{}", r.path.display(), r.line),
                format!("cannot read the record: {e}"),
            ));
            continue;
        }
        hash.write(&line);
        docs.push(jsonl_record(
            bundle,
            &format!("{bundle}/{}", r.rel),
            &r.path,
            &line,
            r.line,
            id_field,
        ));
    }
    (docs, errors, hash.hex())
}

async fn process_bundle(shared: Arc<Shared>, input: BundleInput, seq: u64) -> Outcome {
    let mut errors = Vec::new();
    let (documents, input_hash) = read_documents(&shared, &input, &mut errors).await;
    if let Some(record) = shared.done.get(&input.id) {
        if record.input_hash == input_hash && record.config_hash == shared.config_hash {
            shared.pass_turns(0, seq).await;
            return Outcome::Done(record.clone());
        }
    }
    let mut bundle = Bundle::new(input.id.clone(), documents);
    let mut next = 0;
    while next < shared.stages.len() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let index = next;
        next += 1;
        let kind = shared.stages[index].instance.kind();
        bundle = match kind {
            StageKind::Document => run_document_stage(&shared, index, bundle, &mut errors).await,
            StageKind::Bundle => {
                shared.wait_turn(index, seq).await;
                let out = run_bundle_stage(&shared, index, bundle, &mut errors).await;
                shared.end_turn(index);
                out
            }
            _ => unreachable!("a manifest naming another stage kind is refused at load"),
        };
        if !errors.is_empty() && shared.on_error == OnError::Fail {
            break;
        }
    }
    // Stages not reached still get their turn passed on, or later bundles would wait forever.
    shared.pass_turns(next, seq).await;
    Outcome::Ran {
        bundle,
        errors,
        input_hash,
    }
}

async fn timed<T: Send + 'static>(
    shared: &Arc<Shared>,
    index: usize,
    threads: usize,
    f: impl FnOnce(&ActiveStage) -> T + Send + 'static,
) -> T {
    let _permit = shared
        .cpu
        .acquire_many(threads as u32)
        .await
        .expect("semaphore never closed");
    let s = Arc::clone(shared);
    let (value, elapsed) = tokio::task::spawn_blocking(move || {
        let t = Instant::now();
        let v = f(&s.stages[index]);
        (v, t.elapsed())
    })
    .await
    .expect("stage calls catch panics at the boundary");
    shared.times.lock().expect("times")[index] += elapsed;
    value
}

async fn run_document_stage(
    shared: &Arc<Shared>,
    index: usize,
    mut bundle: Bundle,
    errors: &mut Vec<ErrorRecord>,
) -> Bundle {
    let docs = std::mem::take(&mut bundle.documents);
    if docs.is_empty() {
        return bundle;
    }
    let size = docs.len().div_ceil(shared.jobs).clamp(1, MAX_BATCH);
    let mut batches: Vec<Vec<Document>> = Vec::new();
    let mut iter = docs.into_iter().peekable();
    while iter.peek().is_some() {
        batches.push(iter.by_ref().take(size).collect());
    }
    let mut tasks = Vec::new();
    for batch in batches {
        let shared = Arc::clone(shared);
        tasks.push(tokio::spawn(async move {
            timed(&shared, index, 1, move |stage| {
                let mut batch = batch;
                let result = call_documents(&stage.instance, &mut batch);
                (batch, result)
            })
            .await
        }));
    }
    let stage = &shared.stages[index];
    let plugin = stage.instance.plugin.name.clone();
    for task in tasks {
        let (batch, result) = task.await.expect("batch task");
        match result {
            Ok(results) => {
                for (doc, r) in batch.into_iter().zip(results) {
                    match r {
                        Ok(()) => bundle.documents.push(doc),
                        Err((message, panic)) => errors.push(record(
                            &bundle.id,
                            Some(&doc),
                            &stage.name,
                            Some(&plugin),
                            message,
                            panic,
                        )),
                    }
                }
            }
            Err((message, panic)) => {
                for doc in &batch {
                    errors.push(record(
                        &bundle.id,
                        Some(doc),
                        &stage.name,
                        Some(&plugin),
                        message.clone(),
                        panic,
                    ));
                }
            }
        }
    }
    bundle
}

async fn run_bundle_stage(
    shared: &Arc<Shared>,
    index: usize,
    bundle: Bundle,
    errors: &mut Vec<ErrorRecord>,
) -> Bundle {
    // An ordered stage is the one call of its kind at a time, and later
    // bundles wait for it: it gets every core (the other calls wait for
    // their permits meanwhile), any other call one.
    let threads = if shared.stages[index].ordered {
        shared.jobs
    } else {
        1
    };
    let (bundle, result) = timed(shared, index, threads, move |stage| {
        let mut bundle = bundle;
        let result = call_bundle(&stage.instance, &mut bundle, threads);
        (bundle, result)
    })
    .await;
    if let Err((message, panic)) = result {
        let stage = &shared.stages[index];
        errors.push(record(
            &bundle.id,
            None,
            &stage.name,
            Some(&stage.instance.plugin.name),
            message,
            panic,
        ));
    }
    bundle
}
