//! Lines an MDX page indents 4 columns or more past where its block's text starts. MDX has no indented
//! code (micromark turns `codeIndented` off), so such a line is read as if it were indented 3 columns: it
//! continues the paragraph above it, or starts a paragraph that the lines below continue lazily or
//! underline as a setext heading, and `    ## Next` below a paragraph interrupts it as a heading (so does a
//! list item, quote or fence). pulldown-cmark reads it as indented code or as paragraph text.
//! [`unindent_loose_lines`] takes the extra indentation of those lines out of the way (offsets kept), so
//! that the walk over the structure text sees the blocks micromark sees.
//!
//! A line keeps 3 columns rather than none, so that the lines after it keep their place: a fence at column
//! 2 below `\t- AI Gateway Run` is outside the item in MDX (its text starts at column 6) and stays outside
//! an item whose text starts at column 3.

use std::collections::HashSet;
use std::ops::Range;

use crate::doc::blank::{indent_width, is_blank};

/// A block of an MDX page, at the top level or in list items and blockquotes, that may hold lines MDX
/// reads with less indentation.
#[derive(Debug, Clone)]
pub enum LooseBlock {
    /// What pulldown-cmark reads as indented code, at the top level or in a list item whose text starts
    /// at `content_column`. When a line of text or a block touches it (no blank line or line of flow
    /// constructs between), its lines are shifted left so that the least indented starts 3 columns past
    /// `content_column` (what is indented further stays so, as it may be a list item's content). A region
    /// that touches nothing is read on its own, which reads the same ([`super::Dedented`]).
    IndentedCode {
        /// Its range in the structure text.
        range: Range<usize>,
        /// Where the text of the list item that holds it starts (0 at the top level).
        content_column: usize,
    },
    /// A fenced code block, at the top level or in a list item whose text starts at `content_column`: the
    /// first line in it that would close it but for being indented 4 columns or more past that column
    /// closes it in MDX, and is shifted back to 3 past it.
    FencedCode {
        /// Its range in the structure text.
        range: Range<usize>,
        /// Where the text of the list item that holds it starts (0 at the top level).
        content_column: usize,
    },
    /// A paragraph whose text starts at `content_column`: a line after its first indented 4 columns or
    /// more past that column is shifted back to 3 past it; a lazy line (in a list item, indented less
    /// than the item's text; in a blockquote, with no `>`) indented 4 columns or more is shifted to 3. MDX
    /// reads such a line as the block it starts, if any, and as text otherwise.
    Paragraph {
        /// Its range in the structure text.
        range: Range<usize>,
        /// The column its first line's text starts at.
        content_column: usize,
        /// Whether a blockquote holds it.
        in_quote: bool,
    },
}

impl LooseBlock {
    /// The block's range in the structure text.
    pub fn range(&self) -> &Range<usize> {
        match self {
            LooseBlock::IndentedCode { range, .. }
            | LooseBlock::FencedCode { range, .. }
            | LooseBlock::Paragraph { range, .. } => range,
        }
    }
}

/// A line's indentation and the columns it is to keep.
struct Shift {
    indentation: Range<usize>,
    columns: usize,
}

