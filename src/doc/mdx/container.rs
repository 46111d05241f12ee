//! Which blockquote or list item a `:::` directive opened in, so that the pre-pass ends the directive with
//! it, as remark-directive does: a directive opened at `> :::note` ends with the quote, and one opened in
//! a list item ends where the item does, even when a stray `:::` further down would close it.
//!
//! ```text
//! > :::note
//! > In the quote.
//!
//! ## Permissions        <- the quote, and the note with it, ended at the line before
//! - AI Gateway Read
//! :::                   <- a stray fence: text, not the note's closer
//! ```
//!
//! micromark lets no line continue a directive lazily, so the first non-blank line with fewer `>` markers
//! than the opening fence, or (inside a list item) indented less than the item's content, ends it; in a
//! blockquote a blank line does too.

use crate::doc::blank::indent_width;

/// How many earlier lines are read to find the list item a directive's indented fence may belong to.
const LOOKBACK_LINES: usize = 200;

/// What a line must start with to be inside the container a directive opened in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Container {
    /// The `>` markers before the opening fence.
    quotes: usize,
    /// The content column of the list item holding the fence, counted after those markers (0: none).
    column: usize,
}

impl Container {
    /// The container of a directive whose opening line starts at `line_start` and whose fence (`:::`) is at
    /// `fence`, in `text`. The fence's own markers tell a quote or a list item opened on the same line
    /// (`> - :::tip`); an indented fence with no list marker is looked up among the lines before it.
    pub(super) fn of_fence(text: &str, line_start: usize, fence: usize) -> Container {
        let prefix = &text[line_start..fence];
        let (quotes, after_quotes) = strip_quotes(prefix, usize::MAX);
        if after_quotes.trim_start().is_empty() {
            let indent = width(after_quotes);
            let column = if indent == 0 {
                0
            } else {
                list_item_column(text, line_start, quotes, indent)
            };
            return Container { quotes, column };
        }
        // A quote inside a list item (`- > :::note`): its lines keep the item's indentation before their
        // `>`, which this reading does not follow, so the directive is left to its closing fence.
        if after_quotes.contains('>') {
            return Container::default();
        }
        // List markers after the quotes (`- :::tip`, `1.  :::note`): the fence starts the item's content.
        Container {
            quotes,
            column: width(after_quotes),
        }
    }

    /// Whether the container can end at all (a directive with no quote or list item around it cannot).
    pub(super) fn is_some(self) -> bool {
        self.quotes > 0 || self.column > 0
    }

    /// Whether `line` (without its line break) is inside the container.
    pub(super) fn holds(self, line: &str) -> bool {
        let (quotes, rest) = strip_quotes(line, self.quotes);
        if quotes < self.quotes {
            return false;
        }
        self.column == 0 || rest.trim().is_empty() || indent_width(rest) >= self.column
    }
}

/// Up to `most` blockquote markers (each after at most three spaces, with one optional space after it)
/// taken off the start of `line`: how many, and the rest.
fn strip_quotes(line: &str, most: usize) -> (usize, &str) {
    let mut rest = line;
    let mut count = 0;
    while count < most {
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        let Some(after) = rest[spaces..].strip_prefix('>').filter(|_| spaces <= 3) else {
            break;
        };
        rest = after.strip_prefix(' ').unwrap_or(after);
        count += 1;
    }
    (count, rest)
}

/// The column `text` reaches (spaces and tabs, a tab to the next multiple of four; anything else one).
fn width(text: &str) -> usize {
    text.chars().fold(0, |column, character| match character {
        '\t' => column + 4 - column % 4,
        _ => column + 1,
    })
}

/// The width of a list marker (`-`, `*`, `+`, `1.`, `1)`) and the spaces after it that start `line`, as
/// CommonMark counts the item's content column (one space when there are more than four).
fn list_marker_width(line: &str) -> Option<usize> {
    if is_thematic_break(line) {
        return None;
    }
    let bytes = line.as_bytes();
    let digits = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count();
    let marker = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' if digits <= 9 && matches!(bytes.get(digits), Some(b'.' | b')')) => digits + 1,
        _ => return None,
    };
    let after = &line[marker..];
    let spaces = indent_width(after);
    if after.trim().is_empty() {
        return Some(marker + 1);
    }
    match spaces {
        0 => None,
        1..=4 => Some(marker + spaces),
        _ => Some(marker + 1),
    }
}

/// Whether `line` (from its first non-blank character) is a thematic break (`* * *`, `- - -`, `___`), which
/// starts no list item.
fn is_thematic_break(line: &str) -> bool {
    let marks: Vec<char> = line.chars().filter(|c| !matches!(c, ' ' | '\t')).collect();
    marks.len() >= 3 && matches!(marks[0], '*' | '-' | '_') && marks.iter().all(|&c| c == marks[0])
}

/// The content column of the list item an indented fence (at `indent`, after `quotes` markers, on the line
/// starting at `line_start`) belongs to: the nearest earlier non-blank line indented less than the fence
/// must start an item whose content the fence is indented as far as. 0 when it does not, or when no such
/// line is found within [`LOOKBACK_LINES`].
fn list_item_column(text: &str, line_start: usize, quotes: usize, indent: usize) -> usize {
    let before = &text[..line_start];
    for line in before.lines().rev().take(LOOKBACK_LINES) {
        let (found, rest) = strip_quotes(line, quotes);
        if found < quotes {
            return 0;
        }
        if rest.trim().is_empty() {
            continue;
        }
        let line_indent = indent_width(rest);
        if line_indent >= indent {
            continue;
        }
        return list_marker_width(rest.trim_start())
            .map(|marker| line_indent + marker)
            .filter(|&column| column <= indent)
            .unwrap_or(0);
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(text: &str) -> Container {
        let fence = text.rfind(":::").expect("a fence");
        let line_start = text[..fence].rfind('\n').map_or(0, |index| index + 1);
        Container::of_fence(text, line_start, fence)
    }

    #[test]
    fn the_fence_line_and_the_lines_before_it_tell_the_container() {
        let quote = container("> :::note");
        assert_eq!(
            quote,
            Container {
                quotes: 1,
                column: 0
            }
        );
        assert_eq!(
            container("> - :::tip"),
            Container {
                quotes: 1,
                column: 2
            }
        );
        assert_eq!(
            container("1. Step — 步骤\n   :::note"),
            Container {
                quotes: 0,
                column: 3
            }
        );
        assert_eq!(
            container("- a\n  - b 😀\n\n    :::note"),
            Container {
                quotes: 0,
                column: 4
            }
        );
        assert_eq!(
            container("> - שלום\n>   :::note"),
            Container {
                quotes: 1,
                column: 2
            }
        );
        // Indented at the top level, under a paragraph or too little for the item: no container.
        assert!(!container("Text — テキスト\n\n  :::note").is_some());
        assert!(!container("- item\n\n :::note").is_some());
        assert!(!container(":::note").is_some());
        assert!(!container("- > :::note").is_some());
        assert!(!container("* * *\n\n  :::note").is_some());
    }

    #[test]
    fn a_line_further_out_than_the_container_is_not_held() {
        let quote = container("> :::note");
        assert!(quote.holds("> text — 引用"));
        assert!(quote.holds(">"));
        assert!(quote.holds("> > deeper"));
        assert!(!quote.holds(""));
        assert!(!quote.holds("## Heading"));
        let item = container("1. Step\n   :::note");
        assert!(item.holds("   body é\u{301}"));
        assert!(item.holds(""));
        assert!(item.holds("\tbody"));
        assert!(!item.holds("2. Next step"));
        assert!(!item.holds("  two spaces"));
    }
}
