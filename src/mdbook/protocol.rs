//! One request answered: mdBook's `[context, book]` read from stdin as it arrives (`stream.rs`), chapters
//! checked while the rest comes in, the mdBook version checked, and the book written back to stdout (as the
//! very JSON mdBook sent when nothing changed).

use super::*;

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

pub(super) fn join<T>(job: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
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
pub(super) struct StreamedChapter {
    pub(super) index: usize,
    pub(super) source_path: PathBuf,
    pub(super) content: String,
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
    let sources = BookSources::new(prepared.linter.policy());
    let run = BookRun::new(
        context,
        &prepared.linter,
        &prepared.settings,
        &sources,
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
fn conclude_streamed(run: &BookRun<'_>, checked: Vec<StreamedReport>) -> Outcome {
    let graph = run.sources.include_graph();
    let as_partials = BookRun {
        included: graph.included,
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
        include_errors: graph.errors,
    }
}

/// A chapter checked as it arrived.
pub(super) struct StreamedReport {
    pub(super) index: usize,
    pub(super) source_path: PathBuf,
    pub(super) location: PathBuf,
    /// `None` when the policy excludes the chapter.
    pub(super) page: Option<PageReport>,
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

pub(super) fn check_version(version: &str) -> Result<()> {
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
