//! Source text: the bytes of one file as the rest of the crate sees them.
//!
//! A leading UTF-8 byte-order mark is removed from `text` and remembered, so every span in the crate is an
//! offset into `text`. Lines may end in `\n`, `\r\n` or a lone `\r` (CommonMark's three line endings); each
//! is kept as it is.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const BOM: &str = "\u{feff}";

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One file's text with a line index.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The path as it is shown to the user.
    pub path: PathBuf,
    /// The text without a byte-order mark.
    pub text: String,
    /// Whether the file started with a UTF-8 byte-order mark.
    pub bom: bool,
    line_starts: Vec<usize>,
    /// The line ending new lines get (see [`SourceText::newline`]), found once: fixes ask for it per edit.
    newline: &'static str,
    /// How many characters come before each [`CHECKPOINT`]-byte block of the text (each block start moved
    /// back to a character boundary), built the first time a position far into a long line is asked for:
    /// a column is then counted from the nearest block, not from the line's start, so that the findings of
    /// a paragraph of megabytes on one line do not each count the line again.
    chars_before_blocks: OnceLock<Vec<(usize, usize)>>,
}

/// The block size of [`SourceText`]'s character index, and the distance from a line's start from which a
/// column is counted through it.
const CHECKPOINT: usize = 16 * 1024;

impl SourceText {
    /// Wraps `raw` (the whole file as read) for `path`.
    pub fn new(path: impl Into<PathBuf>, raw: String) -> Self {
        match raw.strip_prefix(BOM) {
            Some(rest) => SourceText::edited(path, rest.to_owned(), true),
            None => SourceText::edited(path, raw, false),
        }
    }

    /// The file at `path` whose text, without its byte-order mark, is now `text` (a page read again after
    /// an edit): unlike [`SourceText::new`], a mark at the start of `text` is kept as text, as it was
    /// after the file's own mark was taken off, so offsets into the page stay offsets into `text`.
    pub fn edited(path: impl Into<PathBuf>, text: String, bom: bool) -> Self {
        let line_starts = line_starts(&text);
        let newline = newline_of(&text);
        SourceText {
            newline,
            path: path.into(),
            text,
            bom,
            line_starts,
            chars_before_blocks: OnceLock::new(),
        }
    }

    /// This file with `text` as its text (its edited page): [`SourceText::edited`].
    pub fn with_text(&self, text: String) -> Self {
        SourceText::edited(self.path.clone(), text, self.bom)
    }

    /// The path the text was read from, as messages show it.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The position of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(index) => index,
            Err(index) => index - 1,
        };
        let line_start = self.line_starts[line_index];
        let column = if offset - line_start < CHECKPOINT {
            self.text[line_start..offset].chars().count() + 1
        } else {
            self.chars_before(offset) - self.chars_before(line_start) + 1
        };
        Position {
            line: line_index + 1,
            column,
        }
    }

    /// How many characters come before byte `offset` (a character boundary), counted from the nearest
    /// block of the character index.
    fn chars_before(&self, offset: usize) -> usize {
        let blocks = self.chars_before_blocks.get_or_init(|| {
            let mut blocks = Vec::with_capacity(self.text.len() / CHECKPOINT + 1);
            let (mut start, mut chars) = (0, 0);
            while start < self.text.len() {
                blocks.push((start, chars));
                let next =
                    floor_char_boundary(&self.text, (start + CHECKPOINT).min(self.text.len()));
                chars += self.text[start..next].chars().count();
                start = next;
            }
            blocks
        });
        let block = blocks.partition_point(|&(start, _)| start <= offset);
        match block.checked_sub(1).map(|index| blocks[index]) {
            Some((start, chars)) => chars + self.text[start..offset].chars().count(),
            None => self.text[..offset].chars().count(),
        }
    }

    /// The 1-based line of byte `offset` (clamped to the text); unlike [`SourceText::position`], it does
    /// not count the characters before `offset` on its line.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset.min(self.text.len()))
            .max(1)
    }

    /// The byte range of 1-based `line`, without its line ending.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self.line_starts[line - 1];
        let next = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let mut end = next;
        let bytes = self.text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        start..end
    }

    /// Where the line holding byte `offset` starts.
    pub fn line_start_of(&self, offset: usize) -> usize {
        let line_index = self.line_starts.partition_point(|&start| start <= offset);
        self.line_starts[line_index.max(1) - 1]
    }

    /// How many lines the text has (a final line without a line break counts).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The line ending to write into this file: the one most of its lines end with (see [`newline_of`]).
    pub fn newline(&self) -> &'static str {
        self.newline
    }

    /// The file's bytes as they should be written back: the BOM restored in front of `text`.
    pub fn with_bom(&self, text: &str) -> String {
        if self.bom {
            format!("{BOM}{text}")
        } else {
            text.to_owned()
        }
    }
}

