//! The mdBook 0.5 preprocessor protocol (`scope-lint mdbook`, `[preprocessor.scope-lint]` in book.toml).
//!
//! mdBook writes `[context, book]` as JSON to stdin and reads the book back from stdout, so nothing but
//! that JSON may ever reach stdout: `clippy::print_stdout` is denied here, and findings go to the
//! diagnostics writer (stderr). Modes: `check` reports findings and fails the build per `fail-on`; `inject`
//! inserts missing call-outs into the chapters mdBook renders and never writes to the source files.
//!
//! `request.rs` reads stdin (paced, recorded) and `stream.rs` parses the request as it arrives, so that
//! chapters are checked while mdBook is still writing the rest of the book.
#![deny(clippy::print_stdout)]

use std::collections::{BTreeMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use mdbook_preprocessor::PreprocessorContext;
use mdbook_preprocessor::book::{Book, BookItem, Chapter};
use rayon::prelude::*;
use serde::Deserialize;

use crate::doc::source::SourceText;
use crate::error::{Error, Result};
use crate::lint::{Linter, PageInput, PageReport};
use crate::policy::{self as config, Settings};
use crate::report::{self, FileFindings, Summary};
use crate::rules::{Edit, Finding};
use crate::source::{Loader, file_key};
use crate::text::escape::escape;
use crate::walk::FsLoader;

/// The mdBook versions whose protocol this preprocessor speaks.
/// What `scope-lint mdbook` (and `mdbook-scope-lint`) say when stdin is a terminal instead of waiting.
pub const TERMINAL_HELP: &str =
    "the mdBook preprocessor reads mdBook's JSON on stdin; `mdbook build` runs it, \
not a terminal. To set it up, add to book.toml:

    [preprocessor.scope-lint]
    command = \"scope-lint mdbook\"
    before = [\"links\"]

then run `mdbook build`. To check the book's sources from a terminal: `scope-lint check src/`";

/// The mdBook versions whose preprocessor protocol this preprocessor speaks (a semver requirement).
pub const SUPPORTED_MDBOOK: &str = ">=0.5.0, <0.6.0";

/// The keys mdBook itself reads from a preprocessor table.
const MDBOOK_KEYS: &[&str] = &["command", "renderers", "before", "after", "optional"];
/// Our own keys.
const OWN_KEYS: &[&str] = &["capabilities", "config", "mode", "fail-on"];
/// Policy keys that may be written inline instead of in a scope-lint.toml.
const POLICY_KEYS: &[&str] = &[
    "extends", "exclude", "dialects", "partials", "rules", "render", "callouts",
];

/// What the preprocessor does with the book (`mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Report findings; fail the build per `fail-on`.
    #[default]
    Check,
    /// Insert missing call-outs into the rendered chapters (never into the sources).
    Inject,
}

/// When findings fail the book build (`fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Fail on an error-level finding.
    #[default]
    Error,
    /// Fail on any finding.
    Warning,
    /// Never fail; findings are still printed.
    Never,
}

/// `[preprocessor.scope-lint]`, as read from the book's config.
#[derive(Debug, Default)]
pub struct BookSettings {
    /// The capability table to use (`capabilities`), relative to the book root.
    pub capabilities: Option<PathBuf>,
    /// The `scope-lint.toml` to use (`config`), relative to the book root.
    pub config: Option<PathBuf>,
    /// Check or inject.
    pub mode: Mode,
    /// When findings fail the build.
    pub fail_on: FailOn,
    /// Policy keys written inline, as TOML.
    pub inline_policy: Option<String>,
}

/// The whole preprocessor behind `scope-lint mdbook [supports RENDERER]` and `mdbook-scope-lint`: answers
/// `supports` (always yes: mdBook silently skips a preprocessor whose `supports` fails), else runs
/// [`run`] and writes an error, with its causes and without a backtrace, to `diagnostics`. Returns the exit
/// status.
pub fn serve(
    supports: Option<&str>,
    input: impl Read,
    output: impl Write,
    diagnostics: &mut dyn Write,
) -> u8 {
    if supports.is_some() {
        return 0;
    }
    match run(input, output, diagnostics) {
        Ok(()) => 0,
        Err(error) => {
            for line in error.to_string().lines() {
                let _ = writeln!(diagnostics, "scope-lint: {line}");
            }
            // A request past the size limit is bad input, like a page past `max-file-size`.
            match &error {
                Error::Io { source, .. } if request::is_too_large(source) => 2,
                _ => 1,
            }
        }
    }
}

