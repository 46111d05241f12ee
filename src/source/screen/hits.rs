//! Where the screen's patterns occur in a page's raw text: the places an ASCII case-insensitive
//! aho-corasick search for them would report, found without stepping an automaton through every byte.
//!
//! Each pattern is cut at its first byte that is not an ASCII letter or digit: a *head* of letters and
//! digits, then a *rest* that starts with that byte. So a pattern occurs either right where its rest's
//! first byte (a *trigger*) stands, when its head is empty (`|`, `<td`, `{props.`), or where a run of
//! letters and digits ends (its head ends the run, its rest follows: `scope-lint`; or, with no rest, the
//! pattern ends the run: a name's last word). A pattern without a rest is reported only where it ends a
//! run: the screen reads a last word only there (its handler rejects a last word with a letter or digit
//! after it), so the screen refuses a pattern of letters and digits that is not a last word.
//!
//! The text is read 64 bytes at a time with the nibble lookups of [`super::pair_nibbles`] (SSSE3 or NEON:
//! each 16-byte lane's nibbles are taken once), giving bit masks of the letters and digits, of the trigger
//! bytes, and of the places whose last two bytes may end a head; only the run ends among those and the
//! triggers are then looked at one by one. A build without a lane lookup reads byte by byte. Hits come in
//! ascending order of the place looked at, not of their end as the automaton reports them; the screen's
//! verdict does not depend on their order.
//! A reference that reads byte by byte ([`Hits::visit_bytewise`]) is what the tests compare it with.

use std::ops::ControlFlow;

use super::pair_nibbles::{ByteSet, LaneNibbles, Pair, PairNibbles, lane_lookup};
use rustc_hash::FxHashMap;

/// Bytes read per block: one bit each in a `u64` mask.
const BLOCK: usize = 64;
/// Bytes per SIMD lookup.
const LANE: usize = 16;

/// A pattern cut as the module doc says, lower-cased: its index, head and rest.
#[derive(Debug, Clone)]
struct Cut {
    pattern: usize,
    head: Folded,
    rest: Folded,
}

/// Bytes compared ASCII case-insensitively; up to eight of them with one load of the text and a mask.
#[derive(Debug, Clone)]
struct Folded {
    /// The bytes, lower-cased.
    lower: Vec<u8>,
    /// The bytes as the low bytes of a little-endian word (a load from where they start).
    low: Word,
    /// The bytes as the high bytes of a little-endian word (a load of the eight bytes up to where they
    /// end).
    high: Word,
}

/// A pattern of at most eight bytes within a little-endian word: a loaded word `w` holds it when
/// `(w | fold) & mask == expected` (`fold` sets the case bit of the places that hold a letter, so
/// either case passes there, and only that letter).
#[derive(Debug, Clone, Copy, Default)]
struct Word {
    expected: u64,
    fold: u64,
    mask: u64,
}

impl Folded {
    fn new(lower: &[u8]) -> Folded {
        let word = |shift: usize| {
            let mut word = Word::default();
            for (index, &byte) in lower.iter().enumerate().take(WORD) {
                let place = 8 * (index + shift);
                word.expected |= u64::from(byte) << place;
                word.mask |= 0xff << place;
                if byte.is_ascii_lowercase() {
                    word.fold |= 0x20 << place;
                }
            }
            word
        };
        Folded {
            lower: lower.to_vec(),
            low: word(0),
            high: word(WORD.saturating_sub(lower.len())),
        }
    }

    fn len(&self) -> usize {
        self.lower.len()
    }

    /// Whether the bytes stand in `bytes` from `start` (to `start + len`).
    #[inline]
    fn starts_at(&self, bytes: &[u8], start: usize) -> bool {
        match bytes.get(start..start + WORD) {
            Some(window) if self.len() <= WORD => self.low.holds(window),
            _ => bytes
                .get(start..start + self.len())
                .is_some_and(|found| found.eq_ignore_ascii_case(&self.lower)),
        }
    }

