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
    let english = English {};
    for boundary in english.get_sentence_boundaries(body) {
        let (s, e) = (boundary.start_byte + start, boundary.end_byte + start);
        split_quotation(text, trim(text, s..e), &mut out);
    }
    (out, dateline)
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
