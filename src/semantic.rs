//! The semantic tier: candidates and a similarity feature from sentence
//! embeddings, for rewrites that keep the claim but not the words.
//!
//! The two lexical tiers need shared words. "The bodies of deceased troops
//! were cremated in Russia before being returned home" and "The remains of
//! the dead were reportedly cremated in Kursk before being sent back" share
//! three content words out of twenty; an embedding of each places them side
//! by side. Embedding is the costly step (a transformer pass per sentence),
//! so each distinct wording is embedded once: syndicated copies share one
//! vector. Candidates come from comparing every pair of distinct wordings,
//! which is what bounds this tier to corpora of a few ten thousand
//! wordings; larger dumps keep the lexical tiers only.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use crate::embed::Embedder;

/// The semantic tier's settings: a loaded model and its limits.
#[derive(Clone)]
pub struct Semantic {
    pub embedder: Arc<Embedder>,
    /// Cosine at or above which two wordings become a candidate pair for
    /// the verifier (which decides with its own, calibrated threshold).
    pub min_cosine: f32,
    /// Distinct wordings above which the tier is skipped: its pairwise
    /// comparison is quadratic.
    pub max_wordings: usize,
}

impl Semantic {
    pub fn new(embedder: Embedder) -> Semantic {
        Semantic {
            embedder: Arc::new(embedder),
            min_cosine: 0.6,
            max_wordings: 20_000,
        }
    }
}

impl fmt::Debug for Semantic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semantic")
            .field("min_cosine", &self.min_cosine)
            .field("max_wordings", &self.max_wordings)
            .finish_non_exhaustive()
    }
}

/// Texts embedded per progress step: a multiple of the embedder's own
/// batch, so batches, and with them the vectors' bits, are the same as in
/// one call.
const TEXTS_PER_STEP: usize = 512;

/// Embeddings of a scan's texts (its sentences and their claim views,
/// [`crate::claim::ClaimViews`], by id), one per distinct wording.
#[derive(Debug, Clone, Default)]
pub struct SentenceVectors {
    dim: usize,
    /// Row of each sentence id in `data`; `NONE` when not embedded.
    row_of: Vec<u32>,
    /// Unit-length vectors, `dim` values per row.
    data: Vec<f32>,
    /// Per row, its content tokens' unit vectors (`dim` values each).
    tokens: Vec<Vec<f32>>,
    /// For each row, the sentence ids that share it, ascending.
    members: Vec<Vec<u32>>,
}

const NONE: u32 = u32::MAX;

impl SentenceVectors {
    /// Groups the sentences `ids` (of `count` sentences in all) by `key`
    /// (same words and figures): one row per distinct wording, to embed.
    pub fn group(count: usize, ids: &[u32], key: impl Fn(u32) -> u64) -> SentenceVectors {
        let mut row_of = vec![NONE; count];
        let mut members: Vec<Vec<u32>> = Vec::new();
        let mut row_of_key: HashMap<u64, u32> = HashMap::new();
        for &id in ids {
            let row = *row_of_key.entry(key(id)).or_insert_with(|| {
                members.push(Vec::new());
                (members.len() - 1) as u32
            });
            members[row as usize].push(id);
            row_of[id as usize] = row;
        }
        SentenceVectors {
            dim: 0,
            row_of,
            data: Vec::new(),
            tokens: Vec::new(),
            members,
        }
    }

