//! `--changed-since REF` on a temporary git repository: a branch changes one page and one partial, and
//! adds an untracked page; only those pages and the page rendering the partial are checked.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_scope-lint");

const LISTING_OK: &str = "- AI Gateway Read\n- AI Gateway Run\n\n> [!NOTE]\n> These AI Gateway groups are account-scoped. A token cannot be restricted to a single gateway.\n";
const LISTING_BARE: &str = "- AI Gateway Read\n- AI Gateway Run\n";
const PAGE_WITH_FINDING: &str = "# Tokens 🔑\n\n## Groups\n\n| Name | What |\n| --- | --- |\n| AI Gateway Run | Call gateways. |\n";

#[path = "support/repo.rs"]
mod repo;
use repo::{git, write};

fn scope_lint(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A repository with `main` (base) and a checked-out `feature` branch that changed a page and a partial.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "docs/unchanged.md", PAGE_WITH_FINDING);
    write(root, "docs/changed.md", PAGE_WITH_FINDING);
    write(
        root,
        "docs/renders.md",
        "# Renders\n\n## Groups\n\n{{#include listing.md}}\n",
    );
    write(root, "docs/listing.md", LISTING_OK);
    write(root, "docs/ünïcode 中.md", PAGE_WITH_FINDING);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "base"]);
    git(root, &["checkout", "-qb", "feature"]);
    write(
        root,
        "docs/changed.md",
        &format!("{PAGE_WITH_FINDING}\nA new paragraph.\n"),
    );
    write(root, "docs/listing.md", LISTING_BARE);
    git(root, &["commit", "-qam", "head"]);
    dir
}

#[test]
fn only_changed_pages_and_pages_rendering_a_changed_partial_are_checked() {
    let dir = repository();
    let root = dir.path();
    // Not committed: an untracked page.
    write(root, "docs/new.md", PAGE_WITH_FINDING);
    let output = scope_lint(
        root,
        &[
            "check",
            "docs",
            "--changed-since",
            "main",
            "--format",
            "concise",
        ],
    );
    assert_eq!(
        stdout(&output),
        "docs/changed.md:5:1: SL001 section \"Groups\" lists AI Gateway permission groups (AI Gateway Run) but has no call-out that they are account-scoped only\n\
         docs/new.md:5:1: SL001 section \"Groups\" lists AI Gateway permission groups (AI Gateway Run) but has no call-out that they are account-scoped only\n\
         docs/renders.md:5:1: SL001 section \"Groups\" lists AI Gateway permission groups (AI Gateway Read, AI Gateway Run) (through docs/listing.md) but has no call-out that they are account-scoped only\n\
         found 3 errors and 0 warnings in 4 files\n",
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_changed_policy_checks_everything() {
    let dir = repository();
    let root = dir.path();
    write(root, "scope-lint.toml", "extends = \"cloudflare\"\n");
    let output = scope_lint(
        root,
        &[
            "check",
            "docs",
            "--changed-since",
            "main",
            "--format",
            "concise",
        ],
    );
    let text = stdout(&output);
    for page in ["changed.md", "renders.md", "unchanged.md", "ünïcode 中.md"] {
        assert!(text.contains(&format!("docs/{page}:")), "{page}: {text}");
    }
    assert!(
        text.ends_with("found 4 errors and 0 warnings in 5 files\n"),
        "{text}"
    );
}

#[test]
fn nothing_changed_checks_nothing() {
    let dir = repository();
    let output = scope_lint(
        dir.path(),
        &[
            "check",
            "docs",
            "--changed-since",
            "HEAD",
            "--format",
            "concise",
        ],
    );
    assert_eq!(stdout(&output), "no findings in 0 files\n");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "warning: no page to check: nothing under the given paths changed since `HEAD`\n"
    );
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn an_unknown_ref_or_no_repository_is_a_clear_error() {
    let dir = repository();
    let output = scope_lint(dir.path(), &["check", "docs", "--changed-since", "nope"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: --changed-since: unknown revision `nope` in "),
        "{stderr}"
    );

    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), "a.md", PAGE_WITH_FINDING);
    let output = scope_lint(plain.path(), &["check", ".", "--changed-since", "main"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: --changed-since: . is not in a git repository"),
        "{stderr}"
    );
    assert_eq!(stdout(&output), "");
}
