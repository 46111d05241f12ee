//! SL010 outdated-generated-table: a `scope-lint:table` region that differs from the capability table.

use std::ops::Range;

use super::{Context, Edit, EditKind, Finding, Fix, Rule};
use crate::catalog::{RuleMeta, Severity};
use crate::doc::Page;
use crate::doc::source::container_prefix;
use crate::doc::source::line_start;
use crate::table::render;

/// SL010 outdated-generated-table, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL010",
    name: "outdated-generated-table",
    severity: Severity::Error,
    fix: true,
    summary: "a `scope-lint:table` region differs from the scope matrix of the capability table",
};

macro_rules! doc {
    () => {
        include_str!("sl010_outdated_generated_table.md")
    };
}

#[doc = doc!()]
pub(crate) struct OutdatedGeneratedTable;

/// The opening comment's keyword and the closing comment's text.
const OPEN: &str = "scope-lint:table";
const CLOSE: &str = "/scope-lint:table";

impl Rule for OutdatedGeneratedTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
    }

    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        for region in regions(context.page) {
            if let Some(finding) = self.check_region(context, &region) {
                out.push(finding);
            }
        }
    }
}

/// One generated region: its opening comment, its arguments and where its content is.
struct Region<'p> {
    open: Range<usize>,
    arguments: &'p str,
    /// Between the end of the opening comment and the start of the closing one; `None` when unclosed.
    content: Option<Range<usize>>,
}

/// The byte ranges of the page's closed generated regions (opening comment to closing comment): other
/// rules leave their content to this one.
pub(crate) fn generated_ranges(page: &Page) -> Vec<Range<usize>> {
    regions(page)
        .into_iter()
        .filter_map(|region| region.content.map(|content| region.open.start..content.end))
        .collect()
}

fn regions(page: &Page) -> Vec<Region<'_>> {
    let text = page.text();
    let mut regions = Vec::new();
    let mut open: Option<Region<'_>> = None;
    for comment in &page.comments {
        let inner = text[comment.inner.clone()].trim();
        if inner == CLOSE {
            if let Some(mut region) = open.take() {
                region.content = Some(region.open.end..comment.range.start);
                regions.push(region);
            }
        } else if let Some(arguments) = inner.strip_prefix(OPEN)
            && (arguments.is_empty() || arguments.starts_with(char::is_whitespace))
        {
            regions.extend(open.take());
            open = Some(Region {
                open: comment.range.clone(),
                arguments: arguments.trim(),
                content: None,
            });
        }
    }
    regions.extend(open);
    regions
}

impl OutdatedGeneratedTable {
    fn check_region(&self, context: &Context<'_>, region: &Region<'_>) -> Option<Finding> {
        let table = context.table;
        let mut product = None;
        for argument in region.arguments.split_whitespace() {
            match argument.split_once('=') {
                Some(("product", id)) => {
                    let id = id.trim_matches('"');
                    match table.product_index(id) {
                        Some(index) => product = Some(index),
                        None => {
                            return Some(
                                Finding::new(
                                    self,
                                    region.open.clone(),
                                    format!("the generated table names product `{id}`, which the capability table does not define"),
                                )
                                .help(format!("use a product id of {}", table.origin)),
                            );
                        }
                    }
                }
                _ => {
                    return Some(
                        Finding::new(
                            self,
                            region.open.clone(),
                            format!("unknown argument `{argument}` of the generated table"),
                        )
                        .help("the only argument is `product=ID`"),
                    );
                }
            }
        }
        let Some(content) = region.content.clone() else {
            return Some(
                Finding::new(
                    self,
                    region.open.clone(),
                    "the generated table has no closing comment",
                )
                .help(format!(
                    "end the region with `{}`",
                    closing_for(context.page, region)
                )),
            );
        };
        let rendered = render::markdown(table, product);
        let text = context.page.text();
        let written = &text[content.clone()];
        let own_lines = continuation_prefix(text, region.open.start)
            .filter(|_| rest_of_line_is_blank(text, region.open.end))
            .filter(|_| closing_stands_alone(text, content.end));
        let prefix = own_lines.clone().unwrap_or_default();
        // Any line ending reads as `\n`: a CRLF or lone-CR page holds the same table.
        let written_lines = written.replace("\r\n", "\n").replace('\r', "\n");
        if without_prefix(&written_lines, &prefix).trim() == rendered.trim() {
            return None;
        }
        let product_note = product
            .map(|index| format!(" (product `{}`)", table.products[index].id))
            .unwrap_or_default();
        let what = format!("the generated table{product_note}");
        let finding = Finding::new(
            self,
            region.open.clone(),
            format!("{what} differs from the capability table"),
        );
        let html_comment_in_mdx = context.page.dialect == crate::doc::Dialect::Mdx
            && text[region.open.clone()].starts_with("<!--");
        if html_comment_in_mdx {
            return Some(finding.help(format!(
                "MDX has no HTML comments (the MDX compiler rejects `<!--`): write the region's comments as \
                 `{{/* {OPEN} ... */}}` and `{{/* {CLOSE} */}}`; `scope-lint fix` then regenerates it"
            )));
        }
        if let Some((what, line)) = block_besides_tables(context.page, &content) {
            return Some(finding.help(format!(
                "the region holds {what} (line {line}), which regenerating the table would delete: move \
                 it out of the region; `scope-lint fix` then regenerates it"
            )));
        }
        if own_lines.is_none() {
            return Some(finding.help(
                "put each comment of the region on a line of its own (text next to one makes the table \
                 part of that paragraph); `scope-lint fix` then regenerates it, and `scope-lint table` \
                 prints the current matrix",
            ));
        }
        let line_ending = context.page.source.newline();
        // The opening comment's own line keeps its line ending; the table's lines take the page's, and
        // the opening comment's container prefix (indentation in a list item, `>` in a blockquote).
        let first_break = if written.starts_with("\r\n") {
            "\r\n"
        } else if written.starts_with(['\n', '\r']) {
            &written[..1]
        } else {
            line_ending
        };
        let blank = prefix.trim_end();
        let rows: String = rendered
            .trim_end()
            .lines()
            .map(|row| format!("{line_ending}{prefix}{row}"))
            .collect();
        let replacement =
            format!("{first_break}{blank}{rows}{line_ending}{blank}{line_ending}{prefix}");
        let fix = Fix {
            description: format!("regenerate the scope-lint:table region{product_note}"),
            edits: vec![Edit {
                file: None,
                range: content,
                replacement,
                kind: EditKind::Content,
            }],
        };
        Some(
            finding
                .help(
                    "`scope-lint fix` regenerates it; `scope-lint table` prints the current matrix",
                )
                .fix(Some(fix)),
        )
    }
}

