//! The claims inside a sentence, for comparing meaning.
//!
//! News sentences wrap a claim in attribution and hedging ("The NIS also
//! reported that …", "…, Lee added", "is believed to have", "reportedly"),
//! join several claims in one sentence ("…15,000 troops in two stages, and
//! combat has diminished since April"), and trail asides ("…, possibly to
//! limit visible signs of the toll"). A rewrite keeps the claim and changes
//! exactly this wrapping, so two outlets' sentences can state one claim and
//! still read as different sentences to a model fitted on whole-sentence
//! paraphrases. The semantic tier therefore also compares these claim
//! views: the sentence without its attribution and hedges, each of its
//! coordinated clauses, and each clause without its trailing aside.
//!
//! The rules are English news grammar (speech verbs, hedges, coordinating
//! conjunctions, non-restrictive modifiers), not a parser: a view that cuts
//! in the wrong place only adds a candidate, which the verifier still has
//! to accept.

use std::ops::Range;
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use crate::shingle::{OwnedProfile, Profile};

/// The claim views of a scan's sentences, numbered after the sentences:
/// ids below `first` are sentences (each its own first view), ids from
/// `first` up are views, so one id space serves embedding and verifying.
#[derive(Debug)]
pub struct ClaimViews {
    first: u32,
    /// Per view: the sentence it was taken from.
    sentence: Vec<u32>,
    text: Vec<String>,
    profile: Vec<OwnedProfile>,
    /// Per sentence: the ids of its views (empty for most).
    of_sentence: Vec<Range<u32>>,
}

impl ClaimViews {
    /// No views: every sentence is only itself.
    pub fn none(count: usize) -> ClaimViews {
        ClaimViews {
            first: count as u32,
            sentence: Vec::new(),
            text: Vec::new(),
            profile: Vec::new(),
            of_sentence: Vec::new(),
        }
    }

    /// Views of the sentences `ids` (of `count`), whose display text is
    /// `text`; `shingle_size` as in the scan's profiles.
    pub fn of_sentences<'a>(
        count: usize,
        ids: &[u32],
        text: impl Fn(u32) -> &'a str + Sync,
        min_words: usize,
        shingle_size: usize,
    ) -> ClaimViews {
        let found: Vec<(u32, Vec<(String, OwnedProfile)>)> = ids
            .par_iter()
            .map(|&id| {
                let views = claims(text(id), min_words)
                    .into_iter()
                    .map(|v| {
                        let profile = OwnedProfile::new(&v, shingle_size);
                        (v, profile)
                    })
                    .collect();
                (id, views)
            })
            .collect();
        let first = count as u32;
        let mut out = ClaimViews {
            of_sentence: vec![0..0; count],
            ..ClaimViews::none(count)
        };
        for (id, views) in found {
            let start = first + out.sentence.len() as u32;
            for (text, profile) in views {
                out.sentence.push(id);
                out.text.push(text);
                out.profile.push(profile);
            }
            out.of_sentence[id as usize] = start..first + out.sentence.len() as u32;
        }
        out
    }

    /// One past the largest id.
    pub fn end(&self) -> u32 {
        self.first + self.sentence.len() as u32
    }

    /// Ids of the views themselves (not the sentences).
    pub fn view_ids(&self) -> Range<u32> {
        self.first..self.end()
    }

    /// The sentence `id` belongs to.
    pub fn sentence_of(&self, id: u32) -> u32 {
        if id < self.first {
            id
        } else {
            self.sentence[(id - self.first) as usize]
        }
    }

    /// The sentence's own id, then its views'.
    pub fn views_of(&self, sentence: u32) -> impl Iterator<Item = u32> + Clone {
        let own = self
            .of_sentence
            .get(sentence as usize)
            .cloned()
            .unwrap_or(0..0);
        std::iter::once(sentence).chain(own)
    }

    /// The text of `id`, with `sentence_text` for the sentences.
    pub fn text<'a>(&'a self, id: u32, sentence_text: impl Fn(u32) -> &'a str) -> &'a str {
        if id < self.first {
            sentence_text(id)
        } else {
            &self.text[(id - self.first) as usize]
        }
    }

    /// The profile of `id`, with `sentence_profile` for the sentences.
    pub fn profile<'a>(
        &'a self,
        id: u32,
        sentence_profile: impl Fn(u32) -> Profile<'a>,
    ) -> Profile<'a> {
        if id < self.first {
            sentence_profile(id)
        } else {
            self.profile[(id - self.first) as usize].view()
        }
    }
}

