//! Text, independent of pages and tables: normalisation (how names and phrases are compared), prose
//! reading (claims and negation, with the word lists as data in `prose.toml`), and escaping for display.
//!
//! Nothing here knows the capability table or the page model; the table's compiled name matcher lives in
//! [`crate::table::matcher`].

pub mod ascii;
pub mod entity;
pub mod escape;
pub mod lines;
pub mod normalize;
pub mod pairs;
pub mod prose;
pub mod similar;

#[cfg(test)]
pub(crate) mod testing {
    /// `count` texts of `length` pieces each, picked from `pieces` by a fixed pseudo-random walk that
    /// starts at `seed`: the same texts on every run, with runs of each piece in many of them.
    pub(crate) fn texts_of(pieces: &[&str], count: usize, length: usize, seed: u64) -> Vec<String> {
        let mut state = seed;
        (0..count)
            .map(|_| {
                (0..length)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1_442_695_040_888_963_407);
                        pieces[(state >> 33) as usize % pieces.len()]
                    })
                    .collect()
            })
            .collect()
    }
}
