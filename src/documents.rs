//! The scanned articles' metadata, spilled to a temporary file.
//!
//! A scan keeps one document per article to the end: its id, outlet, date,
//! title, URL, where it was read, dateline and credits, and its sentences.
//! With their strings these were about 0.3 bytes per byte of article text
//! on the heap (about 300 MiB of the 1 GB dump's 800 MiB at its largest),
//! yet they are read only by provenance and the reports. So each
//! document's strings are written back to back into a [`Spill`], encoded
//! as below, and its fixed-size part into a [`RecordSpill`]; both are read
//! from their mappings, pages the kernel can drop when memory runs short.
//! Only the outlets' names, a few per dump, stay on the heap.
//!
//! A document's bytes are its id, published, title, URL and path, each a
//! string (a `u32` length, little-endian, then its bytes; an absent one is
//! the length `u32::MAX`), then its dateline (a byte, 0 or 1, then its
//! place, date, agency, and span's start and end as `u64`s) and its credits
//! (a `u32` count, then each one's agency, kind as a byte, words, start and
//! end).

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::Path;

use crate::credits::{Credit, CreditKind};
use crate::dateline::Dateline;
use crate::records::{RecordSpill, Records};
use crate::spill::{Mapped, Spill};

/// What an article is known by once scanned, as [`Documents::get`] reads
/// it back. Its dateline and credits are decoded when asked for.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub id: &'a str,
    pub outlet: &'a str,
    pub published: Option<&'a str>,
    pub title: Option<&'a str>,
    pub url: Option<&'a str>,
    /// Where the article was read ([`crate::Article::path`]).
    pub path: &'a str,
    pub hard_wrapped: bool,
    /// Sentence ids of this document.
    pub sentences: Range<u32>,
    /// The encoded dateline and credits.
    rest: &'a [u8],
}

impl Document<'_> {
    pub fn dateline(&self) -> Option<Dateline> {
        let mut bytes = Decoder(self.rest);
        bytes.dateline()
    }

    /// Wire credits in the article's own text.
    pub fn credits(&self) -> Vec<Credit> {
        let mut bytes = Decoder(self.rest);
        bytes.dateline();
        (0..bytes.u32())
            .map(|_| Credit {
                agency: bytes.str().into(),
                kind: CreditKind::ALL[usize::from(bytes.u8())],
                text: bytes.str().into(),
                start: bytes.u64() as usize,
                end: bytes.u64() as usize,
            })
            .collect()
    }
}

/// A document as the segmenter has it, to be pushed to a
/// [`DocumentSpill`].
pub struct NewDocument<'a> {
    pub id: &'a str,
    pub outlet: u32,
    pub published: Option<&'a str>,
    pub title: Option<&'a str>,
    pub url: Option<&'a str>,
    pub path: &'a str,
    pub dateline: Option<&'a Dateline>,
    pub credits: &'a [Credit],
    pub hard_wrapped: bool,
    pub sentences: Range<u32>,
}

/// A document's fixed-size part.
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// Where its bytes end; they start where the last document's end.
    end: u64,
    sentences: (u32, u32),
    outlet: u32,
    hard_wrapped: bool,
}

/// Documents numbered from 0 in the order they were pushed to a
/// [`DocumentSpill`].
#[derive(Default)]
pub struct Documents {
    entries: Records<Entry>,
    bytes: Mapped,
    outlets: Vec<Box<str>>,
    /// Ids given to documents after they were spilled (see
    /// [`Documents::rename`]): few, if any.
    renamed: HashMap<u32, Box<str>>,
}

impl Documents {
    /// Document `d`. Panics when there is no such document, like a slice.
    pub fn get(&self, d: usize) -> Document<'_> {
        let entry = &self.entries[d];
        let mut bytes = Decoder(self.bytes_of(d));
        let stored_id = bytes.str();
        Document {
            id: self.renamed_id(d).unwrap_or(stored_id),
            outlet: &self.outlets[entry.outlet as usize],
            published: bytes.optional_str(),
            title: bytes.optional_str(),
            url: bytes.optional_str(),
            path: bytes.str(),
            hard_wrapped: entry.hard_wrapped,
            sentences: entry.sentences.0..entry.sentences.1,
            rest: bytes.0,
        }
    }

    /// Document `d`'s id: [`Documents::get`]'s, without the rest.
    pub fn id(&self, d: usize) -> &str {
        self.renamed_id(d)
            .unwrap_or_else(|| Decoder(self.bytes_of(d)).str())
    }

    /// Document `d`'s outlet: [`Documents::get`]'s, without the rest.
    pub fn outlet(&self, d: usize) -> &str {
        &self.outlets[self.outlet_number(d) as usize]
    }

    /// The number of document `d`'s outlet, its place in
    /// [`Documents::outlets`]: what a scan compares outlets by.
    pub fn outlet_number(&self, d: usize) -> u32 {
        self.entries[d].outlet
    }

    /// Document `d`'s sentence ids: [`Documents::get`]'s, without the rest.
    pub fn sentences(&self, d: usize) -> Range<u32> {
        let (start, end) = self.entries[d].sentences;
        start..end
    }

    /// The outlets' names by number, as [`DocumentSpill::finish`] was
    /// given them (a scan's: each outlet once, every one with documents).
    pub fn outlets(&self) -> &[Box<str>] {
        &self.outlets
    }

    /// Gives document `d` a new id.
    pub fn rename(&mut self, d: usize, id: String) {
        assert!(d < self.len(), "no document {d}");
        self.renamed.insert(d as u32, id.into());
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = Document<'_>> {
        (0..self.len()).map(|d| self.get(d))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn bytes_of(&self, d: usize) -> &[u8] {
        let start = if d == 0 {
            0
        } else {
            self.entries[d - 1].end as usize
        };
        &self.bytes.bytes()[start..self.entries[d].end as usize]
    }

    fn renamed_id(&self, d: usize) -> Option<&str> {
        if self.renamed.is_empty() {
            return None;
        }
        self.renamed.get(&(d as u32)).map(|id| &**id)
    }
}