/// Claim views of a sentence beyond the sentence itself, each with at least
/// `min_words` words, distinct, in order of appearance, at most `MAX_VIEWS`.
pub fn claims(sentence: &str, min_words: usize) -> Vec<String> {
    let core = core(sentence);
    let mut pieces = vec![core.clone()];
    for clause in clauses(&core) {
        pieces.push(clause.to_string());
        pieces.extend(without_asides(clause, min_words));
    }
    let mut out: Vec<String> = Vec::new();
    for piece in pieces {
        let view = core_of(piece.trim());
        if view.split_whitespace().count() >= min_words
            && view != sentence.trim()
            && !out.contains(&view)
        {
            out.push(view);
        }
    }
    out.truncate(MAX_VIEWS);
    out
}

/// Views per sentence: each is embedded and compared with the other
/// sentence's views, so the cost grows with its square.
const MAX_VIEWS: usize = 5;

/// Verbs that attribute a claim to a source.
const SPEECH: &str = "said|says|added|adds|noted|notes|told|reported|reports|stated|states|\
announced|announces|claimed|claims|confirmed|confirms|revealed|reveals|explained|wrote|\
believes|believe|estimated|estimates|alleged|allege|alleges|warned|warns|insisted";

static CONNECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:furthermore|moreover|however|meanwhile|also|in addition|additionally|separately|still|yet),\s*",
    )
    .expect("valid pattern")
});
static LEADING_ACCORDING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^according to [^,]{1,80},\s*").expect("valid pattern"));
/// "The NIS also reported that …": up to ten words, a speech verb, "that".
static LEADING_SPEECH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^(?:[^,]{{0,80}}?)\b(?:{SPEECH})\b(?: on \w+)? that\s+"
    ))
    .expect("valid pattern")
});
static TRAILING_ACCORDING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i),\s*(?:according to|as reported by|as relayed by|citing)\b[^.!?]*([.!?]?)$")
        .expect("valid pattern")
});
/// "…, Lee added." / "…, officials say" / "…, says South Korean intelligence".
static TRAILING_SPEECH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i),\s*(?:[^,]{{0,60}}\s)?(?:{SPEECH})(?:\s[^,]{{0,40}})?([.!?]?)$"
    ))
    .expect("valid pattern")
});
/// A headline's source tag: "…against Ukraine: Seoul".
static TRAILING_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r":\s*[^:]{1,30}$").expect("valid pattern"));
/// "is believed to have deployed" states "has deployed" with a hedge.
static HEDGED_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(is|are|was|were) (?:believed|said|thought|reported|estimated|understood|alleged) to (have|be)\b",
    )
    .expect("valid pattern")
});
static HEDGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:reportedly|allegedly|apparently|purportedly|supposedly)\b\s*")
        .expect("valid pattern")
});
/// Where a sentence joins a further claim.
static CLAUSE_BREAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i);\s+|,\s+(?:and|but|while|whereas|following|after)\s+").expect("valid pattern")
});
/// Where a trailing non-restrictive modifier begins: a relative clause, an
/// adverb of likelihood, a participle, "including", "amid", "in what".
static ASIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i),\s+(?:which|who|whose|where|when|with|possibly|probably|likely|perhaps|including|as|amid|despite|in what|a move|the latest|\w+ing)\b",
    )
    .expect("valid pattern")
});

/// The sentence without attribution, hedges and a leading connective.
fn core(sentence: &str) -> String {
    let mut text = sentence.trim().to_string();
    for pattern in [&CONNECTIVE, &LEADING_ACCORDING] {
        text = pattern.replace(&text, "").into_owned();
    }
    if let Some(m) = LEADING_SPEECH.find(&text) {
        if m.as_str().split_whitespace().count() <= 11 {
            text = text[m.end()..].to_string();
        }
    }
    core_of(&text)
}

