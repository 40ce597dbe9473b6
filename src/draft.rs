//! Drafting: an article's text cut into the sentences a scan matches, each
//! with its span, its display text and, for page furniture, why it is
//! boilerplate.
//!
//! Syndicated copies repeat whole paragraphs, and what a paragraph becomes
//! depends on its text alone, so each distinct paragraph is drafted once
//! and its sentences are reused wherever it recurs.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Mutex;

use foldhash::fast::FixedState;
use xxhash_rust::xxh3::xxh3_128;

use crate::boilerplate::{Boilerplate, Line};
use crate::clean;
use crate::credits::{Credit, Wires};
use crate::dateline::Dateline;
use crate::segment::{self, display_text};

/// One sentence before matching.
#[derive(Debug, PartialEq)]
pub(crate) struct Draft {
    pub span: Range<usize>,
    pub text: String,
    pub boilerplate: Option<Boilerplate>,
    /// Key of its paragraph when short enough to be page furniture.
    pub line_key: Option<u64>,
}

/// One article before matching.
#[derive(Debug, PartialEq)]
pub(crate) struct DraftDocument {
    pub sentences: Vec<Draft>,
    pub dateline: Option<Dateline>,
    pub credits: Vec<Credit>,
    pub hard_wrapped: bool,
}

/// Drafts articles, on any number of threads at once, remembering every
/// distinct paragraph it has drafted until it is dropped.
pub(crate) struct Drafter<'a> {
    wires: &'a Wires,
    shards: Vec<Mutex<Shard>>,
}

const SHARDS: usize = 64;

/// Paragraphs a shard remembers before it forgets them all and starts
/// again: 64 × 8,192, about half a million paragraphs, at most about
/// 70 MiB with the room their vectors and tables grow. The memory grew
/// with the dump, 89 MiB of the heap's peak on a 200 MB dump,
/// while copies of a paragraph are seldom far apart in a dump (a story's
/// copies are published within days); forgetting changes only the time
/// drafting takes, never a draft.
const SHARD_PARAGRAPHS: usize = 1 << 13;

/// Drafted paragraphs by the 128-bit hash of their text (two texts share
/// one by chance about once in 10^26 pairs of paragraphs of a dump of
/// millions), in shards that threads seldom wait for. The drafts are kept
/// in a few large vectors rather than an allocation each: they are freed
/// when drafting ends, and small allocations freed between the sentences'
/// own would leave the allocator little memory it could give back.
#[derive(Default)]
struct Shard {
    index: HashMap<u128, u32, FixedState>,
    paragraphs: Vec<Paragraph>,
    /// The sentences of all paragraphs, each paragraph's in a run.
    sentences: Vec<Range<usize>>,
}

impl Shard {
    /// Forgets every paragraph, keeping the room they took.
    fn forget(&mut self) {
        self.index.clear();
        self.paragraphs.clear();
        self.sentences.clear();
    }
}

/// A drafted paragraph; spans are relative to the paragraph.
#[derive(Clone, Default)]
struct Paragraph {
    /// Its run of sentences in its shard's (or in a [`Drafted`]).
    sentences: Range<u32>,
    /// Set when the whole paragraph is one boilerplate sentence.
    boilerplate: Option<Boilerplate>,
    line_key: Option<u64>,
    dateline: Option<Box<Dateline>>,
}

/// One paragraph's draft, outside the shards.
struct Drafted {
    paragraph: Paragraph,
    sentences: Vec<Range<usize>>,
}

