//! CommonMark's blank space: what a blank line holds and what a block's range is trimmed of. Only spaces,
//! tabs and line breaks: a line holding a no-break space, U+2029, U+0085, a form feed or other Unicode
//! whitespace is not blank (it is a paragraph, or a lazy line of the blockquote before it), so
//! `str::trim` (Unicode whitespace) must not decide where a block ends.

/// The characters of blank space.
pub const BLANK: [char; 4] = [' ', '\t', '\r', '\n'];

/// Whether `text` holds only blank space (a blank line, when it is one line).
pub fn is_blank(text: &str) -> bool {
    text.trim_matches(BLANK).is_empty()
}

/// `text` without trailing blank space.
pub fn trim_blank_end(text: &str) -> &str {
    text.trim_end_matches(BLANK)
}

/// `text` without leading blank space.
pub fn trim_blank_start(text: &str) -> &str {
    text.trim_start_matches(BLANK)
}

/// The width of the spaces and tabs `line` starts with, a tab reaching the next multiple of four columns.
pub fn indent_width(line: &str) -> usize {
    let mut width = 0;
    for byte in line.bytes() {
        match byte {
            b' ' => width += 1,
            b'\t' => width += 4 - width % 4,
            _ => break,
        }
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_spaces_tabs_and_line_breaks_are_blank() {
        assert!(is_blank(" \t\r\n"));
        for other in [
            "\u{a0}", "\u{2029}", "\u{85}", "\u{c}", "\u{b}", "\u{3000}", "日",
        ] {
            assert!(!is_blank(other), "{other:?}");
            assert_eq!(trim_blank_end(&format!(" {other} \n")), format!(" {other}"));
            assert_eq!(
                trim_blank_start(&format!("\n {other} ")),
                format!("{other} ")
            );
        }
    }
}
