//! Batch runs over hostile input trees, odd bundle names and concurrent use
//! of one output directory: each case reproduces a failure a user met, run
//! through the real binary and plugins.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

const PARSE_ONLY: &str = "[[stage]]\nplugin = \"parse\"\n";

/// Runs copydesk with extra environment variables, killing it (and failing
/// the test) if it runs past `limit`: a scan that loops must not hang CI.
fn copydesk_env(cwd: &Path, args: &[&str], env: &[(&str, &str)], limit: Duration) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_copydesk"));
    cmd.args(args)
        .current_dir(cwd)
        .env("COPYDESK_PLUGIN_PATH", plugin_dir())
        .env_remove("RUST_LOG")
        .env_remove("COPYDESK_INPUT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("copydesk runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("copydesk {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    copydesk_env(dir, args, &[], Duration::from_secs(120))
}

fn article(title: &str) -> String {
    format!("{title}\n\nOfficials said on Monday that the {title} story was filed on time. The filing was routine and complete.\n")
}

fn ids(path: &Path) -> Vec<String> {
    jsonl(path)
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_string())
        .collect()
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_and_no_file_counts_twice() {
    use std::os::unix::fs::symlink;
    let dir = temp_dir("hostile-symlinks");
    let b = dir.join("in/b");
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(b.join("one.txt"), article("Harbour")).unwrap();
    // A loop through the parent, a link to the bundle itself, and a second
    // name for the same file.
    symlink("..", b.join("up")).unwrap();
    symlink("../b", b.join("self")).unwrap();
    symlink("one.txt", b.join("again.txt")).unwrap();
    for follow in [false, true] {
        let out = format!("out-{follow}");
        pipeline(
            &dir,
            &format!("[input]\npath = \"in\"\nfollow_symlinks = {follow}\n[output]\ndir = \"{out}\"\n{PARSE_ONLY}"),
        );
        let run = copydesk_env(&dir, &["run"], &[], Duration::from_secs(60));
        let (_, stderr) = text(&run);
        assert_eq!(run.status.code(), Some(0), "follow = {follow}: {stderr}");
        let docs = ids(&dir.join(&out).join("b/documents.jsonl"));
        assert_eq!(docs, vec!["b/again"], "follow = {follow}: one file, once");
        assert!(
            stderr.contains("the same file as another one in the bundle"),
            "{stderr}"
        );
        if follow {
            assert!(stderr.contains("a directory already walked"), "{stderr}");
        } else {
            assert!(
                stderr.contains("not followed (set `follow_symlinks = true`"),
                "{stderr}"
            );
        }
        let run_json = json(&dir.join(&out).join("run.json"));
        assert_eq!(run_json["documents"], 1);
        assert!(!run_json["warnings"].as_array().unwrap().is_empty());
    }
}

#[test]
fn a_second_run_into_a_locked_output_directory_is_refused() {
    let dir = temp_dir("hostile-lock");
    let input = example_input(&dir);
    pipeline(
        &dir,
        &format!("[input]\npath = \"{}\"\n{PARSE_ONLY}", input.display()),
    );
    // Hold the lock as a running copydesk does.
    std::fs::create_dir_all(dir.join("out")).unwrap();
    let lock = std::fs::File::create(dir.join("out/.copydesk.lock")).unwrap();
    lock.try_lock().unwrap();
    std::fs::write(
        dir.join("out/.copydesk.lock"),
        "pid 4242, started at unix time 1\n",
    )
    .unwrap();
    let run = run_in(&dir, &["run"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("is in use by another copydesk run (pid 4242"),
        "{stderr}"
    );
    assert!(!dir.join("out/kerry-syria").exists(), "nothing was written");
    drop(lock);
    let run = run_in(&dir, &["run"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    assert!(
        !dir.join("out/.copydesk.lock").exists(),
        "the lock is removed"
    );
}

#[test]
fn bundles_of_an_earlier_input_are_reported_and_pruned() {
    let dir = temp_dir("hostile-prune");
    for (corpus, stories) in [("first", ["x", "y"]), ("second", ["z", "w"])] {
        for s in stories {
            let d = dir.join(corpus).join(s);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(d.join("a.txt"), article(s)).unwrap();
        }
    }
    pipeline(&dir, &format!("[input]\npath = \"first\"\n{PARSE_ONLY}"));
    assert_eq!(run_in(&dir, &["run"]).status.code(), Some(0));
    // A directory of the user's own in the output is never removed.
    std::fs::create_dir_all(dir.join("out/notes")).unwrap();
    std::fs::write(dir.join("out/notes/todo.txt"), "mine").unwrap();

    let run = run_in(&dir, &["run", "--input", "second"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("3 directories in the output are not bundles of this input"),
        "{stderr}"
    );
    let index = std::fs::read_to_string(dir.join("out/index.html")).unwrap();
    assert!(index.contains("z/report.html") && !index.contains("x/report.html"));

    let run = run_in(&dir, &["run", "--input", "second", "--prune"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(!dir.join("out/x").exists() && !dir.join("out/y").exists());
    assert!(dir.join("out/z/bundle.json").exists() && dir.join("out/w/bundle.json").exists());
    assert!(dir.join("out/notes/todo.txt").exists());
    assert!(
        stderr.contains("not pruned") && stderr.contains("notes"),
        "{stderr}"
    );
}

#[test]
fn odd_bundle_names_get_distinct_directories_and_never_end_the_run() {
    let dir = temp_dir("hostile-names");
    let long = "n".repeat(300);
    let names = [
        "a/b",
        "a_b",
        "",
        ".",
        "..",
        long.as_str(),
        "run.json",
        "errors.jsonl",
        "index.html",
        "plain",
    ];
    let mut lines = String::new();
    for (i, n) in names.iter().enumerate() {
        lines.push_str(
            &serde_json::json!({"id": format!("r{i}"), "story": n, "title": format!("Record {i}"),
                "text": format!("Officials said on Monday that record {i} was filed. The filing was routine.")})
            .to_string(),
        );
        lines.push('\n');
    }
    std::fs::write(dir.join("corpus.jsonl"), lines).unwrap();
    pipeline(
        &dir,
        &format!("[input]\npath = \"corpus.jsonl\"\nbundle_field = \"story\"\n{PARSE_ONLY}"),
    );
    let run = run_in(&dir, &["run"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    let out = dir.join("out");
    // Run-level files stay files.
    assert_eq!(json(&out.join("run.json"))["bundles"], names.len());
    assert!(out.join("errors.jsonl").is_file() && out.join("index.html").is_file());
    // One directory per bundle, each holding that bundle's one record.
    let mut dirs = Vec::new();
    for e in std::fs::read_dir(&out).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            let name = e.file_name().to_string_lossy().into_owned();
            assert!(name.len() <= 200, "{name}");
            let bundle = json(&e.path().join("bundle.json"));
            dirs.push((name, bundle["id"].as_str().unwrap().to_string()));
        }
    }
    dirs.sort();
    let mut got: Vec<String> = dirs.iter().map(|(_, id)| id.clone()).collect();
    got.sort();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want, "{dirs:?}");
    assert!(out.join("a%2Fb/bundle.json").exists() && out.join("a_b/bundle.json").exists());
    assert!(out.join("%72un.json/bundle.json").exists());
    // The index links every bundle to its own directory.
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("href=\"a%252Fb/report.html\""), "{index}");
}

#[cfg(unix)]
#[test]
fn a_bundle_that_cannot_be_written_fails_alone() {
    let dir = temp_dir("hostile-write");
    for s in ["alpha", "beta", "gamma"] {
        let d = dir.join("in").join(s);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("a.txt"), article(s)).unwrap();
    }
    pipeline(&dir, &format!("[input]\npath = \"in\"\n{PARSE_ONLY}"));
    // A file where beta's directory should go: its files cannot be written.
    std::fs::create_dir_all(dir.join("out")).unwrap();
    std::fs::write(dir.join("out/beta"), "in the way").unwrap();
    let run = run_in(&dir, &["run"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    let errors = jsonl(&dir.join("out/errors.jsonl"));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["bundle"], "beta");
    assert_eq!(errors[0]["stage"], "output");
    assert!(
        dir.join("out/alpha/bundle.json").exists() && dir.join("out/gamma/bundle.json").exists()
    );
    let run_json = json(&dir.join("out/run.json"));
    assert_eq!(run_json["errors"], 1);
    // Not recorded as done: once the way is clear, --resume writes it.
    std::fs::remove_file(dir.join("out/beta")).unwrap();
    let run = run_in(&dir, &["run", "--resume"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    assert!(dir.join("out/beta/bundle.json").exists());
    assert_eq!(
        json(&dir.join("out/run.json"))["timings"]["resumed_bundles"],
        2
    );
}

#[test]
fn json_lines_with_a_byte_order_mark_and_ids_independent_of_location() {
    let dir = temp_dir("hostile-bom");
    let body = "{\"story\": \"s\", \"text\": \"Officials said on Monday that the first record was filed.\"}\n\
                {\"story\": \"s\", \"text\": \"Officials said on Monday that the second record was filed.\"}\n";
    let mut ids_by_place = Vec::new();
    for place in ["here", "elsewhere/deeper"] {
        let d = dir.join(place);
        std::fs::create_dir_all(&d).unwrap();
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(body.as_bytes());
        std::fs::write(d.join("corpus.jsonl"), bytes).unwrap();
        let out = dir.join(format!("out-{}", ids_by_place.len()));
        pipeline(
            &dir,
            &format!(
                "[input]\npath = \"{}\"\nbundle_field = \"story\"\n[output]\ndir = \"{}\"\n{PARSE_ONLY}",
                d.join("corpus.jsonl").display(),
                out.display()
            ),
        );
        let run = run_in(&dir, &["run"]);
        assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
        let entries: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.contains('.'))
            .collect();
        assert_eq!(entries, vec!["s"], "both records in bundle `s`");
        ids_by_place.push(ids(&out.join("s/documents.jsonl")));
    }
    assert_eq!(ids_by_place[0], vec!["s/corpus:1", "s/corpus:2"]);
    assert_eq!(ids_by_place[0], ids_by_place[1]);
}

#[test]
fn command_line_and_environment_paths_resolve_against_the_current_directory() {
    let dir = temp_dir("hostile-paths");
    let input = example_input(&dir);
    std::fs::create_dir_all(dir.join("pipelines")).unwrap();
    std::fs::write(
        dir.join("pipelines/p.toml"),
        format!("[input]\npath = \"${{COPYDESK_INPUT}}\"\n{PARSE_ONLY}"),
    )
    .unwrap();
    // --input wins over an unset variable.
    let run = copydesk_env(
        &dir,
        &[
            "run",
            "pipelines/p.toml",
            "--input",
            "bundles",
            "--output",
            "o1",
        ],
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    assert!(dir.join("o1/kerry-syria/bundle.json").exists());
    // A relative path from the environment is the user's: from the current directory.
    let run = copydesk_env(
        &dir,
        &["run", "pipelines/p.toml", "--output", "o2"],
        &[("COPYDESK_INPUT", "bundles")],
        Duration::from_secs(60),
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    assert!(dir.join("o2/kerry-syria/bundle.json").exists());
    // The file's own relative paths are the file's: `out` beside it.
    let run = copydesk_env(
        &dir,
        &["run", "pipelines/p.toml"],
        &[("COPYDESK_INPUT", input.to_str().unwrap())],
        Duration::from_secs(60),
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    assert!(dir.join("pipelines/out/kerry-syria/bundle.json").exists());
    // Without either, the message names the variable.
    let run = copydesk_env(
        &dir,
        &["run", "pipelines/p.toml"],
        &[],
        Duration::from_secs(60),
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run).1.contains("`COPYDESK_INPUT` is not set"));
}

#[test]
fn the_batch_example_runs_as_its_comment_says() {
    // examples/pipelines/batch-jsonl.toml documents:
    //   COPYDESK_INPUT=corpus.jsonl copydesk run examples/pipelines/batch-jsonl.toml --output out-batch
    let dir = temp_dir("hostile-batch-example");
    let mut lines = String::new();
    for i in 0..4 {
        lines.push_str(&serde_json::json!({"id": format!("r{i}"), "bundle": format!("story-{}", i % 2),
            "text": format!("Officials said on Monday that record {i} was filed. The filing was routine.")}).to_string());
        lines.push('\n');
    }
    std::fs::write(dir.join("corpus.jsonl"), lines).unwrap();
    let pipeline = root().join("examples/pipelines/batch-jsonl.toml");
    let run = copydesk_env(
        &dir,
        &[
            "run",
            pipeline.to_str().unwrap(),
            "--output",
            "out-batch",
            "--quiet",
        ],
        &[("COPYDESK_INPUT", "corpus.jsonl")],
        Duration::from_secs(120),
    );
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    assert!(dir.join("out-batch/story-0/bundle.json").exists());
    assert!(dir.join("out-batch/story-1/bundle.json").exists());
}

#[test]
fn worker_counts_are_checked_and_capped() {
    let dir = temp_dir("hostile-jobs");
    let input = example_input(&dir);
    pipeline(
        &dir,
        &format!("[input]\npath = \"{}\"\n{PARSE_ONLY}", input.display()),
    );
    let run = run_in(&dir, &["run", "--jobs", "100000"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("100000 workers asked for; using the most copydesk starts, 256"),
        "{stderr}"
    );
    let run = run_in(&dir, &["run", "--jobs", "0"]);
    assert_eq!(run.status.code(), Some(2));
    pipeline(
        &dir,
        &format!(
            "[input]\npath = \"{}\"\n[run]\njobs = 0\n{PARSE_ONLY}",
            input.display()
        ),
    );
    let run = run_in(&dir, &["validate"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr.contains("pipeline.toml:4:8: `jobs` must be at least 1"),
        "{stderr}"
    );
}

#[test]
fn quiet_failures_are_said() {
    let dir = temp_dir("hostile-quiet");
    std::fs::create_dir_all(dir.join("empty")).unwrap();
    pipeline(&dir, &format!("[input]\npath = \"empty\"\n{PARSE_ONLY}"));
    let run = run_in(&dir, &["run"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("holds no documents"), "{stderr}");

    let bundle = root().join("examples/bundles/kerry-syria");
    let run = run_in(
        &dir,
        &["summarize", bundle.to_str().unwrap(), "--words", "5"],
    );
    let (stdout, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stdout.trim().is_empty() && stderr.contains("no brief"),
        "{stdout:?} {stderr}"
    );

    let run = run_in(&dir, &["summarize", "empty"]);
    assert_eq!(run.status.code(), Some(3), "{}", text(&run).1);
}

#[test]
fn a_closed_pipe_ends_parse_quietly() {
    let dir = temp_dir("hostile-pipe");
    // The transcript's JSON is larger than a pipe's buffer.
    let file = std::fs::read_dir(root().join("examples/bundles/kerry-syria"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["parse", file.to_str().unwrap()])
        .current_dir(&dir)
        .env("COPYDESK_PLUGIN_PATH", plugin_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, as `| head` does
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn an_interrupted_run_leaves_no_run_json_claiming_success() {
    let dir = temp_dir("hostile-runjson");
    for i in 0..400 {
        let d = dir.join("in").join(format!("s{i:03}"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("a.txt"), article(&format!("story {i}"))).unwrap();
    }
    // The counter stage takes a few milliseconds a bundle, one bundle at a time.
    pipeline(
        &dir,
        &format!(
            "[input]\npath = \"in\"\n{PARSE_ONLY}[[stage]]\nplugin = \"{}\"\nstage = \"counter\"\n",
            faulty_plugin().display()
        ),
    );
    let run = run_in(&dir, &["run", "--quiet"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    assert!(dir.join("out/run.json").exists());
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["run", "--quiet"])
        .current_dir(&dir)
        .env("COPYDESK_PLUGIN_PATH", plugin_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run is under way (it holds the lock), then kill it.
    let started = Instant::now();
    while !dir.join("out/.copydesk.lock").exists() {
        assert!(started.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(200));
    let _ = child.kill();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the run ended before it was killed; make it longer"
    );
    assert!(
        !dir.join("out/run.json").exists(),
        "a run.json from the earlier run would describe outputs this run was replacing"
    );
}

#[test]
fn twenty_thousand_trec_records_frame_linearly_and_a_cut_record_stands_alone() {
    let dir = temp_dir("hostile-trec");
    let d = dir.join("in/wire");
    std::fs::create_dir_all(&d).unwrap();
    let mut text = String::new();
    for i in 0..20_000 {
        if i == 7 {
            // No </DOC>: it must not swallow record 8. Lower-case tags count too.
            text.push_str("<doc>\n<docno> CUT7 </docno>\n<TEXT>\nThe record was cut here.\n");
            continue;
        }
        text.push_str(&format!(
            "<DOC>\n<DOCNO> APW{i:05} </DOCNO>\n<TEXT>\nOfficials said record {i} was filed.\n</TEXT>\n</DOC>\n"
        ));
    }
    std::fs::write(d.join("wire.sgml"), text).unwrap();
    pipeline(
        &dir,
        &format!("[input]\npath = \"in\"\n[output]\nformats = [\"json\"]\n{PARSE_ONLY}"),
    );
    let run = copydesk_env(&dir, &["run", "--quiet"], &[], Duration::from_secs(300));
    assert_eq!(run.status.code(), Some(0), "{}", text_of(&run));
    let docs = jsonl(&dir.join("out/wire/documents.jsonl"));
    assert_eq!(docs.len(), 20_000);
    assert_eq!(docs[7]["id"], "wire/CUT7");
    assert_eq!(docs[8]["id"], "wire/APW00008");
    assert_eq!(docs[8]["record"], 7 * 6 + 4 + 1);
    assert!(docs[7]["text"].as_str().unwrap().contains("cut here"));
    assert!(!docs[7]["text"].as_str().unwrap().contains("record 8"));
}

fn text_of(out: &Output) -> String {
    text(out).1
}

/// Bytes of the pages a file of `len` bytes takes on tmpfs.
fn pages(len: u64) -> u64 {
    len.div_ceil(4096) * 4096
}

#[cfg(target_os = "linux")]
#[test]
fn a_disk_that_fills_during_the_last_writes_leaves_no_run_json() {
    let dir = temp_dir("hostile-full");
    let d = dir.join("in/story");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("a.txt"), article("Harbour")).unwrap();
    let body = format!("[input]\npath = \"in\"\n[output]\nformats = [\"json\"]\n{PARSE_ONLY}");
    pipeline(&dir, &body);
    // A clean run tells how much the bundle's files and the manifest take.
    let run = run_in(&dir, &["run", "--output", "ref", "--quiet"]);
    assert_eq!(run.status.code(), Some(0), "{}", text(&run).1);
    let size = |p: &str| std::fs::metadata(dir.join("ref").join(p)).unwrap().len();
    // Room for the lock, the manifest line and the bundle's files, and not
    // one page more: the manifest's final rewrite finds the disk full.
    let room = pages(64)
        + pages(size(".copydesk-manifest.jsonl"))
        + pages(size("story/documents.jsonl"))
        + pages(size("story/bundle.json"));
    let total: u64 = 1 << 20;
    std::fs::create_dir_all(dir.join("full")).unwrap();
    let script = format!(
        "mount -t tmpfs -o size={total} none full && head -c {} /dev/zero > full/filler || exit 99; \
         \"$@\"; code=$?; if [ -e full/out/run.json ]; then echo 'run.json is there' >&2; fi; exit $code",
        total - room
    );
    let out = Command::new("unshare")
        .args(["-r", "-m", "sh", "-c", &script, "sh"])
        .arg(env!("CARGO_BIN_EXE_copydesk"))
        .args(["run", "--output", "full/out", "--quiet"])
        .current_dir(&dir)
        .env("COPYDESK_PLUGIN_PATH", plugin_dir())
        .env_remove("RUST_LOG")
        .output();
    let out = match out {
        Ok(o) if o.status.code() != Some(99) && !text(&o).1.contains("unshare:") => o,
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must be able to mount a small tmpfs with `unshare -r -m`"
            );
            println!(
                "skipped: this system does not let an unprivileged `unshare -r -m` mount a tmpfs"
            );
            return;
        }
    };
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(stderr.contains(".copydesk-manifest.jsonl"), "{stderr}");
    // run.json is written last: a run that failed before the end has none.
    assert!(!stderr.contains("run.json is there"), "{stderr}");
    assert!(!stderr.contains("0 errors"), "{stderr}");
}
