//! Checking a tree on disk: file discovery (.gitignore-aware), the include graph of the run, and the pages
//! checked in parallel; reading files is [`crate::source::fs`].

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, Once, OnceLock, PoisonError};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::error::{Error, describe_io};
use crate::guard;
use crate::lint::{Linter, PageInput, PageReport};
use crate::source::include_graph::{CheckedPage, IncludeGraph, PageIncludes};
use crate::source::prefilter::{Prefilter, Relevance};
use crate::source::{Sources, file_key, path_order_key, relative_to, relative_to_with_key};

mod early;
pub mod fix_plan;
mod render_tags;

use early::EarlyChecks;
use render_tags::{ListedPage, Listing};

pub use crate::source::fs::{FsSources, decode, read_source};

/// The extensions a directory walk checks.
pub const EXTENSIONS: &[&str] = &["md", "mdx", "markdown"];

/// One file found by the walk.
#[derive(Debug, Clone)]
pub struct FileEntry {
    /// The path as shown: the user's path joined with the file's path below it.
    pub path: PathBuf,
    /// Its [`file_key`], made once.
    pub key: PathBuf,
    /// Its path relative to the policy root ([`relative_to_root`]), made once.
    pub relative: PathBuf,
    /// Its length in bytes when the walk read it (0 before): the larger pages are checked first.
    pub size: usize,
}

impl FileEntry {
    /// The entry of the file at `path`, checked under `linter`'s policy.
    fn new(path: &Path, linter: &Linter) -> FileEntry {
        let key = file_key(path);
        let relative = relative_to_with_key(&linter.policy().root, path, &key);
        FileEntry {
            path: path.to_path_buf(),
            key,
            relative,
            size: 0,
        }
    }
}

/// The outcome of checking a set of paths.
#[derive(Debug, Default)]
pub struct CheckRun {
    /// The pages with findings (the others are only counted).
    pub reports: Vec<PageReport>,
    /// How many files were checked.
    pub files: usize,
    /// How many of them the relevance prefilter skipped without a parse (they cannot hold a finding).
    pub skipped: usize,
    /// Files and paths that could not be read; the run exits 2 when there is any.
    pub errors: Vec<Error>,
    /// The files (as [`file_key`]s) that a checked page includes: checked as partials.
    pub included: HashSet<PathBuf>,
}

/// A file read for checking: its entry (path, key and path relative to the policy root), what the
/// relevance prefilter says of it (see [`crate::source::prefilter`]) and its includes (`None` when it was
/// ruled out). Its text is not kept: the page is read again when it is checked, so that memory does not
/// grow with the tree.
type ReadPage = (FileEntry, Relevance, Option<PageIncludes>);

/// Finds the files to check under `paths` and calls `visit` on each as the walk finds it, on several
/// threads: directories are walked (honouring `.gitignore`, skipping hidden files and the policy's
/// `exclude`), files are taken as given. Returns what `visit` made of each file, in path order (a file
/// named twice is visited once a name and kept once), and the walk's errors.
pub fn visit_files<T: Send>(
    paths: &[PathBuf],
    linter: &Linter,
    visit: impl Fn(FileEntry) -> T + Sync,
) -> (Vec<T>, Vec<Error>) {
    // Each file's sort key is made on the thread that visits it (a key a path, made once).
    let found: Mutex<Vec<(Vec<u8>, T)>> = Mutex::new(Vec::new());
    let errors: Mutex<Vec<Error>> = Mutex::new(Vec::new());
    let record = |file: FileEntry| {
        let key = path_order_key(&file.path);
        let value = visit(file);
        lock(&found).push((key, value));
    };
    let mut named_files = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => walk_directory(path, linter, &record, &errors),
            Ok(_) if is_book_summary(path) => {}
            Ok(_) => {
                let file = FileEntry::new(path, linter);
                if !linter
                    .policy()
                    .is_excluded_by_command_line(&file.relative, path, None)
                {
                    named_files.push(file);
                }
            }
            Err(error) => lock(&errors).push(Error::io(path, error)),
        }
    }
    named_files.into_par_iter().for_each(record);
    let mut found = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    // Equal keys are equal paths: a key is the path's components.
    found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    found.dedup_by(|a, b| a.0 == b.0);
    let mut errors = errors.into_inner().unwrap_or_else(PoisonError::into_inner);
    // The walk's threads report errors in no set order.
    errors.sort_by_cached_key(ToString::to_string);
    (found.into_iter().map(|(_, value)| value).collect(), errors)
}

