//! End to end with the real `mdbook` 0.5 binary: `mdbook build` of the fixture books in `tests/books/`,
//! with `[preprocessor.scope-lint]` pointed at this build's binary through mdBook's environment override.
//!
//! Needs `mdbook` 0.5 on PATH (`.ci/run` installs 0.5.4). When it is missing each test prints a `SKIPPED:`
//! line that `cargo test` shows and passes, unless `SCOPE_LINT_REQUIRE_MDBOOK=1` (as `.ci/run` sets), in
//! which case it fails.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// How to get the `mdbook` these tests need.
const INSTALL: &str = "cargo install mdbook --version 0.5.4 --locked --no-default-features";

/// Whether `mdbook` 0.5 is on PATH. When it is not, the test `name` is skipped with a `SKIPPED:` line
/// written to the process's stderr directly (past the test harness's output capture, so `cargo test`
/// shows it), or fails when `SCOPE_LINT_REQUIRE_MDBOOK=1`.
fn mdbook_available(name: &str) -> bool {
    let found = Command::new("mdbook")
        .arg("--version")
        .output()
        .is_ok_and(|output| String::from_utf8_lossy(&output.stdout).starts_with("mdbook v0.5."));
    if !found {
        let required = std::env::var("SCOPE_LINT_REQUIRE_MDBOOK")
            .is_ok_and(|value| !value.is_empty() && value != "0");
        assert!(
            !required,
            "SCOPE_LINT_REQUIRE_MDBOOK=1 and mdbook 0.5 is not on PATH; install with {INSTALL}"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {name}: mdbook 0.5 not found on PATH; install with {INSTALL}"
        );
    }
    found
}

/// A copy of fixture book `name` in a temporary directory.
fn copy_book(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/books")
            .join(name),
        dir.path(),
    );
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn build(book: &Path, with_scope_lint: bool) -> Output {
    let mut command = Command::new("mdbook");
    command
        .arg("build")
        .current_dir(book)
        .env("RUST_BACKTRACE", "1");
    if with_scope_lint {
        let preprocessor = format!("{} mdbook", env!("CARGO_BIN_EXE_scope-lint"));
        command.env("MDBOOK_PREPROCESSOR__SCOPE_LINT__COMMAND", preprocessor);
    }
    command.output().expect("mdbook runs")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn a_failing_check_fails_mdbook_build_with_our_message() {
    if !mdbook_available("a_failing_check_fails_mdbook_build_with_our_message") {
        return;
    }
    let book = copy_book("check");
    let output = build(book.path(), true);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(101), "{stderr}");
    assert!(stderr.contains("error[SL001]: section \"Account permissions\" lists AI Gateway permission groups (AI Gateway Read, AI Gateway Run, AI Gateway Edit) but has no call-out that they are account-scoped only"), "{stderr}");
    assert!(stderr.contains(" --> src/permissions.md:5:1"), "{stderr}");
    assert!(
        stderr.contains("The \"scope-lint\" preprocessor exited unsuccessfully"),
        "{stderr}"
    );
    assert!(!stderr.contains("stack backtrace"));
    assert_eq!(stderr.matches("error[SL001]").count(), 1, "printed once");
}

#[test]
fn an_include_cycle_is_a_warning_naming_the_chapters() {
    if !mdbook_available("an_include_cycle_is_a_warning_naming_the_chapters") {
        return;
    }
    let book = copy_book("plain");
    let source = book.path().join("src");
    fs::write(
        source.join("SUMMARY.md"),
        "# Summary\n\n- [日本 self](self.md)\n- [B](b.md)\n",
    )
    .unwrap();
    fs::write(
        source.join("self.md"),
        "# 日本 😀\n\n{{#include self.md}}\n",
    )
    .unwrap();
    fs::write(source.join("b.md"), "# B\n\n{{#include c.md}}\n").unwrap();
    fs::write(source.join("c.md"), "# C\n\ntext\n\n{{#include b.md}}\n").unwrap();
    let output = build(book.path(), true);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "a warning: {stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("scope-lint: warning:"))
        .collect();
    assert_eq!(
        warnings,
        [
            "scope-lint: warning: src/c.md:5:1: include cycle: src/b.md -> src/c.md -> src/b.md; this include of src/b.md is not followed",
            "scope-lint: warning: src/self.md:3:1: include cycle: src/self.md -> src/self.md; this include of src/self.md is not followed",
        ],
        "{stderr}"
    );
}

#[test]
fn inject_renders_the_callout_as_an_mdbook_note() {
    if !mdbook_available("inject_renders_the_callout_as_an_mdbook_note") {
        return;
    }
    let book = copy_book("inject");
    let output = build(book.path(), true);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = fs::read_to_string(book.path().join("book/permissions.html")).unwrap();
    let note = html
        .find("<blockquote class=\"blockquote-tag blockquote-tag-note\">")
        .expect("a note admonition");
    let rest = &html[note..];
    let end = rest.find("</blockquote>").unwrap();
    let admonition = &rest[..end];
    assert!(admonition.contains("Note</p>"), "{admonition}");
    assert!(
        admonition.contains("<p><strong>AI Gateway tokens are account-scoped</strong></p>"),
        "{admonition}"
    );
    assert!(
        admonition.contains(
            "<p>AI Gateway permissions (AI Gateway Read/Edit/Run) are account-scoped only."
        ),
        "{admonition}"
    );
    let zone = html.find("id=\"zone-permissions\"").unwrap();
    assert!(note < zone, "the note is in the Account section");
    let source = fs::read_to_string(book.path().join("src/permissions.md")).unwrap();
    assert!(
        !source.contains("[!NOTE]"),
        "inject never writes to the sources"
    );
}

#[test]
fn check_mode_leaves_a_book_without_scoped_permissions_byte_identical() {
    if !mdbook_available("check_mode_leaves_a_book_without_scoped_permissions_byte_identical") {
        return;
    }
    let without = copy_book("plain");
    let with = copy_book("plain");
    let config = fs::read_to_string(without.path().join("book.toml")).unwrap();
    let bare = &config[..config.find("[preprocessor.scope-lint]").unwrap()];
    fs::write(without.path().join("book.toml"), bare).unwrap();
    assert_eq!(build(without.path(), false).status.code(), Some(0));
    let output = build(with.path(), true);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plain_files = files(&without.path().join("book"));
    let checked_files = files(&with.path().join("book"));
    assert_eq!(plain_files.len(), checked_files.len());
    for (plain, checked) in plain_files.iter().zip(&checked_files) {
        assert_eq!(
            plain.strip_prefix(without.path()).unwrap(),
            checked.strip_prefix(with.path()).unwrap()
        );
        assert!(
            fs::read(plain).unwrap() == fs::read(checked).unwrap(),
            "{} differs",
            plain.display()
        );
    }
}