mod request;
mod stream;

pub use request::{DEFAULT_MAX_REQUEST_SIZE, PacedPipe};

/// Reads the protocol input from `input`, checks or injects, and writes the book to `output`.
///
/// The request is parsed as it arrives (`stream.rs`): the policy and the matchers are built as soon as the
/// context is in, and in `check` mode each chapter is checked while mdBook is still writing the next ones.
/// When no chapter changed, the book goes back as the very JSON mdBook sent. A request the streaming parse
/// cannot take is read whole and parsed again by [`parse_input`], which says what is wrong with it.
pub fn run(input: impl Read, output: impl Write, diagnostics: &mut dyn Write) -> Result<()> {
    let mut source = request::Recorded::new(input);
    std::thread::scope(|scope| {
        let mut streaming = Streaming::new(scope);
        // The parser reads a byte at a time: it must own its `BufReader` (not borrow it), or each byte
        // goes through `Read::read` instead of the buffer's fast path.
        let reader = std::io::BufReader::with_capacity(request::REQUEST_CHUNK, &mut source);
        let received = stream::receive(reader, &mut streaming);
        // The rest of the request, if the streaming parse stopped early.
        std::io::copy(&mut source, &mut std::io::sink()).map_err(stdin_error)?;
        let text = String::from_utf8(source.into_bytes()).map_err(|error| {
            stdin_error(std::io::Error::new(std::io::ErrorKind::InvalidData, error))
        })?;
        let (context, started) = streaming.finish();
        let raw = request::raw_book(&text);
        // The streamed answer when the streaming parse went through; else the whole request again.
        match (received, context, started, raw) {
            (Ok(stream::Received::Chapters), Some(context), Started::Check(checker), Some(raw)) => {
                let (prepared, outcome) = join(checker)?;
                prepared.conclude(&context, &outcome, diagnostics)?;
                write_raw(output, raw)
            }
            (
                Ok(stream::Received::Book(mut book)),
                Some(context),
                Started::Prepare(prepared),
                _,
            ) => {
                let changed = join(prepared)?.preprocess(&context, &mut book, diagnostics)?;
                answer(output, &book, raw.filter(|_| !changed))
            }
            (_, _, started, _) => {
                started.abandon();
                let (context, mut book) = parse_input(&text)?;
                let changed =
                    Prepared::new(&context)?.preprocess(&context, &mut book, diagnostics)?;
                answer(output, &book, raw.filter(|_| !changed))
            }
        }
    })
}

/// Writes `book`: as `unchanged` (the JSON mdBook sent) when given, else serialised.
fn answer(output: impl Write, book: &Book, unchanged: Option<&str>) -> Result<()> {
    match unchanged {
        Some(raw) => write_raw(output, raw),
        None => write_book(output, |out| serde_json::to_writer(out, book)),
    }
}

fn stdin_error(error: std::io::Error) -> Error {
    Error::io(Path::new("<stdin>"), error)
}

fn join<T>(job: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    job.join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// What the streaming parse started when the context arrived.
enum Started<'scope> {
    Nothing,
    /// `check` mode: a thread that builds the linter and checks chapters as they come.
    Check(std::thread::ScopedJoinHandle<'scope, Result<(Prepared, Outcome)>>),
    /// Otherwise: a thread that builds the linter while the book arrives whole.
    Prepare(std::thread::ScopedJoinHandle<'scope, Result<Prepared>>),
}

impl Started<'_> {
    /// Waits for work whose result is not wanted (the request is read again the slow way), so that it
    /// does not run alongside, and so that a panic in it surfaces before anything reaches stdout.
    fn abandon(self) {
        let panicked = match self {
            Started::Nothing => None,
            Started::Check(job) => job.join().err(),
            Started::Prepare(job) => job.join().err(),
        };
        if let Some(panic) = panicked {
            std::panic::resume_unwind(panic);
        }
    }
}

/// The [`stream::Sink`] of a run: starts the work as the parts of the request arrive.
struct Streaming<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    context: Option<PreprocessorContext>,
    chapters: Option<std::sync::mpsc::Sender<StreamedChapter>>,
    started: Started<'scope>,
}

/// A chapter handed over by the streaming parse.
struct StreamedChapter {
    index: usize,
    source_path: PathBuf,
    content: String,
}

