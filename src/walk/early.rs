//! Checking a page while the walk reads it, when its check cannot depend on the rest of the tree.
//!
//! A page is normally checked after the walk, once the include graph says which files are partials and which
//! includes close a cycle, and is read a second time for it. A page that includes nothing and that the
//! prefilter keeps on its own needs none of that unless another page includes it (the walk leaves out the
//! files the policy calls partials, which most often are): the walk checks it from the text it already holds,
//! on the walk's own threads, which the walk leaves partly idle. The check goes through [`Watched`] sources:
//! a check that asks them for anything (an include the listing did not resolve, a reference page's partials)
//! may depend on the graph, and its outcome is dropped. After the walk, an outcome is used only for a page no
//! checked page includes; every other page is checked as before, so the findings are those of the later check
//! by construction.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashMap;

use crate::doc::mdx::Scan;
use crate::doc::{Dialect, Page};
use crate::error::Error;
use crate::guard;
use crate::lint::{Linter, PageInput, PageReport};
use crate::source::Sources;

use super::FileEntry;

/// The outcomes of the pages checked during the walk, by the path they are shown with.
#[derive(Default)]
pub(super) struct EarlyChecks {
    /// `None`: the page has no finding and is no reference page (nothing to keep).
    outcomes: Mutex<FxHashMap<PathBuf, Option<PageReport>>>,
}

impl EarlyChecks {
    /// Checks `file`, whose text is `text`, as if no checked page included it, asking `sources` only
    /// whether files are there and reusing the prefilter's `scan` of `text` ([`Linter::check_scanned`]).
    /// Keeps the outcome when the check asked for no other file and did not panic (a panic is reported
    /// by the later check, which meets it again).
    pub(super) fn check(
        &self,
        linter: &Linter,
        file: &FileEntry,
        text: &str,
        scan: Option<Scan>,
        sources: &dyn Sources,
    ) {
        let watched = Watched {
            sources,
            asked: AtomicBool::new(false),
        };
        let input = PageInput {
            display: file.path.clone(),
            location: Some(&file.path),
            relative: &file.relative,
            text: text.to_owned(),
            included: false,
        };
        let Ok(report) = guard::page(&file.path, || linter.check_scanned(input, scan, &watched))
        else {
            return;
        };
        if watched.asked.load(Ordering::Relaxed) {
            return;
        }
        let kept = (!report.findings.is_empty() || report.reference.is_some()).then_some(report);
        self.outcomes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file.path.clone(), kept);
    }

    /// The outcomes, for [`EarlyOutcomes::take`] once the walk is done.
    pub(super) fn finish(self) -> EarlyOutcomes {
        EarlyOutcomes(
            self.outcomes
                .into_inner()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

/// The outcomes of [`EarlyChecks`] after the walk.
pub(super) struct EarlyOutcomes(FxHashMap<PathBuf, Option<PageReport>>);

impl EarlyOutcomes {
    /// The early outcome of the page shown as `path`, when it was checked early: `Some(None)` when it
    /// has nothing to report. A page that another checked page includes must be checked again (`included`
    /// changes what is asked of it); its outcome is dropped.
    pub(super) fn take(&mut self, path: &Path, included: bool) -> Option<Option<PageReport>> {
        let outcome = self.0.remove(path)?;
        (!included).then_some(outcome)
    }
}

/// Sources that note whether a check asked them for a file's text or for the include graph. The outcome
/// of a check that asked is dropped, so their answers there (no file, nothing followed) only make it end
/// soon, and the walk's own sources are not touched: no error is recorded and nothing is kept parsed
/// twice. Whether a file or directory is there is asked of the walk's sources: the answer depends on the
/// file system alone, which does not change during a run, and an include that names no file (a Hugo
/// `render` of a missing partial) is then resolved to nothing as in the later check.
struct Watched<'s> {
    sources: &'s dyn Sources,
    asked: AtomicBool,
}

impl Watched<'_> {
    fn note(&self) {
        self.asked.store(true, Ordering::Relaxed);
    }
}

