//! HTML blocks of a Markdown page for the block outline.
//!
//! The pre-pass blanks out HTML tags in Markdown too (so the text inside them is read as prose), which hides
//! from pulldown-cmark the HTML blocks mdBook sees. This finds them again from the tags, by CommonMark's
//! start and end conditions (kinds 1, 6 and 7; comments are not blanked and pulldown-cmark reports them
//! itself), at the top level of the page: each replaces the blocks the blanked text made inside its lines.

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
    let mut html: Vec<Range<usize>> = Vec::new();
    for tag in &scan.tags {
        let start = tag.range.start;
        if html.last().is_some_and(|last| start < last.end) {
            continue;
        }
        let line_start = text[..start]
            .rfind(['\n', '\r'])
            .map_or(0, |index| index + 1);
        let indent = &text[line_start..start];
        if indent.len() > 3
            || !indent.bytes().all(|byte| byte == b' ')
            || in_container(blocks, start)
        {
            continue;
        }
        let name = tag.name.to_ascii_lowercase();
        let end = if RAW_TAGS.contains(&name.as_str()) && tag.kind == TagKind::Open {
            let closing = format!("</{name}>");
            let found = text[start..].to_ascii_lowercase().find(&closing);
            found.map_or(text.len(), |offset| line_end(text, start + offset))
        } else if BLOCK_TAGS.contains(&name.as_str())
            || (alone_on_line(text, tag.range.end)
                && !continues_paragraph(text, blocks, line_start))
        {
            before_blank_line(text, start)
        } else {
            continue;
        };
        html.push(line_start..end);
    }
    join_paragraphs_split_by_blanking(text, blocks, &html);
    if html.is_empty() {
        return;
    }
    blocks.retain(|block| {
        !html
            .iter()
            .any(|range| range.start <= block.range.start && block.range.end <= range.end)
    });
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
/// blank line of the page between them are one.
fn join_paragraphs_split_by_blanking(text: &str, blocks: &mut Vec<Block>, html: &[Range<usize>]) {
    let mut index = 1;
    while index < blocks.len() {
        let (before, after) = (&blocks[index - 1], &blocks[index]);
        let joined = before.kind == BlockKind::Paragraph
            && after.kind == BlockKind::Paragraph
            && !in_container(blocks, after.range.start)
            && before.range.end <= after.range.start
            && !html
                .iter()
                .any(|range| before.range.end <= range.start && range.start < after.range.start)
            && !has_blank_line(&text[before.range.end..after.range.start]);
        if joined {
            blocks[index - 1].range.end = blocks[index].range.end;
            blocks.remove(index);
        } else {
            index += 1;
        }
    }
}

/// Whether `gap` (from the end of one block to the start of the next) holds a blank line.
fn has_blank_line(gap: &str) -> bool {
    gap.split('\n')
        .skip(1)
        .collect::<Vec<_>>()
        .split_last()
        .is_some_and(|(_, middle)| middle.iter().any(|line| line.trim().is_empty()))
}

fn in_container(blocks: &[Block], offset: usize) -> bool {
    blocks.iter().any(|block| {
        matches!(block.kind, BlockKind::List | BlockKind::Blockquote)
            && block.range.start <= offset
            && offset < block.range.end
    })
}

/// Whether only whitespace follows `offset` on its line (start condition 7).
fn alone_on_line(text: &str, offset: usize) -> bool {
    text[offset..line_end(text, offset)].trim().is_empty()
}

/// Whether the line before `line_start` is part of a paragraph (condition 7 cannot interrupt one).
fn continues_paragraph(text: &str, blocks: &[Block], line_start: usize) -> bool {
    let previous_end = text[..line_start].trim_end().len();
    if previous_end == 0 || text[previous_end..line_start].matches('\n').count() > 1 {
        return false;
    }
    blocks.iter().any(|block| {
        block.kind == BlockKind::Paragraph
            && block.range.start < previous_end
            && previous_end <= block.range.end
    })
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
        if text[next..next_end].trim().is_empty() {
            return end;
        }
        end = next_end;
    }
}

fn leading_spaces(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

fn line_start_trimmed(text: &str, range: Range<usize>) -> usize {
    range.start + text[range].trim_end().len()
}