impl<'scope, 'env> Streaming<'scope, 'env> {
    fn new(scope: &'scope std::thread::Scope<'scope, 'env>) -> Self {
        Streaming {
            scope,
            context: None,
            chapters: None,
            started: Started::Nothing,
        }
    }

    /// The context, if it arrived, and the work started. Closes the chapter channel, so that the checker
    /// finishes.
    fn finish(self) -> (Option<PreprocessorContext>, Started<'scope>) {
        drop(self.chapters);
        (self.context, self.started)
    }
}

impl stream::Sink for Streaming<'_, '_> {
    fn context(&mut self, context: PreprocessorContext) -> bool {
        let by_chapter = book_settings(&context).is_ok_and(|settings| settings.mode == Mode::Check);
        let own = context.clone();
        self.started = if by_chapter {
            let (sender, receiver) = std::sync::mpsc::channel();
            self.chapters = Some(sender);
            Started::Check(
                self.scope
                    .spawn(move || check_as_they_arrive(&own, receiver)),
            )
        } else {
            Started::Prepare(self.scope.spawn(move || Prepared::new(&own)))
        };
        self.context = Some(context);
        by_chapter
    }

    fn chapter(&mut self, index: usize, source_path: PathBuf, content: String) {
        if let Some(chapters) = &self.chapters {
            // A checker that has stopped (its policy did not load) has its error to report; the chapter
            // is not needed any more.
            let _ = chapters.send(StreamedChapter {
                index,
                source_path,
                content,
            });
        }
    }
}

/// Checks the chapters of a `check` run as they arrive. Whether a chapter is `{{#include}}`d by another
/// is only known once all are in, so the few that are get checked again as partials at the end.
fn check_as_they_arrive(
    context: &PreprocessorContext,
    chapters: std::sync::mpsc::Receiver<StreamedChapter>,
) -> Result<(Prepared, Outcome)> {
    let prepared = Prepared::new(context)?;
    let loader = FsLoader::new(prepared.linter.policy());
    let run = BookRun::new(
        context,
        &prepared.linter,
        &prepared.settings,
        &loader,
        HashSet::new(),
    );
    let checked: Vec<StreamedReport> = chapters
        .into_iter()
        .par_bridge()
        .map(|chapter| run.check_streamed(chapter))
        .collect();
    let outcome = conclude_streamed(&run, checked);
    Ok((prepared, outcome))
}

/// The outcome of the chapters checked as they arrived: the included ones checked again as partials, the
/// findings in book order.
fn conclude_streamed(run: &BookRun<'_>, mut checked: Vec<StreamedReport>) -> Outcome {
    let as_partials = BookRun {
        included: checked
            .iter_mut()
            .flat_map(|report| std::mem::take(&mut report.includes))
            .collect(),
        ..run.clone()
    };
    let count = checked.len();
    let mut findings: Vec<(usize, SourceText, Vec<Finding>)> = checked
        .into_par_iter()
        .filter_map(|report| {
            let page = report.page?;
            if !as_partials.included.contains(&file_key(&report.location)) {
                return Some((report.index, page.source, page.findings));
            }
            let text = page.source.with_bom(&page.source.text);
            let page = as_partials.report(&report.source_path, text)?;
            Some((report.index, page.source, page.findings))
        })
        .filter(|(_, _, findings)| !findings.is_empty())
        .collect();
    findings.sort_by_key(|(index, _, _)| *index);
    Outcome {
        findings: findings
            .into_iter()
            .map(|(_, source, findings)| (source, findings))
            .collect(),
        chapters: count,
        changed: false,
        panics: run.take_panics(),
    }
}

/// A chapter checked as it arrived.
struct StreamedReport {
    index: usize,
    source_path: PathBuf,
    location: PathBuf,
    /// `None` when the policy excludes the chapter.
    page: Option<PageReport>,
    /// What the chapter `{{#include}}`s.
    includes: Vec<PathBuf>,
}

/// Writes the answer through a buffer: megabytes of JSON without line breaks would otherwise go out a line
/// buffer at a time.
fn write_book(
    output: impl Write,
    write: impl FnOnce(&mut dyn Write) -> serde_json::Result<()>,
) -> Result<()> {
    let mut output = std::io::BufWriter::with_capacity(1 << 16, output);
    write(&mut output)
        .and_then(|()| output.flush().map_err(serde_json::Error::io))
        .map_err(|error| Error::io(Path::new("<stdout>"), error.into()))
}

