//! SIMD byte classification by nibble lookups (the "shufti" technique), a 16-byte lane at a time: a lane's
//! nibbles are taken once ([`LaneNibbles`]) and looked up in several tables.
//!
//! - [`ByteSet`]: which bytes of a lane are in a set. Each byte of the set gets one of eight classes; a
//!   byte's classes are `low[byte & 15] & high[byte >> 4]`, and it passes when it has one. A set of at most
//!   eight bytes (or of eight "rectangles" of nibbles, such as the ASCII letters and digits) is exact; a
//!   larger one passes some other bytes too, which the caller tests exactly.
//! - [`PairNibbles`]: which places of a lane end a pair (the byte before and the byte) of a given set, up
//!   to a superset. Each pair is put in one of eight classes by its second byte; a pair passes when its
//!   second byte's classes (as a second byte) and its first byte's (as a first byte) share one. The screen
//!   uses it to look only at the run ends whose last two bytes may end a name's last word, instead of at
//!   every run end (most of a page's words end in no such pair).
//!
//! The lookups are one `pshufb` (SSSE3) or `tbl` (NEON) a table; [`lane_lookup`] says whether this build
//! has one (without it `wide` would look up byte by byte, slower than reading the text byte by byte).

use wide::{u8x16, u16x8};

/// Bytes per lane.
const LANE: usize = 16;

/// Whether this build has a one-instruction lane lookup (see the module doc).
pub(super) const fn lane_lookup() -> bool {
    cfg!(any(
        target_feature = "ssse3",
        target_feature = "simd128",
        all(target_arch = "aarch64", target_feature = "neon")
    ))
}

/// The low and high nibbles of a lane's 16 bytes, taken once for every table looked up.
#[derive(Debug, Clone, Copy)]
pub(super) struct LaneNibbles {
    low: u8x16,
    high: u8x16,
}

impl LaneNibbles {
    /// The nibbles of the 16 bytes of `lane`.
    #[inline]
    pub(super) fn of(lane: &[u8]) -> LaneNibbles {
        let bytes = u8x16::new(lane.try_into().expect("a lane is 16 bytes"));
        let wide_lanes: u16x8 = bytemuck::cast(bytes);
        LaneNibbles {
            low: bytes & u8x16::splat(15),
            high: bytemuck::cast::<u16x8, u8x16>(wide_lanes >> 4) & u8x16::splat(15),
        }
    }

    /// The classes of each byte in the tables `low` and `high`.
    #[inline]
    fn classes(self, low: u8x16, high: u8x16) -> u8x16 {
        low.swizzle_relaxed(self.low) & high.swizzle_relaxed(self.high)
    }
}

/// A set of bytes as nibble tables (see the module doc).
#[derive(Debug, Clone, Copy)]
pub(super) struct ByteSet {
    low: u8x16,
    high: u8x16,
}

impl ByteSet {
    /// The set of `bytes`: exact for up to eight, a superset beyond.
    pub(super) fn of_bytes(bytes: &[u8]) -> ByteSet {
        let (mut low, mut high) = ([0u8; LANE], [0u8; LANE]);
        for (index, &byte) in bytes.iter().enumerate() {
            let class = 1u8 << (index % 8);
            low[usize::from(byte & 15)] |= class;
            high[usize::from(byte >> 4)] |= class;
        }
        ByteSet {
            low: u8x16::new(low),
            high: u8x16::new(high),
        }
    }

    /// The ASCII letters and digits, exactly: three rectangles of nibbles (`A`-`O` and `a`-`o`, `P`-`Z`
    /// and `p`-`z`, `0`-`9`).
    pub(super) fn ascii_alphanumeric() -> ByteSet {
        let (mut low, mut high) = ([0u8; LANE], [0u8; LANE]);
        let mut rectangle = |class: u8, highs: &[u8], lows: std::ops::RangeInclusive<u8>| {
            highs
                .iter()
                .for_each(|&nibble| high[usize::from(nibble)] |= class);
            lows.for_each(|nibble| low[usize::from(nibble)] |= class);
        };
        rectangle(1, &[4, 6], 1..=15);
        rectangle(2, &[5, 7], 0..=10);
        rectangle(4, &[3], 0..=9);
        ByteSet {
            low: u8x16::new(low),
            high: u8x16::new(high),
        }
    }

    /// One bit a byte of the lane with `nibbles`: set where the byte may be in the set.
    #[inline]
    pub(super) fn members(&self, nibbles: LaneNibbles) -> u16 {
        let outside = nibbles.classes(self.low, self.high).cmp_eq(u8x16::splat(0));
        !(outside.move_mask() as u16)
    }
}

/// The nibble tables of a set of pairs (see the module doc).
#[derive(Debug, Clone, Copy)]
pub(super) struct PairNibbles {
    second_low: u8x16,
    second_high: u8x16,
    first_low: u8x16,
    first_high: u8x16,
}

/// A pair of the set: its first byte (`None`: any byte, also none at the text's start) and second byte,
/// ASCII case-insensitive.
pub(super) type Pair = (Option<u8>, u8);

