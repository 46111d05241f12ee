//! A SIMD filter of byte pairs: which places of a 64-byte block end a pair (the byte before and the byte)
//! of a given set, up to a superset, with four table lookups a 16-byte lane. The screen uses it to look
//! only at the run ends whose last two bytes may end a name's last word, instead of at every run end
//! (most of a page's words end in no such pair).
//!
//! Each pair is put in one of eight classes by its second byte. A byte's classes as a second byte are
//! `second_low[byte & 15] & second_high[byte >> 4]` and as a first byte `first_low[..] & first_high[..]`
//! (the "shufti" nibble lookup); a pair passes when the two share a class. That passes every pair of the
//! set and some others, which the caller tests exactly.
//!
//! The lookups are one `pshufb` (SSSE3) or `tbl` (NEON) a table; [`PairNibbles::new`] gives `None` on a
//! build without either (there `wide` would look up byte by byte, slower than testing every run end).

use wide::{u8x16, u16x8};

/// Bytes per lane.
const LANE: usize = 16;

/// Whether this build has a one-instruction lane lookup (see the module doc).
const LANE_LOOKUP: bool = cfg!(any(
    target_feature = "ssse3",
    target_feature = "simd128",
    all(target_arch = "aarch64", target_feature = "neon")
));

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
    /// The tables of `pairs`, or `None` when this build has no lane lookup.
    pub(super) fn new(pairs: &[Pair]) -> Option<PairNibbles> {
        LANE_LOOKUP.then(|| PairNibbles::with_tables(pairs))
    }

    /// The tables of `pairs`, whatever the build (tests use them everywhere).
    pub(super) fn with_tables(pairs: &[Pair]) -> PairNibbles {
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

    /// One bit a byte of the 64-byte `block`: set where the byte and the one before it (in `before`, the
    /// same block read one byte earlier) may be a pair of the set.
    #[inline]
    pub(super) fn pair_ends(&self, block: &[u8], before: &[u8]) -> u64 {
        let mut ends = 0u64;
        for (index, (lane, lane_before)) in block
            .chunks_exact(LANE)
            .zip(before.chunks_exact(LANE))
            .enumerate()
        {
            let seconds = classes(lane, self.second_low, self.second_high);
            let firsts = classes(lane_before, self.first_low, self.first_high);
            let shared = (seconds & firsts).cmp_eq(u8x16::splat(0));
            ends |= u64::from(!(shared.move_mask() as u16)) << (index * LANE);
        }
        ends
    }
}

/// The classes of each byte of `lane` in the tables `low` and `high`.
fn classes(lane: &[u8], low: u8x16, high: u8x16) -> u8x16 {
    let bytes = u8x16::new(lane.try_into().expect("a lane is 16 bytes"));
    let low_nibbles = bytes & u8x16::splat(15);
    let wide_lanes: u16x8 = bytemuck::cast(bytes);
    let high_nibbles = bytemuck::cast::<u16x8, u8x16>(wide_lanes >> 4) & u8x16::splat(15);
    low.swizzle_relaxed(low_nibbles) & high.swizzle_relaxed(high_nibbles)
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
        let nibbles = PairNibbles::with_tables(&pairs);
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
            let ends: Vec<u64> = (0..4)
                .map(|index| {
                    let range = index * 64..(index + 1) * 64;
                    nibbles.pair_ends(&block[range.clone()], &before[range])
                })
                .collect();
            for at in 0..bytes.len() {
                let passed = ends[at / 64] >> (at % 64) & 1 == 1;
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
}