fn write_raw(output: impl Write, book: &str) -> Result<()> {
    write_book(output, |out| {
        out.write_all(book.as_bytes())
            .map_err(serde_json::Error::io)
    })
}

/// Checks (and in `inject` mode, changes) `book` per the book's `[preprocessor.scope-lint]` table. Findings
/// go to `diagnostics`, once per build (for the first renderer); findings at the `fail-on` level are an error.
pub fn preprocess(
    context: &PreprocessorContext,
    mut book: Book,
    diagnostics: &mut dyn Write,
) -> Result<Book> {
    Prepared::new(context)?.preprocess(context, &mut book, diagnostics)?;
    Ok(book)
}

/// The book's settings and the linter built from them: everything a run needs before the first chapter.
struct Prepared {
    settings: BookSettings,
    linter: Linter,
}

impl Prepared {
    fn new(context: &PreprocessorContext) -> Result<Prepared> {
        let settings = book_settings(context)?;
        let linter = Linter::new(load_settings(context, &settings)?);
        Ok(Prepared { settings, linter })
    }

    /// Checks or injects; returns whether any chapter's content changed.
    fn preprocess(
        &self,
        context: &PreprocessorContext,
        book: &mut Book,
        diagnostics: &mut dyn Write,
    ) -> Result<bool> {
        let outcome = process(context, book, &self.linter, &self.settings);
        self.conclude(context, &outcome, diagnostics)?;
        Ok(outcome.changed)
    }

    /// Reports the findings (for the first renderer only) and fails per `fail-on`.
    fn conclude(
        &self,
        context: &PreprocessorContext,
        outcome: &Outcome,
        diagnostics: &mut dyn Write,
    ) -> Result<()> {
        if reports_for(context) {
            if let Some(warning) = self.linter.policy().requires_nothing() {
                writeln!(diagnostics, "scope-lint: warning: {}", escape(&warning))
                    .map_err(diagnostics_error)?;
            }
            write_findings(outcome, diagnostics)?;
        }
        if !outcome.panics.is_empty() {
            for error in &outcome.panics {
                writeln!(diagnostics, "scope-lint: {error}").map_err(diagnostics_error)?;
            }
            return Err(Error::Usage(format!(
                "{} could not be checked (internal error above)",
                plural(outcome.panics.len(), "chapter")
            )));
        }
        let summary = summary(outcome);
        let failing = match self.settings.fail_on {
            FailOn::Error => summary.errors,
            FailOn::Warning => summary.errors + summary.warnings,
            FailOn::Never => 0,
        };
        if failing == 0 {
            return Ok(());
        }
        let level = match self.settings.fail_on {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Never => "never",
        };
        Err(Error::Usage(format!(
            "the book has {} at the failing level (fail-on = \"{level}\"); see the findings above",
            plural(failing, "finding")
        )))
    }
}

/// scope-lint as an in-process [`mdbook_preprocessor::Preprocessor`] (for `mdbook-driver`, tests and
/// tools that embed mdBook). Findings are kept in [`ScopeLint::diagnostics`] instead of being printed.
#[derive(Default)]
pub struct ScopeLint {
    diagnostics: std::sync::Mutex<Vec<u8>>,
}

impl ScopeLint {
    /// The findings written so far, as the human report.
    pub fn diagnostics(&self) -> String {
        String::from_utf8_lossy(&self.diagnostics.lock().expect("not poisoned")).into_owned()
    }
}

impl mdbook_preprocessor::Preprocessor for ScopeLint {
    fn name(&self) -> &str {
        "scope-lint"
    }

    fn run(
        &self,
        context: &PreprocessorContext,
        book: Book,
    ) -> mdbook_preprocessor::errors::Result<Book> {
        let mut diagnostics = self.diagnostics.lock().expect("not poisoned");
        preprocess(context, book, &mut *diagnostics)
            .map_err(|error| mdbook_preprocessor::errors::Error::msg(error.to_string()))
    }

    fn supports_renderer(&self, _renderer: &str) -> mdbook_preprocessor::errors::Result<bool> {
        Ok(true)
    }
}

