//! From raw article text to paragraphs.
//!
//! Articles arrive in two shapes: hard-wrapped wire copy (Reuters-21578
//! wraps at about 65 columns, sentences run across line breaks, and a new
//! paragraph is indented) and scraped pages where each line is a paragraph
//! but a sentence is sometimes broken over lines by the page's markup. Both
//! are turned into paragraph spans over a cleaned copy of the text in which
//! joining line breaks became spaces. The copy has the same length as the
//! original, so every offset into it is an offset into the article.

use std::ops::Range;

/// An article's paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The article text with joining line breaks (and every `\r`) replaced
    /// by spaces: byte-for-byte the same length as the original.
    pub text: String,
    /// Paragraph spans into `text`, trimmed, in order, non-overlapping.
    pub paragraphs: Vec<Range<usize>>,
    /// Whether the article was read as hard-wrapped.
    pub hard_wrapped: bool,
}

/// Lays out `text` into paragraphs.
pub fn layout(text: &str) -> Layout {
    let lines = lines(text);
    let hard_wrapped = is_hard_wrapped(text, &lines);
    let mut cleaned = text.as_bytes().to_vec();
    for b in cleaned.iter_mut() {
        if *b == b'\r' {
            *b = b' ';
        }
    }
    let mut paragraphs: Vec<Range<usize>> = Vec::new();
    let mut open: Option<Range<usize>> = None;
    for line in &lines {
        let content = text[line.clone()].trim();
        if content.is_empty() {
            paragraphs.extend(open.take());
            continue;
        }
        let start = line.start + (text[line.clone()].len() - text[line.clone()].trim_start().len());
        let end = start + content.len();
        let joins = match &open {
            None => false,
            Some(prev) if hard_wrapped => {
                !starts_indented(&text[line.clone()]) && !ends_heading(&text[prev.clone()])
            }
            Some(prev) => continues(&text[prev.clone()], content),
        };
        match open.as_mut() {
            Some(prev) if joins => {
                for b in &mut cleaned[prev.end..start] {
                    if b.is_ascii_whitespace() {
                        *b = b' ';
                    }
                }
                prev.end = end;
            }
            _ => {
                paragraphs.extend(open.take());
                open = Some(start..end);
            }
        }
    }
    paragraphs.extend(open);
    // Only ASCII whitespace bytes were replaced by spaces, so this is
    // still valid UTF-8.
    let text = String::from_utf8(cleaned).unwrap_or_else(|_| text.to_owned());
    Layout {
        text,
        paragraphs,
        hard_wrapped,
    }
}

/// Line spans without their `\n`.
fn lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push(start..i);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Hard-wrapped text has many lines, none long, and most lines that are
/// followed by more text in the same paragraph fill most of the width.
fn is_hard_wrapped(text: &str, lines: &[Range<usize>]) -> bool {
    let lengths: Vec<usize> = lines
        .iter()
        .map(|l| text[l.clone()].trim_end().chars().count())
        .collect();
    let max = lengths.iter().copied().max().unwrap_or(0);
    if !(50..=100).contains(&max) {
        return false;
    }
    let mut inner = 0;
    let mut full = 0;
    for (i, &len) in lengths.iter().enumerate() {
        let next_continues = lines.get(i + 1).is_some_and(|n| {
            !text[n.clone()].trim().is_empty() && !starts_indented(&text[n.clone()])
        });
        if len > 0 && next_continues {
            inner += 1;
            if len * 10 >= max * 7 {
                full += 1;
            }
        }
    }
    inner >= 4 && full * 10 >= inner * 7
}

fn starts_indented(line: &str) -> bool {
    line.starts_with('\t') || line.starts_with("  ")
}

/// A line in wrapped text that is a heading or list line of its own.
fn ends_heading(paragraph: &str) -> bool {
    paragraph.len() < 30 && paragraph.ends_with(':')
}

/// Words no sentence ends with: articles, prepositions, conjunctions.
const DANGLING: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto",
    "about", "between", "through", "over", "under", "after", "before", "during", "against", "and",
    "or", "but", "nor", "than", "that", "whose", "which", "its", "their", "his", "her", "our",
    "my", "your",
];

/// A scraped line that stops mid-sentence: the next line carries on. A
/// line ending in a function word ("...through the end of") always does.
fn continues(prev: &str, next: &str) -> bool {
    let last = prev.chars().next_back().unwrap_or('.');
    let first = next.chars().next().unwrap_or('A');
    if matches!(
        last,
        '.' | '!' | '?' | ':' | '"' | '\u{201D}' | '\'' | '\u{2019}' | ')'
    ) {
        return false;
    }
    let last_word = prev
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .to_lowercase();
    matches!(last, ',' | ';' | '(' | '\u{201C}')
        || first.is_lowercase()
        || DANGLING.contains(&last_word.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(text: &str) -> Vec<String> {
        let l = layout(text);
        assert_eq!(l.text.len(), text.len());
        l.paragraphs
            .iter()
            .map(|p| l.text[p.clone()].to_string())
            .collect()
    }

    #[test]
    fn joins_hard_wrapped_wire_copy() {
        let text = "Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the drought since early\nJanuary and improving prospects for the coming temporao,\nalthough normal humidity levels have not been restored,\nComissaria Smith said in its weekly review.\n    The dry period means the temporao will be late this year.\n    Arrivals for the week ended February 22 were 155,221 bags\nof 60 kilos making a cumulative total for the season of 5.93\nmln against 5.81 at the same stage last year.\n";
        let p = paragraphs(text);
        assert_eq!(p.len(), 3, "{p:#?}");
        assert!(p[0].contains("week in the Bahia") && p[0].contains("early January"));
        assert!(layout(text).hard_wrapped);
    }

    #[test]
    fn keeps_scraped_lines_but_mends_broken_sentences() {
        let text = "600 soldiers killed: Seoul\nCiting a briefing, MP Lee said, \"So far,\nNorth Korean troop casualties\nare estimated at around 4,700.\"\nThe announcement follows.\r\n\r\nNext paragraph.";
        let p = paragraphs(text);
        assert_eq!(
            p,
            [
                "600 soldiers killed: Seoul",
                "Citing a briefing, MP Lee said, \"So far, North Korean troop casualties are estimated at around 4,700.\"",
                "The announcement follows.",
                "Next paragraph."
            ]
        );
        assert!(!layout(text).hard_wrapped);
    }

    #[test]
    fn lines_ending_in_a_function_word_continue() {
        let p = paragraphs("The Senate voted to fund the government through the end of\nSeptember, averting a shutdown.\n");
        assert_eq!(p, ["The Senate voted to fund the government through the end of September, averting a shutdown."]);
    }

    #[test]
    fn headline_lines_stay_apart() {
        let p = paragraphs("Six hundred troops killed, says intelligence\nAt least 600 troops have been killed.\n- A related story link\n");
        assert_eq!(p.len(), 3);
    }

    #[test]
    fn empty_and_blank_text() {
        assert!(layout("").paragraphs.is_empty());
        assert!(layout("\n \n\t\n").paragraphs.is_empty());
    }
}
