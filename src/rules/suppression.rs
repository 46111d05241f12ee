//! Inline suppressions: `<!-- scope-lint-disable-next-line SL003 reason="quoted claim" -->` (Markdown) and
//! `{/* scope-lint-disable-file SL004 reason="..." */}` (MDX). A reason is required; SL007 reports a
//! suppression without one, or one that matched nothing.

use std::ops::Range;

use super::{Finding, find_rule};
use crate::doc::Page;

const PREFIX: &str = "scope-lint-disable";

/// What a suppression covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Findings that start on this 1-based line (the first non-blank line after the comment).
    Line(usize),
    /// Every finding in the file.
    File,
}

/// One `scope-lint-disable-*` comment: what it silences, how far, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The comment.
    pub range: Range<usize>,
    /// The rule codes it names (names are resolved to codes).
    pub codes: Vec<&'static str>,
    /// How far it reaches.
    pub reach: Reach,
    /// The `reason="..."` text, when there is one.
    pub reason: Option<String>,
    /// Why the suppression is ignored, when it is (no reason, unknown code).
    pub problem: Option<String>,
}

/// Every suppression comment of the page.
pub fn parse(page: &Page) -> Vec<Suppression> {
    page.comments
        .iter()
        .filter_map(|comment| {
            let inner = page.text()[comment.inner.clone()].trim();
            looks_like_a_suppression(inner).then(|| parse_one(page, comment.range.clone(), inner))
        })
        .collect()
}

/// A comment that is, or was meant to be, a suppression: `scope-lint-disable...`, or any other
/// `scope-lint-` word (`scope-lint-disabel-next-line`, `scope-lint-ignore`), which SL007 reports as
/// misspelled. The generated-table markers (`scope-lint:table`) are not suppressions.
fn looks_like_a_suppression(inner: &str) -> bool {
    inner.starts_with(PREFIX) || inner.starts_with("scope-lint-")
}

fn parse_one(page: &Page, range: Range<usize>, inner: &str) -> Suppression {
    let (directive, arguments) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    let form = directive.strip_prefix(PREFIX);
    let reach = match form {
        Some("-file") => Reach::File,
        _ => Reach::Line(next_content_line(page, range.end)),
    };
    let (code_part, reason) = match arguments.find("reason=") {
        Some(index) => (
            &arguments[..index],
            Some(quoted(&arguments[index + "reason=".len()..])),
        ),
        None => (arguments, None),
    };
    let mut codes = Vec::new();
    let mut problem = None;
    if !matches!(form, Some("" | "-next-line" | "-file")) {
        problem = Some(format!(
            "`{directive}` is not a suppression (use `{PREFIX}-next-line` or `{PREFIX}-file`)"
        ));
    }
    for word in code_part.split([' ', ',']).filter(|word| !word.is_empty()) {
        match find_rule(word) {
            // A rule named twice (its code and its name) is one code.
            Some(rule) if codes.contains(&rule.code()) => {}
            Some(rule) => codes.push(rule.code()),
            None => problem = Some(format!("unknown rule `{word}` in the suppression")),
        }
    }
    if codes.is_empty() && problem.is_none() {
        problem = Some("the suppression names no rule (write the codes, like `SL003`)".to_owned());
    }
    let reason = reason.filter(|reason| !reason.trim().is_empty());
    if reason.is_none() && problem.is_none() {
        problem = Some(
            "the suppression has no reason (add `reason=\"...\"`), so it is ignored".to_owned(),
        );
    }
    Suppression {
        range,
        codes,
        reach,
        reason,
        problem,
    }
}

/// The text of a `"..."` value (or the rest of the comment when it is not quoted).
fn quoted(text: &str) -> String {
    let text = text.trim();
    match text.strip_prefix('"') {
        Some(inner) => inner.split('"').next().unwrap_or("").to_owned(),
        None => text.to_owned(),
    }
}

