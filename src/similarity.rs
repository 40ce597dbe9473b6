//! Verifying a candidate pair and naming the kind of reuse.
//!
//! LSH only proposes pairs. Each is scored here from the two sentences'
//! [`Profile`]s: a copy is recognised by its shingles (same words, same
//! order), a rewrite by a calibrated score over overlap features, fitted on
//! human paraphrase judgements (MSRP, see `wiretrace calibrate`).

use serde::Serialize;

use crate::minhash::intersection_size;
use crate::semantic::Meaning;
use crate::shingle::Profile;

/// How one sentence relates to another it was matched with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reuse {
    /// Same words in the same order (figures may differ: that is drift).
    Verbatim,
    /// A copy with words added, removed or swapped.
    Edited,
    /// The same claim in new wording.
    Rewritten,
}

impl Reuse {
    pub fn as_str(self) -> &'static str {
        match self {
            Reuse::Verbatim => "verbatim",
            Reuse::Edited => "edited",
            Reuse::Rewritten => "rewritten",
        }
    }

    /// What two sentences are to each other when only a claim view of one
    /// ([`crate::claim`]) matched a claim view of the other: at most an
    /// edit, since the words around the claim differ.
    pub fn of_claims(self) -> Reuse {
        match self {
            Reuse::Verbatim => Reuse::Edited,
            other => other,
        }
    }
}

/// How two sentences match, from the match of the whole sentences and the
/// matches of their claim views ([`crate::claim`]), each a reuse, a
/// similarity and what the caller keeps of it. Copies are judged whole;
/// otherwise a claim of one restated by a claim of the other counts too,
/// at most as an edit ([`Reuse::of_claims`]). The strongest reuse wins,
/// then the higher similarity. `claims` is only called when needed.
pub fn sentence_match<T, I>(
    whole: Option<(Reuse, f64, T)>,
    claims: impl FnOnce() -> I,
) -> Option<(Reuse, f64, T)>
where
    I: IntoIterator<Item = (Reuse, f64, T)>,
{
    if matches!(whole, Some((Reuse::Verbatim | Reuse::Edited, ..))) {
        return whole;
    }
    claims()
        .into_iter()
        .map(|(reuse, similarity, kept)| (reuse.of_claims(), similarity, kept))
        .chain(whole)
        .min_by(|p, q| p.0.cmp(&q.0).then(q.1.total_cmp(&p.1)))
}

/// Overlap measures of a pair; every value lies in `[0, 1]`.
///
/// They are the lexical measures that machine-translation metrics use to
/// judge whether two sentences say the same thing (n-gram precision and
/// recall, longest common subsequence), plus figures: two sentences that
/// agree on everything but a number usually make different claims.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PairFeatures {
    /// Jaccard of word shingles (order-sensitive).
    pub shingle_jaccard: f64,
    /// Shingles shared, over the smaller sentence's shingles: high when
    /// one sentence is the other trimmed.
    pub shingle_containment: f64,
    /// Jaccard of stemmed content words (order-free).
    pub content_jaccard: f64,
    /// Content words shared, over the smaller sentence's.
    pub content_containment: f64,
    /// Content words shared, over the larger sentence's: low when one
    /// side adds facts the other lacks.
    pub content_coverage: f64,
    /// Jaccard of word bigrams.
    pub bigram_jaccard: f64,
    /// Jaccard of words.
    pub word_jaccard: f64,
    /// Longest common word subsequence over the longer sentence.
    pub lcs_ratio: f64,
    /// Shorter word count over longer.
    pub length_ratio: f64,
    /// Jaccard of the figures; 1 when neither has any.
    pub number_agreement: f64,
    /// 1 when both have figures and some differ.
    pub number_conflict: f64,
    /// Jaccard of capitalised words; 1 when neither has any.
    pub name_agreement: f64,
    /// Embedding similarity and soft word alignment
    /// ([`crate::semantic`]); `None` when no model was loaded.
    pub meaning: Option<Meaning>,
    /// Words in the shorter sentence, figures not counted (not a model
    /// input: it gates the rewrite label).
    pub shorter_words: usize,
    /// Both sentences have two or more figures and share none: two
    /// instances of a formula ("Net loss 534,000 vs profit 4.4 mln"), not a
    /// copy that changed a figure (not a model input: it rules out every
    /// label).
    pub formula: bool,
}

