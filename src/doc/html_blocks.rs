//! HTML blocks of a Markdown page for the block outline.
//!
//! The pre-pass blanks out HTML tags in Markdown too (so the text inside them is read as prose), which hides
//! from pulldown-cmark the HTML blocks mdBook sees. This finds them again from the tags, by CommonMark's
//! start and end conditions (kinds 1, 6 and 7; comments are not blanked and pulldown-cmark reports them
//! itself), at the top level of the page: each replaces the blocks the blanked text made inside its lines.

use crate::doc::blank::{is_blank, trim_blank_end, trim_blank_start};
use std::ops::Range;

use super::blocks::{Block, BlockKind};
use super::mdx::{Scan, TagKind};

/// CommonMark's block-level tag names (start condition 6).
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
];

/// Tags whose HTML block runs to their closing tag (start condition 1).
const RAW_TAGS: &[&str] = &["pre", "script", "style", "textarea"];

/// Replaces, in `blocks` (document order, top level first), what the blanked tags hid with HTML blocks.
pub(crate) fn restore(text: &str, scan: &Scan, blocks: &mut Vec<Block>) {
    // Each tag asks whether it is in a container or continues a paragraph: answered by binary search, so
    // a page of many tags and many blocks stays linear.
    let containers = Cover::of(
        blocks
            .iter()
            .filter(|block| is_container(block))
            .map(|block| block.range.clone()),
    );
    let paragraphs = Cover::of(
        blocks
            .iter()
            .filter(|block| block.kind == BlockKind::Paragraph)
            .map(|block| block.range.start + 1..block.range.end + 1),
    );
    let quotes = Cover::of(
        blocks
            .iter()
            .filter(|block| block.kind == BlockKind::Blockquote)
            .map(|block| block.range.clone()),
    );
    let mut lists = OpenLists::of(blocks);
    let mut html: Vec<Range<usize>> = Vec::new();
    for tag in &scan.tags {
        let start = tag.range.start;
        if html.last().is_some_and(|last| start < last.end) {
            continue;
        }
        // Up to three spaces from the line start (or from the content column of the list item the line
        // belongs to): only the spaces before the tag are read, never the line.
        let column = start - text[..start].trim_end_matches(' ').len();
        let line_start = start - column;
        let at_line_start =
            line_start == 0 || matches!(text.as_bytes()[line_start - 1], b'\n' | b'\r');
        if !at_line_start || quotes.contains(start) {
            continue;
        }
        let Some(place) = lists.place(text, blocks, start, line_start, column) else {
            continue;
        };
        if column - place.host.map_or(0, |(_, content)| content) > 3 {
            continue;
        }
        let name = tag.name.to_ascii_lowercase();
        let raw = RAW_TAGS.contains(&name.as_str()) && tag.kind == TagKind::Open;
        let interrupts = raw || BLOCK_TAGS.contains(&name.as_str());
        // A line indented less than the item's content is the item's only as a lazy paragraph line,
        // which a blank line before it or an HTML block that interrupts paragraphs rules out.
        if !place.ended.is_empty() && !interrupts && !follows_blank_line(text, line_start) {
            continue;
        }
        let end = if raw {
            let closing = format!("</{name}>");
            let found = find_ignoring_ascii_case(&text[start..], &closing);
            found.map_or(text.len(), |offset| line_end(text, start + offset))
        } else if interrupts
            || (alone_on_line(text, tag.range.end)
                && !continues_paragraph(text, &paragraphs, line_start))
        {
            before_blank_line(text, start)
        } else {
            continue;
        };
        let html_end = line_start_trimmed(text, line_start..end);
        let before = trim_blank_end(&text[..line_start]).len();
        lists.settle(text, blocks, &place, line_start, before, html_end);
        html.push(line_start..end);
    }
    join_paragraphs_split_by_blanking(text, blocks, &containers, &html);
    if html.is_empty() {
        return;
    }
    // `html` is in document order and its ranges do not overlap.
    blocks.retain(|block| {
        let candidates = html.partition_point(|range| range.start <= block.range.start);
        candidates
            .checked_sub(1)
            .is_none_or(|last| block.range.end > html[last].end)
    });
    // A paragraph ends where an HTML block that interrupts it starts (the tag line's text, once the tag is
    // blanked, read as a lazy line of it).
    for block in blocks
        .iter_mut()
        .filter(|block| block.kind == BlockKind::Paragraph)
    {
        let next = html.partition_point(|range| range.start <= block.range.start);
        if let Some(range) = html.get(next)
            && range.start < block.range.end
        {
            block.range.end = trim_blank_end(&text[..range.start])
                .len()
                .max(block.range.start);
        }
    }
    for range in html {
        let end = line_start_trimmed(text, range.clone());
        blocks.push(Block {
            kind: BlockKind::Html,
            range: range.start + leading_spaces(&text[range.clone()])..end,
            depth: 0,
            level: None,
            rows: None,
            items: None,
        });
    }
}

