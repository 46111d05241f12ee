//! Where an edit goes in a page's text: the end of a section or of a block, whole lines, the blank lines
//! around a removed call-out, and re-indenting a call-out for its new place. Text positions only; what to
//! insert is decided in [`super::intents`].

use crate::doc::blank::{BLANK, is_blank, trim_blank_end};
use std::ops::Range;

use crate::doc::{Page, SectionId};

/// Where a new call-out goes and how it is indented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Spot {
    /// The byte offset after which the call-out is inserted (the end of the last line of content).
    pub(super) offset: usize,
    /// The whitespace before each line of the call-out.
    pub(super) indent: String,
}

/// The end of the last non-blank line of `section`'s own content (before its first subsection), never
/// before the section's heading, the front matter or an `import`/`export` statement of that section.
pub(super) fn section_end(page: &Page, section: SectionId) -> Spot {
    let text = page.text();
    let end = page.section_body_end(section);
    let heading_end = page
        .heading_of(section)
        .map_or(0, |heading| heading.range.end);
    // Only ESM lines before the end of this section: one further down the page belongs to another section.
    let esm_end = page
        .esm
        .iter()
        .map(|range| range.end)
        .filter(|esm_end| *esm_end <= end)
        .max()
        .unwrap_or(0);
    let front_end = page.front_matter.as_ref().map_or(0, |front| front.end);
    let floor = heading_end.max(esm_end).max(front_end).min(end);
    let end = match page.headings.get(section.0) {
        Some(_) => before_comments_above(text, end, floor),
        None => end,
    };
    let end = before_container_of(page, end, floor);
    Spot {
        offset: content_end(text, end).max(content_end(text, floor)),
        indent: String::new(),
    }
}

/// `heading_start`, or the start of the comment lines right above the heading (no blank line between, none
/// before `floor`): a one-line HTML or MDX comment there belongs to the heading (a
/// `scope-lint-disable-next-line`, a markdownlint or Vale directive), so the call-out goes before it.
fn before_comments_above(text: &str, heading_start: usize, floor: usize) -> usize {
    let mut start = heading_start;
    if crate::doc::source::line_start(text, start) != start {
        return start;
    }
    while start > floor {
        let break_length = if text[..start].ends_with("\r\n") {
            2
        } else {
            1
        };
        let line_start = crate::doc::source::line_start(text, start - break_length);
        let line = text[line_start..start].trim();
        // The closing comment of a generated region ends the region, not a note on the heading.
        let comment = ((line.starts_with("<!--") && line.ends_with("-->"))
            || (line.starts_with("{/*") && line.ends_with("*/}")))
            && !line.contains("scope-lint:table");
        if !comment || line_start < floor {
            break;
        }
        start = line_start;
    }
    start
}

/// Where the section ending at `end` (the next heading) may take a call-out: when that heading sits inside
/// a block (a blockquote, a list item, a `:::` directive, a JSX element such as `<Tabs>`, a paired Hugo
/// shortcode such as `{{< tabs >}}` or `{{% details %}}`) that starts after `floor`, the start of the
/// outermost such block, so that the call-out goes before the block instead of into it (inside the first
/// `<TabItem>` or tab, a collapsed `details`, or splitting a blockquote); else `end`.
fn before_container_of(page: &Page, end: usize, floor: usize) -> usize {
    let blocks = outline_starting_in(page, floor..end);
    let first_element = page
        .elements
        .partition_point(|element| element.open.range.start < floor);
    let elements = page.elements[first_element..]
        .iter()
        .take_while(|element| element.open.range.start < end)
        .map(crate::doc::Element::range);
    let container_start = blocks
        .chain(elements)
        .chain(paired_shortcodes(page, floor..end))
        .filter(|range| floor <= range.start && range.start < end && end < range.end)
        .map(|range| range.start)
        .min()
        .unwrap_or(end);
    not_splitting_a_block(page, container_start, floor)
}

/// `at`, or the start of the outermost block of the page's outline that holds it past its first byte and
/// starts after `floor`: in a Markdown page, `<div>` and `<div>` on two lines are one HTML block, and the
/// element the heading below sits in opens on its second line; the call-out goes before the block, not
/// into it.
fn not_splitting_a_block(page: &Page, at: usize, floor: usize) -> usize {
    outline_starting_in(page, floor..at)
        .filter(|range| floor <= range.start && range.start < at && at < range.end)
        .map(|range| range.start)
        .min()
        .unwrap_or(at)
}

