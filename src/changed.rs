//! `--changed-since REF`: the files a branch changed, found by spawning git, and checking only the pages
//! they affect.
//!
//! Changed means: different between the merge base of REF and HEAD and the working tree (so committed,
//! staged and unstaged changes), plus untracked files that are not ignored. A page is checked when it
//! changed or includes a changed file; a changed capability table or policy checks everything.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, describe_io};
use crate::lint::Linter;
use crate::policy::CONFIG_FILE;
use crate::walk::{self, CheckRun};

/// The changed files of a repository, as canonical paths of files that still exist.
#[derive(Debug)]
pub struct ChangedFiles {
    /// The repository's top-level directory.
    pub root: PathBuf,
    /// The changed files, canonicalised, for membership tests against walked paths.
    pub files: HashSet<PathBuf>,
}

/// Checks the pages under `paths` that the changes since `reference` affect.
pub fn check_changed(
    paths: &[PathBuf],
    reference: &str,
    linter: &Linter,
) -> Result<CheckRun, Error> {
    let start = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let directory = if start.is_dir() {
        start
    } else {
        start
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    let changed = changed_files(reference, directory)?;
    if settings_changed(&changed.files, linter) {
        return Ok(walk::check_paths(paths, linter));
    }
    Ok(walk::check_paths_affected_by(
        paths,
        linter,
        Some(&changed.files),
    ))
}

/// Whether a change touches what every page is checked against: the policy, the capability table, or
/// any `scope-lint.toml`.
fn settings_changed(changed: &HashSet<PathBuf>, linter: &Linter) -> bool {
    let settings: Vec<PathBuf> = [&linter.policy().origin, &linter.settings.table.origin]
        .into_iter()
        .filter_map(|origin| std::fs::canonicalize(origin).ok())
        .collect();
    changed.iter().any(|file| {
        settings.contains(file) || file.file_name().is_some_and(|name| name == CONFIG_FILE)
    })
}

/// The files changed since the merge base of `reference` and HEAD, in the repository holding `directory`.
pub fn changed_files(reference: &str, directory: &Path) -> Result<ChangedFiles, Error> {
    let root = git(directory, &["rev-parse", "--show-toplevel"]).map_err(|message| {
        usage(format!(
            "{} is not in a git repository ({message})",
            directory.display()
        ))
    })?;
    let root = PathBuf::from(root.trim_end_matches(['\n', '\r']));
    let commit = format!("{reference}^{{commit}}");
    git(&root, &["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
        usage(format!(
            "unknown revision `{reference}` in {} (fetch it, e.g. `git fetch origin {reference}`, or \
             check out with `fetch-depth: 0`)",
            root.display()
        ))
    })?;
    let base = git(&root, &["merge-base", reference, "HEAD"]).map_err(|message| {
        usage(format!(
            "no merge base of `{reference}` and HEAD in {} ({message}; a shallow clone needs more history)",
            root.display()
        ))
    })?;
    let base = base.trim();
    let mut names = split_nul(
        &git(
            &root,
            &["diff", "--name-only", "-z", "--no-renames", base, "--"],
        )
        .map_err(usage)?,
    );
    names.extend(split_nul(
        &git(&root, &["ls-files", "--others", "--exclude-standard", "-z"]).map_err(usage)?,
    ));
    let files = names
        .into_iter()
        .filter_map(|name| std::fs::canonicalize(root.join(name)).ok())
        .collect();
    Ok(ChangedFiles { root, files })
}

fn usage(message: String) -> Error {
    Error::Usage(format!("--changed-since: {message}"))
}

fn split_nul(text: &str) -> Vec<String> {
    text.split('\0')
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Runs git in `directory`; its stdout, or its first stderr line as the error.
fn git(directory: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(directory)
        .args(["-c", "core.quotepath=off"])
        .args(args)
        .output()
        .map_err(|error| format!("could not run git: {}", describe_io(&error)))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().find(|line| !line.trim().is_empty());
        return Err(first.unwrap_or("git failed").trim().to_owned());
    }
    String::from_utf8(output.stdout).map_err(|_| "git printed a path that is not UTF-8".to_owned())
}
