//! Figures in a sentence, whether written in digits or in words.
//!
//! Copies change how a figure is written as often as what it is: a
//! headline's "Six hundred troops killed" is the body's "600 troops
//! killed", wire copy's "1.5 mln" is a paper's "1.5 million". Fact drift
//! compares figures by value, so it must read each spelling as the same
//! figure, or a respelling is reported as a changed fact and a changed fact
//! written in words ("six cts" for "five cts") goes unseen.
//!
//! Matching does not use this: it masks digit figures only. Its verifier
//! was calibrated with number words as words, and masking them too cost
//! accuracy on the MSRP paraphrase pairs (75.1 to 74.8 %, 74.9 % refitted):
//! "four" and "billion" shared by two sentences are evidence of one claim.
//!
//! Spelled-out numbers are recognised by the `text2num` crate. A lone
//! small number word ("one of them", "no one") is not a figure: below
//! [`LONE_WORD_THRESHOLD`] it is a pronoun or an article more often than a
//! quantity. Ordinals ("the first time") are never figures.

use std::borrow::Cow;
use std::sync::OnceLock;

use text2num::{find_numbers, Language, Token};

use crate::normalize::{is_number, WordList};

/// A lone number word below this value is not a figure ("one of the").
const LONE_WORD_THRESHOLD: f64 = 2.0;

/// One figure: a run of tokens and the value it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// Token range in the sentence's word list.
    pub tokens: std::ops::Range<usize>,
    /// The value in digits, without group separators: "600", "1500000",
    /// "4.5". Equal values mean the same figure however it was written.
    pub value: String,
}

/// The figures of a sentence's normalized words (see
/// [`crate::normalize::words`]), in order and not overlapping.
pub fn find(words: &[&str]) -> Vec<Figure> {
    let mut figures: Vec<Figure> = Vec::new();
    let spelled = spelled_numbers(words);
    let mut next_spelled = spelled.into_iter().peekable();
    let mut i = 0;
    while i < words.len() {
        // Drop what the crate read inside a figure already taken ("million"
        // after "1.5").
        while next_spelled.next_if(|s| s.tokens.start < i).is_some() {}
        if let Some(s) = next_spelled.next_if(|s| s.tokens.start == i) {
            i = s.tokens.end;
            figures.push(s);
            continue;
        }
        if is_number(words[i]) {
            let digits = words[i].replace(',', "");
            // "1.5 million": the scale word belongs to the figure (when the
            // figure is a plain decimal, not "1990s" or "3.2.1").
            let plain = digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && digits.bytes().filter(|&b| b == b'.').count() <= 1;
            let scale = words.get(i + 1).and_then(|w| scale_zeros(w));
            match scale.filter(|_| plain) {
                Some(zeros) => {
                    figures.push(Figure {
                        tokens: i..i + 2,
                        value: scaled(&digits, zeros),
                    });
                    i += 2;
                }
                None => {
                    figures.push(Figure {
                        tokens: i..i + 1,
                        value: digits,
                    });
                    i += 1;
                }
            }
            continue;
        }
        i += 1;
    }
    figures
}

/// Number words the crate recognises, checked first so that sentences
/// without any (most of them) never reach it.
fn may_spell_a_number(word: &str) -> bool {
    static WORDS: WordList = WordList::new(&[
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
        "million",
        "billion",
        "trillion",
    ]);
    WORDS.contains(word)
}

struct Word<'a>(&'a str);

impl Token for &Word<'_> {
    fn text(&self) -> Cow<'_, str> {
        self.0.into()
    }
    fn text_lowercase(&self) -> Cow<'_, str> {
        self.0.into()
    }
    fn nt_separated(&self, _previous: &Self) -> bool {
        false
    }
    fn not_a_number_part(&self) -> bool {
        false
    }
}

fn english() -> &'static Language {
    static EN: OnceLock<Language> = OnceLock::new();
    EN.get_or_init(Language::english)
}

