//! The matching form of a sentence: what two outlets' copies have in common
//! once typography is set aside. Never shown to users; display always uses
//! the original bytes.
//!
//! Numbers are kept: two sentences that differ only in a figure must still
//! match (the shingler masks digits), and the fact-drift check later needs
//! the figures themselves.

use std::collections::HashSet;
use std::sync::OnceLock;

use foldhash::fast::FixedState;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// NFKC, lower case, typographic quotes and dashes mapped to ASCII,
/// whitespace collapsed to single spaces and trimmed.
///
/// Idempotent: `normalize(&normalize(s)) == normalize(s)`.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        return normalize_ascii(text);
    }
    // Lower-casing can produce characters that NFKC composes differently,
    // so compose once more after the first pass. Most text is in NFKC
    // already, which a quick check says for a fraction of what composing
    // takes.
    let first = match is_nfkc_quick(text.chars()) {
        IsNormalized::Yes => fold_chars(text.chars()),
        _ => fold_chars(text.nfkc()),
    };
    match is_nfkc_quick(first.chars()) {
        IsNormalized::Yes => first,
        _ => first.nfkc().collect(),
    }
}

/// [`normalize`] for ASCII text, which NFKC leaves alone, because every
/// sentence is normalized several times on the way through the pipeline
/// and most news text is ASCII. Most of it needs lower-casing only (single
/// spaces between words, no other whitespace, no backquote): that is
/// checked, and done, a vector of bytes at a time, where going byte by byte
/// took four times as long.
fn normalize_ascii(text: &str) -> String {
    let bytes = text.as_bytes();
    // Folds rather than `any`, which stops early and so does not vectorize.
    let odd_byte = bytes
        .iter()
        .fold(false, |odd, &b| odd | (b < b' ') | (b == b'`'));
    let double_space = bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .fold(false, |odd, (&a, &b)| odd | ((a == b' ') & (b == b' ')));
    let space_at_an_end = bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ');
    if !(odd_byte || double_space || space_at_an_end) {
        return text.to_ascii_lowercase();
    }
    let mut out = Vec::with_capacity(text.len());
    let mut pending_space = false;
    for &b in bytes {
        if matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(b' ');
            pending_space = false;
        }
        out.push(if b == b'`' {
            b'\''
        } else {
            b.to_ascii_lowercase()
        });
    }
    // Only ASCII bytes were pushed.
    String::from_utf8(out).unwrap_or_default()
}

/// Case, punctuation and whitespace folding over a stream of characters.
fn fold_chars(chars: impl Iterator<Item = char>) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in chars {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match map_punctuation(c) {
            Some(mapped) => out.push(mapped),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Zero-width and format characters that crawlers leave inside words.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// What NFKC leaves alone but outlets use interchangeably.
fn map_punctuation(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        _ => return None,
    })
}

/// Words of a normalized sentence: runs of letters and digits, keeping
/// in-word apostrophes (`korea's`) and digit group separators (`4,123.45`)
/// so a figure stays one token.
pub fn words(normalized: &str) -> Vec<&str> {
    Words::new(normalized).collect()
}

/// [`words`] one at a time, for callers that need only the first few of a
/// long paragraph.
pub struct Words<'a> {
    text: &'a str,
    /// Where the next word is looked for.
    at: usize,
}

impl<'a> Words<'a> {
    pub fn new(normalized: &'a str) -> Words<'a> {
        Words {
            text: normalized,
            at: 0,
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    /// Byte at a time where the text is ASCII, as most is, and a
    /// character at a time elsewhere: decoding every character was a third
    /// of splitting's time.
    fn next(&mut self) -> Option<&'a str> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = self.at;
        self.at = bytes.len();
        // The first character of the next word. The joining marks are
        // ASCII, and never begin one.
        let start = loop {
            let &b = bytes.get(i)?;
            let (alphanumeric, len) = character(text, i, b);
            if alphanumeric {
                i += len;
                break i - len;
            }
            i += len;
        };
        while let Some(&b) = bytes.get(i) {
            let (alphanumeric, len) = character(text, i, b);
            let joins = || matches!(b, b'\'' | b',' | b'.') && joins_word(text, i, b as char);
            if !(alphanumeric || joins()) {
                self.at = i + len;
                return Some(&text[start..i]);
            }
            i += len;
        }
        Some(&text[start..])
    }
}

/// Whether the character at `at` in `text`, whose first byte is `b`, is a
/// letter or a digit, and its length.
// Always: the compiler left it a call, 3.5 % of fingerprinting's samples.
#[inline(always)]
fn character(text: &str, at: usize, b: u8) -> (bool, usize) {
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric(), 1);
    }
    text[at..]
        .chars()
        .next()
        .map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8()))
}

fn joins_word(text: &str, at: usize, c: char) -> bool {
    let prev = text[..at].chars().next_back();
    let next = text[at + c.len_utf8()..].chars().next();
    match (prev, next) {
        (Some(p), Some(n)) if c == '\'' => p.is_alphanumeric() && n.is_alphabetic(),
        (Some(p), Some(n)) => p.is_ascii_digit() && n.is_ascii_digit(),
        _ => false,
    }
}

