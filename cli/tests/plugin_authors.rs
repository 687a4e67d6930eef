//! What a plugin author does: scaffold a plugin (a document or a bundle
//! stage) outside the checkout, build it there, run it in a pipeline; and
//! the example custom plugin in `examples/`.

mod common;

use std::path::{Path, PathBuf};
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

/// A fresh directory outside the checkout (the system's temporary
/// directory), as a plugin author's would be.
fn outside_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("copydesk-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let dir = dir.canonicalize().unwrap();
    assert!(
        !dir.starts_with(root().canonicalize().unwrap()),
        "{} is inside the checkout",
        dir.display()
    );
    dir
}

/// Scaffolds plugin `name` of `kind` in `dir`, checks its manifest, builds
/// it there with `cargo build --release` and runs its pipeline on the
/// example bundle; returns the output directory.
fn scaffold_build_run(dir: &Path, name: &str, kind: &str) -> PathBuf {
    let out = copydesk(
        dir,
        &[
            "new-plugin",
            name,
            "--kind",
            kind,
            "--path",
            dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    let crate_dir = dir.join(name);
    let manifest = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    // By version, as once published; the checkout only as a patch.
    assert!(
        manifest.contains("\ncopydesk-core = \"0.1\"\n"),
        "{manifest}"
    );
    let core = root().join("core").canonicalize().unwrap();
    assert!(
        manifest.contains(&format!(
            "[patch.crates-io]\ncopydesk-core = {{ path = \"{}\" }}",
            core.display()
        )),
        "{manifest}"
    );
    assert_eq!(manifest.matches("path =").count(), 1, "{manifest}");
    cargo_build(&crate_dir);
    let input = example_input(dir);
    let libs = root().join("target/plugin-authors/release");
    let output = dir.join(format!("out-{name}"));
    let out = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["run", "pipeline.toml", "--output", output.to_str().unwrap()])
        .current_dir(&crate_dir)
        .env("COPYDESK_INPUT", &input)
        .env(
            "COPYDESK_PLUGIN_PATH",
            std::env::join_paths([libs, plugin_dir()]).unwrap(),
        )
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    output
}

#[test]
fn new_plugin_scaffolds_of_both_kinds_build_outside_the_checkout_and_run() {
    let dir = outside_dir("scaffold");

    // --kind document (the default): a word counter in each document's ext.
    let out = scaffold_build_run(&dir, "wordcount", "document");
    let docs = jsonl(&out.join("kerry-syria/documents.jsonl"));
    assert_eq!(docs.len(), 5);
    let counts = &docs[0]["ext"]["wordcount"]["counts"];
    assert!(counts["said"].as_u64().unwrap() >= 1, "{counts}");
    assert!(counts["told"].as_u64().unwrap() >= 2, "{counts}");

    // --kind bundle: documents per outlet in the bundle's ext.
    let out = scaffold_build_run(&dir, "outlets", "bundle");
    let bundle = json(&out.join("kerry-syria/bundle.json"));
    let ext = &bundle["ext"]["outlets"];
    assert_eq!(ext["documents"], 5, "{ext}");
    let outlets = ext["outlets"].as_object().expect("outlets");
    assert_eq!(outlets["UPI"], 1, "{ext}");
    assert_eq!(outlets["WorldTribune"], 1, "{ext}");
    // the transcript has no outlet
    assert_eq!(outlets["unknown"], 1, "{ext}");
    assert_eq!(
        outlets.values().map(|v| v.as_u64().unwrap()).sum::<u64>(),
        5
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn new_plugin_refuses_a_core_path_that_is_not_copydesk_core() {
    let dir = temp_dir("scaffold-core");
    let out = copydesk(
        &dir,
        &[
            "new-plugin",
            "x",
            "--path",
            dir.to_str().unwrap(),
            "--core",
            root().join("text").to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("is not the copydesk-core crate"),
        "{}",
        text(&out).1
    );
    let out = copydesk(
        &dir,
        &[
            "new-plugin",
            "y",
            "--path",
            dir.to_str().unwrap(),
            "--kind",
            "stream",
        ],
    );
    assert!(!out.status.success(), "an unknown kind is refused");
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