impl<'a> Drafter<'a> {
    pub fn new(wires: &'a Wires) -> Drafter<'a> {
        Drafter {
            wires,
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    pub fn draft(&self, text: &str) -> DraftDocument {
        let layout = clean::layout(text);
        let mut sentences = Vec::new();
        let mut dateline = None;
        let mut drafted = Drafted {
            paragraph: Paragraph::default(),
            sentences: Vec::new(),
        };
        for range in &layout.paragraphs {
            self.paragraph(&layout.text[range.clone()], &mut drafted);
            let paragraph = &drafted.paragraph;
            let at = range.start;
            if dateline.is_none() {
                dateline = paragraph.dateline.as_deref().cloned().map(|mut d| {
                    d.span = d.span.start + at..d.span.end + at;
                    d
                });
            }
            sentences.extend(drafted.sentences.iter().map(|span| {
                let span = span.start + at..span.end + at;
                Draft {
                    text: display_text(&layout.text[span.clone()]),
                    span,
                    boilerplate: paragraph.boilerplate,
                    line_key: paragraph.line_key,
                }
            }));
        }
        DraftDocument {
            sentences,
            dateline,
            credits: self.wires.credits(&layout.text),
            hard_wrapped: layout.hard_wrapped,
        }
    }

    /// Puts the draft of the paragraph `text` in `out`, from memory when
    /// it was met before. Two threads that meet a new paragraph at once
    /// both draft it, and get the same.
    fn paragraph(&self, text: &str, out: &mut Drafted) {
        let key = xxh3_128(text.as_bytes());
        let shard = &self.shards[key as usize % SHARDS];
        {
            let shard = shard.lock().expect("no drafting thread panics");
            if let Some(&at) = shard.index.get(&key) {
                let known = &shard.paragraphs[at as usize];
                out.sentences.clear();
                out.sentences.extend_from_slice(
                    &shard.sentences[known.sentences.start as usize..known.sentences.end as usize],
                );
                out.paragraph = known.clone();
                return;
            }
        }
        *out = Drafted::new(text);
        let mut shard = shard.lock().expect("no drafting thread panics");
        if shard.index.contains_key(&key) {
            return;
        }
        if shard.paragraphs.len() == SHARD_PARAGRAPHS {
            shard.forget();
        }
        let at = shard.paragraphs.len() as u32;
        let first = shard.sentences.len() as u32;
        shard.sentences.extend_from_slice(&out.sentences);
        let mut kept = out.paragraph.clone();
        kept.sentences = first..shard.sentences.len() as u32;
        shard.paragraphs.push(kept);
        shard.index.insert(key, at);
    }
}

impl Drafted {
    fn new(text: &str) -> Drafted {
        let line = Line::new(text);
        let line_key = line.key();
        if let Some(kind) = line.classify() {
            return Drafted {
                paragraph: Paragraph {
                    sentences: 0..1,
                    boilerplate: Some(kind),
                    line_key,
                    dateline: None,
                },
                sentences: std::iter::once(0..text.len()).collect(),
            };
        }
        let (spans, dateline) = segment::sentences(text, 0..text.len());
        Drafted {
            paragraph: Paragraph {
                sentences: 0..spans.len() as u32,
                boilerplate: None,
                line_key,
                dateline: dateline.map(Box::new),
            },
            sentences: spans,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENING: &str = "SEOUL, April 30 (Yonhap) -- South Korea's army said on Tuesday it fired warning shots. Officials gave no details.";
    const CLOSING: &str =
        "\"We are watching closely,\" a spokesman said. He declined to comment further.";

    /// Articles that share paragraphs at other offsets, with page
    /// furniture among them.
    fn articles() -> Vec<String> {
        vec![
            format!("{OPENING}\n\n{CLOSING}"),
            format!(
                "Share this article\n\n{OPENING}\n\nThe ministry called a meeting.\n\n{CLOSING}"
            ),
            format!("Advertisement\n\nThe ministry called a meeting.\n\n{OPENING}"),
        ]
    }

    #[test]
    fn a_remembered_paragraph_drafts_as_a_new_one() {
        let wires = Wires::default();
        let remembering = Drafter::new(&wires);
        let texts = articles();
        for _ in 0..2 {
            for text in &texts {
                let fresh = Drafter::new(&wires).draft(text);
                assert_eq!(remembering.draft(text), fresh);
            }
        }
    }

    #[test]
    fn spans_are_the_articles_own() {
        let wires = Wires::default();
        let drafter = Drafter::new(&wires);
        for text in articles() {
            let layout = clean::layout(&text);
            let drafted = drafter.draft(&text);
            let dateline = drafted.dateline.as_ref().expect("each opens with one");
            assert!(layout.text[dateline.span.clone()].starts_with("SEOUL, April 30 (Yonhap) --"));
            for d in &drafted.sentences {
                assert_eq!(d.text, display_text(&layout.text[d.span.clone()]));
            }
            let opening: Vec<&str> = drafted
                .sentences
                .iter()
                .filter(|d| d.boilerplate.is_none())
                .map(|d| d.text.as_str())
                .filter(|t| t.contains("warning shots") || t.starts_with("Officials"))
                .collect();
            assert_eq!(
                opening,
                [
                    "South Korea's army said on Tuesday it fired warning shots.",
                    "Officials gave no details."
                ]
            );
        }
    }
}
