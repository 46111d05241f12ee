//! Where a page's text is surely inside a fenced code block as the page model parses it, so that a
//! `{props.x}` placeholder there is code, not a word of a text unit: the `{props.children}` of a React
//! example makes no page relevant.
//!
//! The model parses the *structure text*: the masked text (the MDX pre-pass blanks the constructs it
//! recognises to spaces, offsets and line breaks kept) with the first `<` or `{` of a construct that starts
//! a line of text kept, and a thematic break on a line that holds only constructs. Its fenced code blocks
//! hold no text unit, except an mdbook-admonish fence's. This module reads the raw and masked lines
//! together and takes only fences whose structure is plain:
//!
//! - the opening line starts at column 0 with three or more backticks (an info string without a backtick)
//!   or tildes, and its info string opens no admonish block. At column 0 such a line can continue no list
//!   item, blockquote or paragraph, and closes an indented code block, so it opens a top-level fence, unless
//!   an earlier block is still open across it: a fence (tracked here), or an HTML block. An HTML block of
//!   kinds 6 and 7 starts at a line whose first non-blank character is `<` and ends at a blank line: a line
//!   whose raw or masked text starts so, with no blank raw line since, keeps the next fence line from
//!   opening one. Kinds 1 to 5 (`<!--`, `<?`, `<!`, `<script`, `<pre`, `<style`, `<textarea`) may run
//!   across blank lines: the reading stops at the first such line;
//! - the fence runs to the first line indented by at most three spaces that holds only the fence character
//!   (at least as many) and spaces, or to the end of the page;
//! - every line from the opening line to the closing one is the same in the raw and masked text (the
//!   pre-pass blanked nothing there), so the structure text is the raw text there;
//! - outside these fences, a line that starts with one to three spaces and a fence may open or close a
//!   fence of its own or of a list item, which this does not follow: the reading stops there.
//!
//! The reading also stops at a fence line it does not take (an admonish block's, one in an HTML block, one
//! the pre-pass blanks in part), at a closing fence followed by a tab (CommonMark and pulldown-cmark
//! differ there), and before a page whose text starts with a second byte-order mark. Where the reading
//! stops, every later placeholder counts, as before. Lines break at `\n`, `\r\n` and a
//! lone `\r`, as CommonMark breaks them.

use std::ops::Range;

use crate::doc::callout::{is_admonish, may_be_a_myst_fence};
use crate::text::lines::lines_and_breaks;

/// The content lines of the plain fenced code blocks of a page, in order.
#[derive(Debug, Default)]
pub(super) struct CodeFences {
    contents: Vec<Range<usize>>,
}

impl CodeFences {
    /// The plain fences of a page with the `raw` text and the `masked` text of the MDX pre-pass (the same
    /// lines: the pre-pass keeps every line break).
    pub(super) fn of(raw: &str, masked: &str) -> CodeFences {
        let mut contents = Vec::new();
        // The model reads the text after a second mark (the file's first is not in `raw`): not followed.
        if raw.starts_with('\u{feff}') {
            return CodeFences { contents };
        }
        let mut open: Option<(Fence, usize)> = None;
        let mut html_block_may_be_open = false;
        for (line, _) in lines_and_breaks(raw) {
            let (raw_line, masked_line) = (&raw[line.clone()], &masked[line.clone()]);
            if let Some((fence, content_start)) = &open {
                if raw_line != masked_line {
                    return CodeFences { contents };
                }
                match fence.closing(raw_line) {
                    Closing::Closes => {
                        contents.push(*content_start..line.start);
                        open = None;
                    }
                    Closing::Uncertain => return CodeFences { contents },
                    Closing::No => {}
                }
                continue;
            }
            // Blank as CommonMark reads it: spaces and tabs only (a line of NBSP does not end an HTML block).
            if raw_line.bytes().all(|byte| byte == b' ' || byte == b'\t') {
                html_block_may_be_open = false;
                continue;
            }
            if [raw_line, masked_line]
                .iter()
                .any(|text| stops_the_reading(text))
            {
                return CodeFences { contents };
            }
            if let Some(fence) = Fence::opened_by(raw_line) {
                // A fence line in an HTML block, or one the reading does not take (an admonish block, a
                // line the pre-pass blanks in part), may leave a later fence line opening or closing
                // something else.
                match fence {
                    Some(fence) if raw_line == masked_line && !html_block_may_be_open => {
                        open = Some((fence, line.end));
                    }
                    _ => return CodeFences { contents },
                }
                continue;
            }
            html_block_may_be_open |= [raw_line, masked_line]
                .iter()
                .any(|text| text.trim_start_matches([' ', '\t']).starts_with('<'));
        }
        if let Some((_, content_start)) = open {
            contents.push(content_start..raw.len());
        }
        CodeFences { contents }
    }

