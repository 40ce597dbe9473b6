//! The whole pipeline over a corpus: from articles to labelled sentences
//! and families.

use std::collections::{HashMap, HashSet};
use std::io;
use std::mem::take;
use std::ops::Range;
use std::path::PathBuf;

use foldhash::fast::FixedState;
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

use crate::article::{Article, MAX_TEXT_BYTES};
use crate::boilerplate::{Boilerplate, RepeatCounter};
use crate::claim::ClaimViews;
use crate::cluster::{self, Edge, Family};
use crate::credits::Wires;
use crate::documents::{DocumentSpill, NewDocument};
use crate::draft::{DraftDocument, Drafter};
use crate::idf::{common_words, uncommon, Rarity};
use crate::lsh::{self, Banding};
use crate::minhash::MinHasher;
use crate::overlap::Overlap;
use crate::provenance::{self, Provenance};
use crate::records::{RecordSpill, Records};
use crate::semantic::{Semantic, SentenceVectors};
use crate::sets::Sets;
use crate::shingle::Profiles;
use crate::similarity::{sentence_match, Reuse, Verifier};
use crate::texts::{TextSpill, Texts};
use crate::wording::Wordings;

/// Everything a scan can be tuned with. The defaults are the calibrated
/// ones documented in the README.
#[derive(Debug, Clone, Serialize)]
pub struct ScanConfig {
    /// Words per shingle in the verbatim tier.
    pub shingle_size: usize,
    /// MinHash permutations per tier.
    pub num_perm: usize,
    /// Shingle Jaccard the verbatim tier's LSH aims at.
    pub verbatim_threshold: f64,
    /// Content-word Jaccard the rewrite tier's LSH aims at.
    pub rewrite_threshold: f64,
    /// Fixed bands per tier (rows follow from `num_perm`); `None` derives
    /// bands and rows from the thresholds.
    pub bands: Option<usize>,
    /// Find rewrites too, not only copies.
    pub rewrites: bool,
    /// Sentences with fewer words never join a family.
    pub min_words: usize,
    /// A rewrite must share at least this rarity-weighted share of its
    /// content words ([`Rarity::weighted_containment`]): shared story
    /// vocabulary alone does not make two sentences one claim.
    pub min_specificity: f64,
    /// The rewrite tier's LSH leaves out content words in more than this
    /// share of the wordings (and in more than [`COMMON_AT_LEAST`]): pairs
    /// that share only such words are no rewrite by `min_specificity`, yet
    /// they were most of its candidates on a large dump.
    pub common_word_share: f64,
    /// The rewrite tier's LSH also leaves out content words in more than
    /// this many wordings, whatever their share, so that its chance
    /// candidates grow with the dump, not with its square
    /// ([`common_words`]).
    pub common_word_cap: u32,
    /// A short line in this many documents of one outlet is boilerplate.
    pub boilerplate_min_documents: u32,
    pub seed: u64,
    #[serde(skip)]
    pub verifier: Verifier,
    /// The semantic tier, when a model is loaded.
    #[serde(skip)]
    pub semantic: Option<Semantic>,
    /// Wire services beyond the built-in list.
    #[serde(skip)]
    pub wires: Wires,
    /// Where sentence texts, profiles and records are spilled; `None` is
    /// the system's temporary directory.
    #[serde(skip)]
    pub temp_dir: Option<PathBuf>,
}

impl Default for ScanConfig {
    fn default() -> ScanConfig {
        ScanConfig {
            shingle_size: 3,
            num_perm: 128,
            verbatim_threshold: 0.5,
            rewrite_threshold: 0.3,
            bands: None,
            rewrites: true,
            min_words: 5,
            min_specificity: 0.5,
            common_word_share: 0.01,
            common_word_cap: COMMON_CAP,
            boilerplate_min_documents: 3,
            seed: 0x7769_7265_7472_6163,
            verifier: Verifier::default(),
            semantic: None,
            wires: Wires::default(),
            temp_dir: None,
        }
    }
}

impl ScanConfig {
    fn banding(&self, threshold: f64) -> Banding {
        match self.bands {
            Some(bands) => {
                let bands = bands.clamp(1, self.num_perm.max(1));
                Banding {
                    bands,
                    rows: (self.num_perm / bands).max(1),
                }
            }
            None => Banding::for_threshold(threshold, self.num_perm),
        }
    }
}

/// A word in this many wordings or fewer is never common by its share
/// ([`ScanConfig::common_word_share`]), only by a lower
/// [`ScanConfig::common_word_cap`]: in a small corpus a share says little.
pub const COMMON_AT_LEAST: u32 = 100;

/// The default [`ScanConfig::common_word_cap`]: with the default share it
/// takes over at 100,000 wordings (about 30 MB of news). Wordings, not
/// sentences, are counted, so a story syndicated word for word to a
/// thousand outlets counts once; its words pass the cap only when it is
/// told in a thousand different wordings, and then its lexical rewrites
/// are found only through the rarer words they share.
pub const COMMON_CAP: u32 = 1000;

