//! The uncased BERT tokenizer (basic tokenizer + WordPiece).
//!
//! The model only means something for the token ids it was trained on, so
//! this follows Hugging Face `tokenizers` (what sentence-transformers runs)
//! step by step, including its quirks: the character classes come from the
//! same `unicode_categories` tables, so that, for example, an emoji newer
//! than those tables is kept and becomes `[UNK]` exactly as it does there.
//!
//! Text streams through normalization, splitting and WordPiece one character
//! at a time and stops once the sequence is full, so a 100,000-word text
//! costs no more than its first few hundred tokens.

use std::collections::HashMap;

use unicode_categories::UnicodeCategories;
use unicode_normalization::UnicodeNormalization;

/// Longer words are one `[UNK]`, as in BERT: WordPiece on them is quadratic
/// and they are never real words.
const MAX_WORD_CHARS: usize = 100;

const SPECIAL_TOKENS: [&str; 5] = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

/// The vocabulary split in two so that a lookup never has to build a
/// `##`-prefixed string.
pub(crate) struct WordPiece {
    starts: HashMap<String, u32>,
    continuations: HashMap<String, u32>,
    /// Bytes in the longest piece: no longer substring can match, which
    /// bounds the longest-match search.
    longest: usize,
    /// BERT's special tokens that the vocabulary has, with their ids.
    specials: Vec<(&'static str, u32)>,
    cls: u32,
    sep: u32,
    unk: u32,
}

impl WordPiece {
    /// `tokens` yields each vocabulary entry with its id. Fails with the name
    /// of the first special token the vocabulary lacks.
    pub(crate) fn new<'a>(
        tokens: impl IntoIterator<Item = (&'a str, u32)>,
    ) -> Result<WordPiece, String> {
        let mut starts = HashMap::new();
        let mut continuations = HashMap::new();
        let mut longest = 0;
        for (token, id) in tokens {
            let (map, piece) = match token.strip_prefix("##") {
                Some(rest) if !rest.is_empty() => (&mut continuations, rest),
                _ => (&mut starts, token),
            };
            longest = longest.max(piece.len());
            map.insert(piece.to_string(), id);
        }
        let special = |name: &str| {
            starts
                .get(name)
                .copied()
                .ok_or_else(|| format!("vocabulary has no {name} token"))
        };
        let specials = SPECIAL_TOKENS
            .iter()
            .filter_map(|&name| Some((name, *starts.get(name)?)))
            .collect();
        Ok(WordPiece {
            specials,
            cls: special("[CLS]")?,
            sep: special("[SEP]")?,
            unk: special("[UNK]")?,
            starts,
            continuations,
            longest,
        })
    }

    /// The largest id in the vocabulary, to check it against the model's
    /// embedding table.
    pub(crate) fn max_id(&self) -> u32 {
        let ids = self.starts.values().chain(self.continuations.values());
        ids.copied().max().unwrap_or(0)
    }

    /// A flag per id (up to [`WordPiece::max_id`]): whether the piece is
    /// part of a content word. Word starts are judged by `is_content_word`;
    /// a continuation (`##ing`) counts when it has letters, since it
    /// carries its word's meaning. Special tokens never count.
    pub(crate) fn content_flags(&self, is_content_word: impl Fn(&str) -> bool) -> Vec<bool> {
        let mut flags = vec![false; self.max_id() as usize + 1];
        let has_letters = |piece: &str| piece.chars().any(char::is_alphabetic);
        for (piece, &id) in &self.starts {
            flags[id as usize] = has_letters(piece) && is_content_word(piece);
        }
        for (piece, &id) in &self.continuations {
            flags[id as usize] = has_letters(piece);
        }
        for &(_, id) in &self.specials {
            flags[id as usize] = false;
        }
        flags
    }

