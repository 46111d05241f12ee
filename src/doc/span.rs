//! The one place where a byte range reported by a parser becomes a range of the page text.
//!
//! pulldown-cmark parses the *masked* text (see [`super::mdx`]), in which every byte of a blanked construct
//! is a space: a `{/*日本*/}` comment is twelve spaces there, and a range may start or end between two of
//! them, which is inside a character of the original. Every range stored in a [`super::Page`] is passed
//! through [`snap`], so that slicing the text (or the masked text, whose character boundaries include the
//! text's) with it never panics.

use std::ops::Range;

use super::source::{ceil_char_boundary, floor_char_boundary};

/// `range` clamped to `text` and widened to whole characters: the start moves back and the end forward to
/// the nearest character boundary, so a range that touched part of a character covers all of it and a
/// range inside another keeps lying inside it. An empty range stays empty (at the boundary before).
pub fn snap(text: &str, range: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, range.start.min(text.len()));
    let end = range.end.min(text.len()).max(start);
    if end == start || range.end <= range.start {
        return start..start;
    }
    start..ceil_char_boundary(text, end)
}

/// `range` after [`snap`], in place.
pub fn snap_in_place(text: &str, range: &mut Range<usize>) {
    *range = snap(text, range.clone());
}

/// Whether `range` can slice `text`: in order, inside it, both ends on character boundaries.
pub fn is_valid(text: &str, range: &Range<usize>) -> bool {
    range.start <= range.end
        && range.end <= text.len()
        && text.is_char_boundary(range.start)
        && text.is_char_boundary(range.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_inside_a_character_widen_to_the_whole_character() {
        let text = "a日b";
        assert_eq!(snap(text, 2..3), 1..4);
        assert_eq!(snap(text, 0..2), 0..4);
        assert_eq!(snap(text, 3..5), 1..5);
        assert_eq!(snap(text, 1..4), 1..4);
    }

    #[test]
    fn empty_reversed_and_out_of_range_ranges_are_made_valid() {
        let text = "a日b";
        assert_eq!(snap(text, 2..2), 1..1);
        let reversed = Range { start: 3, end: 1 };
        assert_eq!(snap(text, reversed), 1..1);
        assert_eq!(snap(text, 4..99), 4..5);
        assert_eq!(snap(text, 99..100), 5..5);
        for start in 0..7 {
            for end in 0..7 {
                assert!(is_valid(text, &snap(text, start..end)), "{start}..{end}");
            }
        }
    }
}
