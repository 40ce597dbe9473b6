//! Wordings: sentences with the same profile (the same words, figures and
//! names, whatever their case, typography and punctuation) taken as one.
//!
//! A syndicated dump is mostly such copies, and what LSH and the verifier
//! decide about two sentences depends only on their profiles. So a scan
//! fingerprints, pairs and verifies each wording once, and makes the pairs
//! of sentences from the verified pairs of wordings afterwards: a story
//! twenty outlets reprinted is one wording to pair, where it was twenty
//! sentences whose 190 pairs every LSH band found again.

use rayon::prelude::*;

/// No such sentence.
const NONE: u32 = u32::MAX;

/// Sentences grouped by wording. Wordings are numbered in the order of
/// their first sentence, and each one's sentences are in id order, so the
/// grouping does not depend on how the work was split over threads.
#[derive(Debug, Clone, Default)]
pub struct Wordings {
    /// Sentence ids, wording by wording: wording `w` is
    /// `members[starts[w]..starts[w + 1]]`.
    members: Vec<u32>,
    starts: Vec<u32>,
    /// Per wording, its first sentence whose outlet differs from its first
    /// sentence's, or `NONE` when all of them come from one outlet.
    first_elsewhere: Vec<u32>,
}

impl Wordings {
    /// Groups `ids` (distinct sentence ids) by `key`, a hash of what the
    /// verifier sees of a sentence; `outlet` gives a sentence's outlet.
    pub fn group(
        ids: &[u32],
        key: impl Fn(u32) -> u64 + Sync,
        outlet: impl Fn(u32) -> u32,
    ) -> Wordings {
        let mut keyed: Vec<(u64, u32)> = ids.par_iter().map(|&id| (key(id), id)).collect();
        keyed.par_sort_unstable();
        // Each wording as its run in `keyed`, ordered by its first id.
        let mut runs: Vec<(u32, usize, usize)> = Vec::new();
        let mut start = 0;
        for run in keyed.chunk_by(|x, y| x.0 == y.0) {
            runs.push((run[0].1, start, start + run.len()));
            start += run.len();
        }
        runs.par_sort_unstable();
        let mut wordings = Wordings {
            members: Vec::with_capacity(ids.len()),
            starts: Vec::with_capacity(runs.len() + 1),
            first_elsewhere: Vec::with_capacity(runs.len()),
        };
        for (first, from, to) in runs {
            wordings.starts.push(wordings.members.len() as u32);
            wordings.members.extend(keyed[from..to].iter().map(|k| k.1));
            let home = outlet(first);
            let elsewhere = keyed[from..to]
                .iter()
                .map(|k| k.1)
                .find(|&s| outlet(s) != home);
            wordings.first_elsewhere.push(elsewhere.unwrap_or(NONE));
        }
        wordings.starts.push(wordings.members.len() as u32);
        wordings
    }

    /// How many wordings there are.
    pub fn len(&self) -> usize {
        self.first_elsewhere.len()
    }

    pub fn is_empty(&self) -> bool {
        self.first_elsewhere.is_empty()
    }

    /// The sentences of wording `w`, in id order.
    pub fn members(&self, w: u32) -> &[u32] {
        &self.members[self.starts[w as usize] as usize..self.starts[w as usize + 1] as usize]
    }

    /// The sentence that stands for wording `w` (its first).
    pub fn representative(&self, w: u32) -> u32 {
        self.members[self.starts[w as usize] as usize]
    }

    /// Whether wording `w` was printed by more than one outlet.
    pub fn is_shared(&self, w: u32) -> bool {
        self.first_elsewhere[w as usize] != NONE
    }

    /// Whether some sentence of `v` and some sentence of `w` come from two
    /// outlets: only then can the pair stand for reuse worth reporting.
    /// `outlet` is the one given to [`Wordings::group`].
    pub fn span_outlets(&self, v: u32, w: u32, outlet: impl Fn(u32) -> u32) -> bool {
        self.is_shared(v)
            || self.is_shared(w)
            || outlet(self.representative(v)) != outlet(self.representative(w))
    }

    /// Each sentence's wording, `None` for sentences not grouped; `n` is
    /// the number of sentences.
    pub fn index(&self, n: usize) -> Vec<Option<u32>> {
        let mut of = vec![None; n];
        for w in 0..self.len() as u32 {
            for &s in self.members(w) {
                of[s as usize] = Some(w);
            }
        }
        of
    }