/// A line that held only a tag is blank once the tag is blanked out, and ends a paragraph there that goes
/// on in the page (a tag that is not an HTML block start is inline in it): two top-level paragraphs with no
/// blank line of the page between them are one. One pass that joins into the block before, not a removal
/// from the middle of `blocks` per join.
fn join_paragraphs_split_by_blanking(
    text: &str,
    blocks: &mut Vec<Block>,
    containers: &Cover,
    html: &[Range<usize>],
) {
    let mut joined: Vec<Block> = Vec::with_capacity(blocks.len());
    for after in blocks.drain(..) {
        if let Some(before) = joined.last_mut()
            && before.kind == BlockKind::Paragraph
            && after.kind == BlockKind::Paragraph
            && !containers.contains(after.range.start)
            && before.range.end <= after.range.start
            && !html_between(html, before.range.end, after.range.start)
            && !has_blank_line(&text[before.range.end..after.range.start])
        {
            before.range.end = after.range.end;
            continue;
        }
        joined.push(after);
    }
    *blocks = joined;
}

/// Whether one of `html` (in document order) starts in `from..to`.
fn html_between(html: &[Range<usize>], from: usize, to: usize) -> bool {
    let first = html.partition_point(|range| range.start < from);
    html.get(first).is_some_and(|range| range.start < to)
}

/// Whether `gap` (from the end of one block to the start of the next) holds a blank line.
fn has_blank_line(gap: &str) -> bool {
    gap.split('\n')
        .skip(1)
        .collect::<Vec<_>>()
        .split_last()
        .is_some_and(|(_, middle)| middle.iter().any(|line| line.trim().is_empty()))
}

/// Where a tag that starts a line stands among the Markdown lists around it.
struct ListPlace {
    /// The innermost list whose item the line belongs to, with that item's content column.
    host: Option<(usize, usize)>,
    /// That list and the lists around it.
    around: Vec<usize>,
    /// The lists (inner ones last) that the line ends: it is indented less than their item's content.
    ended: Vec<usize>,
}

/// The lists of the outline that hold the place a tag is at, read in document order: the masked text
/// pulldown-cmark parsed has blank lines where a tag line was, so a list can run on past a tag that ends
/// it in the page (`- item`, a blank line, `<details>`) or stop before an HTML block inside its item.
struct OpenLists {
    /// The list blocks' indices, in document order (an outer list before the lists in it).
    order: Vec<usize>,
    next: usize,
    /// The lists holding the place looked at last, outer first.
    open: Vec<usize>,
    /// Each list's items as (line start, content column), read when first asked.
    items: rustc_hash::FxHashMap<usize, Option<Vec<(usize, ContentColumn)>>>,
}

/// Where a list item's content starts.
#[derive(Debug, Clone, Copy)]
struct ContentColumn {
    /// The least it can be: right after the marker and one space.
    least: usize,
    /// The column itself; `None` after a tab (a tab's width depends on the column it is at).
    exact: Option<usize>,
}

impl OpenLists {
    fn of(blocks: &[Block]) -> OpenLists {
        let mut order: Vec<usize> = (0..blocks.len())
            .filter(|&index| blocks[index].kind == BlockKind::List)
            .collect();
        order.sort_by_key(|&index| {
            (
                blocks[index].range.start,
                std::cmp::Reverse(blocks[index].range.end),
            )
        });
        OpenLists {
            order,
            next: 0,
            open: Vec::new(),
            items: rustc_hash::FxHashMap::default(),
        }
    }

