//! Lines an MDX page indents 4 columns or more outside any container. MDX has no indented code (micromark
//! turns `codeIndented` off), so such a line is read as if it were not indented: it continues the paragraph
//! above it, or starts a paragraph that the lines below continue lazily or underline as a setext heading,
//! and `    ## Next` below a paragraph interrupts it as a heading. pulldown-cmark reads it as indented
//! code or as paragraph text. [`unindent_loose_lines`] moves the indentation of those lines out of the way
//! (offsets kept), so that the walk over the structure text sees the blocks micromark sees.

use std::collections::HashSet;
use std::ops::Range;

use crate::doc::blank::{indent_width, is_blank};

/// A top-level block of an MDX page that may hold lines MDX reads without their indentation.
#[derive(Debug, Clone)]
pub enum LooseBlock {
    /// What pulldown-cmark reads as indented code. When a line of text or a block touches it (no blank
    /// line or line of flow constructs between), its lines lose their common indentation (what is
    /// indented further stays so, as it may be a list item's content), and so does the line right after
    /// it (a list item at column 2 below `    - item` is its sibling in MDX). A region that touches
    /// nothing is read on its own, which reads the same ([`super::Dedented`]); moving it would put it to
    /// the left of the lines after it that MDX reads at its level.
    IndentedCode(Range<usize>),
    /// A paragraph: each line after its first that is indented 4 columns or more loses its indentation
    /// (MDX reads it as the block it starts, if any, and as text otherwise).
    Paragraph(Range<usize>),
}

impl LooseBlock {
    /// The block's range in the structure text.
    pub fn range(&self) -> &Range<usize> {
        match self {
            LooseBlock::IndentedCode(range) | LooseBlock::Paragraph(range) => range,
        }
    }
}

/// `text` (a structure text, whose lines of flow constructs start at `placeholders`) with the indentation
/// of the loose lines of `blocks` moved to the end of the line above each, before its line break, as
/// spaces: every other byte keeps its offset, and a line's trailing spaces change no block. `None` when no
/// line moves (a loose line on the first line of the text has no line above and stays).
pub fn unindent_loose_lines(
    text: &str,
    blocks: &[LooseBlock],
    placeholders: &HashSet<usize>,
) -> Option<String> {
    let indentations: Vec<Range<usize>> = blocks
        .iter()
        .flat_map(|block| match block {
            LooseBlock::IndentedCode(range) => code_indentation(text, range, placeholders),
            LooseBlock::Paragraph(range) => continuation_indentation(text, range),
        })
        .filter(|indentation| indentation.start > 0 && !indentation.is_empty())
        .collect();
    if indentations.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for indentation in indentations {
        let line_break = line_break_before(text, indentation.start);
        let width = indentation.len();
        bytes[line_break.start..line_break.start + width].fill(b' ');
        bytes[line_break.start + width..indentation.end]
            .copy_from_slice(&text.as_bytes()[line_break.clone()]);
    }
    String::from_utf8(bytes).ok()
}

/// The lines of `text` that `range` touches, each as the range of the line without its line break.
fn lines_of(text: &str, range: &Range<usize>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut start = bytes[..range.start.min(bytes.len())]
        .iter()
        .rposition(|byte| matches!(byte, b'\n' | b'\r'))
        .map_or(0, |at| at + 1);
    let mut lines = Vec::new();
    while start < range.end.min(bytes.len()) {
        let end =
            memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |at| start + at);
        lines.push(start..end);
        start = match bytes.get(end..end + 2) {
            Some(b"\r\n") => end + 2,
            _ => end + 1,
        };
    }
    lines
}

/// What moves of the indented code at `range` (see [`LooseBlock::IndentedCode`]): the bytes of each
/// non-blank line that its common indentation takes (tabs to multiples of 4, as [`super::Dedented`] counts
/// them), and the whole indentation of the line right after it; nothing when nothing touches it.
fn code_indentation(
    text: &str,
    range: &Range<usize>,
    placeholders: &HashSet<usize>,
) -> Vec<Range<usize>> {
    let lines: Vec<Range<usize>> = lines_of(text, range)
        .into_iter()
        .filter(|line| !is_blank(&text[line.clone()]))
        .collect();
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return Vec::new();
    };
    let before = line_before(text, first.start);
    let after = line_after(text, last.end);
    let touches = |line: &Option<Range<usize>>| {
        line.as_ref().is_some_and(|line| {
            !is_blank(&text[line.clone()]) && !placeholders.contains(&content_start(text, line))
        })
    };
    if !touches(&before) && !touches(&after) {
        return Vec::new();
    }
    let mut moves = common_indentation(text, &lines);
    if let Some(after) = after.filter(|after| !is_blank(&text[after.clone()])) {
        moves.push(after.start..content_start(text, &after));
    }
    moves
}

