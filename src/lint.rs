//! Checking one page: parse, gather facts (following includes through a [`Sources`]), run the rules.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::doc::Page;
use crate::doc::mdx::Scan;
use crate::doc::source::SourceText;
use crate::facts::Gatherer;
use crate::fix;
use crate::guard;
use crate::policy::{Policy, Settings};
use crate::rules::sl008_undocumented_group::{
    ReferenceFacts, UndocumentedGroup, check_site, reference_facts,
};
use crate::rules::{self, Context, Finding, Rule};
use crate::source::Sources;
use crate::table::matcher::Matcher;

/// The settings and the matchers compiled from them, shared by every page of a run.
#[derive(Debug)]
pub struct Linter {
    /// The capability table and the compiled policy.
    pub settings: Settings,
    /// The table's names compiled once for every page, on first use ([`Linter::matcher`]).
    matcher: OnceLock<Matcher>,
    /// Whether a directory check skips the pages the relevance prefilter rules out (see
    /// [`crate::source::prefilter`]); on unless turned off (`--no-prefilter`).
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
    /// The page's text.
    pub text: String,
    /// Whether another checked page includes this file (then it is checked as a partial).
    pub included: bool,
}

/// The outcome for one page: its text (for snippets and fixes) and its findings.
#[derive(Debug)]
pub struct PageReport {
    /// The page's text, with its line index for positions.
    pub source: SourceText,
    /// The findings, sorted by position and code.
    pub findings: Vec<Finding>,
    /// What a permissions reference page tells the site-wide rules (see [`Linter::check_site`]).
    pub reference: Option<ReferenceFacts>,
}

impl Linter {
    /// A linter for `settings`, with the prefilter on (the table's matchers are compiled on first use).
    pub fn new(settings: Settings) -> Linter {
        Linter {
            settings,
            matcher: OnceLock::new(),
            prefilter: true,
        }
    }

    /// The table's names compiled for matching, built on first use: a directory check has them built on
    /// rayon's threads as its walk starts, while the calling thread goes on reading the directories.
    pub fn matcher(&self) -> &Matcher {
        self.matcher
            .get_or_init(|| Matcher::new(&self.settings.table))
    }

    /// Builds now, on `scope`'s threads, what every page check needs and otherwise builds on first use (the
    /// name automata, the prose word lists): a run that is about to check pages calls it early, so that its
    /// first pages do not all wait for one thread to build them. The call-out phrasings are left to their
    /// first use: most runs check no call-out (none on a tree without token content), and the walk runs on
    /// the same threads. A panic in a build is kept quiet here ([`guard::page`], for `page`): the build is
    /// left undone, and the page check that needs it panics again and reports it as that page's error.
    pub fn warm_up<'s>(&'s self, scope: &rayon::Scope<'s>, page: &Path) {
        let page: Arc<Path> = Arc::from(page);
        let names_page = Arc::clone(&page);
        scope.spawn(move |_| {
            let _ = guard::page(&names_page, || self.matcher().build_name_automaton());
        });
        scope.spawn(move |_| {
            let _ = guard::page(&page, || self.matcher().build_prose_readers());
        });
    }

    /// The compiled policy.
    pub fn policy(&self) -> &Policy {
        &self.settings.policy
    }

    /// Parses and checks one page.
    pub fn check(&self, input: PageInput<'_>, sources: &dyn Sources) -> PageReport {
        self.check_scanned(input, None, sources)
    }

    /// [`Linter::check`], reusing the MDX pre-pass's `scan` of the page's text when one was made (of the
    /// text as given, in the dialect the policy gives the page). A scan of a text that starts with a
    /// byte-order mark is made again: the page model reads the text without the mark.
    pub fn check_scanned(
        &self,
        input: PageInput<'_>,
        scan: Option<Scan>,
        sources: &dyn Sources,
    ) -> PageReport {
        let page = self.parse_reusing(input.display, input.relative, input.text, scan);
        let (findings, reference) = self.check_page_for_site(
            &page,
            input.location,
            input.relative,
            input.included,
            sources,
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
            crate::rules::sort_findings(&mut report.findings);
        }
    }

    /// Parses a page in the dialect the policy gives its path.
    pub fn parse(&self, display: PathBuf, relative: &Path, text: String) -> Page {
        self.parse_reusing(display, relative, text, None)
    }

    /// [`Linter::parse`], reusing `scan`, the MDX pre-pass of `text` in the dialect the policy gives
    /// `relative`, when one was made. A scan of a text that starts with a byte-order mark is made again:
    /// the page model reads the text without the mark, so the scan's offsets are shifted by it.
    fn parse_reusing(
        &self,
        display: PathBuf,
        relative: &Path,
        text: String,
        scan: Option<Scan>,
    ) -> Page {
        let dialect = self.policy().dialect_for(relative);
        let scan = scan.filter(|_| !text.starts_with('\u{feff}'));
        let source = SourceText::new(display, text);
        match scan {
            Some(scan) => Page::parse_scanned(source, dialect, scan),
            None => Page::parse(source, dialect),
        }
    }

    /// Checks an already parsed page; `included` says another checked page includes it.
    pub fn check_page(
        &self,
        page: &Page,
        location: Option<&Path>,
        relative: &Path,
        included: bool,
        sources: &dyn Sources,
    ) -> Vec<Finding> {
        self.check_page_for_site(page, location, relative, included, sources)
            .0
    }

    /// [`Linter::check_page`], plus the page's facts for the site-wide pass when it is a reference page.
    fn check_page_for_site(
        &self,
        page: &Page,
        location: Option<&Path>,
        relative: &Path,
        included: bool,
        sources: &dyn Sources,
    ) -> (Vec<Finding>, Option<ReferenceFacts>) {
        let gatherer = Gatherer {
            table: &self.settings.table,
            policy: self.policy(),
            matcher: self.matcher(),
            sources,
            every_unit: self.policy().requires_page(relative)
                || self.policy().is_reference_page(relative),
        };
        let facts = gatherer.facts(page, location, &[]);
        let context = Context {
            table: &self.settings.table,
            policy: self.policy(),
            matcher: self.matcher(),
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
            .then(|| reference_facts(&context, location, sources));
        let mut findings = rules::run(&context);
        fix::resolve_intents(&context, &mut findings);
        (findings, reference)
    }
}
