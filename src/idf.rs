//! Claims versus topics.
//!
//! In a corpus about one story, every sentence shares the story's words
//! ("Trump", "Putin", "Helsinki", "summit"). A pair-level score cannot
//! tell a rewrite of one claim from two claims on the same story; the
//! corpus can. Weighting shared content words by inverse document frequency
//! over the corpus's sentences makes a rewrite link need shared *specific*
//! words, which is what distinguishes "600 killed" from "4,700 casualties".

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;

use crate::shingle::Profile;

/// Inverse sentence frequency of every content word in a corpus.
#[derive(Debug, Clone, Default)]
pub struct Rarity {
    weight: HashMap<u32, f32, FixedState>,
    /// Weight of a word the table has not seen: as rare as can be.
    unseen: f32,
}

impl Rarity {
    /// Counts content words over `profiles` (each sentence once).
    pub fn from_profiles<'a>(profiles: impl IntoIterator<Item = Profile<'a>>) -> Rarity {
        let mut df: HashMap<u32, u32, FixedState> = HashMap::default();
        let mut n = 0u32;
        for p in profiles {
            n += 1;
            for &w in p.content() {
                *df.entry(w).or_default() += 1;
            }
        }
        let total = f64::from(n.max(1)) + 1.0;
        let weight = df
            .into_iter()
            .map(|(w, d)| (w, (total / f64::from(d)).ln() as f32))
            .collect();
        Rarity {
            weight,
            unseen: total.ln() as f32,
        }
    }

    fn weight(&self, word: u32) -> f64 {
        f64::from(*self.weight.get(&word).unwrap_or(&self.unseen))
    }

    /// Rarity-weighted share of the lighter sentence's content words that
    /// the other sentence has too.
    pub fn weighted_containment(&self, a: &Profile, b: &Profile) -> f64 {
        let total = |p: &Profile| p.content().iter().map(|&w| self.weight(w)).sum::<f64>();
        let shared: f64 = a
            .content()
            .iter()
            .filter(|w| b.content().binary_search(w).is_ok())
            .map(|&w| self.weight(w))
            .sum();
        let lighter = total(a).min(total(b));
        if lighter <= 0.0 {
            0.0
        } else {
            (shared / lighter).min(1.0)
        }
    }
}

/// The content words too common to point to one claim: in more than
/// `at_most` of `sets` (each a sorted set of content words), or in more
/// than `share` of them and more than `at_least`: a dump's "said", "pct"
/// and "year". In a small corpus no word is common, however large its
/// share. In a large one the cap keeps the pairs that share only the
/// words left growing as the dump does, not with its square: a word in
/// `c` sets can pair `c²/2` of them by chance, which a share alone lets
/// grow with the dump.
pub fn common_words<'a>(
    sets: impl IntoIterator<Item = &'a [u32]>,
    share: f64,
    at_least: u32,
    at_most: u32,
) -> HashSet<u32, FixedState> {
    let mut counts: HashMap<u32, u32, FixedState> = HashMap::default();
    let mut n = 0u32;
    for set in sets {
        n += 1;
        for &w in set {
            *counts.entry(w).or_default() += 1;
        }
    }
    let cutoff = (share * f64::from(n))
        .max(f64::from(at_least))
        .min(f64::from(at_most));
    counts
        .into_iter()
        .filter(|&(_, c)| f64::from(c) > cutoff)
        .map(|(w, _)| w)
        .collect()
}

/// A wording's content words less the common ones: its set in the rewrite
/// tier's LSH.
pub fn uncommon<'a>(
    content: &'a [u32],
    common: &'a HashSet<u32, FixedState>,
) -> impl Iterator<Item = u32> + 'a {
    content.iter().copied().filter(|x| !common.contains(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shingle::OwnedProfile;

    #[test]
    fn shared_topic_words_weigh_little() {
        let corpus: Vec<OwnedProfile> = [
            "Trump met Putin in Helsinki on Monday.",
            "Trump and Putin held a summit in Helsinki.",
            "Putin praised Trump in Helsinki.",
            "Trump criticised the intelligence agencies in Helsinki.",
            "Trump and Putin discussed Syria and Ukraine in Helsinki.",
            "Protesters marched through Helsinki before Trump and Putin met.",
        ]
        .iter()
        .map(|s| OwnedProfile::new(s, 3))
        .collect();
        let rarity = Rarity::from_profiles(corpus.iter().map(OwnedProfile::view));
        let topic = rarity.weighted_containment(&corpus[0].view(), &corpus[2].view());
        let claim = rarity.weighted_containment(
            &corpus[5].view(),
            &OwnedProfile::new("Protesters marched through downtown Helsinki.", 3).view(),
        );
        assert!(topic < 0.5, "topic words alone: {topic}");
        assert!(
            claim > 0.6 && claim > 2.0 * topic,
            "specific words shared: {claim} vs topic {topic}"
        );
    }

    #[test]
    fn common_words_are_in_more_than_their_share_or_their_cap() {
        // "officials said ... happened near" in all 400 sentences, "weather"
        // in 391, "council vote" in 5, "budget plan" in 4, each other word
        // in one.
        let texts: Vec<String> = (0..400)
            .map(|i| {
                let topic = match i {
                    0..5 => "the council vote",
                    5..9 => "the budget plan",
                    _ => "the weather",
                };
                format!("Officials said {topic} happened near village{i}.")
            })
            .collect();
        let corpus: Vec<OwnedProfile> = texts.iter().map(|s| OwnedProfile::new(s, 3)).collect();
        let words_of = |text: &str| {
            let mut words = OwnedProfile::new(text, 3).view().content().to_vec();
            words.sort_unstable();
            words
        };
        let common = |share, at_least, at_most| {
            let sets = corpus.iter().map(|p| p.view().content());
            let mut found: Vec<u32> = common_words(sets, share, at_least, at_most)
                .into_iter()
                .collect();
            found.sort_unstable();
            found
        };
        // More than 1 % of 400 is 5 sentences or more.
        assert_eq!(
            common(0.01, 0, u32::MAX),
            words_of("Officials said the weather of the council vote happened near.")
        );
        assert_eq!(
            common(0.01, 100, u32::MAX),
            words_of("Officials said the weather happened near.")
        );
        assert!(
            common(0.01, 400, u32::MAX).is_empty(),
            "none in more than all"
        );
        // The cap overrules the share and its floor.
        assert_eq!(
            common(0.5, 100, 4),
            words_of("Officials said the weather of the council vote happened near.")
        );
        assert_eq!(
            common(1.0, 0, 3),
            words_of(
                "Officials said the weather, the council vote and the budget plan happened near."
            )
        );
    }

    #[test]
    fn uncommon_words_are_the_content_less_the_common() {
        let content: [&[u32]; 4] = [&[1, 2, 3], &[], &[2, 9], &[4, 5]];
        let common: HashSet<u32, FixedState> = [2, 4, 5].into_iter().collect();
        let found: Vec<Vec<u32>> = content
            .iter()
            .map(|c| uncommon(c, &common).collect())
            .collect();
        assert_eq!(found, [&[1, 3][..], &[], &[9], &[]]);
    }
}
