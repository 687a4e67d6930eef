//! Resumable runs: a run killed at any moment (SIGKILL) and resumed gives
//! output byte-identical to an uninterrupted run; `--resume` redoes only the
//! bundles whose input or configuration changed.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

const BUNDLES: usize = 16;

fn corpus(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    for i in 0..BUNDLES {
        let d = input.join(format!("story-{i:02}"));
        std::fs::create_dir_all(&d).unwrap();
        for e in std::fs::read_dir(root().join("examples/bundles/kerry-syria")).unwrap() {
            let p = e.unwrap().path();
            // Vary the bundles a little so that outputs differ between them.
            let mut text = std::fs::read_to_string(&p).unwrap();
            text.push_str(&format!("\n\nThis copy was filed as story number {i}.\n"));
            std::fs::write(d.join(p.file_name().unwrap()), text).unwrap();
        }
    }
    input
}

/// Every file under `dir` (relative path → bytes), with run.json's timings removed.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
                let mut bytes = std::fs::read(&p).unwrap();
                if rel == "run.json" {
                    let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                    v.as_object_mut().unwrap().remove("timings");
                    bytes = serde_json::to_vec(&v).unwrap();
                }
                out.insert(rel, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn run(dir: &Path, out: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "run",
        "pipeline.toml",
        "--output",
        out,
        "--jobs",
        "2",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    copydesk(dir, &args)
}

fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let keys_a: Vec<&String> = a.keys().collect();
    let keys_b: Vec<&String> = b.keys().collect();
    assert_eq!(keys_a, keys_b, "{what}: different files");
    for (k, v) in a {
        assert!(v == &b[k], "{what}: {k} differs");
    }
}

#[test]
fn killed_at_any_moment_and_resumed_gives_identical_output() {
    let dir = temp_dir("resume-kill");
    let input = corpus(&dir);
    pipeline(&dir, &format!("[input]\npath = \"{}\"\n[output]\nformats = [\"json\", \"markdown\", \"html\"]\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"dedup\"\n[[stage]]\nplugin = \"summary\"\n[[stage]]\nplugin = \"quotes\"\n", input.display()));
    let reference = run(&dir, "ref", &[]);
    assert!(reference.status.success(), "{}", text(&reference).1);
    let expected = tree(&dir.join("ref"));
    assert!(expected.len() > BUNDLES * 3);

    // Kill after different delays: before anything is written, in the middle, near the end.
    let mut partial = Vec::new();
    for (n, delay_ms) in [5u64, 60, 150, 300, 600, 1000].into_iter().enumerate() {
        let out = format!("killed-{n}");
        let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
            .args([
                "run",
                "pipeline.toml",
                "--output",
                &out,
                "--jobs",
                "2",
                "--quiet",
            ])
            .current_dir(&dir)
            .env("COPYDESK_PLUGIN_PATH", plugin_dir())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let done = std::fs::read_to_string(dir.join(&out).join(".copydesk-manifest.jsonl"))
            .map(|m| m.lines().count())
            .unwrap_or(0);
        partial.push(done);
        let resumed = run(&dir, &out, &["--resume"]);
        assert!(resumed.status.success(), "{}", text(&resumed).1);
        assert_same(
            &expected,
            &tree(&dir.join(&out)),
            &format!("killed after {delay_ms} ms, then resumed"),
        );
    }
}

#[test]
fn resume_redoes_only_what_changed() {
    let dir = temp_dir("resume-change");
    let input = corpus(&dir);
    let body = |words: u32| {
        format!("[input]\npath = \"{}\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"summary\"\n[stage.options]\nwords = {words}\n", input.display())
    };
    pipeline(&dir, &body(60));
    assert!(run(&dir, "out", &[]).status.success());

    // Nothing changed: everything is skipped.
    let again = copydesk(
        &dir,
        &["run", "pipeline.toml", "--output", "out", "--resume"],
    );
    assert!(
        text(&again)
            .1
            .contains(&format!("{BUNDLES} bundles ({BUNDLES} already done)")),
        "{}",
        text(&again).1
    );

    // One bundle's input changed: only it is redone.
    let file = input.join("story-03/000_3e3a64f0fc0f036f.txt");
    let mut t = std::fs::read_to_string(&file).unwrap();
    t.push_str("\nA late paragraph was added to this story by the editors.\n");
    std::fs::write(&file, t).unwrap();
    let again = copydesk(
        &dir,
        &["run", "pipeline.toml", "--output", "out", "--resume"],
    );
    assert!(
        text(&again)
            .1
            .contains(&format!("({} already done)", BUNDLES - 1)),
        "{}",
        text(&again).1
    );
    let docs = jsonl(&dir.join("out/story-03/documents.jsonl"));
    assert!(docs[0]["text"].as_str().unwrap().contains("late paragraph"));

    // The configuration changed: everything is redone.
    pipeline(&dir, &body(40));
    let again = copydesk(
        &dir,
        &["run", "pipeline.toml", "--output", "out", "--resume"],
    );
    let (_, err) = text(&again);
    assert!(
        err.contains(&format!("{BUNDLES} bundles,")) && !err.contains("already done"),
        "{err}"
    );
    let bundle = json(&dir.join("out/story-00/bundle.json"));
    assert_eq!(bundle["summary"]["words"], 40);
}
