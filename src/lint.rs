//! Checking one page: parse, gather facts (following includes through a [`Loader`]), run the rules.

use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::config::{Placement, Policy, Settings};
use crate::doc::source::SourceText;
use crate::doc::{Dialect, Include, IncludeTarget, Page};
use crate::matcher::Matcher;
use crate::rules::facts::{Contribution, Gatherer};
use crate::rules::sl008_undocumented_group::{
    ReferenceFacts, UndocumentedGroup, check_site, reference_facts,
};
use crate::rules::{self, Context, Finding, Rule};

/// Reads included files. The library does no I/O of its own: `walk` reads from disk, tests from memory.
pub trait Loader: Sync {
    /// The parsed page at `path`, or `None` when it cannot be read.
    fn load(&self, path: &Path, dialect: Dialect) -> Option<Arc<Page>>;

    /// What is remembered across the pages of a run (resolved partials, facts of included files), when
    /// the loader's files do not change during the run.
    fn memo(&self) -> Option<&LoaderMemo> {
        None
    }

    /// Whether the include of `to` in `from` is followed: `false` for the include that closes an include
    /// cycle, when the loader knows the run's include graph (see [`crate::include_graph`]).
    fn follows(&self, _from: &Path, _to: &Path) -> bool {
        true
    }
}

/// See [`Loader::memo`].
#[derive(Default)]
pub struct LoaderMemo {
    pub contributions: Memo<crate::rules::facts::ContributionKey, Option<Arc<Contribution>>>,
    /// (directory of the including page, partial path from the pattern) -> the file found.
    pub partials: Memo<(PathBuf, String), Option<PathBuf>>,
}

/// Values computed once per run and shared by the pages checked in parallel.
pub struct Memo<K, V>(Mutex<HashMap<K, V>>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(Mutex::new(HashMap::new()))
    }
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    /// The value for `key`, computed by `compute` the first time. The lock is not held while computing
    /// (computing may need the memo again), so two threads may both compute a value; either result is kept.
    pub fn get_or_compute(&self, key: K, compute: impl FnOnce(&K) -> V) -> V {
        if let Some(known) = self.0.lock().expect("not poisoned").get(&key) {
            return known.clone();
        }
        let value = compute(&key);
        self.0
            .lock()
            .expect("not poisoned")
            .insert(key, value.clone());
        value
    }
}

/// `compute(key)` through `memo` when there is one.
pub fn memoized<K: Hash + Eq, V: Clone>(
    memo: Option<&Memo<K, V>>,
    key: K,
    compute: impl FnOnce(&K) -> V,
) -> V {
    match memo {
        Some(memo) => memo.get_or_compute(key, compute),
        None => compute(&key),
    }
}

/// A loader that knows no files: includes are not followed.
pub struct NoIncludes;

impl Loader for NoIncludes {
    fn load(&self, _path: &Path, _dialect: Dialect) -> Option<Arc<Page>> {
        None
    }
}

/// The settings and the matchers compiled from them, shared by every page of a run.
#[derive(Debug)]
pub struct Linter {
    pub settings: Settings,
    pub matcher: Matcher,
    /// Whether a directory check skips the pages the relevance prefilter rules out (see
    /// [`crate::prefilter`]); on unless turned off (`--no-prefilter`).
    pub prefilter: bool,
}

/// One page to check.
pub struct PageInput<'a> {
    /// The path shown to the user.
    pub display: PathBuf,
    /// Where the file is on disk (to resolve includes), when it is a file.
    pub location: Option<&'a Path>,
    /// The path relative to the policy root, for the policy's globs.
    pub relative: &'a Path,
    pub text: String,
    /// Whether another checked page includes this file (then it is checked as a partial).
    pub included: bool,
}

/// The outcome for one page: its text (for snippets and fixes) and its findings.
#[derive(Debug)]
pub struct PageReport {
    pub source: SourceText,
    pub findings: Vec<Finding>,
    /// What a permissions reference page tells the site-wide rules (see [`Linter::check_site`]).
    pub reference: Option<ReferenceFacts>,
}

