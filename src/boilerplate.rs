//! Page boilerplate: the lines a site wraps around every article ("Tired of
//! too many ads? go ad free now", "DOWNLOAD THE APP", "Advertisement").
//!
//! Such lines are labelled, never dropped: a reader checking the report
//! against the page must find every line accounted for. They never form
//! families, because a footer every outlet shares says nothing about who
//! copied whom.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

use crate::normalize::{is_number, normalize, words};

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

/// Words that make up date and time stamps, besides figures.
const TIME_WORDS: &[&str] = &[
    "jan",
    "january",
    "feb",
    "february",
    "mar",
    "march",
    "apr",
    "april",
    "may",
    "jun",
    "june",
    "jul",
    "july",
    "aug",
    "august",
    "sep",
    "sept",
    "september",
    "oct",
    "october",
    "nov",
    "november",
    "dec",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
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
    "th",
    "st",
    "nd",
    "rd",
];

/// Judges one paragraph on its own text.
pub fn classify_line(text: &str) -> Option<Boilerplate> {
    let normalized = normalize(text);
    let n_words = words(&normalized).len();
    if n_words > MAX_WORDS {
        return None;
    }
    if PHRASES.iter().any(|p| normalized.contains(p)) {
        return Some(Boilerplate::Phrase);
    }
    let terminal = normalized
        .trim_end_matches(['"', '\'', ')'])
        .ends_with(['.', '!', '?']);
    let stamp_words = words(&normalized)
        .iter()
        .filter(|w| is_number(w) || TIME_WORDS.contains(w))
        .count();
    if !terminal && stamp_words * 2 > n_words && n_words <= 12 {
        return Some(Boilerplate::Timestamp);
    }
    if n_words <= 4 && !terminal {
        return Some(Boilerplate::Navigation);
    }
    None
}

/// Key of a short line for counting repeats; `None` for article-length
/// lines, which are never repeat-boilerplate.
pub fn line_key(text: &str) -> Option<u64> {
    let normalized = normalize(text);
    (words(&normalized).len() <= MAX_WORDS).then(|| xxh3_64(normalized.as_bytes()))
}

/// Counts short lines per outlet across documents and reports those that
/// recur in at least `min_documents` documents of one outlet.
#[derive(Debug, Default)]
pub struct RepeatCounter {
    seen: HashMap<(String, u64), u32>,
}

impl RepeatCounter {
    /// Adds one document's distinct line keys.
    pub fn add_document(&mut self, outlet: &str, keys: impl IntoIterator<Item = u64>) {
        let distinct: HashSet<u64> = keys.into_iter().collect();
        for key in distinct {
            *self.seen.entry((outlet.to_owned(), key)).or_default() += 1;
        }
    }

    pub fn repeated(self, min_documents: u32) -> HashSet<(String, u64)> {
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
        ] {
            assert!(classify_line(line).is_some(), "{line}");
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
            assert_eq!(classify_line(line), None, "{line}");
        }
    }

    #[test]
    fn repeats_are_counted_per_outlet_and_document() {
        let mut c = RepeatCounter::default();
        let k = line_key("Sunday, Jul 15th 2018").unwrap();
        c.add_document("dailymail", [k, k]);
        c.add_document("dailymail", [k]);
        c.add_document("ap", [k]);
        assert!(c.repeated(2).contains(&("dailymail".to_owned(), k)));
        let mut c = RepeatCounter::default();
        c.add_document("dailymail", [k, k]);
        c.add_document("ap", [k]);
        assert!(c.repeated(2).is_empty());
        assert_eq!(line_key(&"word ".repeat(40)), None);
    }
}
