//! Sentences with byte offsets into the article.
//!
//! sentencex does the hard part (abbreviations like "U.S.", "Mr.", "p.m.",
//! figures like 4,123.45, glued sentences like "$10.9bn.For"). Two news
//! habits are handled here on top of it: a dateline is cut off the first
//! sentence, and a quotation of several sentences is split again, because
//! outlets often keep one sentence of a wire quote and a two-sentence
//! segment would then match its copy only half.

use std::ops::Range;

use sentencex::languages::{English, Language};

use crate::dateline::{self, Dateline};

/// Sentence spans of one paragraph, absolute in `text`, plus the dateline
/// if the paragraph opens with one.
pub fn sentences(text: &str, paragraph: Range<usize>) -> (Vec<Range<usize>>, Option<Dateline>) {
    let mut start = paragraph.start;
    let dateline = dateline::parse(&text[paragraph.clone()]).map(|mut d| {
        d.span = d.span.start + start..d.span.end + start;
        start = d.span.end;
        d
    });
    let body = &text[start..paragraph.end];
    let mut out = Vec::new();
    if is_one_sentence(body) {
        split_quotation(text, trim(text, start..paragraph.end), &mut out);
    } else {
        for boundary in (English {}).get_sentence_boundaries(body) {
            let (s, e) = (boundary.start_byte + start, boundary.end_byte + start);
            split_quotation(text, trim(text, s..e), &mut out);
        }
    }
    (out, dateline)
}

/// Whether sentencex would find `text` to be one sentence because nothing
/// in it could end one: no terminator before its last word, and nothing
/// it reads as a line or a list item. Most news paragraphs are one
/// sentence, and sentencex's search for breaks, quotations and list
/// markers was a fifth of drafting; a proptest checks this against it.
///
/// Only the characters known to be neither terminators nor list bullets
/// pass: ASCII ones other than `!`, `?`, `)` and line breaks, and `.` only
/// between digits (a decimal point: sentencex goes on where a digit
/// follows), Latin letters, ©, curly quotes and dashes. The text may end in
/// terminators and a closing curly quote (a straight quote there may open
/// a quotation). Anything else is left to sentencex.
fn is_one_sentence(text: &str) -> bool {
    let closed = text.strip_suffix('\u{201D}').unwrap_or(text);
    let words = closed.trim_end_matches(['.', '!', '?']);
    let bytes = words.as_bytes();
    let is_digit = |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(u8::is_ascii_digit);
    let may_end_or_break = |(i, c): (usize, char)| match c {
        '.' => !(is_digit(i.checked_sub(1)) && is_digit(Some(i + 1))),
        '!' | '?' | ')' | '\n' | '\r' => true,
        _ if c.is_ascii() => false,
        '\u{C0}'..='\u{24F}' => c == '\u{D7}' || c == '\u{F7}',
        '\u{A9}' | '\u{2013}' | '\u{2014}' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' => {
            false
        }
        _ => true,
    };
    !words.trim_start().is_empty()
        && !words.ends_with(char::is_whitespace)
        && !words.char_indices().any(may_end_or_break)
}

/// Every sentence of an article, as display text: the whole path of
/// cleaning and segmentation without boilerplate labelling, for callers
/// that want sentences and not a scan (the generator, benchmarks).
pub fn article_sentences(text: &str) -> Vec<String> {
    let layout = crate::clean::layout(text);
    let mut out = Vec::new();
    for paragraph in &layout.paragraphs {
        for span in sentences(&layout.text, paragraph.clone()).0 {
            out.push(display_text(&layout.text[span]));
        }
    }
    out
}

