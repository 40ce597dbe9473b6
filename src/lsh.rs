//! Locality-sensitive hashing: turns signatures into candidate pairs
//! without comparing every sentence with every other.
//!
//! Signatures are cut into `bands` of `rows` values; two sentences are
//! candidates when any band is identical. Grouping is done by sorting
//! `(band key, id)` pairs one band at a time rather than with a hash map:
//! sorting is deterministic, cache-friendly, and keeps memory to one band's
//! keys per thread.

use std::ops::Range;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::sorted::merge_into;

/// How a signature is cut into bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Banding {
    pub bands: usize,
    pub rows: usize,
}

impl Banding {
    /// The banding whose S-curve best separates pairs above `threshold`
    /// from pairs below it: it minimizes the sum of the false-positive and
    /// false-negative areas under the candidate-probability curve, using at
    /// most `num_perm` signature values.
    pub fn for_threshold(threshold: f64, num_perm: usize) -> Banding {
        let mut best = Banding {
            bands: 1,
            rows: num_perm.max(1),
        };
        let mut best_error = f64::INFINITY;
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let b = Banding { bands, rows };
                let error = area(|s| b.candidate_probability(s), 0.0, threshold)
                    + area(|s| 1.0 - b.candidate_probability(s), threshold, 1.0);
                if error < best_error {
                    best_error = error;
                    best = b;
                }
            }
        }
        best
    }

    /// Probability that two sets with Jaccard `s` become candidates.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }
}

fn area(f: impl Fn(f64) -> f64, from: f64, to: f64) -> f64 {
    const STEPS: usize = 200;
    let width = (to - from) / STEPS as f64;
    (0..STEPS)
        .map(|i| f(from + (i as f64 + 0.5) * width) * width)
        .sum()
}

/// Buckets larger than this emit a chain and a star instead of every pair:
/// enough to connect them, without a quadratic blow-up on a sentence that
/// a thousand outlets reprinted.
const MAX_BUCKET_PAIRS: usize = 16;

/// Signature values [`candidate_pairs`] asks for in one pass over a set:
/// as many whole bands as fit. Each pass walks the set and runs the
/// permutations a vector register at a time, so one pass for a few bands
/// costs little more than one for a single band. The price is holding the
/// group's keys, 8 bytes per id per band. On the 250 MB dump at a9c4556,
/// when a scan's ids were sentences and its peak came in the rewrite
/// tier's LSH, one run each: 16 values (5 bands of 3) peaked at 1,519 MiB,
/// 10 (3 bands) at 1,496 MiB, against 1,458 MiB before grouping, with the
/// candidates stage as fast (34.7 s, 34.0 s).
const GROUP_PERMS: usize = 10;

/// How many lists [`candidate_pairs`] splits its pairs into, by their
/// first id: sorting a band's pairs and merging them in is then one small
/// sort and merge per list, spread over the threads (a list's share of a
/// band on a 250 MB dump, about 20,000 pairs, sorts in cache, where one
/// sort of all 5 million did not), and a list that outgrows its buffer
/// reallocates its own share of the pairs, not all of them.
const PAIR_LISTS: u32 = 256;

