//! The [`Structure`] text of an MDX page: the masked text changed (offsets kept) so that pulldown-cmark
//! sees the blocks micromark sees.

use std::collections::HashSet;
use std::ops::Range;

use super::outline::constructs;
use crate::doc::mdx::Scan;
use crate::doc::source::SourceText;
use crate::doc::{Dialect, Element};

/// The text pulldown-cmark parses for an MDX page, so that it sees the blocks micromark sees: the masked
/// text, with two changes that keep every offset.
///
/// - A line of flow constructs (JSX tags or expressions alone on their line, a directive's fences) is a
///   block of its own in mdast: it interrupts a paragraph and ends a list whose content is indented further.
///   A blank line does neither, so the line holds a thematic break `***` at the first construct's column
///   (`___` after a `*` bullet, where `* ***` would be one thematic break; dropped again from the outline
///   and the page: [`Structure::placeholders`]).
/// - A construct that starts a line of text (`<Aside> Text`, `{/* note */} Text`) starts a paragraph at its
///   own column. Blanked out, the text after it would be indented (list item content, indented code), so
///   its first character (`<` or `{`, plain text to pulldown-cmark when a blank follows) stays.
pub struct Structure {
    /// The text pulldown-cmark parses: the masked text with those two changes (same length).
    pub text: String,
    /// Where the thematic breaks that stand for lines of flow constructs start.
    pub placeholders: HashSet<usize>,
}

/// The [`Structure`] of an MDX page whose pre-pass found `scan` and whose JSX elements pair as `elements`.
pub fn structure_text(source: &SourceText, scan: &Scan, elements: &[Element]) -> Structure {
    let text = source.text.as_str();
    let mut bytes = scan.masked.clone().into_bytes();
    let (_, mut covers) = constructs(source, Dialect::Mdx, scan, elements);
    for directive in &scan.directives {
        covers.push(directive.open.clone());
        covers.extend(directive.close.clone());
    }
    for cover in &covers {
        blank(text, &mut bytes, cover.clone());
    }
    // A directive's closing fence closes what the directive holds (a list item whose content it is
    // indented as far as): its line is a block at the opening fence's column.
    for directive in &scan.directives {
        let Some(close) = &directive.close else {
            continue;
        };
        let open_column = directive.open.start - source.line_start_of(directive.open.start);
        let column_start = source.line_start_of(close.start) + open_column;
        if column_start < close.start && bytes[column_start..close.start].iter().all(|b| *b == b' ')
        {
            covers.push(column_start..close.end);
        }
    }
    covers.sort_unstable_by_key(|cover| cover.start);
    let mut placeholders = HashSet::new();
    let mut covered_until = 0;
    for cover in &covers {
        let line_start = source.line_start_of(cover.start);
        let starts_line = covered_until <= line_start
            && only_markers(&bytes[line_start..cover.start.min(bytes.len())]);
        covered_until = covered_until.max(cover.end);
        let blank_run = bytes[cover.start..]
            .iter()
            .take(3)
            .take_while(|byte| **byte == b' ')
            .count();
        if starts_line && blank_run == 3 {
            restore_tabs(text, &mut bytes, line_start..cover.start);
            // After a `*` bullet, `* ***` would be one thematic break, not an item holding one.
            let placeholder = if bytes[line_start..cover.start].contains(&b'*') {
                b"___"
            } else {
                b"***"
            };
            bytes[cover.start..cover.start + 3].copy_from_slice(placeholder);
            placeholders.insert(cover.start);
        }
    }
    let flow: HashSet<usize> = covers.iter().map(|cover| cover.start).collect();
    let inline_starts = scan
        .tags
        .iter()
        .map(|tag| &tag.range)
        .chain(scan.comments.iter().map(|comment| &comment.range))
        .chain(&scan.expressions)
        .map(|range| range.start)
        .filter(|start| !flow.contains(start) && bytes.get(*start) == Some(&b' '))
        .collect::<Vec<usize>>();
    keep_line_starting_constructs(source, &mut bytes, inline_starts);
    Structure {
        text: String::from_utf8(bytes).unwrap_or_else(|_| scan.masked.clone()),
        placeholders,
    }
}

