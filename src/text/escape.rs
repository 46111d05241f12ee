//! Text that reaches a terminal, made unable to forge output: the one escaping every human-facing writer
//! uses for file names, page text and messages (findings, `error:`/`warning:` lines, `fixed` lines, diffs,
//! the mdBook preprocessor's stderr).
//!
//! Escaped: C0 controls but the tab (ESC, BEL, CR, LF, ...), DEL, C1 controls (U+0080–U+009F, CSI among
//! them), the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and marks
//! (U+200E, U+200F, U+061C), and the Unicode line and paragraph separators. LF and CR become `\n` and `\r`,
//! other ASCII controls `\x1b`, the rest `\u{202e}`. So a file named `a<LF>error[SL999]: x.md` is shown as
//! `a\nerror[SL999]: x.md`, on one line, and an escape sequence in a page cannot recolour or retitle the
//! terminal. Backslashes are not escaped: the output is for people, and JSON is the exact format.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

/// Whether `c` must not reach a terminal as it is.
pub fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{a}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character [`needs_escape`] names written as an escape; borrowed when there is none.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut escaped, c);
    }
    Cow::Owned(escaped)
}

/// `text` with each line escaped; the line breaks (`\n`, `\r\n`) that end lines are kept.
pub fn escape_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let body = body.strip_suffix('\r').unwrap_or(body);
            format!("{}{}", escape(body), &line[body.len()..])
        })
        .collect()
}

/// Whole lines of a page escaped, their line breaks kept (a lone `\r`, which ends a line, becomes `\n`),
/// with `span` (a byte range of `lines`) moved to the same characters in the result.
pub fn escape_lines_span(lines: &str, span: Range<usize>) -> (Cow<'_, str>, Range<usize>) {
    let bytes = lines.as_bytes();
    let is_line_break =
        |index: usize, c: char| c == '\n' || (c == '\r' && bytes.get(index + 1) == Some(&b'\n'));
    let clean = lines
        .char_indices()
        .all(|(index, c)| !needs_escape(c) || is_line_break(index, c));
    if clean {
        return (Cow::Borrowed(lines), span);
    }
    let mut escaped = String::with_capacity(lines.len() + 8);
    let (mut start, mut end) = (None, None);
    for (index, c) in lines.char_indices() {
        if start.is_none() && index >= span.start {
            start = Some(escaped.len());
        }
        if end.is_none() && index >= span.end {
            end = Some(escaped.len());
        }
        if is_line_break(index, c) {
            escaped.push(c);
        } else if c == '\r' {
            escaped.push('\n');
        } else {
            push_escaped(&mut escaped, c);
        }
    }
    let start = start.unwrap_or(escaped.len());
    let end = end.unwrap_or(escaped.len()).max(start);
    (Cow::Owned(escaped), start..end)
}

/// A path as shown to a person: escaped like [`escape`], and, when it is not UTF-8, each byte that is not
/// part of a character written as `\xff`, so that two different names never look the same.
pub fn escape_path(path: &Path) -> String {
    let mut shown = String::new();
    for chunk in path_bytes(path).utf8_chunks() {
        shown.push_str(&escape(chunk.valid()));
        for byte in chunk.invalid() {
            let _ = write!(shown, "\\x{byte:02x}");
        }
    }
    shown
}

/// The bytes of a path: the OS's own on Unix, UTF-8 (lossy) elsewhere.
pub fn path_bytes(path: &Path) -> Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Cow::Borrowed(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        match path.to_string_lossy() {
            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        }
    }
}

fn push_escaped(out: &mut String, c: char) {
    if !needs_escape(c) {
        out.push(c);
        return;
    }
    let _ = match c {
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\u{0}'..='\u{7f}' => write!(out, "\\x{:02x}", u32::from(c)),
        _ => write!(out, "\\u{{{:x}}}", u32::from(c)),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_escaped_and_other_text_is_kept() {
        assert!(matches!(escape("AI Gateway 日本 é\tx"), Cow::Borrowed(_)));
        assert_eq!(
            escape("a\nerror[SL999]: x\r\u{1b}[31m\u{7}\u{9b}\u{202e}\u{2066}\u{0}"),
            "a\\nerror[SL999]: x\\r\\x1b[31m\\x07\\u{9b}\\u{202e}\\u{2066}\\x00"
        );
    }

    #[test]
    fn a_span_follows_its_characters_through_the_escaping_and_line_breaks_stay() {
        let text = "\u{1b}[1mAI\u{202e} Gateway\r\nnext\rlast\nend";
        let start = text.find("AI").unwrap();
        let (escaped, span) = escape_lines_span(text, start..text.find("end").unwrap());
        assert_eq!(escaped, "\\x1b[1mAI\\u{202e} Gateway\r\nnext\nlast\nend");
        assert_eq!(&escaped[span], "AI\\u{202e} Gateway\r\nnext\nlast\n");
        let (_, empty) = escape_lines_span(text, 0..0);
        assert_eq!(empty, 0..0);
        assert!(matches!(
            escape_lines_span("a\r\nb\n", 0..1).0,
            Cow::Borrowed(_)
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_keeps_its_bytes_visible() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(OsStr::from_bytes(b"d\xffir/a\n\x1b.md"));
        assert_eq!(escape_path(path), "d\\xffir/a\\n\\x1b.md");
        assert_eq!(path_bytes(path).as_ref(), b"d\xffir/a\n\x1b.md");
    }
}