impl Sources for Watched<'_> {
    fn page(&self, path: &Path) -> Result<String, Error> {
        self.note();
        Err(Error::io(path, std::io::ErrorKind::NotFound.into()))
    }

    fn text(&self, _path: &Path) -> Option<String> {
        self.note();
        None
    }

    fn load(&self, _path: &Path, _dialect: Dialect) -> Option<Arc<Page>> {
        self.note();
        None
    }

    fn follows(&self, _from: &Path, _to: &Path) -> bool {
        self.note();
        false
    }

    fn done(&self, _path: &Path) {
        self.note();
    }

    fn holds_file(&self, path: &Path) -> bool {
        self.sources.holds_file(path)
    }

    fn may_hold_files(&self, directory: &Path) -> bool {
        self.sources.may_hold_files(directory)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load_preset;
    use crate::rules::CATALOG;
    use crate::source::memory::MemorySources;

    fn linter() -> Linter {
        Linter::new(load_preset("cloudflare", Path::new("/"), None, CATALOG).unwrap())
    }

    fn checked(linter: &Linter, text: &str) -> EarlyOutcomes {
        checked_with(linter, text, None, &MemorySources::new(Vec::new()))
    }

    fn checked_with(
        linter: &Linter,
        text: &str,
        scan: Option<Scan>,
        sources: &dyn Sources,
    ) -> EarlyOutcomes {
        let early = EarlyChecks::default();
        let file = FileEntry::new(Path::new(PAGE), linter);
        early.check(linter, &file, text, scan, sources);
        early.finish()
    }

    /// The code and the text of each finding the early check kept for the page.
    fn findings(mut outcomes: EarlyOutcomes) -> Vec<(&'static str, String)> {
        let report = outcomes.take(Path::new(PAGE), false);
        let report = report.unwrap().unwrap();
        let text = &report.source.text;
        report
            .findings
            .iter()
            .map(|finding| (finding.code, text[finding.span.clone()].to_owned()))
            .collect()
    }

    /// A page in the directory of a product (`workers`), where a Hugo `render` looks for partials.
    const PAGE: &str = "/docs/workers/ページ.md";

    const LISTING: &str =
        "# 権限 🔑\n\n| Permission | 説明 |\n| --- | --- |\n| AI Gateway Edit | 編集 ✍️ |\n";

    #[test]
    fn a_page_that_asks_for_nothing_keeps_its_findings_unless_it_is_included() {
        let linter = linter();
        let expected = [("SL001", "| Permission | 説明 |".to_owned())];
        assert_eq!(findings(checked(&linter, LISTING)), expected);
        let mut outcomes = checked(&linter, LISTING);
        let path = Path::new(PAGE);
        assert!(outcomes.take(path, true).is_none());
        assert!(outcomes.take(path, false).is_none(), "taken once");
    }

    #[test]
    fn the_prefilter_scan_is_reused_except_after_a_byte_order_mark() {
        let linter = linter();
        let expected = [("SL001", "| Permission | 説明 |".to_owned())];
        for text in [LISTING.to_owned(), format!("\u{feff}{LISTING}")] {
            let scan = crate::doc::mdx::scan(&text, Dialect::Markdown);
            let sources = MemorySources::new(Vec::new());
            let outcomes = checked_with(&linter, &text, Some(scan), &sources);
            assert_eq!(findings(outcomes), expected);
            assert_eq!(findings(checked(&linter, &text)), expected);
        }
    }

    #[test]
    fn a_page_without_findings_keeps_an_empty_outcome() {
        let linter = linter();
        let mut outcomes = checked(&linter, "# こんにちは 👋\n\nNo token here. مرحبا\n");
        let outcome = outcomes.take(Path::new(PAGE), false);
        assert!(matches!(outcome, Some(None)));
    }

    #[test]
    fn a_page_whose_check_reads_an_included_file_is_checked_again_later() {
        let linter = linter();
        let part = (
            PathBuf::from("/docs/workers/part.md"),
            "# 部分 🧩\n".to_owned(),
        );
        let sources = MemorySources::new(vec![part]);
        let text = format!("{LISTING}\n{{{{#include part.md}}}}\n");
        let mut outcomes = checked_with(&linter, &text, None, &sources);
        assert!(outcomes.take(Path::new(PAGE), false).is_none());
    }

    #[test]
    fn a_partial_render_that_names_no_file_keeps_the_outcome() {
        let linter = linter();
        let expected = [("SL001", "| Permission | 説明 |".to_owned())];
        let text = format!("{LISTING}\n{{{{<render file=\"_missing.md\">}}}}\n");
        assert_eq!(findings(checked(&linter, &text)), expected);
    }
}