/// The first block in `content` that is no table and no paragraph (a heading, list, code block, JSX
/// element, call-out or `import`), as words and its line: regenerating the region would delete it, which
/// `scope-lint fix` never does.
fn block_besides_tables(page: &Page, content: &Range<usize>) -> Option<(&'static str, usize)> {
    let inside = |range: &Range<usize>| content.start <= range.start && range.start < content.end;
    let headings = page
        .headings
        .iter()
        .map(|heading| ("a heading", &heading.range));
    let lists = page.lists.iter().map(|list| ("a list", &list.range));
    let code = page
        .code_blocks
        .iter()
        .map(|code| ("a code block", &code.range));
    let callouts = page
        .callouts
        .iter()
        .map(|callout| ("a call-out", &callout.range));
    let esm = page
        .esm
        .iter()
        .map(|range| ("an `import` or `export`", range));
    let first = headings
        .chain(lists)
        .chain(code)
        .chain(callouts)
        .chain(esm)
        .filter(|(_, range)| inside(range))
        .min_by_key(|(_, range)| range.start)
        .map(|(what, range)| (what, range.start));
    let element = page
        .elements
        .iter()
        .map(|element| element.range())
        .filter(|range| inside(range))
        .map(|range| ("a JSX element", range.start))
        .min_by_key(|(_, start)| *start);
    let (what, start) = first
        .into_iter()
        .chain(element)
        .min_by_key(|(_, start)| *start)?;
    Some((what, page.source.line_of(start)))
}

/// What stands before the opening comment at `start` on its line, as the prefix of the lines after it:
/// indentation and blockquote markers as they are, a list item's marker as spaces of its width (the
/// item's content column); empty at the top level. `None` when text stands before the comment.
fn continuation_prefix(text: &str, start: usize) -> Option<String> {
    let before = &text[line_start(text, start)..start];
    before
        .chars()
        .all(|c| matches!(c, ' ' | '\t' | '>' | '-' | '*' | '+' | '.' | ')') || c.is_ascii_digit())
        .then(|| {
            before
                .chars()
                .map(|c| if matches!(c, '>' | '\t') { c } else { ' ' })
                .collect()
        })
}

/// Whether the closing comment at `start` has only indentation and blockquote markers before it on its
/// line and nothing but blanks after it.
fn closing_stands_alone(text: &str, start: usize) -> bool {
    let before = &text[line_start(text, start)..start];
    let markers_before = container_prefix(before).len() == before.len();
    let after = &text[start..];
    let marker = if after.starts_with("{/*") {
        "*/}"
    } else {
        "-->"
    };
    markers_before
        && after
            .find(marker)
            .is_some_and(|at| rest_of_line_is_blank(text, start + at + marker.len()))
}

/// Whether the line holding `at` has nothing but blanks from `at` on.
fn rest_of_line_is_blank(text: &str, at: usize) -> bool {
    let rest = &text[at..];
    rest[..rest.find(['\n', '\r']).unwrap_or(rest.len())]
        .trim()
        .is_empty()
}

/// `written` (lines ending in `\n`) with `prefix`, or its blank form, taken off the start of each line.
fn without_prefix(written: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return written.to_owned();
    }
    written
        .split_inclusive('\n')
        .map(|line| {
            line.strip_prefix(prefix)
                .or_else(|| line.strip_prefix(prefix.trim_end()))
                .unwrap_or(line)
        })
        .collect()
}

/// The closing comment in the form the opening one uses.
fn closing_for(page: &Page, region: &Region<'_>) -> String {
    if page.text()[region.open.clone()].starts_with("{/*") {
        format!("{{/* {CLOSE} */}}")
    } else {
        format!("<!-- {CLOSE} -->")
    }
}
