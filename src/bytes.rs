//! Byte-set searches over raw text, 16 bytes a compare (`wide`: SSE2 or NEON where there is one, plain
//! arrays elsewhere). The MDX pre-pass skips plain text up to the next byte that can start a construct, and
//! the prefilter's screen rules out table cells with no byte it cannot read word by word: both ask where, or
//! whether, a byte of a small set stands. A search ends at the first such byte, so text full of them is
//! still read once.

use wide::u8x16;

/// Bytes per SIMD compare.
const LANE: usize = 16;

/// How many bytes at the start of `bytes` are none of `set`.
pub fn run_without<const N: usize>(bytes: &[u8], set: &[u8; N]) -> usize {
    first_of(bytes, set, false)
}

/// Whether `bytes` holds a byte that is not ASCII or is one of `set`.
pub fn has_non_ascii_or<const N: usize>(bytes: &[u8], set: &[u8; N]) -> bool {
    first_of(bytes, set, true) < bytes.len()
}

/// The offset of the first byte of `bytes` that is one of `set` (or, with `non_ascii`, outside ASCII);
/// `bytes.len()` when there is none.
fn first_of<const N: usize>(bytes: &[u8], set: &[u8; N], non_ascii: bool) -> usize {
    let splats = set.map(u8x16::splat);
    let mut lanes = bytes.chunks_exact(LANE);
    let mut offset = 0;
    for lane in &mut lanes {
        let lane = u8x16::new(lane.try_into().expect("a lane is 16 bytes"));
        // Starting from the lane itself keeps its top bits: the bytes outside ASCII.
        let start = if non_ascii { lane } else { u8x16::splat(0) };
        let found = splats
            .iter()
            .fold(start, |found, splat| found | lane.cmp_eq(*splat));
        let mask = found.move_mask();
        if mask != 0 {
            return offset + mask.trailing_zeros() as usize;
        }
        offset += LANE;
    }
    offset
        + lanes
            .remainder()
            .iter()
            .take_while(|byte| (!non_ascii || byte.is_ascii()) && !set.contains(byte))
            .count()
}

/// Text of at least `length` bytes made of `pieces`, each picked by a linear congruential generator that
/// `seed` carries from call to call: the same texts every run.
#[cfg(test)]
pub(crate) fn pieced_text(pieces: &[&str], length: usize, seed: &mut u64) -> String {
    let mut text = String::new();
    while text.len() < length {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text.push_str(pieces[(*seed >> 33) as usize % pieces.len()]);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_bytes_are_found_at_every_place_of_a_lane() {
        let set = b"<>{}&\\";
        let scalar = |bytes: &[u8]| {
            bytes
                .iter()
                .any(|byte| !byte.is_ascii() || set.contains(byte))
        };
        for length in 0..40 {
            let plain = "a".repeat(length);
            assert!(!has_non_ascii_or(plain.as_bytes(), set), "{length}");
            for at in 0..length {
                for inserted in ["<", "\\", "&", "é", "日", "😀", "\u{301}", "ש"] {
                    let text = format!("{}{inserted}{}", &plain[..at], &plain[at..]);
                    assert_eq!(
                        has_non_ascii_or(text.as_bytes(), set),
                        scalar(text.as_bytes()),
                        "{text:?}"
                    );
                    assert!(has_non_ascii_or(text.as_bytes(), set), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn a_run_ends_at_the_first_byte_of_the_set() {
        let set = b"\n`<{\\";
        let stops = |byte: &u8| matches!(byte, b'\n' | b'`' | b'<' | b'{' | b'\\');
        // Mostly plain text, so that runs cross the 16-byte lanes of the compares.
        let mut pieces = vec![
            "a", " ", "\n", "`", "<", "{", "\\", "}", ">", "日本", "😀", "e\u{301}", "שלום", "\r",
            "\t",
        ];
        pieces.extend(["x"; 45]);
        let mut seed = 11u64;
        for length in 0..300 {
            let text = pieced_text(&pieces, length, &mut seed);
            for start in 0..text.len() {
                let bytes = &text.as_bytes()[start..];
                let expected = bytes.iter().take_while(|byte| !stops(byte)).count();
                assert_eq!(run_without(bytes, set), expected, "{text:?} from {start}");
            }
        }
    }
}
