//! Sentence profiles: the hashed features both matching tiers and the
//! verifier work from.
//!
//! Two tiers find two strengths of reuse. The verbatim tier shingles every
//! word in order, so syndicated copies collide; the rewrite tier keeps only
//! stemmed content words as a set, so a rewrite that keeps the facts and
//! the vocabulary but not the wording still collides. Figures are masked in
//! both: a copy that changed 600 to 1,000 is still a copy (fact drift is
//! reported later, from the original text).

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;

use foldhash::fast::{FixedState, RandomState};
use std::sync::OnceLock;

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use xxhash_rust::xxh3::{xxh3_128, xxh3_64, xxh3_64_with_seed, Xxh3};

use crate::normalize::{is_number, normalize, Words};
use crate::overlap::Overlap;
use crate::records::{RecordSpill, Records};
use crate::scan::PROGRESS_STEP;
use crate::spill::{Mapped, Spill};

/// The token every figure is replaced with before hashing.
const NUMBER_TOKEN: &str = "#";

/// Seeds keep the two tiers' hash spaces apart.
const WORD_SEED: u64 = 0x5752_4954_4531;
const CONTENT_SEED: u64 = 0x5752_4954_4532;
const NAME_SEED: u64 = 0x5752_4954_4533;

/// What matching needs to know about one sentence, borrowed: from a scan's
/// [`Profiles`], where it lives in a file mapped into memory, or from an
/// [`OwnedProfile`].
///
/// Its parts are back to back: the word hashes, then the content-word,
/// name and shingle hashes. Five vectors and a string per figure cost more
/// in headers and allocator overhead than the hashes themselves on short
/// news sentences. Shingles are stored sorted: the verifier compares them
/// on every candidate pair, and building them there for both sentences was
/// most of its time (held once per distinct text, they cost little).
///
/// Hashes are 32 bits. They are only ever compared between the two
/// sentences of a pair, and two sentences of some 25 words each share a
/// hash by chance about once in 10 million pairs (25 × 25 / 2^32), while
/// 64-bit hashes doubled the profiles, once the largest thing a scan held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile<'a> {
    /// Words, content words, names and shingles (see the accessors).
    hashes: &'a [u32],
    /// The figures, in order, as normalized text, each followed by a space.
    figures: &'a str,
    shape: Shape,
}

/// The fixed-size part of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    /// Where the content words, names and shingles begin in the hashes.
    starts: [u32; 3],
    figure_count: u32,
    /// [`Profile::text_key`] and [`Profile::key`], hashed once: a scan asks
    /// for them per sentence, and most sentences share their profile.
    text_key: u64,
    key: u64,
}

/// A profile that owns its parts: one sentence's, outside a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedProfile {
    hashes: Box<[u32]>,
    figures: Box<str>,
    shape: Shape,
}

impl OwnedProfile {
    /// Profile of a sentence's display text with `k`-word shingles.
    ///
    /// Every distinct sentence of a scan is profiled, so its parts are
    /// built in a vector this thread keeps for the next, and copied out at
    /// their size: the vectors grown one part at a time were a tenth of
    /// fingerprinting's time.
    pub fn new(text: &str, k: usize) -> OwnedProfile {
        PARTS.with_borrow_mut(|hashes| OwnedProfile::build(text, k, hashes))
    }

    fn build(text: &str, k: usize, hashes: &mut Vec<u32>) -> OwnedProfile {
        let normalized = normalize(text);
        let mut figures = String::new();
        let mut figure_count = 0;
        let mut masked: Vec<&str> = Vec::with_capacity(normalized.len() / 4 + 1);
        masked.extend(Words::new(&normalized).map(|w| {
            if is_number(w) {
                figures.extend(w.chars().filter(|&c| c != ','));
                figures.push(' ');
                figure_count += 1;
                NUMBER_TOKEN
            } else {
                w
            }
        }));
        hashes.clear();
        hashes.extend(masked.iter().map(|w| hash32(w.as_bytes(), WORD_SEED)));
        let mut starts = [0u32; 3];
        starts[0] = hashes.len() as u32;
        content_words(&masked, hashes);
        starts[1] = hashes.len() as u32;
        let mut lower = String::new();
        extend_sorted_distinct(hashes, names(text, &mut lower));
        starts[2] = hashes.len() as u32;
        push_shingles(hashes, starts[0] as usize, k);
        sort_distinct_from(hashes, starts[2] as usize);
        let mut profile = OwnedProfile {
            hashes: hashes.as_slice().into(),
            figures: figures.into_boxed_str(),
            shape: Shape {
                starts,
                figure_count,
                text_key: 0,
                key: 0,
            },
        };
        profile.shape.text_key = profile.view().hash_text();
        profile.shape.key = profile.view().hash_whole();
        profile
    }