impl PairNibbles {
    /// The tables of `pairs` (a build without a lane lookup looks them up byte by byte, slowly).
    pub(super) fn new(pairs: &[Pair]) -> PairNibbles {
        let mut seconds: Vec<u8> = pairs
            .iter()
            .map(|(_, second)| second.to_ascii_lowercase())
            .collect();
        seconds.sort_unstable();
        seconds.dedup();
        let [
            mut second_low,
            mut second_high,
            mut first_low,
            mut first_high,
        ] = [[0u8; LANE]; 4];
        for &(first, second) in pairs {
            let second = second.to_ascii_lowercase();
            let index = seconds.partition_point(|&known| known < second);
            let class = 1u8 << (index % 8);
            for byte in both_cases(second) {
                second_low[usize::from(byte & 15)] |= class;
                second_high[usize::from(byte >> 4)] |= class;
            }
            match first {
                Some(first) => {
                    for byte in both_cases(first) {
                        first_low[usize::from(byte & 15)] |= class;
                        first_high[usize::from(byte >> 4)] |= class;
                    }
                }
                None => {
                    first_low.iter_mut().for_each(|classes| *classes |= class);
                    first_high.iter_mut().for_each(|classes| *classes |= class);
                }
            }
        }
        PairNibbles {
            second_low: u8x16::new(second_low),
            second_high: u8x16::new(second_high),
            first_low: u8x16::new(first_low),
            first_high: u8x16::new(first_high),
        }
    }

    /// One bit a byte of a lane with `nibbles` (`before`: the nibbles of the same lane read one byte
    /// earlier): set where the byte and the one before it may be a pair of the set.
    #[inline]
    pub(super) fn pair_ends(&self, nibbles: LaneNibbles, before: LaneNibbles) -> u16 {
        let seconds = nibbles.classes(self.second_low, self.second_high);
        let firsts = before.classes(self.first_low, self.first_high);
        let shared = (seconds & firsts).cmp_eq(u8x16::splat(0));
        !(shared.move_mask() as u16)
    }
}

/// `byte` and, for an ASCII letter, its other case.
fn both_cases(byte: u8) -> [u8; 2] {
    [byte.to_ascii_lowercase(), byte.to_ascii_uppercase()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pair_of_the_set_passes_at_every_place_of_a_block_and_most_others_do_not() {
        let pairs: Vec<Pair> = vec![
            (Some(b'a'), b'i'),
            (Some(b'p'), b'i'),
            (Some(b'a'), b'd'),
            (None, b'2'),
            (Some(b'k'), b'v'),
            (Some(b't'), b'e'),
            (Some(b'g'), b'e'),
            (Some(b'o'), b'n'),
            (Some(b'e'), b's'),
            (Some(b'a'), b'y'),
            (Some(b'd'), b'1'),
        ];
        let nibbles = PairNibbles::new(&pairs);
        let is_pair = |first: u8, second: u8| {
            pairs.iter().any(|&(pair_first, pair_second)| {
                pair_second.eq_ignore_ascii_case(&second)
                    && pair_first.is_none_or(|pair_first| pair_first.eq_ignore_ascii_case(&first))
            })
        };
        let text = "AI api Read 日本 R2 x2 KV kV wrItE Gateway ON ones 😀 d1 e\u{301} مرحبا ad|ai";
        let (mut others, mut passed_others) = (0, 0);
        for offset in 0..64 {
            let padded = format!("{}{text}", " ".repeat(offset));
            let bytes = padded.as_bytes();
            let mut block = [0u8; 256];
            let mut before = [0u8; 256];
            block[..bytes.len()].copy_from_slice(bytes);
            before[1..=bytes.len()].copy_from_slice(bytes);
            let ends: Vec<u16> = (0..16)
                .map(|index| {
                    let range = index * LANE..(index + 1) * LANE;
                    nibbles.pair_ends(
                        LaneNibbles::of(&block[range.clone()]),
                        LaneNibbles::of(&before[range]),
                    )
                })
                .collect();
            for at in 0..bytes.len() {
                let passed = ends[at / LANE] >> (at % LANE) & 1 == 1;
                let first = at.checked_sub(1).map_or(0, |index| bytes[index]);
                if is_pair(first, bytes[at]) {
                    assert!(passed, "{padded:?} at {at}");
                } else {
                    others += 1;
                    passed_others += usize::from(passed);
                }
            }
        }
        assert!(passed_others * 10 < others, "{passed_others} of {others}");
    }

    /// Which bytes of every possible byte value, placed at every position of a lane, pass `set`.
    fn passing(set: ByteSet) -> Vec<u8> {
        (0..=u8::MAX)
            .filter(|&byte| {
                (0..LANE).all(|position| {
                    let mut lane = [b' '; LANE];
                    lane[position] = byte;
                    set.members(LaneNibbles::of(&lane)) >> position & 1 == 1
                })
            })
            .collect()
    }

    #[test]
    fn the_alphanumeric_set_is_exact() {
        let expected: Vec<u8> = (0..=u8::MAX).filter(u8::is_ascii_alphanumeric).collect();
        assert_eq!(passing(ByteSet::ascii_alphanumeric()), expected);
    }

    #[test]
    fn a_set_of_eight_bytes_is_exact_and_a_larger_one_holds_them_all() {
        // `|`, `<`, `{`, `]`, `&`, U+0002 and the lead bytes of U+0130 and U+212A (the screen's triggers).
        let eight = [b'|', b'<', b'{', b']', b'&', 2, 0xc4, 0xe2];
        let mut sorted = eight.to_vec();
        sorted.sort_unstable();
        assert_eq!(passing(ByteSet::of_bytes(&eight)), sorted);
        let nine = [b'|', b'<', b'{', b']', b'&', 2, 0xc4, 0xe2, b'('];
        let passed = passing(ByteSet::of_bytes(&nine));
        assert!(nine.iter().all(|byte| passed.contains(byte)), "{passed:?}");
    }
}
