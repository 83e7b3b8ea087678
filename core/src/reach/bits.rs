//! Sets of atom ids as bit vectors, with operations restricted to a window of words so that
//! sets that only ever hold a few neighbouring atoms (one NSG's subnets) cost a few words.

/// A set of atom ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// The empty set over `n` atoms.
    pub fn empty(n: usize) -> Self {
        Self {
            words: vec![0; n.div_ceil(64)],
        }
    }

    /// Adds atoms `lo..hi`.
    pub fn insert_range(&mut self, lo: usize, hi: usize) {
        for (w, m) in masks(lo, hi) {
            self.words[w] |= m;
        }
    }

    /// `len` bits from bit `at` of a word.
    #[inline]
    pub fn mask(at: usize, len: usize) -> u64 {
        if len == 64 {
            u64::MAX
        } else {
            ((1u64 << len) - 1) << at
        }
    }

    /// The set's words (atom `i` is bit `i % 64` of word `i / 64`).
    pub fn words(&self) -> &[u64] {
        &self.words
    }

    /// Adds atoms `at..at + len` where the low `len` bits of `value` are set (`len` ≤ 64).
    pub fn or_bits_at(&mut self, at: usize, value: u64, len: usize) {
        let value = value & Self::mask(0, len);
        let (w, b) = (at / 64, at % 64);
        self.words[w] |= value << b;
        if b + len > 64 {
            self.words[w + 1] |= value >> (64 - b);
        }
    }

    /// Removes atoms `lo..hi`.
    pub fn remove_range(&mut self, lo: usize, hi: usize) {
        for (w, m) in masks(lo, hi) {
            self.words[w] &= !m;
        }
    }

    /// Empties the set.
    pub fn clear(&mut self) {
        self.words.fill(0);
    }

    /// Makes the set hold atoms `0..n`.
    pub fn fill(&mut self, n: usize) {
        self.clear();
        self.insert_range(0, n);
    }

    /// Makes the set equal to `other`.
    pub fn copy_from(&mut self, other: &Bits) {
        self.words.copy_from_slice(&other.words);
    }

    /// Adds one atom.
    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    /// Whether atom `i` is in the set.
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        self.words[i / 64] >> (i % 64) & 1 == 1
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// `self ∩= other`.
    pub fn and(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// `self ∪= other`.
    pub fn or(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// `self ∖= other`.
    pub fn and_not(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// `self ∩ other`.
    pub fn intersection(&self, other: &Bits) -> Bits {
        let mut out = self.clone();
        out.and(other);
        out
    }

    /// The atoms in the set, in order.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let b = w.trailing_zeros() as usize;
                    w &= w - 1;
                    i * 64 + b
                })
            })
        })
    }

    /// Whether every atom of `lo..hi` is in the set.
    #[inline]
    pub fn all_in(&self, lo: usize, hi: usize) -> bool {
        if lo < hi && lo / 64 == (hi - 1) / 64 {
            let m = Self::mask(lo % 64, hi - lo);
            return self.words[lo / 64] & m == m;
        }
        masks(lo, hi).all(|(w, m)| self.words[w] & m == m)
    }

    /// Whether some atom of `lo..hi` is in the set.
    #[inline]
    pub fn any_in(&self, lo: usize, hi: usize) -> bool {
        if lo < hi && lo / 64 == (hi - 1) / 64 {
            return self.words[lo / 64] & Self::mask(lo % 64, hi - lo) != 0;
        }
        masks(lo, hi).any(|(w, m)| self.words[w] & m != 0)
    }

    /// The words holding the set's atoms, as a window.
    pub fn window(&self) -> Window {
        let first = self.words.iter().position(|&w| w != 0).unwrap_or(0);
        let last = self
            .words
            .iter()
            .rposition(|&w| w != 0)
            .map_or(0, |l| l + 1);
        Window {
            first,
            words: self.words[first..last.max(first)].to_vec(),
        }
    }
}

/// The (word, mask) pairs covering atoms `lo..hi`.
fn masks(lo: usize, hi: usize) -> impl Iterator<Item = (usize, u64)> {
    let mut i = lo;
    std::iter::from_fn(move || {
        (i < hi).then(|| {
            let (w, b) = (i / 64, i % 64);
            let end = (hi - w * 64).min(64);
            let m = Bits::mask(b, end - b);
            i = w * 64 + end;
            (w, m)
        })
    })
}

/// A set known to lie within a few consecutive words.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Window {
    first: usize,
    words: Vec<u64>,
}

impl Window {
    /// `set ∖= self`.
    pub fn remove_from(&self, set: &mut Bits) {
        for (a, b) in set.words[self.first..].iter_mut().zip(&self.words) {
            *a &= !b;
        }
    }

    /// `set ∪= self`.
    pub fn add_to(&self, set: &mut Bits) {
        for (a, b) in set.words[self.first..].iter_mut().zip(&self.words) {
            *a |= b;
        }
    }

    /// Whether the window holds nothing.
    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    /// Whether the window holds an atom of words `w0..w1`.
    pub fn touches(&self, w0: usize, w1: usize) -> bool {
        self.pairs(w0, w0 + w1.saturating_sub(w0))
            .any(|(_, &x)| x != 0)
    }

    /// `set ∖= self` for a set given as its words from word `w0` on.
    pub fn remove_from_words(&self, set: &mut [u64], w0: usize) {
        for (k, &x) in self.pairs(w0, w0 + set.len()) {
            set[k - w0] &= !x;
        }
    }

    /// `set ∪= self` for a set given as its words from word `w0` on.
    pub fn add_to_words(&self, set: &mut [u64], w0: usize) {
        for (k, &x) in self.pairs(w0, w0 + set.len()) {
            set[k - w0] |= x;
        }
    }

    /// The window's words that fall in words `w0..w1`, with their index.
    fn pairs(&self, w0: usize, w1: usize) -> impl Iterator<Item = (usize, &u64)> {
        let lo = w0.max(self.first);
        let hi = w1.min(self.first + self.words.len());
        (lo..hi.max(lo)).map(move |k| (k, &self.words[k - self.first]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_windows_and_ones_agree_with_a_naive_set() {
        let mut b = Bits::empty(300);
        b.insert_range(3, 7);
        b.insert_range(60, 200);
        b.insert(250);
        let want: Vec<usize> = (3..7).chain(60..200).chain([250]).collect();
        assert_eq!(b.ones().collect::<Vec<_>>(), want);
        assert!(b.all_in(60, 200) && !b.all_in(59, 200) && b.any_in(240, 260));
        let mut full = Bits::empty(300);
        full.insert_range(0, 300);
        b.window().remove_from(&mut full);
        let rest: Vec<usize> = full.ones().collect();
        assert_eq!(rest.len(), 300 - want.len());
        assert!(want.iter().all(|i| !full.contains(*i)));
    }

    #[test]
    fn bits_written_across_a_word_boundary_land_in_both_words() {
        let mut b = Bits::empty(200);
        b.or_bits_at(60, 0b1_0110_1011, 9);
        let got: Vec<usize> = b.ones().collect();
        assert_eq!(got, vec![60, 61, 63, 65, 66, 68]);
    }
}
