//! The per-rule harness, in the manner of ruff's rule tests: every rule has its own fixture folder,
//! `tests/rules/slNNN/`, and each case in it is run with only that rule enabled (`--select SLNNN`). The
//! rendered diagnostics (the human format, exactly as the CLI prints it, with the exit code) and, for a rule
//! with a fix, the fix as `fix --diff` prints it, are compared exactly with the case's snapshot in
//! `tests/rules/slNNN/snapshots/`. A mismatch fails with a diff. (SL007, which judges suppressions of
//! other rules, runs with the rules its cases suppress: `--select SL007,SL003,SL004`.)
//!
//! A case is either one page (`tests/rules/sl003/fires-possessive-cjk.md`, snapshot
//! `fires-possessive-cjk.md.snap`) or a folder (`tests/rules/sl008/fires-missing-run/`, snapshot
//! `fires-missing-run.snap`) holding a small site: pages, partials, its own `scope-lint.toml` and capability
//! table. The policy is the first `scope-lint.toml`
//! found walking up from the case, so a rule folder's `scope-lint.toml` serves every case that has none.
//!
//! - `cargo test --test rules` runs every rule's cases; `cargo test --test rules sl003` runs SL003's alone.
//! - `RULE_CASE=possessive cargo test --test rules sl003` runs only the cases whose name contains it.
//! - `SNAPSHOTS=overwrite cargo test --test rules` writes the snapshots (new cases included); read every
//!   changed snapshot before committing it.

use std::path::{Path, PathBuf};
use std::process::Command;

use snapbox::{Assert, Data};

/// Whether a rule's cases also snapshot `fix --diff`.
#[derive(Clone, Copy, PartialEq)]
enum Fix {
    Diff,
    None,
}

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

/// The cases of one rule folder: page files and case folders, in name order. Policy files, the snapshots
/// folder and names starting with `_` (shared partials) are not cases.
fn cases(rule_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(rule_dir)
        .unwrap_or_else(|err| panic!("{}: {err}", rule_dir.display()))
        .map(|entry| entry.unwrap())
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_page = name.ends_with(".md") || name.ends_with(".mdx");
            let is_case_dir = entry.file_type().unwrap().is_dir() && name != "snapshots";
            !name.starts_with('_') && (is_page || is_case_dir)
        })
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `scope-lint ARGS` in `dir` and renders what a reader of the terminal sees: the command, the exit
/// code, stdout and (when there is any) stderr.
fn transcript(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .output()
        .expect("scope-lint runs");
    let code = output
        .status
        .code()
        .map_or_else(|| "signal".to_owned(), |code| code.to_string());
    let mut text = format!("$ scope-lint {}\n? {code}\n", args.join(" "));
    text.push_str(&String::from_utf8_lossy(&output.stdout));
    if !output.stderr.is_empty() {
        text.push_str("--- stderr\n");
        text.push_str(&String::from_utf8_lossy(&output.stderr));
    }
    text
}

/// Runs every case of `code`'s folder and compares each with its snapshot; all mismatches are reported
/// together, each with its diff.
fn run_rule(code: &str, fix: Fix) {
    run_rule_with(code, &[], fix);
}

/// Like [`run_rule`], with `companions` enabled too: SL007 judges the suppressions of other rules, so its
/// cases also run the rules they suppress (whose findings no suppression covers then show in the snapshot).
fn run_rule_with(code: &str, companions: &[&str], fix: Fix) {
    let select = std::iter::once(code)
        .chain(companions.iter().copied())
        .collect::<Vec<_>>()
        .join(",");
    let rule_dir = rules_dir().join(code.to_lowercase());
    let only = std::env::var("RULE_CASE").ok();
    let all = cases(&rule_dir);
    assert!(!all.is_empty(), "{} holds no cases", rule_dir.display());
    let assert = Assert::new().action_env("SNAPSHOTS").normalize_paths(false);
    let mut failures = Vec::new();
    for case in all.iter().filter(|case| {
        only.as_ref()
            .is_none_or(|only| case.contains(only.as_str()))
    }) {
        let mut actual = transcript(&rule_dir, &["check", "--select", &select, case]);
        if fix == Fix::Diff {
            actual.push('\n');
            actual.push_str(&transcript(
                &rule_dir,
                &["fix", "--diff", "--select", &select, case],
            ));
        }
        let snapshot = rule_dir.join("snapshots").join(format!("{case}.snap"));
        let expected = Data::read_from(&snapshot, None).raw();
        if let Err(err) = assert.try_eq(Some(&case), Data::text(actual).raw(), expected) {
            failures.push(format!("{}/{case}:\n{err}", code.to_lowercase()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of the {code} cases differ from their snapshots \
         (re-bless with `SNAPSHOTS=overwrite cargo test --test rules {}` and read the diff):\n\n{}",
        failures.len(),
        code.to_lowercase(),
        failures.join("\n")
    );
}

#[test]
fn sl001() {
    run_rule("SL001", Fix::Diff);
}

#[test]
fn sl002() {
    run_rule("SL002", Fix::Diff);
}

#[test]
fn sl003() {
    run_rule("SL003", Fix::None);
}

#[test]
fn sl004() {
    run_rule("SL004", Fix::Diff);
}

#[test]
fn sl005() {
    run_rule("SL005", Fix::None);
}

#[test]
fn sl006() {
    run_rule("SL006", Fix::Diff);
}

#[test]
fn sl007() {
    run_rule_with("SL007", &["SL003", "SL004"], Fix::None);
}

#[test]
fn sl008() {
    run_rule("SL008", Fix::Diff);
}

#[test]
fn sl009() {
    run_rule("SL009", Fix::None);
}

#[test]
fn sl010() {
    run_rule("SL010", Fix::Diff);
}