    /// Whether the bytes stand in `bytes` right before `end`.
    #[inline]
    fn ends_at(&self, bytes: &[u8], end: usize) -> bool {
        match end.checked_sub(WORD).map(|start| &bytes[start..end]) {
            Some(window) if self.len() <= WORD => self.high.holds(window),
            _ => end
                .checked_sub(self.len())
                .is_some_and(|start| bytes[start..end].eq_ignore_ascii_case(&self.lower)),
        }
    }
}

impl Word {
    #[inline]
    fn holds(self, window: &[u8]) -> bool {
        let loaded = u64::from_le_bytes(window.try_into().expect("a word is eight bytes"));
        (loaded | self.fold) & self.mask == self.expected
    }
}

/// Bytes in a [`Word`].
const WORD: usize = 8;

/// The patterns, compiled for [`Hits::visit`].
#[derive(Debug)]
pub(super) struct Hits {
    /// For each byte, 1 + the index in `by_trigger` of the patterns with an empty head it starts, or 0.
    trigger_of: [u8; 256],
    /// The patterns with an empty head, grouped by their trigger byte.
    by_trigger: Vec<Vec<Cut>>,
    /// Where a run ends, the patterns whose head may end it, by the run's last two bytes (lower-cased; the
    /// byte before is 0 at the text's start): `group_of_pair[before << 8 | last]` is 1 + the index in
    /// `groups` of the range of `cuts` that holds the patterns with a head of that one last byte and those
    /// with a longer head ending in those two bytes, or 0 when no head ends so (most run ends).
    group_of_pair: Box<[u16]>,
    groups: Vec<std::ops::Range<usize>>,
    cuts: Vec<Cut>,
    /// The block pass's tables; `None` on a build without a SIMD lane lookup (the text is then read byte
    /// by byte).
    lanes: Option<LaneTables>,
}

/// What the block pass looks up in each lane.
#[derive(Debug)]
struct LaneTables {
    alphanumeric: ByteSet,
    /// The trigger bytes (a superset when there are more than eight).
    triggers: ByteSet,
    /// The pairs of `head_ends`: they rule out most run ends a block at a time.
    head_ends: PairNibbles,
}

impl Hits {
    /// Compiles `patterns` (ASCII case-insensitive). `None` when a pattern is empty.
    pub(super) fn new(patterns: &[String]) -> Option<Hits> {
        let mut trigger_of = [0u8; 256];
        let mut by_trigger: Vec<Vec<Cut>> = Vec::new();
        let mut by_last_byte: Vec<Vec<Cut>> = vec![Vec::new(); 256];
        let mut by_last_pair: FxHashMap<(u8, u8), Vec<Cut>> = FxHashMap::default();
        let mut head_end_pairs: Vec<Pair> = Vec::new();
        for (pattern, text) in patterns.iter().enumerate() {
            let lower = text.to_ascii_lowercase().into_bytes();
            let split = lower
                .iter()
                .position(|byte| !byte.is_ascii_alphanumeric())
                .unwrap_or(lower.len());
            let (head, rest) = lower.split_at(split);
            let cut = Cut {
                pattern,
                head: Folded::new(head),
                rest: Folded::new(rest),
            };
            if let Some(&last) = head.last() {
                let first = head.len().checked_sub(2).map(|index| head[index]);
                head_end_pairs.push((first, last));
                match first {
                    Some(first) => by_last_pair.entry((first, last)).or_default().push(cut),
                    None => by_last_byte[usize::from(last)].push(cut),
                }
                continue;
            }
            let trigger = usize::from(*rest.first()?);
            if trigger_of[trigger] == 0 {
                by_trigger.push(Vec::new());
                trigger_of[trigger] = u8::try_from(by_trigger.len()).ok()?;
            }
            by_trigger[usize::from(trigger_of[trigger]) - 1].push(cut);
        }
        let (group_of_pair, groups, cuts) = run_end_groups(&by_last_byte, &by_last_pair)?;
        let triggers: Vec<u8> = (0..=u8::MAX)
            .filter(|&byte| trigger_of[usize::from(byte)] != 0)
            .collect();
        let lanes = lane_lookup().then(|| LaneTables {
            alphanumeric: ByteSet::ascii_alphanumeric(),
            triggers: ByteSet::of_bytes(&triggers),
            head_ends: PairNibbles::new(&head_end_pairs),
        });
        Some(Hits {
            trigger_of,
            by_trigger,
            group_of_pair,
            groups,
            cuts,
            lanes,
        })
    }

