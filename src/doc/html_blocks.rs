//! HTML blocks of a Markdown page for the block outline.
//!
//! The pre-pass blanks out HTML tags in Markdown too (so the text inside them is read as prose), which hides
//! from pulldown-cmark the HTML blocks mdBook sees. This finds them again from the tags, by CommonMark's
//! start and end conditions (kinds 1, 6 and 7; comments are not blanked and pulldown-cmark reports them
//! itself), at the top level of the page or in a list item they are indented into (`lists`: a tag line
//! less indented than the item ends the list): each replaces the blocks the blanked text made inside its
//! lines.

use crate::doc::blank::{indent_width, is_blank, trim_blank_end, trim_blank_start};
use std::ops::Range;

use super::blocks::{Block, BlockKind};
use super::mdx::{Scan, Tag, TagKind};

mod lists;
pub(crate) use lists::marker_width as list_marker_width;
use lists::{OpenLists, follows_blank_line};

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

/// Where the tags start that open an HTML block which interrupts a paragraph (CommonMark's kinds 1 and 6)
/// at the start of a line, after at most three spaces and no container marker: such a line is never a
/// lazy line of a blockquote above it. In document order.
pub(crate) fn interrupting_tag_starts(text: &str, scan: &Scan) -> Vec<usize> {
    scan.tags
        .iter()
        .filter(|tag| {
            TagLine::of(text, tag.range.start)
                .is_some_and(|line| !line.after_marker && line.column <= 3)
                && starts_a_block(tag).1
        })
        .map(|tag| tag.range.start)
        .collect()
}

/// Whether `tag` opens a raw HTML block (CommonMark's kind 1: `<pre>`, `<script>`, ...), and whether it
/// starts one that interrupts a paragraph (kinds 1 and 6).
pub(crate) fn starts_a_block(tag: &Tag) -> (bool, bool) {
    // Asked of every tag of a Markdown page: compared in place, no lower-cased copy of the name.
    let named = |list: &[&str]| {
        list.iter()
            .any(|known| tag.name.eq_ignore_ascii_case(known))
    };
    let raw = tag.kind == TagKind::Open && named(RAW_TAGS);
    (raw, raw || named(BLOCK_TAGS))
}

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
    let mut closers = RawClosers::default();
    let mut html: Vec<Range<usize>> = Vec::new();
    for tag in &scan.tags {
        let start = tag.range.start;
        if html.last().is_some_and(|last| start < last.end) {
            continue;
        }
        // Up to three spaces from the line start (or from the content column of the list item the line
        // belongs to, which may start on it): only what stands before the tag is read, never the line.
        let Some(TagLine {
            line_start,
            column,
            after_marker,
        }) = TagLine::of(text, start)
        else {
            continue;
        };
        if quotes.contains(start) {
            continue;
        }
        let Some(place) = lists.place(text, blocks, start, line_start, column) else {
            continue;
        };
        let host_content = place.host.map(|(_, content)| content);
        // After a marker, only as the first line of an item the outline holds (`2. <div>` under a
        // paragraph is the paragraph's text).
        if column - host_content.unwrap_or(0) > 3 || after_marker && host_content != Some(column) {
            continue;
        }
        let (raw, interrupts) = starts_a_block(tag);
        // A line indented less than the item's content is the item's only as a lazy paragraph line,
        // which a blank line before it or an HTML block that interrupts paragraphs rules out.
        if !place.ended.is_empty() && !interrupts && !follows_blank_line(text, line_start) {
            continue;
        }
        let end = if raw {
            closers
                .find(text, start, &tag.name.to_ascii_lowercase())
                .map_or(text.len(), |at| line_end(text, at))
        } else if interrupts
            || (alone_on_line(text, tag.range.end)
                && (after_marker || !continues_paragraph(text, &paragraphs, line_start)))
        {
            before_blank_line(text, start)
        } else {
            continue;
        };
        let end = place
            .host
            .map_or(end, |(_, content)| item_end(text, line_start, content, end));
        // After a list marker the block starts at the tag, and the item's own line is not the block's.
        let block_start = if after_marker { start } else { line_start };
        let html_end = line_start_trimmed(text, block_start..end);
        let before = trim_blank_end(&text[..line_start]).len();
        lists.settle(text, blocks, &place, line_start, before, html_end);
        html.push(block_start..end);
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
            tight: false,
        });
    }
}