/// The ranges of the page's outline blocks that start in `span`, found by bisection (the outline is in
/// order of start): a page of thousands of sections places each section's call-out without reading every
/// block.
fn outline_starting_in(page: &Page, span: Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
    let first = page
        .outline
        .partition_point(|block| block.range.start < span.start);
    page.outline[first..]
        .iter()
        .take_while(move |block| block.range.start < span.end)
        .map(|block| block.range.clone())
}

/// Whether `offset` lies inside a JSX element or paired Hugo shortcode that opens at or after `from`: a
/// spot there (right after a listing whose item runs on over `{{< tabs >}}` lines as lazy text) would put
/// the call-out into one tab.
pub(super) fn in_a_container_opened_after(page: &Page, from: usize, offset: usize) -> bool {
    page.elements
        .iter()
        .map(crate::doc::Element::range)
        .chain(paired_shortcodes(page, from..offset))
        .any(|range| from <= range.start && range.start < offset && offset < range.end)
}

/// The ranges of the page's paired Hugo shortcodes (`{{< tabs >}}` ... `{{< /tabs >}}`), read only when
/// one may open in `span` (the page model keeps JSX elements, not shortcodes).
fn paired_shortcodes(page: &Page, span: Range<usize>) -> Vec<Range<usize>> {
    let text = page.text();
    let may_open = |opener: &str| text[span.clone()].contains(opener);
    if span.is_empty() || !(may_open("{{<") || may_open("{{%")) {
        return Vec::new();
    }
    let scan = crate::doc::mdx::scan(text, page.dialect);
    crate::doc::markdown::pair_elements(&scan.shortcodes)
        .iter()
        .filter(|element| element.close.is_some())
        .map(crate::doc::Element::range)
        .collect()
}

/// The end of the last line before `limit` that is not blank (only spaces, tabs and line breaks), without
/// its line break: the place to insert after so that the line and its ending stay whole. A `limit` inside a
/// line counts the part of the line before it (a section that ends at a heading in a list item or
/// blockquote ends there: the rest of the line is the next section's).
fn content_end(text: &str, limit: usize) -> usize {
    let head = &text[..limit];
    let content = trim_blank_end(head);
    if content.is_empty() {
        return 0;
    }
    // Keep trailing spaces and tabs of the last content line: insert at the end of the line itself.
    head[content.len()..]
        .find(['\r', '\n'])
        .map_or(limit, |index| content.len() + index)
}

/// [`content_end`] of a block that ends at `limit`, and the end of that line when `limit` is inside it: a
/// block that ends mid-line (an expression's `}` before `;`, a list item or `</table>` before trailing
/// spaces) is not split from the rest of its line.
fn block_content_end(text: &str, limit: usize) -> usize {
    let end = content_end(text, limit);
    if end == 0 || line_break_follows(text, end) {
        return end;
    }
    text[end..]
        .find(['\r', '\n'])
        .map_or(text.len(), |index| end + index)
}

/// Whether a line break or the end of the text is at `offset`.
fn line_break_follows(text: &str, offset: usize) -> bool {
    offset == text.len() || text[offset..].starts_with(['\r', '\n'])
}

/// The spot after the block holding `range`: inside the innermost list item that holds it (with the item's
/// indentation), else after the top-level block.
pub(super) fn after_block(page: &Page, range: Range<usize>) -> Spot {
    after_block_where(page, range, |item, range| {
        item.start <= range.start && range.end <= item.end
    })
}

/// The spot right after the listing `anchor` (a whole list or table): inside the innermost list item that
/// holds more than it (a list nested in an item), else after the top-level block. Unlike [`after_block`],
/// the one item of a one-item list, which spans the whole list, does not count.
pub(super) fn after_listing(page: &Page, anchor: Range<usize>) -> Spot {
    after_block_where(page, anchor, |item, anchor| {
        item.start <= anchor.start && anchor.end <= item.end && item != anchor
    })
}

fn after_block_where(
    page: &Page,
    range: Range<usize>,
    item_holds: impl Fn(&Range<usize>, &Range<usize>) -> bool,
) -> Spot {
    if let Some(item) = innermost_item(page, &range, &item_holds) {
        return Spot {
            offset: block_content_end(page.text(), item.range.end),
            indent: " ".repeat(item.content_indent),
        };
    }
    let block_end = page
        .blocks
        .iter()
        .filter(|block| block.start <= range.start && range.start < block.end.max(block.start + 1))
        .map(|block| block.end)
        .max()
        .unwrap_or(range.end);
    let element_end = page
        .elements
        .iter()
        .map(crate::doc::Element::range)
        .chain(paired_shortcodes(page, 0..range.start))
        .filter(|element| element.start <= range.start && range.end <= element.end)
        .map(|element| element.end)
        .max()
        .unwrap_or(0);
    let end = block_end.max(element_end).max(range.end);
    Spot {
        offset: block_content_end(page.text(), end),
        indent: String::new(),
    }
}

