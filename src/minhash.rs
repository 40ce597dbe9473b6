//! MinHash signatures: a fixed-size summary of a set whose agreement rate
//! estimates Jaccard similarity.
//!
//! Each permutation is a multiply-shift hash `(a * x + b) >> 32` (64-bit
//! `a`, `b`, wrapping) of the element's 32-bit hash: one multiply and one
//! add, where seeded xxh3 per permutation would cost a full hash each.
//! It is computed in 32-bit halves (see [`Halves`]), which gives the same
//! values but lets eight permutations run in one vector register.

use std::ops::Range;

/// Permutations updated together: one AVX2 register of `u32`.
const LANES: usize = 8;

/// Elements gathered on the stack before a block of permutations runs
/// over them; larger sets are taken in several gatherings.
const GATHER: usize = 64;

/// A family of `num_perm` hash permutations, fixed by a seed so signatures
/// from different runs (and machines) are comparable.
#[derive(Debug, Clone)]
pub struct MinHasher {
    halves: Halves,
}

/// The permutations' `a` and `b` split into 32-bit halves, one vector per
/// half. With `t = a_lo * x + b_lo` (which cannot overflow 64 bits),
/// `((a * x + b) mod 2^64) >> 32 = (t >> 32) + a_hi * x + b_hi (mod 2^32)`:
/// a 32×32→64 multiply and a 32-bit one, both of which vector units have,
/// where a 64-bit multiply is emulated.
#[derive(Debug, Clone)]
struct Halves {
    a_lo: Vec<u32>,
    a_hi: Vec<u32>,
    b_lo: Vec<u32>,
    b_hi: Vec<u32>,
}

impl MinHasher {
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        let mut state = seed;
        let mut next = || splitmix64(&mut state);
        let mut halves = Halves {
            a_lo: Vec::with_capacity(num_perm),
            a_hi: Vec::with_capacity(num_perm),
            b_lo: Vec::with_capacity(num_perm),
            b_hi: Vec::with_capacity(num_perm),
        };
        for _ in 0..num_perm {
            let (a, b) = (next() | 1, next());
            halves.a_lo.push(a as u32);
            halves.a_hi.push((a >> 32) as u32);
            halves.b_lo.push(b as u32);
            halves.b_hi.push((b >> 32) as u32);
        }
        MinHasher { halves }
    }

    pub fn num_perm(&self) -> usize {
        self.halves.a_lo.len()
    }

    /// Writes the signature of `hashes` into `out` (length `num_perm`).
    /// An empty set gets all `u32::MAX`, which matches nothing real.
    pub fn signature_into(&self, hashes: impl IntoIterator<Item = u32>, out: &mut [u32]) {
        self.values_into(hashes, 0..self.num_perm(), out);
    }

    /// Writes the signature values of permutations `perms` only (one LSH
    /// band, or a few) into `out` (length `perms.len()`): bands can be
    /// computed when they are needed, so whole signatures never have to be
    /// stored. The hashes are a set's elements; repeats do not change the
    /// values.
    pub fn values_into(
        &self,
        hashes: impl IntoIterator<Item = u32>,
        perms: Range<usize>,
        out: &mut [u32],
    ) {
        out.fill(u32::MAX);
        let mut gathered = [0u32; GATHER];
        let mut n = 0;
        for x in hashes {
            gathered[n] = x;
            n += 1;
            if n == GATHER {
                self.update(&gathered, perms.clone(), out);
                n = 0;
            }
        }
        if n > 0 {
            self.update(&gathered[..n], perms, out);
        }
    }

    /// Lowers `out` (the values of `perms`) to the minimum over `xs`.
    fn update(&self, xs: &[u32], perms: Range<usize>, out: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            unsafe { update_avx2(&self.halves, xs, perms, out) };
            return;
        }
        update_blocks(&self.halves, xs, perms, out);
    }

    pub fn signature(&self, hashes: &[u32]) -> Vec<u32> {
        let mut out = vec![0; self.num_perm()];
        self.signature_into(hashes.iter().copied(), &mut out);
        out
    }
}