/// Where the closing tag of each raw element (`</pre>`, `</script>`, ...) was found, searching from where: a
/// search from a later start reuses it while the closer found lies after that start (or none was found), so
/// a page of many unclosed `<pre>` lines, each ending with its list item, reads the rest of the page once
/// per tag name rather than once per tag.
#[derive(Default)]
struct RawClosers {
    found: Vec<(String, usize, Option<usize>)>,
}

impl RawClosers {
    /// Where `</name>` (ASCII case ignored) first starts at or after `from`.
    fn find(&mut self, text: &str, from: usize, name: &str) -> Option<usize> {
        if let Some(&(_, searched_from, found)) =
            self.found.iter().find(|(known, _, _)| known == name)
            && searched_from <= from
            && found.is_none_or(|at| at >= from)
        {
            return found;
        }
        let found = find_ignoring_ascii_case(&text[from..], &format!("</{name}>"))
            .map(|offset| from + offset);
        self.found.retain(|(known, _, _)| known != name);
        self.found.push((name.to_owned(), from, found));
        found
    }
}

/// Where a tag stands on its line, when it may start an HTML block there: after at most spaces, or after
/// spaces, a list marker and a space or more (the item's first line).
struct TagLine {
    line_start: usize,
    /// The tag's column (the line before it is ASCII).
    column: usize,
    after_marker: bool,
}

impl TagLine {
    fn of(text: &str, start: usize) -> Option<TagLine> {
        TagLine::on_line(text, start_of_marker_line(text.as_bytes(), start)?, start)
    }

    /// [`TagLine::of`], with the line known to start at `line_start`.
    fn on_line(text: &str, line_start: usize, start: usize) -> Option<TagLine> {
        let before = &text[line_start..start];
        let indent = before.len() - before.trim_start_matches(' ').len();
        let after_marker = indent < before.len();
        if after_marker {
            let rest = &before[indent..];
            let marker = lists::marker_width(rest)?;
            if !rest[marker..].bytes().all(|byte| byte == b' ') || rest.len() == marker {
                return None;
            }
        }
        Some(TagLine {
            line_start,
            column: before.len(),
            after_marker,
        })
    }
}

/// Where the line holding `start` starts, when only spaces, or spaces, a list marker's bytes and spaces,
/// may stand before `start` on it; `None` as soon as the bytes read back from `start` cannot be that (so a
/// line of thousands of tags is not read back to its start for each).
fn start_of_marker_line(bytes: &[u8], start: usize) -> Option<usize> {
    // The longest list marker: nine digits and a `.` or `)`.
    const LONGEST_MARKER: usize = 10;
    let spaces_before = |end: usize| {
        end - bytes[..end]
            .iter()
            .rev()
            .take_while(|&&byte| byte == b' ')
            .count()
    };
    let starts_line = |at: usize| at == 0 || matches!(bytes[at - 1], b'\n' | b'\r');
    let marker_end = spaces_before(start);
    if starts_line(marker_end) {
        return Some(marker_end);
    }
    let marker_start = marker_end
        - bytes[..marker_end]
            .iter()
            .rev()
            .take(LONGEST_MARKER + 1)
            .take_while(|&&byte| !matches!(byte, b' ' | b'\n' | b'\r'))
            .count();
    let line_start = spaces_before(marker_start);
    (marker_end - marker_start <= LONGEST_MARKER && starts_line(line_start)).then_some(line_start)
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
    lines_of(gap)
        .skip(1)
        .collect::<Vec<_>>()
        .split_last()
        .is_some_and(|(_, middle)| middle.iter().any(|line| line.trim().is_empty()))
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
    if previous_end == 0 || line_breaks(&text[previous_end..line_start]) > 1 {
        return false;
    }
    paragraphs.contains(previous_end)
}

fn line_end(text: &str, from: usize) -> usize {
    text[from..]
        .find(['\n', '\r'])
        .map_or(text.len(), |offset| from + offset)
}

