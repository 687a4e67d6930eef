//! Which libraries copydesk loads: only files named by the plugin rule
//! (`libcopydesk_*.so`), or a file the pipeline names by path.

mod common;

use std::path::Path;

use common::*;

fn lib_name(stem: &str) -> String {
    format!(
        "{}{stem}{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    )
}

/// A real shared library that is not a copydesk plugin, as `out`: the
/// system's zlib when there is one, else a tiny C library.
fn foreign_library(out: &Path) {
    for system in [
        "/lib/x86_64-linux-gnu/libz.so.1",
        "/usr/lib/x86_64-linux-gnu/libz.so.1",
        "/lib64/libz.so.1",
        "/usr/lib/libz.so.1",
    ] {
        if std::fs::copy(system, out).is_ok() {
            return;
        }
    }
    let src = out.with_extension("c");
    std::fs::write(&src, "int zlib_like(void) { return 1; }\n").unwrap();
    compile_c(&src, out, &[]);
}

#[test]
fn plugins_lists_the_built_in_plugins_and_not_the_fault_fixture() {
    let dir = temp_dir("plugins-list");
    let out = copydesk(&dir, &["plugins"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    for name in ["parse", "dedup", "summary", "quotes"] {
        assert!(
            stdout.lines().any(|l| l.starts_with(&format!("{name} "))),
            "`plugins` lists {name}: {stdout}"
        );
    }
    assert!(
        !stdout.contains("faulty") && !stderr.contains("faulty"),
        "the fault-injecting fixture is not on the search path (a stale \
         target/debug/libcopydesk_faulty.so from before it was renamed \
         libtestkit_faulty.so would show here: delete it): {stdout}{stderr}"
    );
    assert!(faulty_plugin().exists(), "the fixture is still built");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn other_libraries_on_the_search_path_are_never_loaded() {
    let dir = temp_dir("foreign-libs");
    let libs = dir.join("libs");
    std::fs::create_dir_all(&libs).unwrap();
    std::fs::create_dir_all(dir.join("in")).unwrap();
    foreign_library(&libs.join(lib_name("z")));
    pipeline(
        &dir,
        "[input]\npath = \"in\"\n[run]\nplugin_paths = [\"libs\"]\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"z\"\n",
    );
    // By name: `z` is `libcopydesk_z.so` or `libcopydesk_plugin_z.so`, never `libz.so`.
    let out = copydesk(&dir, &["validate"]);
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("plugin `z` not found") && !err.contains("not a copydesk plugin"),
        "{err}"
    );
    // Discovery: libz.so is not even tried (no warning, nothing listed from libs/).
    let out = copydesk(&dir, &["plugins"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.lines().any(|l| l.starts_with("parse ")), "{stdout}");
    assert!(
        !stdout.contains("libs/") && !stderr.contains("libs/"),
        "{stdout}{stderr}"
    );
    // By path, the named file is tried, and refused.
    pipeline(
        &dir,
        &format!(
            "[input]\npath = \"in\"\n[[stage]]\nplugin = \"parse\"\n[[stage]]\nplugin = \"libs/{}\"\n",
            lib_name("z")
        ),
    );
    let (_, err) = text(&copydesk(&dir, &["validate"]));
    assert!(err.contains("not a copydesk plugin"), "{err}");
}

#[test]
fn a_refused_plugin_library_is_reported_by_plugins() {
    let dir = temp_dir("refused-lib");
    let libs = dir.join("libs");
    std::fs::create_dir_all(&libs).unwrap();
    let old = libs.join(lib_name("copydesk_old_stamp"));
    compile_c(
        &root().join("examples/c-plugin/stamp.c"),
        &old,
        &["STAMP_ABI_VERSION=999"],
    );
    std::fs::create_dir_all(dir.join("in")).unwrap();
    pipeline(
        &dir,
        "[input]\npath = \"in\"\n[run]\nplugin_paths = [\"libs\"]\n[[stage]]\nplugin = \"parse\"\n",
    );
    let out = copydesk(&dir, &["plugins"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.lines().any(|l| l.starts_with("parse ")), "{stdout}");
    let line = stderr
        .lines()
        .find(|l| l.contains(&lib_name("copydesk_old_stamp")))
        .unwrap_or_else(|| panic!("no warning for the refused library: {stderr}"));
    assert!(
        line.starts_with("warning: skipped")
            && line.contains("plugin ABI version 999")
            && line.contains("speaks ABI version")
            && line.contains("rebuild"),
        "{line}"
    );
}