    /// Embeds each row's first sentence, whose display text `text` returns;
    /// `advance` hears of every step done.
    pub fn embed<'a>(
        &mut self,
        embedder: &Embedder,
        text: impl Fn(u32) -> &'a str,
        advance: impl Fn(usize),
    ) {
        let texts: Vec<&str> = self.members.iter().map(|m| text(m[0])).collect();
        self.dim = embedder.dim();
        self.data = Vec::with_capacity(texts.len() * self.dim);
        for step in texts.chunks(TEXTS_PER_STEP) {
            for encoded in embedder.encode(step) {
                self.data.extend(encoded.sentence);
                self.tokens.push(encoded.content_tokens);
            }
            advance(step.len());
        }
    }

    /// Distinct wordings embedded.
    pub fn rows(&self) -> usize {
        self.members.len()
    }

    fn vector(&self, row: u32) -> &[f32] {
        let start = row as usize * self.dim;
        &self.data[start..start + self.dim]
    }

    /// How two sentences compare in meaning, if both were embedded.
    pub fn compare(&self, a: u32, b: u32) -> Option<Meaning> {
        let (ra, rb) = (*self.row_of.get(a as usize)?, *self.row_of.get(b as usize)?);
        if ra == NONE || rb == NONE {
            return None;
        }
        Some(Meaning::of(
            dot(self.vector(ra), self.vector(rb)),
            &self.tokens[ra as usize],
            &self.tokens[rb as usize],
            self.dim,
        ))
    }

    /// Pairs of texts from different outlets whose wordings have cosine
    /// at least `min_cosine`, sorted and distinct: one pair per pair of
    /// wordings (the first members from different outlets), and within a
    /// wording one pair per member from another outlet than its first
    /// (texts that share a wording are copies, or different sentences that
    /// share a claim view).
    pub fn candidate_pairs<O: PartialEq>(
        &self,
        min_cosine: f32,
        outlet_of: impl Fn(u32) -> O + Sync,
    ) -> Vec<(u32, u32)> {
        let rows = self.rows() as u32;
        let mut pairs: Vec<(u32, u32)> = (0..rows)
            .into_par_iter()
            .flat_map_iter(|i| {
                let vi = self.vector(i);
                let close: Vec<u32> = (i + 1..rows)
                    .filter(|&j| dot(vi, self.vector(j)) >= min_cosine)
                    .collect();
                let within = self.within_row_pairs(i, &outlet_of);
                close
                    .into_iter()
                    .filter_map(|j| self.cross_outlet_pair(i, j, &outlet_of))
                    .chain(within)
                    .collect::<Vec<_>>()
            })
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        pairs
    }

    /// Each member of row `i` from another outlet than its first member,
    /// paired with that first member.
    fn within_row_pairs<O: PartialEq>(
        &self,
        i: u32,
        outlet_of: impl Fn(u32) -> O,
    ) -> Vec<(u32, u32)> {
        let members = &self.members[i as usize];
        let first = members[0];
        let outlet = outlet_of(first);
        members[1..]
            .iter()
            .filter(|&&m| outlet_of(m) != outlet)
            .map(|&m| (first.min(m), first.max(m)))
            .collect()
    }

    fn cross_outlet_pair<O: PartialEq>(
        &self,
        i: u32,
        j: u32,
        outlet_of: impl Fn(u32) -> O,
    ) -> Option<(u32, u32)> {
        for &a in &self.members[i as usize] {
            for &b in &self.members[j as usize] {
                if outlet_of(a) != outlet_of(b) {
                    return Some((a.min(b), a.max(b)));
                }
            }
        }
        None
    }
}

/// How two sentences compare in meaning: the semantic features of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Meaning {
    /// Cosine of the sentence embeddings.
    pub cosine: f64,
    /// Soft word alignment (BERTScore-style recall) of the sentence with
    /// fewer content words into the other: how much of its claim the other
    /// states too, in any words. High when one sentence is the other's
    /// claim inside a longer sentence.
    pub containment: f64,
    /// Harmonic mean of the alignment both ways.
    pub alignment_f1: f64,
}

impl Meaning {
    fn of(cosine: f32, a: &[f32], b: &[f32], dim: usize) -> Meaning {
        let (ab, ba) = (soft_recall(a, b, dim), soft_recall(b, a, dim));
        let fewer = if a.len() <= b.len() { ab } else { ba };
        Meaning {
            cosine: f64::from(cosine),
            containment: f64::from(fewer),
            alignment_f1: if ab + ba > 0.0 {
                f64::from(2.0 * ab * ba / (ab + ba))
            } else {
                0.0
            },
        }
    }
}

/// Mean over `a`'s token vectors of the best cosine with any of `b`'s; 0
/// when either has none.
fn soft_recall(a: &[f32], b: &[f32], dim: usize) -> f32 {
    if a.is_empty() || b.is_empty() || dim == 0 {
        return 0.0;
    }
    let rows = a.len() / dim;
    let total: f32 = a
        .chunks_exact(dim)
        .map(|x| {
            b.chunks_exact(dim)
                .map(|y| dot(x, y))
                .fold(f32::NEG_INFINITY, f32::max)
                .max(0.0)
        })
        .sum();
    total / rows as f32
}

