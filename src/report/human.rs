//! rustc-style diagnostics with source snippets, rendered by annotate-snippets.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use std::borrow::Cow;

use super::escape::{escape, escape_lines_span, escape_path};
use super::{FileFindings, Report, Summary, plural};
use crate::doc::source::{SourceText, floor_char_boundary};
use crate::rules::{Finding, Severity};

/// The human report; `styled` turns on colour, `quiet` leaves out the summary line.
pub struct Human {
    /// Colour the output (ANSI escapes).
    pub styled: bool,
    /// Leave out the summary line.
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
    let cut = matches!(excerpt, Cow::Owned(_));
    let (excerpt, span) = escape_lines_span(&excerpt, span);
    let path = escape_path(source.path());
    // The `-->` line's column is counted in the excerpt: on a line cut to its window that is not the page's.
    let places = cut.then(|| {
        let place = |column: usize| format!("{path}:{first_line}:{column}");
        (
            place(excerpt[..span.start].chars().count() + 1),
            place(source.position(finding.span.start).column),
        )
    });
    let mut group: Group<'_> = level
        .primary_title(escape(&finding.message))
        .id(finding.code)
        .element(
            Snippet::source(excerpt.as_ref())
                .line_start(first_line)
                .path(path)
                .annotation(AnnotationKind::Primary.span(span)),
        );
    if let Some(help) = &finding.help {
        group = group.element(Level::HELP.message(escape(help)));
    }
    let rendered = renderer.render(&[group]);
    match places {
        Some((shown, page)) => rendered.replacen(&shown, &page, 1),
        None => rendered,
    }
}

/// The whole lines holding `span`, the 1-based number of the first, and `span` relative to them. A long
/// single line is cut to [`WINDOW`] bytes either side of the span (marked `...`), so that many findings on
/// one long line cost their own size, not the line's size each.
fn excerpt(
    source: &SourceText,
    span: std::ops::Range<usize>,
) -> (Cow<'_, str>, usize, std::ops::Range<usize>) {
    let first_line = source.line_of(span.start);
    let last_line = source.line_of(span.end.max(span.start));
    let from = source.line_range(first_line).start;
    let to = source.line_range(last_line).end.max(from);
    let local_start = span.start.clamp(from, to) - from;
    let local_end = span.end.clamp(from, to) - from;
    let local_end = if local_end == local_start && local_end < to - from {
        local_end + 1
    } else {
        local_end
    };
    let line = &source.text[from..to];
    if first_line != last_line || line.len() <= 2 * WINDOW + local_end - local_start {
        return (Cow::Borrowed(line), first_line, local_start..local_end);
    }
    let cut_start = floor_char_boundary(line, local_start.saturating_sub(WINDOW));
    let cut_end = ceil_char_boundary(line, (local_end + WINDOW).min(line.len()));
    let prefix = if cut_start > 0 { "..." } else { "" };
    let suffix = if cut_end < line.len() { "..." } else { "" };
    let text = format!("{prefix}{}{suffix}", &line[cut_start..cut_end]);
    // The span moves left by the cut and right by the prefix (a cut of 1 or 2 bytes is shorter than `...`).
    let shown = |offset: usize| offset - cut_start + prefix.len();
    (
        Cow::Owned(text),
        first_line,
        shown(local_start)..shown(local_end),
    )
}

/// How much of a long line is shown either side of a finding's span, in bytes.
const WINDOW: usize = 120;

fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

/// The last line of a report: files checked and findings by level.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        let claim = "scope the token to a single gateway 日本 ";
        let line = claim.repeat(2000);
        let text = format!("# T\n\n{line}\nnext\n");
        let source = SourceText::new("a.md", text.clone());
        let start = text.find(claim).unwrap() + claim.len() * 1000;
        let span = start..start + "scope the token".len();
        let (excerpt, line_number, local) = excerpt(&source, span);
        assert_eq!(line_number, 3);
        assert!(excerpt.starts_with("...") && excerpt.ends_with("..."));
        assert!(excerpt.len() <= 2 * WINDOW + 30, "{}", excerpt.len());
        assert_eq!(&excerpt[local], "scope the token");
        // A short line is shown whole.
        let (excerpt, line_number, local) = excerpt_of("# T\n\nscope it 日本\n", "scope");
        assert_eq!(
            (excerpt.as_str(), line_number, local),
            ("scope it 日本", 3, 0..5)
        );
    }

    #[test]
    fn a_cut_line_names_the_finding_s_column_in_the_page() {
        let claim = "scope the token to a single gateway 日本 ";
        let text = format!("# T\n\n{}\n", claim.repeat(50));
        let source = SourceText::new("a.md", text.clone());
        let start = text.find(claim).unwrap() + claim.len() * 20;
        let finding = Finding {
            code: "SL003",
            name: "contradicting-claim",
            severity: Severity::Error,
            span: start..start + "scope the token".len(),
            message: "a claim".to_owned(),
            help: None,
            fix: None,
            intent: None,
        };
        let rendered = render(&Renderer::plain(), &source, &finding);
        let column = source.position(start).column;
        assert_eq!(column, claim.chars().count() * 20 + 1);
        assert!(
            rendered.contains(&format!(" --> a.md:3:{column}\n")),
            "{rendered}"
        );
    }

    /// Found by the check_page fuzzer: a cut of one or two bytes is shorter than the `...` that replaces it.
    #[test]
    fn a_cut_shorter_than_the_ellipsis_keeps_the_span() {
        for lead in 121..=124 {
            let text = format!(
                "{}AI Gateway Edit{}\n",
                "é".repeat(lead / 2) + &"x".repeat(lead % 2),
                "日".repeat(200)
            );
            let (excerpt, _, local) = excerpt_of(&text, "AI Gateway Edit");
            assert_eq!(&excerpt[local], "AI Gateway Edit", "{lead}");
        }
    }

    fn excerpt_of(text: &str, needle: &str) -> (String, usize, std::ops::Range<usize>) {
        let source = SourceText::new("a.md", text.to_owned());
        let start = text.find(needle).unwrap();
        let (excerpt, line, local) = excerpt(&source, start..start + needle.len());
        (excerpt.into_owned(), line, local)
    }

    #[test]
    fn line_of_agrees_with_position() {
        let source = SourceText::new("a.md", "a\n日本\n\nlast".to_owned());
        for offset in 0..=source.text.len() + 2 {
            assert_eq!(
                source.line_of(offset),
                source.position(offset).line,
                "{offset}"
            );
        }
    }
}