impl PairFeatures {
    pub fn of(a: &Profile, b: &Profile, meaning: Option<Meaning>) -> PairFeatures {
        let figures = figure_overlap(a.numbers(), b.numbers());
        PairFeatures::complete(Quick::of(a, b), figures, a, b, meaning)
    }

    /// The remaining features, given the quick ones and the figures.
    fn complete(
        quick: Quick,
        figures: Overlap,
        a: &Profile,
        b: &Profile,
        meaning: Option<Meaning>,
    ) -> PairFeatures {
        let number_agreement = if figures.a + figures.b == 0 {
            1.0
        } else {
            figures.jaccard()
        };
        let both_have_numbers = a.figure_count() > 0 && b.figure_count() > 0;
        PairFeatures {
            shingle_jaccard: quick.shingles.jaccard(),
            shingle_containment: quick.shingles.of_smaller(),
            content_jaccard: quick.content.jaccard(),
            content_containment: quick.content.of_smaller(),
            content_coverage: quick.content.of_larger(),
            bigram_jaccard: a.with_bigrams(|x| b.with_bigrams(|y| Overlap::of(x, y).jaccard())),
            word_jaccard: a
                .with_distinct_words(|x| b.with_distinct_words(|y| Overlap::of(x, y).jaccard())),
            lcs_ratio: lcs_len(a.words(), b.words()) as f64
                / a.words().len().max(b.words().len()).max(1) as f64,
            length_ratio: quick.length_ratio,
            number_agreement,
            number_conflict: if both_have_numbers && number_agreement < 1.0 {
                1.0
            } else {
                0.0
            },
            shorter_words: quick.shorter_words,
            formula: figures.is_formula(),
            name_agreement: if a.names().is_empty() && b.names().is_empty() {
                1.0
            } else {
                Overlap::of(a.names(), b.names()).jaccard()
            },
            meaning,
        }
    }

    fn as_array(&self) -> [f64; FEATURES] {
        [
            self.shingle_jaccard,
            self.shingle_containment,
            self.content_jaccard,
            self.content_containment,
            self.content_coverage,
            self.bigram_jaccard,
            self.word_jaccard,
            self.lcs_ratio,
            self.length_ratio,
            self.number_agreement,
            self.number_conflict,
            self.name_agreement,
            self.meaning.map_or(0.0, |m| m.cosine.clamp(0.0, 1.0)),
            self.meaning.map_or(0.0, |m| m.containment),
            self.meaning.map_or(0.0, |m| m.alignment_f1),
        ]
    }
}

/// Items two sorted, distinct sets share, with their sizes: one merge gives
/// Jaccard and both containments.
#[derive(Debug, Clone, Copy)]
struct Overlap {
    shared: usize,
    a: usize,
    b: usize,
}

impl Overlap {
    fn of(x: &[u32], y: &[u32]) -> Overlap {
        Overlap {
            shared: intersection_size(x, y),
            a: x.len(),
            b: y.len(),
        }
    }

    fn jaccard(self) -> f64 {
        ratio(self.shared, self.a + self.b - self.shared)
    }

    /// Between two sets of figures: each side has two or more and they
    /// share none (see [`PairFeatures::formula`]).
    fn is_formula(self) -> bool {
        self.a >= 2 && self.b >= 2 && self.shared == 0
    }

    fn of_smaller(self) -> f64 {
        ratio(self.shared, self.a.min(self.b))
    }

    fn of_larger(self) -> f64 {
        ratio(self.shared, self.a.max(self.b))
    }
}

fn ratio(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        n as f64 / of as f64
    }
}