/// Parses `[context, book]`, refusing other mdBook versions with one clear sentence.
pub fn parse_input(text: &str) -> Result<(PreprocessorContext, Book)> {
    let stdin = Path::new("<stdin>");
    if text.trim().is_empty() {
        return Err(Error::invalid(
            stdin,
            None,
            "no input: `scope-lint mdbook` is run by `mdbook build`, which writes the book to its stdin (see `scope-lint mdbook --help`)",
        ));
    }
    // Read only the version first (the rest is skipped, not built), so that a 0.4 request gets one clear
    // sentence instead of a shape error, then parse the request once into mdBook's types.
    let (probe, _): (VersionProbe, serde::de::IgnoredAny) =
        serde_json::from_str(text).map_err(|error| match error.classify() {
            serde_json::error::Category::Data => Error::invalid(
                stdin,
                None,
                "the input is not an mdBook preprocessor request (expected `[context, book]` with `mdbook_version`)",
            ),
            _ => json_error(stdin, &error),
        })?;
    let version = probe.mdbook_version;
    check_version(&version)?;
    serde_json::from_str(text).map_err(|error| {
        Error::invalid(
            stdin,
            None,
            format!("the mdBook {version} request does not have the expected shape: {error}"),
        )
    })
}

/// The one field of mdBook's context read before anything else.
#[derive(Deserialize)]
struct VersionProbe {
    mdbook_version: String,
}

fn json_error(path: &Path, error: &serde_json::Error) -> Error {
    let position = crate::doc::source::Position {
        line: error.line(),
        column: error.column(),
    };
    Error::invalid(
        path,
        Some(position),
        format!("the input is not valid JSON: {error}"),
    )
}

fn check_version(version: &str) -> Result<()> {
    let supported = semver::VersionReq::parse(SUPPORTED_MDBOOK).expect("valid requirement");
    let parsed = semver::Version::parse(version).map_err(|_| {
        Error::Usage(format!("scope-lint cannot read mdBook version `{version}`; it supports mdBook {SUPPORTED_MDBOOK}"))
    })?;
    // A pre-release such as 0.5.0-beta.1 speaks the 0.5 protocol too.
    let release = semver::Version::new(parsed.major, parsed.minor, parsed.patch);
    if supported.matches(&release) {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "scope-lint speaks the mdBook 0.5 preprocessor protocol ({SUPPORTED_MDBOOK}) but was called by mdBook {version}; upgrade mdBook to 0.5, or run `scope-lint check` on the book's src/ instead"
        )))
    }
}