/// Where the list item whose content starts at `content` (a column) ends, for an HTML block in it from the
/// line at `line_start`: at the end of the last line before the first line with text indented less than
/// that (an HTML block has no lazy lines). Read up to `limit` (where the block ends otherwise) at most.
fn item_end(text: &str, line_start: usize, content: usize, limit: usize) -> usize {
    let mut end = line_end(text, line_start);
    loop {
        if end >= limit {
            return limit;
        }
        let Some(next) = text[end..]
            .find(|c| c != '\r' && c != '\n')
            .map(|offset| end + offset)
        else {
            return limit;
        };
        let next = text[..next].rfind(['\n', '\r']).map_or(0, |at| at + 1);
        let next_end = line_end(text, next);
        let line = &text[next..next_end];
        if !is_blank(line) && indent_width(line) < content {
            return end;
        }
        end = next_end;
    }
}

/// The end of the last line before the first blank line after `from` (or of the text).
fn before_blank_line(text: &str, from: usize) -> usize {
    let mut end = line_end(text, from);
    loop {
        let next = text[end..]
            .char_indices()
            .find(|(_, c)| *c != '\r' && *c != '\n')
            .map_or(text.len(), |(offset, _)| end + offset);
        if next >= text.len() || line_breaks(&text[end..next]) > 1 {
            return end;
        }
        let next_end = line_end(text, next);
        if is_blank(&text[next..next_end]) {
            return end;
        }
        end = next_end;
    }
}

/// How many line breaks `text` holds: `\r\n`, `\n` and a lone `\r` count one each.
fn line_breaks(text: &str) -> usize {
    lines_of(text).count() - 1
}

/// The lines of `text`, without their line breaks (`\r\n`, `\n` or a lone `\r`); one after the last break.
fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let line_start = start?;
        let end = crate::doc::source::line_end(text, line_start);
        start = (end < text.len()).then(|| crate::doc::source::next_line_start(text, end));
        Some(&text[line_start..end])
    })
}

fn leading_spaces(text: &str) -> usize {
    text.len() - trim_blank_start(text).len()
}

fn line_start_trimmed(text: &str, range: Range<usize>) -> usize {
    range.start + trim_blank_end(&text[range]).len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`TagLine::of`] as it read the whole line before the tag.
    fn tag_line_reading_the_whole_line(text: &str, start: usize) -> Option<(usize, usize, bool)> {
        let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |at| at + 1);
        TagLine::on_line(text, line_start, start)
            .map(|line| (line.line_start, line.column, line.after_marker))
    }

    #[test]
    fn a_tag_line_is_read_back_only_as_far_as_a_list_marker_can_reach() {
        let pieces = [
            "<li>",
            " ",
            "  ",
            "-",
            "*",
            "+",
            "1.",
            "123456789)",
            "1234567890.",
            "\t",
            "\n",
            "\r",
            "x",
            "日本",
            "😀",
            "e\u{301}",
            "עברית",
        ];
        let written = [
            "123456789) <li>",
            "x\n  123456789)  <li>",
            "1234567890. <li>",
            "- <li>",
            "-\t<li>",
            "-<li>",
            "日本 <li>",
            " - x <li>",
            "<li><li> <li>",
            "\r   <li>",
        ];
        let mut seed = 11u64;
        let generated =
            (0..3000).map(|length| crate::bytes::pieced_text(&pieces, length % 40, &mut seed));
        for text in written.map(str::to_owned).into_iter().chain(generated) {
            for (start, _) in text.match_indices('<') {
                let line = TagLine::of(&text, start)
                    .map(|line| (line.line_start, line.column, line.after_marker));
                assert_eq!(
                    line,
                    tag_line_reading_the_whole_line(&text, start),
                    "{text:?} at {start}"
                );
            }
        }
    }

    #[test]
    fn every_line_ending_breaks_a_line_and_a_lone_cr_can_make_a_blank_line() {
        assert_eq!(line_breaks(""), 0);
        assert_eq!(line_breaks("日本\r\n\n\ré"), 3);
        assert!(has_blank_line("\r\r<div>"));
        assert!(has_blank_line("\r\n\r\n<div>"));
        assert!(!has_blank_line("\r\n<div>"));
        // An HTML block ends at a blank line whatever the line endings.
        let text = "<div>\rnote 🚀\r\r| Name |\r";
        assert_eq!(before_blank_line(text, 0), "<div>\rnote 🚀".len());
    }
}