    /// The pairs of sentences from two outlets that a pair of wordings
    /// stands for (`v == w` for the copies within one wording), each as
    /// `(a, b)` with `a < b`, sorted and distinct.
    ///
    /// Each sentence is paired with the first sentence of the other
    /// wording from another outlet, not with all of them: that is the
    /// match it would pick among all of them (they all score the same, and
    /// the lowest id breaks ties), at most one pair per sentence instead of
    /// the product of their counts. With the copies within each of the two
    /// wordings, these pairs connect the same sentences as all of them do.
    pub fn sentence_pairs(&self, v: u32, w: u32, outlet: impl Fn(u32) -> u32) -> Vec<(u32, u32)> {
        let mut pairs = Vec::new();
        let mut link = |from: u32, to: u32| {
            if let Some(partner) = self.first_partner(from, to, &outlet) {
                pairs.push((partner.min(from), partner.max(from)));
            }
        };
        for &a in self.members(v) {
            link(a, w);
        }
        if v != w {
            for &b in self.members(w) {
                link(b, v);
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// The first sentence of wording `w` from an outlet other than
    /// sentence `s`'s. The wording's sentences before its
    /// `first_elsewhere` all share the first one's outlet, so it is one of
    /// those two.
    fn first_partner(&self, s: u32, w: u32, outlet: impl Fn(u32) -> u32) -> Option<u32> {
        let first = self.representative(w);
        if outlet(first) != outlet(s) {
            return Some(first);
        }
        let elsewhere = self.first_elsewhere[w as usize];
        (elsewhere != NONE).then_some(elsewhere)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every sentence pair from two outlets, by brute force.
    fn all_pairs(wordings: &Wordings, v: u32, w: u32, outlet: &[u32]) -> Vec<(u32, u32)> {
        let mut pairs = Vec::new();
        for &a in wordings.members(v) {
            for &b in wordings.members(w) {
                if a != b && outlet[a as usize] != outlet[b as usize] {
                    pairs.push((a.min(b), a.max(b)));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    #[test]
    fn groups_by_key_in_order_of_first_sentence() {
        let keys = [7u64, 3, 7, 9, 3, 7];
        let outlets = [0u32, 0, 1, 0, 0, 0];
        let ids: Vec<u32> = (0..6).collect();
        let w = Wordings::group(&ids, |i| keys[i as usize], |i| outlets[i as usize]);
        assert_eq!(w.len(), 3);
        assert_eq!(w.members(0), &[0, 2, 5]);
        assert_eq!(w.members(1), &[1, 4]);
        assert_eq!(w.members(2), &[3]);
        assert!(w.is_shared(0));
        assert!(!w.is_shared(1));
        let outlet = |i: u32| outlets[i as usize];
        assert!(!w.span_outlets(1, 2, outlet));
        assert!(w.span_outlets(0, 2, outlet));
        let index = w.index(7);
        assert_eq!(index, [0, 1, 0, 2, 1, 0, 7].map(|x| (x < 7).then_some(x)));
    }

    proptest! {
        /// The pairs made from two wordings are some of all their pairs
        /// from two outlets, and keep what matters of them: every sentence
        /// that has a partner keeps its lowest-id partner, and with the
        /// copies within each wording the pairs connect the same sentences.
        #[test]
        fn sentence_pairs_keep_each_sentences_first_partner(
            sentences in proptest::collection::vec((0u64..4, 0u32..3), 1..40),
        ) {
            let ids: Vec<u32> = (0..sentences.len() as u32).collect();
            let outlet: Vec<u32> = sentences.iter().map(|s| s.1).collect();
            let wordings = Wordings::group(&ids, |i| sentences[i as usize].0, |i| outlet[i as usize]);
            for v in 0..wordings.len() as u32 {
                for w in v..wordings.len() as u32 {
                    let made = wordings.sentence_pairs(v, w, |i| outlet[i as usize]);
                    let all = all_pairs(&wordings, v, w, &outlet);
                    prop_assert!(made.windows(2).all(|p| p[0] < p[1]));
                    prop_assert!(made.iter().all(|p| all.binary_search(p).is_ok()));
                    let first_partner = |pairs: &[(u32, u32)], s: u32| {
                        pairs.iter().filter_map(|&(a, b)| {
                            if a == s { Some(b) } else if b == s { Some(a) } else { None }
                        }).filter(|p| wordings.members(if wordings.members(v).contains(&s) { w } else { v }).contains(p)).min()
                    };
                    for &s in wordings.members(v).iter().chain(wordings.members(w)) {
                        prop_assert_eq!(first_partner(&made, s), first_partner(&all, s));
                    }
                    let with_copies = |pairs_of: &dyn Fn(u32, u32) -> Vec<(u32, u32)>| {
                        let mut pairs = pairs_of(v, w);
                        pairs.extend(pairs_of(v, v));
                        pairs.extend(pairs_of(w, w));
                        components(&pairs)
                    };
                    prop_assert_eq!(
                        with_copies(&|x, y| wordings.sentence_pairs(x, y, |i| outlet[i as usize])),
                        with_copies(&|x, y| all_pairs(&wordings, x, y, &outlet))
                    );
                }
            }
        }
    }

    /// The connected groups of the sentences that appear in `pairs`.
    fn components(pairs: &[(u32, u32)]) -> Vec<Vec<u32>> {
        let mut sets = crate::union_find::UnionFind::new(64);
        let mut seen = std::collections::BTreeSet::new();
        for &(a, b) in pairs {
            sets.union(a, b);
            seen.insert(a);
            seen.insert(b);
        }
        let mut groups: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for s in seen {
            groups.entry(sets.find(s)).or_default().push(s);
        }
        let mut groups: Vec<Vec<u32>> = groups.into_values().collect();
        groups.sort();
        groups
    }
}