    /// Where the tag at `start`, `column` spaces into the line at `line_start`, stands; `None` when it
    /// cannot be told (an item whose first line or indentation is not plain spaces and a marker).
    fn place(
        &mut self,
        text: &str,
        blocks: &[Block],
        start: usize,
        line_start: usize,
        column: usize,
    ) -> Option<ListPlace> {
        let holds =
            |index: usize| blocks[index].range.start <= start && start < blocks[index].range.end;
        while self.next < self.order.len() && blocks[self.order[self.next]].range.start <= start {
            let list = self.order[self.next];
            self.next += 1;
            while self.open.last().is_some_and(|&open| {
                !(blocks[open].range.start <= blocks[list].range.start
                    && blocks[list].range.end <= blocks[open].range.end)
            }) {
                self.open.pop();
            }
            self.open.push(list);
        }
        let holding: Vec<usize> = self
            .open
            .iter()
            .copied()
            .filter(|&list| holds(list))
            .collect();
        let mut place = ListPlace {
            host: None,
            around: Vec::new(),
            ended: Vec::new(),
        };
        for list in holding {
            if !place.ended.is_empty() {
                place.ended.push(list);
                continue;
            }
            let items = self
                .items
                .entry(list)
                .or_insert_with(|| list_items(text, blocks[list].range.clone()));
            let item = items
                .as_ref()?
                .iter()
                .rev()
                .find(|(item_line, _)| *item_line < line_start);
            let &(_, content) = item?;
            if column < content.least {
                place.ended.push(list);
                continue;
            }
            let exact = content.exact?;
            if column < exact {
                return None;
            }
            place.host = Some((list, exact));
            place.around.push(list);
        }
        Some(place)
    }

    /// Ends the lists `place` says the tag's line (at `line_start`) ends, at `before` (the end of the
    /// text before that line), and makes its host list and the lists around it reach `html_end`. Items of
    /// an ended list after the HTML block make a list of their own, as they do on the page.
    fn settle(
        &mut self,
        text: &str,
        blocks: &mut Vec<Block>,
        place: &ListPlace,
        line_start: usize,
        before: usize,
        html_end: usize,
    ) {
        for &list in &place.ended {
            let items = self.items.get(&list).cloned().flatten().unwrap_or_default();
            let original = blocks[list].range.clone();
            blocks[list].range.end = before.max(original.start);
            blocks[list].items = Some(items.iter().filter(|(line, _)| *line < line_start).count());
            let rest: Vec<&(usize, ContentColumn)> = items
                .iter()
                .filter(|(line, _)| *line > html_end && *line < original.end)
                .collect();
            let Some(&&(first, _)) = rest.first() else {
                continue;
            };
            let marker = first + (original.start - line_start_of(text, original.start));
            blocks.push(Block {
                kind: BlockKind::List,
                range: marker..original.end,
                depth: 0,
                level: None,
                rows: None,
                items: Some(rest.len()),
            });
            let index = blocks.len() - 1;
            let key = |list: usize| {
                (
                    blocks[list].range.start,
                    std::cmp::Reverse(blocks[list].range.end),
                )
            };
            let at = self.next
                + self.order[self.next..].partition_point(|&other| key(other) < key(index));
            self.order.insert(at, index);
        }
        for &list in &place.around {
            let range = &mut blocks[list].range;
            range.end = range.end.max(html_end);
        }
    }
}

/// The start of the line holding `offset`.
fn line_start_of(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |at| at + 1)
}