/// The data behind `mutex`, also after a thread panicked holding it (its pushes are whole).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn walk_directory(
    root: &Path,
    linter: &Linter,
    record: &(impl Fn(FileEntry) + Sync),
    errors: &Mutex<Vec<Error>>,
) {
    // This thread reads the directories and hands the pages, a few at a time, to rayon's threads, which
    // visit them. (`ignore`'s parallel walk starts threads of its own, and an idle one sleeps a
    // millisecond at a time: about a millisecond lost at the start and at the end of every walk.)
    let walk = ignore::WalkBuilder::new(root)
        .follow_links(true)
        .require_git(false)
        .build();
    let visit = |pages: Vec<ignore::DirEntry>| {
        for page in pages {
            if let Some(file) = wanted(&page, root, linter) {
                record(file);
            }
        }
    };
    rayon::in_place_scope(|scope| {
        let mut pages = Vec::with_capacity(PAGES_A_TASK);
        for entry in walk {
            match entry {
                Ok(entry) if is_page(&entry) => {
                    pages.push(entry);
                    if pages.len() == PAGES_A_TASK {
                        let full = std::mem::replace(&mut pages, Vec::with_capacity(PAGES_A_TASK));
                        scope.spawn(move |_| visit(full));
                    }
                }
                Ok(_) => {}
                Err(error) => lock(errors).push(walk_error(root, error)),
            }
        }
        if !pages.is_empty() {
            scope.spawn(move |_| visit(pages));
        }
    });
}

/// How many pages the walk hands to one task: enough that handing them over costs little next to reading
/// them, few enough that the last tasks end together.
const PAGES_A_TASK: usize = 8;

/// Whether the walk's `entry` is a file with a page's extension.
fn is_page(entry: &ignore::DirEntry) -> bool {
    entry.file_type().is_some_and(|kind| kind.is_file()) && has_page_extension(entry.path())
}

/// Whether `path` ends in a page's extension ([`EXTENSIONS`], in any case): a file a directory walk checks.
pub fn has_page_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            EXTENSIONS
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        })
}

/// The page at `entry` (see [`is_page`]), found walking `root`, when the walk checks it: not an mdBook's
/// `SUMMARY.md`, and matched by no exclude glob.
fn wanted(entry: &ignore::DirEntry, root: &Path, linter: &Linter) -> Option<FileEntry> {
    let path = entry.path();
    if is_book_summary(path) {
        return None;
    }
    let file = FileEntry::new(path, linter);
    let excluded = linter.policy().is_excluded(&file.relative)
        || linter.policy().is_excluded_by_command_line(
            &file.relative,
            path,
            path.strip_prefix(root).ok(),
        );
    (!excluded).then_some(file)
}

/// Whether `path` is the `SUMMARY.md` of an mdBook: the book's table of contents, which mdBook renders on
/// no page, so a listing there is no listing a reader sees (and a call-out written there would show
/// nowhere). It is one when the directory above its own holds a `book.toml` whose `[book] src` (default
/// `src`) is its directory.
pub fn is_book_summary(path: &Path) -> bool {
    if path.file_name().is_none_or(|name| name != "SUMMARY.md") {
        return false;
    }
    let Some(source_dir) = path.parent() else {
        return false;
    };
    let book_root = source_dir.parent().unwrap_or(Path::new(""));
    let Ok(book_toml) = std::fs::read_to_string(book_root.join("book.toml")) else {
        return false;
    };
    let Ok(book) = book_toml.parse::<toml::Table>() else {
        return false;
    };
    let source = book
        .get("book")
        .and_then(|book| book.get("src"))
        .and_then(toml::Value::as_str)
        .unwrap_or("src");
    same_directory(&book_root.join(source), source_dir)
}

/// Whether two paths name the same directory (compared as written when either cannot be resolved).
fn same_directory(one: &Path, other: &Path) -> bool {
    match (std::fs::canonicalize(one), std::fs::canonicalize(other)) {
        (Ok(one), Ok(other)) => one == other,
        _ => one == other,
    }
}

fn walk_error(root: &Path, error: ignore::Error) -> Error {
    let (path, message) = describe_walk_error(&error);
    Error::Io {
        path: path.unwrap_or_else(|| root.to_path_buf()),
        source: std::io::Error::other(message),
    }
}

