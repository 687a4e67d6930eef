//! Every fault the host must survive, each with a test.

mod common;

use common::*;

const PARSE_ONLY: &str =
    "[input]\npath = \"in\"\n[output]\ndir = \"out\"\n[[stage]]\nplugin = \"parse\"\n";

/// Writes a parse-only pipeline followed by `extra` (more `[[stage]]`
/// tables) into `dir`, validates it, and returns the exit code and stderr.
fn validate_with(dir: &std::path::Path, extra: &str) -> (Option<i32>, String) {
    std::fs::create_dir_all(dir.join("in")).unwrap();
    pipeline(dir, &format!("{PARSE_ONLY}{extra}"));
    let out = copydesk(dir, &["validate"]);
    (out.status.code(), text(&out).1)
}

#[test]
fn a_panicking_plugin_loses_only_its_document() {
    let dir = temp_dir("panic");
    example_input(&dir);
    pipeline(&dir, &format!("[input]\npath = \"bundles\"\n[output]\ndir = \"out\"\n[run]\non_error = \"skip\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"{}\"\n[stage.options]\npanic_on = \"001_\"\n", faulty_plugin().display()));
    let out = copydesk(&dir, &["run", "pipeline.toml"]);
    let (_, err) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a run with failures exits 1: {err}"
    );
    assert!(
        err.contains("faulty") && err.contains("kerry-syria/001_c6ea9c50a9ce8dbe"),
        "{err}"
    );
    let errors = jsonl(&dir.join("out/errors.jsonl"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["plugin"], "faulty");
    assert_eq!(errors[0]["doc"], "kerry-syria/001_c6ea9c50a9ce8dbe");
    assert_eq!(errors[0]["panic"], true);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("deliberate panic"));
    assert!(errors[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("001_c6ea9c50a9ce8dbe.txt"));
    let docs = jsonl(&dir.join("out/kerry-syria/documents.jsonl"));
    assert_eq!(docs.len(), 4, "the other four documents are kept");
}

#[test]
fn on_error_fail_stops_the_run() {
    let dir = temp_dir("fail");
    example_input(&dir);
    pipeline(&dir, &format!("[input]\npath = \"bundles\"\n[output]\ndir = \"out\"\n[run]\non_error = \"fail\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"{}\"\n[stage.options]\nfail_on = \"002_\"\n", faulty_plugin().display()));
    let out = copydesk(&dir, &["run"]);
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = text(&out);
    assert!(
        err.contains("deliberate failure") && err.contains("stopped"),
        "{err}"
    );
    assert!(
        !dir.join("out/kerry-syria/bundle.json").exists(),
        "a failed bundle is not written under `fail`"
    );
}

#[test]
fn a_bundle_stage_panic_is_reported_with_the_bundle() {
    let dir = temp_dir("bundle-panic");
    example_input(&dir);
    pipeline(&dir, &format!("[input]\npath = \"bundles\"\n[output]\ndir = \"out\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"{}\"\nstage = \"bundle-panic\"\n", faulty_plugin().display()));
    let out = copydesk(&dir, &["run"]);
    assert_eq!(out.status.code(), Some(1));
    let errors = jsonl(&dir.join("out/errors.jsonl"));
    assert_eq!(errors[0]["bundle"], "kerry-syria");
    assert_eq!(errors[0]["panic"], true);
    assert_eq!(
        jsonl(&dir.join("out/kerry-syria/documents.jsonl")).len(),
        5,
        "the bundle is written as it was before the stage"
    );
}

#[test]
fn spans_outside_the_text_are_refused_as_malformed() {
    let dir = temp_dir("spans");
    example_input(&dir);
    pipeline(&dir, &format!("[input]\npath = \"bundles\"\n[output]\ndir = \"out\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"{}\"\n[stage.options]\nbreak_spans_on = \"003_\"\n", faulty_plugin().display()));
    let out = copydesk(&dir, &["run"]);
    assert_eq!(out.status.code(), Some(1));
    let errors = jsonl(&dir.join("out/errors.jsonl"));
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("malformed message"),
        "{errors:?}"
    );
    assert_eq!(errors[0]["doc"], "kerry-syria/003_08a9ec1e3234bf6b");
}

