//! Fixing a run: the fixes of every finding planned per file, applied in memory, and verified by checking
//! the changed pages again; [`crate::fix`] makes the edits and writes the files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::doc::source::SourceText;
use crate::doc::{Dialect, Page};
use crate::error::Error;
use crate::fix::{FileChange, FixPlan, combine, in_file, inside_roots, refuse_shared_files};
use crate::lint::{Linter, PageInput};
use crate::rules::{Edit, Finding};
use crate::source::fs::FsSources;
use crate::source::{Sources, file_key};
use crate::walk::CheckRun;

/// Plans the fixes for every finding of `run` that has one, applies them in memory, and checks the fixed
/// pages again: a file whose fixed finding would still be reported is left out with an internal error.
///
/// Only files whose real path (every symbolic link resolved) lies under the real path of one of `roots` (the
/// paths the user gave) are changed; a page reached twice (`fix d ./d`, a link and its target, two hard
/// links) is fixed once.
pub fn plan(mut run: CheckRun, linter: &Linter, sources: &FsSources, roots: &[PathBuf]) -> FixPlan {
    let files = run.files;
    let mut errors = std::mem::take(&mut run.errors);
    let mut seen = std::collections::HashSet::new();
    run.reports
        .retain(|report| seen.insert(FileIdentity::of(report.source.path())));
    let mut targets: BTreeMap<PathBuf, Target> = BTreeMap::new();
    let mut owners: Vec<(usize, Vec<PathBuf>)> = Vec::new();
    let checked_paths = checked_paths(&run);
    for (index, report) in run.reports.iter().enumerate() {
        let page_path = report.source.path().to_path_buf();
        let mut touched = Vec::new();
        for (finding_index, finding) in report.findings.iter().enumerate() {
            let Some(fix) = &finding.fix else { continue };
            let mut by_file: BTreeMap<PathBuf, Vec<Edit>> = BTreeMap::new();
            for edit in &fix.edits {
                let path = edit.file.as_deref().map_or_else(
                    || page_path.clone(),
                    |file| other_file(file, &checked_paths),
                );
                by_file.entry(path).or_default().push(edit.clone());
            }
            for (path, edits) in by_file {
                let target = match targets.entry(path.clone()) {
                    std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
                    std::collections::btree_map::Entry::Vacant(entry) => {
                        let source = if path == page_path {
                            Ok(report.source.clone())
                        } else {
                            crate::walk::read_source(&path).map(|text| SourceText::new(&path, text))
                        };
                        match source {
                            Ok(source) => entry.insert(Target {
                                source,
                                fixes: Vec::new(),
                            }),
                            Err(error) => {
                                errors.push(error);
                                continue;
                            }
                        }
                    }
                };
                target.fixes.push(PlannedFix {
                    finding: (index, finding_index),
                    description: fix.description.clone(),
                    edits,
                });
                if !touched.contains(&path) {
                    touched.push(path);
                }
            }
        }
        if !touched.is_empty() {
            owners.push((index, touched));
        }
    }
    let mut deferred: Vec<(usize, usize)> = Vec::new();
    let mut changes: BTreeMap<PathBuf, FileChange> = BTreeMap::new();
    for (path, target) in targets {
        let dialect = linter
            .policy()
            .dialect_for(&crate::walk::relative_to_root(linter, &path));
        let groups: Vec<Vec<Edit>> = target.fixes.iter().map(|fix| fix.edits.clone()).collect();
        let checked = combine(&target.source, dialect, &groups).map_err(|(_, error)| error);
        let mut described = Described::default();
        if let Ok(combined) = &checked {
            for (index, fix) in target.fixes.iter().enumerate() {
                if combined.deferred.contains(&index) {
                    deferred.push(fix.finding);
                } else {
                    described.count(fix);
                }
            }
        }
        let descriptions = described.lines();
        let limit = linter.policy().max_file_size;
        let fixed = checked.map(|combined| {
            let size = fixed_size(&combined.after, target.source.bom);
            (combined.after, size)
        });
        match fixed {
            Ok((_, size)) if size > limit => {
                errors.push(in_file(&path, too_large_after_fix(size, limit)));
            }
            Ok((after, _)) if after != target.source.text => match inside_roots(&path, roots) {
                Ok((real, stamp)) => {
                    changes.insert(
                        path.clone(),
                        FileChange {
                            path,
                            before: target.source.text.clone(),
                            after,
                            bom: target.source.bom,
                            descriptions,
                            real,
                            stamp,
                        },
                    );
                }
                Err(error) => errors.push(error),
            },
            Ok(_) => {}
            Err(error) => errors.push(in_file(&path, error)),
        }
    }
    refuse_shared_files(&mut changes, &mut errors);
    let remaining = verify(
        &run,
        &owners,
        &deferred,
        &mut changes,
        linter,
        sources,
        &mut errors,
    );
    FixPlan {
        changes: changes.into_values().collect(),
        remaining,
        errors,
        files,
    }
}