fn describe_walk_error(error: &ignore::Error) -> (Option<PathBuf>, String) {
    match error {
        ignore::Error::WithPath { path, err } => (Some(path.clone()), describe_walk_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe_walk_error(err)
        }
        ignore::Error::Loop { child, ancestor } => (
            Some(child.clone()),
            format!("symbolic link loop (points back to {})", ancestor.display()),
        ),
        ignore::Error::Io(io) => (None, describe_io(io)),
        other => (None, other.to_string()),
    }
}

/// `path` relative to the policy root (for globs), or `path` itself when it is outside the root.
pub fn relative_to_root(linter: &Linter, path: &Path) -> PathBuf {
    relative_to(&linter.policy().root, path)
}

/// Checks every file under `paths` in parallel.
pub fn check_paths(paths: &[PathBuf], linter: &Linter) -> CheckRun {
    check_paths_affected_by(paths, linter, None)
}

/// Like [`check_paths`], but when `changed` (canonical paths) is given, checks only the pages it names
/// and the pages that include one of them, directly or through other included files. Every file under
/// `paths` is still read, so what is a partial is decided on the whole tree.
pub fn check_paths_affected_by(
    paths: &[PathBuf],
    linter: &Linter,
    changed: Option<&HashSet<PathBuf>>,
) -> CheckRun {
    let sources = FsSources::new(linter.policy());
    // A page the prefilter rules out is not checked and includes nothing (`None`). It is compiled (with
    // the name matcher) by the first page visited, while this thread goes on reading the directories.
    let compiled_prefilter: OnceLock<Prefilter<'_>> = OnceLock::new();
    let prefilter = || {
        linter.prefilter.then(|| {
            compiled_prefilter.get_or_init(|| {
                Prefilter::new(&linter.settings.table, linter.policy(), linter.matcher())
            })
        })
    };
    // Each file is read and prefiltered as the walk finds it. The first page that can hold a finding
    // starts building what checking pages needs, on rayon's threads (idle while the walk runs).
    let warm_up = Once::new();
    let early = EarlyChecks::default();
    let (read, mut errors) = rayon::in_place_scope(|scope| {
        // Compiled on rayon's threads at once, not when the walk hands over its first pages.
        scope.spawn(|_| {
            prefilter();
        });
        let list = |file: &FileEntry, text: &str| {
            let (relevance, scan) = prefilter().map_or((Relevance::Own, None), |prefilter| {
                prefilter.relevance_and_scan(linter.policy(), text, &file.relative)
            });
            if relevance == Relevance::Own {
                warm_up.call_once(|| linter.warm_up(scope, &file.path));
            }
            let listing = (relevance != Relevance::None).then(|| {
                // A page kept only for its includes, with no scan made: its `<Render>` tags are
                // settled after the walk (`render_tags`); a check limited to changed files lists
                // exactly, as it follows includes to the changed files.
                let tags = (relevance == Relevance::ThroughIncludes
                    && scan.is_none()
                    && changed.is_none())
                .then(|| render_tags::tags_of(text))
                .flatten();
                tags.map_or_else(
                    || {
                        let (policy, relative) = (linter.policy(), &file.relative);
                        Listing::Exact(PageIncludes::of(
                            text,
                            scan.as_ref(),
                            &file.path,
                            relative,
                            policy,
                            &sources,
                        ))
                    },
                    Listing::Tags,
                )
            });
            // A kept page that includes nothing is checked now (see `early`), unless the run is
            // limited to changed files or the policy calls it a partial (most likely included, and
            // then checked again as one).
            let includes_nothing = match &listing {
                Some(Listing::Exact(includes)) => includes.is_empty(),
                _ => false,
            };
            let early_check = relevance == Relevance::Own
                && includes_nothing
                && changed.is_none()
                && !linter.policy().is_partial(&file.relative);
            if early_check {
                early.check(linter, file, text, scan, &sources);
            }
            (relevance, listing, text.len())
        };
        // The text is read in place and dropped: a page checked after the walk is read again.
        visit_files(paths, linter, |mut file| {
            let listed = sources.with_page(&file.path, |text| list(&file, text));
            listed.map(|(relevance, listing, size)| {
                file.size = size;
                (file, relevance, listing)
            })
        })
    });
    let mut listed: Vec<ListedPage> = Vec::with_capacity(read.len());
    for outcome in read {
        match outcome {
            Ok(page) => listed.push(page),
            Err(error) => errors.push(error),
        }
    }
    let (mut pages, mut reread_errors) = render_tags::settle(listed, linter, &sources);
    errors.append(&mut reread_errors);
    // A file another page includes is a partial: checked for its content, never asked for a call-out.
    // Includes that close a cycle are reported and not followed (see `include_graph`).
    let none = PageIncludes::default();
    let checked_pages: Vec<CheckedPage<'_>> = pages
        .iter()
        .map(|(file, _, includes)| CheckedPage {
            location: &file.path,
            key: &file.key,
            includes: includes.as_ref().unwrap_or(&none),
        })
        .collect();
    let mut graph = IncludeGraph::build(&checked_pages, linter.policy(), &sources);
    drop(checked_pages);
    errors.append(&mut graph.errors);
    let include_sites = std::mem::take(&mut graph.sites);
    let included = std::mem::take(&mut graph.included);
    let mut to_check = pages_to_check(&pages);
    if let Some(changed) = changed {
        let affected = affected_pages(&pages, changed);
        let mut index = 0;
        pages.retain(|_| {
            index += 1;
            affected[index - 1]
        });
        to_check = to_check
            .into_iter()
            .zip(affected)
            .filter_map(|(check, affected)| affected.then_some(check))
            .collect();
    }
    let files = pages.len();
    let skipped = to_check.iter().filter(|check| !**check).count();
    let pages: Vec<ReadPage> = pages
        .into_iter()
        .zip(to_check)
        .filter_map(|(page, check)| check.then_some(page))
        .collect();
    // From here on, a partial is kept parsed only until the last page to check that renders it is done.
    sources.set_graph(graph, pages.iter().map(|(file, _, _)| file.path.as_path()));
    // A page the walk checked already (see `early`) keeps that outcome unless a checked page includes
    // it. The others are read again, parsed and checked one at a time; only the text of pages with
    // findings is kept. A panic in one page is that page's error: the others are still checked. One task
    // a page, the largest first: the pages to check cluster in a few directories, their costs differ a
    // lot, and a large page left for last would keep one thread busy while the other waits. The reports
    // keep the path order.
    let mut early = early.finish();
    let mut checked: Vec<(usize, Result<PageReport, Error>)> = Vec::new();
    let mut unchecked: Vec<(usize, ReadPage)> = Vec::with_capacity(pages.len());
    for (index, page) in pages.into_iter().enumerate() {
        let file = &page.0;
        match early.take(&file.path, included.contains(&file.key)) {
            Some(outcome) => {
                sources.done(&file.path);
                checked.extend(outcome.map(|report| (index, Ok(report))));
            }
            None => unchecked.push((index, page)),
        }
    }
    let mut pages = unchecked;
    pages.sort_unstable_by_key(|(index, (file, _, _))| (std::cmp::Reverse(file.size), *index));
    let rest: Vec<(usize, Result<PageReport, Error>)> = pages
        .into_par_iter()
        .with_max_len(1)
        .map(|(index, (file, _, _))| {
            let included = included.contains(&file.key);
            let checked = sources.page(&file.path).and_then(|text| {
                guard::page(&file.path, || {
                    linter.check(
                        PageInput {
                            display: file.path.clone(),
                            location: Some(&file.path),
                            relative: &file.relative,
                            text,
                            included,
                        },
                        &sources,
                    )
                })
            });
            sources.done(&file.path);
            (index, checked)
        })
        .filter(|(_, checked)| {
            !checked
                .as_ref()
                .is_ok_and(|report| report.findings.is_empty() && report.reference.is_none())
        })
        .collect();
    checked.extend(rest);
    checked.sort_unstable_by_key(|(index, _)| *index);
    let mut reports = Vec::with_capacity(checked.len());
    for (_, outcome) in checked {
        match outcome {
            Ok(report) => reports.push(report),
            Err(error) => errors.push(error),
        }
    }
    // The included files that could not be read, named at the include that asks for them.
    let mut unreadable: Vec<Error> = sources
        .take_errors()
        .into_iter()
        .map(|error| include_sites.place(error))
        .collect();
    unreadable.sort_by(|a, b| a.location().cmp(&b.location()));
    errors.append(&mut unreadable);
    linter.check_site(&mut reports);
    reports.retain(|report| !report.findings.is_empty());
    // Freeing the partials kept parsed, the memo and the include graph takes 1-2 ms on one thread: done
    // on rayon's pool, so the caller reports at once (a process that exits first leaves it to the system).
    rayon::spawn(move || drop(sources));
    CheckRun {
        reports,
        files,
        skipped,
        errors,
        included,
    }
}