/// What every label's precondition looks at: two set merges and lengths,
/// so most candidate pairs are turned down before the other features.
#[derive(Debug, Clone, Copy)]
struct Quick {
    shingles: Overlap,
    content: Overlap,
    length_ratio: f64,
    shorter_words: usize,
}

impl Quick {
    fn of(a: &Profile, b: &Profile) -> Quick {
        let (la, lb) = (a.words().len(), b.words().len());
        Quick {
            shingles: shingle_overlap(a, b),
            content: Overlap::of(a.content(), b.content()),
            length_ratio: ratio(la.min(lb), la.max(lb)),
            shorter_words: (la - a.figure_count()).min(lb - b.figure_count()),
        }
    }
}

/// The two sentences' shingle sets' overlap.
fn shingle_overlap(a: &Profile, b: &Profile) -> Overlap {
    Overlap::of(a.shingles(), b.shingles())
}

/// Longest common subsequence length of two word sequences. Sentences
/// longer than `CAP` words are compared on their first words only, which
/// keeps a pathological "sentence" from costing quadratic time.
///
/// Bit-parallel (Allison and Dix; Hyyrö, "Bit-parallel LCS-length
/// computation revisited", 2004): bit `i` of `v` stands for `a[i]`, and each
/// word of `b` updates all of them with one add and a few masks per 64
/// words of `a`. Verification runs this on every candidate pair that passes
/// the cheap checks; the row-by-row dynamic program it replaces was a tenth
/// of a full scan's time.
fn lcs_len(a: &[u32], b: &[u32]) -> usize {
    const CAP: usize = 256;
    let (a, b) = (&a[..a.len().min(CAP)], &b[..b.len().min(CAP)]);
    let mut v = [u64::MAX; CAP / 64];
    let v = &mut v[..a.len().div_ceil(64)];
    for &y in b {
        let mut carry = false;
        for (block, words) in v.iter_mut().zip(a.chunks(64)) {
            let matches = words
                .iter()
                .enumerate()
                .fold(0u64, |m, (i, &x)| m | (u64::from(x == y) << i));
            let kept = *block & matches;
            let (sum, c1) = block.overflowing_add(kept);
            let (sum, c2) = sum.overflowing_add(u64::from(carry));
            carry = c1 || c2;
            *block = sum | (*block & !matches);
        }
    }
    // Zeros among the bits that stand for a word of `a` count the LCS.
    let used = a.len() % 64;
    let ones: usize = v
        .iter()
        .enumerate()
        .map(|(k, w)| {
            let w = if k + 1 == v.len() && used != 0 {
                w & ((1u64 << used) - 1)
            } else {
                *w
            };
            w.count_ones() as usize
        })
        .sum();
    a.len() - ones
}

const FEATURES: usize = 15;
/// Position of `number_conflict` in [`PairFeatures::as_array`].
const NUMBER_CONFLICT: usize = 10;

/// Distinct figures of two sentences and how many they share.
fn figure_overlap<'a>(
    a: impl Iterator<Item = &'a str>,
    b: impl Iterator<Item = &'a str>,
) -> Overlap {
    fn distinct<'a>(v: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        let mut v: Vec<&str> = v.collect();
        v.sort_unstable();
        v.dedup();
        v
    }
    let (a, b) = (distinct(a), distinct(b));
    Overlap {
        shared: a.iter().filter(|x| b.binary_search(x).is_ok()).count(),
        a: a.len(),
        b: b.len(),
    }
}

/// A logistic model over [`PairFeatures`]: `P(same claim)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RewriteModel {
    pub bias: f64,
    pub weights: [f64; FEATURES],
    /// Probability at or above which a pair is a rewrite: chosen to
    /// maximise agreement with the labels the model was fitted on.
    pub threshold: f64,
}