    pub fn view(&self) -> Profile<'_> {
        Profile {
            hashes: &self.hashes,
            figures: &self.figures,
            shape: self.shape,
        }
    }
}

impl<'a> Profile<'a> {
    /// Hash of each word in order, figures masked.
    pub fn words(self) -> &'a [u32] {
        &self.hashes[..self.shape.starts[0] as usize]
    }

    /// Sorted, distinct hashes of word `k`-shingles (verbatim tier): what
    /// MinHash and the verifier take.
    pub fn shingles(self) -> &'a [u32] {
        &self.hashes[self.shape.starts[2] as usize..]
    }

    /// Sorted, distinct hashes of stemmed content words (rewrite tier).
    pub fn content(self) -> &'a [u32] {
        &self.hashes[self.shape.starts[0] as usize..self.shape.starts[1] as usize]
    }

    /// Sorted, distinct hashes of capitalised words after the first: a
    /// cheap stand-in for the names a claim is about.
    pub fn names(self) -> &'a [u32] {
        &self.hashes[self.shape.starts[1] as usize..self.shape.starts[2] as usize]
    }

    /// The figures, in order, as normalized text without thousands
    /// separators (for drift and scoring).
    pub fn numbers(self) -> impl Iterator<Item = &'a str> + Clone {
        self.figures.split_terminator(' ')
    }

    /// How many figures the sentence has.
    pub fn figure_count(self) -> usize {
        self.shape.figure_count as usize
    }

    /// Calls `f` with the sorted, distinct word hashes. Computed when
    /// asked, not stored: only pairs that pass the verifier's first checks
    /// need them, and a profile is held for every sentence of a scan.
    pub fn with_distinct_words<R>(self, f: impl FnOnce(&[u32]) -> R) -> R {
        with_sorted_distinct(self.words().iter().copied(), f)
    }

    /// Calls `f` with the sorted, distinct hashes of adjacent word pairs;
    /// computed when asked, like [`Profile::with_distinct_words`].
    pub fn with_bigrams<R>(self, f: impl FnOnce(&[u32]) -> R) -> R {
        let words = self.words();
        with_sorted_distinct(words.windows(2).map(|w| w[0].rotate_left(17) ^ w[1]), f)
    }

    /// One hash of the words and figures in order: equal for sentences
    /// that differ only in case, typography and punctuation.
    pub fn text_key(self) -> u64 {
        self.shape.text_key
    }

    fn hash_text(self) -> u64 {
        let mut bytes = Vec::with_capacity(self.words().len() * 4);
        for w in self.words() {
            bytes.extend_from_slice(&w.to_le_bytes());
        }
        for n in self.numbers() {
            bytes.extend_from_slice(n.as_bytes());
            bytes.push(0);
        }
        xxh3_64(&bytes)
    }

    /// One hash of the whole profile: sentences with equal keys look the
    /// same to everything that compares profiles (see [`crate::wording`]).
    /// Unlike [`Profile::text_key`] it covers the names, which keep their
    /// case.
    pub fn key(self) -> u64 {
        self.shape.key
    }

    fn hash_whole(self) -> u64 {
        // The shingles follow from the words, so they are left out.
        let mut hasher = Xxh3::new();
        let derived = self.shape.starts[2] as usize;
        for h in self.hashes[..derived].iter().chain(&self.shape.starts[..2]) {
            hasher.update(&h.to_le_bytes());
        }
        hasher.update(self.figures.as_bytes());
        hasher.digest()
    }

    /// Sentences with too little text to fingerprint reliably. Figures do
    /// not count: they are masked, so "July 15, 2018" and "July 16, 2018"
    /// look alike and only the words around them tell sentences apart.
    pub fn is_too_short(self, min_words: usize) -> bool {
        self.words().len() - self.figure_count() < min_words
    }
}

