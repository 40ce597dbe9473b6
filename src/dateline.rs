//! Datelines: "WASHINGTON (Reuters) -", "Seoul, April 30 (Yonhap) --",
//! "TURNBERRY, Scotland —".
//!
//! A dateline is where and (often) which agency filed the story. It is cut
//! off the first sentence before matching, since outlets keep, change or
//! drop it independently of the text that follows, and kept as evidence of
//! where the text came from.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// A parsed dateline. A scan keeps one for most articles of a wire dump,
/// so its strings are boxed at their length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dateline {
    pub place: Box<str>,
    pub date: Option<Box<str>>,
    /// The agency in parentheses, as written ("AP", "Reuters", "Yonhap").
    pub agency: Option<Box<str>>,
    /// Byte span of the whole dateline, dash and following space included,
    /// relative to the text given to [`parse`].
    #[serde(skip)]
    pub span: Range<usize>,
}

const MONTH: &str = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?";

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(
            r"^(?P<place>[A-Z][\p{{L}}.'’/ -]{{1,40}}?(?:, (?:[A-Z][\p{{L}}.]*\.?)(?: [A-Z][\p{{L}}.]*)*)?)(?:,? (?P<date>{MONTH} \d{{1,2}}(?:, \d{{4}})?))? ?(?:\((?P<agency>[^()\n]{{1,40}})\))? ?(?:--|-|–|—)\s+"
        ))
        .expect("dateline pattern is valid")
    })
}

/// Parses a dateline at the start of a paragraph.
///
/// Without an agency in parentheses only an all-capitals place counts
/// ("HELSINKI —"), so an ordinary sentence with a dash is not mistaken for
/// one.
pub fn parse(paragraph: &str) -> Option<Dateline> {
    if cannot_open_with_one(paragraph) {
        return None;
    }
    parse_by_pattern(paragraph)
}

/// Whether `paragraph` plainly has no dateline: most paragraphs are
/// ordinary sentences, and the pattern's place may run for 40 characters
/// before it fails. Without a '(' there is no agency, and then a place
/// whose second letter is lower case is not in capitals: its first word
/// has that letter.
fn cannot_open_with_one(paragraph: &str) -> bool {
    let second_is_lower = paragraph
        .as_bytes()
        .get(1)
        .is_none_or(u8::is_ascii_lowercase);
    second_is_lower && !paragraph.contains('(')
}

fn parse_by_pattern(paragraph: &str) -> Option<Dateline> {
    if !pattern().is_match(paragraph) {
        return None;
    }
    let caps = pattern().captures(paragraph)?;
    let place = caps.name("place")?.as_str().trim();
    let agency = caps.name("agency").map(|m| m.as_str().trim().into());
    let first_word = place.split([',', ' ', '/']).next().unwrap_or("");
    let shouting = first_word.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && !first_word.chars().any(char::is_lowercase);
    if agency.is_none() && !shouting {
        return None;
    }
    let whole = caps.get(0)?;
    // A dateline is followed by the story: a dash at the very end is not one.
    if whole.end() >= paragraph.len() {
        return None;
    }
    Some(Dateline {
        place: place.into(),
        date: caps.name("date").map(|m| m.as_str().into()),
        agency,
        span: whole.range(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcut passes over only paragraphs the pattern finds no
        /// dateline in.
        #[test]
        fn shortcut_skips_only_paragraphs_without_datelines(
            pieces in proptest::collection::vec(proptest::sample::select(&[
                "W", "A", "a", "SHINGTON", "ashington", "Seoul", ", ", ",", " ", "\t", "\n", "/",
                "-", "--", " - ", " -- ", " \u{2014} ", "\u{2013}", "(", ")", "(Reuters)", "(AP)",
                "April 30", "May", " 2024", "The", "said", ".", "'", "\u{2019}", "\u{c9}", "\u{e9}",
            ][..]), 0..10),
        ) {
            let text = pieces.concat();
            if cannot_open_with_one(&text) {
                prop_assert_eq!(parse_by_pattern(&text), None, "{:?}", text);
            }
        }
    }

    #[test]
    fn wire_datelines() {
        let d = parse("WASHINGTON (Reuters) - The U.N. Security Council met.").unwrap();
        assert_eq!(
            (&*d.place, d.agency.as_deref()),
            ("WASHINGTON", Some("Reuters"))
        );
        assert_eq!(&"WASHINGTON (Reuters) - The"[d.span.end..], "The");

        let d = parse("Seoul, April 30 (Yonhap) -- South Korea said on Wednesday.").unwrap();
        assert_eq!(&*d.place, "Seoul");
        assert_eq!(d.date.as_deref(), Some("April 30"));
        assert_eq!(d.agency.as_deref(), Some("Yonhap"));

        let d =
            parse("HELSINKI (AP) \u{2014} A face-to-face sitdown with a long-feared foe.").unwrap();
        assert_eq!(d.agency.as_deref(), Some("AP"));

        let d =
            parse("TURNBERRY/GLASGOW, Scotland \u{2014} U.S. President Donald Trump played golf.")
                .unwrap();
        assert_eq!(&*d.place, "TURNBERRY/GLASGOW, Scotland");
        assert_eq!(d.agency, None);
    }

    #[test]
    fn ordinary_sentences_are_not_datelines() {
        for s in [
            "Russia's battlefield tactics - fast but flawed",
            "The talks - which began Monday - stalled.",
            "Moscow: The Kremlin expects talks.",
            "WASHINGTON (Reuters) -",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }
}
