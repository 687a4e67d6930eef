//! `copydesk validate` promises what `copydesk run` does (issue 12): option
//! ranges, `[input] format`, and an output directory that can really be
//! written, each refused by both with `file:line:col` before anything runs.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

const ARTICLE: &str = "Kerry says talks will go on\n\nSecretary of State John Kerry said on Monday that the talks with Russia would go on.\n\nHe spoke in Geneva after a long meeting with the foreign minister.\n";

/// A directory with `in/story/a.txt` and `pipeline.toml` holding `body`.
fn setup(name: &str, body: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("in/story")).unwrap();
    std::fs::write(dir.join("in/story/a.txt"), ARTICLE).unwrap();
    pipeline(&dir, body);
    dir
}

/// Exit code and stderr.
fn status(out: &Output) -> (Option<i32>, String) {
    (out.status.code(), text(out).1)
}

const OUT_OF_RANGE: &str = "[input]
path = \"in\"
[output]
dir = \"out\"
[[stage]]
plugin = \"parse\"
[[stage]]
plugin = \"dedup\"
[stage.options]
threshold = 1.8
[[stage]]
plugin = \"summary\"
[stage.options]
words = -5
";

#[test]
fn options_outside_their_declared_range_are_refused_by_validate_and_run() {
    let dir = setup("range", OUT_OF_RANGE);
    let threshold =
        "pipeline.toml:10:1: option `threshold` of stage `dedup` must be between 0 and 1, got 1.8";
    let words = "pipeline.toml:14:1: option `words` of stage `summary` must be at least 1, got -5";
    for args in [&["validate"][..], &["run"][..]] {
        let (code, err) = status(&copydesk(&dir, args));
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(
            err.contains("2 problems in the pipeline"),
            "{args:?}: {err}"
        );
        assert!(err.contains(threshold), "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
    }
    assert!(
        !dir.join("out").exists(),
        "nothing ran, and the output probe left nothing behind"
    );
    // At the bounds, the same pipeline is valid.
    pipeline(
        &dir,
        &OUT_OF_RANGE
            .replace("threshold = 1.8", "threshold = 1")
            .replace("words = -5", "words = 1"),
    );
    let (code, err) = status(&copydesk(&dir, &["validate"]));
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn inspect_shows_option_ranges() {
    // Not in the workspace root: its pipeline.toml would add target/release
    // to the search path, and a stale release build would answer.
    let dir = temp_dir("inspect");
    let (stdout, _) = text(&copydesk(&dir, &["inspect", "dedup"]));
    assert!(
        stdout.contains("threshold (float, default 0.8, 0..=1)")
            && stdout.contains("shingle (integer, default 5, 1..=64)"),
        "{stdout}"
    );
    let (stdout, _) = text(&copydesk(&dir, &["inspect", "summary"]));
    assert!(
        stdout.contains("words (integer, default 100, 1..)"),
        "{stdout}"
    );
    // No range, no mention.
    assert!(
        stdout.contains("order (string, default \"chronological\"; one of"),
        "{stdout}"
    );
}

#[test]
fn an_input_format_typo_is_refused_with_its_position() {
    let dir = setup(
        "format-typo",
        "[input]\npath = \"in\"\nformat = \"htm\"\n[output]\ndir = \"out\"\n[[stage]]\nplugin = \"parse\"\n",
    );
    let expected = "pipeline.toml:3:10: `[input] format` must be one of auto, text, transcript, html, trec, jsonl, got `htm`; did you mean `html`?";
    for args in [&["validate"][..], &["run"][..]] {
        let (code, err) = status(&copydesk(&dir, args));
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert!(!dir.join("out").exists());
}

const PAGE: &str = "<!DOCTYPE html>
<html>
<head><title>Kerry on Syria</title></head>
<body>
<h1>Kerry on Syria</h1>
<p>Secretary of State John Kerry said on Monday that the talks would go on.</p>
<p>He spoke in Geneva after a long meeting with the foreign minister.</p>
</body>
</html>
";

/// Runs a parse-only pipeline with `[input] format = format` over one HTML
/// page and returns its record in `documents.jsonl`.
fn parsed_page(name: &str, format: &str) -> serde_json::Value {
    let dir = temp_dir(name);
    std::fs::create_dir_all(dir.join("in/story")).unwrap();
    std::fs::write(dir.join("in/story/page.html"), PAGE).unwrap();
    pipeline(&dir, &format!("[input]\npath = \"in\"\nformat = \"{format}\"\n[output]\ndir = \"out\"\nformats = [\"json\"]\n[[stage]]\nplugin = \"parse\"\n"));
    let (code, err) = status(&copydesk(&dir, &["run", "--quiet"]));
    assert_eq!(code, Some(0), "{err}");
    let docs = jsonl(&dir.join("out/story/documents.jsonl"));
    assert_eq!(docs.len(), 1, "{docs:?}");
    docs[0].clone()
}

#[test]
fn input_format_is_honoured_over_detection() {
    // Detected: the page is HTML, its text extracted.
    let doc = parsed_page("format-auto", "auto");
    assert_eq!(doc["format"], "html");
    let body = doc["text"].as_str().unwrap();
    assert!(
        body.contains("the talks would go on") && !body.contains("<p>"),
        "{body}"
    );
    // `format = "text"`: the same page is plain text, markup and all.
    let doc = parsed_page("format-text", "text");
    assert_eq!(doc["format"], "text");
    let body = doc["text"].as_str().unwrap();
    assert!(
        body.contains(
            "<p>Secretary of State John Kerry said on Monday that the talks would go on.</p>"
        ),
        "{body}"
    );
}

#[test]
fn an_output_directory_that_is_a_file_is_refused_by_validate_and_run() {
    let dir = setup(
        "output-file",
        "[input]\npath = \"in\"\n[output]\ndir = \"out\"\n[[stage]]\nplugin = \"parse\"\n",
    );
    std::fs::write(dir.join("out"), "not a directory").unwrap();
    for args in [&["validate"][..], &["run"][..]] {
        let (code, err) = status(&copydesk(&dir, args));
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(
            err.contains("pipeline.toml: output directory `./out` is a file, not a directory"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("os error"), "{args:?}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("out")).unwrap(),
        "not a directory"
    );
}

/// Runs copydesk in `cwd` in a new user and mount namespace in which `ro`
/// (relative to `cwd`) is an empty read-only tmpfs. `None` when this system
/// does not allow it without privileges (or `unshare` is missing).
fn copydesk_over_read_only(cwd: &Path, args: &[&str]) -> Option<Output> {
    std::fs::create_dir_all(cwd.join("ro")).unwrap();
    let script = "mount -t tmpfs none ro && mount -o remount,ro ro && if touch ro/x 2>/dev/null; then exit 97; fi && exec \"$@\"";
    let out = Command::new("unshare")
        .args(["-r", "-m", "sh", "-c", script, "sh"])
        .arg(env!("CARGO_BIN_EXE_copydesk"))
        .args(args)
        .current_dir(cwd)
        .env("COPYDESK_PLUGIN_PATH", plugin_dir())
        .env_remove("RUST_LOG")
        .output()
        .ok()?;
    let (_, err) = text(&out);
    // `mount` or `unshare` failed before copydesk ran.
    let ran = !err.contains("unshare:") && !err.contains("mount:") && out.status.code() != Some(97);
    ran.then_some(out)
}

#[test]
fn a_read_only_file_system_is_found_by_validate_and_said_once_by_run() {
    let dir = setup(
        "output-ro",
        "[input]\npath = \"in\"\n[output]\ndir = \"ro/out\"\n[[stage]]\nplugin = \"parse\"\n",
    );
    let Some(out) = copydesk_over_read_only(&dir, &["validate"]) else {
        println!("skipped: this system does not let an unprivileged `unshare -r -m` mount a read-only tmpfs, so there is no read-only file system to test on (the permission case is unit-tested in host/src/pipeline.rs)");
        return;
    };
    let (code, err) = status(&out);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("pipeline.toml: output directory `./ro/out` cannot be created: `./ro/out`: Read-only file system (os error 30)"),
        "{err}"
    );
    // `run` refuses the same way.
    let (code, err) = status(&copydesk_over_read_only(&dir, &["run"]).unwrap());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("`./ro/out` cannot be created"), "{err}");
    // With `--input`, the environment checks are skipped and the runner
    // meets the read-only file system itself: the error names the path and
    // says it once.
    let (code, err) =
        status(&copydesk_over_read_only(&dir, &["run", "--input", "in", "--quiet"]).unwrap());
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("ro/out"), "{err}");
    assert_eq!(err.matches("Read-only file system").count(), 1, "{err}");
}
