//! Page boilerplate: the lines a site wraps around every article ("Tired of
//! too many ads? go ad free now", "DOWNLOAD THE APP", "Advertisement").
//!
//! Such lines are labelled, never dropped: a reader checking the report
//! against the page must find every line accounted for. They never form
//! families, because a footer every outlet shares says nothing about who
//! copied whom.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use foldhash::fast::FixedState;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

use crate::normalize::{is_month, is_number, is_weekday, normalize, WordList, Words};

/// Why a paragraph is boilerplate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Boilerplate {
    /// Matches a known page phrase (ads, sharing, sign-ups, comments).
    Phrase,
    /// A line of a few words with no sentence punctuation: navigation.
    Navigation,
    /// The same line recurs across many articles of one outlet.
    Repeated,
    /// A date or time stamp ("Updated: July 15, 2018 @ 6:15 am").
    Timestamp,
    /// Page script or markup that leaked into the text.
    Code,
}

/// Lines longer than this are article text, whatever they contain.
const MAX_WORDS: usize = 15;

/// Phrases that mark page furniture, matched in normalized text.
const PHRASES: &[&str] = &[
    "advertisement",
    "tired of too many ads",
    "go ad free",
    "download the app",
    "download our app",
    "sign up for",
    "sign up to",
    "subscribe to",
    "subscribe now",
    "newsletter",
    "click here",
    "read more",
    "read also",
    "also read",
    "related articles",
    "related stories",
    "related news",
    "recommended stories",
    "what's hot",
    "most read",
    "most popular",
    "follow us on",
    "share this",
    "share on facebook",
    "all rights reserved",
    "\u{a9}",
    "no comments yet",
    "minutes ago",
    "hours ago",
    "an hour ago",
    "day forecast",
    "skip to content",
    "try our ai features",
];

/// One search for all of [`PHRASES`]: a search for each took twice as long
/// (77 against 36 ms over the 25 MB dump's paragraphs, one thread).
static PHRASE_SEARCH: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(PHRASES).expect("the page phrases are few and short"));

/// Words that make up date and time stamps, besides figures, months and
/// weekdays.
static TIME_WORDS: WordList = WordList::new(&[
    "may",
    "am",
    "pm",
    "a.m",
    "p.m",
    "updated",
    "published",
    "posted",
    "originally",
    "edt",
    "est",
    "cdt",
    "cst",
    "pdt",
    "pst",
    "gmt",
    "utc",
    "bst",
    "et",
    "ist",
    "kst",
    "ct",
    "mt",
    "pt",
    "a",
    "p",
    "m",
    "th",
    "st",
    "nd",
    "rd",
]);

/// Words past which no check reads a paragraph: a paragraph longer than
/// `2 * MAX_WORDS` words is article text to both.
const HEAD_WORDS: usize = 2 * MAX_WORDS + 1;

/// Bytes of a paragraph normalized first when looking for its
/// `HEAD_WORDS` words: about twice what that many words of news take.
const HEAD_BYTES: usize = 256;

/// One paragraph as the boilerplate checks read it. Every paragraph of a
/// dump goes through both checks, which read at most its first
/// `HEAD_WORDS` words, so only enough of a long paragraph is normalized to
/// hold them: on BBC news, whose paragraphs are long, the checks take
/// 9.6–10.0 ms where they took 14.2–14.4 ms normalizing all of it (`cargo
/// bench --bench drafting`, with `HEAD_BYTES` past any paragraph for the
/// latter; a601b15).
pub struct Line<'a> {
    text: &'a str,
    /// The normalized paragraph, or where it has more than `HEAD_WORDS`
    /// words, the normalized form of a part it begins with that holds
    /// them.
    normalized: String,
    /// Whether `normalized` is the whole paragraph's.
    whole: bool,
    /// Its words, counted up to `HEAD_WORDS`: the checks ask for the count
    /// up to three times, and counting was half their time.
    word_count: usize,
}