/// A text's 128-bit xxh3, as two halves: 8 bytes less a sentence than a
/// `u128`, whose alignment would pad a `(u128, u32)` to 32.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct TextHash(u64, u64);

impl TextHash {
    fn of(text: &str) -> TextHash {
        let h = xxh3_128(text.as_bytes());
        TextHash((h >> 64) as u64, h as u64)
    }
}

/// Distinct texts profiled at once before their profiles are spilled. Two
/// batches are held, one spilled while the next is profiled: half of what
/// one batch was before they overlapped.
const PROFILE_BATCH: usize = 1 << 15;

/// One profile per distinct sentence text, shared by the sentences that
/// have it: a syndicated dump prints most of its sentences many times
/// over. Indexed by sentence id, like the sentences.
///
/// The profiles' hashes and figures are as large as a third of the input,
/// and were among the largest things a scan held, so they are spilled to
/// temporary files and mapped (see [`crate::spill`]). The heap keeps a
/// fixed-size record per distinct text and its number per sentence.
#[derive(Debug, Default)]
pub struct Profiles {
    /// Every distinct text's hashes, back to back, as `u32`s.
    hashes: Mapped,
    /// Every distinct text's figures, back to back, as UTF-8.
    figures: Mapped,
    /// Per distinct text, in order of first sentence. Like the numbers
    /// below, one per text or sentence, so in a temporary file too (see
    /// [`crate::records`]).
    records: Records<Record>,
    /// Per sentence, its text's number in `records`.
    of_sentence: Records<u32>,
}

/// Where a distinct text's parts end in [`Profiles`]' files (its parts
/// start where the previous text's end), and its shape.
#[derive(Debug, Clone, Copy)]
struct Record {
    hashes_end: u64,
    figures_end: u64,
    shape: Shape,
}