/// Which pages are checked: those the prefilter keeps on their own, and those it keeps only for their
/// includes when a file they include, directly or not, is kept, is included only in part, or is not
/// among the pages read (it was not prefiltered). An include cycle keeps the pages on it.
fn pages_to_check(pages: &[ReadPage]) -> Vec<bool> {
    let index_of: FxHashMap<&Path, usize> = pages
        .iter()
        .enumerate()
        .map(|(index, (file, _, _))| (file.key.as_path(), index))
        .collect();
    let mut known: Vec<Option<bool>> = pages
        .iter()
        .map(|(_, relevance, _)| match relevance {
            Relevance::Own => Some(true),
            Relevance::None => Some(false),
            Relevance::ThroughIncludes => None,
        })
        .collect();
    for start in 0..pages.len() {
        if known[start].is_none() {
            let mut visiting = HashSet::new();
            let verdict = through_includes(start, pages, &index_of, &mut known, &mut visiting);
            known[start] = Some(verdict);
        }
    }
    known
        .into_iter()
        .map(|verdict| verdict == Some(true))
        .collect()
}

/// Whether the page at `index`, kept only for its includes, includes a file that is kept (depth first).
fn through_includes(
    index: usize,
    pages: &[ReadPage],
    index_of: &FxHashMap<&Path, usize>,
    known: &mut [Option<bool>],
    visiting: &mut HashSet<usize>,
) -> bool {
    if let Some(verdict) = known[index] {
        return verdict;
    }
    if !visiting.insert(index) {
        return true;
    }
    let includes = pages[index].2.as_ref();
    let verdict = includes
        .into_iter()
        .flat_map(PageIncludes::files_and_parts)
        .any(|(file, part)| {
            part || index_of
                .get(file)
                .is_none_or(|&target| through_includes(target, pages, index_of, known, visiting))
        });
    known[index] = Some(verdict);
    verdict
}

