//! The lines of a text as CommonMark breaks them: at `\n`, `\r\n` and a lone `\r`.

use std::ops::Range;

/// Each line of `text` (without its line break) and the line break after it (none after the last line).
pub fn lines_and_breaks(
    text: &str,
) -> impl Iterator<Item = (Range<usize>, Option<Range<usize>>)> + '_ {
    byte_lines_and_breaks(text.as_bytes())
}

/// [`lines_and_breaks`] of bytes that need not be UTF-8 (a file refused as binary or invalid text).
pub fn byte_lines_and_breaks(
    bytes: &[u8],
) -> impl Iterator<Item = (Range<usize>, Option<Range<usize>>)> + '_ {
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let line_start = start?;
        let Some(offset) = memchr::memchr2(b'\n', b'\r', &bytes[line_start..]) else {
            start = None;
            return Some((line_start..bytes.len(), None));
        };
        let end = line_start + offset;
        let width = if bytes[end..].starts_with(b"\r\n") {
            2
        } else {
            1
        };
        start = Some(end + width);
        Some((line_start..end, Some(end..end + width)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_at_lf_crlf_and_a_lone_cr() {
        let text = "日本\r\n🚀\rא\n\nend";
        let lines: Vec<(&str, Option<&str>)> = lines_and_breaks(text)
            .map(|(line, line_break)| (&text[line], line_break.map(|line_break| &text[line_break])))
            .collect();
        assert_eq!(
            lines,
            [
                ("日本", Some("\r\n")),
                ("🚀", Some("\r")),
                ("א", Some("\n")),
                ("", Some("\n")),
                ("end", None)
            ]
        );
        assert_eq!(lines_and_breaks("").count(), 1);
        assert_eq!(lines_and_breaks("x\n").last(), Some((2..2, None)));
    }
}