impl RewriteModel {
    /// Fitted by `wiretrace calibrate --tsv msrp-train.tsv --columns 4,5
    /// --gold 1 --header` on the MSRP training split (see README); the
    /// features' order is [`PairFeatures::as_array`]'s.
    pub const MSRP: RewriteModel = RewriteModel {
        bias: -4.59967355860028,
        weights: [
            0.39044284686609204,
            -4.599022224652961,
            2.3814380506088684,
            0.038378228371454305,
            0.48804658155099795,
            1.1943551611278516,
            3.3819975221409786,
            5.32270514928903,
            0.5651494789503697,
            0.42845975005014303,
            -0.8639427737140296,
            -0.24084832303232287,
            0.0,
            0.0,
            0.0,
        ],
        threshold: 0.52,
    };

    /// Fitted the same way with the semantic features too (embedding
    /// cosine, soft-alignment containment and F1: `wiretrace calibrate`
    /// with a model installed); used for pairs whose both sentences were
    /// embedded.
    pub const MSRP_SEMANTIC: RewriteModel = RewriteModel {
        bias: -7.39537027600662,
        weights: [
            0.9257002497747148,
            -4.305182407027312,
            1.9677929669513954,
            -1.56927044146318,
            -0.0645894274217872,
            0.9048772330288712,
            2.172492663234297,
            4.748627466878852,
            0.7566266064989713,
            0.8566668391761394,
            0.0,
            -0.3694422480029706,
            2.417046495791177,
            2.4443844875707437,
            0.8906570285168962,
        ],
        threshold: 0.5,
    };

    pub fn probability(&self, f: &PairFeatures) -> f64 {
        let z = self.bias
            + self
                .weights
                .iter()
                .zip(f.as_array())
                .map(|(w, x)| w * x)
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }

    /// Fits the model by batch gradient descent with a small L2 penalty,
    /// keeping the weights of the features in `unweighed` at zero.
    /// Deterministic: same data, same weights.
    pub fn fit(samples: &[(PairFeatures, bool)], unweighed: &[usize]) -> RewriteModel {
        let mut model = RewriteModel {
            bias: 0.0,
            weights: [0.0; FEATURES],
            threshold: 0.5,
        };
        if samples.is_empty() {
            return model;
        }
        let n = samples.len() as f64;
        let (rate, l2) = (2.0, 1e-4);
        for _ in 0..4000 {
            let mut grad = [0.0; FEATURES];
            let mut grad_bias = 0.0;
            for (f, label) in samples {
                let err = model.probability(f) - if *label { 1.0 } else { 0.0 };
                grad_bias += err;
                for (g, x) in grad.iter_mut().zip(f.as_array()) {
                    *g += err * x;
                }
            }
            model.bias -= rate * grad_bias / n;
            for (i, (w, g)) in model.weights.iter_mut().zip(grad).enumerate() {
                if !unweighed.contains(&i) {
                    *w -= rate * (g / n + l2 * *w);
                }
            }
        }
        model
    }
}

/// Thresholds that turn features into a [`Reuse`] label.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// Shingle Jaccard at or above which a pair is a verbatim copy.
    pub verbatim: f64,
    /// Shingle Jaccard (or containment of a trimmed copy) for a light edit.
    pub edited: f64,
    /// Content-word Jaccard below which nothing is a rewrite: two
    /// sentences on one topic share a few words, a rewrite shares many.
    pub min_content_jaccard: f64,
    /// Words (figures not counted) both sentences need before a loose
    /// paraphrase counts as a rewrite: the model was fitted on sentences of
    /// 10 to 30 words, and two five-word headlines sharing three words are
    /// more often two stories than one.
    pub min_rewrite_words: usize,
    /// Embedding cosine at or above which a rewrite needs no minimum of
    /// shared content words, nor the scan's share of rare ones (the model
    /// still has to accept it): synonyms share meaning, not words.
    pub paraphrase_cosine: f64,
}

