//! Cheap bounds on the edit distance of two texts, so that a search for a close name scores with
//! their edit distance only the names that may be close.
//!
//! Each edit (insert, delete or substitute one character) changes how often each character occurs by one
//! in at most two places, and a swap of two characters changes none. So two texts whose character counts
//! differ by `d` in all need at least `d / 2` edits (rounded up). Counting characters in a few buckets
//! instead of one count per character keeps the bound (an edit still moves at most two bucket counts by
//! one) and the counts small.

/// Buckets characters are counted in (ASCII letters and digits each get one of their own, most others
/// share).
const BUCKETS: usize = 48;

/// How often the characters of a text occur, by bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharCounts {
    counts: [u16; BUCKETS],
    /// The text's length in characters.
    pub length: usize,
}

impl CharCounts {
    /// The counts of `text`.
    pub fn of(text: &str) -> CharCounts {
        let mut counts = [0u16; BUCKETS];
        let mut length = 0;
        for c in text.chars() {
            let bucket = &mut counts[bucket(c)];
            *bucket = bucket.saturating_add(1);
            length += 1;
        }
        CharCounts { counts, length }
    }

    /// A lower bound on the edits that turn the text counted in `self` into the one counted in `other` (a
    /// saturated count only lowers it further).
    pub fn edits_at_least(&self, other: &CharCounts) -> usize {
        let differences: usize = self
            .counts
            .iter()
            .zip(&other.counts)
            .map(|(a, b)| usize::from(a.abs_diff(*b)))
            .sum();
        differences.div_ceil(2)
    }
}

/// The bucket of `c`: `a`-`z` (either case) and `0`-`9` one each, a space one, the rest by code point.
fn bucket(c: char) -> usize {
    match c {
        'a'..='z' => c as usize - 'a' as usize,
        'A'..='Z' => c as usize - 'A' as usize,
        '0'..='9' => 26 + (c as usize - '0' as usize),
        ' ' => 36,
        _ => 37 + (c as usize) % (BUCKETS - 37),
    }
}

/// How similar two texts are: one less the edits over the longer length in characters, a swap of two
/// neighbouring characters counting as one edit (`strsim::osa_distance`: `Wirte` is one edit from `Write`,
/// two by Levenshtein).
pub fn similarity(text: &str, other: &str) -> f64 {
    let longest = text.chars().count().max(other.chars().count());
    if longest == 0 {
        return 1.0;
    }
    1.0 - strsim::osa_distance(text, other) as f64 / longest as f64
}

/// Whether [`similarity`] reaches `threshold`, scored by Levenshtein first (it never counts fewer edits):
/// only a text Levenshtein leaves short by at most half its edits (each swap it counts twice) is scored
/// again with swaps.
pub fn is_similar(text: &str, other: &str, threshold: f64) -> bool {
    let longest = text.chars().count().max(other.chars().count());
    let edits = strsim::levenshtein(text, other);
    may_score(longest, longest, edits, threshold)
        || (may_score(longest, longest, edits.div_ceil(2), threshold)
            && similarity(text, other) >= threshold)
}

/// Whether two texts of `length` and `other_length` characters, at least `edits` edits apart, can score
/// `threshold` or more as [`similarity`] scores them (one less the edits over the longer
/// length, in `f64`): the score cannot exceed the one `edits` gives.
pub fn may_score(length: usize, other_length: usize, edits: usize, threshold: f64) -> bool {
    let longest = length.max(other_length);
    longest == 0 || 1.0 - (edits as f64) / (longest as f64) >= threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every pair of pieces joined from multi-byte and ASCII text: the bound never passes the distance.
    #[test]
    fn the_bound_never_exceeds_the_edit_distance() {
        let pieces = [
            "ai",
            "gateway",
            "read",
            "Gateway",
            " ",
            "日本",
            "😀",
            "e\u{301}",
            "مرحبا",
            "1",
            "-",
            "zz",
        ];
        let mut seed = 11u64;
        let texts: Vec<String> = (0..60)
            .map(|length| crate::bytes::pieced_text(&pieces, length % 24, &mut seed))
            .collect();
        for a in &texts {
            for b in &texts {
                let bound = CharCounts::of(a).edits_at_least(&CharCounts::of(b));
                // A swap of two characters changes no count: the bound holds with swaps too.
                assert!(bound <= strsim::osa_distance(a, b), "{a:?} {b:?}");
                let threshold = 0.85;
                assert_eq!(
                    is_similar(a, b, threshold),
                    similarity(a, b) >= threshold,
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn letters_in_either_case_count_alike_and_lengths_are_in_characters() {
        let upper = CharCounts::of("AI Gateway");
        let lower = CharCounts::of("ai gateway");
        assert_eq!(upper.edits_at_least(&lower), 0);
        assert_eq!(CharCounts::of("日本😀").length, 3);
        assert_eq!(
            CharCounts::of("read").edits_at_least(&CharCounts::of("edit")),
            2
        );
    }

    #[test]
    fn a_score_is_reachable_only_within_the_edits_the_threshold_allows() {
        assert!(may_score(20, 20, 3, 0.85));
        assert!(!may_score(20, 20, 4, 0.85));
        assert!(may_score(0, 0, 0, 0.85));
    }
}