    /// Calls `visit(pattern, start, end)` for each hit in `text` until it breaks.
    pub(super) fn visit(
        &self,
        text: &str,
        mut visit: impl FnMut(usize, usize, usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let Some(lanes) = &self.lanes else {
            return self.visit_bytewise(text, visit);
        };
        let bytes = text.as_bytes();
        let (mut previous_alphanumeric, mut previous_pair_end) = (false, false);
        let (mut block, mut block_before) = ([0; BLOCK], [0; BLOCK]);
        // Blocks cover one byte past the end (read as 0, which is not a letter or digit), where a last run
        // ends.
        for block_start in (0..=bytes.len()).step_by(BLOCK) {
            let chunk = window(bytes, block_start, &mut block);
            let before = window_before(bytes, block_start, &mut block_before);
            let (alphanumeric, triggers, pair_ends) = lanes.masks(chunk, before);
            // The padding past the end is no trigger, even where the trigger set is a superset.
            let triggers = triggers & in_text(bytes.len() - block_start);
            let run_ends = ((alphanumeric << 1) | u64::from(previous_alphanumeric)) & !alphanumeric;
            previous_alphanumeric = alphanumeric >> (BLOCK - 1) == 1;
            // A run ending at a place may end a head when the pair of bytes before it passes.
            let may_end_heads = (pair_ends << 1) | u64::from(previous_pair_end);
            previous_pair_end = pair_ends >> (BLOCK - 1) == 1;
            let run_ends = run_ends & may_end_heads;
            let mut looked_at = run_ends | triggers;
            while looked_at != 0 {
                let bit = looked_at.trailing_zeros() as usize;
                looked_at &= looked_at - 1;
                let at = block_start + bit;
                if run_ends >> bit & 1 == 1 {
                    self.at_run_end(bytes, at, &mut visit)?;
                }
                if triggers >> bit & 1 == 1 {
                    self.at_trigger(bytes, at, &mut visit)?;
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// The same hits, read byte by byte (the reference for [`Hits::visit`], and the pass of a build without
    /// a SIMD lane lookup).
    pub(super) fn visit_bytewise(
        &self,
        text: &str,
        mut visit: impl FnMut(usize, usize, usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let bytes = text.as_bytes();
        for at in 0..=bytes.len() {
            let alphanumeric = bytes.get(at).is_some_and(u8::is_ascii_alphanumeric);
            if !alphanumeric && at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
                self.at_run_end(bytes, at, &mut visit)?;
            }
            if at < bytes.len() && self.trigger_of[usize::from(bytes[at])] != 0 {
                self.at_trigger(bytes, at, &mut visit)?;
            }
        }
        ControlFlow::Continue(())
    }

    /// The patterns with a head that end a run of letters and digits at `at`: the head ends the run and
    /// the rest follows it.
    #[inline]
    fn at_run_end(
        &self,
        bytes: &[u8],
        at: usize,
        visit: &mut impl FnMut(usize, usize, usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let last = bytes[at - 1].to_ascii_lowercase();
        let before = at
            .checked_sub(2)
            .map_or(0, |index| bytes[index].to_ascii_lowercase());
        // Most run ends end in no head's last two bytes.
        let Some(group) = usize::from(self.group_of_pair[pair_index(before, last)]).checked_sub(1)
        else {
            return ControlFlow::Continue(());
        };
        for cut in &self.cuts[self.groups[group].clone()] {
            if cut.head.ends_at(bytes, at) && cut.rest.starts_at(bytes, at) {
                visit(cut.pattern, at - cut.head.len(), at + cut.rest.len())?;
            }
        }
        ControlFlow::Continue(())
    }

    /// The patterns with an empty head that start at the trigger byte at `at`.
    fn at_trigger(
        &self,
        bytes: &[u8],
        at: usize,
        visit: &mut impl FnMut(usize, usize, usize) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        // The block pass's trigger set may be a superset.
        let Some(group) = usize::from(self.trigger_of[usize::from(bytes[at])]).checked_sub(1)
        else {
            return ControlFlow::Continue(());
        };
        for cut in &self.by_trigger[group] {
            if cut.rest.starts_at(bytes, at) {
                visit(cut.pattern, at, at + cut.rest.len())?;
            }
        }
        ControlFlow::Continue(())
    }
}

/// The [`BLOCK`] bytes of `bytes` from `start`, read as 0 past the end (copied into `buffer` then).
fn window<'b>(bytes: &'b [u8], start: usize, buffer: &'b mut [u8; BLOCK]) -> &'b [u8] {
    let available = &bytes[start..bytes.len().min(start + BLOCK)];
    if available.len() == BLOCK {
        return available;
    }
    *buffer = [0; BLOCK];
    buffer[..available.len()].copy_from_slice(available);
    buffer
}

/// The [`BLOCK`] bytes of `bytes` from one before `start`, read as 0 before the start and past the end.
fn window_before<'b>(bytes: &'b [u8], start: usize, buffer: &'b mut [u8; BLOCK]) -> &'b [u8] {
    match start.checked_sub(1) {
        Some(from) => window(bytes, from, buffer),
        None => {
            *buffer = [0; BLOCK];
            let available = &bytes[..bytes.len().min(BLOCK - 1)];
            buffer[1..=available.len()].copy_from_slice(available);
            buffer
        }
    }
}

impl LaneTables {
    /// The bit masks of a 64-byte `chunk` (`before`: the same block read one byte earlier): its ASCII
    /// letters and digits, its trigger bytes, and the places whose byte and the one before may end a head.
    #[inline]
    fn masks(&self, chunk: &[u8], before: &[u8]) -> (u64, u64, u64) {
        let (mut alphanumeric, mut triggers, mut pair_ends) = (0u64, 0u64, 0u64);
        // Indexed, not zipped: the zip of two `chunks_exact` was at times left out of line by the compiler,
        // a call per block in the screen's hottest loop (7% more instructions on a tree of clean pages).
        for index in 0..BLOCK / LANE {
            let lane = &chunk[index * LANE..(index + 1) * LANE];
            let lane_before = &before[index * LANE..(index + 1) * LANE];
            let nibbles = LaneNibbles::of(lane);
            let shift = index * LANE;
            alphanumeric |= u64::from(self.alphanumeric.members(nibbles)) << shift;
            triggers |= u64::from(self.triggers.members(nibbles)) << shift;
            pair_ends |= u64::from(
                self.head_ends
                    .pair_ends(nibbles, LaneNibbles::of(lane_before)),
            ) << shift;
        }
        (alphanumeric, triggers, pair_ends)
    }
}

/// [`Hits::group_of_pair`], its groups and their cuts.
type RunEndGroups = (Box<[u16]>, Vec<std::ops::Range<usize>>, Vec<Cut>);

/// [`RunEndGroups`] from the patterns with a one-byte head (by that byte) and those with a longer head (by
/// its last two bytes). A group holds the cuts of a last byte's one-byte heads, then those of the pair's
/// longer heads; the pairs with no longer head share their last byte's group. `None` when there are more
/// groups than a `u16` counts.
fn run_end_groups(
    by_last_byte: &[Vec<Cut>],
    by_last_pair: &FxHashMap<(u8, u8), Vec<Cut>>,
) -> Option<RunEndGroups> {
    let mut group_of_pair = vec![0u16; 1 << 16].into_boxed_slice();
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let mut cuts: Vec<Cut> = Vec::new();
    let mut add_group = |members: &mut dyn Iterator<Item = &Cut>| {
        let start = cuts.len();
        cuts.extend(members.cloned());
        groups.push(start..cuts.len());
        u16::try_from(groups.len()).ok()
    };
    for last in 0..=u8::MAX {
        let single = &by_last_byte[usize::from(last)];
        let single_group = match single.is_empty() {
            true => 0,
            false => add_group(&mut single.iter())?,
        };
        for before in 0..=u8::MAX {
            group_of_pair[pair_index(before, last)] = match by_last_pair.get(&(before, last)) {
                Some(longer) => add_group(&mut single.iter().chain(longer))?,
                None => single_group,
            };
        }
    }
    Some((group_of_pair, groups, cuts))
}

/// The index of the pair `first`, `last` in [`Hits::group_of_pair`].
fn pair_index(first: u8, last: u8) -> usize {
    usize::from(first) << 8 | usize::from(last)
}

/// The bits of a block's places that hold a byte of the text, `left` bytes of which remain from the
/// block's start.
fn in_text(left: usize) -> u64 {
    if left >= BLOCK {
        u64::MAX
    } else {
        (1u64 << left) - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(hits: &Hits, text: &str, bytewise: bool) -> Vec<(usize, usize, usize)> {
        let mut found = Vec::new();
        let record = |pattern, start, end| {
            found.push((pattern, start, end));
            ControlFlow::Continue(())
        };
        let _ = if bytewise {
            hits.visit_bytewise(text, record)
        } else {
            hits.visit(text, record)
        };
        found.sort_unstable();
        found
    }

    /// What an overlapping ASCII case-insensitive aho-corasick search reports, less the hits of a pattern
    /// of letters and digits that do not end a run of them.
    fn automaton(patterns: &[String], text: &str) -> Vec<(usize, usize, usize)> {
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(patterns)
            .expect("an automaton");
        let mut found: Vec<(usize, usize, usize)> = automaton
            .find_overlapping_iter(text)
            .map(|hit| (hit.pattern().as_usize(), hit.start(), hit.end()))
            .filter(|&(pattern, _, end)| {
                !patterns[pattern]
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric())
                    || !text
                        .as_bytes()
                        .get(end)
                        .is_some_and(u8::is_ascii_alphanumeric)
            })
            .collect();
        found.sort_unstable();
        found
    }

    fn patterns() -> Vec<String> {
        [
            "scope-lint",
            "permission_groups",
            "\u{2}",
            "\\u",
            "{props.",
            "<Render",
            "{{#",
            "{{",
            "](",
            "&",
            "\u{130}",
            "\u{212a}",
            "|",
            "<td",
            "<th",
            "ai",
            "api",
            "d1",
            "edit",
            "gateway",
            "read",
            // Heads and rests of eight bytes, and longer: compared with one load, and not.
            "hostname",
            "certificates",
            "kv-abcdefg",
            "tunnel-abcdefgh",
        ]
        .map(str::to_owned)
        .to_vec()
    }

    #[test]
    fn hits_are_the_automaton_s_at_every_block_edge_and_next_to_multi_byte_text() {
        let patterns = patterns();
        let hits = Hits::new(&patterns).expect("hits");
        let pieces = [
            "AI",
            "Gateway",
            "READ",
            "bread",
            "api",
            "|",
            "<td>",
            "<TH",
            "{{",
            "{{#x}}",
            "{props.a}",
            "&amp;",
            "](x)",
            "\\u0041",
            "\\U",
            "Scope-Lint",
            "scope-lintx",
            "permission_GROUPS",
            "\u{2}",
            "\u{130}",
            "\u{212a}",
            "日本",
            "😀",
            "e\u{301}",
            "مرحبا",
            " ",
            "\n",
            "-",
            "d1",
            "D1x",
            "eDiT",
            "xAi",
            "1d1",
            "HostName",
            "hostnames",
            "Certificates",
            "kv-ABCDEFG",
            "tunnel-abcdefgh",
            "Tunnel-abcdefg",
        ];
        let mut seed = 7u64;
        for length in 0..400 {
            let text = crate::bytes::pieced_text(&pieces, length, &mut seed);
            let expected = automaton(&patterns, &text);
            assert_eq!(collect(&hits, &text, false), expected, "{text:?}");
            assert_eq!(collect(&hits, &text, true), expected, "{text:?}");
        }
    }

    #[test]
    fn a_run_that_ends_the_text_or_a_block_is_read() {
        let patterns = patterns();
        let hits = Hits::new(&patterns).expect("hits");
        for padding in [0, 1, 59, 60, 61, 62, 63, 64, 127, 128] {
            let text = format!(
                "{}ai gateway read",
                "x ".repeat(padding / 2) + &" ".repeat(padding % 2)
            );
            assert_eq!(
                collect(&hits, &text, false),
                automaton(&patterns, &text),
                "{padding}"
            );
        }
    }
}