/// Reads `[preprocessor.scope-lint]` (or the preprocessor table whose command runs scope-lint).
pub fn book_settings(context: &PreprocessorContext) -> Result<BookSettings> {
    let book_toml = context.root.join("book.toml");
    let tables: BTreeMap<String, serde_json::Value> = context
        .config
        .preprocessors()
        .map_err(|error| Error::invalid(&book_toml, None, format!("{error:#}")))?;
    let Some((name, table)) = tables
        .iter()
        .find(|(name, _)| name.as_str() == "scope-lint")
        .or_else(|| {
            tables.iter().find(|(_, table)| {
                table
                    .get("command")
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|command| command.contains("scope-lint"))
            })
        })
    else {
        return Ok(BookSettings::default());
    };
    let Some(table) = table.as_object() else {
        return Ok(BookSettings::default());
    };
    let context_name = format!("[preprocessor.{name}]");
    let unknown: Vec<&str> = table
        .keys()
        .map(String::as_str)
        .filter(|key| {
            !MDBOOK_KEYS.contains(key) && !OWN_KEYS.contains(key) && !POLICY_KEYS.contains(key)
        })
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = OWN_KEYS
            .iter()
            .chain(POLICY_KEYS)
            .chain(MDBOOK_KEYS)
            .copied()
            .collect();
        return Err(Error::invalid(
            &book_toml,
            None,
            format!(
                "unknown key{} {} in {context_name} (expected one of: {})",
                if unknown.len() == 1 { "" } else { "s" },
                quote_all(&unknown),
                quote_all(&known)
            ),
        ));
    }
    let field = |key: &str| table.get(key).cloned();
    let parse = |key: &str| -> Result<Option<String>> {
        match field(key) {
            None => Ok(None),
            Some(serde_json::Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(Error::invalid(
                &book_toml,
                None,
                format!("`{key}` in {context_name} must be a string, not `{other}`"),
            )),
        }
    };
    let mode = match parse("mode")?.as_deref() {
        None | Some("check") => Mode::Check,
        Some("inject") => Mode::Inject,
        Some(other) => {
            return Err(Error::invalid(
                &book_toml,
                None,
                format!("`mode = \"{other}\"` in {context_name}: expected \"check\" or \"inject\""),
            ));
        }
    };
    let fail_on = match parse("fail-on")?.as_deref() {
        None | Some("error") => FailOn::Error,
        Some("warning") => FailOn::Warning,
        Some("never") => FailOn::Never,
        Some(other) => {
            return Err(Error::invalid(
                &book_toml,
                None,
                format!(
                    "`fail-on = \"{other}\"` in {context_name}: expected \"error\", \"warning\" or \"never\""
                ),
            ));
        }
    };
    let inline: serde_json::Map<String, serde_json::Value> = table
        .iter()
        .filter(|(key, _)| POLICY_KEYS.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let inline_policy = if inline.is_empty() {
        None
    } else {
        Some(toml::to_string(&inline).map_err(|error| {
            Error::invalid(
                &book_toml,
                None,
                format!("the inline policy in {context_name} cannot be read: {error}"),
            )
        })?)
    };
    Ok(BookSettings {
        capabilities: parse("capabilities")?.map(PathBuf::from),
        config: parse("config")?.map(PathBuf::from),
        mode,
        fail_on,
        inline_policy,
    })
}

fn quote_all(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The policy: `config`, else inline keys, else a scope-lint.toml above the book, else the preset.
fn load_settings(context: &PreprocessorContext, book: &BookSettings) -> Result<Settings> {
    let capabilities = book
        .capabilities
        .as_ref()
        .map(|path| context.root.join(path));
    if let Some(inline) = &book.inline_policy {
        let source = SourceText::new(
            context.root.join("book.toml [preprocessor.scope-lint]"),
            inline.clone(),
        );
        return config::load_policy_text(
            &source,
            &context.root,
            capabilities.as_deref(),
            crate::rules::CATALOG,
        )
        .map_err(without_positions);
    }
    config::load(
        &config::SettingsSource {
            config: book.config.as_ref().map(|path| context.root.join(path)),
            capabilities,
            start: context.root.clone(),
        },
        crate::rules::CATALOG,
    )
}

/// Positions in a policy rebuilt from book.toml would point into text the user never wrote.
fn without_positions(error: Error) -> Error {
    match error {
        Error::Invalid { path, problems } => Error::Invalid {
            path,
            problems: problems
                .into_iter()
                .map(|problem| crate::error::Problem {
                    position: None,
                    ..problem
                })
                .collect(),
        },
        other => other,
    }
}

/// The findings of a run over a book, per chapter source.
struct Outcome {
    findings: Vec<(SourceText, Vec<Finding>)>,
    chapters: usize,
    /// Some chapter's content was changed (call-outs injected).
    changed: bool,
    /// Chapters whose check panicked (see [`crate::guard`]); the build fails after the findings are shown.
    panics: Vec<Error>,
}

/// Checks every chapter; in `inject` mode, writes missing call-outs into the chapters' content.
fn process(
    context: &PreprocessorContext,
    book: &mut Book,
    linter: &Linter,
    settings: &BookSettings,
) -> Outcome {
    let source_dir = context.root.join(&context.config.book.src);
    let loader = FsLoader::new(linter.policy());
    let included = included_chapters(book, &source_dir, linter, &loader);
    let run = BookRun::new(context, linter, settings, &loader, included);
    let mut chapters = Vec::new();
    collect_chapters(&mut book.items, &mut chapters);
    let count = chapters.len();
    // Chapters are independent: check them in parallel, like the files of `scope-lint check`.
    let checked: Vec<ChapterOutcome> = chapters
        .into_par_iter()
        .filter_map(|(source_path, content)| run.check_chapter(&source_path, content))
        .filter(|chapter| chapter.injected || !chapter.findings.is_empty())
        .collect();
    Outcome {
        panics: run.take_panics(),
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
struct BookRun<'a> {
    /// Where chapter files are on disk (`<root>/src`).
    source_dir: PathBuf,
    /// How chapter paths are shown (`src`).
    display_dir: PathBuf,
    linter: &'a Linter,
    settings: &'a BookSettings,
    loader: &'a dyn Loader,
    /// The chapters other chapters `{{#include}}` (as [`file_key`]s): checked as partials.
    included: HashSet<PathBuf>,
    /// The errors of chapters whose check panicked, shared by the clones of a run.
    panics: std::sync::Arc<std::sync::Mutex<Vec<Error>>>,
}

impl<'a> BookRun<'a> {
    fn new(
        context: &PreprocessorContext,
        linter: &'a Linter,
        settings: &'a BookSettings,
        loader: &'a dyn Loader,
        included: HashSet<PathBuf>,
    ) -> Self {
        BookRun {
            source_dir: context.root.join(&context.config.book.src),
            display_dir: context.config.book.src.clone(),
            linter,
            settings,
            loader,
            included,
            panics: Default::default(),
        }
    }

    /// The errors of the chapters whose check panicked so far.
    fn take_panics(&self) -> Vec<Error> {
        std::mem::take(
            &mut self
                .panics
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Checks the chapter at `source_path` (relative to `src/`) whose content is `text`; `None` when the
    /// policy excludes it.
    fn report(&self, source_path: &Path, text: String) -> Option<PageReport> {
        let location = self.source_dir.join(source_path);
        let relative = crate::walk::relative_to_root(self.linter, &location);
        if self.linter.policy().is_excluded(&relative) {
            return None;
        }
        let display = self.display_dir.join(source_path);
        let checked = crate::guard::page(&display, || {
            self.linter.check(
                PageInput {
                    display: display.clone(),
                    location: Some(&location),
                    relative: &relative,
                    text,
                    included: self.included.contains(&file_key(&location)),
                },
                self.loader,
            )
        });
        match checked {
            Ok(report) => Some(report),
            Err(error) => {
                self.panics
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(error);
                None
            }
        }
    }

    /// Checks a chapter that has just arrived, and notes what it includes.
    fn check_streamed(&self, chapter: StreamedChapter) -> StreamedReport {
        let location = self.source_dir.join(&chapter.source_path);
        let includes = if chapter.content.contains("{{#") {
            let relative = crate::walk::relative_to_root(self.linter, &location);
            // A panic here is reported by the chapter's check.
            crate::guard::page(&location, || {
                self.linter
                    .included_files(&chapter.content, &location, &relative, self.loader)
            })
            .unwrap_or_default()
        } else {
            Vec::new()
        };
        StreamedReport {
            index: chapter.index,
            page: self.report(&chapter.source_path, chapter.content),
            source_path: chapter.source_path,
            location,
            includes,
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
        let (injected, kept): (Vec<Finding>, Vec<Finding>) =
            report.findings.into_iter().partition(injectable);
        let edits: Vec<&Edit> = injected
            .iter()
            .filter_map(|finding| finding.fix.as_ref())
            .flat_map(|fix| &fix.edits)
            .collect();
        let mut changed = false;
        if !edits.is_empty()
            && let Ok(injected) = crate::fix::apply_edits(&report.source.text, &edits)
        {
            changed = injected != *content;
            *content = injected;
        }
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

/// The files that some chapter `{{#include}}`s: checked as partials, like the Cloudflare partials.
fn included_chapters(
    book: &Book,
    source_dir: &Path,
    linter: &Linter,
    loader: &dyn Loader,
) -> HashSet<PathBuf> {
    book.chapters()
        .filter(|chapter| chapter.content.contains("{{#"))
        .filter_map(|chapter| {
            let location = source_dir.join(chapter.source_path.as_ref()?);
            let relative = crate::walk::relative_to_root(linter, &location);
            // A panic here is reported by the chapter's check.
            crate::guard::page(&location, || {
                linter.included_files(&chapter.content, &location, &relative, loader)
            })
            .ok()
        })
        .flatten()
        .collect()
}

/// mdBook runs the preprocessor once per renderer; findings are printed for the first one only.
fn reports_for(context: &PreprocessorContext) -> bool {
    let outputs: BTreeMap<String, serde_json::Value> = context.config.outputs().unwrap_or_default();
    let first = outputs.keys().next().map_or("html", String::as_str);
    context.renderer == first
}

fn summary(outcome: &Outcome) -> Summary {
    let files: Vec<FileFindings<'_>> = outcome
        .findings
        .iter()
        .map(|(source, findings)| FileFindings { source, findings })
        .collect();
    Summary::of(outcome.chapters, &files)
}

fn write_findings(outcome: &Outcome, diagnostics: &mut dyn Write) -> Result<()> {
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

fn diagnostics_error(error: std::io::Error) -> Error {
    Error::io(Path::new("<stderr>"), error)
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}