/// The semantic features of each pair of `texts` (indices into it),
/// encoding each text once.
pub fn compare_texts(
    embedder: &Embedder,
    texts: &[&str],
    pairs: &[(usize, usize)],
) -> Vec<Meaning> {
    let encoded = embedder.encode(texts);
    let dim = embedder.dim();
    pairs
        .iter()
        .map(|&(a, b)| {
            let (a, b) = (&encoded[a], &encoded[b]);
            Meaning::of(
                dot(&a.sentence, &b.sentence),
                &a.content_tokens,
                &b.content_tokens,
                dim,
            )
        })
        .collect()
}

/// Dot product in eight independent lanes, so the compiler can keep them
/// in one SIMD register; the summation order is fixed, and with it the
/// result's bits.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut lanes = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            lanes[k] += x[k] * y[k];
        }
    }
    let tail: f32 = ra.iter().zip(rb).map(|(x, y)| x * y).sum();
    lanes.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors(rows: &[[f32; 2]], row_of: Vec<u32>, members: Vec<Vec<u32>>) -> SentenceVectors {
        let norm = |v: &[f32; 2]| (v[0] * v[0] + v[1] * v[1]).sqrt();
        SentenceVectors {
            dim: 2,
            row_of,
            data: rows
                .iter()
                .flat_map(|v| [v[0] / norm(v), v[1] / norm(v)])
                .collect(),
            tokens: vec![Vec::new(); rows.len()],
            members,
        }
    }

    #[test]
    fn dot_matches_the_plain_sum() {
        let a: Vec<f32> = (0..389).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..389).map(|i| (i as f32 * 0.11).cos()).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - plain).abs() < 1e-3);
    }

    #[test]
    fn close_wordings_from_different_outlets_are_candidates() {
        // Sentences 0 and 1 share a wording (row 0); 2 is close to it, 3 is not.
        let v = vectors(
            &[[1.0, 0.0], [0.95, 0.3], [0.0, 1.0]],
            vec![0, 0, 1, 2],
            vec![vec![0, 1], vec![2], vec![3]],
        );
        let outlet = [7, 8, 7, 9];
        let pairs = v.candidate_pairs(0.9, |s| outlet[s as usize]);
        // Row 0 vs row 1: sentence 0 shares outlet 7 with sentence 2, so
        // the pair is taken from sentence 1 (outlet 8); within row 0,
        // sentences 0 and 1 are from different outlets.
        assert_eq!(pairs, vec![(0, 1), (1, 2)]);
        assert!(v.compare(0, 1).unwrap().cosine > 0.999);
        assert!(v.compare(0, 3).unwrap().cosine < 0.1);
        assert_eq!(v.compare(0, 9), None);
    }

    #[test]
    fn a_claim_inside_a_longer_sentence_is_contained() {
        // Unit token vectors along axes: the short sentence's two tokens
        // both occur in the long one, which has two more of its own.
        let axis = |i: usize| {
            let mut v = vec![0.0f32; 4];
            v[i] = 1.0;
            v
        };
        let short: Vec<f32> = [0, 1].iter().flat_map(|&i| axis(i)).collect();
        let long: Vec<f32> = [0, 1, 2, 3].iter().flat_map(|&i| axis(i)).collect();
        let m = Meaning::of(0.7, &short, &long, 4);
        assert!((m.containment - 1.0).abs() < 1e-6);
        assert!((m.alignment_f1 - 2.0 / 3.0).abs() < 1e-6, "{m:?}");
        assert_eq!(Meaning::of(0.7, &[], &long, 4).containment, 0.0);
    }

    #[test]
    fn wordings_of_one_outlet_are_not_candidates() {
        let v = vectors(
            &[[1.0, 0.0], [1.0, 0.01]],
            vec![0, 1],
            vec![vec![0], vec![1]],
        );
        assert!(v.candidate_pairs(0.5, |_| "same").is_empty());
    }
}