impl<'a> Line<'a> {
    pub fn new(text: &'a str) -> Line<'a> {
        Line::reading(text, HEAD_BYTES)
    }

    /// Normalizes the part of `text` before the first ASCII space at or
    /// past byte `head`, and twice as much while that holds fewer than
    /// `HEAD_WORDS` words. A space is a point where normalizing may cut:
    /// no word spans it, NFKC composes nothing across it, and it folds to
    /// the one space between the parts' normalized forms, so the part's
    /// words are the first words of the whole's (a test checks it).
    fn reading(text: &'a str, mut head: usize) -> Line<'a> {
        loop {
            let space = text
                .as_bytes()
                .get(head..)
                .and_then(|rest| rest.iter().position(|&b| b == b' '));
            let count = |normalized: &str| Words::new(normalized).take(HEAD_WORDS).count();
            let Some(cut) = space.map(|at| head + at) else {
                let normalized = normalize(text);
                return Line {
                    text,
                    word_count: count(&normalized),
                    normalized,
                    whole: true,
                };
            };
            let normalized = normalize(&text[..cut]);
            let word_count = count(&normalized);
            if word_count == HEAD_WORDS {
                return Line {
                    text,
                    normalized,
                    whole: false,
                    word_count,
                };
            }
            head = 2 * cut.max(1);
        }
    }

    /// The first `limit` words at most.
    fn words(&self, limit: usize) -> Vec<&str> {
        Words::new(&self.normalized).take(limit).collect()
    }

    /// Key of a short line for counting repeats; `None` for article-length
    /// lines, which are never repeat-boilerplate.
    pub fn key(&self) -> Option<u64> {
        (self.whole && self.word_count <= MAX_WORDS).then(|| xxh3_64(self.normalized.as_bytes()))
    }

    /// Judges the paragraph on its own text.
    pub fn classify(&self) -> Option<Boilerplate> {
        if looks_like_code(self.text) {
            return Some(Boilerplate::Code);
        }
        if is_tweet_signature(self.text) {
            return Some(Boilerplate::Phrase);
        }
        if !self.whole {
            // More words than any rule below reads.
            return None;
        }
        let normalized = &self.normalized;
        let terminal = normalized
            .trim_end_matches(['"', '\'', ')'])
            .ends_with(['.', '!', '?']);
        // A sentence that ends like one is no stamp, and the other rules
        // need only know whether it is short: prose paragraphs, most of
        // them, are not looked at word by word.
        let n_words = if terminal {
            self.word_count
        } else {
            // Past this many words no rule can hold.
            let tokens = self.words(2 * MAX_WORDS + 1);
            let n_words = tokens.len();
            // A stamp may carry a byline: "Jane Doe, USA TODAY Published
            // 3:55 a.m. ET July 16, 2018 | Updated 7:15 a.m. ET July 16, 2018".
            let stamp_words = tokens
                .iter()
                .filter(|w| is_number(w) || TIME_WORDS.contains(w) || is_month(w) || is_weekday(w))
                .count();
            if n_words <= 2 * MAX_WORDS
                && stamp_words * 2 > n_words
                && (n_words <= 12 || stamp_words * 10 >= n_words * 6)
            {
                return Some(Boilerplate::Timestamp);
            }
            n_words
        };
        if n_words > MAX_WORDS {
            return None;
        }
        if PHRASE_SEARCH.is_match(normalized.as_str()) {
            return Some(Boilerplate::Phrase);
        }
        if n_words <= 4 && !terminal {
            return Some(Boilerplate::Navigation);
        }
        None
    }
}

/// Script leaked from the page ("window._taboola = window._taboola || [];")
/// is dense in the punctuation of code and almost free of it in prose.
fn looks_like_code(text: &str) -> bool {
    const MARKERS: &[&str] = &[
        "||",
        "&&",
        "=>",
        "function(",
        ".push(",
        "window.",
        "document.",
        "var ",
    ];
    // The marks are ASCII, so they are counted by byte; letters, which
    // need decoding, only when there are enough marks to matter (prose
    // paragraphs, nearly all of them, have fewer).
    // Counted in bytes, a short run at a time, which vectorizes where a
    // filter's count does not.
    let code: usize = text
        .as_bytes()
        .chunks(u8::MAX as usize)
        .map(|run| {
            let marks: u8 = run
                .iter()
                .map(|b| {
                    u8::from(matches!(
                        b,
                        b'{' | b'}' | b';' | b'=' | b'|' | b'<' | b'>' | b'[' | b']'
                    ))
                })
                .sum();
            usize::from(marks)
        })
        .sum();
    if code < 4 {
        return false;
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    code * 12 >= letters || MARKERS.iter().any(|m| text.contains(m))
}

/// The attribution line under an embedded tweet:
/// "— Donald J. Trump (@realDonaldTrump) July 16, 2018".
fn is_tweet_signature(text: &str) -> bool {
    let t = text.trim();
    let year = t.len() >= 4
        && t.is_char_boundary(t.len() - 4)
        && t[t.len() - 4..].bytes().all(|b| b.is_ascii_digit());
    t.contains("(@") && year
}

/// Counts short lines per outlet across documents and reports those that
/// recur in at least `min_documents` documents of one outlet. Outlets are
/// given as dense indices: a dump has millions of such lines, and hashing
/// and cloning the outlet's name for each was most of the counting.
#[derive(Debug, Default)]
pub struct RepeatCounter {
    seen: HashMap<(u32, u64), u32, FixedState>,
    /// One document's distinct keys, kept to reuse its allocation.
    distinct: HashSet<u64, FixedState>,
}

impl RepeatCounter {
    /// Adds one document's line keys; `outlet` is its outlet's index.
    pub fn add_document(&mut self, outlet: u32, keys: impl IntoIterator<Item = u64>) {
        self.distinct.clear();
        self.distinct.extend(keys);
        for &key in &self.distinct {
            *self.seen.entry((outlet, key)).or_default() += 1;
        }
    }

    /// The `(outlet, key)` pairs seen in `min_documents` documents or more.
    pub fn repeated(self, min_documents: u32) -> HashSet<(u32, u64), FixedState> {
        self.seen
            .into_iter()
            .filter(|(_, n)| *n >= min_documents)
            .map(|(k, _)| k)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_furniture_is_boilerplate() {
        for line in [
            "Tired of too many ads? go ad free now",
            "DOWNLOAD THE APP",
            "What's Hot",
            "logo",
            "Related Articles",
            "time33 minutes ago",
            "Advertisement",
            "July 14, 2018 04:23 PM",
            "Updated: July 15, 2018 @ 6:15 am",
            "Sunday, Jul 15th 2018 5-Day Forecast",
            "window._taboola = window._taboola || []; _taboola.push({ mode: 'thumbnails-c', container: 'taboola-interstitial-gallery-thumbnails-3', placement: 'Interstitial Gallery Thumbnails 3', target_type: 'mix' });",
            "\u{2014} Donald J. Trump (@realDonaldTrump) July 16, 2018",
            "Gregory Korte and John Fritze , USA TODAY Published 3:55 a.m. ET July 16, 2018 | Updated 7:15 a.m. ET July 16, 2018",
        ] {
            assert!(Line::new(line).classify().is_some(), "{line}");
        }
    }

    #[test]
    fn article_text_is_not() {
        for line in [
            "Combat capability on the rise",
            "Six hundred North Korean troops killed in Russia's war, says South Korean intelligence",
            "He left.",
            "The talks resume on July 16, 2018.",
            "The company said it would subscribe to the new rules next year, according to a filing with regulators and two people familiar with the matter.",
        ] {
            assert_eq!(Line::new(line).classify(), None, "{line}");
        }
    }

    /// Pieces of paragraphs where normalizing changes the words: case,
    /// compatibility forms, combining marks, invisible characters, every
    /// kind of space, joined figures and quotes.
    const PIECES: &[&str] = &[
        "word",
        "Seoul",
        "May",
        "12",
        "4,123.45",
        "pm",
        " ",
        " ",
        "  ",
        "\t",
        "\n",
        "\u{a0}",
        "\u{3000}",
        "\u{2003}",
        "\u{200b}",
        "\u{ad}",
        "\u{301}",
        "e\u{301}",
        "\u{fb01}",
        "\u{ff21}",
        "\u{2019}",
        "'",
        "s",
        ",",
        ".",
        "-",
        "\u{2014}",
        "\"",
        "\u{201d}",
        ")",
        "?",
        "(@",
        "2018",
        "advertisement",
        "sign up for",
        "{",
        ";",
        "\u{130}",
        "\u{212a}",
    ];

    proptest::proptest! {
        /// Reading only the start of a long paragraph judges it as reading
        /// all of it does, wherever the reading begins.
        #[test]
        fn a_paragraph_is_judged_from_its_start_as_from_all_of_it(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..120),
            head in 0usize..64,
        ) {
            let text = pieces.concat();
            let all = Line::reading(&text, usize::MAX);
            let start = Line::reading(&text, head);
            let first = |line: &Line| line.words(HEAD_WORDS).join(" ");
            proptest::prop_assert_eq!(first(&start), first(&all));
            proptest::prop_assert_eq!(start.key(), all.key());
            proptest::prop_assert_eq!(start.classify(), all.classify());
        }
    }

    #[test]
    fn repeats_are_counted_per_outlet_and_document() {
        let mut c = RepeatCounter::default();
        let k = Line::new("Sunday, Jul 15th 2018").key().unwrap();
        let (dailymail, ap) = (0, 1);
        c.add_document(dailymail, [k, k]);
        c.add_document(dailymail, [k]);
        c.add_document(ap, [k]);
        assert!(c.repeated(2).contains(&(dailymail, k)));
        let mut c = RepeatCounter::default();
        c.add_document(dailymail, [k, k]);
        c.add_document(ap, [k]);
        assert!(c.repeated(2).is_empty());
        assert_eq!(Line::new(&"word ".repeat(40)).key(), None);
    }
}