/// Candidate pairs `(a, b)` with `a < b` among `ids` for which `keep(a, b)`
/// holds and that are not in `known` (pairs another tier already found,
/// sorted across its lists), distinct and sorted: each list is sorted, the
/// lists split the pairs by ranges of `a` in order, and none is empty, so
/// their concatenation is sorted. `values(id, perms, out)` writes the
/// signature values `perms` of `id` into `out`. A scan computes them with
/// [`crate::minhash::MinHasher::values_into`] when it groups that band, so
/// that no sentence's whole signature is ever held; and it keeps only pairs
/// from two outlets, dropped here before they take memory.
pub fn candidate_pairs<F, K>(
    banding: Banding,
    ids: &[u32],
    values: F,
    keep: K,
    known: &[Vec<(u32, u32)>],
) -> Vec<Vec<(u32, u32)>>
where
    F: Fn(u32, Range<usize>, &mut [u32]) + Sync,
    K: Fn(u32, u32) -> bool + Sync,
{
    // Pairs are kept in `PAIR_LISTS` lists by ranges of their first id,
    // from the moment they are found: each list is sorted on its own,
    // small enough to sort in cache, and merged on its own.
    let width = ids.iter().max().map_or(1, |&m| m / PAIR_LISTS + 1);
    let list_of = |pair: (u32, u32)| (pair.0 / width) as usize;
    let no_lists = || vec![Vec::new(); PAIR_LISTS as usize];
    // The keys of a group of `count` bands from `first`, in one pass over
    // each sentence's set: `[i * count + j]` is band `first + j` of `ids[i]`.
    let group_keys = |first: usize, count: usize| {
        let perms = first * banding.rows..(first + count) * banding.rows;
        let mut keys = vec![0u64; ids.len() * count];
        keys.par_chunks_mut(count).zip(ids).for_each_init(
            || {
                (
                    vec![0u32; perms.len()],
                    Vec::with_capacity(banding.rows * 4),
                )
            },
            |(group_values, bytes), (out, &id)| {
                values(id, perms.clone(), group_values);
                for (j, (key, band_values)) in out
                    .iter_mut()
                    .zip(group_values.chunks(banding.rows))
                    .enumerate()
                {
                    *key = band_key(band_values, first + j, bytes);
                }
            },
        );
        keys
    };
    // One band at a time, all threads on it: its pairs are sorted and made
    // distinct, then merged into the pairs so far in place. A pair that
    // shares many bands (every copy does) is held once, and besides the
    // distinct pairs only one group's keys and one band's pairs are held.
    let band_pairs = |keys: Vec<(u64, u32)>| {
        // The buckets in a few pieces per thread, each piece's pairs put in
        // lists of its own, then each list's pieces joined, sorted and made
        // distinct.
        let mut found: Vec<Vec<Vec<(u32, u32)>>> =
            bucket_cuts(&keys, rayon::current_num_threads() * 4)
                .par_windows(2)
                .map(|cut| {
                    let mut lists = no_lists();
                    for run in keys[cut[0]..cut[1]].chunk_by(|x, y| x.0 == y.0) {
                        push_bucket_pairs(run, |pair| lists[list_of(pair)].push(pair), &keep);
                    }
                    lists
                })
                .collect();
        drop(keys);
        let by_list: Vec<Vec<Vec<(u32, u32)>>> = (0..PAIR_LISTS as usize)
            .map(|i| {
                found
                    .iter_mut()
                    .map(|lists| std::mem::take(&mut lists[i]))
                    .collect()
            })
            .collect();
        drop(found);
        by_list
            .into_par_iter()
            .map(|pieces| {
                let mut pieces = pieces.into_iter();
                let mut list = pieces.next().unwrap_or_default();
                for piece in pieces {
                    list.extend_from_slice(&piece);
                }
                list.sort_unstable();
                list.dedup();
                list
            })
            .collect()
    };
    // Both in lists by the same ranges of first ids.
    let merge = |lists: &mut [Vec<(u32, u32)>], new: &[Vec<(u32, u32)>]| {
        lists
            .par_iter_mut()
            .zip(new)
            .for_each(|(list, new)| merge_into(list, new))
    };
    let mut lists = no_lists();
    // Merging runs while the next band is grouped; the union does not
    // depend on which finishes first.
    let mut pending = no_lists();
    let group = (GROUP_PERMS / banding.rows).clamp(1, banding.bands.max(1));
    for first in (0..banding.bands).step_by(group) {
        let count = group.min(banding.bands - first);
        let keys_of_group = group_keys(first, count);
        for j in 0..count {
            let keys = sorted_keys(ids.len(), |i| (keys_of_group[i * count + j], ids[i]));
            let ((), found) = rayon::join(|| merge(&mut lists, &pending), || band_pairs(keys));
            pending = found;
            pending.par_iter_mut().for_each(|list| {
                if let (Some(first), Some(last)) = (list.first(), list.last()) {
                    let (first, last) = (*first, *last);
                    let known = known.iter().flat_map(|k| {
                        &k[k.partition_point(|p| *p < first)..k.partition_point(|p| *p <= last)]
                    });
                    remove_shared(list, known);
                }
            });
        }
    }
    merge(&mut lists, &pending);
    lists.retain(|list| !list.is_empty());
    lists
}