/// The bytes of each of `lines` (non-blank) that their common indentation takes.
fn common_indentation(text: &str, lines: &[Range<usize>]) -> Vec<Range<usize>> {
    let common = lines
        .iter()
        .map(|line| indent_width(&text[line.clone()]))
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|line| line.start..line.start + bytes_within_columns(&text[line.clone()], common))
        .collect()
}

/// Where the first character of `line` after its indentation is.
fn content_start(text: &str, line: &Range<usize>) -> usize {
    line.start
        + text[line.clone()]
            .bytes()
            .take_while(|byte| matches!(byte, b' ' | b'\t'))
            .count()
}

/// The line before the one starting at `line_start`, without its line break.
fn line_before(text: &str, line_start: usize) -> Option<Range<usize>> {
    if line_start == 0 {
        return None;
    }
    let end = line_break_before(text, line_start).start;
    lines_of(text, &(end..end)).pop().or(Some(end..end))
}

/// The line after the one ending at `line_end` (where its line break starts), without its line break.
fn line_after(text: &str, line_end: usize) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let next = match bytes.get(line_end..line_end + 2) {
        Some(b"\r\n") => line_end + 2,
        _ if line_end < bytes.len() => line_end + 1,
        _ => return None,
    };
    (next < bytes.len()).then(|| lines_of(text, &(next..next + 1)).remove(0))
}

/// The indentation of each line after the first of the paragraph at `range` that is indented 4 columns
/// or more.
fn continuation_indentation(text: &str, range: &Range<usize>) -> Vec<Range<usize>> {
    lines_of(text, range)
        .into_iter()
        .skip(1)
        .filter(|line| indent_width(&text[line.clone()]) >= 4)
        .map(|line| line.start..content_start(text, &line))
        .collect()
}

/// How many leading spaces and tabs of `line` lie within its first `columns` columns.
fn bytes_within_columns(line: &str, columns: usize) -> usize {
    let mut column = 0;
    let mut taken = 0;
    for byte in line.bytes() {
        if column >= columns || !matches!(byte, b' ' | b'\t') {
            break;
        }
        column += if byte == b'\t' { 4 - column % 4 } else { 1 };
        taken += 1;
    }
    taken
}

/// The line break right before `line_start` (`\n`, `\r\n` or `\r`).
fn line_break_before(text: &str, line_start: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    if line_start >= 2 && &bytes[line_start - 2..line_start] == b"\r\n" {
        line_start - 2..line_start
    } else {
        line_start - 1..line_start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unindent(text: &str, blocks: &[LooseBlock]) -> Option<String> {
        let moved = unindent_loose_lines(text, blocks, &HashSet::new());
        if let Some(moved) = &moved {
            assert_eq!(moved.len(), text.len());
        }
        moved
    }

    #[test]
    fn indentation_moves_to_the_line_above() {
        let text = "Text\n    ## Next\n";
        let moved = unindent(text, &[LooseBlock::Paragraph(0..15)]).unwrap();
        assert_eq!(moved, "Text    \n## Next\n");
        assert_eq!(moved.find("## Next"), text.find("## Next"));
    }

    #[test]
    fn touched_indented_code_keeps_what_is_indented_further() {
        let text = "\n    1. Step\n       more\r\n\t2. Two\n  next\n";
        let code = LooseBlock::IndentedCode(5..33);
        let moved = unindent(text, &[code]).unwrap();
        assert_eq!(moved, "    \n1. Step    \n   more \r\n2. Two  \nnext\n");
    }

    #[test]
    fn indented_code_between_blank_lines_and_flow_lines_stays() {
        let text = "\n    - item\n\n";
        assert_eq!(unindent(text, &[LooseBlock::IndentedCode(5..11)]), None);
        let text = "***\n    - item\n  ***\n";
        let placeholders = HashSet::from([0, 17]);
        let code = [LooseBlock::IndentedCode(8..14)];
        assert_eq!(unindent_loose_lines(text, &code, &placeholders), None);
        let moved = unindent_loose_lines(text, &code, &HashSet::from([0])).unwrap();
        assert_eq!(moved, "***    \n- item  \n***\n");
    }

    #[test]
    fn a_first_line_and_short_indents_stay() {
        let text = "    code\nText\n   three\n";
        assert_eq!(unindent(text, &[LooseBlock::IndentedCode(4..8)]), None);
        assert_eq!(
            unindent(text, &[LooseBlock::Paragraph(9..text.len())]),
            None
        );
    }

    #[test]
    fn multi_byte_text_keeps_its_characters() {
        let text = "Text ☃\n    ## Nächste 日本 👋\n";
        let moved = unindent(text, &[LooseBlock::Paragraph(0..text.len())]).unwrap();
        assert_eq!(moved, "Text ☃    \n## Nächste 日本 👋\n");
        let text = "| é |\n\t- 日本\nשלום\n";
        let moved = unindent(text, &[LooseBlock::IndentedCode(9..15)]).unwrap();
        assert_eq!(moved, "| é | \n- 日本\nשלום\n");
    }
}
