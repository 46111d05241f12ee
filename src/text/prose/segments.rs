//! The Unicode sentence and word boundaries (UAX #29) of a text, with a fast path for ASCII text:
//! `unicode-segmentation` looks every character up in its tables, and SL003 splits every text unit that
//! names a resource noun (on pages about the product, most of them) into sentences and words, which was
//! most of the rule's time. ASCII has few break classes, and the rules read them here directly; any other
//! text goes to `unicode-segmentation`. Property tests require both to give the same boundaries.

use unicode_segmentation::UnicodeSegmentation;

/// The byte offsets where the sentences of `text` start (none for an empty text).
pub(super) fn sentence_starts(text: &str) -> Vec<usize> {
    if text.is_ascii() {
        ascii_sentence_starts(text.as_bytes())
    } else {
        unicode_sentence_starts(text)
    }
}

/// [`sentence_starts`] of a text that is not ASCII, by `unicode-segmentation`, with each run of ASCII
/// spaces and tabs, and each run of ASCII closing marks (quotes, brackets), read as one character of its
/// class. After a `.`, the crate looks ahead from every space of such a run (rule SB8), which takes time
/// growing with the square of the run's length (30,000 spaces: seconds). No boundary falls inside such a
/// run, and the rules read them only as `Sp*` and `Close*`, whatever their length, so the starts are the
/// same.
fn unicode_sentence_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let has_a_run = bytes
        .windows(2)
        .any(|pair| collapsible(pair[0]).is_some_and(|class| collapsible(pair[1]) == Some(class)));
    if !has_a_run {
        return text
            .split_sentence_bound_indices()
            .map(|(start, _)| start)
            .collect();
    }
    let mut shortened = String::with_capacity(text.len());
    // For each byte of `shortened`, the offset in `text` of the byte it stands for.
    let mut source: Vec<usize> = Vec::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let run_end = collapsible(bytes[at]).map_or(at + 1, |class| {
            at + bytes[at..]
                .iter()
                .take_while(|&&byte| collapsible(byte) == Some(class))
                .count()
        });
        if run_end - at > 1 {
            shortened.push_str(&text[copied..at + 1]);
            source.extend(copied..at + 1);
            copied = run_end;
        }
        at = run_end;
    }
    shortened.push_str(&text[copied..]);
    source.extend(copied..text.len());
    shortened
        .split_sentence_bound_indices()
        .map(|(start, _)| source[start])
        .collect()
}

/// The class of an ASCII byte whose runs [`unicode_sentence_starts`] shortens: spaces and tabs (`Sp`), or
/// closing marks (`Close`).
fn collapsible(byte: u8) -> Option<Class> {
    match class(byte) {
        Class::Sp if matches!(byte, b' ' | b'\t') => Some(Class::Sp),
        Class::Close => Some(Class::Close),
        _ => None,
    }
}

/// The sentence-break class of an ASCII byte (UAX #29, `SentenceBreakProperty.txt`; ASCII has no
/// `OLetter`, `Sep`, `Extend` or `Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cr,
    Lf,
    Sp,
    Lower,
    Upper,
    Numeric,
    ATerm,
    STerm,
    SContinue,
    Close,
    Other,
}

fn class(byte: u8) -> Class {
    match byte {
        b'\r' => Class::Cr,
        b'\n' => Class::Lf,
        b'\t' | 0x0B | 0x0C | b' ' => Class::Sp,
        b'a'..=b'z' => Class::Lower,
        b'A'..=b'Z' => Class::Upper,
        b'0'..=b'9' => Class::Numeric,
        b'.' => Class::ATerm,
        b'!' | b'?' => Class::STerm,
        b',' | b'-' | b':' | b';' => Class::SContinue,
        b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => Class::Close,
        _ => Class::Other,
    }
}

impl Class {
    fn is_para_sep(self) -> bool {
        matches!(self, Class::Cr | Class::Lf)
    }
}

/// How far the text before a boundary matches `SATerm Close* Sp*`: the terminator, and whether a space
/// came after it (rule SB9 needs none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AfterTerminator {
    terminator: Class,
    spaced: bool,
}