impl Linter {
    pub fn new(settings: Settings) -> Linter {
        let matcher = Matcher::new(&settings.table);
        Linter {
            settings,
            matcher,
            prefilter: true,
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.settings.policy
    }

    /// Parses and checks one page.
    pub fn check(&self, input: PageInput<'_>, loader: &dyn Loader) -> PageReport {
        let page = self.parse(input.display, input.relative, input.text);
        let (findings, reference) = self.check_page_for_site(
            &page,
            input.location,
            input.relative,
            input.included,
            loader,
        );
        PageReport {
            source: page.source,
            findings,
            reference,
        }
    }

    /// The site-wide pass, after every page of a run was checked: adds the findings of site-wide rules
    /// (SL008) to the reports of the pages they are on, then drops the reference facts.
    pub fn check_site(&self, reports: &mut [PageReport]) {
        if let Some(severity) = self.policy().severity(UndocumentedGroup.code()) {
            let pages: Vec<(usize, &ReferenceFacts)> = reports
                .iter()
                .enumerate()
                .filter_map(|(index, report)| report.reference.as_ref().map(|facts| (index, facts)))
                .collect();
            if !pages.is_empty() {
                for (page, finding) in check_site(&self.settings.table, severity, &pages) {
                    reports[page].findings.push(finding);
                }
            }
        }
        for report in reports {
            report.reference = None;
            report.findings.sort_by(|a, b| {
                (a.span.start, a.code, &a.message).cmp(&(b.span.start, b.code, &b.message))
            });
        }
    }

    /// Parses a page in the dialect the policy gives its path.
    pub fn parse(&self, display: PathBuf, relative: &Path, text: String) -> Page {
        let dialect = self.policy().dialect_for(relative);
        Page::parse(SourceText::new(display, text), dialect)
    }

    /// Checks an already parsed page; `included` says another checked page includes it.
    pub fn check_page(
        &self,
        page: &Page,
        location: Option<&Path>,
        relative: &Path,
        included: bool,
        loader: &dyn Loader,
    ) -> Vec<Finding> {
        self.check_page_for_site(page, location, relative, included, loader)
            .0
    }

    /// [`Linter::check_page`], plus the page's facts for the site-wide pass when it is a reference page.
    fn check_page_for_site(
        &self,
        page: &Page,
        location: Option<&Path>,
        relative: &Path,
        included: bool,
        loader: &dyn Loader,
    ) -> (Vec<Finding>, Option<ReferenceFacts>) {
        let gatherer = Gatherer {
            table: &self.settings.table,
            policy: self.policy(),
            matcher: &self.matcher,
            loader,
            every_unit: self.policy().requires_page(relative),
        };
        let facts = gatherer.facts(page, location, &[]);
        let context = Context {
            table: &self.settings.table,
            policy: self.policy(),
            matcher: &self.matcher,
            page,
            facts: &facts,
            relative,
            is_partial: included || self.policy().is_partial(relative),
            included,
            suppressions: &[],
            suppressions_used: &[],
        };
        let reference = self
            .policy()
            .is_reference_page(relative)
            .then(|| reference_facts(&context, location, loader));
        (rules::run(&context), reference)
    }

    /// The files the page with `text` (at `location`) includes directly, as [`file_key`]s.
    pub fn included_files(
        &self,
        text: &str,
        location: &Path,
        relative: &Path,
        loader: &dyn Loader,
    ) -> Vec<PathBuf> {
        Page::includes_of(text, self.policy().dialect_for(relative))
            .iter()
            .filter_map(|include| resolve_include(self.policy(), loader, location, include))
            .map(|path| file_key(&path))
            .collect()
    }
}

/// One key per file, however its path was spelled: absolute, `.` and `..` resolved lexically.
pub fn file_key(path: &Path) -> PathBuf {
    clean(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

impl Policy {
    pub fn placement_in_partial(&self) -> bool {
        self.partials.placement == Placement::Partial
    }
}

/// The file an include refers to, when it exists.
pub fn resolve_include(
    policy: &Policy,
    loader: &dyn Loader,
    page_location: &Path,
    include: &Include,
) -> Option<PathBuf> {
    match &include.target {
        IncludeTarget::File { path, .. } => {
            let base = page_location.parent().unwrap_or(Path::new("."));
            Some(clean(&base.join(path)))
        }
        IncludeTarget::Partial { file, product, .. } => {
            let product = product
                .clone()
                .or_else(|| product_from_path(page_location))?;
            let relative = policy
                .partials
                .pattern
                .replace("{product}", &product)
                .replace("{file}", file);
            let directory = page_location
                .parent()
                .unwrap_or(Path::new(""))
                .to_path_buf();
            let find = |(_, relative): &(PathBuf, String)| {
                let bases =
                    std::iter::once(policy.root.as_path()).chain(page_location.ancestors().skip(1));
                bases
                    .map(|base| clean(&base.join(relative)))
                    .find(|candidate| {
                        loader
                            .load(candidate, policy.dialect_for(candidate))
                            .is_some()
                    })
            };
            memoized(
                loader.memo().map(|memo| &memo.partials),
                (directory, relative),
                find,
            )
        }
    }
}

/// The product directory of a page: the directory right below the last `docs` directory in its path
/// (`src/content/docs/<product>/...`), when the page sits below that directory.
fn product_from_path(path: &Path) -> Option<String> {
    let components: Vec<&std::ffi::OsStr> = path.components().map(Component::as_os_str).collect();
    // Starlight: `src/content/docs/<product>/...`; Hugo: `content/<product>/...`.
    let docs = components
        .iter()
        .rposition(|component| *component == "docs")
        .or_else(|| {
            components
                .iter()
                .rposition(|component| *component == "content")
        })?;
    let product = components.get(docs + 1)?;
    (docs + 2 < components.len()).then(|| product.to_string_lossy().into_owned())
}

/// Removes `.` and resolves `..` lexically, so one file has one cache key.
pub fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_comes_from_the_docs_directory() {
        assert_eq!(
            product_from_path(Path::new("x/src/content/docs/ai-gateway/a/b.mdx")),
            Some("ai-gateway".into())
        );
        assert_eq!(product_from_path(Path::new("docs/a.mdx")), None);
        assert_eq!(
            product_from_path(Path::new(
                "/tmp/docs/site/src/content/docs/r2/api/tokens.mdx"
            )),
            Some("r2".into()),
            "the last docs directory counts"
        );
        assert_eq!(clean(Path::new("a/./b/../c.md")), PathBuf::from("a/c.md"));
    }
}
