//! ASCII case, as both the raw-text screens and the model meet it: finding an ASCII word in any case, and
//! the only characters outside ASCII whose lower case is an ASCII letter.

/// Characters outside ASCII whose lower case is (or starts with) an ASCII letter: the capital I with a dot
/// and the Kelvin sign (a test walks all of Unicode to prove there are no others). Raw text that holds one
/// can spell a name's letters that an ASCII case-insensitive search does not see.
pub const FOLDS_TO_ASCII: &[char] = &['\u{130}', '\u{212a}'];

/// Whether `c` is one of [`FOLDS_TO_ASCII`].
pub fn folds_to_ascii(c: char) -> bool {
    FOLDS_TO_ASCII.contains(&c)
}

/// Whether `text` holds one of [`FOLDS_TO_ASCII`]: the only characters outside ASCII whose name
/// normalisation writes an ASCII letter, so the only ones that can join, extend or make a run of ASCII
/// letters and digits (any other is written as a separator or as letters outside ASCII, which cut runs).
pub fn holds_folding_to_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(0xC4, 0xE2, bytes).any(|at| folds_to_ascii_at(bytes, at))
}

/// Whether one of [`FOLDS_TO_ASCII`] starts at byte `at` of `bytes` (its lead byte is 0xC4 or 0xE2).
#[inline]
pub fn folds_to_ascii_at(bytes: &[u8], at: usize) -> bool {
    FOLDS_TO_ASCII.iter().any(|folding| {
        let mut encoded = [0; 4];
        bytes[at..].starts_with(folding.encode_utf8(&mut encoded).as_bytes())
    })
}

/// The first offset of `needle` (ASCII) in `haystack`, ASCII letters compared in either case, without
/// copying the haystack.
pub fn find_ignoring_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return Some(0);
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    memchr::memchr2_iter(lower, upper, haystack).find(|&at| {
        haystack
            .get(at..at + needle.len())
            .is_some_and(|window| window.eq_ignore_ascii_case(needle))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_characters_lower_case_to_ascii_letters() {
        let folding: Vec<char> = (0x80..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|c| c.to_lowercase().any(|lower| lower.is_ascii_alphanumeric()))
            .collect();
        assert_eq!(folding, FOLDS_TO_ASCII);
    }

    #[test]
    fn characters_folding_to_ascii_are_found_among_others_of_their_lead_byte() {
        assert!(holds_folding_to_ascii("日本 İstanbul"));
        assert!(holds_folding_to_ascii("5 \u{212a}"));
        assert!(!holds_folding_to_ascii("✅ – Ĉ ı “x” 日本"));
        assert!(!holds_folding_to_ascii(""));
        // The search looks at these lead bytes only.
        for folding in FOLDS_TO_ASCII {
            let mut encoded = [0; 4];
            let lead = folding.encode_utf8(&mut encoded).as_bytes()[0];
            assert!(matches!(lead, 0xC4 | 0xE2), "{folding:?}");
        }
    }

    #[test]
    fn ascii_words_are_found_in_any_case() {
        assert_eq!(
            find_ignoring_ascii_case("日本 </SCRIPT>", "</script>"),
            Some(7)
        );
        assert_eq!(find_ignoring_ascii_case("Name", "namespace"), None);
        assert_eq!(find_ignoring_ascii_case("x", ""), Some(0));
        assert_eq!(find_ignoring_ascii_case("sscsCript", "script"), Some(3));
    }
}