/// `text` (a structure text, whose lines of flow constructs start at `placeholders`) with the loose lines
/// of `blocks` shifted left: each keeps its columns as spaces, and the bytes of indentation it loses move
/// to the end of the line above, before its line break, as spaces. Every other byte keeps its offset, and
/// a line's trailing spaces change no block (on the first line of the text, what it loses becomes blank
/// lines above it). `None` when no line changes.
pub fn unindent_loose_lines(
    text: &str,
    blocks: &[LooseBlock],
    placeholders: &HashSet<usize>,
) -> Option<String> {
    let shifts: Vec<Shift> = blocks
        .iter()
        .flat_map(|block| match block {
            LooseBlock::IndentedCode {
                range,
                content_column,
            } => code_shifts(text, range, *content_column, placeholders),
            LooseBlock::FencedCode {
                range,
                content_column,
            } => closer_shift(text, range, *content_column)
                .into_iter()
                .collect(),
            LooseBlock::Paragraph {
                range,
                content_column,
                in_quote,
            } => continuation_shifts(text, range, *content_column, *in_quote),
        })
        .collect();
    if shifts.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for Shift {
        indentation,
        columns,
    } in shifts
    {
        let width = indentation.len();
        let kept = columns.min(width);
        let moved = width - kept;
        let kept_from = indentation.end - kept;
        if moved > 0 && indentation.start == 0 {
            // The first line has no line above: what it loses becomes blank lines above it.
            bytes[..moved].fill(b'\n');
        } else if moved > 0 {
            let line_break = line_break_before(text, indentation.start);
            bytes[line_break.start..line_break.start + moved].fill(b' ');
            bytes[line_break.start + moved..kept_from]
                .copy_from_slice(&text.as_bytes()[line_break.clone()]);
        }
        bytes[kept_from..indentation.end].fill(b' ');
    }
    if bytes == text.as_bytes() {
        return None;
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

/// The shifts of the indented code at `range` (see [`LooseBlock::IndentedCode`]); none when nothing
/// touches it.
fn code_shifts(
    text: &str,
    range: &Range<usize>,
    content_column: usize,
    placeholders: &HashSet<usize>,
) -> Vec<Shift> {
    let lines: Vec<Range<usize>> = lines_of(text, range)
        .into_iter()
        .filter(|line| !is_blank(&text[line.clone()]))
        .collect();
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return Vec::new();
    };
    let touches = |line: Option<Range<usize>>| {
        line.is_some_and(|line| {
            !is_blank(&text[line.clone()]) && !placeholders.contains(&content_start(text, &line))
        })
    };
    if !touches(line_before(text, first.start)) && !touches(line_after(text, last.end)) {
        return Vec::new();
    }
    let common = lines
        .iter()
        .map(|line| indent_width(&text[line.clone()]))
        .min()
        .unwrap_or(0);
    let target = content_column + 3;
    if common <= target {
        return Vec::new();
    }
    lines
        .iter()
        .map(|line| Shift {
            indentation: line.start..content_start(text, line),
            columns: indent_width(&text[line.clone()]) - (common - target),
        })
        .collect()
}

/// The shifts of the lines after the first of the paragraph at `range` (see [`LooseBlock::Paragraph`]).
fn continuation_shifts(
    text: &str,
    range: &Range<usize>,
    content_column: usize,
    in_quote: bool,
) -> Vec<Shift> {
    lines_of(text, range)
        .into_iter()
        .skip(1)
        .filter_map(|line| {
            let indentation = line.start..content_start(text, &line);
            let columns = indent_width(&text[line.clone()]);
            let marked = text[indentation.end..line.end].starts_with('>');
            let target = if in_quote {
                (!marked && columns >= 4).then_some(3)?
            } else if columns >= content_column + 4 {
                content_column + 3
            } else if (4..content_column).contains(&columns) {
                3
            } else {
                return None;
            };
            Some(Shift {
                indentation,
                columns: target,
            })
        })
        .collect()
}

/// The shift of the first line of the fenced code at `range` (see [`LooseBlock::FencedCode`]) that
/// closes it once indented less: a run of the opening fence's character, at least as long, and nothing
/// but spaces and tabs after it.
fn closer_shift(text: &str, range: &Range<usize>, content_column: usize) -> Option<Shift> {
    let lines = lines_of(text, range);
    let (opener, body) = lines.split_first()?;
    let fence = &text.as_bytes()[content_start(text, opener)..opener.end];
    let mark = *fence.first().filter(|mark| matches!(mark, b'`' | b'~'))?;
    let length = fence.iter().take_while(|&&byte| byte == mark).count();
    body.iter().find_map(|line| {
        let indentation = line.start..content_start(text, line);
        let rest = &text.as_bytes()[indentation.end..line.end];
        let run = rest.iter().take_while(|&&byte| byte == mark).count();
        let closes = run >= length
            && rest[run..].iter().all(|byte| matches!(byte, b' ' | b'\t'))
            && indent_width(&text[line.clone()]) >= content_column + 4;
        closes.then_some(Shift {
            indentation,
            columns: content_column + 3,
        })
    })
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

    fn code(range: Range<usize>) -> LooseBlock {
        LooseBlock::IndentedCode {
            range,
            content_column: 0,
        }
    }

    fn paragraph(range: Range<usize>, content_column: usize, in_quote: bool) -> LooseBlock {
        LooseBlock::Paragraph {
            range,
            content_column,
            in_quote,
        }
    }

    #[test]
    fn a_line_keeps_three_columns_and_its_text_its_offset() {
        let text = "Text\n    ## Next\n";
        let moved = unindent(text, &[paragraph(0..15, 0, false)]).unwrap();
        assert_eq!(moved, "Text \n   ## Next\n");
        assert_eq!(moved.find("## Next"), text.find("## Next"));
    }

    #[test]
    fn touched_indented_code_keeps_what_is_indented_further() {
        let text = "\n    1. Step\n       more\r\n\t2. Two\n  next\n";
        let moved = unindent(text, &[code(5..33)]).unwrap();
        assert_eq!(moved, " \n   1. Step \n      more\r\n 2. Two\n  next\n");
    }

    #[test]
    fn indented_code_between_blank_lines_and_flow_lines_stays() {
        assert_eq!(unindent("\n    - item\n\n", &[code(5..11)]), None);
        let text = "***\n    - item\n  ***\n";
        let blocks = [code(8..14)];
        assert_eq!(
            unindent_loose_lines(text, &blocks, &HashSet::from([0, 17])),
            None
        );
        let moved = unindent_loose_lines(text, &blocks, &HashSet::from([0])).unwrap();
        assert_eq!(moved, "*** \n   - item\n  ***\n");
    }

    #[test]
    fn lines_in_list_items_and_quotes_keep_their_container() {
        let text = "- a\n      ## x\n";
        let moved = unindent(text, &[paragraph(0..14, 2, false)]).unwrap();
        assert_eq!(moved, "- a \n     ## x\n");
        let text = "1.   a\n    ```js\n";
        let moved = unindent(text, &[paragraph(0..16, 5, false)]).unwrap();
        assert_eq!(moved, "1.   a \n   ```js\n");
        let text = "> q\n    ## Next\n>     ## x\n";
        let moved = unindent(text, &[paragraph(0..text.len(), 2, true)]).unwrap();
        assert_eq!(moved, "> q \n   ## Next\n>     ## x\n");
        assert_eq!(
            unindent("- a\n     b\n", &[paragraph(0..9, 2, false)]),
            None
        );
    }

    #[test]
    fn a_fence_closed_by_an_indented_closer_closes_there() {
        let text = "   ```js\n- 日本\n    ```\nafter\n";
        let fenced = LooseBlock::FencedCode {
            range: 0..text.len(),
            content_column: 0,
        };
        let moved = unindent(text, &[fenced]).unwrap();
        assert_eq!(moved, "   ```js\n- 日本 \n   ```\nafter\n");
        let text = "```\n    ``\n    ```js\n";
        let fenced = LooseBlock::FencedCode {
            range: 0..text.len(),
            content_column: 0,
        };
        assert_eq!(unindent(text, &[fenced]), None);
    }

    #[test]
    fn a_first_line_loses_its_indentation_to_blank_lines_and_short_indents_stay() {
        let text = "    code\nText\n   three\n";
        assert_eq!(
            unindent(text, &[code(4..8)]).as_deref(),
            Some("\n   code\nText\n   three\n")
        );
        assert_eq!(unindent(text, &[paragraph(9..text.len(), 0, false)]), None);
    }

    #[test]
    fn multi_byte_text_keeps_its_characters() {
        let text = "Text ☃\n    ## Nächste 日本 👋\n";
        let moved = unindent(text, &[paragraph(0..text.len(), 0, false)]).unwrap();
        assert_eq!(moved, "Text ☃ \n   ## Nächste 日本 👋\n");
        let text = "| é |\n\t- 日本\nשלום\n";
        let moved = unindent(text, &[code(9..15)]).unwrap();
        assert_eq!(moved, "| é |\n - 日本\nשלום\n");
    }
}