/// Month names and their abbreviations, lower case as `words` yields
/// them. "may" is left out: lower-cased, it is mostly the verb.
pub const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

pub const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A fixed list of normalized words, looked up by hash. Lists such as
/// [`MONTHS`] are asked about every word of a sentence, and a search of the
/// list compared each short word with every entry of its length (each
/// three-letter word with eleven month abbreviations).
pub struct WordList {
    words: &'static [&'static str],
    set: OnceLock<HashSet<&'static str, FixedState>>,
}

impl WordList {
    pub const fn new(words: &'static [&'static str]) -> WordList {
        WordList {
            words,
            set: OnceLock::new(),
        }
    }

    pub fn contains(&self, word: &str) -> bool {
        self.set
            .get_or_init(|| self.words.iter().copied().collect())
            .contains(word)
    }
}

/// Whether a word is in [`MONTHS`].
pub fn is_month(word: &str) -> bool {
    static LIST: WordList = WordList::new(MONTHS);
    LIST.contains(word)
}

/// Whether a word is in [`WEEKDAYS`].
pub fn is_weekday(word: &str) -> bool {
    static LIST: WordList = WordList::new(WEEKDAYS);
    LIST.contains(word)
}

/// A word that is a figure: starts with a digit.
pub fn is_number(word: &str) -> bool {
    word.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_typography_and_case() {
        assert_eq!(
            normalize("  North Korea\u{2019}s \u{201C}elite\u{201D} troops \u{2014} 600  "),
            "north korea's \"elite\" troops - 600"
        );
        assert_eq!(normalize("\u{FB01}nal\u{00A0}\u{FF11}\u{FF12}"), "final 12");
        assert_eq!(normalize("zero\u{200B}width"), "zerowidth");
    }

    #[test]
    fn is_idempotent_on_tricky_text() {
        for s in [
            "İstanbul ǅemal",
            "Σίσυφος ΣΑΣ",
            "e\u{301}cole",
            "ﬃ½",
            "a\u{200D}\u{200D} b",
        ] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_fast_path_agrees_with_the_general_one(text in "[\\x00-\\x7F]{0,80}") {
            proptest::prop_assert_eq!(normalize_ascii(&text), fold_chars(text.chars()));
        }

        /// Text that mostly needs lower-casing only, and now and then
        /// more.
        #[test]
        fn ascii_fast_path_agrees_on_plain_text(text in "[a-zA-Z0-9 .,'`\t]{0,80}") {
            proptest::prop_assert_eq!(normalize_ascii(&text), fold_chars(text.chars()));
        }

        /// Skipping NFKC where the quick check says the text is in it
        /// already changes nothing.
        #[test]
        fn quick_checks_agree_with_composing(text in "(\\PC|[\u{300}-\u{36f}\u{fb00}-\u{fb06}\u{ff01}-\u{ff5e}\u{1100}-\u{11ff}\u{ac00}-\u{ac20}])*") {
            let composed: String = fold_chars(text.nfkc()).nfkc().collect();
            proptest::prop_assert_eq!(normalize(&text), composed);
        }

        #[test]
        fn normalization_is_idempotent(text in "\\PC{0,80}") {
            let once = normalize(&text);
            proptest::prop_assert_eq!(normalize(&once), once);
        }
    }

    /// The words as first defined, a character at a time: what the byte
    /// at a time splitting must agree with.
    fn words_by_character(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut start: Option<usize> = None;
        for (i, c) in text.char_indices() {
            let inside = c.is_alphanumeric()
                || (start.is_some() && matches!(c, '\'' | ',' | '.') && joins_word(text, i, c));
            match (inside, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    out.push(&text[s..i]);
                    start = None;
                }
                _ => {}
            }
        }
        out.extend(start.map(|s| &text[s..]));
        out
    }

    proptest::proptest! {
        #[test]
        fn words_split_as_by_character(
            text in "([a-z0-9 ',.\\-]|\\PC){0,60}",
        ) {
            proptest::prop_assert_eq!(words(&text), words_by_character(&text));
        }
    }

    #[test]
    fn month_and_weekday_lookups_are_the_lists() {
        assert!(MONTHS.iter().all(|m| is_month(m)) && WEEKDAYS.iter().all(|d| is_weekday(d)));
        for word in ["may", "the", "mon", "janu", "", "sunday"] {
            assert_eq!(is_month(word), MONTHS.contains(&word), "{word}");
        }
        assert!(!is_weekday("jan") && !is_weekday("sun"));
    }

    #[test]
    fn numbers_stay_whole_words() {
        let n = normalize("The S&P rose 1.5% to 4,123.45; Korea's 600, not 1,000.");
        assert_eq!(
            words(&n),
            ["the", "s", "p", "rose", "1.5", "to", "4,123.45", "korea's", "600", "not", "1,000"]
        );
        assert!(is_number("4,123.45") && !is_number("korea's"));
    }
}