/// The size in bytes of a fixed file with text `after` (and a byte-order mark when `bom`).
fn fixed_size(after: &str, bom: bool) -> u64 {
    after.len() as u64 + if bom { 3 } else { 0 }
}

/// The error for a fix that would make its file larger than the `max-file-size` limit, which no later run
/// would read.
fn too_large_after_fix(size: u64, limit: u64) -> Error {
    Error::Internal(format!(
        "the fixed file would be {size} bytes, larger than {} (the `max-file-size` limit)",
        crate::read::describe_size(limit)
    ))
}

/// Each checked page's [`file_key`], with the path it was checked under.
fn checked_paths(run: &CheckRun) -> std::collections::HashMap<PathBuf, PathBuf> {
    run.reports
        .iter()
        .map(|report| {
            let path = report.source.path();
            (file_key(path), path.to_path_buf())
        })
        .collect()
}

/// The path under which a fix edits `file`, another file than the page's (a partial): the path a checked
/// page has for it, so that its own fixes and those from the pages that render it are one change; else the
/// path relative to the working directory when it lies below it, as the user named the other files.
fn other_file(file: &Path, checked: &std::collections::HashMap<PathBuf, PathBuf>) -> PathBuf {
    let key = file_key(file);
    if let Some(path) = checked.get(&key) {
        return path.clone();
    }
    std::env::current_dir()
        .ok()
        .and_then(|base| key.strip_prefix(base).ok().map(Path::to_path_buf))
        .filter(|relative| !relative.as_os_str().is_empty())
        .unwrap_or_else(|| file.to_path_buf())
}

/// One file however it is reached: by device and inode where the system has them (hard links, symbolic
/// links, `d` and `./d` are one file), else by the real path.
#[derive(PartialEq, Eq, Hash)]
enum FileIdentity {
    Inode(u64, u64),
    Path(PathBuf),
}

