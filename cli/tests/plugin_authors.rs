//! What a plugin author does: scaffold a plugin, build it out of tree, run
//! it in a pipeline; and the example custom plugin in `examples/`.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn cargo_build(manifest_dir: &Path) {
    let target = root().join("target/plugin-authors");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--release", "--quiet"])
        .current_dir(manifest_dir)
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "building {} failed",
        manifest_dir.display()
    );
}

#[test]
fn new_plugin_scaffold_builds_and_runs_unchanged() {
    let dir = temp_dir("scaffold");
    let out = copydesk(
        &dir,
        &["new-plugin", "wordcount", "--path", dir.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let crate_dir = dir.join("wordcount");
    cargo_build(&crate_dir);
    let input = example_input(&dir);
    let libs = root().join("target/plugin-authors/release");
    let out = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args([
            "run",
            "pipeline.toml",
            "--output",
            dir.join("out").to_str().unwrap(),
        ])
        .current_dir(&crate_dir)
        .env("COPYDESK_INPUT", &input)
        .env(
            "COPYDESK_PLUGIN_PATH",
            std::env::join_paths([libs, plugin_dir()]).unwrap(),
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let docs = jsonl(&dir.join("out/kerry-syria/documents.jsonl"));
    let counts = &docs[0]["ext"]["wordcount"]["counts"];
    assert!(counts["said"].as_u64().unwrap() >= 1, "{counts}");
    assert!(counts["told"].as_u64().unwrap() >= 2, "{counts}");
}

#[test]
fn the_example_custom_plugin_tags_entities_in_a_pipeline() {
    let crate_dir = root().join("examples/custom-plugin");
    cargo_build(&crate_dir);
    let dir = temp_dir("entities");
    let input = example_input(&dir);
    pipeline(
        &dir,
        &format!(
            "[input]\npath = \"{}\"\n[output]\ndir = \"out\"\n[run]\nplugin_paths = [\"{}\"]\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"entities\"\n",
            input.display(),
            root().join("target/plugin-authors/release").display()
        ),
    );
    let out = copydesk(&dir, &["run"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let docs = jsonl(&dir.join("out/kerry-syria/documents.jsonl"));
    let people = docs[0]["ext"]["entities"]["people"]
        .as_array()
        .expect("entities.people");
    assert!(
        people
            .iter()
            .any(|p| p["name"].as_str().unwrap().contains("Kerry")),
        "{people:?}"
    );
}