    /// `[CLS]`, the text's first `max_len - 2` pieces, `[SEP]`.
    pub(crate) fn encode(&self, text: &str, max_len: usize) -> Vec<u32> {
        let room = max_len.max(2) - 2;
        let mut ids = Vec::with_capacity(room.min(text.len() / 3 + 8) + 2);
        ids.push(self.cls);
        let mut word = Word::default();
        let mut rest = text;
        while ids.len() <= room {
            let (plain, special) = self.split_special(rest);
            for c in normalized(plain) {
                if ids.len() > room {
                    break;
                }
                if c.is_whitespace() {
                    self.flush(&mut word, &mut ids);
                } else if is_punctuation(c) {
                    self.flush(&mut word, &mut ids);
                    word.push(c);
                    self.flush(&mut word, &mut ids);
                } else {
                    word.push(c);
                }
            }
            self.flush(&mut word, &mut ids);
            let Some((id, after)) = special else { break };
            ids.push(id);
            rest = after;
        }
        ids.truncate(room + 1);
        ids.push(self.sep);
        ids
    }

    /// The text before the first special token written out in it (such as
    /// a literal `[SEP]`), and that token's id with the text after it.
    /// Hugging Face matches these in the raw text before anything else, so
    /// they become the special ids, not `[`, `sep`, `]`.
    fn split_special<'t>(&self, text: &'t str) -> (&'t str, Option<(u32, &'t str)>) {
        for (at, _) in text.match_indices('[') {
            let tail = &text[at..];
            if let Some((name, id)) = self.specials.iter().find(|(n, _)| tail.starts_with(n)) {
                return (&text[..at], Some((*id, &tail[name.len()..])));
            }
        }
        (text, None)
    }

    fn flush(&self, word: &mut Word, ids: &mut Vec<u32>) {
        if word.chars == 0 {
            return;
        }
        if word.chars > MAX_WORD_CHARS {
            ids.push(self.unk);
        } else {
            self.pieces(&word.text, ids);
        }
        word.clear();
    }

    /// Greedy longest-match-first; a word with any unmatched part is a
    /// single `[UNK]`, not a partial match.
    fn pieces(&self, word: &str, ids: &mut Vec<u32>) {
        let before = ids.len();
        let mut start = 0;
        while start < word.len() {
            let map = if start == 0 {
                &self.starts
            } else {
                &self.continuations
            };
            let mut end = floor_char_boundary(word, (start + self.longest).min(word.len()));
            let found = loop {
                if end <= start {
                    break None;
                }
                if let Some(&id) = map.get(&word[start..end]) {
                    break Some(id);
                }
                end = floor_char_boundary(word, end - 1);
            };
            match found {
                Some(id) => ids.push(id),
                None => {
                    ids.truncate(before);
                    ids.push(self.unk);
                    return;
                }
            }
            start = end;
        }
    }
}

/// The current word, capped: past [`MAX_WORD_CHARS`] only the count matters,
/// so a megabyte without spaces does not grow the buffer.
#[derive(Default)]
struct Word {
    text: String,
    chars: usize,
}