/// What a sentence is, in the report's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    Verbatim,
    Edited,
    Rewritten,
    Original,
    Boilerplate,
}

impl Label {
    pub const ALL: [Label; 5] = [
        Label::Verbatim,
        Label::Edited,
        Label::Rewritten,
        Label::Original,
        Label::Boilerplate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Verbatim => "verbatim",
            Label::Edited => "edited",
            Label::Rewritten => "rewritten",
            Label::Original => "original",
            Label::Boilerplate => "boilerplate",
        }
    }

    /// Shared with another outlet in some form.
    pub fn is_reuse(self) -> bool {
        matches!(self, Label::Verbatim | Label::Edited | Label::Rewritten)
    }
}

impl From<Reuse> for Label {
    fn from(r: Reuse) -> Label {
        match r {
            Reuse::Verbatim => Label::Verbatim,
            Reuse::Edited => Label::Edited,
            Reuse::Rewritten => Label::Rewritten,
        }
    }
}

/// The closest sentence in another outlet.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Match {
    /// Sentence id of the match.
    pub sentence: u32,
    pub similarity: f64,
    pub reuse: Reuse,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sentence {
    pub doc: u32,
    /// Position within its document.
    pub index: u32,
    /// Byte span in the document's text (32-bit: see
    /// [`crate::article::MAX_TEXT_BYTES`]).
    pub span: Range<u32>,
    pub label: Label,
    pub boilerplate: Option<Boilerplate>,
    /// Index of an earlier identical sentence in the same document.
    pub repeat_of: Option<u32>,
    pub family: Option<u32>,
    pub best: Option<Match>,
}

pub use crate::documents::{Document, Documents};

/// Counts worth a line in the summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Sentences taken as one wording each (see [`crate::wording`]).
    pub wordings: usize,
    /// Pairs of wordings the verifier judged.
    pub candidate_pairs: usize,
    /// Pairs of sentences the verified pairs of wordings stand for.
    pub verified_pairs: usize,
    pub verbatim_banding: (usize, usize),
    pub rewrite_banding: (usize, usize),
    /// Distinct wordings the semantic tier embedded.
    pub embedded_wordings: usize,
    /// Distinct wordings, when there were too many for the semantic tier
    /// and it was skipped.
    pub semantic_skipped: Option<usize>,
}

#[derive(Debug, Default)]
pub struct ScanResult {
    /// In temporary files (see [`crate::documents`]).
    pub documents: Documents,
    /// In a temporary file (see [`crate::records`]).
    pub sentences: Records<Sentence>,
    /// Each sentence's display text (its span with whitespace collapsed),
    /// by sentence id.
    pub texts: Texts,
    pub families: Vec<Family>,
    pub provenance: Provenance,
    pub stats: Stats,
}

/// Candidate pairs verified at once; see the verify stage in [`scan`].
const VERIFY_SLICE: usize = 1 << 20;

/// The profiles' bytes whose wordings' pairs are verified in one block;
/// see the verify stage in [`scan`].
const VERIFY_BLOCK_BYTES: u64 = 256 << 20;

/// Items a stage tells its progress of at once, where there are millions
/// of them (sentences, candidate pairs): the bar's counter is shared by
/// all threads, and bumping it per item cost about 6 % of a full scan's
/// CPU time when bars were drawn (25 MB dump, three alternating runs of
/// each under `script`, 17.2 s against 16.2 s).
pub(crate) const PROGRESS_STEP: usize = 1024;

/// Reports progress of long stages; the library draws nothing itself.
pub trait Progress: Sync {
    /// A stage begins; `total` is 0 when its work cannot be counted ahead.
    fn stage(&self, _name: &'static str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish_stage(&self) {}
}

/// Progress that goes nowhere.
pub struct Silent;
impl Progress for Silent {}

/// Articles drafted at once. A batch, and the drafts of it and of the
/// batch before (stored while it is drafted), are all of the articles'
/// text that segmenting holds (their sentences' texts are spilled once
/// stored); and a batch is many times the threads' count, so none waits
/// long for another's longest article. Half of 4,096, which was the batch
/// before the two overlapped, holds what that did.
const DRAFT_BATCH: usize = 2048;

/// Runs the pipeline over `articles`, each article's text freed as soon as
/// its sentences are drafted. A caller reading a dump should hand its
/// articles to a [`Segmenter`] as it reads them instead, so that the dump is
/// never held whole.
pub fn scan(
    articles: Vec<Article>,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> io::Result<ScanResult> {
    let expected = SegmentProgress::Articles(articles.len() as u64);
    let mut segmenter = Segmenter::new(config, progress, expected)?;
    articles.into_iter().try_for_each(|a| segmenter.push(a))?;
    segmenter.finish()
}

/// How segmenting's progress is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentProgress {
    /// By articles drafted, this many expected (0: not known ahead).
    Articles(u64),
    /// By the caller, in its own unit (the CLI tells the input's bytes read).
    ByCaller,
}

/// The pipeline's first stage, fed one article at a time: it drafts the
/// articles a batch at a time on all threads and spills their documents
/// and their sentences' texts and records, so a scan's memory does not
/// grow with the articles' texts. [`Segmenter::finish`] runs the rest of
/// the pipeline. The documents and the sentences' texts, profiles and
/// records are spilled to temporary files in [`ScanConfig::temp_dir`] (see
/// [`crate::spill`], [`crate::records`] and [`crate::documents`]), and the
/// only errors are those files'.
pub struct Segmenter<'a> {
    config: &'a ScanConfig,
    progress: &'a dyn Progress,
    counts_articles: bool,
    drafter: Drafter<'a>,
    batch: Vec<Article>,
    /// The last batch drafted, stored while the next is drafted.
    drafted: Overlap<Vec<(Article, DraftDocument)>>,
    store: Store,
}