/// The [`Structure`] of a Markdown page whose pre-pass found `scan`: the masked text, with the first
/// character (`<`) of each tag that starts a line of text back, as [`structure_text`] does for MDX, so
/// that the text after the tag is not read as indented (`- <span>Tip:</span> text` is a list item's
/// paragraph, not its indented code). A tag that opens an HTML block (CommonMark's kinds 1 and 6), or that
/// is alone on its line (kind 7), stays blank: [`crate::doc::html_blocks`] finds those blocks from the
/// tags.
pub fn markdown_structure_text(source: &SourceText, scan: &Scan) -> Structure {
    let mut bytes = scan.masked.clone().into_bytes();
    let line_starts = scan
        .tags
        .iter()
        .filter(|tag| {
            bytes.get(tag.range.start) == Some(&b' ')
                && text_follows_on_its_line(source.text.as_bytes(), tag.range.end)
                && !crate::doc::html_blocks::starts_a_block(tag).1
        })
        .map(|tag| tag.range.start)
        .collect::<Vec<usize>>();
    keep_line_starting_constructs(source, &mut bytes, line_starts);
    Structure {
        text: String::from_utf8(bytes).unwrap_or_else(|_| scan.masked.clone()),
        placeholders: HashSet::new(),
    }
}

/// Whether `bytes` hold anything but whitespace from `from` to the end of its line.
fn text_follows_on_its_line(bytes: &[u8], from: usize) -> bool {
    bytes
        .get(from..)
        .unwrap_or_default()
        .iter()
        .take_while(|byte| !matches!(byte, b'\n' | b'\r'))
        .any(|byte| !byte.is_ascii_whitespace())
}

/// Puts back the first byte of each construct in `starts` (ascending) that starts a line of text: only
/// whitespace and container markers before it. Blanked out, the text after it would be indented further
/// than it is.
fn keep_line_starting_constructs(source: &SourceText, bytes: &mut [u8], mut starts: Vec<usize>) {
    let text = source.text.as_bytes();
    starts.sort_unstable();
    // Per line, where its first byte that cannot be in a container marker stands: a construct after it
    // does not start the line, and a line of thousands of constructs is not read again for each.
    let mut marker_end: Option<(usize, usize)> = None;
    for start in starts {
        let line_start = source.line_start_of(start);
        let end = match marker_end {
            Some((line, end)) if line == line_start => end,
            _ => markers_end(bytes, line_start),
        };
        marker_end = Some((line_start, end));
        if start <= end && only_markers(&bytes[line_start..start]) {
            restore_tabs(&source.text, bytes, line_start..start);
            bytes[start] = text[start];
            marker_end = Some((line_start, start));
        }
    }
}

/// The tabs of `range` that masking made spaces, back: they set the column pulldown-cmark sees.
fn restore_tabs(text: &str, bytes: &mut [u8], range: Range<usize>) {
    for index in range {
        if text.as_bytes()[index] == b'\t' && bytes[index] == b' ' {
            bytes[index] = b'\t';
        }
    }
}

/// Every byte of `range` but line breaks as a space (whole characters, so the text stays UTF-8).
fn blank(text: &str, bytes: &mut [u8], range: Range<usize>) {
    for index in crate::doc::span::snap(text, range) {
        if !matches!(bytes[index], b'\n' | b'\r') {
            bytes[index] = b' ';
        }
    }
}

/// Where the first byte after `line_start` that cannot stand in the container markers before a line's
/// content is (see [`only_markers`]): no construct after it starts its line.
pub(super) fn markers_end(bytes: &[u8], line_start: usize) -> usize {
    let line = &bytes[line_start..];
    let may_be_in_markers = |byte: &u8| {
        matches!(
            byte,
            b' ' | b'\t' | b'\x0c' | b'-' | b'*' | b'+' | b'.' | b')' | b'>' | b'0'..=b'9'
        )
    };
    line_start
        + line
            .iter()
            .position(|byte| !may_be_in_markers(byte))
            .unwrap_or(line.len())
}

/// Whether a line's start holds only whitespace and container markers (`>`, list markers).
/// Bytes, not `str`: the structure text being built may hold a blanked character's remaining bytes.
pub(super) fn only_markers(before: &[u8]) -> bool {
    before
        .split(u8::is_ascii_whitespace)
        .filter(|word| !word.is_empty())
        .all(|word| match word {
            [b'-' | b'*' | b'+'] => true,
            [digits @ .., b'.' | b')'] if !digits.is_empty() => {
                digits.iter().all(u8::is_ascii_digit)
            }
            _ => word.iter().all(|&byte| byte == b'>'),
        })
}