/// The shortest item of the page's Markdown lists that holds `range` by `item_holds` (which needs the item
/// to start at or before `range` and end at or after it), the first in list order among equals. The items
/// that start before `range` are read nearest first, and no further back than the best one's length
/// before `range`'s end: an item that starts there is longer. A page of thousands of list items finds each
/// listing's item without reading them all.
fn innermost_item<'p>(
    page: &'p Page,
    range: &Range<usize>,
    item_holds: &impl Fn(&Range<usize>, &Range<usize>) -> bool,
) -> Option<&'p crate::doc::MarkdownItem> {
    let items = page.markdown_items();
    let before = items.partition_point(|item| item.range.start <= range.start);
    let mut best: Option<&crate::doc::MarkdownItem> = None;
    for item in items[..before].iter().rev() {
        if best.is_some_and(|best| range.end.saturating_sub(item.range.start) > best.range.len()) {
            break;
        }
        let shorter =
            best.is_none_or(|best| (item.range.len(), item.order) < (best.range.len(), best.order));
        if shorter && item_holds(&item.range, range) {
            best = Some(item);
        }
    }
    best
}

/// From the start of `range`'s first line to the end of its last line, line break included.
pub(super) fn whole_lines(text: &str, range: Range<usize>) -> Range<usize> {
    let start = text[..range.start]
        .rfind(['\n', '\r'])
        .map_or(0, |index| index + 1);
    start..line_after(text, range.end.max(start))
}

/// The offset just after the line break (`\n`, `\r\n` or a lone `\r`) that ends the line holding `offset`
/// (or the end of the text).
pub(super) fn line_after(text: &str, offset: usize) -> usize {
    let bytes = text.as_bytes();
    let after_break = match offset.checked_sub(1).map(|before| bytes[before]) {
        Some(b'\n') => true,
        Some(b'\r') => bytes.get(offset) != Some(&b'\n'),
        _ => false,
    };
    if after_break {
        return offset;
    }
    crate::doc::source::next_line_start(text, offset)
}

/// What removing `lines` takes with it, as ranges and their replacements in order of preference: one blank
/// line that separates them from what follows (or, when nothing but blank lines follows, the blank line
/// before them), so the blocks around keep one blank line between them. Between two lines of content with
/// no blank line on either side, the lines are replaced by a line break (blocks at the top level stay a
/// blank line apart), or, first when they are indented (inside a list item: a call-out in a tight list
/// leaves it tight), go alone; with a blank line after only, the lines alone (at the top level: the blank
/// line stays between the blocks around), then the lines and that line (first when they are indented).
/// The caller keeps the first that leaves the page's structure.
pub(super) fn removal_ranges(
    text: &str,
    lines: Range<usize>,
    newline: &str,
) -> Vec<(Range<usize>, String)> {
    let blank_after = blank_lines_from(text, lines.end);
    let content_after = lines.end + blank_after.iter().sum::<usize>() < text.len();
    let blank_before = blank_line_before(text, lines.start);
    match (blank_after.first(), content_after, blank_before) {
        // Without a blank line before, the lines alone keep the blank line after between the blocks around
        // ("text\n> note\n\nmore": taking the blank line too would join the paragraphs; "## A\n> note\n\n##
        // B" would glue the headings). Inside a list item, the blank line goes with them first: a call-out
        // between two items of a tight list leaves it tight.
        (Some(first_blank), true, None) if lines.start > 0 => {
            let with_blank = (lines.start..lines.end + first_blank, String::new());
            let alone = (lines.clone(), String::new());
            in_list_first(&text[lines], with_blank, alone)
        }
        (Some(first_blank), true, _) => vec![(lines.start..lines.end + first_blank, String::new())],
        (None, true, None) if lines.start > 0 => {
            let alone = (lines.clone(), String::new());
            let line_break = (lines.clone(), newline.to_owned());
            in_list_first(&text[lines], alone, line_break)
        }
        (_, false, Some(blank_before)) => vec![(blank_before..lines.end, String::new())],
        _ => vec![(lines, String::new())],
    }
}