impl Profiles {
    /// The profiles of `n` sentences, `text(i)` being sentence `i`'s, with
    /// `k`-word shingles, spilled to `dir` (as [`crate::spill::Spill::new`]).
    /// `advance(m)` is told as the profiles of `m` more sentences are known.
    pub fn of_texts<'a>(
        n: usize,
        text: impl Fn(usize) -> &'a str + Sync,
        k: usize,
        dir: Option<&Path>,
        advance: impl Fn(u64) + Sync,
    ) -> io::Result<Profiles> {
        let text_of = |id: u32| text(id as usize);
        // Texts are one when their 128-bit hashes are, as paragraphs are
        // in drafting: two different texts among a billion share one by
        // chance with odds below 10^-20. Comparing the texts themselves
        // read them in the order of their hashes, no order at all in the
        // file they are mapped from, and when memory ran short that
        // re-read the same pages from disk again and again.
        let mut keyed: Vec<(TextHash, u32)> = (0..n as u32)
            .into_par_iter()
            .map(|id| (TextHash::of(text_of(id)), id))
            .collect();
        keyed.par_sort_unstable();
        let mut runs: Vec<&[(TextHash, u32)]> = keyed.chunk_by(|x, y| x.0 == y.0).collect();
        // Numbered in order of first sentence, whatever the hashes.
        runs.par_sort_unstable_by_key(|run| run[0].1);
        let mut of_sentence = Records::filled(n, 0u32, dir, "sentence profiles")?;
        for (index, run) in runs.iter().enumerate() {
            for &(_, id) in *run {
                of_sentence[id as usize] = index as u32;
            }
        }
        // Only read from here on: written back, its pages can be dropped.
        of_sentence.write_to_disk()?;
        let mut hashes = Spill::new(dir, "sentence profiles")?;
        let mut figures = Spill::new(dir, "sentence profiles")?;
        let mut records = RecordSpill::new(dir, "sentence profiles")?;
        let mut write = |made: Vec<OwnedProfile>| -> io::Result<()> {
            for profile in made {
                hashes.write(bytemuck::cast_slice(&profile.hashes))?;
                figures.write(profile.figures.as_bytes())?;
                records.push(Record {
                    hashes_end: hashes.written() / 4,
                    figures_end: figures.written(),
                    shape: profile.shape,
                })?;
            }
            Ok(())
        };
        let mut overlap = Overlap::new();
        for batch in runs.chunks(PROFILE_BATCH) {
            let make = || {
                batch
                    .par_chunks(PROGRESS_STEP)
                    .flat_map_iter(|chunk| {
                        advance(chunk.iter().map(|run| run.len() as u64).sum());
                        chunk
                            .iter()
                            .map(|run| OwnedProfile::new(text_of(run[0].1), k))
                    })
                    .collect()
            };
            overlap.next(make, &mut write)?;
        }
        overlap.finish(write)?;
        Ok(Profiles {
            hashes: hashes.finish()?,
            figures: figures.finish_text()?,
            records: records.finish()?,
            of_sentence,
        })
    }

    /// The bytes of the profiles' files.
    pub fn file_bytes(&self) -> u64 {
        (self.hashes.bytes().len()
            + self.figures.bytes().len()
            + std::mem::size_of_val(&*self.records)
            + std::mem::size_of_val(&*self.of_sentence)) as u64
    }

    /// Tells the kernel that the profiles will be read here and there (by
    /// verifying pairs, clustering and provenance), not in order: see
    /// [`Mapped::expect_random_reads`]. Until then they are read in the
    /// order of their sentences (grouping wordings, copying the LSH tiers'
    /// sets) or in sweeps (verifying), and a page missing from memory is
    /// best read with the pages after it: read alone, the copies near a
    /// 1 GB dump's memory floor took a page from disk at a time, most of
    /// the candidates stage.
    pub fn expect_random_reads(&self) {
        self.hashes.expect_random_reads();
        self.figures.expect_random_reads();
        self.records.expect_random_reads();
        self.of_sentence.expect_random_reads();
    }

    /// Sentence `id`'s profile. Panics when there is no such sentence, like
    /// a slice.
    pub fn get(&self, id: u32) -> Profile<'_> {
        let number = self.of_sentence[id as usize] as usize;
        let record = &self.records[number];
        let (hashes_start, figures_start) = match number.checked_sub(1) {
            Some(before) => (
                self.records[before].hashes_end as usize,
                self.records[before].figures_end as usize,
            ),
            None => (0, 0),
        };
        let hashes: &[u32] = match self.hashes.bytes() {
            [] => &[],
            bytes => bytemuck::cast_slice(bytes),
        };
        let figures = &self.figures.bytes()[figures_start..record.figures_end as usize];
        Profile {
            hashes: &hashes[hashes_start..record.hashes_end as usize],
            // SAFETY: `finish_text` checked that the figures are UTF-8, and each
            // text's were written whole from a `str`, so they start and end
            // on character boundaries.
            figures: unsafe { std::str::from_utf8_unchecked(figures) },
            shape: record.shape,
        }
    }

    /// The number of sentence `id`'s text among the distinct texts: two
    /// sentences have the same number exactly when their texts are equal
    /// (by their 128-bit hashes: see [`Profiles::of_texts`]).
    pub fn text_number(&self, id: u32) -> u32 {
        self.of_sentence[id as usize]
    }

    /// How many sentences there are.
    pub fn len(&self) -> usize {
        self.of_sentence.len()
    }

    pub fn is_empty(&self) -> bool {
        self.of_sentence.is_empty()
    }
}

/// Appends the hash of every `k`-shingle of the `words` word hashes that
/// begin `hashes`, in order. Shingles combine the word hashes rather than
/// rehashing the text; a sentence shorter than `k` words is one shingle,
/// so it can still match an identical sentence.
fn push_shingles(hashes: &mut Vec<u32>, words: usize, k: usize) {
    let k = k.clamp(1, words.max(1));
    // By index: the windows are read from the vector they go to.
    for i in 0..(words + 1).saturating_sub(k) {
        let shingle = combine_shingle(&hashes[i..i + k]);
        hashes.push(shingle);
    }
}