/// The `n` keys `key(i)`, sorted. They are hashes, so their top byte
/// splits them into 256 even runs: one pass puts each key in its run, and
/// the runs are sorted on their own, in cache, on all threads, with no
/// merging afterwards (a parallel merge sort of all of them merges).
fn sorted_keys(n: usize, key: impl Fn(usize) -> (u64, u32)) -> Vec<(u64, u32)> {
    let run_of = |k: (u64, u32)| (k.0 >> 56) as usize;
    let mut next = [0usize; 256];
    for i in 0..n {
        next[run_of(key(i))] += 1;
    }
    let lengths = next;
    let mut start = 0;
    for slot in &mut next {
        let length = *slot;
        *slot = start;
        start += length;
    }
    let mut keys = vec![(0, 0); n];
    for i in 0..n {
        let k = key(i);
        let slot = &mut next[run_of(k)];
        keys[*slot] = k;
        *slot += 1;
    }
    let mut runs = Vec::with_capacity(lengths.len());
    let mut rest = keys.as_mut_slice();
    for length in lengths {
        let (run, tail) = rest.split_at_mut(length);
        runs.push(run);
        rest = tail;
    }
    runs.into_par_iter().for_each(|run| run.sort_unstable());
    keys
}

/// Removes from `pairs` those also in `other`; both are sorted. One walk
/// through both, in place.
fn remove_shared<'a>(pairs: &mut Vec<(u32, u32)>, other: impl Iterator<Item = &'a (u32, u32)>) {
    let mut other = other.peekable();
    pairs.retain(|p| {
        while other.next_if(|o| *o < p).is_some() {}
        other.peek() != Some(&p)
    });
}

/// Where to cut sorted `keys` into about `pieces` pieces of similar size,
/// each cut between two buckets: the first cut is 0, the last the end.
fn bucket_cuts(keys: &[(u64, u32)], pieces: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    for i in 1..pieces {
        let at = (keys.len() * i / pieces).max(cuts[cuts.len() - 1]);
        let bucket = keys.get(at).map(|k| k.0);
        let end = at
            + keys[at..]
                .iter()
                .take_while(|k| Some(k.0) == bucket)
                .count();
        cuts.push(end);
    }
    cuts.push(keys.len());
    cuts
}

/// `bytes` is scratch space, reused across calls.
fn band_key(values: &[u32], band: usize, bytes: &mut Vec<u8>) -> u64 {
    bytes.clear();
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    xxh3_64_with_seed(bytes, band as u64)
}