/// Which of the pages are in `changed` or include, directly or through other pages, a file in it.
fn affected_pages(pages: &[ReadPage], changed: &HashSet<PathBuf>) -> Vec<bool> {
    let canonical = |path: &Path| std::fs::canonicalize(path).unwrap_or_else(|_| file_key(path));
    let keys: Vec<PathBuf> = pages
        .iter()
        .map(|(file, _, _)| canonical(&file.path))
        .collect();
    let includes: Vec<Vec<PathBuf>> = pages
        .iter()
        .map(|(_, _, includes)| {
            includes
                .iter()
                .flat_map(PageIncludes::files)
                .map(canonical)
                .collect()
        })
        .collect();
    let mut affected_files = changed.clone();
    let mut affected: Vec<bool> = keys.iter().map(|key| changed.contains(key)).collect();
    // Each pass marks the pages that include a file marked in an earlier pass; a chain of includes
    // takes one pass a link.
    loop {
        let mut grew = false;
        for (index, targets) in includes.iter().enumerate() {
            if !affected[index] && targets.iter().any(|target| affected_files.contains(target)) {
                affected[index] = true;
                affected_files.insert(keys[index].clone());
                grew = true;
            }
        }
        if !grew {
            return affected;
        }
    }
}

/// Checks one page given as text (read from stdin). `path`, when given, decides its dialect, where its
/// includes resolve from and the path reported; otherwise it is reported as `<stdin>`.
pub fn check_text(text: String, path: Option<&Path>, linter: &Linter) -> CheckRun {
    let sources = FsSources::default();
    let display = path.map_or_else(|| PathBuf::from("<stdin>"), Path::to_path_buf);
    let relative = path.map_or_else(|| display.clone(), |path| relative_to_root(linter, path));
    let report = linter.check(
        PageInput {
            display,
            location: path,
            relative: &relative,
            text,
            included: false,
        },
        &sources,
    );
    CheckRun {
        reports: Some(report)
            .filter(|report| !report.findings.is_empty())
            .into_iter()
            .collect(),
        files: 1,
        ..CheckRun::default()
    }
}