impl FileIdentity {
    fn of(path: &Path) -> Self {
        #[cfg(unix)]
        if let Ok(metadata) = std::fs::metadata(path) {
            use std::os::unix::fs::MetadataExt;
            return FileIdentity::Inode(metadata.dev(), metadata.ino());
        }
        FileIdentity::Path(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

struct Target {
    source: SourceText,
    fixes: Vec<PlannedFix>,
}

/// One finding's edits to one file.
struct PlannedFix {
    /// The report's index in the run and the finding's in the report.
    finding: (usize, usize),
    description: String,
    edits: Vec<Edit>,
}

/// Checks every page again with the changes applied; drops the changes of a page whose fixed findings remain.
fn verify(
    run: &CheckRun,
    owners: &[(usize, Vec<PathBuf>)],
    deferred: &[(usize, usize)],
    changes: &mut BTreeMap<PathBuf, FileChange>,
    linter: &Linter,
    sources: &FsSources,
    errors: &mut Vec<Error>,
) -> Vec<(SourceText, Vec<Finding>)> {
    let overlay = Overlay {
        changes: &*changes,
        inner: sources,
        parsed: Default::default(),
    };
    let mut rejected: Vec<PathBuf> = Vec::new();
    let mut remaining = Vec::new();
    for (index, report) in run.reports.iter().enumerate() {
        let path = report.source.path().to_path_buf();
        let touched = owners
            .iter()
            .find(|(owner, _)| *owner == index)
            .map(|(_, paths)| paths.as_slice());
        let Some(touched) =
            touched.filter(|paths| paths.iter().any(|path| changes.contains_key(path)))
        else {
            if !report.findings.is_empty() {
                remaining.push((report.source.clone(), report.findings.clone()));
            }
            continue;
        };
        let text = changes
            .get(&path)
            .map_or_else(|| report.source.text.clone(), |change| change.after.clone());
        let relative = crate::walk::relative_to_root(linter, &path);
        let again = crate::guard::page(&path, || {
            linter.check(
                PageInput {
                    display: path.clone(),
                    location: Some(&path),
                    relative: &relative,
                    text,
                    included: run.included.contains(&file_key(&path)),
                },
                &overlay,
            )
        });
        // A page whose re-check panicked is not written; the panic is its error.
        let again = match again {
            Ok(again) => again,
            Err(error) => {
                errors.push(error);
                rejected.extend(touched.iter().cloned());
                continue;
            }
        };
        let fixed = |finding_index: usize, finding: &Finding| {
            finding.fix.is_some() && !deferred.contains(&(index, finding_index))
        };
        let same = |a: &Finding, b: &Finding| a.code == b.code && a.message == b.message;
        // A fixed finding persists when more findings like it are left than were left unfixed (deferred
        // fixes and findings without one keep theirs).
        let persisting: Vec<&Finding> = report
            .findings
            .iter()
            .enumerate()
            .filter(|(finding_index, finding)| fixed(*finding_index, finding))
            .map(|(_, finding)| finding)
            .filter(|finding| {
                let left = again
                    .findings
                    .iter()
                    .filter(|after| same(after, finding))
                    .count();
                let unfixed = report
                    .findings
                    .iter()
                    .enumerate()
                    .filter(|(other_index, other)| {
                        !fixed(*other_index, other) && same(other, finding)
                    })
                    .count();
                left > unfixed
            })
            .collect();
        if let Some(finding) = persisting.first() {
            errors.push(Error::Internal(format!(
                "{}: the fix for {} did not remove the finding (\"{}\"); nothing was written for it",
                path.display(),
                finding.code,
                finding.message
            )));
            rejected.extend(touched.iter().cloned());
            remaining.push((report.source.clone(), report.findings.clone()));
        } else if !again.findings.is_empty() {
            remaining.push((again.source.clone(), again.findings));
        }
    }
    changes.retain(|path, _| !rejected.contains(path));
    remaining
}

/// The files on disk as the planned changes leave them.
struct Overlay<'a> {
    changes: &'a BTreeMap<PathBuf, FileChange>,
    inner: &'a FsSources,
    parsed: std::sync::Mutex<BTreeMap<PathBuf, Arc<Page>>>,
}

impl Overlay<'_> {
    /// The planned change of the file at `path`. An include may name a changed file by another spelling
    /// (absolute, through the partials root).
    fn change(&self, path: &Path) -> Option<&FileChange> {
        self.changes.get(path).or_else(|| {
            let key = file_key(path);
            self.changes
                .iter()
                .find(|(changed, _)| file_key(changed) == key)
                .map(|(_, change)| change)
        })
    }
}

impl Sources for Overlay<'_> {
    fn page(&self, path: &Path) -> Result<String, Error> {
        match self.change(path) {
            Some(change) => Ok(change.as_read()),
            None => self.inner.page(path),
        }
    }

    fn text(&self, path: &Path) -> Option<String> {
        match self.change(path) {
            Some(change) => Some(change.as_read()),
            None => self.inner.text(path),
        }
    }

    fn holds_file(&self, path: &Path) -> bool {
        self.change(path).is_some() || self.inner.holds_file(path)
    }

    fn load(&self, path: &Path, dialect: Dialect) -> Option<Arc<Page>> {
        let Some(change) = self.change(path) else {
            return self.inner.load(path, dialect);
        };
        // A panic while parsing (caught per page) must not make the cache unusable for the other pages.
        let mut parsed = self
            .parsed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let page = parsed.entry(path.to_path_buf()).or_insert_with(|| {
            Arc::new(Page::parse(
                SourceText::edited(path, change.after.clone(), change.bom),
                dialect,
            ))
        });
        Some(Arc::clone(page))
    }
}

/// The fixes of one file, counted by description in the order descriptions first occur; a fix with the
/// same edits as one counted (two pages that render one partial ask for the same call-out in it) is not
/// counted again.
#[derive(Default)]
struct Described<'f> {
    counted: Vec<&'f [Edit]>,
    by_description: Vec<(&'f str, usize)>,
}

impl<'f> Described<'f> {
    fn count(&mut self, fix: &'f PlannedFix) {
        if self.counted.contains(&fix.edits.as_slice()) {
            return;
        }
        self.counted.push(&fix.edits);
        match self
            .by_description
            .iter_mut()
            .find(|(description, _)| *description == fix.description)
        {
            Some((_, count)) => *count += 1,
            None => self.by_description.push((&fix.description, 1)),
        }
    }

    /// Each description as `fix` prints it: with how many fixes it stands for when there are several
    /// (`insert the AI Gateway call-out (3 times)`).
    fn lines(self) -> Vec<String> {
        self.by_description
            .into_iter()
            .map(|(description, count)| match count {
                1 => description.to_owned(),
                _ => format!("{description} ({count} times)"),
            })
            .collect()
    }
}