/// Two removals of `removed` in order of preference: `in_list` first when the lines are indented (inside a
/// list item, where a tight list must stay tight), `top_level` first otherwise.
fn in_list_first<T>(removed: &str, in_list: T, top_level: T) -> Vec<T> {
    if removed.starts_with([' ', '\t']) {
        vec![in_list, top_level]
    } else {
        vec![top_level, in_list]
    }
}

/// The lengths (line break included) of the blank lines that start at `offset`, in order.
fn blank_lines_from(text: &str, offset: usize) -> Vec<usize> {
    let mut lengths = Vec::new();
    let mut at = offset;
    while at < text.len() {
        let rest = &text[at..];
        let line_len = rest.find('\n').map_or(rest.len(), |index| index + 1);
        if !rest[..line_len].trim_matches(BLANK).is_empty() {
            break;
        }
        lengths.push(line_len);
        at += line_len;
    }
    lengths
}

/// The start of the line before the one at `line_start`, when that line is blank.
fn blank_line_before(text: &str, line_start: usize) -> Option<usize> {
    let before = text[..line_start].strip_suffix('\n')?;
    let start = before.rfind('\n').map_or(0, |index| index + 1);
    before[start..]
        .trim_matches([' ', '\t', '\r'])
        .is_empty()
        .then_some(start)
}

/// The whole lines of a call-out, when nothing but indentation shares them; a call-out that shares a line
/// with other content (a list marker, a quote marker, text) is not moved or removed automatically.
pub(super) fn own_lines(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let lines = whole_lines(text, range.clone());
    let before = &text[lines.start..range.start];
    let after = &text[range.end.min(lines.end)..lines.end];
    let only_space = is_blank;
    (only_space(before) && only_space(after)).then_some(lines)
}

