//! The `copydesk` command line: a thin layer over `copydesk-host`.

mod plugin_test;
mod scaffold;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use copydesk_host::config::{OnError, Overrides, PipelineSource};
use copydesk_host::input::documents_of;
use copydesk_host::pipeline::Plan;
use copydesk_host::registry::Registry;
use copydesk_host::runner::{self, RunOptions, RunStats};

/// copydesk: reads every article about a story, cleans it, finds what is
/// repeated, checks quotes against the primary source, and writes a short,
/// cited brief.
#[derive(Parser)]
#[command(name = "copydesk", version, about, long_about = None)]
struct Cli {
    /// More logging (-v: info, -vv: debug). RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a pipeline over its input and write the outputs.
    Run {
        /// Pipeline file.
        #[arg(default_value = "pipeline.toml")]
        pipeline: PathBuf,
        #[command(flatten)]
        flags: RunFlags,
    },
    /// Check a pipeline file, its plugins, options, stage order and paths, without running.
    Validate {
        /// Pipeline file.
        #[arg(default_value = "pipeline.toml")]
        pipeline: PathBuf,
    },
    /// List every plugin on the search path.
    Plugins {
        /// Pipeline file whose `plugin_paths` to search too (if it exists).
        #[arg(long, default_value = "pipeline.toml")]
        pipeline: PathBuf,
    },
    /// Show a plugin's stages and options.
    Inspect {
        /// Plugin name or library path.
        plugin: String,
        /// Pipeline file whose `plugin_paths` to search too (if it exists).
        #[arg(long, default_value = "pipeline.toml")]
        pipeline: PathBuf,
    },
    /// Parse one file with the parse plugin and print the document as JSON.
    Parse {
        /// The file.
        file: PathBuf,
        /// Format (auto, text, transcript, html, trec, jsonl).
        #[arg(long, default_value = "auto")]
        format: String,
        /// Print only the clean body text.
        #[arg(long)]
        text: bool,
    },
    /// Summarize one folder (parse, dedup, summary) and print the brief.
    Summarize {
        /// Folder of articles (plain text, HTML, TREC/SGML).
        dir: PathBuf,
        /// Word budget.
        #[arg(long, default_value_t = 100)]
        words: u32,
        /// What the reader wants to know.
        #[arg(long)]
        focus: Option<String>,
        /// A topic file (title, blank line, narrative) used as the focus.
        #[arg(long)]
        topic: Option<PathBuf>,
        /// Print each sentence with its citation.
        #[arg(long)]
        cite: bool,
    },
    /// Run one stage of one plugin on files and show the exact request it
    /// got, the exact response it gave, and what the host made of it.
    PluginTest(plugin_test::Args),
    /// Create an out-of-tree plugin crate that builds with `cargo build --release`.
    NewPlugin {
        /// Plugin name (letters, digits, `-`, `_`).
        name: String,
        /// Parent directory (default: the current directory).
        #[arg(long, default_value = ".")]
        path: PathBuf,
        /// A local copydesk-core to build against (written as a
        /// `[patch.crates-io]` override; default: this binary's checkout,
        /// if it is still there).
        #[arg(long)]
        core: Option<PathBuf>,
        /// The stage to scaffold: `document` (a word counter) or `bundle`
        /// (documents per outlet).
        #[arg(long, value_enum, default_value = "document")]
        kind: scaffold::Kind,
    },
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

/// Exit code of a run whose input holds nothing to process.
const EXIT_EMPTY_INPUT: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match dispatch(cli.command) {
        Ok(code) => code,
        // The reader went away (`copydesk parse FILE | head`): stop quietly.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Like `println!`, but returns the write error (a closed pipe) instead of
/// panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

fn dispatch(command: Command) -> Result<ExitCode> {
    match command {
        Command::Run { pipeline, flags } => run(&pipeline, flags),
        Command::Validate { pipeline } => validate(&pipeline),
        Command::Plugins { pipeline } => plugins(&pipeline),
        Command::Inspect { plugin, pipeline } => inspect(&plugin, &pipeline),
        Command::Parse { file, format, text } => parse(&file, &format, text),
        Command::Summarize {
            dir,
            words,
            focus,
            topic,
            cite,
        } => summarize(&dir, words, focus, topic, cite),
        Command::PluginTest(args) => plugin_test::run(args),
        Command::NewPlugin {
            name,
            path,
            core,
            kind,
        } => {
            let created = scaffold::create(&name, &path, core, kind)?;
            let dir = created.dir.display();
            match &created.core {
                Some(core) => println!(
                    "created {dir} (copydesk-core 0.1, patched to {} until it is published)",
                    core.display()
                ),
                None => println!("created {dir} (copydesk-core 0.1 from crates.io)"),
            }
            println!("build it with: (cd {dir} && cargo build --release)");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn checked(path: &Path, check_env: bool) -> Result<Plan> {
    checked_with(path, &Overrides::default(), check_env)
}

fn checked_with(path: &Path, overrides: &Overrides, check_env: bool) -> Result<Plan> {
    let source = PipelineSource::read_with(path, overrides)?;
    let registry = source.registry();
    match Plan::check(source, &registry, check_env) {
        Ok(plan) => Ok(plan),
        Err(errors) => bail!(
            "{} problem{} in the pipeline:\n  {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            errors.join("\n  ")
        ),
    }
}

fn report_stats(stats: &RunStats, quiet: bool) {
    for e in &stats.errors {
        eprintln!("error: {}", e.display());
    }
    if quiet {
        return;
    }
    let per_stage: Vec<String> = stats
        .stages
        .iter()
        .map(|s| format!("{} {:.2}s", s.stage, s.seconds))
        .collect();
    let resumed = if stats.resumed > 0 {
        format!(" ({} already done)", stats.resumed)
    } else {
        String::new()
    };
    eprintln!(
        "{} bundles{resumed}, {} documents, {} duplicates, {} errors in {:.2}s ({}){}",
        stats.bundles,
        stats.documents,
        stats.duplicates,
        stats.errors.len(),
        stats.seconds,
        per_stage.join(", "),
        if stats.stopped {
            "; stopped at the first failure (on_error = \"fail\")"
        } else {
            ""
        }
    );
}

/// The flags of `copydesk run`.
#[derive(clap::Args)]
struct RunFlags {
    /// Input path (overrides `[input] path`).
    #[arg(long)]
    input: Option<PathBuf>,
    /// Output directory (overrides `[output] dir`).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Worker threads (default: `[run] jobs`, or one per core; at most 256).
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..))]
    jobs: Option<u32>,
    /// No progress bar and no final summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Skip bundles a previous run into the same output directory
    /// finished with the same input and configuration.
    #[arg(long)]
    resume: bool,
    /// Remove bundle directories of earlier runs that are not in this
    /// run's input (only those holding nothing but copydesk's files).
    #[arg(long)]
    prune: bool,
}

fn run(path: &Path, flags: RunFlags) -> Result<ExitCode> {
    let overrides = Overrides {
        input: flags.input,
        output: flags.output,
    };
    let plan = checked_with(path, &overrides, true)?;
    let mut options = RunOptions::from_plan(&plan);
    if let Some(j) = flags.jobs {
        options.jobs = j as usize;
    }
    options.resume = flags.resume;
    options.prune = flags.prune;
    options.progress = !flags.quiet;
    let stats = runner::run(&plan, &options)?;
    for w in &stats.warnings {
        eprintln!("warning: {w}");
    }
    report_stats(&stats, flags.quiet);
    if !flags.quiet {
        eprintln!("output in {}", options.output.display());
    }
    Ok(if stats.inputs == 0 {
        ExitCode::from(EXIT_EMPTY_INPUT)
    } else if stats.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn validate(path: &Path) -> Result<ExitCode> {
    let plan = checked(path, true)?;
    // Creating the stages runs the plugins' own checks of their options
    // (such as one option's bound depending on another's), as `run` would.
    plan.instantiate()
        .with_context(|| format!("{}: a stage refused its options", path.display()))?;
    out!("{}: ok", path.display())?;
    for step in &plan.steps {
        out!(
            "  {} = {} {} (stage `{}`, {})",
            step.name,
            step.plugin.name,
            step.plugin.version,
            step.spec.name,
            step.plugin.path.display()
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn registry_for(pipeline: &Path) -> Registry {
    match PipelineSource::read(pipeline) {
        Ok(source) if pipeline.exists() => source.registry(),
        _ => Registry::new(&[]),
    }
}

fn plugins(pipeline: &Path) -> Result<ExitCode> {
    let registry = registry_for(pipeline);
    let (found, skipped) = registry.discover();
    if found.is_empty() {
        out!(
            "no plugins found; searched: {}",
            registry
                .dirs()
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    for p in &found {
        let stages: Vec<String> = p
            .stages
            .iter()
            .map(|s| {
                format!(
                    "{} ({})",
                    s.name,
                    if s.kind == copydesk_core::StageKind::Document {
                        "document"
                    } else {
                        "bundle"
                    }
                )
            })
            .collect();
        out!(
            "{} {}\n  {}\n  stages: {}\n  sdk: {}, protocol {}\n  file: {}",
            p.name,
            p.version,
            p.description,
            stages.join(", "),
            p.sdk
                .as_deref()
                .unwrap_or("not stated (built before copydesk-core 0.1 recorded it)"),
            p.protocol,
            p.path.display()
        )?;
    }
    for s in &skipped {
        if s.shadowed {
            tracing::info!("skipped {}: {}", s.path.display(), s.reason);
        } else {
            // A file named like a plugin (libcopydesk_*) that is refused.
            eprintln!("warning: skipped {}: {}", s.path.display(), s.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn inspect(name: &str, pipeline: &Path) -> Result<ExitCode> {
    let registry = registry_for(pipeline);
    let plugin = registry.find(name, Path::new("."))?;
    println!(
        "{} {}: {}\nfile: {}",
        plugin.name,
        plugin.version,
        plugin.description,
        plugin.path.display()
    );
    for stage in &plugin.stages {
        let kind = if stage.kind == copydesk_core::StageKind::Document {
            "document"
        } else {
            "bundle"
        };
        println!(
            "\nstage `{}` ({kind} stage): {}",
            stage.name, stage.description
        );
        println!(
            "  reads: {}; writes: {}",
            stage.reads.join(", "),
            stage.writes.join(", ")
        );
        if !stage.requires.is_empty() || !stage.provides.is_empty() {
            println!(
                "  requires: {}; provides: {}",
                or_none(&stage.requires),
                or_none(&stage.provides)
            );
        }
        if stage.options.is_empty() {
            println!("  no options");
        }
        for o in &stage.options {
            let default = if o.required {
                "required".to_string()
            } else if o.default.is_null() {
                "not set".into()
            } else {
                format!("default {}", o.default)
            };
            let range = match (o.min, o.max) {
                (Some(lo), Some(hi)) => format!(", {lo}..={hi}"),
                (Some(lo), None) => format!(", {lo}.."),
                (None, Some(hi)) => format!(", ..={hi}"),
                (None, None) => String::new(),
            };
            let choices = if o.choices.is_empty() {
                String::new()
            } else {
                format!("; one of: {}", o.choices.join(", "))
            };
            println!(
                "  {} ({}, {default}{range}{choices})\n      {}",
                o.name,
                o.ty.name(),
                o.doc
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn or_none(v: &[String]) -> String {
    if v.is_empty() {
        "nothing".into()
    } else {
        v.join(", ")
    }
}

fn parse(file: &Path, format: &str, text_only: bool) -> Result<ExitCode> {
    // COPYDESK_PLUGIN_PATH and the binary's directory only: a pipeline file that happens
    // to be in the current directory must not decide which plugins run.
    let registry = Registry::new(&[]);
    let plugin = registry.find("parse", Path::new("."))?;
    let spec = plugin
        .stage("parse")
        .context("the parse plugin has no `parse` stage")?;
    let mut options = serde_json::Map::new();
    for o in &spec.options {
        options.insert(o.name.clone(), o.default.clone());
    }
    options.insert("format".into(), format.into());
    let stage = plugin.create("parse", &options)?;
    let bytes =
        std::fs::read(file).with_context(|| format!("{}: cannot read the file", file.display()))?;
    let bundle = file
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into());
    let mut docs = documents_of(&bundle, file.parent(), file, &bytes, format, "id");
    let results = copydesk_host::call::call_documents(&stage, &mut docs)
        .map_err(|(message, _)| anyhow::anyhow!("{}: {message}", file.display()))?;
    let mut failed = false;
    for (doc, r) in docs.iter().zip(results) {
        match r {
            Ok(()) if text_only => out!("{}", doc.text)?,
            Ok(()) => out!(
                "{}",
                serde_json::to_string_pretty(&copydesk_host::output::DocumentRecord::of(doc))?
            )?,
            Err((message, _)) => {
                eprintln!("error: {message}");
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn summarize(
    dir: &Path,
    words: u32,
    focus: Option<String>,
    topic: Option<PathBuf>,
    cite: bool,
) -> Result<ExitCode> {
    let focus = match (focus, topic) {
        (Some(f), _) => Some(f),
        (None, Some(t)) => Some(
            std::fs::read_to_string(&t)
                .with_context(|| format!("{}: cannot read the topic file", t.display()))?,
        ),
        (None, None) => None,
    };
    // Only the brief is printed: dedup's shared passages, which the summary
    // does not read, are not computed.
    let mut text = String::from("[input]\npath = \".\"\n[run]\non_error = \"skip\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"dedup\"\n[stage.options]\npassages = false\n[[stage]]\nplugin = \"summary\"\n[stage.options]\n");
    text.push_str(&format!("words = {words}\n"));
    if let Some(f) = focus {
        text.push_str(&format!("focus = {}\n", toml_string(f.trim())));
    }
    let source = PipelineSource::parse(Path::new("<summarize>"), &text)?;
    let registry = Registry::new(&[]);
    let plan = Plan::check(source, &registry, false).map_err(|e| anyhow::anyhow!(e.join("\n")))?;
    let mut options = RunOptions::from_plan(&plan);
    options.input = dir.to_path_buf();
    options.in_memory = true;
    options.on_error = OnError::Skip;
    let stats = runner::run(&plan, &options)?;
    for e in &stats.errors {
        eprintln!("warning: {}", e.display());
    }
    if stats.inputs == 0 {
        eprintln!("error: `{}` holds no documents to summarize", dir.display());
        return Ok(ExitCode::from(EXIT_EMPTY_INPUT));
    }
    let mut printed = false;
    for bundle in &stats.kept {
        let Some(summary) = &bundle.summary else {
            continue;
        };
        if summary.sentences.is_empty() {
            continue;
        }
        printed = true;
        if cite {
            for s in &summary.sentences {
                out!("{} [{} {}..{}]", s.text, s.doc, s.start, s.end)?;
            }
        } else {
            out!("{}", summary.text)?;
        }
    }
    if !printed {
        eprintln!(
            "error: no brief: no sentence of the sources fits in {words} words, or none could be read; give a larger budget with --words (briefs usually need 20 or more)"
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
