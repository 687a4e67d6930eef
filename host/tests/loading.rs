//! Loader hygiene: which files are loaded, by name and by discovery, and
//! that a refused library is unloaded again rather than kept. Needs a C
//! compiler (`cc`), as the CLI's C-plugin tests do.

use std::path::{Path, PathBuf};
use std::process::Command;

use copydesk_host::error::HostError;
use copydesk_host::plugin::LoadedPlugin;
use copydesk_host::registry::Registry;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = root()
        .join("target/test-tmp")
        .join(format!("host-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.canonicalize().unwrap()
}

fn lib_name(stem: &str) -> String {
    format!(
        "{}{stem}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    )
}

/// Compiles `source` (a file, or C text when it has no `.c` path) into `out`.
fn cc(source: &Path, out: &Path, defines: &[&str]) {
    let mut cmd = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()));
    cmd.args(["-shared", "-fPIC", "-O1", "-I"])
        .arg(root().join("core/include"))
        .arg(source)
        .arg("-o")
        .arg(out);
    for d in defines {
        cmd.arg(format!("-D{d}"));
    }
    let status = cmd.status().expect("a C compiler (`cc`) is needed");
    assert!(status.success(), "compiling {} failed", source.display());
}

fn stamp(out: &Path, defines: &[&str]) {
    cc(&root().join("examples/c-plugin/stamp.c"), out, defines);
}

/// A shared library that is not a copydesk plugin (no entry symbol).
fn not_a_plugin(dir: &Path, out: &Path) {
    let src = dir.join("answer.c");
    std::fs::write(&src, "int answer(void) { return 42; }\n").unwrap();
    cc(&src, out, &[]);
}

/// Whether this process has `path` mapped (Linux: /proc/self/maps).
#[cfg(target_os = "linux")]
fn mapped(path: &Path) -> bool {
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let path = path.to_str().unwrap();
    maps.lines().any(|l| l.ends_with(path))
}

#[cfg(target_os = "linux")]
#[test]
fn a_refused_library_is_unloaded_and_an_accepted_one_kept() {
    let dir = temp_dir("unload");
    let old = dir.join(lib_name("copydesk_c_stamp_old"));
    stamp(&old, &["STAMP_ABI_VERSION=999"]);
    let err = LoadedPlugin::load(&old).expect_err("ABI 999 is refused");
    let message = err.to_string();
    assert!(
        message.contains("plugin ABI version 999") && message.contains("rebuild"),
        "{message}"
    );
    assert!(
        !mapped(&old),
        "a refused library must be unloaded, not leaked"
    );

    let none = dir.join(lib_name("copydesk_answer"));
    not_a_plugin(&dir, &none);
    let err = LoadedPlugin::load(&none).expect_err("no entry symbol");
    assert!(err.to_string().contains("not a copydesk plugin"), "{err}");
    assert!(
        !mapped(&none),
        "a library without the entry symbol is unloaded"
    );

    let good = dir.join(lib_name("copydesk_c_stamp"));
    stamp(&good, &[]);
    let plugin = LoadedPlugin::load(&good).expect("a good plugin loads");
    assert_eq!(plugin.name, "c-stamp");
    drop(plugin);
    assert!(mapped(&good), "an accepted library stays loaded");
}

#[test]
fn names_map_only_to_copydesk_files_and_discovery_loads_only_those() {
    let dir = temp_dir("names");
    // A library that is not a plugin, under a system-looking name.
    let libz = dir.join(lib_name("z"));
    not_a_plugin(&dir, &libz);
    // A third-party naming variant and the main rule.
    stamp(&dir.join(lib_name("copydesk_c_stamp")), &[]);
    // Named like a plugin but refused: an old ABI, and no entry symbol.
    stamp(
        &dir.join(lib_name("copydesk_old")),
        &["STAMP_ABI_VERSION=999"],
    );
    not_a_plugin(&dir, &dir.join(lib_name("copydesk_answer")));

    let registry = Registry::new(std::slice::from_ref(&dir));
    match registry.find("z", &dir) {
        Err(HostError::PluginNotFound { name, .. }) => assert_eq!(name, "z"),
        other => panic!("`z` must not find libz: {other:?}"),
    }
    assert_eq!(registry.find("c-stamp", &dir).unwrap().name, "c-stamp");
    // A path loads whatever file it names (and refuses it here).
    let by_path = registry.find(libz.to_str().unwrap(), &dir);
    assert!(by_path
        .unwrap_err()
        .to_string()
        .contains("not a copydesk plugin"));

    let (found, skipped) = registry.discover();
    let in_dir = |p: &Path| p.parent() == Some(dir.as_path());
    let found: Vec<_> = found.iter().filter(|p| in_dir(&p.path)).collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].name, "c-stamp");
    let mut refused: Vec<(String, &str)> = skipped
        .iter()
        .filter(|s| in_dir(&s.path))
        .map(|s| {
            assert!(!s.shadowed);
            (
                s.path.file_name().unwrap().to_string_lossy().into_owned(),
                s.reason.as_str(),
            )
        })
        .collect();
    refused.sort();
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert_eq!(refused[0].0, lib_name("copydesk_answer"));
    assert!(
        refused[0].1.contains("not a copydesk plugin"),
        "{refused:?}"
    );
    assert_eq!(refused[1].0, lib_name("copydesk_old"));
    assert!(
        refused[1].1.contains("plugin ABI version 999"),
        "{refused:?}"
    );
    assert!(
        skipped.iter().all(|s| s.path != libz),
        "discovery must not even try a library that is not named libcopydesk_*"
    );
    #[cfg(target_os = "linux")]
    assert!(!mapped(&libz));
}
