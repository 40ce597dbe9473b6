//! MinHash signatures: a fixed-size summary of a set whose agreement rate
//! estimates Jaccard similarity.
//!
//! Each permutation is a multiply-shift hash `(a * x + b) >> 32` of the
//! shingle's xxh3 value. That is one multiply and one add per permutation,
//! with no data-dependent branches, so the inner loop over permutations
//! vectorizes; seeded xxh3 per permutation would cost a full hash each.

use std::ops::Range;

/// A family of `num_perm` hash permutations, fixed by a seed so signatures
/// from different runs (and machines) are comparable.
#[derive(Debug, Clone)]
pub struct MinHasher {
    a: Vec<u64>,
    b: Vec<u64>,
}

impl MinHasher {
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        let mut state = seed;
        let mut next = || splitmix64(&mut state);
        let (mut a, mut b) = (Vec::with_capacity(num_perm), Vec::with_capacity(num_perm));
        for _ in 0..num_perm {
            a.push(next() | 1);
            b.push(next());
        }
        MinHasher { a, b }
    }

    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    /// Writes the signature of `hashes` into `out` (length `num_perm`).
    /// An empty set gets all `u32::MAX`, which matches nothing real.
    pub fn signature_into(&self, hashes: impl IntoIterator<Item = u32>, out: &mut [u32]) {
        self.values_into(hashes, 0..self.num_perm(), out);
    }

    /// Writes the signature values of permutations `perms` only (one LSH
    /// band) into `out` (length `perms.len()`): a band can be computed when
    /// it is needed, so whole signatures never have to be stored.
    /// The hashes are a set's elements; repeats do not change the values.
    pub fn values_into(
        &self,
        hashes: impl IntoIterator<Item = u32>,
        perms: Range<usize>,
        out: &mut [u32],
    ) {
        out.fill(u32::MAX);
        let (a, b) = (&self.a[perms.clone()], &self.b[perms]);
        for x in hashes {
            for ((slot, &a), &b) in out.iter_mut().zip(a).zip(b) {
                let h = (a.wrapping_mul(u64::from(x)).wrapping_add(b) >> 32) as u32;
                *slot = (*slot).min(h);
            }
        }
    }

    pub fn signature(&self, hashes: &[u32]) -> Vec<u32> {
        let mut out = vec![0; self.num_perm()];
        self.signature_into(hashes.iter().copied(), &mut out);
        out
    }
}

/// Share of agreeing positions: the MinHash estimate of Jaccard similarity.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64
}

/// Exact Jaccard similarity of two sorted, distinct slices.
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let shared = intersection_size(a, b);
    let union = a.len() + b.len() - shared;
    if union == 0 {
        return 0.0;
    }
    shared as f64 / union as f64
}

/// Size of the intersection of two sorted, distinct slices.
pub fn intersection_size(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(range: std::ops::Range<u64>) -> Vec<u32> {
        let mut v: Vec<u32> = range
            .map(|i| (xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes()) >> 32) as u32)
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn estimate_tracks_exact_jaccard() {
        let hasher = MinHasher::new(256, 7);
        for (a, b) in [
            (0..100, 50..150),
            (0..100, 0..100),
            (0..100, 90..190),
            (0..40, 0..120),
        ] {
            let (a, b) = (set(a), set(b));
            let exact = jaccard(&a, &b);
            let est = estimate_jaccard(&hasher.signature(&a), &hasher.signature(&b));
            assert!((exact - est).abs() < 0.1, "exact {exact} estimate {est}");
        }
    }

    #[test]
    fn band_values_are_the_signature_slice() {
        let hasher = MinHasher::new(64, 9);
        let s = set(0..30);
        let full = hasher.signature(&s);
        let mut band = [0u32; 5];
        hasher.values_into(s.iter().copied(), 20..25, &mut band);
        assert_eq!(band, full[20..25]);
    }

    proptest! {
        #[test]
        fn estimate_within_tolerance(n in 20u64..200, overlap in 0.0f64..1.0) {
            let shift = ((1.0 - overlap) * n as f64) as u64;
            let (a, b) = (set(0..n), set(shift..n + shift));
            let hasher = MinHasher::new(256, 42);
            let exact = jaccard(&a, &b);
            let est = estimate_jaccard(&hasher.signature(&a), &hasher.signature(&b));
            // Standard error is at most 0.5/sqrt(256) = 0.031; allow 4 sigma.
            prop_assert!((exact - est).abs() < 0.125, "exact {} est {}", exact, est);
        }
    }
}