impl AfterTerminator {
    /// The match after one more byte of class `class`, given the match before it.
    fn then(before: Option<AfterTerminator>, class: Class) -> Option<AfterTerminator> {
        match (before, class) {
            (_, Class::ATerm | Class::STerm) => Some(AfterTerminator {
                terminator: class,
                spaced: false,
            }),
            (Some(after), Class::Close) if !after.spaced => Some(after),
            (Some(after), Class::Sp) => Some(AfterTerminator {
                spaced: true,
                ..after
            }),
            _ => None,
        }
    }
}

fn ascii_sentence_starts(bytes: &[u8]) -> Vec<usize> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let classes: Vec<Class> = bytes.iter().map(|&byte| class(byte)).collect();
    let lower_next = lower_comes_next(&classes);
    let mut starts = vec![0];
    let mut after_terminator = AfterTerminator::then(None, classes[0]);
    for at in 1..classes.len() {
        if breaks_before(&classes, at, after_terminator, lower_next[at]) {
            starts.push(at);
        }
        after_terminator = AfterTerminator::then(after_terminator, classes[at]);
    }
    starts
}

/// For each place, whether the first byte from it on that is a letter, a paragraph separator or a
/// terminator is a lowercase letter (the look-ahead of rule SB8).
fn lower_comes_next(classes: &[Class]) -> Vec<bool> {
    let mut lower_next = vec![false; classes.len() + 1];
    for at in (0..classes.len()).rev() {
        lower_next[at] = match classes[at] {
            Class::Lower => true,
            Class::Upper | Class::Cr | Class::Lf | Class::ATerm | Class::STerm => false,
            _ => lower_next[at + 1],
        };
    }
    lower_next
}

/// Whether a sentence starts at `at` (rules SB3 to SB11).
fn breaks_before(
    classes: &[Class],
    at: usize,
    after_terminator: Option<AfterTerminator>,
    lower_next: bool,
) -> bool {
    let (before, here) = (classes[at - 1], classes[at]);
    if before == Class::Cr && here == Class::Lf {
        return false;
    }
    if before.is_para_sep() {
        return true;
    }
    if before == Class::ATerm && here == Class::Numeric {
        return false;
    }
    if before == Class::ATerm
        && here == Class::Upper
        && at >= 2
        && matches!(classes[at - 2], Class::Upper | Class::Lower)
    {
        return false;
    }
    let Some(after) = after_terminator else {
        return false;
    };
    if after.terminator == Class::ATerm && lower_next {
        return false;
    }
    if matches!(here, Class::SContinue | Class::ATerm | Class::STerm) {
        return false;
    }
    if !after.spaced && matches!(here, Class::Close | Class::Sp | Class::Cr | Class::Lf) {
        return false;
    }
    !matches!(here, Class::Sp | Class::Cr | Class::Lf)
}

/// The word-bound segments of `text` (words, and the runs between them), each with where it starts, as
/// `unicode-segmentation`'s `split_word_bound_indices` gives them.
pub(super) fn word_bound_indices(text: &str) -> WordBounds<'_> {
    if text.is_ascii() {
        WordBounds::Ascii { text, at: 0 }
    } else {
        WordBounds::Unicode(text.split_word_bound_indices())
    }
}