impl Thresholds {
    /// The embeddings say the two texts mean the same, so shared words
    /// are not required: synonyms share meaning, not words.
    pub fn is_paraphrase(&self, meaning: Option<Meaning>) -> bool {
        meaning.is_some_and(|m| m.cosine >= self.paraphrase_cosine)
    }
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            verbatim: 0.9,
            edited: 0.5,
            min_content_jaccard: 0.2,
            min_rewrite_words: 8,
            paraphrase_cosine: 0.7,
        }
    }
}

/// The verdict on one pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Verdict {
    pub features: PairFeatures,
    /// Model probability that both sentences make the same claim.
    pub score: f64,
    pub reuse: Option<Reuse>,
}

/// Scores and labels pairs with one set of thresholds and two models: the
/// lexical one, and the semantic one for pairs with an embedding cosine.
#[derive(Debug, Clone, Copy)]
pub struct Verifier {
    pub model: RewriteModel,
    pub semantic: RewriteModel,
    pub thresholds: Thresholds,
}

impl Default for Verifier {
    fn default() -> Verifier {
        Verifier {
            model: RewriteModel::MSRP,
            semantic: RewriteModel::MSRP_SEMANTIC,
            thresholds: Thresholds::default(),
        }
    }
}

impl Verifier {
    /// Fits the rewrite model on human-labelled pairs (`true`: same claim)
    /// and sets its threshold where the verifier's "related" verdicts agree
    /// with the labels most often.
    /// With cosines in the samples, the semantic model is the one fitted.
    pub fn calibrate(samples: &[(PairFeatures, bool)], thresholds: Thresholds) -> Verifier {
        let semantic = samples.iter().any(|(f, _)| f.meaning.is_some());
        let mut verifier = Verifier {
            thresholds,
            ..Verifier::default()
        };
        // With meaning to go on, a changed figure is drift inside one claim,
        // which the report flags, not evidence of another claim: the
        // semantic model is fitted without it. (MSRP's annotators judged
        // whole sentences, where a changed figure makes a different
        // sentence.) The lexical model keeps it: without embeddings, two
        // instances of one template differ in little else.
        let unweighed: &[usize] = if semantic { &[NUMBER_CONFLICT] } else { &[] };
        let fitted = RewriteModel::fit(samples, unweighed);
        *verifier.model_mut(semantic) = fitted;
        let mut best = (f64::NEG_INFINITY, 0.5);
        for step in 5..=95 {
            verifier.model_mut(semantic).threshold = step as f64 / 100.0;
            let agree = samples
                .iter()
                .filter(|(f, gold)| verifier.judge_features(*f).reuse.is_some() == *gold)
                .count();
            let accuracy = agree as f64 / samples.len().max(1) as f64;
            if accuracy > best.0 {
                best = (accuracy, step as f64 / 100.0);
            }
        }
        verifier.model_mut(semantic).threshold = best.1;
        verifier
    }

    fn model_mut(&mut self, semantic: bool) -> &mut RewriteModel {
        if semantic {
            &mut self.semantic
        } else {
            &mut self.model
        }
    }

    /// `meaning`: from the two sentences' embeddings, when a model is loaded.
    pub fn judge(&self, a: &Profile, b: &Profile, meaning: Option<Meaning>) -> Verdict {
        self.judge_features(PairFeatures::of(a, b, meaning))
    }

    /// The reuse label `judge` would give, and `similarity`, computed
    /// cheaply: a pair that fails the cheap precondition of every label
    /// (shingles for copies, content words for rewrites) is rejected before
    /// the quadratic subsequence feature is computed. Same answers as
    /// `judge`, for the scan's hot loop over candidate pairs.
    pub fn reuse(
        &self,
        a: &Profile,
        b: &Profile,
        meaning: Option<Meaning>,
    ) -> Option<(Reuse, f64)> {
        self.reuse_if(a, b, meaning, || true)
    }

