//! The mdBook 0.5 preprocessor protocol (`scope-lint mdbook`, `[preprocessor.scope-lint]` in book.toml).
//!
//! mdBook writes `[context, book]` as JSON to stdin and reads the book back from stdout, so nothing but
//! that JSON may ever reach stdout: `clippy::print_stdout` is denied here, and findings go to the
//! diagnostics writer (stderr). Modes: `check` reports findings and fails the build per `fail-on`; `inject`
//! inserts missing call-outs into the chapters mdBook renders and never writes to the source files.
//!
//! - `protocol.rs`: one request answered: read (`request.rs` reads stdin paced and recorded, `stream.rs`
//!   parses the request as it arrives, so that chapters are checked while mdBook is still writing the rest
//!   of the book), the version checked, the book written back;
//! - `settings.rs`: `[preprocessor.scope-lint]` read and checked, and the policy it selects loaded;
//! - `chapters.rs`: checking the book's chapters and, in `inject` mode, injecting call-outs into them;
//! - this file: the entry points ([`serve`], [`run`], [`preprocess`], [`ScopeLint`]).
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
use crate::source::book::BookSources;
use crate::source::file_key;
use crate::text::escape::escape;

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

mod chapters;
mod protocol;
mod request;
mod settings;
mod stream;

use chapters::*;
use protocol::*;
use settings::*;

pub use protocol::{parse_input, run};
pub use request::{DEFAULT_MAX_REQUEST_SIZE, PacedPipe};
pub use settings::{BookSettings, FailOn, Mode, book_settings};

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
            write_include_errors(context, outcome, diagnostics)?;
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