impl fmt::Debug for Documents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Writes documents to temporary files, to be read back as [`Documents`].
pub struct DocumentSpill {
    bytes: Spill,
    entries: RecordSpill<Entry>,
    /// One document's bytes, reused.
    encoded: Vec<u8>,
}

impl DocumentSpill {
    /// A spill into `dir`, or the system's temporary directory (`TMPDIR`).
    pub fn new(dir: Option<&Path>) -> io::Result<DocumentSpill> {
        Ok(DocumentSpill {
            bytes: Spill::new(dir, "documents")?,
            entries: RecordSpill::new(dir, "document records")?,
            encoded: Vec::new(),
        })
    }

    pub fn push(&mut self, document: NewDocument<'_>) -> io::Result<()> {
        let e = &mut self.encoded;
        e.clear();
        put_str(e, Some(document.id));
        for s in [document.published, document.title, document.url] {
            put_str(e, s);
        }
        put_str(e, Some(document.path));
        match document.dateline {
            None => e.push(0),
            Some(dateline) => {
                e.push(1);
                put_str(e, Some(&dateline.place));
                put_str(e, dateline.date.as_deref());
                put_str(e, dateline.agency.as_deref());
                e.extend((dateline.span.start as u64).to_le_bytes());
                e.extend((dateline.span.end as u64).to_le_bytes());
            }
        }
        e.extend((document.credits.len() as u32).to_le_bytes());
        for c in document.credits {
            put_str(e, Some(&c.agency));
            e.push(c.kind as u8);
            put_str(e, Some(&c.text));
            e.extend((c.start as u64).to_le_bytes());
            e.extend((c.end as u64).to_le_bytes());
        }
        self.bytes.write(e)?;
        self.entries.push(Entry {
            end: self.bytes.written(),
            sentences: (document.sentences.start, document.sentences.end),
            outlet: document.outlet,
            hard_wrapped: document.hard_wrapped,
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The documents pushed so far, for reading; `outlets` are the names
    /// of the outlets they were pushed with, by number.
    pub fn finish(self, outlets: Vec<Box<str>>) -> io::Result<Documents> {
        Ok(Documents {
            bytes: self.bytes.finish()?,
            entries: self.entries.finish()?,
            outlets,
            renamed: HashMap::new(),
        })
    }
}

/// A string's encoding (see the module's documentation).
fn put_str(e: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => e.extend(u32::MAX.to_le_bytes()),
        Some(s) => {
            // Within MAX_TEXT_BYTES and JSON Lines' line length, so less
            // than u32::MAX.
            e.extend((s.len() as u32).to_le_bytes());
            e.extend(s.as_bytes());
        }
    }
}

/// Reads back what [`DocumentSpill::push`] wrote, from the front.
struct Decoder<'a>(&'a [u8]);

impl<'a> Decoder<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        taken
    }

    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().expect("four bytes"))
    }

    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take(8).try_into().expect("eight bytes"))
    }

    fn optional_str(&mut self) -> Option<&'a str> {
        match self.u32() {
            u32::MAX => None,
            len => {
                let bytes = self.take(len as usize);
                // Written from a `&str`, in a file that is this process's
                // alone (see `spill`).
                Some(std::str::from_utf8(bytes).expect("a document's strings are UTF-8"))
            }
        }
    }

    fn str(&mut self) -> &'a str {
        self.optional_str().expect("a document's string")
    }

    fn dateline(&mut self) -> Option<Dateline> {
        if self.u8() == 0 {
            return None;
        }
        Some(Dateline {
            place: self.str().into(),
            date: self.optional_str().map(Into::into),
            agency: self.optional_str().map(Into::into),
            span: self.u64() as usize..self.u64() as usize,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn credit(agency: &str, kind: CreditKind, text: &str, start: usize) -> Credit {
        Credit {
            agency: agency.into(),
            kind,
            text: text.into(),
            start,
            end: start + text.len(),
        }
    }

    proptest! {
        /// Every field reads back as it was pushed, whatever the strings
        /// and however many of them are absent.
        #[test]
        fn documents_read_back_as_pushed(
            docs in prop::collection::vec(
                (
                    ".{0,8}",
                    prop::option::of(".{0,8}"),
                    prop::option::of(".{0,8}"),
                    prop::option::of(".{0,8}"),
                    prop::option::of((".{0,5}", prop::option::of("[0-9]{0,3}"), prop::option::of("[A-Z]{0,3}"))),
                    prop::collection::vec((".{0,4}", 0usize..7, ".{0,6}", 0usize..1000), 0..3),
                    any::<bool>(),
                    0u32..2,
                ),
                0..6,
            )
        ) {
            let mut spill = DocumentSpill::new(None).unwrap();
            let mut expected = Vec::new();
            let mut first = 0;
            for (d, (id, published, title, url, dateline, credits, hard_wrapped, outlet)) in docs.into_iter().enumerate() {
                let dateline = dateline.map(|(place, date, agency)| Dateline {
                    place: place.into(),
                    date: date.map(Into::into),
                    agency: agency.map(Into::into),
                    span: d..d + 9,
                });
                let credits: Vec<Credit> = credits
                    .into_iter()
                    .map(|(agency, kind, text, start)| credit(&agency, CreditKind::ALL[kind], &text, start))
                    .collect();
                let path = format!("dump.jsonl:{}", d + 1);
                let sentences = first..first + d as u32;
                first = sentences.end;
                spill.push(NewDocument {
                    id: &id,
                    outlet,
                    published: published.as_deref(),
                    title: title.as_deref(),
                    url: url.as_deref(),
                    path: &path,
                    dateline: dateline.as_ref(),
                    credits: &credits,
                    hard_wrapped,
                    sentences: sentences.clone(),
                }).unwrap();
                expected.push((id, outlet, published, title, url, path, dateline, credits, hard_wrapped, sentences));
            }
            prop_assert_eq!(spill.len(), expected.len());
            let documents = spill.finish(vec!["o0".into(), "o1".into()]).unwrap();
            prop_assert_eq!(documents.len(), expected.len());
            prop_assert_eq!(documents.outlets().len(), 2);
            for (d, (id, outlet, published, title, url, path, dateline, credits, hard_wrapped, sentences)) in expected.iter().enumerate() {
                let doc = documents.get(d);
                prop_assert_eq!(doc.id, id.as_str());
                prop_assert_eq!(documents.id(d), id.as_str());
                prop_assert_eq!(doc.outlet, ["o0", "o1"][*outlet as usize]);
                prop_assert_eq!(documents.outlet(d), doc.outlet);
                prop_assert_eq!(documents.outlet_number(d), *outlet);
                prop_assert_eq!(doc.published, published.as_deref());
                prop_assert_eq!(doc.title, title.as_deref());
                prop_assert_eq!(doc.url, url.as_deref());
                prop_assert_eq!(doc.path, path.as_str());
                prop_assert_eq!(&doc.dateline(), dateline);
                prop_assert_eq!(&doc.credits(), credits);
                prop_assert_eq!(doc.hard_wrapped, *hard_wrapped);
                prop_assert_eq!(&doc.sentences, sentences);
                prop_assert_eq!(documents.sentences(d), sentences.clone());
            }
        }
    }

    /// A document's fixed-size part, in the records' file: 24 bytes per
    /// article, beside its strings.
    #[test]
    fn entry_size() {
        assert_eq!(std::mem::size_of::<Entry>(), 24);
    }

    #[test]
    fn a_renamed_document_reads_back_with_its_new_id() {
        let mut spill = DocumentSpill::new(None).unwrap();
        for id in ["a", "a"] {
            spill
                .push(NewDocument {
                    id,
                    outlet: 0,
                    published: None,
                    title: None,
                    url: None,
                    path: "p",
                    dateline: None,
                    credits: &[credit("AP", CreditKind::Byline, "By AP", 0)],
                    hard_wrapped: false,
                    sentences: 0..0,
                })
                .unwrap();
        }
        let mut documents = spill.finish(vec!["o".into()]).unwrap();
        documents.rename(1, "a#2".into());
        assert_eq!(documents.get(0).id, "a");
        assert_eq!(documents.get(1).id, "a#2");
        assert_eq!(documents.id(1), "a#2");
        // The rest of it is unchanged.
        assert_eq!(documents.get(1).path, "p");
        assert_eq!(documents.get(1).credits()[0].text.as_ref(), "By AP");
    }
}