    /// Whether `at` is on a content line of a plain fence.
    pub(super) fn holds(&self, at: usize) -> bool {
        let index = self.contents.partition_point(|range| range.end <= at);
        self.contents
            .get(index)
            .is_some_and(|range| range.contains(&at))
    }
}

/// An open fence: its character and how many of them opened it.
#[derive(Debug, Clone, Copy)]
struct Fence {
    character: u8,
    length: usize,
}

impl Fence {
    /// For a `line` that starts with three fence characters at column 0: the fence it opens, or `None` when
    /// the reading does not take it (an admonish block as the model tells one, [`is_admonish`], or an info
    /// string with an entity or backslash that may spell one; backticks with a backtick in the info string,
    /// which open no fence). `None` for any other line.
    fn opened_by(line: &str) -> Option<Option<Fence>> {
        let character = *line
            .as_bytes()
            .first()
            .filter(|&&c| c == b'`' || c == b'~')?;
        let length = line.bytes().take_while(|&byte| byte == character).count();
        if length < 3 {
            return None;
        }
        let info = &line[length..];
        let opens_no_fence = character == b'`' && info.contains('`');
        // The model reads the info string with its entities and escapes decoded.
        let admonish = is_admonish(info) || may_be_a_myst_fence(info) || info.contains(['&', '\\']);
        Some((!opens_no_fence && !admonish).then_some(Fence { character, length }))
    }

    /// Whether `line` closes this fence: indented by at most three spaces, at least as many fence
    /// characters, then spaces. Other whitespace after them is [`Closing::Uncertain`]: CommonMark allows
    /// tabs there, pulldown-cmark does not.
    fn closing(&self, line: &str) -> Closing {
        let rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        let run = rest
            .bytes()
            .take_while(|&byte| byte == self.character)
            .count();
        if indent > 3 || run < self.length {
            return Closing::No;
        }
        let after = &rest[run..];
        if after.bytes().all(|byte| byte == b' ') {
            Closing::Closes
        } else if after.trim().is_empty() {
            Closing::Uncertain
        } else {
            Closing::No
        }
    }
}

/// What a line inside a fence does to it.
enum Closing {
    /// It closes the fence.
    Closes,
    /// It is a line of the code.
    No,
    /// The parsers may read it either way: the reading stops.
    Uncertain,
}