/// Moves every line of `text` from its common indentation to `indent`.
pub(super) fn reindent(text: &str, indent: &str, newline: &str) -> String {
    let common = text
        .lines()
        .filter(|line| !is_blank(line))
        .map(|line| line.len() - line.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|line| {
            let line = line.trim_end_matches('\r');
            if is_blank(line) {
                String::new()
            } else {
                format!("{indent}{}", &line[common.min(line.len())..])
            }
        })
        .collect::<Vec<_>>()
        .join(newline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::source::SourceText;
    use crate::doc::{Dialect, Page};

    #[test]
    fn a_line_ends_at_a_line_feed_a_crlf_or_a_lone_carriage_return() {
        for (text, offset, after) in [
            ("---\rtitle: 日本\r---\r\r## A\r", 21, 22),
            ("---\rtitle: 日本\r---\r\r## A\r", 18, 18),
            ("---\r\ntitle: 🚀\r\n---\r\n", 21, 23),
            ("---\ntitle: x\n---\n", 15, 17),
            ("a\rb", 2, 2),
            ("a\r\nb", 2, 3),
            ("a\r\nb", 3, 3),
            ("é\u{301}", 0, 4),
        ] {
            assert_eq!(line_after(text, offset), after, "{text:?} {offset}");
        }
        assert_eq!(whole_lines("a\rb 日本\rc", 3..4), 2..11);
    }

    #[test]
    fn the_innermost_item_is_the_shortest_holding_one_of_all_the_lists() {
        let pages = [
            "- a\n  - b\n  - c\n    - d\n- e\n",
            "- ## H0\n  - AI Gateway Read\n- ## H1\n  - AI Gateway Run\n",
            "1. 日本\n   - é\u{301}\n\n     - 🚀\n2. שלום\n\n- x\n  > - y\n  >   - z\n",
            "<ul><li>a</li></ul>\n\n- a\n  <ul><li>b</li></ul>\n- c\n",
            "* a\n\n  * b\n\n    * c\n\n      text\n\n  * d\n* e\n",
        ];
        fn holds(item: &Range<usize>, range: &Range<usize>) -> bool {
            item.start <= range.start && range.end <= item.end
        }
        fn holds_more(item: &Range<usize>, range: &Range<usize>) -> bool {
            holds(item, range) && item != range
        }
        for text in pages {
            let page = Page::parse(
                SourceText::new(std::path::Path::new("p.md"), text.to_owned()),
                Dialect::Markdown,
            );
            let scanned =
                |range: &Range<usize>,
                 item_holds: &dyn Fn(&Range<usize>, &Range<usize>) -> bool| {
                    page.lists
                        .iter()
                        .filter(|list| !list.html)
                        .flat_map(|list| list.items.iter())
                        .filter(|item| item_holds(&item.range, range))
                        .min_by_key(|item| item.range.len())
                        .map(|item| item.range.clone())
                };
            let mut ranges: Vec<Range<usize>> =
                page.lists.iter().map(|list| list.range.clone()).collect();
            ranges.extend(
                page.lists
                    .iter()
                    .flat_map(|list| list.items.iter().map(|item| item.range.clone())),
            );
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|at| text.is_char_boundary(*at))
                .collect();
            ranges.extend(boundaries.iter().flat_map(|&start| {
                boundaries
                    .iter()
                    .filter(move |&&end| end >= start)
                    .map(move |&end| start..end)
            }));
            for range in &ranges {
                for item_holds in [holds, holds_more] {
                    let found =
                        innermost_item(&page, range, &item_holds).map(|item| item.range.clone());
                    assert_eq!(found, scanned(range, &item_holds), "{text:?} {range:?}");
                }
            }
        }
    }

    #[test]
    fn removal_takes_one_separating_blank_line() {
        let text = "a\n\n> [!NOTE]\n> x\n\nb\n";
        let lines = whole_lines(text, 3..15);
        assert_eq!(&text[lines.clone()], "> [!NOTE]\n> x\n");
        let removed = |text: &str, lines| {
            let (range, replacement) = removal_ranges(text, lines, "\n").remove(0);
            let mut out = text.to_owned();
            out.replace_range(range, &replacement);
            out
        };
        assert_eq!(removed(text, lines), "a\n\nb\n");
        let at_end = "a\n\n> **Note:** x\n";
        assert_eq!(removed(at_end, whole_lines(at_end, 3..16)), "a\n");
    }

    #[test]
    fn removal_never_joins_lines_and_a_crlf_is_not_a_blank_line() {
        let every_removal = |text: &str, range: Range<usize>| {
            removal_ranges(text, whole_lines(text, range), "\r\n")
                .into_iter()
                .map(|(range, replacement)| {
                    let mut out = text.to_owned();
                    out.replace_range(range, &replacement);
                    out
                })
                .collect::<Vec<_>>()
        };
        let removed = |text: &str, range: Range<usize>| every_removal(text, range).remove(0);
        let glued = "## Intro\r\n> **Note:** x\r\n## Perms\r\n";
        assert_eq!(
            every_removal(glued, 10..23),
            ["## Intro\r\n\r\n## Perms\r\n", "## Intro\r\n## Perms\r\n"]
        );
        let in_list = "- a\r\n  > **Note:** x\r\n- b\r\n";
        assert_eq!(
            every_removal(in_list, 5..20),
            ["- a\r\n- b\r\n", "- a\r\n\r\n- b\r\n"]
        );
        let row = "| a |\r\n| - |\r\n| b |\r\n\r\n> **Note:** x\r\n## Next\r\n";
        assert_eq!(
            removed(row, 23..36),
            "| a |\r\n| - |\r\n| b |\r\n\r\n## Next\r\n"
        );
        let last = "text\r\n\r\n> **Note:** x\r\n";
        assert_eq!(removed(last, 8..22), "text\r\n");
        // Right under a heading, with a blank line after: the blank line stays between the headings (a fuzz
        // campaign found `## Intro` glued to `## Account permissions` when SL006 moved such a call-out).
        let under_heading = "## 導入 🚀\r\n:::note\r\nx\r\n:::\r\n\r\n## Perms\r\n";
        assert_eq!(
            every_removal(
                under_heading,
                under_heading.find(":::").unwrap()..under_heading.rfind(":::").unwrap() + 3
            ),
            [
                "## 導入 🚀\r\n\r\n## Perms\r\n",
                "## 導入 🚀\r\n## Perms\r\n"
            ]
        );
        let in_tight_list = "- a\r\n  > **Note:** x\r\n\r\n- b\r\n";
        assert_eq!(
            every_removal(in_tight_list, 5..20),
            ["- a\r\n- b\r\n", "- a\r\n\r\n- b\r\n"]
        );
    }

    #[test]
    fn reindent_moves_lines_to_the_new_indentation() {
        assert_eq!(
            reindent("   :::note\n   x\n   :::", "", "\n"),
            ":::note\nx\n:::"
        );
        assert_eq!(
            reindent(":::note\n\nx\n:::", "  ", "\r\n"),
            "  :::note\r\n\r\n  x\r\n  :::"
        );
    }
}
