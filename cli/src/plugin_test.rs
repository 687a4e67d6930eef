//! `copydesk plugin-test`: one stage of one plugin on a few files, showing
//! the exact request the plugin received, the exact response it gave, and
//! what the host made of it.
//!
//! Requests are built, and responses judged, by `copydesk_host::probe`, which
//! mirrors the runner (same serialisation, same checks, same messages).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use copydesk_core::{Bundle, Document, StageKind, StageSpec};
use copydesk_host::config::check_options;
use copydesk_host::input::{dedupe_ids, documents_of};
use copydesk_host::plugin::{CallResult, LoadedPlugin, StageInstance};
use copydesk_host::probe::{self, Failure, MAX_BATCH};
use copydesk_host::registry::Registry;
use serde_json::{Map, Value};

/// The arguments of `copydesk plugin-test`.
#[derive(clap::Args)]
pub struct Args {
    /// Plugin name (found on COPYDESK_PLUGIN_PATH and beside the copydesk
    /// binary) or a path to its library.
    plugin: String,
    /// The stage (default: the plugin's stage of the same name, or its only stage).
    #[arg(long)]
    stage: Option<String>,
    /// A stage option, KEY=VALUE; repeat for more. VALUE is read as TOML
    /// (0.5, 3, true, ["a", "b"]); anything else is taken as a string.
    /// Checked against the stage's declared options, as a pipeline's are.
    #[arg(long = "option", value_name = "KEY=VALUE")]
    options: Vec<String>,
    /// Print only the request message(s), as pretty JSON, without calling the stage.
    #[arg(long, conflicts_with = "response_only")]
    request_only: bool,
    /// Print only the stage's response message(s), as pretty JSON.
    #[arg(long)]
    response_only: bool,
    /// Input files, taken as one bundle. A document stage gets their
    /// documents parsed by the `parse` plugin (unparsed, as the host frames
    /// them, when the stage provides `text` itself, as `parse` does); a
    /// bundle stage gets them parsed, as one bundle.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

#[derive(Clone, Copy, PartialEq)]
enum Show {
    All,
    Requests,
    Responses,
}

/// Writes one line to stdout, returning the error (a closed pipe) instead of
/// panicking; `main` ends quietly on a broken pipe.
fn say(text: &str) -> Result<()> {
    writeln!(std::io::stdout().lock(), "{text}")?;
    Ok(())
}

/// Runs the command.
pub fn run(args: Args) -> Result<ExitCode> {
    let show = if args.request_only {
        Show::Requests
    } else if args.response_only {
        Show::Responses
    } else {
        Show::All
    };
    // Found the way `copydesk parse` finds plugins: COPYDESK_PLUGIN_PATH and the
    // binary's directory, never a pipeline file that happens to be here.
    let registry = Registry::new(&[]);
    let plugin = registry.find(&args.plugin, Path::new("."))?;
    let spec = pick_stage(&plugin, args.stage.as_deref())?.clone();
    let options = stage_options(&spec, &args.options)?;
    let instance = plugin.create(&spec.name, &options)?;
    let (bundle_id, unparsed) = read_inputs(&args.files)?;
    let parser = spec.provides.iter().any(|p| p == "text");
    let documents = if spec.kind == StageKind::Document && parser {
        unparsed
    } else {
        parse_first(&registry, unparsed)?
    };
    let kind = match spec.kind {
        StageKind::Document => "document",
        StageKind::Bundle => "bundle",
        _ => unreachable!("a manifest naming another stage kind is refused at load"),
    };
    if show == Show::All {
        say(&format!(
            "== plugin `{}` {}, {kind} stage `{}`\n   {}\n== config given to create (options, defaults filled in)\n{}",
            plugin.name,
            plugin.version,
            spec.name,
            plugin.path.display(),
            serde_json::to_string_pretty(&options)?
        ))?;
    }
    let ok = match spec.kind {
        StageKind::Document => document_stage(&instance, &documents, show)?,
        StageKind::Bundle => {
            let bundle = Bundle::new(bundle_id, documents);
            bundle_stage(&instance, &bundle, show)?
        }
        _ => unreachable!("a manifest naming another stage kind is refused at load"),
    };
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The stage to test, chosen as a pipeline's `[[stage]]` chooses it.
fn pick_stage<'a>(plugin: &'a LoadedPlugin, wanted: Option<&str>) -> Result<&'a StageSpec> {
    copydesk_host::pipeline::pick_stage(plugin, wanted, "--stage").map_err(|e| anyhow!(e))
}