/// The first line after `offset` that is not blank.
fn next_content_line(page: &Page, offset: usize) -> usize {
    let source = &page.source;
    let mut line = source.position(offset).line + 1;
    while line <= source.line_count() && page.text()[source.line_range(line)].trim().is_empty() {
        line += 1;
    }
    line
}

/// Removes the findings a valid suppression covers; returns, per suppression, the codes it names that
/// matched one (in the order it names them).
pub fn apply(
    page: &Page,
    suppressions: &[Suppression],
    findings: &mut Vec<Finding>,
) -> Vec<Vec<&'static str>> {
    let mut matched = vec![Vec::new(); suppressions.len()];
    findings.retain(|finding| {
        let line = page.source.position(finding.span.start).line;
        let covering = suppressions.iter().position(|suppression| {
            suppression.problem.is_none()
                && suppression.codes.contains(&finding.code)
                && match suppression.reach {
                    Reach::File => true,
                    Reach::Line(target) => target == line,
                }
        });
        if let Some(index) = covering {
            matched[index].push(finding.code);
        }
        covering.is_none()
    });
    suppressions
        .iter()
        .zip(matched)
        .map(|(suppression, matched)| {
            let mut codes = suppression.codes.clone();
            codes.retain(|code| matched.contains(code));
            codes
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::source::SourceText;
    use crate::doc::{Dialect, Page};

    fn suppressions(text: &str, dialect: Dialect) -> Vec<Suppression> {
        parse(&Page::parse(SourceText::new("t", text.to_owned()), dialect))
    }

    #[test]
    fn both_comment_syntaxes_and_both_reaches_are_read() {
        let markdown = suppressions(
            "<!-- scope-lint-disable-next-line SL003 reason=\"a quote\" -->\n\nClaim.\n",
            Dialect::Markdown,
        );
        assert_eq!(markdown[0].codes, vec!["SL003"]);
        assert_eq!(markdown[0].reach, Reach::Line(3));
        assert_eq!(markdown[0].reason.as_deref(), Some("a quote"));
        assert_eq!(markdown[0].problem, None);
        let mdx = suppressions(
            "{/* scope-lint-disable-file SL004, contradicting-claim reason=\"legacy names\" */}\n",
            Dialect::Mdx,
        );
        assert_eq!(mdx[0].codes, vec!["SL004", "SL003"]);
        assert_eq!(mdx[0].reach, Reach::File);
        let twice = suppressions(
            "<!-- scope-lint-disable-file SL003, SL004 contradicting-claim reason=\"x\" -->\n",
            Dialect::Markdown,
        );
        assert_eq!(twice[0].codes, vec!["SL003", "SL004"]);
    }

    #[test]
    fn a_missing_reason_or_unknown_code_is_a_problem() {
        let text = "<!-- scope-lint-disable-next-line SL003 -->\n<!-- scope-lint-disable-next-line SL099 reason=\"x\" -->\n<!-- scope-lint-disable-everything SL003 reason=\"x\" -->\n";
        let found = suppressions(text, Dialect::Markdown);
        assert_eq!(
            found[0].problem.as_deref(),
            Some("the suppression has no reason (add `reason=\"...\"`), so it is ignored")
        );
        assert_eq!(
            found[1].problem.as_deref(),
            Some("unknown rule `SL099` in the suppression")
        );
        assert!(
            found[2]
                .problem
                .as_deref()
                .unwrap()
                .starts_with("`scope-lint-disable-everything` is not a suppression")
        );
    }

    #[test]
    fn a_misspelled_directive_is_a_problem_and_a_table_marker_is_no_suppression() {
        let text = "<!-- scope-lint-disabel-next-line SL003 reason=\"x\" -->\n<!-- scope-lint:table product=r2 -->\n<!-- /scope-lint:table -->\n";
        let found = suppressions(text, Dialect::Markdown);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].problem.as_deref(),
            Some(
                "`scope-lint-disabel-next-line` is not a suppression (use `scope-lint-disable-next-line` or `scope-lint-disable-file`)"
            )
        );
    }
}
