//! The article: the unit every input format is read into.

use serde::Serialize;

/// The longest article text a scan takes, 4 GiB: sentences keep their byte
/// offsets as 32-bit numbers, 8 bytes less for each of millions.
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize;

/// One news article as read from the corpus, before any text processing.
///
/// `text` is the decoded article text; every byte offset wiretrace reports
/// points into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// Unique within a run: the JSONL `id` field, or the file's path
    /// relative to the folder that was scanned.
    pub id: String,
    /// Who published it. Cross-outlet reuse is what wiretrace reports, so
    /// this is never empty: it falls back to the file stem.
    pub outlet: String,
    /// Publication time as written in the input (not parsed here).
    pub published: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// Where the article came from: a file path, with `:line` for JSONL.
    pub path: String,
    pub text: String,
}

impl Article {
    /// Cuts the text to at most `max` bytes, at a character boundary;
    /// returns its length before, when it was cut.
    pub fn cut_text(&mut self, max: usize) -> Option<usize> {
        let len = self.text.len();
        if len <= max {
            return None;
        }
        let mut cut = max;
        while !self.text.is_char_boundary(cut) {
            cut -= 1;
        }
        self.text.truncate(cut);
        Some(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_at_a_character_boundary() {
        let mut article = Article {
            id: "a".into(),
            outlet: "o".into(),
            published: None,
            url: None,
            title: None,
            path: "p".into(),
            text: "caf\u{e9}s".into(),
        };
        assert_eq!(article.cut_text(6), None);
        assert_eq!(article.cut_text(4), Some(6));
        assert_eq!(article.text, "caf");
        assert_eq!(article.cut_text(0), Some(3));
        assert_eq!(article.text, "");
    }
}
