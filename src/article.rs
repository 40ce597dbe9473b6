//! The article: the unit every input format is read into.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;

use serde::{Serialize, Serializer};

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

/// Where an article was read (its [`Article::path`]), as a scan keeps it for
/// every article: the file's path, shared by the articles read from one
/// file, and the line of a JSON Lines record. A dump's million articles
/// from one file held a million copies of its path, 64 bytes each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    file: Arc<str>,
    line: Option<NonZeroU32>,
}

impl Location {
    /// `path` taken apart into a file and a line where it ends in ":LINE"
    /// as [`Location`]'s `Display` writes one (digits, no leading zero), so
    /// that it is written back as given whatever it is. The file is
    /// `last`'s when it is the same, as it is for every record of a dump.
    pub fn new(path: &str, last: Option<&Location>) -> Location {
        let (file, line) = match path.rsplit_once(':') {
            Some((file, digits))
                if !digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                match digits.parse::<NonZeroU32>() {
                    Ok(line) => (file, Some(line)),
                    Err(_) => (path, None),
                }
            }
            _ => (path, None),
        };
        let file = match last {
            Some(last) if &*last.file == file => Arc::clone(&last.file),
            _ => Arc::from(file),
        };
        Location { file, line }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        match self.line {
            Some(line) => write!(f, ":{line}"),
            None => Ok(()),
        }
    }
}

/// As the path it was made from.
impl Serialize for Location {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any path is written back as given, whether it was taken apart or
        /// not.
        #[test]
        fn locations_are_written_as_their_paths(path in "[a-z/:.0-9]{0,12}(:[0-9]{1,11})?") {
            prop_assert_eq!(Location::new(&path, None).to_string(), path);
        }
    }

    #[test]
    fn records_of_one_file_share_its_path() {
        let first = Location::new("dump.jsonl:1", None);
        let second = Location::new("dump.jsonl:2", Some(&first));
        assert!(Arc::ptr_eq(&first.file, &second.file));
        assert_eq!(second.line, NonZeroU32::new(2));
        let other = Location::new("other.jsonl:3", Some(&second));
        assert!(!Arc::ptr_eq(&other.file, &second.file));
        // Not a line as Display writes one: kept whole.
        for path in ["a:0", "a:01", "a:", "a:4294967296", "a:1x"] {
            assert_eq!(Location::new(path, None).line, None, "{path}");
        }
    }

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