/// A span as shown to people: whitespace (including joined line breaks)
/// collapsed to single spaces.
pub fn display_text(text: &str) -> String {
    // Most spans are already so: single ASCII spaces, none at the ends,
    // no other whitespace; checked by byte, and by character only where a
    // non-ASCII character (a no-break space?) could be whitespace.
    let bytes = text.as_bytes();
    let mut after_space = true;
    let mut ascii = true;
    let plain = bytes.iter().all(|&b| {
        let ok = b != b' ' && b > b' ' || b == b' ' && !after_space;
        after_space = b == b' ';
        ascii &= b < 0x80;
        ok
    }) && !after_space
        && (ascii || !text.chars().any(|c| !c.is_ascii() && c.is_whitespace()));
    if plain {
        return text.to_owned();
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn trim(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    span.start + lead..span.end - trail
}

/// Splits a sentence inside an open quotation at a terminator followed by
/// a capitalised word, unless the terminator ends an abbreviation.
fn split_quotation(text: &str, span: Range<usize>, out: &mut Vec<Range<usize>>) {
    if span.is_empty() {
        return;
    }
    let s = &text[span.clone()];
    let mut start = 0;
    let mut in_quote = false;
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            '\u{201C}' => in_quote = true,
            '\u{201D}' => in_quote = false,
            '.' | '!' | '?' if in_quote => {
                let next = i + 1;
                let gap = s[next..].len() - s[next..].trim_start().len();
                let after = &s[next + gap..];
                let capital = after.chars().next().is_some_and(char::is_uppercase);
                let head = &s[start..i];
                let abbreviation = c == '.' && English {}.is_abbreviation(head, after, ".");
                let initial = c == '.'
                    && i >= 1
                    && bytes[i - 1].is_ascii_uppercase()
                    && (i == 1 || !bytes[i - 2].is_ascii_alphanumeric());
                if gap > 0
                    && capital
                    && !abbreviation
                    && !initial
                    && head.split_whitespace().count() >= 2
                {
                    out.push(span.start + start..span.start + next);
                    start = next + gap;
                }
            }
            _ => {}
        }
    }
    out.push(span.start + start..span.end);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn display_text_collapses_whitespace(text in "[a b\t\n\u{a0}\u{2019}\u{3000}]{0,12}") {
            prop_assert_eq!(
                display_text(&text),
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }

    /// Text [`is_one_sentence`] may pass: words, spaces, quotes, dashes,
    /// list-like marks and letters of its allowlist.
    const PLAIN_PIECES: &[&str] = &[
        "Rebels", "took", "the", "town", "3", "He", "said", "On", "-", "a", "i", "1", "A", " ",
        " ", " ", "  ", "\t", "\u{a0}", "\"", "'", "\u{2019}", "\u{201D}", "\u{201C}", "\u{2018}",
        "(", "[1]", "\u{2014}", "\u{2013}", "é", "\u{24F}", "*", ":", ";", ",", "5.93", "1.5",
        "\u{A9}", "2024", ".", "0", "9", "$",
    ];
    /// Terminators, closers, line breaks, list markers and characters
    /// beside its allowlist.
    const BREAKING_PIECES: &[&str] = &[
        "U.S.", "Mr.", "1.5", "a)", "1.", "\u{2022}", "\n", "\n\n", "\r\n", ".", "!", "?", "...",
        "\u{2026}", ")", "\u{D7}", "\u{3002}", "\u{FF01}", "\u{0964}", "i)", "\u{2029}", "\u{85}",
    ];
    /// How sentences end.
    const ENDINGS: &[&str] = &[
        "",
        ".",
        "!",
        "?",
        "?!",
        "...",
        ".\"",
        ".'",
        ".\u{2019}",
        ".\u{201D}",
        "!\u{201D}",
        ".\"\"",
        "\"",
        ". ",
        " ",
        ".)",
        "\u{201D}.",
    ];

    proptest! {
        /// Where the shortcut says one sentence, sentencex says so too.
        #[test]
        fn one_sentence_shortcut_agrees_with_sentencex(
            pieces in proptest::collection::vec(prop_oneof![
                8 => proptest::sample::select(PLAIN_PIECES),
                1 => proptest::sample::select(BREAKING_PIECES),
            ], 0..16),
            ending in proptest::sample::select(ENDINGS),
        ) {
            let text = pieces.concat() + ending;
            if is_one_sentence(&text) {
                let found: Vec<_> = (English {})
                    .get_sentence_boundaries(&text)
                    .into_iter()
                    .map(|b| b.start_byte..b.end_byte)
                    .collect();
                prop_assert_eq!(found, vec![0..text.len()], "{:?}", text);
            }
        }
    }

    #[test]
    fn one_sentence_shortcut_takes_plain_sentences_only() {
        assert!(is_one_sentence(
            "Rebels took the town on Friday, officials said."
        ));
        assert!(is_one_sentence(
            "\u{201C}We\u{2019}re here,\u{201D} he said \u{2014} again.\u{201D}"
        ));
        assert!(is_one_sentence("No terminator at all"));
        assert!(!is_one_sentence("Mr. Smith arrived."));
        assert!(is_one_sentence("It rose 1.5 pct to 4,123.45."));
        assert!(!is_one_sentence("It rose 1.5 pct. Then fell."));
        assert!(!is_one_sentence("It cost $10.9bn.For now"));
        assert!(!is_one_sentence("He left. "));
        assert!(!is_one_sentence("Line one\nline two."));
        assert!(!is_one_sentence("a) first b) second"));
        assert!(!is_one_sentence("Wait\u{2026} what"));
        assert!(!is_one_sentence(" . "));
    }

    fn split(text: &str) -> Vec<&str> {
        sentences(text, 0..text.len())
            .0
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn news_gold_cases() {
        let cases: &[(&str, &[&str])] = &[
            (
                "U.S. President Donald Trump's envoy, Keith Kellogg, said on Friday. Mr. Smith arrived at 3 p.m. He left.",
                &["U.S. President Donald Trump's envoy, Keith Kellogg, said on Friday.", "Mr. Smith arrived at 3 p.m.", "He left."],
            ),
            (
                "The S&P 500 rose 1.5% to 4,123.45 on Monday. Shares of Apple Inc. fell 2 pct. Analysts were surprised.",
                &["The S&P 500 rose 1.5% to 4,123.45 on Monday.", "Shares of Apple Inc. fell 2 pct.", "Analysts were surprised."],
            ),
            (
                "Gen. Mark Milley, the U.S. Army's top officer, spoke on Jan. 5 in Washington.",
                &["Gen. Mark Milley, the U.S. Army's top officer, spoke on Jan. 5 in Washington."],
            ),
            (
                "Sales rose 2% to $11.1bn from $10.9bn.For the full-year, profit rose.",
                &["Sales rose 2% to $11.1bn from $10.9bn.", "For the full-year, profit rose."],
            ),
            (
                "\"Our assets were illegally seized. We want them back or damages paid.\" The firm said so.",
                &["\"Our assets were illegally seized.", "We want them back or damages paid.\"", "The firm said so."],
            ),
            (
                "\u{201C}We met Mr. Kim. He agreed,\u{201D} Lee said.",
                &["\u{201C}We met Mr. Kim.", "He agreed,\u{201D} Lee said."],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(split(text), *want, "{text}");
        }
    }

    #[test]
    fn article_sentences_join_wrapped_lines() {
        assert_eq!(
            article_sentences("Headline here\n\nThe council met on\nTuesday. It voted."),
            ["Headline here", "The council met on Tuesday.", "It voted."]
        );
    }

    #[test]
    fn dateline_is_cut_off_and_kept() {
        let text =
            "WASHINGTON (Reuters) - The U.N. Security Council met on Tuesday. Gen. Milley spoke.";
        let (spans, dateline) = sentences(text, 0..text.len());
        assert_eq!(dateline.unwrap().agency.as_deref(), Some("Reuters"));
        assert_eq!(
            &text[spans[0].clone()],
            "The U.N. Security Council met on Tuesday."
        );
        assert_eq!(spans.len(), 2);
    }

    #[test]
    fn spans_are_relative_to_the_whole_text() {
        let text = "Intro.\n\nSecond paragraph here. And more.";
        let (spans, _) = sentences(text, 8..text.len());
        assert_eq!(spans, [8..30, 31..40]);
    }

    proptest::proptest! {
        /// Over whole articles (layout then segmentation): every span is in
        /// bounds, on character boundaries, non-empty, ordered and
        /// disjoint, whatever the text.
        #[test]
        fn spans_are_valid(text in "([A-Za-z\u{e9}\u{4e2d}\u{5d0}\u{1F600}\u{200B} .,!?\"'\n()0-9-]|Mr\\. |U\\.S\\. |\u{201C}|\u{201D}){0,300}") {
            let layout = crate::clean::layout(&text);
            let mut last = 0;
            for p in &layout.paragraphs {
                let (spans, _) = sentences(&layout.text, p.clone());
                for span in spans {
                    proptest::prop_assert!(span.start >= last && span.start < span.end && span.end <= text.len());
                    proptest::prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                    last = span.end;
                }
            }
        }
    }

    #[test]
    fn headline_without_punctuation_is_one_sentence() {
        assert_eq!(
            split("Six hundred North Korean troops killed"),
            ["Six hundred North Korean troops killed"]
        );
    }
}
