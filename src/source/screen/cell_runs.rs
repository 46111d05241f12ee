//! One pass over a table row or an HTML cell's content for the screen's cell tests
//! ([`super::plain_cell_is_no_name`], [`super::no_reading_has_a_cell_word`] and the first look at a row
//! in [`super::row_may_split_a_group`]): the runs of ASCII letters and digits (cell words or not) and the
//! bytes that make a reading differ from the raw text (`<>{}&`, `\`, `](`, a character folding to ASCII),
//! read up to the first byte that decides the test. The tests scanned each text three or four times
//! before (byte sets, characters folding to ASCII, link destinations, runs), and on Cloudflare-style
//! pages table rows and HTML cells take over 40% of the screen's instructions. The module's tests hold
//! every verdict to those separate scans on generated text.

use super::CellWords;
use crate::text::ascii::folds_to_ascii_at;

/// What a pass over a text found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct RunFlags {
    /// A byte the MDX pre-pass may blank from or name normalisation decodes from: `<`, `>`, `{`, `}`, `&`.
    construct: bool,
    /// A `\` (an escape: normalisation reads the text around it otherwise).
    backslash: bool,
    /// A character whose lower case is an ASCII letter ([`crate::text::ascii::FOLDS_TO_ASCII`]).
    folding: bool,
    /// A `](` (a link destination may start there; dropping it joins the words around it).
    link: bool,
    /// A run of ASCII letters and digits that is a cell word.
    cell_word: bool,
    /// A run of ASCII letters and digits that is not.
    other_run: bool,
}

impl RunFlags {
    /// Whether no reading of the text has a cell word (see [`super::no_reading_has_a_cell_word`]).
    fn no_reading_has_a_cell_word(self) -> bool {
        !(self.backslash || self.folding || self.link || self.cell_word)
    }

    /// Whether the text, a cell, is plain and no level or name (see [`super::plain_cell_is_no_name`]);
    /// `None` when that depends on its link destinations, which this pass does not read.
    fn plain_cell_is_no_name(self) -> Option<bool> {
        if self.construct || self.backslash || self.folding {
            return Some(false);
        }
        if self.link {
            return None;
        }
        Some(!self.cell_word || self.other_run)
    }
}

/// The pass behind the readings: stops at the first byte after which `done` holds, and looks a run up only
/// while `look_up` holds (a flag the caller no longer needs is left as it is).
#[inline]
fn read(
    cell_words: &CellWords,
    text: &[u8],
    done: impl Fn(&RunFlags) -> bool,
    look_up: impl Fn(&RunFlags) -> bool,
) -> RunFlags {
    let mut flags = RunFlags::default();
    let mut index = 0;
    while index < text.len() {
        match CLASSES[usize::from(text[index])] {
            ALNUM => {
                let end = run_end(text, index);
                if look_up(&flags) {
                    if cell_words.contains(&text[index..end]) {
                        flags.cell_word = true;
                    } else {
                        flags.other_run = true;
                    }
                }
                index = end;
                if done(&flags) {
                    break;
                }
                continue;
            }
            CONSTRUCT => flags.construct = true,
            BACKSLASH => flags.backslash = true,
            BRACKET => flags.link |= text.get(index + 1) == Some(&b'('),
            LEAD => flags.folding |= folds_to_ascii_at(text, index),
            _ => {}
        }
        index += 1;
        if done(&flags) {
            break;
        }
    }
    flags
}

/// Whether no reading of `text` has a cell word ([`RunFlags::no_reading_has_a_cell_word`]), read up to
/// the first thing that decides it.
pub(super) fn no_reading_has_a_cell_word(cell_words: &CellWords, text: &[u8]) -> bool {
    read(
        cell_words,
        text,
        |flags| !flags.no_reading_has_a_cell_word(),
        |_| true,
    )
    .no_reading_has_a_cell_word()
}

/// [`RunFlags::plain_cell_is_no_name`] of `cell`, read up to the first thing that decides it, its runs
/// looked up only up to the first that is no cell word.
pub(super) fn plain_cell_is_no_name(cell_words: &CellWords, cell: &[u8]) -> Option<bool> {
    read(
        cell_words,
        cell,
        |flags| flags.construct || flags.backslash || flags.folding,
        |flags| !flags.other_run,
    )
    .plain_cell_is_no_name()
}

/// A byte class: none of the others.
const OTHER: u8 = 0;
/// A byte class: an ASCII letter or digit.
const ALNUM: u8 = 1;
/// A byte class: `<`, `>`, `{`, `}` or `&`.
const CONSTRUCT: u8 = 2;
/// A byte class: `\`.
const BACKSLASH: u8 = 3;
/// A byte class: `]`.
const BRACKET: u8 = 4;
/// A byte class: the lead byte of a character in [`crate::text::ascii::FOLDS_TO_ASCII`].
const LEAD: u8 = 5;

/// Each byte's class.
const CLASSES: [u8; 256] = {
    let mut classes = [OTHER; 256];
    let mut byte = 0;
    while byte < 256 {
        let value = byte as u8;
        classes[byte] = match value {
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => ALNUM,
            b'<' | b'>' | b'{' | b'}' | b'&' => CONSTRUCT,
            b'\\' => BACKSLASH,
            b']' => BRACKET,
            0xC4 | 0xE2 => LEAD,
            _ => OTHER,
        };
        byte += 1;
    }
    classes
};