    /// [`Verifier::reuse`], where a rewrite counts only if
    /// `rewrite_counts()`. It is asked once the pair is known to be no
    /// copy and before the model's features are computed, which cost more
    /// than a caller's rule (the scan's specificity) for a pair it rejects.
    pub fn reuse_if(
        &self,
        a: &Profile,
        b: &Profile,
        meaning: Option<Meaning>,
        rewrite_counts: impl FnOnce() -> bool,
    ) -> Option<(Reuse, f64)> {
        let t = &self.thresholds;
        let quick = Quick::of(a, b);
        let copy = Self::copy(
            quick.shingles.jaccard(),
            quick.shingles.of_smaller(),
            quick.length_ratio,
            t,
        );
        let could_rewrite =
            Self::could_rewrite(quick.shorter_words, quick.content.jaccard(), meaning, t);
        if copy.is_none() && !could_rewrite {
            return None;
        }
        let figures = figure_overlap(a.numbers(), b.numbers());
        if figures.is_formula() {
            return None;
        }
        if let Some(copy) = copy {
            // Shingles alone label a copy: the model's features, the
            // costly part, are only needed for rewrites.
            return Some((
                copy,
                Self::similarity_of(quick.shingles.jaccard(), quick.content.jaccard()),
            ));
        }
        // Not a copy, so a rewrite or nothing (`judge_features` labels
        // copies by the same shingle figures).
        if !rewrite_counts() {
            return None;
        }
        let features = PairFeatures::complete(quick, figures, a, b, meaning);
        let verdict = self.judge_features(features);
        verdict.reuse.map(|r| (r, Verifier::similarity(&verdict)))
    }

    /// The copy label shingles give: most of them shared, or one sentence
    /// most of the other (a trimmed copy).
    fn copy(
        shingle_jaccard: f64,
        shingle_containment: f64,
        length_ratio: f64,
        t: &Thresholds,
    ) -> Option<Reuse> {
        if shingle_jaccard >= t.verbatim {
            Some(Reuse::Verbatim)
        } else if shingle_jaccard >= t.edited || (shingle_containment >= 0.8 && length_ratio >= 0.4)
        {
            Some(Reuse::Edited)
        } else {
            None
        }
    }

    /// The preconditions of the rewrite label that need no model: enough
    /// words, and either enough shared content words or, when embeddings
    /// say so, the same meaning in other words.
    fn could_rewrite(
        shorter_words: usize,
        content_jaccard: f64,
        meaning: Option<Meaning>,
        t: &Thresholds,
    ) -> bool {
        shorter_words >= t.min_rewrite_words
            && (content_jaccard >= t.min_content_jaccard || t.is_paraphrase(meaning))
    }

    pub fn judge_features(&self, features: PairFeatures) -> Verdict {
        let model = if features.meaning.is_some() {
            &self.semantic
        } else {
            &self.model
        };
        let score = model.probability(&features);
        let t = &self.thresholds;
        let copy = Self::copy(
            features.shingle_jaccard,
            features.shingle_containment,
            features.length_ratio,
            t,
        );
        let reuse = if features.formula {
            None
        } else if copy.is_some() {
            copy
        } else if score >= model.threshold
            && Self::could_rewrite(
                features.shorter_words,
                features.content_jaccard,
                features.meaning,
                t,
            )
        {
            Some(Reuse::Rewritten)
        } else {
            None
        };
        Verdict {
            features,
            score,
            reuse,
        }
    }

    /// A single number for ranking matches: copies above rewrites, then by
    /// how much text they share.
    pub fn similarity(verdict: &Verdict) -> f64 {
        let f = &verdict.features;
        Self::similarity_of(f.shingle_jaccard, f.content_jaccard)
    }