/// `--option KEY=VALUE`s checked against the stage's declaration, with defaults filled.
fn stage_options(spec: &StageSpec, given: &[String]) -> Result<Map<String, Value>> {
    let mut table = toml::Table::new();
    let mut errors = Vec::new();
    for option in given {
        let Some((key, value)) = option.split_once('=') else {
            errors.push(format!(
                "--option {option}: expected KEY=VALUE, such as threshold=0.9"
            ));
            continue;
        };
        let key = key.trim();
        if table.contains_key(key) {
            errors.push(format!("--option {key}: given twice"));
            continue;
        }
        table.insert(key.to_owned(), toml_value(value.trim()));
    }
    let position = |key: &str| {
        if key.is_empty() {
            "copydesk plugin-test".to_owned()
        } else {
            format!("--option {key}")
        }
    };
    let options = check_options(&spec.name, &spec.options, &table, &position, &mut errors);
    if !errors.is_empty() {
        bail!(
            "{} problem{} with the options:\n  {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            errors.join("\n  ")
        );
    }
    Ok(options)
}

/// A value as TOML would read it, or the text as a string.
fn toml_value(text: &str) -> toml::Value {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(text.to_owned()))
}

/// The files as one bundle of unparsed documents, framed as the host frames
/// them: the bundle is named after the files' common directory and ids are
/// relative to it.
fn read_inputs(files: &[PathBuf]) -> Result<(String, Vec<Document>)> {
    for f in files {
        if f.is_dir() {
            bail!(
                "{}: is a directory; give its files (such as {}/*)",
                f.display(),
                f.display()
            );
        }
    }
    let root = copydesk_host::input::common_root(files);
    let bundle = root
        .as_deref()
        .and_then(|r| r.canonicalize().ok())
        .and_then(|r| r.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "input".into());
    let mut docs = Vec::new();
    for file in files {
        let bytes = std::fs::read(file)
            .with_context(|| format!("{}: cannot read the file", file.display()))?;
        docs.extend(documents_of(
            &bundle,
            root.as_deref(),
            file,
            &bytes,
            "auto",
            "id",
        ));
    }
    dedupe_ids(&mut docs);
    if docs.is_empty() {
        bail!("the files hold no documents");
    }
    Ok((bundle, docs))
}

/// Runs the real `parse` plugin (default options) over the documents, in
/// the runner's batches; documents it fails on are reported and left out.
fn parse_first(registry: &Registry, docs: Vec<Document>) -> Result<Vec<Document>> {
    let parse = registry
        .find("parse", Path::new("."))
        .context("the stage needs parsed documents, from the `parse` plugin")?;
    let spec = pick_stage(&parse, Some("parse"))?;
    let options = stage_options(spec, &[])?;
    let stage = parse.create("parse", &options)?;
    let mut parsed = Vec::with_capacity(docs.len());
    for batch in docs.chunks(MAX_BATCH) {
        match probe::call_documents(&stage, batch) {
            Ok(results) => {
                for (input, r) in batch.iter().zip(results) {
                    match r {
                        Ok(doc) => parsed.push(doc),
                        Err(f) => eprintln!(
                            "warning: parse failed on `{}`: {}; left out",
                            input.id, f.message
                        ),
                    }
                }
            }
            Err(f) => eprintln!(
                "warning: parse failed on {} documents: {}; left out",
                batch.len(),
                f.message
            ),
        }
    }
    if parsed.is_empty() {
        bail!("parse left no documents to give the stage");
    }
    Ok(parsed)
}

/// Calls a document stage on the documents, in batches of at most
/// [`MAX_BATCH`]; true when every document came back well.
fn document_stage(stage: &StageInstance, docs: &[Document], show: Show) -> Result<bool> {
    let batches: Vec<&[Document]> = docs.chunks(MAX_BATCH).collect();
    let mut ok = true;
    for (i, batch) in batches.iter().enumerate() {
        let label = if batches.len() > 1 {
            format!(" {}/{}", i + 1, batches.len())
        } else {
            String::new()
        };
        let request = probe::documents_request(stage, batch).map_err(|f| anyhow!(f.message))?;
        let what = format!(
            "{} document{}",
            batch.len(),
            if batch.len() == 1 { "" } else { "s" }
        );
        if show_request(show, &label, &what, &request)? {
            continue;
        }
        let reply = stage.call(&request);
        show_reply(show, &label, &reply)?;
        let outcome = probe::documents_outcome(stage, batch, &reply);
        let failed = match &outcome {
            Err(_) => batch.len(),
            Ok(results) => results.iter().filter(|r| r.is_err()).count(),
        };
        ok &= failed == 0;
        if show == Show::Responses {
            continue;
        }
        match outcome {
            Err(f) => say(&format!(
                "== host{label}: the call failed for all {what}: {}",
                failure(&f)
            ))?,
            Ok(results) => {
                say(&format!(
                    "== host{label}: {} ok, {failed} failed",
                    batch.len() - failed
                ))?;
                for (input, r) in batch.iter().zip(results) {
                    match r {
                        Ok(doc) => say(&format!(
                            "-- {}: ok\n{}",
                            doc.id,
                            serde_json::to_string_pretty(&doc)?
                        ))?,
                        Err(f) => say(&format!("-- {}: failed: {}", input.id, failure(&f)))?,
                    }
                }
            }
        }
    }
    Ok(ok)
}