fn spelled_numbers(words: &[&str]) -> Vec<Figure> {
    if !words.iter().any(|w| may_spell_a_number(w)) {
        return Vec::new();
    }
    let tokens: Vec<Word> = words.iter().map(|w| Word(w)).collect();
    find_numbers(tokens.iter(), english(), LONE_WORD_THRESHOLD)
        .into_iter()
        .filter(|o| !o.is_ordinal && o.end > o.start)
        // Digits the crate passed through are handled by the caller.
        .filter(|o| !(o.end - o.start == 1 && is_number(words[o.start])))
        .map(|o| Figure {
            tokens: o.start..o.end,
            value: o.text.replace(',', ""),
        })
        .collect()
}

/// Zeros a scale word adds: "million" and wire copy's "mln" are six.
fn scale_zeros(word: &str) -> Option<usize> {
    Some(match word {
        "hundred" => 2,
        "thousand" => 3,
        "million" | "mln" => 6,
        "billion" | "bln" => 9,
        "trillion" => 12,
        _ => return None,
    })
}

/// `digits` (like "1.5") times ten to the `zeros`, exactly, in digits.
fn scaled(digits: &str, zeros: usize) -> String {
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out: String = whole.trim_start_matches('0').to_owned();
    let shifted = fraction.len().min(zeros);
    out.push_str(&fraction[..shifted]);
    out.extend(std::iter::repeat_n('0', zeros - shifted));
    let rest = fraction[shifted..].trim_end_matches('0');
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    let out = out.trim_start_matches('0');
    if out.is_empty() || out.starts_with('.') {
        format!("0{out}")
    } else {
        out.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(sentence: &str) -> Vec<String> {
        let normalized = crate::normalize::normalize(sentence);
        let words = crate::normalize::words(&normalized);
        find(&words).into_iter().map(|f| f.value).collect()
    }

    #[test]
    fn words_and_digits_give_the_same_value() {
        assert_eq!(values("Six hundred troops were killed"), ["600"]);
        assert_eq!(values("600 troops were killed"), ["600"]);
        assert_eq!(values("It cost 1.5 million dollars"), ["1500000"]);
        assert_eq!(values("It cost 1.5 mln dlrs"), ["1500000"]);
        assert_eq!(values("two million people"), ["2000000"]);
        assert_eq!(
            values("twenty-five years and 15,000 troops"),
            ["25", "15000"]
        );
        assert_eq!(
            values("1.5 million people and two hundred dead"),
            ["1500000", "200"]
        );
        assert_eq!(values("20 thousand, then six"), ["20000", "6"]);
    }

    #[test]
    fn wire_formula_figures_written_as_words_count() {
        assert_eq!(
            values("Shr loss six cts vs profit 4.4 mln"),
            ["6", "4400000"]
        );
        assert_eq!(values("sent in two stages"), ["2"]);
    }

    #[test]
    fn pronouns_and_ordinals_are_not_figures() {
        assert!(values("One of the soldiers said no one knew").is_empty());
        assert!(values("It is the first time they met").is_empty());
        assert!(values("Ten years on, it was the second visit").len() == 1);
    }

    #[test]
    fn odd_figures_before_a_scale_word_stay_as_written() {
        assert_eq!(values("the 1.5é hundred"), ["1.5é", "100"]);
        assert_eq!(values("the 1990s million"), ["1990s", "1000000"]);
        assert_eq!(values("version 3.2.1 million"), ["3.2.1", "1000000"]);
    }

    #[test]
    fn scaling_is_exact() {
        assert_eq!(scaled("4.4", 6), "4400000");
        assert_eq!(scaled("0.25", 3), "250");
        assert_eq!(scaled("1.2345", 2), "123.45");
        assert_eq!(scaled("0.001", 2), "0.1");
        assert_eq!(scaled("12", 3), "12000");
        assert_eq!(scaled("0", 6), "0");
    }
}
