//! Source text: the bytes of one file as the rest of the crate sees them.
//!
//! A leading UTF-8 byte-order mark is removed from `text` and remembered, so every span in the crate is an
//! offset into `text`. Lines may end in `\n` or `\r\n`; both are kept as they are.

use std::ops::Range;
use std::path::{Path, PathBuf};

const BOM: &str = "\u{feff}";

/// A 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
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
}

impl SourceText {
    /// Wraps `raw` (the whole file as read) for `path`.
    pub fn new(path: impl Into<PathBuf>, raw: String) -> Self {
        let (text, bom) = match raw.strip_prefix(BOM) {
            Some(rest) => (rest.to_owned(), true),
            None => (raw, false),
        };
        let line_starts = line_starts(&text);
        SourceText {
            path: path.into(),
            text,
            bom,
            line_starts,
        }
    }

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
        let column = self.text[line_start..offset].chars().count() + 1;
        Position {
            line: line_index + 1,
            column,
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

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The line ending to write into this file: `"\r\n"` when it has any, else `"\n"`.
    pub fn newline(&self) -> &'static str {
        if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
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

fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::with_capacity(text.len() / 40 + 1);
    starts.push(0);
    starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|index| index + 1));
    starts
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
    fn a_position_past_the_end_is_clamped() {
        let source = SourceText::new("a.md", "ab".to_owned());
        assert_eq!(source.position(99), Position { line: 1, column: 3 });
    }
}