/// Where drafted articles go: the spills, and what is counted across
/// articles.
struct Store {
    spill: TextSpill,
    /// Index of each outlet, in the order first seen, by its name.
    outlets: HashMap<String, u32>,
    /// Short lines that recur across one outlet's articles are furniture;
    /// which ones is known once all are counted, so the sentences that
    /// might be are remembered with their line's key.
    counter: RepeatCounter,
    line_keys: Vec<(u32, u64)>,
    documents: DocumentSpill,
    sentences: RecordSpill<Sentence>,
}

impl<'a> Segmenter<'a> {
    /// Begins the stage "segment" on `progress`, whose progress is told as
    /// `counted` says.
    pub fn new(
        config: &'a ScanConfig,
        progress: &'a dyn Progress,
        counted: SegmentProgress,
    ) -> io::Result<Segmenter<'a>> {
        let counts_articles = match counted {
            SegmentProgress::Articles(expected) => {
                progress.stage("segment", expected);
                true
            }
            SegmentProgress::ByCaller => {
                progress.stage("segment", 0);
                false
            }
        };
        let temp_dir = config.temp_dir.as_deref();
        Ok(Segmenter {
            config,
            progress,
            counts_articles,
            drafter: Drafter::new(&config.wires),
            batch: Vec::with_capacity(DRAFT_BATCH),
            drafted: Overlap::new(),
            store: Store {
                spill: TextSpill::new(temp_dir)?,
                outlets: HashMap::new(),
                counter: RepeatCounter::default(),
                line_keys: Vec::new(),
                documents: DocumentSpill::new(temp_dir)?,
                sentences: RecordSpill::new(temp_dir, "sentence records")?,
            },
        })
    }

    /// Takes the next article; an error is the spill file's. A text longer
    /// than [`MAX_TEXT_BYTES`] is cut to it (readers cut and report sooner:
    /// see [`crate::ingest::IngestOptions::max_doc_bytes`]).
    pub fn push(&mut self, mut article: Article) -> io::Result<()> {
        article.cut_text(MAX_TEXT_BYTES);
        self.batch.push(article);
        if self.batch.len() == DRAFT_BATCH {
            self.draft_batch()?;
        }
        Ok(())
    }

    /// Drafts the batch on the pool's threads while this one stores the
    /// batch drafted before: storing is one thread's work, and would
    /// otherwise leave the others idle.
    fn draft_batch(&mut self) -> io::Result<()> {
        let (drafter, progress) = (&self.drafter, self.progress);
        let advance = u64::from(self.counts_articles);
        let batch = take(&mut self.batch);
        let store = &mut self.store;
        let stored = self.drafted.next(
            || {
                batch
                    .into_par_iter()
                    .map(|mut a| {
                        let d = drafter.draft(&a.text);
                        a.text = String::new();
                        progress.advance(advance);
                        (a, d)
                    })
                    .collect()
            },
            |previous| store.add(previous),
        );
        self.batch.reserve(DRAFT_BATCH);
        stored
    }

    /// Drafts the last batch and runs the rest of the pipeline.
    pub fn finish(mut self) -> io::Result<ScanResult> {
        self.draft_batch()?;
        // Every field is taken apart by name: one left in `self` would be
        // held to the end of the scan, as the drafter's memo of every
        // paragraph once was.
        let Segmenter {
            config,
            progress,
            counts_articles: _,
            drafter,
            batch,
            drafted,
            mut store,
        } = self;
        drop((drafter, batch));
        drafted.finish(|last| store.add(last))?;
        let Store {
            spill,
            outlets,
            counter,
            line_keys,
            documents,
            sentences,
        } = store;
        let mut names = vec![Box::<str>::from(""); outlets.len()];
        for (name, outlet) in outlets {
            names[outlet as usize] = name.into();
        }
        let (documents, mut sentences) = (documents.finish(names)?, sentences.finish()?);
        let texts = spill.finish()?;
        let repeated = counter.repeated(config.boilerplate_min_documents);
        for (id, key) in line_keys {
            let s = &mut sentences[id as usize];
            if repeated.contains(&(documents.outlet_number(s.doc as usize), key)) {
                s.boilerplate = Some(Boilerplate::Repeated);
                s.label = Label::Boilerplate;
            }
        }
        trace_sentences(documents, sentences, texts, config, progress)
    }
}