#[test]
fn a_library_with_another_abi_version_is_refused() {
    let dir = temp_dir("abi");
    let lib = dir.join(format!(
        "libcopydesk_c_stamp{}",
        std::env::consts::DLL_SUFFIX
    ));
    compile_c(
        &root().join("examples/c-plugin/stamp.c"),
        &lib,
        &["STAMP_ABI_VERSION=999"],
    );
    let (code, err) = validate_with(
        &dir,
        &format!("[[stage]]\nplugin = \"{}\"\n", lib.display()),
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("plugin ABI version 999")
            && err.contains("speaks ABI version 1")
            && err.contains("rebuild"),
        "{err}"
    );
}

#[test]
fn a_descriptor_with_fields_appended_later_is_accepted_and_a_short_one_refused() {
    let dir = temp_dir("abi-size");
    let input = example_input(&dir);
    let newer = dir.join(format!(
        "libcopydesk_c_stamp{}",
        std::env::consts::DLL_SUFFIX
    ));
    compile_c(
        &root().join("examples/c-plugin/stamp.c"),
        &newer,
        &["STAMP_NEWER"],
    );
    pipeline(
        &dir,
        &format!(
            "[input]\npath = \"{}\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"{}\"\n",
            input.display(),
            newer.display()
        ),
    );
    let run = copydesk(&dir, &["run", "--quiet"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    assert_eq!(jsonl(&dir.join("out/kerry-syria/documents.jsonl")).len(), 5);
    let short = dir.join(format!(
        "libcopydesk_c_short{}",
        std::env::consts::DLL_SUFFIX
    ));
    compile_c(
        &root().join("examples/c-plugin/stamp.c"),
        &short,
        &["STAMP_STRUCT_SIZE=16"],
    );
    let (code, err) = validate_with(
        &dir,
        &format!("[[stage]]\nplugin = \"{}\"\n", short.display()),
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("descriptor is 16 bytes, expected at least"),
        "{err}"
    );
}

#[test]
fn files_that_are_not_plugins_are_refused() {
    let dir = temp_dir("notplugin");
    // Not a library at all.
    let fake = dir.join(format!("libfake{}", std::env::consts::DLL_SUFFIX));
    std::fs::write(&fake, "this is text, not a shared library").unwrap();
    let (_, err) = validate_with(
        &dir,
        &format!("[[stage]]\nplugin = \"{}\"\n", fake.display()),
    );
    assert!(
        err.contains("cannot load the library") && err.contains("libfake"),
        "{err}"
    );
    // A real library without the entry symbol.
    let src = dir.join("plain.c");
    std::fs::write(&src, "int answer(void) { return 42; }\n").unwrap();
    let plain = dir.join(format!("libplain{}", std::env::consts::DLL_SUFFIX));
    compile_c(&src, &plain, &[]);
    let (_, err) = validate_with(
        &dir,
        &format!("[[stage]]\nplugin = \"{}\"\n", plain.display()),
    );
    assert!(
        err.contains("not a copydesk plugin") && err.contains("copydesk_plugin_entry"),
        "{err}"
    );
}

#[test]
fn a_plugin_returning_a_malformed_message_fails_cleanly() {
    let dir = temp_dir("malformed");
    example_input(&dir);
    let lib = dir.join(format!(
        "libcopydesk_c_stamp{}",
        std::env::consts::DLL_SUFFIX
    ));
    compile_c(
        &root().join("examples/c-plugin/stamp.c"),
        &lib,
        &["STAMP_MALFORMED"],
    );
    pipeline(&dir, &format!("[input]\npath = \"bundles\"\n[output]\ndir = \"out\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"{}\"\n", lib.display()));
    let out = copydesk(&dir, &["run"]);
    assert_eq!(out.status.code(), Some(1));
    let errors = jsonl(&dir.join("out/errors.jsonl"));
    assert_eq!(errors[0]["plugin"], "c-stamp");
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("malformed message"),
        "{errors:?}"
    );
}

#[test]
fn a_c_plugin_runs_in_a_pipeline() {
    let dir = temp_dir("cplugin");
    example_input(&dir);
    let lib = dir.join(format!(
        "libcopydesk_c_stamp{}",
        std::env::consts::DLL_SUFFIX
    ));
    compile_c(&root().join("examples/c-plugin/stamp.c"), &lib, &[]);
    pipeline(&dir, "[input]\npath = \"bundles\"\n[output]\ndir = \"out\"\n[run]\nplugin_paths = [\".\"]\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"c-stamp\"\n[stage.options]\nlabel = \"x\"\n");
    let out = copydesk(&dir, &["run"]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert_eq!(jsonl(&dir.join("out/kerry-syria/documents.jsonl")).len(), 5);
}

#[test]
fn a_missing_plugin_is_named_with_the_search_path() {
    let dir = temp_dir("missing");
    let (code, err) = validate_with(&dir, "[[stage]]\nplugin = \"nosuchplugin\"\n");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("pipeline.toml:8:10")
            && err.contains("plugin `nosuchplugin` not found")
            && err.contains("searched"),
        "{err}"
    );
}

#[test]
fn option_errors_give_position_type_and_suggestion() {
    let dir = temp_dir("options");
    let (code, err) = validate_with(
        &dir,
        "[[stage]]\nplugin = \"dedup\"\n[stage.options]\ntreshold = 0.8\nshingle = \"five\"\n",
    );
    assert_eq!(code, Some(2));
    assert!(
        err.contains("pipeline.toml:10:1: unknown option `treshold`")
            && err.contains("did you mean `threshold`?"),
        "{err}"
    );
    assert!(
        err.contains("pipeline.toml:11:1: option `shingle`")
            && err.contains("must be an integer")
            && err.contains("a string (\"five\")"),
        "{err}"
    );
}

#[test]
fn stage_order_is_checked() {
    let dir = temp_dir("order");
    std::fs::create_dir_all(dir.join("in")).unwrap();
    pipeline(
        &dir,
        "[input]\npath = \"in\"\n[[stage]]\nplugin = \"summary\"\n",
    );
    let (_, err) = text(&copydesk(&dir, &["validate"]));
    assert!(
        err.contains("needs `text`, which no earlier stage provides"),
        "{err}"
    );
}

#[test]
fn binary_and_non_utf8_inputs() {
    let dir = temp_dir("bytes");
    let input = dir.join("in/b");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("a-binary.bin"),
        [0u8, 159, 146, 150, 0, 1, 2, 3, 0, 0, 255, 254],
    )
    .unwrap();
    let mut latin1 = b"Caf\xe9 owners protest new rules\n\nPARIS -- Caf\xe9 owners in Paris protested on Monday against rules they say will ruin them.\n".to_vec();
    latin1.extend_from_slice(b"\nThe protest drew hundreds of people to the centre of the city.\n");
    std::fs::write(input.join("b-latin1.txt"), latin1).unwrap();
    std::fs::write(input.join("c-empty.txt"), "").unwrap();
    pipeline(&dir, PARSE_ONLY);
    let out = copydesk(&dir, &["run"]);
    assert_eq!(out.status.code(), Some(1));
    let errors = jsonl(&dir.join("out/errors.jsonl"));
    let messages: Vec<String> = errors
        .iter()
        .map(|e| format!("{} {}", e["file"], e["message"]))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("a-binary.bin") && m.contains("binary")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("c-empty.txt") && m.contains("empty")),
        "{messages:?}"
    );
    let docs = jsonl(&dir.join("out/b/documents.jsonl"));
    assert_eq!(docs.len(), 1, "the latin-1 file is kept");
    assert!(docs[0]["text"].as_str().unwrap().contains("owners"));
    assert!(
        !docs[0]["diagnostics"].as_array().unwrap().is_empty(),
        "decoding is noted"
    );
}

#[test]
fn an_empty_bundle_is_written_empty() {
    let dir = temp_dir("emptybundle");
    std::fs::create_dir_all(dir.join("in/nothing-here")).unwrap();
    pipeline(&dir, "[input]\npath = \"in\"\n[output]\ndir = \"out\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"dedup\"\n[[stage]]\nplugin = \"summary\"\n");
    let out = copydesk(&dir, &["run"]);
    assert!(out.status.success(), "{}", text(&out).1);
    let bundle = json(&dir.join("out/nothing-here/bundle.json"));
    assert_eq!(bundle["documents"].as_array().unwrap().len(), 0);
    assert!(dir.join("out/nothing-here/report.md").exists());
}