/// Calls a bundle stage once; true when the bundle came back well.
fn bundle_stage(stage: &StageInstance, bundle: &Bundle, show: Show) -> Result<bool> {
    let request = probe::bundle_request(stage, bundle).map_err(|f| anyhow!(f.message))?;
    let what = format!(
        "bundle `{}` of {} documents",
        bundle.id,
        bundle.documents.len()
    );
    if show_request(show, "", &what, &request)? {
        return Ok(true);
    }
    let reply = stage.call(&request);
    show_reply(show, "", &reply)?;
    let outcome = probe::bundle_outcome(stage, bundle, &reply);
    if show == Show::All {
        match &outcome {
            Ok(out) => say(&format!(
                "== host: bundle `{}` ok\n{}",
                out.id,
                serde_json::to_string_pretty(out)?
            ))?,
            Err(f) => say(&format!(
                "== host: the call failed: {}\n   (a pipeline keeps the bundle as it was before this stage)",
                failure(f)
            ))?,
        }
    }
    Ok(outcome.is_ok())
}

fn failure(f: &Failure) -> String {
    if f.panic {
        format!("{} (a panic, caught)", f.message)
    } else {
        f.message.clone()
    }
}

/// Prints a request as the mode asks; true when the stage is not to be called.
fn show_request(show: Show, label: &str, what: &str, request: &[u8]) -> Result<bool> {
    let body = pretty(request).unwrap_or_else(|| String::from_utf8_lossy(request).into_owned());
    match show {
        Show::All => say(&format!(
            "== request{label}: {what}, {} bytes\n{body}",
            request.len()
        ))?,
        Show::Requests => say(&body)?,
        Show::Responses => {}
    }
    Ok(show == Show::Requests)
}

fn show_reply(show: Show, label: &str, reply: &CallResult) -> Result<()> {
    let (head, body) = match reply {
        CallResult::Ok(bytes) => match pretty(bytes) {
            Some(p) => (format!("status 0 (ok), {} bytes", bytes.len()), p),
            None => (
                format!(
                    "status 0 (ok), {} bytes, NOT valid JSON (shown as received)",
                    bytes.len()
                ),
                String::from_utf8_lossy(bytes).into_owned(),
            ),
        },
        // The host keeps the error message, not the bytes, of a failed call.
        CallResult::Err(e) => (
            "status 1 (error); the error message".to_owned(),
            serde_json::to_string_pretty(
                &serde_json::json!({"message": e.message, "panic": e.panic}),
            )?,
        ),
    };
    match show {
        Show::All => say(&format!("== response{label}: {head}\n{body}")),
        Show::Responses => say(&body),
        Show::Requests => Ok(()),
    }
}

/// Re-indents JSON text changing nothing but whitespace: members keep their
/// order and numbers their digits, so what is shown is what was sent. None
/// when the text is not valid JSON.
fn pretty(bytes: &[u8]) -> Option<String> {
    serde_json::from_slice::<Value>(bytes).ok()?;
    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(s) = chars.next() {
                    out.push(s);
                    match s {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                    chars.next();
                }
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_changes_only_whitespace() {
        let text = r#"{"op":"documents","b":[1.50,{}, [ ],"a\"b:{,"],"z":-0.30000000000000004e0}"#;
        let p = pretty(text.as_bytes()).unwrap();
        assert_eq!(
            p,
            "{\n  \"op\": \"documents\",\n  \"b\": [\n    1.50,\n    {},\n    [],\n    \"a\\\"b:{,\"\n  ],\n  \"z\": -0.30000000000000004e0\n}"
        );
        let strip = |s: &str| {
            serde_json::from_str::<Value>(s).unwrap();
            s.split('"').count()
        };
        assert_eq!(strip(text), strip(&p));
        assert!(pretty(b"{\"a\": nope}").is_none());
    }

    #[test]
    fn option_values_read_as_toml_or_strings() {
        assert_eq!(toml_value("0.5"), toml::Value::Float(0.5));
        assert_eq!(toml_value("3"), toml::Value::Integer(3));
        assert_eq!(toml_value("true"), toml::Value::Boolean(true));
        assert_eq!(
            toml_value("[\"a\", \"b\"]"),
            toml::Value::Array(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            toml_value("What did Kerry say?"),
            toml::Value::String("What did Kerry say?".into())
        );
        assert_eq!(toml_value("\"x\""), toml::Value::String("x".into()));
    }
}