/// The attribution and hedges that can be anywhere or at the end.
fn core_of(text: &str) -> String {
    let mut text = TRAILING_ACCORDING.replace(text, "$1").into_owned();
    text = TRAILING_SPEECH.replace(&text, "$1").into_owned();
    text = TRAILING_TAG.replace(&text, "").into_owned();
    text = HEDGED_VERB
        .replace_all(&text, |c: &regex::Captures| {
            let subject_verb = &c[1];
            let plural = matches!(subject_verb.to_ascii_lowercase().as_str(), "are" | "were");
            let past = matches!(subject_verb.to_ascii_lowercase().as_str(), "was" | "were");
            match (&c[2], past, plural) {
                ("have", true, _) => "had".to_string(),
                ("have", false, true) => "have".to_string(),
                ("have", false, false) => "has".to_string(),
                _ => subject_verb.to_string(),
            }
        })
        .into_owned();
    HEDGE.replace_all(&text, "").trim().to_string()
}

/// The coordinated clauses of a sentence (the whole when there is one).
fn clauses(text: &str) -> Vec<&str> {
    CLAUSE_BREAK
        .split(text)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// The clause cut before each trailing aside, longest first, when what is
/// left has `min_words` words.
fn without_asides(clause: &str, min_words: usize) -> Vec<String> {
    let mut cuts: Vec<String> = ASIDE
        .find_iter(clause)
        .map(|m| clause[..m.start()].to_string())
        .filter(|p| p.split_whitespace().count() >= min_words)
        .collect();
    cuts.reverse();
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribution_and_hedges_are_not_the_claim() {
        assert_eq!(
            claims(
                "The NIS also reported that the bodies of deceased troops were cremated in Russia before being returned home.",
                8
            ),
            ["the bodies of deceased troops were cremated in Russia before being returned home."]
        );
        assert_eq!(
            claims(
                "North Korea is believed to have deployed 18,000 troops to the Kursk region in two phases, Lee added.",
                8
            ),
            ["North Korea has deployed 18,000 troops to the Kursk region in two phases."]
        );
        assert_eq!(
            claims(
                "Six hundred soldiers were killed in the war last year, says South Korean intelligence",
                8
            ),
            ["Six hundred soldiers were killed in the war last year"]
        );
        assert_eq!(
            claims(
                "According to the ministry, the plant was reportedly closed for three weeks in May.",
                8
            ),
            ["the plant was closed for three weeks in May."]
        );
    }

    #[test]
    fn coordinated_clauses_are_claims_of_their_own() {
        let views = claims(
            "Furthermore, the company has sent a total of 15,000 workers to the site in two stages, and production has slowed since April, according to the union.",
            5,
        );
        assert_eq!(
            views,
            [
                "the company has sent a total of 15,000 workers to the site in two stages, and production has slowed since April.",
                "the company has sent a total of 15,000 workers to the site in two stages",
                "production has slowed since April.",
            ]
        );
    }

    #[test]
    fn a_trailing_aside_is_cut_off() {
        let views = claims(
            "The bodies were cremated in Kursk before being sent back to the North, possibly to limit visible signs of the toll.",
            8,
        );
        assert_eq!(
            views,
            ["The bodies were cremated in Kursk before being sent back to the North"]
        );
    }

    #[test]
    fn a_plain_sentence_has_no_other_views() {
        assert!(claims(
            "The central bank raised its main interest rate by half a point.",
            8
        )
        .is_empty());
        // Views shorter than the minimum are left out.
        assert!(claims("Prices rose, and wages fell.", 8).is_empty());
    }

    #[test]
    fn views_are_bounded_and_never_panic() {
        let long = "a, b and c, which d, and e; f, g, and h, but i, while j, ".repeat(50);
        assert!(claims(&long, 1).len() <= MAX_VIEWS);
        for text in [
            "",
            ",",
            "said that",
            ": x",
            "é, and ü; ß",
            "According to , ",
        ] {
            let _ = claims(text, 0);
        }
    }
}
