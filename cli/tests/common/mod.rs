//! Helpers for the end-to-end tests: they run the real `copydesk` binary
//! with the real plugin libraries, which `cargo build --workspace` puts
//! beside it (the README's test command builds them first).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The directory of the copydesk binary, where the plugins are.
pub fn plugin_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_BIN_EXE_copydesk"))
        .parent()
        .unwrap()
        .to_path_buf();
    let parse = dir.join(format!(
        "{}copydesk_parse{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    assert!(parse.exists(), "{} is missing: build the plugins first with `cargo build --workspace` (the README's test command does)", parse.display());
    dir
}

/// The fault-injecting test plugin (`testkit/faulty`), to be named by path:
/// its file name, `libtestkit_faulty.so`, is off the `libcopydesk_*` rule,
/// so it is never found by name or listed by `copydesk plugins`.
pub fn faulty_plugin() -> PathBuf {
    plugin_dir().join(format!(
        "{}testkit_faulty{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

/// A fresh temporary directory under target/.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = root()
        .join("target")
        .join("test-tmp")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs copydesk with arguments in `cwd`.
pub fn copydesk(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(args)
        .current_dir(cwd)
        .env("COPYDESK_PLUGIN_PATH", plugin_dir())
        .env_remove("RUST_LOG")
        .output()
        .expect("copydesk runs")
}

/// stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes a pipeline file into `dir` and returns its path.
pub fn pipeline(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("pipeline.toml");
    std::fs::write(&path, body).unwrap();
    path
}

/// Copies the example bundle into `dir/bundles/kerry-syria`.
pub fn example_input(dir: &Path) -> PathBuf {
    let src = root().join("examples/bundles/kerry-syria");
    let dst = dir.join("bundles/kerry-syria");
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
    }
    dir.join("bundles")
}

/// Compiles a C plugin with `cc`.
pub fn compile_c(source: &Path, out: &Path, defines: &[&str]) {
    compile_c_with(source, out, defines, &[]);
}

/// Compiles a C plugin with `cc`, with more arguments after the source and
/// output (such as `-lcjson`).
pub fn compile_c_with(source: &Path, out: &Path, defines: &[&str], args: &[&str]) {
    let mut cmd = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cmd.args(["-shared", "-fPIC", "-O1", "-I"])
        .arg(root().join("core/include"))
        .arg(source)
        .arg("-o")
        .arg(out);
    for d in defines {
        cmd.arg(format!("-D{d}"));
    }
    cmd.args(args);
    let status = cmd
        .status()
        .expect("a C compiler (`cc`) is needed for the C-plugin tests");
    assert!(
        status.success(),
        "compiling {} failed{}",
        source.display(),
        if args.contains(&"-lcjson") {
            " (it needs cJSON: apt-get install libcjson-dev)"
        } else {
            ""
        }
    );
}

/// Compiles the C example plugin (`examples/c-plugin/readability.c`, with
/// cJSON) into `dir` and returns the library's path.
pub fn compile_readability(dir: &Path) -> PathBuf {
    let lib = dir.join(format!(
        "{}copydesk_c_readability{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));
    compile_c_with(
        &root().join("examples/c-plugin/readability.c"),
        &lib,
        &[],
        &["-Wall", "-lcjson"],
    );
    lib
}

/// The example bundle's files, sorted.
pub fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples/bundles/kerry-syria"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Reads a JSON Lines file.
pub fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Reads a JSON file.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}