/// The line ending that ends most of the text's lines (`"\r\n"`, `"\n"` or a lone `"\r"`, preferred in
/// that order on a tie; `"\n"` for a text of one line): a page edited on several systems keeps the
/// ending most of it has, and one stray CRLF line does not set the ending of a call-out in an LF page.
fn newline_of(text: &str) -> &'static str {
    let bytes = text.as_bytes();
    let (mut crlf, mut lone_cr) = (0usize, 0usize);
    for index in memchr::memchr_iter(b'\r', bytes) {
        if bytes.get(index + 1) == Some(&b'\n') {
            crlf += 1;
        } else {
            lone_cr += 1;
        }
    }
    let lone_lf = memchr::memchr_iter(b'\n', bytes).count() - crlf;
    if crlf > 0 && crlf >= lone_lf && crlf >= lone_cr {
        "\r\n"
    } else if lone_cr > lone_lf {
        "\r"
    } else {
        "\n"
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(text.len() / 40 + 1);
    starts.push(0);
    starts.extend(
        memchr::memchr2_iter(b'\n', b'\r', bytes)
            .filter(|&index| !(bytes[index] == b'\r' && bytes.get(index + 1) == Some(&b'\n')))
            .map(|index| index + 1),
    );
    starts
}

/// The position of byte `offset` (clamped to `text`), as [`SourceText::position`] gives it, without
/// indexing every line of the text (for the few offsets of a page that is not kept).
pub fn position_in(text: &str, offset: usize) -> Position {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let bytes = text.as_bytes();
    let before = &bytes[..offset];
    if memchr::memchr(b'\r', before).is_none() {
        // Counting bytes in a loop the compiler vectorises: most pages have no `\r`.
        let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |index| index + 1);
        return Position {
            line,
            column: text[line_start..offset].chars().count() + 1,
        };
    }
    let (mut line, mut line_start) = (1, 0);
    for index in memchr::memchr2_iter(b'\n', b'\r', before) {
        if bytes[index] == b'\r' && bytes.get(index + 1) == Some(&b'\n') {
            continue;
        }
        line += 1;
        line_start = index + 1;
    }
    Position {
        line,
        column: text[line_start..offset].chars().count() + 1,
    }
}

/// Where the line holding `from` ends: the offset of its line ending (`\n`, `\r\n` or a lone `\r`), or the
/// text's length.
pub fn line_end(text: &str, from: usize) -> usize {
    let from = from.min(text.len());
    memchr::memchr2(b'\n', b'\r', &text.as_bytes()[from..])
        .map_or(text.len(), |offset| from + offset)
}

/// Where the line after the one holding `from` starts (a `\r\n` is one line ending), or the text's length.
pub fn next_line_start(text: &str, from: usize) -> usize {
    let end = line_end(text, from);
    if text[end..].starts_with("\r\n") {
        end + 2
    } else {
        (end + 1).min(text.len())
    }
}

/// The container prefix at the start of `line`: its indentation and blockquote markers (`>   ` in a list
/// item inside a blockquote), up to the first other character.
pub fn container_prefix(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches(['>', ' ', '\t']).len()]
}