impl Word {
    fn push(&mut self, c: char) {
        self.chars += 1;
        if self.chars <= MAX_WORD_CHARS {
            self.text.push(c);
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.chars = 0;
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// BertNormalizer with clean_text, handle_chinese_chars, strip_accents and
/// lowercase, in that order (the order matters: `İ` must lose its dot
/// before lowercasing, or lowercasing would add one).
fn normalized(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|&c| !(c == '\0' || c == '\u{FFFD}' || is_control(c)))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .flat_map(|c| {
            let pad = is_chinese(c).then_some(' ');
            [pad, Some(c), pad].into_iter().flatten()
        })
        .nfd()
        .filter(|&c| !c.is_mark_nonspacing())
        .flat_map(char::to_lowercase)
}

/// Tab, newline and carriage return are control characters that BERT
/// treats as spaces, not as noise to drop.
fn is_control(c: char) -> bool {
    !matches!(c, '\t' | '\n' | '\r') && c.is_other()
}

/// ASCII symbols such as `$` and `+` are not Unicode punctuation but BERT
/// splits them off all the same.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation() || (!c.is_ascii() && c.is_punctuation())
}

/// The CJK Unified Ideographs blocks: Chinese is written without spaces, so
/// every ideograph is its own word. Hangul and kana are not included, as in
/// BERT.
fn is_chinese(c: char) -> bool {
    matches!(
        c as u32,
        0x4E00..=0x9FFF
            | 0x3400..=0x4DBF
            | 0x20000..=0x2A6DF
            | 0x2A700..=0x2B73F
            | 0x2B740..=0x2B81F
            | 0x2B920..=0x2CEAF
            | 0xF900..=0xFAFF
            | 0x2F800..=0x2FA1F
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOCAB: &[&str] = &[
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "cafe", "un", "##aff", "##able", "u", ".", "s",
        "600", "dead", "中", "国", "'", "—", "$", "##s", "a", "b", "##b",
    ];

    fn tokenizer() -> WordPiece {
        WordPiece::new(VOCAB.iter().enumerate().map(|(i, t)| (*t, i as u32))).unwrap()
    }

    fn tokens(text: &str, max_len: usize) -> Vec<&'static str> {
        tokenizer()
            .encode(text, max_len)
            .into_iter()
            .map(|id| VOCAB[id as usize])
            .collect()
    }

    #[test]
    fn wordpiece_is_greedy_longest_match_first() {
        assert_eq!(
            tokens("unaffable the", 64),
            ["[CLS]", "un", "##aff", "##able", "the", "[SEP]"]
        );
        // "unaffx" matches "un", "##aff", then nothing: the whole word is UNK.
        assert_eq!(tokens("unaffx the", 64), ["[CLS]", "[UNK]", "the", "[SEP]"]);
    }

    #[test]
    fn lowercases_strips_accents_and_splits_punctuation() {
        assert_eq!(
            tokens("THE Café—U.S. $600 'dead'", 64),
            [
                "[CLS]", "the", "cafe", "—", "u", ".", "s", ".", "$", "600", "'", "dead", "'",
                "[SEP]"
            ]
        );
    }

    #[test]
    fn chinese_ideographs_are_words_of_their_own() {
        assert_eq!(
            tokens("the中国the", 64),
            ["[CLS]", "the", "中", "国", "the", "[SEP]"]
        );
    }

    #[test]
    fn control_characters_vanish_and_whitespace_separates() {
        assert_eq!(
            tokens("a\u{0}\u{FFFD}\u{200B}b\tthe\u{3000}the\r\nthe", 64),
            ["[CLS]", "a", "##b", "the", "the", "the", "[SEP]"]
        );
    }

    #[test]
    fn truncates_to_max_len_including_the_special_tokens() {
        let text = "the ".repeat(100_000);
        let ids = tokenizer().encode(&text, 5);
        assert_eq!(ids, [2, 4, 4, 4, 3]);
        assert_eq!(tokens("unaffable", 4), ["[CLS]", "un", "##aff", "[SEP]"]);
        assert_eq!(tokens("the the", 1), ["[CLS]", "[SEP]"]);
    }

    #[test]
    fn overlong_and_unknown_words_are_one_unk() {
        let long = "b".repeat(MAX_WORD_CHARS + 1);
        assert_eq!(tokens(&long, 64), ["[CLS]", "[UNK]", "[SEP]"]);
        let just_fits = "b".repeat(MAX_WORD_CHARS);
        assert_eq!(tokens(&just_fits, 200).len(), 2 + MAX_WORD_CHARS);
        assert_eq!(
            tokens("😀 🇰🇷 שלום", 64),
            ["[CLS]", "[UNK]", "[UNK]", "[UNK]", "[SEP]"]
        );
    }

    #[test]
    fn empty_and_blank_text_is_just_the_special_tokens() {
        assert_eq!(tokens("", 64), ["[CLS]", "[SEP]"]);
        assert_eq!(tokens(" \u{0}\n\u{301}", 64), ["[CLS]", "[SEP]"]);
    }

    #[test]
    fn special_tokens_written_in_the_text_keep_their_ids() {
        assert_eq!(
            tokens("the[SEP]the [CLS] [cls] [SEP", 64),
            [
                "[CLS]", "the", "[SEP]", "the", "[CLS]", "[UNK]", "[UNK]", "[UNK]", "[UNK]",
                "[UNK]", "[SEP]"
            ]
        );
    }

    #[test]
    fn missing_special_tokens_are_reported() {
        let err = WordPiece::new([("[CLS]", 0), ("[SEP]", 1)]).err().unwrap();
        assert_eq!(err, "vocabulary has no [UNK] token");
    }
}