impl Store {
    /// Spills drafted articles, in order; an error is a spill file's.
    fn add(&mut self, drafted: Vec<(Article, DraftDocument)>) -> io::Result<()> {
        for (article, d) in drafted {
            let doc = self.documents.len();
            let next = self.outlets.len() as u32;
            let outlet = *self.outlets.entry(article.outlet).or_insert(next);
            self.counter
                .add_document(outlet, d.sentences.iter().filter_map(|s| s.line_key));
            let first = self.sentences.len() as u32;
            for (index, s) in d.sentences.into_iter().enumerate() {
                let id = self.spill.push(&s.text)?;
                if let (None, Some(key)) = (s.boilerplate, s.line_key) {
                    self.line_keys.push((id, key));
                }
                self.sentences.push(Sentence {
                    doc: doc as u32,
                    index: index as u32,
                    // Within MAX_TEXT_BYTES, as the article was cut.
                    span: s.span.start as u32..s.span.end as u32,
                    label: if s.boilerplate.is_some() {
                        Label::Boilerplate
                    } else {
                        Label::Original
                    },
                    boilerplate: s.boilerplate,
                    repeat_of: None,
                    family: None,
                    best: None,
                })?;
            }
            self.documents.push(NewDocument {
                id: &article.id,
                outlet,
                published: article.published.as_deref(),
                title: article.title.as_deref(),
                url: article.url.as_deref(),
                path: &article.path,
                dateline: d.dateline.as_ref(),
                credits: &d.credits,
                hard_wrapped: d.hard_wrapped,
                sentences: first..self.sentences.len() as u32,
            })?;
        }
        Ok(())
    }
}

