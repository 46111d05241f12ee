//! FIFOs are never read: named on the command line, included, rendered as a partial, or given as
//! `--config`/`--capabilities`, each is an error naming it (exit 2), and the run does not block on it.
//! (A blocking read would make these tests hang: no writer ever opens the FIFOs.)
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::path::Path;
use std::process::{Command, Output};

fn fifo(path: &Path) {
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        path,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
    )
    .unwrap();
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_fifo_named_on_the_command_line_or_as_settings_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.md"), "# ページ 🚀\n").unwrap();
    fifo(&dir.path().join("pipe.md"));
    fifo(&dir.path().join("pipe.toml"));
    let page = run(dir.path(), &["check", "pipe.md", "page.md"]);
    assert_eq!(page.status.code(), Some(2));
    assert_eq!(
        stderr(&page),
        "error: pipe.md: not a regular file (a FIFO), not read\n"
    );
    for flag in ["--config", "--capabilities"] {
        let output = run(dir.path(), &["check", flag, "pipe.toml", "page.md"]);
        assert_eq!(output.status.code(), Some(2), "{flag}");
        assert_eq!(
            stderr(&output),
            "error: pipe.toml: not a regular file (a FIFO), not read\n",
            "{flag}"
        );
    }
}

#[test]
fn a_fifo_in_a_walked_directory_is_skipped() {
    // The walk checks regular files only: a FIFO with a page's extension is not a page.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.md"), "# ページ\n").unwrap();
    fifo(&dir.path().join("pipe.md"));
    let output = run(dir.path(), &["check", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "no findings in 1 file\n"
    );
}

#[test]
fn an_included_or_rendered_fifo_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("book.md"), "# 本\n\n{{#include pipe.md}}\n").unwrap();
    fifo(&root.join("pipe.md"));
    let docs = root.join("src/content/docs/ai-gateway");
    let partials = root.join("src/content/partials/ai-gateway");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::create_dir_all(&partials).unwrap();
    std::fs::write(
        docs.join("page.mdx"),
        "---\ntitle: T\n---\n\n# 권한\n\n<Render file=\"pipe\" />\n",
    )
    .unwrap();
    fifo(&partials.join("pipe.mdx"));
    let output = run(root, &["check", "book.md", "src/content/docs"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "error: book.md:3:1: the included file pipe.md: not a regular file (a FIFO), not read\n\
         error: src/content/docs/ai-gateway/page.mdx:7:1: the included file \
         src/content/partials/ai-gateway/pipe.mdx: not a regular file (a FIFO), not read\n"
    );
}
