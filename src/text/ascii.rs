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