/// The end of the run of ASCII letters and digits that starts at `start`.
#[inline]
fn run_end(text: &[u8], start: usize) -> usize {
    let mut end = start + 1;
    while end < text.len() && CLASSES[usize::from(text[end])] == ALNUM {
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::super::{ascii_alphanumeric_runs, without_link_destinations};
    use super::*;
    use crate::source::prefilter::cells_of_row;
    use crate::text::ascii::holds_folding_to_ascii;
    use proptest::prelude::*;

    /// Every flag of `text`, every run looked up.
    fn read_all(cell_words: &CellWords, text: &[u8]) -> RunFlags {
        read(cell_words, text, |_| false, |_| true)
    }

    fn cell_words() -> CellWords {
        CellWords::of(["ai gateway", "read", "edit"]).expect("cell words")
    }

    /// `plain_cell_is_no_name` as separate scans read it: the reference the single pass is held to.
    fn plain_cell_is_no_name_scanned(cell_words: &CellWords, cell: &str) -> bool {
        if crate::bytes::run_without(cell.as_bytes(), b"<>{}&\\") < cell.len()
            || holds_folding_to_ascii(cell)
        {
            return false;
        }
        let text = without_link_destinations(cell);
        let mut runs = ascii_alphanumeric_runs(&text).peekable();
        runs.peek().is_none() || runs.any(|run| !cell_words.contains(run))
    }

    /// `no_reading_has_a_cell_word` as separate scans read it.
    fn no_reading_has_a_cell_word_scanned(cell_words: &CellWords, text: &str) -> bool {
        let bytes = text.as_bytes();
        memchr::memchr(b'\\', bytes).is_none()
            && !holds_folding_to_ascii(text)
            && !memchr::memchr_iter(b']', bytes).any(|at| bytes.get(at + 1) == Some(&b'('))
            && ascii_alphanumeric_runs(text).all(|run| !cell_words.contains(run))
    }

    /// Pieces of cells: cell words in both cases, other words, the bytes each flag reads, multi-byte text
    /// (CJK, emoji, combining marks, RTL, the characters folding to ASCII and others of their lead bytes).
    const PIECES: &[&str] = &[
        "Read", "EDIT", "ai", "Gateway", "gateways", "x", "42", " ", "|", "\r", "<", ">", "{", "}",
        "&", "&#97;", "\\", "]", "(", ")", "](", "[a](b)", "日本", "🚀", "e\u{301}", "שלום",
        "\u{130}", "\u{212a}", "Ĉ", "–", "’", "-", "/", "**",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn one_pass_reads_cells_and_rows_as_the_separate_scans_do(
            pieces in proptest::collection::vec(0..PIECES.len(), 0..24),
        ) {
            let text: String = pieces.iter().map(|&index| PIECES[index]).collect();
            let words = cell_words();
            let bytes = text.as_bytes();
            prop_assert_eq!(
                no_reading_has_a_cell_word(&words, bytes),
                no_reading_has_a_cell_word_scanned(&words, &text)
            );
            let all_read = read_all(&words, bytes);
            prop_assert_eq!(
                all_read.no_reading_has_a_cell_word(),
                no_reading_has_a_cell_word_scanned(&words, &text)
            );
            for verdict in [plain_cell_is_no_name(&words, bytes), all_read.plain_cell_is_no_name()] {
                match verdict {
                    Some(no_name) => {
                        prop_assert_eq!(no_name, plain_cell_is_no_name_scanned(&words, &text));
                    }
                    None => prop_assert!(text.contains("](")),
                }
            }
            // Cut at every `|` and `\r`, a row's cells are all plain and no name exactly when they are
            // cut as `cells_of_row` cuts them (`row_is_ruled_out` relies on it).
            let plain = |cell: &str| plain_cell_is_no_name_scanned(&words, cell);
            prop_assert_eq!(text.split(['|', '\r']).all(plain), cells_of_row(&text).all(plain));
        }
    }

    #[test]
    fn flags_name_what_a_reading_may_change() {
        let words = cell_words();
        let of = |text: &str| read_all(&words, text.as_bytes());
        assert_eq!(
            of("Reads the 日本 logs"),
            RunFlags {
                other_run: true,
                ..RunFlags::default()
            }
        );
        assert!(of("**Read** / Edit").cell_word);
        assert!(!of("**Read** / Edit").other_run);
        assert!(of("[x](y)").link && !of("[x] (y)").link);
        assert!(of("Rea\u{130}").folding && !of("Ĉ ı “x”").folding);
        assert!(of("a<b").construct && of("R\\ead").backslash);
        assert_eq!(of("").plain_cell_is_no_name(), Some(true));
        assert_eq!(of("Read").plain_cell_is_no_name(), Some(false));
        assert_eq!(of("[Re](/x)ad").plain_cell_is_no_name(), None);
        assert!(of("Reads | Gateways").no_reading_has_a_cell_word());
        assert!(!of("Reads | Gateway").no_reading_has_a_cell_word());
    }
}