/// The items of the list spanning `range`: each item line's start and its content column (CommonMark's
/// rule: the marker's width and the spaces after it, one space when there are five or more or the line
/// holds only the marker). `None` when the first item's marker has more than spaces before it on its line
/// (a list in a blockquote, or one that starts another item's line).
fn list_items(text: &str, range: Range<usize>) -> Option<Vec<(usize, ContentColumn)>> {
    let first_line = line_start_of(text, range.start);
    let marker_column = range.start - first_line;
    if !text[first_line..range.start]
        .bytes()
        .all(|byte| byte == b' ')
    {
        return None;
    }
    let mut items = Vec::new();
    let mut line = first_line;
    while line < range.end {
        let end = line_end(text, line);
        let content = &text[line..end];
        let spaces = content.len() - content.trim_start_matches(' ').len();
        if spaces == marker_column
            && let Some(marker) = marker_width(&content[spaces..])
        {
            let after = &content[spaces + marker..];
            let gap = after.len() - after.trim_start_matches(' ').len();
            let least = spaces + marker + 1;
            let exact = if after[gap..].starts_with('\t') {
                None
            } else if is_blank(after) || gap >= 5 {
                Some(least)
            } else {
                Some(spaces + marker + gap)
            };
            items.push((line, ContentColumn { least, exact }));
        }
        line = text[end..]
            .find('\n')
            .map_or(text.len(), |offset| end + offset + 1);
    }
    Some(items)
}

/// The width of the list marker (`-`, `+`, `*`, or one to nine digits and `.` or `)`) that starts `line`
/// and is followed by a space, a tab or the line's end.
fn marker_width(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let width = match bytes.first()? {
        b'-' | b'+' | b'*' => 1,
        _ => {
            let digits = bytes
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
            if !(1..=9).contains(&digits) || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
    };
    matches!(bytes.get(width), None | Some(b' ' | b'\t' | b'\r')).then_some(width)
}

/// Whether the line before the one starting at `line_start` is blank (or there is none).
fn follows_blank_line(text: &str, line_start: usize) -> bool {
    let before = text[..line_start].trim_end_matches(['\n', '\r']);
    let previous = before.rfind(['\n', '\r']).map_or(0, |at| at + 1);
    line_start == 0 || is_blank(&before[previous..])
}

fn is_container(block: &Block) -> bool {
    matches!(block.kind, BlockKind::List | BlockKind::Blockquote)
}

/// The union of some ranges, as disjoint ranges in order: whether an offset is in one of them is a binary
/// search.
struct Cover(Vec<Range<usize>>);

impl Cover {
    fn of(ranges: impl Iterator<Item = Range<usize>>) -> Self {
        let mut ranges: Vec<Range<usize>> = ranges.filter(|range| !range.is_empty()).collect();
        ranges.sort_unstable_by_key(|range| range.start);
        let mut union: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match union.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => union.push(range),
            }
        }
        Self(union)
    }

    fn contains(&self, offset: usize) -> bool {
        let candidates = self.0.partition_point(|range| range.start <= offset);
        candidates
            .checked_sub(1)
            .is_some_and(|last| offset < self.0[last].end)
    }
}

/// The first offset of `needle` (ASCII) in `haystack`, ASCII case ignored, without copying the haystack.
fn find_ignoring_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether only whitespace follows `offset` on its line (start condition 7).
fn alone_on_line(text: &str, offset: usize) -> bool {
    is_blank(&text[offset..line_end(text, offset)])
}

/// Whether the line before `line_start` is part of a paragraph (condition 7 cannot interrupt one).
/// `paragraphs` covers each paragraph's `start + 1..=end`.
fn continues_paragraph(text: &str, paragraphs: &Cover, line_start: usize) -> bool {
    let previous_end = trim_blank_end(&text[..line_start]).len();
    if previous_end == 0 || text[previous_end..line_start].matches('\n').count() > 1 {
        return false;
    }
    paragraphs.contains(previous_end)
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..]
        .find(['\n', '\r'])
        .map_or(text.len(), |offset| from + offset)
}

/// The end of the last line before the first blank line after `from` (or of the text).
fn before_blank_line(text: &str, from: usize) -> usize {
    let mut end = line_end(text, from);
    loop {
        let next = text[end..]
            .char_indices()
            .find(|(_, c)| *c != '\r' && *c != '\n')
            .map_or(text.len(), |(offset, _)| end + offset);
        if next >= text.len() || text[end..next].matches('\n').count() > 1 {
            return end;
        }
        let next_end = line_end(text, next);
        if is_blank(&text[next..next_end]) {
            return end;
        }
        end = next_end;
    }
}

fn leading_spaces(text: &str) -> usize {
    text.len() - trim_blank_start(text).len()
}

fn line_start_trimmed(text: &str, range: Range<usize>) -> usize {
    range.start + trim_blank_end(&text[range]).len()
}