/// The pipeline after segmenting: fingerprints, candidates, verification,
/// clusters and provenance.
fn trace_sentences(
    documents: Documents,
    mut sentences: Records<Sentence>,
    texts: Texts,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> io::Result<ScanResult> {
    // The stages' times (`--timings`) cover the work between their bars:
    // assembling the sentences is segmenting's, grouping them into
    // wordings fingerprinting's.
    progress.finish_stage();
    progress.stage("fingerprint", sentences.len() as u64);
    let profiles = Profiles::of_texts(
        sentences.len(),
        |i| texts.get(i as u32),
        config.shingle_size,
        config.temp_dir.as_deref(),
        |n| progress.advance(n),
    )?;

    mark_repeats(&documents, &mut sentences, &profiles);
    let eligible: Vec<u32> = (0..sentences.len() as u32)
        .filter(|&i| {
            let s = &sentences[i as usize];
            s.boilerplate.is_none()
                && s.repeat_of.is_none()
                && !profiles.get(i).is_too_short(config.min_words)
        })
        .collect();

    // LSH and the verifier work on wordings (see `wording`), numbered from
    // 0, and only on pairs that can be reuse worth reporting, from two
    // outlets: LSH drops the others as it finds them, which on a dump of
    // formulaic wire copy is a large share of its pairs.
    let outlet_index: Vec<u32> = sentences
        .iter()
        .map(|s| documents.outlet_number(s.doc as usize))
        .collect();
    let outlet = |s: u32| outlet_index[s as usize];
    let wordings = Wordings::group(&eligible, |i| profiles.get(i).key(), outlet);
    let profile_of = |w: u32| profiles.get(wordings.representative(w));
    let cross_outlet = |v: u32, w: u32| wordings.span_outlets(v, w, outlet);
    let all_wordings: Vec<u32> = (0..wordings.len() as u32).collect();
    let mut stats = Stats {
        wordings: wordings.len(),
        ..Stats::default()
    };
    progress.finish_stage();
    progress.stage("candidates", 0);
    // Candidate pairs of wordings in disjoint lists, each sorted, per tier
    // and split further by LSH: the semantic tier looks its pairs up in
    // them, and verifying moves them into one list a list at a time, where
    // merging sorted lists would hold them twice over.
    // Each tier's sets are copied out of the profiles first (see `sets`).
    let mut candidates: Vec<Vec<(u32, u32)>> = Vec::new();
    let dir = config.temp_dir.as_deref();
    let shingles = Sets::of(
        wordings.len(),
        |w| profile_of(w).shingles().iter().copied(),
        dir,
        "the verbatim tier's shingles",
    )?;
    let verbatim = tier_candidates(
        &all_wordings,
        config,
        config.verbatim_threshold,
        |w| shingles.get(w).iter().copied(),
        cross_outlet,
        &[],
        &mut stats.verbatim_banding,
    );
    drop(shingles);
    if config.rewrites {
        let common = &common_words(
            all_wordings.iter().map(|&w| profile_of(w).content()),
            config.common_word_share,
            COMMON_AT_LEAST,
            config.common_word_cap,
        );
        // Too few content words make no rewrite; and a wording whose words
        // are all common would share every band with every other such
        // wording (the MinHash of an empty set).
        let sets = Sets::of(
            wordings.len(),
            |w| {
                let content = profile_of(w).content();
                uncommon(if content.len() >= 3 { content } else { &[] }, common)
            },
            dir,
            "the rewrite tier's content words",
        )?;
        let with_content: Vec<u32> = all_wordings
            .iter()
            .copied()
            .filter(|&w| !sets.get(w).is_empty())
            .collect();
        let rewrites = tier_candidates(
            &with_content,
            config,
            config.rewrite_threshold,
            |w| sets.get(w).iter().copied(),
            cross_outlet,
            &verbatim,
            &mut stats.rewrite_banding,
        );
        candidates.extend(rewrites);
    }
    candidates.extend(verbatim);
    drop(all_wordings);
    // The copies within each wording printed by two outlets or more.
    candidates.push(
        (0..wordings.len() as u32)
            .filter(|&w| wordings.is_shared(w))
            .map(|w| (w, w))
            .collect(),
    );
    progress.finish_stage();
    let outlet_of = |i: u32| documents.outlet(sentences[i as usize].doc as usize);
    let mut views = ClaimViews::none(sentences.len());
    let vectors = match (&config.semantic, config.rewrites) {
        (Some(semantic), true) => {
            let min_words = config.verifier.thresholds.min_rewrite_words;
            let long_enough: Vec<u32> = eligible
                .iter()
                .copied()
                .filter(|&i| !profiles.get(i).is_too_short(min_words))
                .collect();
            let to_embed = long_enough
                .iter()
                .map(|&i| profiles.get(i).text_key())
                .collect::<HashSet<u64>>()
                .len();
            if to_embed > semantic.max_wordings {
                stats.semantic_skipped = Some(to_embed);
                None
            } else {
                views = ClaimViews::of_sentences(
                    sentences.len(),
                    &long_enough,
                    |i| texts.get(i),
                    min_words,
                    config.shingle_size,
                );
                let ids: Vec<u32> = long_enough
                    .iter()
                    .copied()
                    .chain(views.view_ids())
                    .collect();
                let mut vectors = SentenceVectors::group(views.end() as usize, &ids, |id| {
                    views.profile(id, |i| profiles.get(i)).text_key()
                });
                progress.stage("embed", vectors.rows() as u64);
                vectors.embed(
                    &semantic.embedder,
                    |id| views.text(id, |i| texts.get(i)),
                    |n| progress.advance(n as u64),
                );
                progress.finish_stage();
                stats.embedded_wordings = vectors.rows();
                let close = vectors
                    .candidate_pairs(semantic.min_cosine, |id| outlet_of(views.sentence_of(id)));
                let wording_of = wordings.index(sentences.len());
                let mut found: Vec<(u32, u32)> = close
                    .into_iter()
                    .filter_map(|(a, b)| {
                        let (a, b) = (views.sentence_of(a), views.sentence_of(b));
                        Some((wording_of[a as usize]?, wording_of[b as usize]?))
                    })
                    .filter(|&(v, w)| v != w && cross_outlet(v, w))
                    .map(|(v, w)| (v.min(w), v.max(w)))
                    .filter(|pair| candidates.iter().all(|l| l.binary_search(pair).is_err()))
                    .collect();
                found.par_sort_unstable();
                found.dedup();
                candidates.push(found);
                Some(vectors)
            }
        }
        _ => None,
    };
    stats.candidate_pairs = candidates.iter().map(Vec::len).sum();

    progress.stage("verify", stats.candidate_pairs as u64);
    let rarity = Rarity::from_profiles(eligible.iter().map(|&i| profiles.get(i)));
    drop(eligible);
    // One pair of texts: two sentences, or two of their claim views.
    let judge_texts = |a: u32, b: u32| {
        let sentence_profile = |i| profiles.get(i);
        let (pa, pb) = (
            views.profile(a, sentence_profile),
            views.profile(b, sentence_profile),
        );
        let meaning = vectors.as_ref().and_then(|v| v.compare(a, b));
        config.verifier.reuse_if(&pa, &pb, meaning, || {
            config.rewrites
                && (config.verifier.thresholds.is_paraphrase(meaning)
                    || rarity.weighted_containment(&pa, &pb) >= config.min_specificity)
        })
    };
    // Two sentences: whole, then by their claim views.
    let judge = |a: u32, b: u32| {
        let kept = |m: Option<(Reuse, f64)>| m.map(|(reuse, similarity)| (reuse, similarity, ()));
        let whole = kept(judge_texts(a, b));
        sentence_match(whole, || {
            let of_b = views.views_of(b);
            views
                .views_of(a)
                .flat_map(move |x| of_b.clone().map(move |y| (x, y)))
                .skip(1)
                .filter_map(|(x, y)| kept(judge_texts(x, y)))
        })
        .map(|(reuse, similarity, ())| (reuse, similarity))
    };
    // Where the profiles are larger than a block, the candidates are
    // judged in blocks of second wordings, each block's pairs in the order
    // of their first wordings: the profiles of a block's second wordings,
    // a part of the file small enough to stay in memory, are read here and
    // there, and those of the first ones in order, a sweep the kernel reads
    // ahead of (the profiles are marked for random reads only after this
    // stage). Judged in the candidates' order, both were read from disk a
    // page at a time near the 1 GB dump's memory floor, most of its verify
    // stage. Where they fit in one block, they are marked for random reads
    // at once and the candidates judged in the lists' order, each slice in
    // the order of its second wordings (its first ones are near each
    // other): near the 250 MB dump's floor read-ahead there read pages that
    // were dropped again before they were used.
    // The verdicts go to a temporary file (see [`crate::records`]), as
    // wording pairs' edges: 12.6 million of them on the 1 GB dump, which in
    // the heap took the page cache the profiles needed. The sentences'
    // edges they stand for, many times more, are then written into a
    // vector of their exact length (see [`sentence_edges`]). (Clustering
    // orders the edges itself, so their order here is free.)
    // A pair of wordings is judged once, by their first sentences, and
    // stands for its sentences' pairs: the verdict depends on profiles
    // alone, except that the semantic tier's claim views follow a
    // sentence's own punctuation, and those of the first sentence are the
    // ones compared.
    let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(stats.candidate_pairs);
    for mut list in candidates {
        pairs.append(&mut list);
    }
    let blocks = profiles.file_bytes().div_ceil(VERIFY_BLOCK_BYTES);
    if blocks > 1 {
        let block_of = |w: u32| (u64::from(w) * blocks / wordings.len() as u64) as u32;
        pairs.par_sort_unstable_by_key(|&(v, w)| (block_of(w), v, w));
    } else {
        profiles.expect_random_reads();
    }
    let verified: Records<Edge> = {
        let mut spill = RecordSpill::new(dir, "verified pairs")?;
        for slice in pairs.chunks_mut(VERIFY_SLICE) {
            if blocks <= 1 {
                slice.par_sort_unstable_by_key(|&(v, w)| (w, v));
            }
            let verdicts: Vec<Edge> = slice
                .par_chunks(PROGRESS_STEP)
                .flat_map_iter(|chunk| {
                    progress.advance(chunk.len() as u64);
                    chunk.iter().filter_map(|&(v, w)| {
                        let (reuse, similarity) =
                            judge(wordings.representative(v), wordings.representative(w))?;
                        Some(Edge::new(v, w, reuse, similarity))
                    })
                })
                .collect();
            for verdict in verdicts {
                spill.push(verdict)?;
            }
        }
        spill.finish()?
    };
    drop(pairs);
    let edges = sentence_edges(&wordings, &verified, outlet);
    drop(verified);
    // What only finding and verifying pairs needed, freed before
    // clustering, where the heap is at its largest.
    drop((wordings, outlet_index));
    progress.finish_stage();
    stats.verified_pairs = edges.len();

    progress.stage("cluster", edges.len() as u64);
    profiles.expect_random_reads();
    // Each sentence's document, from the documents' ranges of sentences
    // (the sentences' own records are a larger file to read).
    let mut document: Vec<u32> = Vec::with_capacity(sentences.len());
    for d in 0..documents.len() {
        let range = documents.sentences(d);
        document.extend(std::iter::repeat_n(d as u32, range.len()));
    }
    let clustering = cluster::cluster(
        &document,
        edges,
        |a, b| judge(a, b).is_some(),
        |n| progress.advance(n),
    );
    drop(document);
    // The sentences' records are changed in the order of their ids, the
    // kept edges sorted by each end in turn, and not in the edges' order:
    // that was random writes across the records' file (489 MiB on the 1 GB
    // dump), most of this stage's time near its memory floor.
    let mut kept = clustering.kept;
    kept.par_sort_unstable_by_key(|e| e.a);
    for e in &kept {
        offer_match(&mut sentences[e.a as usize], e.b, e);
    }
    kept.par_sort_unstable_by_key(|e| e.b);
    let mut family_of = vec![NO_FAMILY; sentences.len()];
    for (f, family) in clustering.families.iter().enumerate() {
        for &m in &family.members {
            family_of[m as usize] = f as u32;
        }
    }
    let mut by_b = kept.iter().peekable();
    for i in 0..sentences.len() {
        while let Some(e) = by_b.next_if(|e| e.b as usize == i) {
            offer_match(&mut sentences[i], e.a, e);
        }
        let s = &mut sentences[i];
        if family_of[i] != NO_FAMILY {
            s.family = Some(family_of[i]);
        }
        if let Some(m) = &s.best {
            s.label = m.reuse.into();
        }
        // A repeat within a document says what its first occurrence says
        // (an earlier sentence, so one already settled here).
        if let Some(first) = s.repeat_of {
            let first = documents.sentences(s.doc as usize).start + first;
            let first = &sentences[first as usize];
            let (label, family, best) = (first.label, first.family, first.best);
            let s = &mut sentences[i];
            if s.boilerplate.is_none() {
                s.label = label;
            }
            s.family = family;
            s.best = best;
        }
    }
    drop((kept, family_of));
    // Every sentence's record was changed: written back now, they are
    // pages the kernel can drop at once when memory runs short.
    sentences.write_to_disk()?;
    progress.finish_stage();
    progress.stage("provenance", 0);
    let mut result = ScanResult {
        documents,
        sentences,
        texts,
        families: clustering.families,
        provenance: Provenance::default(),
        stats,
    };
    // Drift reads each copy's text with its source's, in no order; the
    // report reads them in order again.
    result.texts.expect_random_reads();
    result.provenance = provenance::trace(
        &mut result,
        &config.wires,
        |a, b| judge(a, b).map(|(reuse, _)| reuse),
        |s| profiles.text_number(s),
        config.temp_dir.as_deref(),
    )?;
    result.sentences.write_to_disk()?;
    result.texts.expect_reads_in_order();
    progress.finish_stage();
    Ok(result)
}

/// The edges of the sentences that the `verified` pairs of wordings stand
/// for (see [`Wordings::sentence_pairs`]), with each pair's verdict, in one
/// vector of their exact length (each pair's sentence pairs are listed
/// twice, once to count them: cheap beside judging the pair). The edges
/// are made a slice of pairs at a time: made in parallel, a slice's edges
/// are held twice until they are moved into the vector. Their order is
/// free: clustering orders the edges itself.
fn sentence_edges(
    wordings: &Wordings,
    verified: &[Edge],
    outlet: impl Fn(u32) -> u32 + Sync,
) -> Vec<Edge> {
    let total = verified
        .par_iter()
        .map(|e| wordings.sentence_pairs(e.a, e.b, &outlet).len())
        .sum();
    let mut edges = Vec::with_capacity(total);
    for slice in verified.chunks(EDGES_SLICE) {
        edges.par_extend(slice.par_iter().flat_map_iter(|e| {
            let (reuse, similarity) = (e.reuse(), e.similarity());
            wordings
                .sentence_pairs(e.a, e.b, &outlet)
                .into_iter()
                .map(move |(a, b)| Edge::new(a, b, reuse, similarity))
        }));
    }
    debug_assert_eq!(edges.len(), total);
    edges
}

/// Verified pairs of wordings turned into edges at once, in
/// [`sentence_edges`].
const EDGES_SLICE: usize = 1 << 18;

/// In no family, in the cluster stage of [`trace_sentences`].
const NO_FAMILY: u32 = u32::MAX;

/// Makes sentence `other`, linked to `s` by the kept edge `e`, the best
/// match of `s` if it beats the one `s` has: reuse first (copies, then
/// edits, then rewrites), then similarity, then the lowest id. The order is
/// total, so the best match does not depend on the order edges are
/// offered in.
fn offer_match(s: &mut Sentence, other: u32, e: &Edge) {
    let candidate = Match {
        sentence: other,
        similarity: e.similarity(),
        reuse: e.reuse(),
    };
    let better = match &s.best {
        None => true,
        Some(m) => {
            (candidate.reuse, -candidate.similarity, candidate.sentence)
                < (m.reuse, -m.similarity, m.sentence)
        }
    };
    if better {
        s.best = Some(candidate);
    }
}

/// Marks sentences that repeat an earlier one of the same document word for
/// word (page layouts repeat headlines and pull quotes). Words and figures
/// are compared, punctuation is not.
fn mark_repeats(documents: &Documents, sentences: &mut [Sentence], profiles: &Profiles) {
    // One map for all documents, cleared between them: most documents
    // have a few dozen sentences, and a map of their own grew in steps.
    let mut first: HashMap<u64, u32, FixedState> = HashMap::default();
    for d in documents.iter() {
        first.clear();
        for id in d.sentences.clone() {
            let profile = profiles.get(id);
            if profile.words().is_empty() {
                continue;
            }
            let key = profile.text_key();
            let s = &mut sentences[id as usize];
            match first.get(&key) {
                Some(&earlier) => s.repeat_of = Some(earlier),
                None => {
                    first.insert(key, s.index);
                }
            }
        }
    }
}

/// One tier's LSH candidates: `set` gives the elements of a sentence's
/// hashed set, `keep` filters pairs as they are found, pairs in `known`
/// are left out.
fn tier_candidates<S: IntoIterator<Item = u32>>(
    ids: &[u32],
    config: &ScanConfig,
    threshold: f64,
    set: impl Fn(u32) -> S + Sync,
    keep: impl Fn(u32, u32) -> bool + Sync,
    known: &[Vec<(u32, u32)>],
    banding_out: &mut (usize, usize),
) -> Vec<Vec<(u32, u32)>> {
    let banding = config.banding(threshold);
    *banding_out = (banding.bands, banding.rows);
    let hasher = MinHasher::new(
        config.num_perm,
        config.seed ^ xxh3_64(&threshold.to_le_bytes()),
    );
    lsh::candidate_pairs(
        banding,
        ids,
        |id, perms, out| hasher.values_into(set(id), perms, out),
        keep,
        known,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size the README's figures of the records' file are made of: a
    /// scan keeps one sentence record per sentence (and one document record
    /// per article: see `documents`).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn record_sizes() {
        assert_eq!(std::mem::size_of::<Sentence>(), 56);
    }

    /// Sentences that share only words most sentences have are not even
    /// rewrite candidates, and a rewrite that shares rarer words still is.
    #[test]
    fn common_words_alone_make_no_rewrite_candidates() {
        let article = |id: String, outlet: usize, text: String| Article {
            path: id.clone(),
            id,
            outlet: format!("outlet{outlet}"),
            published: None,
            url: None,
            title: None,
            text,
        };
        // 200 sentences whose content words are half the same six common
        // ones and half their own, and no three words in a row alike.
        let mut articles: Vec<Article> = (0..200)
            .map(|i| {
                let text = format!(
                    "Officials tag{i} said mark{i} the council note{i} reported sign{i} on Monday that workers code{i} left."
                );
                article(format!("a{i}"), i % 2, text)
            })
            .collect();
        articles.push(article(
            "x".into(),
            0,
            "The fishermen of Brindlecombe rescued eleven stranded dolphins from the shallow estuary at dawn.".into(),
        ));
        articles.push(article(
            "y".into(),
            1,
            "At dawn, eleven stranded dolphins were rescued from the shallow estuary by Brindlecombe fishermen.".into(),
        ));
        let scanned = |common_word_share, common_word_cap| {
            let config = ScanConfig {
                common_word_share,
                common_word_cap,
                ..ScanConfig::default()
            };
            scan(articles.clone(), &config, &Silent).unwrap()
        };
        let default = ScanConfig::default();
        let result = scanned(default.common_word_share, default.common_word_cap);
        let family =
            |doc: usize| result.sentences[result.documents.sentences(doc).start as usize].family;
        assert!(family(200).is_some() && family(200) == family(201));
        assert_eq!(result.stats.candidate_pairs, 1);
        // No word is common in more than all wordings, unless the cap says
        // it is.
        let all_words = scanned(1.0, u32::MAX);
        assert!(
            all_words.stats.candidate_pairs > 500,
            "{}",
            all_words.stats.candidate_pairs
        );
        assert_eq!(all_words.families.len(), result.families.len());
        let capped = scanned(1.0, 150);
        assert_eq!(capped.stats.candidate_pairs, 1);
    }

    /// Written a slice at a time, the edges are what expanding each
    /// verified pair of wordings in turn gives, in some order.
    #[test]
    fn sentence_edges_are_the_verified_pairs_sentence_pairs() {
        // Four wordings: 0-2, 3-4, 5 and 6-9, from three outlets.
        let key = [1u64, 1, 1, 2, 2, 3, 4, 4, 4, 4];
        let outlet = [0u32, 1, 2, 0, 1, 2, 0, 0, 1, 2];
        let ids: Vec<u32> = (0..key.len() as u32).collect();
        let wordings = Wordings::group(&ids, |i| key[i as usize], |i| outlet[i as usize]);
        let n = wordings.len() as u32;
        let kinds = [Reuse::Verbatim, Reuse::Edited, Reuse::Rewritten];
        let verified: Vec<Edge> = (0..n)
            .flat_map(|v| (v..n).map(move |w| (v, w)))
            .enumerate()
            .map(|(i, (v, w))| Edge::new(v, w, kinds[i % 3], i as f64 / 16.0))
            .collect();
        let mut expected: Vec<Edge> = verified
            .iter()
            .flat_map(|e| {
                let (reuse, similarity) = (e.reuse(), e.similarity());
                wordings
                    .sentence_pairs(e.a, e.b, |s| outlet[s as usize])
                    .into_iter()
                    .map(move |(a, b)| Edge::new(a, b, reuse, similarity))
            })
            .collect();
        assert!(expected.len() > verified.len(), "{expected:?}");
        let mut got = sentence_edges(&wordings, &verified, |s| outlet[s as usize]);
        // In any order: clustering orders them.
        for edges in [&mut got, &mut expected] {
            edges.sort_unstable_by_key(|e| (e.a, e.b));
        }
        assert_eq!(got, expected);
    }
}
