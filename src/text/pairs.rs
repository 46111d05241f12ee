//! A set of byte pairs, one bit each: a quick test before a slower lookup (where a name may start or
//! end).

/// A set of pairs of bytes.
#[derive(Debug, Clone)]
pub struct BytePairs {
    bits: Box<[u64]>,
}

impl Default for BytePairs {
    fn default() -> BytePairs {
        BytePairs {
            bits: vec![0; (1 << 16) / 64].into_boxed_slice(),
        }
    }
}

impl BytePairs {
    /// Adds the pair `first`, `second`.
    pub fn insert(&mut self, first: u8, second: u8) {
        let index = index(first, second);
        self.bits[index / 64] |= 1 << (index % 64);
    }

    /// Adds every pair that starts with `first`.
    pub fn insert_any_second(&mut self, first: u8) {
        (0..=u8::MAX).for_each(|second| self.insert(first, second));
    }

    /// Adds every pair that ends with `second`.
    pub fn insert_any_first(&mut self, second: u8) {
        (0..=u8::MAX).for_each(|first| self.insert(first, second));
    }

    /// Whether the set holds the pair `first`, `second`.
    #[inline]
    pub fn contains(&self, first: u8, second: u8) -> bool {
        let index = index(first, second);
        self.bits[index / 64] >> (index % 64) & 1 == 1
    }
}

fn index(first: u8, second: u8) -> usize {
    usize::from(first) << 8 | usize::from(second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_what_was_added_and_nothing_else() {
        let mut pairs = BytePairs::default();
        pairs.insert(b'a', b'i');
        pairs.insert_any_second(0xE6);
        pairs.insert_any_first(b'2');
        assert!(pairs.contains(b'a', b'i'));
        assert!(!pairs.contains(b'i', b'a'));
        assert!(pairs.contains(0xE6, 0x97) && pairs.contains(0xE6, 0));
        assert!(pairs.contains(b'r', b'2') && pairs.contains(0xFF, b'2'));
        assert!(!pairs.contains(b'r', b'3'));
    }
}
