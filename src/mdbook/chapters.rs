//! Checking a book's chapters: each chapter checked as a page (includes resolved through the book's
//! sources), the findings gathered per chapter source, and in `inject` mode the missing call-outs written
//! into the chapters' content (never into the source files).

use super::*;
use crate::source::prefilter::{Prefilter, Relevance};

/// The findings of a run over a book, per chapter source.
pub(super) struct Outcome {
    pub(super) findings: Vec<(SourceText, Vec<Finding>)>,
    pub(super) chapters: usize,
    /// Some chapter's content was changed (call-outs injected).
    pub(super) changed: bool,
    /// Chapters whose check panicked (see [`crate::guard`]); the build fails after the findings are shown.
    pub(super) panics: Vec<Error>,
    /// One error for each `{{#include}}` that closes a cycle (it is not followed), printed as a warning:
    /// mdBook's own `links` preprocessor only stops such an include after ten levels, without failing.
    pub(super) include_errors: Vec<Error>,
}

/// Checks every chapter; in `inject` mode, writes missing call-outs into the chapters' content.
pub(super) fn process(
    context: &PreprocessorContext,
    book: &mut Book,
    linter: &Linter,
    settings: &BookSettings,
) -> Outcome {
    let source_dir = context.root.join(&context.config.book.src);
    let sources = BookSources::new(linter.policy());
    let mut chapters = Vec::new();
    collect_chapters(&mut book.items, &mut chapters);
    for (source_path, content) in &chapters {
        sources.add_chapter(&source_dir.join(source_path), content);
    }
    let graph = sources.include_graph();
    let run = BookRun::new(context, linter, settings, &sources, graph.included);
    let count = chapters.len();
    // Chapters are independent: check them in parallel, like the files of `scope-lint check`.
    let checked: Vec<ChapterOutcome> = chapters
        .into_par_iter()
        .filter_map(|(source_path, content)| run.check_chapter(&source_path, content))
        .filter(|chapter| chapter.injected || !chapter.findings.is_empty())
        .collect();
    Outcome {
        panics: run.take_panics(),
        include_errors: graph.errors,
        changed: checked.iter().any(|chapter| chapter.injected),
        findings: checked
            .into_iter()
            .filter(|chapter| !chapter.findings.is_empty())
            .map(|chapter| (chapter.source, chapter.findings))
            .collect(),
        chapters: count,
    }
}

/// The source path and content of every chapter with a file, depth first (drafts have none).
fn collect_chapters<'b>(items: &'b mut [BookItem], out: &mut Vec<(PathBuf, &'b mut String)>) {
    for item in items {
        if let BookItem::Chapter(Chapter {
            content,
            source_path,
            sub_items,
            ..
        }) = item
        {
            if let Some(path) = source_path {
                out.push((path.clone(), content));
            }
            collect_chapters(sub_items, out);
        }
    }
}

/// One checked chapter: the findings left to report, and whether call-outs were injected into it.
struct ChapterOutcome {
    source: SourceText,
    findings: Vec<Finding>,
    injected: bool,
}

/// What checking every chapter of one book shares.
#[derive(Clone)]
pub(super) struct BookRun<'a> {
    /// Where chapter files are on disk (`<root>/src`).
    pub(super) source_dir: PathBuf,
    /// How chapter paths are shown (`src`).
    pub(super) display_dir: PathBuf,
    pub(super) linter: &'a Linter,
    pub(super) settings: &'a BookSettings,
    pub(super) sources: &'a BookSources<'a>,
    /// The chapters other chapters `{{#include}}` (as [`file_key`]s): checked as partials.
    pub(super) included: HashSet<PathBuf>,
    /// The errors of chapters whose check panicked, shared by the clones of a run.
    pub(super) panics: std::sync::Arc<std::sync::Mutex<Vec<Error>>>,
    /// The relevance prefilter (`None` when the linter's is off): a chapter that cannot hold a finding is
    /// not parsed.
    pub(super) prefilter: Option<std::sync::Arc<Prefilter<'a>>>,
}

impl<'a> BookRun<'a> {
    pub(super) fn new(
        context: &PreprocessorContext,
        linter: &'a Linter,
        settings: &'a BookSettings,
        sources: &'a BookSources<'a>,
        included: HashSet<PathBuf>,
    ) -> Self {
        BookRun {
            source_dir: context.root.join(&context.config.book.src),
            display_dir: context.config.book.src.clone(),
            linter,
            settings,
            sources,
            included,
            panics: Default::default(),
            prefilter: linter.prefilter.then(|| {
                let table = &linter.settings.table;
                std::sync::Arc::new(Prefilter::new(table, linter.policy(), linter.matcher()))
            }),
        }
    }