/// The iterator of [`word_bound_indices`].
pub(super) enum WordBounds<'t> {
    /// An ASCII text, read here from byte `at` on.
    Ascii { text: &'t str, at: usize },
    /// Any other text.
    Unicode(unicode_segmentation::UWordBoundIndices<'t>),
}

impl<'t> Iterator for WordBounds<'t> {
    type Item = (usize, &'t str);

    fn next(&mut self) -> Option<(usize, &'t str)> {
        match self {
            WordBounds::Unicode(segments) => segments.next(),
            WordBounds::Ascii { text, at } => {
                let bytes = text.as_bytes();
                let start = *at;
                if start >= bytes.len() {
                    return None;
                }
                let mut end = start + 1;
                while end < bytes.len() && !word_breaks_before(bytes, end) {
                    end += 1;
                }
                *at = end;
                Some((start, &text[start..end]))
            }
        }
    }
}

/// The word-break class of an ASCII byte (UAX #29, `WordBreakProperty.txt`; ASCII has no `Extend`,
/// `Format`, `ZWJ`, `Katakana`, `Hebrew_Letter` or `Regional_Indicator`, and `Double_Quote` acts only next
/// to Hebrew letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordClass {
    Cr,
    Lf,
    Newline,
    WSegSpace,
    Letter,
    Numeric,
    MidLetter,
    MidNum,
    /// `MidNumLet` or `Single_Quote` (the rules read them alike outside Hebrew).
    MidNumLetQ,
    ExtendNumLet,
    Other,
}

fn word_class(byte: u8) -> WordClass {
    match byte {
        b'\r' => WordClass::Cr,
        b'\n' => WordClass::Lf,
        0x0B | 0x0C => WordClass::Newline,
        b' ' => WordClass::WSegSpace,
        b'a'..=b'z' | b'A'..=b'Z' => WordClass::Letter,
        b'0'..=b'9' => WordClass::Numeric,
        b':' => WordClass::MidLetter,
        b',' | b';' => WordClass::MidNum,
        b'.' | b'\'' => WordClass::MidNumLetQ,
        b'_' => WordClass::ExtendNumLet,
        _ => WordClass::Other,
    }
}

/// Whether a word-bound segment starts at `at` of the ASCII `bytes` (rules WB3 to WB13b).
fn word_breaks_before(bytes: &[u8], at: usize) -> bool {
    use WordClass::{
        Cr, ExtendNumLet, Letter, Lf, MidLetter, MidNum, MidNumLetQ, Newline, Numeric, WSegSpace,
    };
    let class_at = |index: usize| {
        bytes
            .get(index)
            .map_or(WordClass::Other, |&byte| word_class(byte))
    };
    let (before, here) = (class_at(at - 1), class_at(at));
    let two_before = at.checked_sub(2).map(class_at);
    match (before, here) {
        (Cr, Lf) => false,
        (Cr | Lf | Newline, _) | (_, Cr | Lf | Newline) => true,
        (WSegSpace, WSegSpace)
        | (Letter | Numeric, Letter | Numeric)
        | (Letter | Numeric | ExtendNumLet, ExtendNumLet)
        | (ExtendNumLet, Letter | Numeric) => false,
        (Letter, MidLetter | MidNumLetQ) => class_at(at + 1) != Letter,
        (MidLetter | MidNumLetQ, Letter) => two_before != Some(Letter),
        (Numeric, MidNum | MidNumLetQ) => class_at(at + 1) != Numeric,
        (MidNum | MidNumLetQ, Numeric) => two_before != Some(Numeric),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn by_unicode_segmentation(text: &str) -> Vec<usize> {
        text.split_sentence_bound_indices()
            .map(|(start, _)| start)
            .collect()
    }

    #[test]
    fn reads_prose_as_unicode_segmentation_does() {
        for text in [
            "",
            "Scope the token. It works!",
            "Use e.g. this one? Yes.",
            "Version 3.5 is out. U.S. Army. Mr. Smith said \"Go.\" Then left.",
            "First.\n\nSecond line\nthird.\r\nFourth (really.) Fifth",
            "Ends here...   ",
            "a.\u{0b}B",
        ] {
            assert_eq!(
                ascii_sentence_starts(text.as_bytes()),
                by_unicode_segmentation(text),
                "{text:?}"
            );
        }
    }

    #[test]
    fn leaves_other_text_to_unicode_segmentation() {
        let text = "日本語。Scope the token. It works!";
        assert_eq!(sentence_starts(text), by_unicode_segmentation(text));
    }

    #[test]
    fn a_long_run_of_spaces_after_a_period_in_other_text_is_read_once() {
        // 200,000 spaces: the crate alone takes minutes on this (its look-ahead from every space).
        let text = format!(
            "Tokens \u{2019}. {}scope the token to one gateway. Next!",
            " ".repeat(200_000)
        );
        let starts = sentence_starts(&text);
        assert_eq!(starts, [0, text.len() - "Next!".len()]);
    }

    fn words_by_unicode_segmentation(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices().collect()
    }

    #[test]
    fn reads_words_as_unicode_segmentation_does() {
        for text in [
            "",
            "can't scope per-gateway tokens: e.g. v1.2,3 or a_b _x 9_ x:y x: :y",
            "two  spaces\t\ttabs\r\nlines\u{0b}\u{0c}end.",
            "'quoted' \"double\" 3.5.x a.b.c 1,000,000 1;2 1:2",
        ] {
            assert_eq!(
                word_bound_indices(text).collect::<Vec<_>>(),
                words_by_unicode_segmentation(text),
                "{text:?}"
            );
        }
        let text = "日本語 can't";
        assert_eq!(
            word_bound_indices(text).collect::<Vec<_>>(),
            words_by_unicode_segmentation(text)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        // Every ASCII class, several times over (terminators, closers and spaces in runs), with words.
        #[test]
        fn ascii_fast_path_agrees_with_unicode_segmentation(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("a"), Just("Z"), Just("word"), Just("Word"), Just("7"), Just("."), Just("!"),
                    Just("?"), Just(","), Just("-"), Just(":"), Just(";"), Just("\""), Just("'"), Just("("),
                    Just(")"), Just("["), Just("]"), Just("{"), Just("}"), Just(" "), Just("\t"),
                    Just("\u{0b}"), Just("\u{0c}"), Just("\r"), Just("\n"), Just("*"), Just("_"), Just("`"),
                    Just("#"), Just("/"), Just("\u{0}"), Just("~"),
                ],
                0..24,
            )
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(ascii_sentence_starts(text.as_bytes()), by_unicode_segmentation(&text));
        }

        #[test]
        fn every_ascii_byte_agrees_with_unicode_segmentation(
            bytes in proptest::collection::vec(0u8..0x80, 0..16)
        ) {
            let text = String::from_utf8(bytes).expect("ASCII");
            prop_assert_eq!(ascii_sentence_starts(text.as_bytes()), by_unicode_segmentation(&text));
            prop_assert_eq!(word_bound_indices(&text).collect::<Vec<_>>(), words_by_unicode_segmentation(&text));
        }

        // Runs of spaces, tabs and closing marks next to terminators and letters, in text that is not ASCII.
        #[test]
        fn shortened_runs_give_unicode_segmentation_starts(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("a"), Just("Z"), Just("7"), Just("."), Just("!"), Just("?"), Just(" "), Just("  "),
                    Just("\t"), Just("\t "), Just(")"), Just("))"), Just("\")"), Just("]'"), Just("("),
                    Just("\n"), Just("\r\n"), Just(","), Just("\u{a0}"), Just("\u{301}"), Just("\u{200d}"),
                    Just("。"), Just("日本"), Just("«"), Just("»"), Just("\u{2029}"), Just("É"), Just("é"),
                ],
                0..24,
            )
        ) {
            let text: String = ["é"].into_iter().chain(pieces).collect();
            prop_assert_eq!(unicode_sentence_starts(&text), by_unicode_segmentation(&text));
        }

        // Every ASCII word-break class, in runs, with words and numbers.
        #[test]
        fn ascii_words_agree_with_unicode_segmentation(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("a"), Just("Zb"), Just("7"), Just("42"), Just(":"), Just(","), Just(";"), Just("."),
                    Just("'"), Just("\""), Just("_"), Just(" "), Just("\t"), Just("\r"), Just("\n"),
                    Just("\u{0b}"), Just("\u{0c}"), Just("-"), Just("*"), Just("`"), Just("\u{0}"), Just("/"),
                ],
                0..24,
            )
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(word_bound_indices(&text).collect::<Vec<_>>(), words_by_unicode_segmentation(&text));
        }
    }
}