/// Where the line holding `offset` starts (just after the previous line ending).
pub fn line_start(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    memchr::memrchr2(b'\n', b'\r', &text.as_bytes()[..offset]).map_or(0, |index| index + 1)
}

/// The smallest char boundary at or above `index` (at most the text's length).
pub fn ceil_char_boundary(text: &str, mut index: usize) -> usize {
    while index < text.len() && !text.is_char_boundary(index) {
        index += 1;
    }
    index.min(text.len())
}

/// The largest char boundary at or below `index`.
pub fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_far_into_a_long_line_count_characters_as_near_ones_do() {
        let line = "é 日本 👨\u{200d}👩 a\u{301} שלום ".repeat(4_000);
        let text = format!("# t\n{line}\n{line}");
        let source = SourceText::new("long.md", text.clone());
        for offset in (0..=text.len()).step_by(997).chain([text.len()]) {
            let offset = floor_char_boundary(&text, offset);
            assert_eq!(
                source.position(offset),
                position_in(&text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn positions_count_characters_and_skip_the_bom() {
        let source = SourceText::new("a.md", "\u{feff}é1\r\nab\n".to_owned());
        assert!(source.bom);
        assert_eq!(source.text, "é1\r\nab\n");
        assert_eq!(source.position(0), Position { line: 1, column: 1 });
        assert_eq!(source.position(2), Position { line: 1, column: 2 });
        assert_eq!(source.position(5), Position { line: 2, column: 1 });
        assert_eq!(source.line_range(1), 0..3);
        assert_eq!(source.newline(), "\r\n");
        assert_eq!(source.with_bom("x"), "\u{feff}x");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let source = SourceText::new("a.md", "# A\r\rb\r\nc\nd".to_owned());
        assert_eq!(source.line_count(), 5);
        assert_eq!(source.position(5), Position { line: 3, column: 1 });
        assert_eq!(source.position(8), Position { line: 4, column: 1 });
        assert_eq!(source.position(10), Position { line: 5, column: 1 });
        assert_eq!(source.line_range(1), 0..3);
        assert_eq!(source.line_range(2), 4..4);
        assert_eq!(source.line_range(3), 5..6);
        // Two lone CRs, one CRLF, one LF: most lines end in a lone CR.
        assert_eq!(source.newline(), "\r");
        assert_eq!(SourceText::new("a.md", "a\rb\r".to_owned()).newline(), "\r");
        let text = "ab\r\ncd\ref";
        assert_eq!(line_end(text, 0), 2);
        assert_eq!(next_line_start(text, 0), 4);
        assert_eq!(next_line_start(text, 4), 7);
        assert_eq!(line_start(text, 8), 7);
        assert_eq!(line_start(text, 5), 4);
    }

    #[test]
    fn the_line_ending_written_is_the_one_most_lines_have() {
        let newline = |text: &str| SourceText::new("a.md", text.to_owned()).newline();
        assert_eq!(newline("# 日本\r\nb\nc\nd\n"), "\n");
        assert_eq!(newline("# 日本\r\nb\r\nc\nd"), "\r\n");
        assert_eq!(newline("a\r\nb\nc\rd"), "\r\n");
        assert_eq!(newline("a\nb\rc\r"), "\r");
        assert_eq!(newline("one line"), "\n");
        assert_eq!(newline("\u{feff}😀\r\n"), "\r\n");
    }

    #[test]
    fn position_in_agrees_with_the_indexed_position_at_every_offset() {
        // With carriage returns, and without (the byte-counting path).
        for text in [
            "# 日本\r\r😀 b\r\ncé\u{301}\nمرحبا\r\n\nend",
            "# 日本\n\n😀 b\ncé\u{301}\nمرحبا\n\nend",
        ] {
            let source = SourceText::new("a.md", text.to_owned());
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    position_in(text, offset),
                    source.position(offset),
                    "{offset} in {text:?}"
                );
            }
        }
    }

    #[test]
    fn a_position_past_the_end_is_clamped() {
        let source = SourceText::new("a.md", "ab".to_owned());
        assert_eq!(source.position(99), Position { line: 1, column: 3 });
    }
}