    fn similarity_of(shingle_jaccard: f64, content_jaccard: f64) -> f64 {
        shingle_jaccard.max(content_jaccard * 0.9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::OwnedProfile;

    /// The textbook dynamic program: the oracle for the bit-parallel LCS.
    fn lcs_by_table(a: &[u32], b: &[u32]) -> usize {
        let mut row = vec![0usize; b.len() + 1];
        for x in a {
            let mut diagonal = 0;
            for (j, y) in b.iter().enumerate() {
                let above = row[j + 1];
                row[j + 1] = if x == y {
                    diagonal + 1
                } else {
                    above.max(row[j])
                };
                diagonal = above;
            }
        }
        row[b.len()]
    }

    proptest::proptest! {
        #[test]
        fn bit_parallel_lcs_matches_the_table(
            a in proptest::collection::vec(0u32..6, 0..200),
            b in proptest::collection::vec(0u32..6, 0..200),
        ) {
            proptest::prop_assert_eq!(lcs_len(&a, &b), lcs_by_table(&a, &b));
        }
    }

    #[test]
    fn lcs_of_sentences_past_one_block() {
        let a: Vec<u32> = (0..150).collect();
        let b: Vec<u32> = (0..150).filter(|x| x % 3 != 0).collect();
        assert_eq!(lcs_len(&a, &b), 100);
        assert_eq!(lcs_len(&b, &a), 100);
        assert_eq!(lcs_len(&a, &[]), 0);
        let long: Vec<u32> = (0..400).collect();
        assert_eq!(lcs_len(&long, &long), 256, "capped");
    }

    fn judge(a: &str, b: &str) -> Verdict {
        Verifier::default().judge(
            &OwnedProfile::new(a, 3).view(),
            &OwnedProfile::new(b, 3).view(),
            None,
        )
    }

    #[test]
    fn copies_are_verbatim_even_with_changed_figures() {
        let v = judge(
            "South Korean intelligence estimates a total of 4,700 North Korean casualties in the region.",
            "South Korean intelligence estimates a total of 4,800 North Korean casualties in the region",
        );
        assert_eq!(v.reuse, Some(Reuse::Verbatim));
        assert!(v.features.number_agreement < 1.0);
    }

    #[test]
    fn trimmed_and_edited_copies_are_edited() {
        let v = judge(
            "The remains of the dead were reportedly cremated in Kursk before being sent back to North Korea.",
            "The remains of the dead were cremated in Kursk before being sent back.",
        );
        assert_eq!(v.reuse, Some(Reuse::Edited), "{v:?}");
    }

    #[test]
    fn the_fast_path_agrees_with_judge() {
        let texts = [
            "South Korean intelligence estimates a total of 4,700 North Korean casualties in the region.",
            "South Korean intelligence estimates 4,800 North Korean casualties in the region.",
            "The remains of the dead were reportedly cremated in Kursk before being sent back.",
            "The remains of the dead were cremated in Kursk before being sent back to North Korea.",
            "Shares of Apple fell two percent in early trading on Monday.",
            "Apple shares dropped 2 percent early on Monday.",
            "Oper shr loss 12 cts vs profit five cts in the first quarter",
            "Oper shr loss 3 cts vs profit 9 cts in the first quarter",
            "Oper shr loss 12 cts vs profit five cts in the first quarter of 1987",
        ];
        let v = Verifier::default();
        let close = Meaning {
            cosine: 0.8,
            containment: 0.75,
            alignment_f1: 0.7,
        };
        for a in texts {
            for b in texts {
                let (pa, pb) = (OwnedProfile::new(a, 3), OwnedProfile::new(b, 3));
                let (pa, pb) = (pa.view(), pb.view());
                for meaning in [None, Some(close)] {
                    let slow = v.judge(&pa, &pb, meaning);
                    let fast = v.reuse(&pa, &pb, meaning);
                    assert_eq!(
                        fast,
                        slow.reuse.map(|r| (r, Verifier::similarity(&slow))),
                        "{a} / {b} / {meaning:?}"
                    );
                    // Without rewrites, the copies alone.
                    assert_eq!(
                        v.reuse_if(&pa, &pb, meaning, || false),
                        fast.filter(|(r, _)| *r != Reuse::Rewritten),
                        "{a} / {b} / {meaning:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn instances_of_a_formula_are_not_copies() {
        let v = judge(
            "Oper net loss 1,506,000 vs profit 312,000",
            "Oper net loss 465,043 vs profit 2,283,811",
        );
        assert!(v.features.formula);
        assert_eq!(v.reuse, None);
        // One figure changed, the other kept: a copy with drift.
        let v = judge(
            "The storm killed 600 people and destroyed 1,200 homes on Monday.",
            "The storm killed 1,000 people and destroyed 1,200 homes on Monday.",
        );
        assert_eq!(v.reuse, Some(Reuse::Verbatim));
    }

    #[test]
    fn short_lines_are_copies_or_nothing() {
        // Two headlines of different stories share most of their words.
        assert_eq!(
            judge(
                "Osaka City Council Criticised Pensions",
                "Osaka City Council Delayed Harvests"
            )
            .reuse,
            None
        );
        assert_eq!(
            judge(
                "Osaka City Council Criticised Pensions",
                "Osaka City Council Criticised Pensions"
            )
            .reuse,
            Some(Reuse::Verbatim)
        );
    }

    #[test]
    fn unrelated_sentences_are_not_reuse() {
        let v = judge(
            "Shares of Apple fell two percent in early trading on Monday.",
            "The remains of the dead were reportedly cremated in Kursk.",
        );
        assert_eq!(v.reuse, None);
    }

    #[test]
    fn sentences_match_whole_or_by_their_claims() {
        let copy = Some((Reuse::Edited, 0.6, "whole"));
        let never = || -> Vec<(Reuse, f64, &str)> { panic!("claims judged after a copy") };
        assert_eq!(sentence_match(copy, never), copy);
        // A verbatim claim makes the sentences an edit, which beats a
        // rewrite of the whole; among equals the closer wording wins.
        let claims = vec![
            (Reuse::Rewritten, 0.9, "rewrite"),
            (Reuse::Verbatim, 0.4, "claim copy"),
            (Reuse::Edited, 0.7, "claim edit"),
        ];
        assert_eq!(
            sentence_match(Some((Reuse::Rewritten, 0.5, "whole")), || claims),
            Some((Reuse::Edited, 0.7, "claim edit"))
        );
        assert_eq!(sentence_match(None::<(Reuse, f64, ())>, Vec::new), None);
    }

    #[test]
    fn fitting_separates_separable_data() {
        let mk = |x: f64| PairFeatures {
            shingle_jaccard: x,
            shingle_containment: x,
            content_jaccard: x,
            content_containment: x,
            content_coverage: x,
            bigram_jaccard: x,
            word_jaccard: x,
            lcs_ratio: x,
            length_ratio: 1.0,
            number_agreement: 1.0,
            number_conflict: 0.0,
            name_agreement: 1.0,
            meaning: None,
            shorter_words: 20,
            formula: false,
        };
        let samples: Vec<(PairFeatures, bool)> =
            (0..20).map(|i| (mk(i as f64 / 20.0), i >= 10)).collect();
        let model = RewriteModel::fit(&samples, &[]);
        assert!(model.probability(&mk(0.9)) > 0.8);
        assert!(model.probability(&mk(0.1)) < 0.2);
        assert_eq!(model, RewriteModel::fit(&samples, &[]), "deterministic");

        // With semantic features in the samples, the semantic model is the
        // one refitted; the lexical one stays.
        let with_meaning: Vec<(PairFeatures, bool)> = samples
            .iter()
            .map(|(f, gold)| {
                let x = f.shingle_jaccard;
                let meaning = Some(Meaning {
                    cosine: x,
                    containment: x,
                    alignment_f1: x,
                });
                (PairFeatures { meaning, ..*f }, *gold)
            })
            .collect();
        let fitted = Verifier::calibrate(&with_meaning, Thresholds::default());
        assert_eq!(fitted.model, RewriteModel::MSRP);
        assert_ne!(fitted.semantic, RewriteModel::MSRP_SEMANTIC);
        assert!(fitted.semantic.weights[FEATURES - 3] > 0.0, "cosine weight");
    }
}
