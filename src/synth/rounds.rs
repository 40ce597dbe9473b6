//! Stories past a supply's end, for dumps larger than their supply.
//!
//! A supply holds so many stories (Reuters-21578 gives 11,861 of four
//! sentences or more; the built-in supply is 200), a few articles each.
//! A dump that needed more used to start the supply over: the same texts under
//! new story ids, which a scan rightly links and the truth called two
//! stories, so `eval` scored a Reuters dump of 2.7 rounds at a link F1 of
//! 0.37. And its families grew with each round, so a larger dump was not
//! more of the same news but denser news.
//!
//! So each round of the supply after the first is the supply again with
//! its words substituted: each word by one of about the same frequency in
//! the supply (a permutation within blocks of [`BLOCK`] ranks), written in
//! the same case. Short words too: wire copy has sentences of nothing
//! else, such as "Shr 17 cts vs 23 cts". A word with a full stop inside
//! its sentence is kept, as an abbreviation ("Mr.", "U.S.") whose stop the
//! segmenter reads. A later round no longer reads as news, but it keeps
//! what a scan's work depends on (sentence lengths, punctuation, figures,
//! and how often words recur) and shares hardly a phrase with any other
//! round.

use std::borrow::Cow;
use std::collections::HashMap;

use super::{Rng, Story};

/// Words per block of frequency ranks whose words are permuted. Words of
/// one block occur about as often as each other; in a block of 32 a word
/// keeps its place in one round of 32.
const BLOCK: usize = 32;

/// The stories of a supply, round after round.
pub struct Rounds<'a> {
    stories: &'a [Story],
    seed: u64,
    /// The supply's words, lowercased, most frequent first, and
    /// each one's rank; made when the second round begins.
    words: Vec<String>,
    rank: HashMap<String, u32>,
    /// The round `to` is for, and the rank each rank's word becomes in it.
    round: usize,
    to: Vec<u32>,
}

impl<'a> Rounds<'a> {
    pub fn new(stories: &'a [Story], seed: u64) -> Rounds<'a> {
        Rounds {
            stories,
            seed,
            words: Vec::new(),
            rank: HashMap::new(),
            round: 0,
            to: Vec::new(),
        }
    }

    /// Story `n`: the supply's `n % len`th, in round `n / len`. Asked in
    /// order of `n`, a round's substitution is made once.
    pub fn story(&mut self, n: usize) -> Cow<'a, Story> {
        let stories = self.stories;
        let story = &stories[n % stories.len()];
        let round = n / stories.len();
        if round == 0 {
            return Cow::Borrowed(story);
        }
        if self.words.is_empty() {
            self.count_words();
        }
        if self.round != round {
            self.permute(round);
        }
        Cow::Owned(Story {
            headline: self.substitute(&story.headline),
            sentences: story.sentences.iter().map(|s| self.substitute(s)).collect(),
        })
    }

    fn count_words(&mut self) {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for story in self.stories {
            for text in std::iter::once(&story.headline).chain(&story.sentences) {
                let words = text.split(|c: char| !c.is_ascii_alphabetic());
                for word in words.filter(|w| !w.is_empty()) {
                    *counts.entry(word.to_ascii_lowercase()).or_default() += 1;
                }
            }
        }
        let mut ranked: Vec<(String, usize)> = counts.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        self.words = ranked.into_iter().map(|(word, _)| word).collect();
        self.rank = (self.words.iter().cloned()).zip(0..).collect();
    }

    /// Draws round `round`'s permutation of each block of ranks.
    fn permute(&mut self, round: usize) {
        let mut rng = Rng(self.seed ^ (round as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
        self.to = (0..self.words.len() as u32).collect();
        for block in self.to.chunks_mut(BLOCK) {
            for i in (1..block.len()).rev() {
                block.swap(i, rng.below(i + 1));
            }
        }
        self.round = round;
    }

    fn substitute(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 4);
        let mut rest = text;
        while let Some(start) = rest.find(|c: char| c.is_ascii_alphabetic()) {
            out.push_str(&rest[..start]);
            rest = &rest[start..];
            let end = rest
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            // "Mr." inside a sentence, or any part of "U.S.".
            let abbreviation = after.starts_with('.') && (after.len() > 1 || out.ends_with('.'));
            match self.rank.get(word.to_ascii_lowercase().as_str()) {
                Some(&rank) if !abbreviation => {
                    in_case_of(word, &self.words[self.to[rank as usize] as usize], &mut out)
                }
                _ => out.push_str(word),
            }
            rest = after;
        }
        out.push_str(rest);
        out
    }
}

/// Appends `lower` written as `like` is: in capitals, capitalized, or not.
fn in_case_of(like: &str, lower: &str, out: &mut String) {
    let mut letters = like.chars();
    let first_upper = letters.next().is_some_and(|c| c.is_ascii_uppercase());
    if first_upper && letters.all(|c| c.is_ascii_uppercase()) {
        out.push_str(&lower.to_ascii_uppercase());
    } else if first_upper {
        out.push_str(&lower[..1].to_ascii_uppercase());
        out.push_str(&lower[1..]);
    } else {
        out.push_str(lower);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supply() -> Vec<Story> {
        super::super::builtin_stories(40, 9)
    }

    #[test]
    fn the_first_round_is_the_supply() {
        let stories = supply();
        let mut rounds = Rounds::new(&stories, 1);
        for (n, story) in stories.iter().enumerate() {
            assert_eq!(rounds.story(n).sentences, story.sentences);
        }
    }

    /// A later round keeps abbreviations, the punctuation and the figures,
    /// substitutes nearly every other word, and shares no sentence with
    /// another round.
    #[test]
    fn later_rounds_substitute_the_longer_words() {
        let stories = supply();
        let mut rounds = Rounds::new(&stories, 1);
        let len = stories.len();
        let mut seen = std::collections::HashSet::new();
        let (mut words_seen, mut changed) = (0, 0);
        for round in 0..4 {
            for (n, story) in stories.iter().enumerate() {
                let other = rounds.story(round * len + n);
                for (a, b) in story.sentences.iter().zip(&other.sentences) {
                    assert!(seen.insert(b.clone()), "{b:?} again in round {round}");
                    // What is not a letter: spaces, punctuation, figures.
                    let shape = |s: &str| s.replace(|c: char| c.is_ascii_alphabetic(), "");
                    assert_eq!(shape(a), shape(b), "{a:?} / {b:?}");
                    let words = |s: &'_ str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
                    let (wa, wb) = (words(a), words(b));
                    for (i, (x, y)) in wa.iter().zip(&wb).enumerate() {
                        if x.ends_with('.') && i + 1 < wa.len() {
                            assert_eq!(x, y, "an abbreviation is kept");
                        } else if round > 0 && x.chars().any(|c| c.is_ascii_alphabetic()) {
                            words_seen += 1;
                            changed += usize::from(x != y);
                        }
                    }
                }
            }
        }
        assert!(
            changed * 10 >= words_seen * 9,
            "{changed} of {words_seen} words changed"
        );
    }

    #[test]
    fn case_is_kept() {
        let mut out = String::new();
        for like in ["Word", "WORD", "word"] {
            in_case_of(like, "river", &mut out);
            out.push(' ');
        }
        assert_eq!(out, "River RIVER river ");
    }
}