/// One shingle's hash from its words' hashes. The final avalanche spreads
/// nearby windows over all bits.
fn combine_shingle(window: &[u32]) -> u32 {
    let h = window.iter().fold(window.len() as u64, |h, &w| {
        (h.rotate_left(23) ^ u64::from(w)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
    });
    let h = (h ^ (h >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    ((h ^ (h >> 29)) >> 32) as u32
}

/// Calls `f` with `hashes` sorted and deduplicated, on the stack rather
/// than in a new vector when they are not unusually many: the verifier
/// builds such sets for both sentences of every pair it looks at closely.
fn with_sorted_distinct<R>(
    hashes: impl ExactSizeIterator<Item = u32>,
    f: impl FnOnce(&[u32]) -> R,
) -> R {
    const ON_STACK: usize = 64;
    if hashes.len() > ON_STACK {
        return f(&sorted_distinct(hashes.collect()));
    }
    let mut buffer = [0u32; ON_STACK];
    let mut n = 0;
    for h in hashes {
        buffer[n] = h;
        n += 1;
    }
    buffer[..n].sort_unstable();
    let mut distinct = 0;
    for i in 0..n {
        if distinct == 0 || buffer[distinct - 1] != buffer[i] {
            buffer[distinct] = buffer[i];
            distinct += 1;
        }
    }
    f(&buffer[..distinct])
}

/// Sorted and deduplicated.
fn sorted_distinct(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

/// Capitalised words that do not open the sentence, lower-cased (an ASCII
/// one in `lower`, reused from name to name).
fn names<'a>(text: &'a str, lower: &'a mut String) -> impl Iterator<Item = u32> + 'a {
    text.split_whitespace()
        .skip(1)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .map(move |w| {
            // `to_lowercase` allocates, and minds a Greek final sigma.
            if w.is_ascii() {
                lower.clear();
                lower.push_str(w);
                lower.make_ascii_lowercase();
                hash32(lower.as_bytes(), NAME_SEED)
            } else {
                hash32(w.to_lowercase().as_bytes(), NAME_SEED)
            }
        })
}

/// Appends the stemmed words that are neither stop words nor figures to
/// `hashes`, sorted and without repeats.
fn content_words(words: &[&str], hashes: &mut Vec<u32>) {
    let stop = stop_words();
    STEMS.with_borrow_mut(|stems| {
        let content = words
            .iter()
            .filter(|w| **w != NUMBER_TOKEN && !stop.contains(*w))
            .map(|w| stems.content_hash(w.strip_suffix("'s").unwrap_or(w)));
        extend_sorted_distinct(hashes, content);
    });
}

/// Appends `new`, sorted and without repeats, to `hashes`.
fn extend_sorted_distinct(hashes: &mut Vec<u32>, new: impl IntoIterator<Item = u32>) {
    let from = hashes.len();
    hashes.extend(new);
    sort_distinct_from(hashes, from);
}

/// Sorts `hashes[from..]` and drops its repeats.
fn sort_distinct_from(hashes: &mut Vec<u32>, from: usize) {
    hashes[from..].sort_unstable();
    let mut kept = from;
    for read in from..hashes.len() {
        if kept == from || hashes[read] != hashes[kept - 1] {
            hashes[kept] = hashes[read];
            kept += 1;
        }
    }
    hashes.truncate(kept);
}

thread_local! {
    /// The parts of the profile being built, see [`OwnedProfile::new`].
    static PARTS: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    static STEMS: RefCell<StemCache> = RefCell::new(StemCache::default());
}

/// Content-word hashes of words already stemmed on this thread. News
/// vocabulary repeats (Zipf), and the Snowball stemmer was the largest
/// single cost of profiling a sentence.
#[derive(Default)]
struct StemCache {
    /// foldhash, with a seed per process: the keys are the input's words.
    hash_of: HashMap<Box<str>, u32, RandomState>,
}

impl StemCache {
    /// Words kept before the cache starts over, so a dump with an endless
    /// vocabulary (tokens, IDs, typos) cannot grow it without bound.
    const CAPACITY: usize = 1 << 18;

    fn content_hash(&mut self, word: &str) -> u32 {
        if let Some(&hash) = self.hash_of.get(word) {
            return hash;
        }
        let hash = hash32(stemmer().stem(word).as_bytes(), CONTENT_SEED);
        if self.hash_of.len() >= Self::CAPACITY {
            self.hash_of.clear();
        }
        self.hash_of.insert(word.into(), hash);
        hash
    }
}

/// The high half of a seeded xxh3.
fn hash32(bytes: &[u8], seed: u64) -> u32 {
    (xxh3_64_with_seed(bytes, seed) >> 32) as u32
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The pinned stop-word list: it decides what counts as a content word, so
/// it lives in the repository rather than in a crate that may change it.
pub fn stop_words() -> &'static HashSet<&'static str, FixedState> {
    static STOP: OnceLock<HashSet<&'static str, FixedState>> = OnceLock::new();
    STOP.get_or_init(|| {
        include_str!("data/stopwords_en.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Shared profiles are each sentence's own, and equal texts, and only
        /// they, share profile and number.
        #[test]
        fn profiles_are_each_texts_own(
            texts in proptest::collection::vec("(Rebels|rebels|took|600|1,000|the|town)( (Rebels|rebels|took|600|1,000|the|town)){0,4}\\.?", 0..30),
        ) {
            let profiles = Profiles::of_texts(texts.len(), |i| &texts[i], 3, None, |_| {}).unwrap();
            prop_assert_eq!(profiles.len(), texts.len());
            for (i, text) in texts.iter().enumerate() {
                let profile = profiles.get(i as u32);
                let owned = OwnedProfile::new(text, 3);
                prop_assert_eq!(profile, owned.view());
                for (j, other) in texts.iter().enumerate() {
                    // Every text has a word, so two profiles' hashes start
                    // at one place only when they are one profile.
                    let shared = std::ptr::eq(profile.hashes, profiles.get(j as u32).hashes);
                    prop_assert_eq!(shared, text == other);
                    let same_number =
                        profiles.text_number(i as u32) == profiles.text_number(j as u32);
                    prop_assert_eq!(same_number, text == other);
                }
            }
        }
    }

    #[test]
    fn figures_are_masked_but_kept() {
        let a = OwnedProfile::new("At least 600 troops were killed.", 3);
        let a = a.view();
        let b = OwnedProfile::new("At least 1,000 troops were killed.", 3);
        let b = b.view();
        assert_eq!(a.shingles(), b.shingles());
        assert_eq!(a.content(), b.content());
        assert_eq!(a.numbers().collect::<Vec<_>>(), ["600"]);
        assert_eq!(b.numbers().collect::<Vec<_>>(), ["1000"]);
    }

    #[test]
    fn shingles_are_the_sorted_distinct_window_hashes_at_any_length() {
        // Repeated phrases make repeated windows.
        for n in [0, 1, 2, 3, 4, 20, 63, 64, 65, 66, 200] {
            let text: Vec<String> = (0..n).map(|i| format!("word{}", i % 7)).collect();
            let profile = OwnedProfile::new(&text.join(" "), 3);
            let profile = profile.view();
            let words = profile.words();
            let k = words.len().clamp(1, 3);
            let mut expected: Vec<u32> = words.windows(k).map(combine_shingle).collect();
            expected.sort_unstable();
            expected.dedup();
            assert_eq!(profile.shingles(), expected, "{n} words");
            // Seven words in a cycle make at most seven distinct windows.
            let distinct = match n {
                0 => 0,
                1..=3 => 1,
                _ => (n - 2).min(7),
            };
            assert_eq!(expected.len(), distinct, "{n} words");
        }
    }

    #[test]
    fn shingles_follow_word_order() {
        let a = OwnedProfile::new("troops were sent to Russia", 3);
        let a = a.view();
        let b = OwnedProfile::new("Russia were sent to troops", 3);
        let b = b.view();
        assert_ne!(a.shingles(), b.shingles());
        assert_eq!(a.content(), b.content(), "content words are a set");
        assert_eq!(a.shingles().len(), 3);
    }

    #[test]
    fn short_sentences_are_one_shingle() {
        assert_eq!(OwnedProfile::new("He left.", 3).view().shingles().len(), 1);
        assert!(OwnedProfile::new("", 3).view().shingles().is_empty());
    }

    #[test]
    fn content_words_are_stemmed_without_stop_words() {
        let a = OwnedProfile::new("The troops said they dispatched", 3);
        let a = a.view();
        let b = OwnedProfile::new("troop dispatch", 3);
        let b = b.view();
        assert_eq!(a.content(), b.content());
    }
}
