//! Sentence texts, spilled to a temporary file.
//!
//! A scan's sentence texts are as large as its input, yet after segmenting
//! they are read only now and then: once in order to fingerprint them and
//! once to report them, and here and there for drift and the HTML report's
//! differences. On the heap they were a quarter of a scan's peak on the
//! 250 MB dump. So they are written back to back into a [`Spill`] and read
//! from its mapping.

use std::io;
use std::path::Path;

use crate::records::{RecordSpill, Records};
use crate::spill::{Mapped, Spill};

/// Texts numbered from 0 in the order they were pushed to a [`TextSpill`].
#[derive(Debug, Default)]
pub struct Texts {
    /// Where each text ends in `bytes`; text `i` starts where `i - 1` ends.
    /// Eight bytes per sentence, so in a temporary file too.
    ends: Records<u64>,
    bytes: Mapped,
}

impl Texts {
    /// Text `i`. Panics when there is no such text, like a slice.
    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        // SAFETY: `finish_text` checked that the bytes are UTF-8, and every text
        // starts and ends where one pushed `&str` did, so on a character
        // boundary. The file is this process's alone (see `spill`), and it
        // is only read once mapped.
        unsafe { std::str::from_utf8_unchecked(&self.bytes.bytes()[start..end]) }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// See [`Mapped::expect_random_reads`].
    pub fn expect_random_reads(&self) {
        self.bytes.expect_random_reads();
    }

    /// See [`Mapped::expect_reads_in_order`].
    pub fn expect_reads_in_order(&self) {
        self.bytes.expect_reads_in_order();
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Writes texts to a temporary file, to be read back as [`Texts`].
pub struct TextSpill {
    spill: Spill,
    ends: RecordSpill<u64>,
}

impl TextSpill {
    /// A spill into `dir`, or the system's temporary directory (`TMPDIR`).
    pub fn new(dir: Option<&Path>) -> io::Result<TextSpill> {
        Ok(TextSpill {
            spill: Spill::new(dir, "sentence texts")?,
            ends: RecordSpill::new(dir, "sentence text offsets")?,
        })
    }

    /// Appends a text and returns its number.
    pub fn push(&mut self, text: &str) -> io::Result<u32> {
        let number = self.ends.len() as u32;
        self.spill.write(text.as_bytes())?;
        self.ends.push(self.spill.written())?;
        Ok(number)
    }

    /// The texts pushed so far, for reading.
    pub fn finish(self) -> io::Result<Texts> {
        let bytes = self.spill.finish_text()?;
        Ok(Texts {
            ends: self.ends.finish()?,
            bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    impl Texts {
        /// Texts spilled to a file in the system's temporary directory.
        fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> io::Result<Texts> {
            let mut spill = TextSpill::new(None)?;
            for text in texts {
                spill.push(text)?;
            }
            spill.finish()
        }
    }

    proptest! {
        #[test]
        fn texts_read_back_as_pushed(texts in prop::collection::vec(".{0,40}", 0..50)) {
            let spilled = Texts::of(texts.iter().map(String::as_str)).unwrap();
            prop_assert_eq!(spilled.len(), texts.len());
            for (i, text) in texts.iter().enumerate() {
                prop_assert_eq!(spilled.get(i as u32), text.as_str());
            }
        }
    }

    #[test]
    fn no_texts_and_empty_texts() {
        let none = Texts::of([]).unwrap();
        assert!(none.is_empty());
        let empty = Texts::of(["", ""]).unwrap();
        assert_eq!((empty.get(0), empty.get(1)), ("", ""));
        let mixed = Texts::of(["", "caf\u{e9}", ""]).unwrap();
        assert_eq!(
            (mixed.get(0), mixed.get(1), mixed.get(2)),
            ("", "caf\u{e9}", "")
        );
    }
}