/// Passes the pairs of one bucket (ids of equal band keys) that `keep`
/// accepts to `out`.
fn push_bucket_pairs(
    run: &[(u64, u32)],
    mut out: impl FnMut((u32, u32)),
    keep: &(impl Fn(u32, u32) -> bool + Sync),
) {
    let mut push = |a: u32, b: u32| {
        let pair = (a.min(b), a.max(b));
        if keep(pair.0, pair.1) {
            out(pair);
        }
    };
    if run.len() <= MAX_BUCKET_PAIRS {
        for (i, &(_, a)) in run.iter().enumerate() {
            for &(_, b) in &run[i + 1..] {
                push(a, b);
            }
        }
    } else {
        let head = run[0].1;
        for w in run.windows(2) {
            push(w[0].1, w[1].1);
            push(head, w[1].1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::minhash::{jaccard, MinHasher};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn removing_shared_pairs_is_the_sorted_difference(
            a in proptest::collection::btree_set((0u32..20, 0u32..20), 0..60),
            b in proptest::collection::btree_set((0u32..20, 0u32..20), 0..60),
        ) {
            let mut pairs: Vec<(u32, u32)> = a.iter().copied().collect();
            let other: Vec<(u32, u32)> = b.iter().copied().collect();
            remove_shared(&mut pairs, other.iter());
            let difference: Vec<(u32, u32)> = a.difference(&b).copied().collect();
            prop_assert_eq!(pairs, difference);
        }
    }

    proptest! {
        #[test]
        fn buckets_are_cut_whole_into_pieces(
            mut keys in proptest::collection::vec((0u64..6, 0u32..100), 0..80),
            pieces in 1usize..10,
        ) {
            keys.sort_unstable();
            let cuts = bucket_cuts(&keys, pieces);
            prop_assert_eq!(cuts[0], 0);
            prop_assert_eq!(cuts[cuts.len() - 1], keys.len());
            prop_assert!(cuts.windows(2).all(|w| w[0] <= w[1]));
            for &cut in &cuts[1..cuts.len() - 1] {
                prop_assert!(cut == keys.len() || keys[cut - 1].0 != keys[cut].0);
            }
        }
    }

    proptest! {
        /// Whatever the top bytes (all alike, or spread), the runs join
        /// into one sorted whole.
        #[test]
        fn keys_sort_by_runs_as_by_one_sort(
            keys in proptest::collection::vec((any::<u64>(), any::<u32>()), 0..300),
            shift in prop_oneof![Just(0u32), Just(8), Just(60)],
        ) {
            let keys: Vec<(u64, u32)> = keys.into_iter().map(|(k, id)| (k >> shift, id)).collect();
            let mut wanted = keys.clone();
            wanted.sort_unstable();
            prop_assert_eq!(sorted_keys(keys.len(), |i| keys[i]), wanted);
        }
    }

    #[test]
    fn banding_fits_threshold() {
        let b = Banding::for_threshold(0.5, 128);
        assert!(b.bands * b.rows <= 128);
        assert!(b.candidate_probability(0.8) > 0.99);
        assert!(b.candidate_probability(0.2) < 0.05);
        // The S-curve's midpoint sits near the threshold.
        let mid = (1.0 / b.bands as f64).powf(1.0 / b.rows as f64);
        assert!((mid - 0.5).abs() < 0.12, "{b:?} midpoint {mid}");
    }

    fn random_sets(seed: u64, n: usize) -> Vec<Vec<u32>> {
        // Sets drawn from a small universe so that many pairs overlap.
        let mut state = seed;
        (0..n)
            .map(|_| {
                let mut s: Vec<u32> = (0..20)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        ((state >> 33) % 40) as u32
                    })
                    .collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn recall_against_brute_force(seed in 0u64..1000) {
            let sets = random_sets(seed, 60);
            let hasher = MinHasher::new(128, 3);
            let banding = Banding::for_threshold(0.5, 128);
            let ids: Vec<u32> = (0..sets.len() as u32).collect();
            let lists = candidate_pairs(
                banding,
                &ids,
                |id, perms, out| hasher.values_into(sets[id as usize].iter().copied(), perms, out),
                |_, _| true,
                &[],
            );
            prop_assert!(lists.iter().all(|l| !l.is_empty()));
            let found = lists.concat();
            let mut truth = 0;
            let mut hit = 0;
            for a in 0..sets.len() {
                for b in a + 1..sets.len() {
                    if jaccard(&sets[a], &sets[b]) >= 0.7 {
                        truth += 1;
                        if found.binary_search(&(a as u32, b as u32)).is_ok() {
                            hit += 1;
                        }
                    }
                }
            }
            prop_assert!(truth == 0 || hit as f64 / truth as f64 >= 0.95, "recall {hit}/{truth}");
            prop_assert!(found.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn huge_buckets_stay_connected_but_linear() {
        let n = 500u32;
        let ids: Vec<u32> = (0..n).collect();
        // Every sentence has the same values: one bucket of all.
        let pairs = candidate_pairs(
            Banding { bands: 1, rows: 4 },
            &ids,
            |_, _, out| out.fill(7),
            |_, _| true,
            &[],
        )
        .concat();
        assert!(pairs.len() < 2 * n as usize);
        let mut uf = crate::union_find::UnionFind::new(n as usize);
        for (a, b) in pairs {
            uf.union(a, b);
        }
        assert_eq!(uf.set_size(0), n);
    }

    #[test]
    fn pairs_keep_refuses_are_never_emitted() {
        // Two buckets: ids 0..8 collide, and so do 8..40 (a large bucket,
        // chained); even ids are one outlet, odd ids another.
        let ids: Vec<u32> = (0..40).collect();
        let values = |id: u32, _: Range<usize>, out: &mut [u32]| out.fill(u32::from(id < 8));
        let banding = Banding { bands: 2, rows: 2 };
        let all = candidate_pairs(banding, &ids, values, |_, _| true, &[]).concat();
        let cross = candidate_pairs(banding, &ids, values, |a, b| a % 2 != b % 2, &[]).concat();
        assert!(cross.iter().all(|&(a, b)| a % 2 != b % 2));
        let expected: Vec<(u32, u32)> = all
            .iter()
            .copied()
            .filter(|&(a, b)| a % 2 != b % 2)
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(cross, expected);
        // Pairs already known are left out, whichever list holds them.
        let (first, second) = all.split_at(all.len() / 2);
        let known = [
            first[..first.len() / 2].to_vec(),
            first[first.len() / 2..].to_vec(),
        ];
        let rest = candidate_pairs(banding, &ids, values, |_, _| true, &known);
        assert_eq!(rest.concat(), second);
    }
}