/// [`update_blocks`] compiled for AVX2, where its lanes become one
/// register.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn update_avx2(halves: &Halves, xs: &[u32], perms: Range<usize>, out: &mut [u32]) {
    update_blocks(halves, xs, perms, out);
}

/// The permutations a block of [`LANES`] at a time, each block's minima
/// held in registers over all of `xs`.
#[inline(always)]
fn update_blocks(halves: &Halves, xs: &[u32], perms: Range<usize>, out: &mut [u32]) {
    let mut start = perms.start;
    for block in out.chunks_mut(LANES) {
        let end = start + block.len();
        if block.len() == LANES {
            let lanes = |v: &[u32]| -> [u32; LANES] { v[start..end].try_into().unwrap() };
            let (a_lo, a_hi, b_lo, b_hi) = (
                lanes(&halves.a_lo),
                lanes(&halves.a_hi),
                lanes(&halves.b_lo),
                lanes(&halves.b_hi),
            );
            let mut min: [u32; LANES] = block.try_into().unwrap();
            for &x in xs {
                for i in 0..LANES {
                    min[i] = min[i].min(permute(a_lo[i], a_hi[i], b_lo[i], b_hi[i], x));
                }
            }
            block.copy_from_slice(&min);
        } else {
            for (slot, p) in block.iter_mut().zip(start..end) {
                for &x in xs {
                    let h = permute(
                        halves.a_lo[p],
                        halves.a_hi[p],
                        halves.b_lo[p],
                        halves.b_hi[p],
                        x,
                    );
                    *slot = (*slot).min(h);
                }
            }
        }
        start = end;
    }
}

/// `((a * x + b) mod 2^64) >> 32` from the halves of `a` and `b`.
#[inline(always)]
fn permute(a_lo: u32, a_hi: u32, b_lo: u32, b_hi: u32, x: u32) -> u32 {
    let t = u64::from(a_lo) * u64::from(x) + u64::from(b_lo);
    ((t >> 32) as u32)
        .wrapping_add(a_hi.wrapping_mul(x))
        .wrapping_add(b_hi)
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

    proptest! {
        /// The 32-bit halves give exactly the 64-bit multiply-shift value,
        /// on every path (vector blocks, the tail, several gatherings).
        #[test]
        fn halves_match_the_64_bit_hash(
            xs in proptest::collection::vec(any::<u32>(), 0..200),
            seed in any::<u64>(),
            start in 0usize..20,
            len in 1usize..40,
        ) {
            let hasher = MinHasher::new(64, seed);
            let mut state = seed;
            let mut wanted = Vec::new();
            for _ in 0..64 {
                let (a, b) = (splitmix64(&mut state) | 1, splitmix64(&mut state));
                let value = xs
                    .iter()
                    .map(|&x| (a.wrapping_mul(u64::from(x)).wrapping_add(b) >> 32) as u32)
                    .min()
                    .unwrap_or(u32::MAX);
                wanted.push(value);
            }
            let perms = start..(start + len).min(64);
            let mut out = vec![0; perms.len()];
            hasher.values_into(xs.iter().copied(), perms.clone(), &mut out);
            prop_assert_eq!(&out[..], &wanted[perms.clone()]);
            // The portable path, which CPUs without AVX2 take.
            let mut portable = vec![u32::MAX; perms.len()];
            update_blocks(&hasher.halves, &xs, perms.clone(), &mut portable);
            prop_assert_eq!(&portable[..], &wanted[perms]);
        }
    }

    proptest! {
        #[test]
        fn intersection_counts_shared_elements(
            a in proptest::collection::btree_set(0u32..60, 0..40),
            b in proptest::collection::btree_set(0u32..60, 0..40),
        ) {
            let (x, y): (Vec<u32>, Vec<u32>) = (a.iter().copied().collect(), b.iter().copied().collect());
            prop_assert_eq!(intersection_size(&x, &y), a.intersection(&b).count());
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