/// Whether the reading stops at `line` (outside a fence): a fence indented by one to three spaces (its
/// container is not followed), or the start of an HTML block that may run across blank lines.
fn stops_the_reading(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    let indent = line.len() - rest.len();
    if (1..=3).contains(&indent) && (rest.starts_with("```") || rest.starts_with("~~~")) {
        return true;
    }
    let start = line.trim_start_matches([' ', '\t']).as_bytes();
    ["<!", "<?", "<script", "<pre", "<style", "<textarea"]
        .iter()
        .any(|opener| {
            start
                .get(..opener.len())
                .is_some_and(|written| written.eq_ignore_ascii_case(opener.as_bytes()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain fences of `raw` with nothing masked.
    fn fences(raw: &str) -> Vec<&str> {
        CodeFences::of(raw, raw)
            .contents
            .iter()
            .map(|range| &raw[range.clone()])
            .collect()
    }

    #[test]
    fn fences_at_column_zero_hold_their_lines() {
        assert_eq!(
            fences("# T\n\n```jsx\n{props.children}\n```\n\n{props.x}\n"),
            ["\n{props.children}\n"]
        );
        assert_eq!(
            fences("Text:\n~~~~\n日本 `\n~~~\n~~~~\nx\n"),
            ["\n日本 `\n~~~\n"]
        );
        assert_eq!(fences("```\r\na\r```  \rb"), ["\r\na\r"]);
        assert_eq!(fences("```\na\n   ```\nb"), ["\na\n"]);
        assert_eq!(fences("```\na\n    ```\nb"), ["\na\n    ```\nb"]);
    }

    /// Whether the `x` of `raw` (nothing masked) is read as in a plain fence.
    fn holds_x(raw: &str) -> bool {
        CodeFences::of(raw, raw).holds(raw.find('x').expect("an x"))
    }

    #[test]
    fn what_may_not_open_a_top_level_fence_is_not_read() {
        assert!(holds_x("```\nx\n"));
        // An info string with a backtick, an admonish block.
        assert!(!holds_x("``` a`b\nx\n```\n"));
        assert!(!holds_x("```admonish note\nx\n```\n"));
        // An HTML block open since the last blank line.
        assert!(!holds_x("<div>\ntext\n```\nx\n```\n"));
        assert!(holds_x("<div>\n\n```\nx\n```\n"));
        // A fence of a list item, indented; an HTML block that runs across blank lines.
        assert!(!holds_x("1. a\n   ```\n\n```\nx\n```\n"));
        assert!(!holds_x("<pre>\n\n```\nx\n```\n"));
        assert!(!holds_x("<!--\n\n```\nx\n```\n-->\n"));
        assert!(!holds_x("  <SCRIPT>\n\n```\nx\n```\n"));
    }

    /// Whether the `y` of `raw` (nothing masked) is read as in a plain fence.
    fn holds_y(raw: &str) -> bool {
        CodeFences::of(raw, raw).holds(raw.find('y').expect("a y"))
    }

    #[test]
    fn the_reading_stops_where_a_later_fence_line_may_be_read_either_way() {
        assert!(holds_y("```\na\n```\n\n```\ny\n```\n"));
        assert!(!holds_y("```\na\n```\t\n```\ny\n```\n"));
        assert!(!holds_y("```admonish note\na\n```\ny\n```\n"));
        assert!(!holds_y("~~~admonish\na\n~~~\ny\n~~~\n"));
        assert!(!holds_y("```adm&#111;nish\na\n```\ny\n```\n"));
        assert!(!holds_y("<div>\n\u{3000}\n```\ny\n```\n"));
        assert!(!holds_y("<div>\n```js\na\n\nb\n```\ny\n```\n"));
        assert!(!holds_y("\u{feff}```\na\n```\ny\n```\n"));
    }

    #[test]
    fn a_fence_the_pre_pass_masks_in_part_is_not_read() {
        let raw = "{\n\n```\n}\n{props.x}\n```\n";
        let masked = " \n\n   \n \n{props.x}\n```\n";
        assert!(CodeFences::of(raw, masked).contents.is_empty());
        let raw = "```\n<b>x</b>\n```\n";
        let masked = "```\n   x    \n```\n";
        assert!(CodeFences::of(raw, masked).contents.is_empty());
    }

    #[test]
    fn holds_is_true_only_on_content_lines() {
        let raw = "a\n```\n{props.x}\n```\n{props.y}\n";
        let code = CodeFences::of(raw, raw);
        assert!(code.holds(raw.find("{props.x}").unwrap()));
        assert!(!code.holds(raw.find("{props.y}").unwrap()));
        assert!(!code.holds(0));
    }
}
