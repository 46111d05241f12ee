//! rustc-style diagnostics with source snippets, rendered by annotate-snippets.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::escape::{escape, escape_lines_span, escape_path};
use super::{FileFindings, Report, Summary, plural};
use crate::doc::source::SourceText;
use crate::rules::{Finding, Severity};

/// The human report; `styled` turns on colour, `quiet` leaves out the summary line.
pub struct Human {
    pub styled: bool,
    pub quiet: bool,
}

impl Report for Human {
    fn write(
        &self,
        out: &mut dyn Write,
        files: &[FileFindings<'_>],
        summary: Summary,
    ) -> io::Result<()> {
        write(out, files, summary, self.styled, self.quiet)
    }
}

/// Writes every finding followed by a blank line (as rustc and ruff do), then a one-line summary unless
/// `quiet`. `styled` turns on colour (strip it for pipes).
pub fn write(
    out: &mut dyn Write,
    files: &[FileFindings<'_>],
    summary: Summary,
    styled: bool,
    quiet: bool,
) -> io::Result<()> {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for file in files {
        for finding in file.findings {
            writeln!(out, "{}\n", render(&renderer, file.source, finding))?;
        }
    }
    if quiet {
        return Ok(());
    }
    writeln!(out, "{}", summary_line(summary))
}

/// One finding as a rustc-style report. The path, the page's lines and the messages are escaped
/// ([`escape`]), so that nothing in a file name or a page can start a line or reach the terminal as a
/// control sequence.
pub fn render(renderer: &Renderer, source: &SourceText, finding: &Finding) -> String {
    let level = match finding.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let (excerpt, first_line, span) = excerpt(source, finding.span.clone());
    let (excerpt, span) = escape_lines_span(excerpt, span);
    let path = escape_path(source.path());
    let mut group: Group<'_> = level
        .primary_title(escape(&finding.message))
        .id(finding.code)
        .element(
            Snippet::source(excerpt)
                .line_start(first_line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(span)),
        );
    if let Some(help) = &finding.help {
        group = group.element(Level::HELP.message(escape(help)));
    }
    renderer.render(&[group])
}

/// The whole lines holding `span`, the 1-based number of the first, and `span` relative to them.
fn excerpt(
    source: &SourceText,
    span: std::ops::Range<usize>,
) -> (&str, usize, std::ops::Range<usize>) {
    let start = source.position(span.start);
    let end = source.position(span.end.max(span.start));
    let from = source.line_range(start.line).start;
    let to = source.line_range(end.line).end.max(from);
    let local_start = span.start.clamp(from, to) - from;
    let local_end = span.end.clamp(from, to) - from;
    let local_end = if local_end == local_start && local_end < to - from {
        local_end + 1
    } else {
        local_end
    };
    (&source.text[from..to], start.line, local_start..local_end)
}

pub fn summary_line(summary: Summary) -> String {
    let files = plural(summary.files, "file");
    if summary.errors == 0 && summary.warnings == 0 {
        return format!("no findings in {files}");
    }
    format!(
        "found {} and {} in {files}",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning")
    )
}