    /// The errors of the chapters whose check panicked so far.
    pub(super) fn take_panics(&self) -> Vec<Error> {
        std::mem::take(
            &mut self
                .panics
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Checks the chapter at `source_path` (relative to `src/`) whose content is `text`; `None` when the
    /// policy excludes it or the relevance prefilter rules it out (it cannot hold a finding).
    pub(super) fn report(&self, source_path: &Path, text: String) -> Option<PageReport> {
        let location = self.source_dir.join(source_path);
        let relative = crate::walk::relative_to_root(self.linter, &location);
        if self.linter.policy().is_excluded(&relative) {
            return None;
        }
        let display = self.display_dir.join(source_path);
        let checked = crate::guard::page(&display, || {
            let ruled_out = self.prefilter.as_ref().is_some_and(|prefilter| {
                prefilter.relevance(self.linter.policy(), &text, &relative) == Relevance::None
            });
            (!ruled_out).then(|| {
                self.linter.check(
                    PageInput {
                        display: display.clone(),
                        location: Some(&location),
                        relative: &relative,
                        text,
                        included: self.included.contains(&file_key(&location)),
                    },
                    self.sources,
                )
            })
        });
        match checked {
            Ok(report) => report,
            Err(error) => {
                self.panics
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(error);
                None
            }
        }
    }

    /// Checks a chapter that has just arrived, and adds it to the book's sources (for the include graph).
    pub(super) fn check_streamed(&self, chapter: StreamedChapter) -> StreamedReport {
        let location = self.source_dir.join(&chapter.source_path);
        self.sources.add_chapter(&location, &chapter.content);
        StreamedReport {
            index: chapter.index,
            page: self.report(&chapter.source_path, chapter.content),
            source_path: chapter.source_path,
            location,
        }
    }

    /// Checks one chapter (unless the policy excludes it); in `inject` mode, writes its missing call-outs
    /// into `content`.
    fn check_chapter(&self, source_path: &Path, content: &mut String) -> Option<ChapterOutcome> {
        let report = self.report(source_path, content.clone())?;
        if self.settings.mode != Mode::Inject {
            return Some(ChapterOutcome {
                source: report.source,
                findings: report.findings,
                injected: false,
            });
        }
        let (injected, mut kept): (Vec<Finding>, Vec<Finding>) =
            report.findings.into_iter().partition(injectable);
        if injected.is_empty() {
            return Some(ChapterOutcome {
                source: report.source,
                findings: kept,
                injected: false,
            });
        }
        let fixes: Vec<Vec<Edit>> = injected
            .iter()
            .map(|finding| {
                finding
                    .fix
                    .as_ref()
                    .map_or_else(Vec::new, |fix| fix.edits.clone())
            })
            .collect();
        let relative =
            crate::walk::relative_to_root(self.linter, &self.source_dir.join(source_path));
        let dialect = self.linter.policy().dialect_for(&relative);
        // The same structure check as `fix`: a call-out that would change the chapter's blocks (split a
        // blockquote, end an HTML block early) is not injected, and its finding is reported instead.
        let mut changed = false;
        match crate::fix::combine(&report.source, dialect, &fixes) {
            Ok(combined) => {
                changed = combined.after != *content;
                *content = combined.after;
                let mut index = 0;
                kept.extend(injected.into_iter().filter(|_| {
                    index += 1;
                    combined.deferred.contains(&(index - 1))
                }));
            }
            Err(_) => kept.extend(injected),
        }
        crate::rules::sort_findings(&mut kept);
        Some(ChapterOutcome {
            source: report.source,
            findings: kept,
            injected: changed,
        })
    }
}

/// A missing call-out whose fix only inserts into the chapter itself.
fn injectable(finding: &Finding) -> bool {
    finding.code == "SL001"
        && finding
            .fix
            .as_ref()
            .is_some_and(|fix| fix.edits.iter().all(|edit| edit.file.is_none()))
}

/// mdBook runs the preprocessor once per renderer; findings are printed for the first one only.
pub(super) fn reports_for(context: &PreprocessorContext) -> bool {
    let outputs: BTreeMap<String, serde_json::Value> = context.config.outputs().unwrap_or_default();
    let first = outputs.keys().next().map_or("html", String::as_str);
    context.renderer == first
}

pub(super) fn summary(outcome: &Outcome) -> Summary {
    let files: Vec<FileFindings<'_>> = outcome
        .findings
        .iter()
        .map(|(source, findings)| FileFindings { source, findings })
        .collect();
    Summary::of(outcome.chapters, &files)
}

pub(super) fn write_findings(outcome: &Outcome, diagnostics: &mut dyn Write) -> Result<()> {
    if outcome.findings.is_empty() {
        return Ok(());
    }
    let files: Vec<FileFindings<'_>> = outcome
        .findings
        .iter()
        .map(|(source, findings)| FileFindings { source, findings })
        .collect();
    report::human::write(diagnostics, &files, summary(outcome), false, false)
        .map_err(diagnostics_error)
}

/// Each include cycle of the book, and each chapter whose includes nest too deep, as a warning line, its paths shown relative to the book's root.
pub(super) fn write_include_errors(
    context: &PreprocessorContext,
    outcome: &Outcome,
    diagnostics: &mut dyn Write,
) -> Result<()> {
    let root = format!("{}{}", context.root.display(), std::path::MAIN_SEPARATOR);
    for error in &outcome.include_errors {
        for line in error.to_string().lines() {
            writeln!(
                diagnostics,
                "scope-lint: warning: {}",
                line.replace(&root, "")
            )
            .map_err(diagnostics_error)?;
        }
    }
    Ok(())
}

pub(super) fn diagnostics_error(error: std::io::Error) -> Error {
    Error::io(Path::new("<stderr>"), error)
}

pub(super) fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}
