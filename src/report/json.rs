//! The JSON Lines output: one record per line, each `{"type": ...}`.
//!
//! This is a public interface (documented in the README): fields are added,
//! never renamed or removed. Records come in a fixed order: every
//! `document`, each followed by its `sentence`s, then every `family`, then
//! one `summary`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use super::{family_outlets, label_counts, outlet_count, round4, total_label_counts};
use crate::credits::Credit;
use crate::dateline::Dateline;
use crate::overlap::Overlap;
use crate::provenance::{Direction, DriftKind, OutletPair, Source, Upstream, UpstreamRef};
use crate::scan::{Label, ScanConfig, ScanResult, Stats};
use crate::similarity::Reuse;

/// The records serde writes. `sentence` records, most of the output, are
/// written by [`write_sentence`], field by field in the same form.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Record<'a> {
    Document {
        id: &'a str,
        outlet: &'a str,
        published: Option<&'a str>,
        title: Option<&'a str>,
        url: Option<&'a str>,
        path: &'a str,
        sentences: usize,
        labels: BTreeMap<Label, usize>,
        dateline: Option<&'a Dateline>,
        credits: &'a [Credit],
        upstream: Vec<UpstreamJson<'a>>,
    },
    Family {
        id: u32,
        members: Vec<(&'a str, u32)>,
        kind: Reuse,
        outlets: usize,
        direction: Direction,
        source: Option<SentenceJson<'a>>,
        upstream: Option<&'a Upstream>,
    },
    #[serde(rename = "outlet_pair")]
    OutletPair(&'a OutletPair),
    Summary {
        articles: usize,
        outlets: usize,
        sentences: usize,
        families: usize,
        labels: BTreeMap<Label, usize>,
        windows_1252_decoded: usize,
        skipped: &'a [String],
        truncated: &'a [String],
        renamed_ids: &'a [String],
        directions: BTreeMap<Direction, usize>,
        drift_sentences: usize,
        stats: &'a Stats,
        config: &'a ScanConfig,
    },
}

/// A sentence, as the JSON refers to it.
#[derive(Serialize)]
struct SentenceJson<'a> {
    doc: &'a str,
    index: u32,
}

#[derive(Serialize)]
struct UpstreamJson<'a> {
    #[serde(flatten)]
    from: SourceJsonRef<'a>,
    sentences: usize,
}

#[derive(Serialize)]
#[serde(untagged)]
enum SourceJsonRef<'a> {
    Document { doc: &'a str },
    Agency { agency: &'a str, in_corpus: bool },
}

#[derive(Serialize)]
struct DriftJson<'a> {
    kind: DriftKind,
    value: &'a str,
    other_value: &'a str,
    doc: &'a str,
    index: u32,
}

fn sentence_ref(result: &ScanResult, id: u32) -> (&str, u32) {
    let s = &result.sentences[id as usize];
    (result.documents.id(s.doc as usize), s.index)
}

/// Generic over the writer: serde writes a record in many small pieces,
/// and into a `Vec` they are inlined copies where through `dyn Write` each
/// was a call (about a fifth of the JSON stage of a 250 MB scan).
fn write_record<W: Write + ?Sized>(out: &mut W, record: &Record) -> io::Result<()> {
    serde_json::to_writer(&mut *out, record)?;
    out.write_all(b"\n")
}

/// One `document` record and its `sentence` records.
fn write_document(out: &mut Vec<u8>, result: &ScanResult, d: usize) -> io::Result<()> {
    let doc = result.documents.get(d);
    let mut line = |record: &Record| write_record(&mut *out, record);
    line(&Record::Document {
        id: doc.id,
        outlet: doc.outlet,
        published: doc.published,
        title: doc.title,
        url: doc.url,
        path: doc.path,
        sentences: doc.sentences.len(),
        labels: label_counts(result, d),
        dateline: doc.dateline().as_ref(),
        credits: &doc.credits(),
        upstream: result.provenance.upstream[d]
            .iter()
            .map(|u| UpstreamJson {
                from: match &u.source {
                    UpstreamRef::Document(e) => SourceJsonRef::Document {
                        doc: result.documents.id(*e as usize),
                    },
                    UpstreamRef::Agency(up) => SourceJsonRef::Agency {
                        agency: &up.agency,
                        in_corpus: up.in_corpus,
                    },
                },
                sentences: u.sentences,
            })
            .collect(),
    })?;
    for id in doc.sentences.start as usize..doc.sentences.end as usize {
        write_sentence(out, result, doc.id, id);
    }
    Ok(())
}

/// One `sentence` record, written field by field. Sentences are most of
/// the output, and through serde's derive every key of every record went
/// through its string escaping; here keys are constants and a text is
/// copied whole unless it needs escaping. The bytes are serde_json's
/// compact form (a test checks them against the derive).
fn write_sentence(out: &mut Vec<u8>, result: &ScanResult, doc: &str, id: usize) {
    let s = &result.sentences[id];
    let mut record = Object::begin(out);
    record.field("type", |out| out.extend_from_slice(b"\"sentence\""));
    record.field("doc", |out| string(out, doc));
    record.field("index", |out| integer(out, s.index));
    record.field("start", |out| integer(out, s.span.start));
    record.field("end", |out| integer(out, s.span.end));
    record.field("text", |out| string(out, result.texts.get(id as u32)));
    record.field("label", |out| serialized(out, &s.label));
    record.field("family", |out| serialized(out, &s.family));
    record.field("best_match", |out| match s.best {
        None => out.extend_from_slice(b"null"),
        Some(m) => {
            let (doc, index) = sentence_ref(result, m.sentence);
            let mut best = Object::begin(out);
            best.field("doc", |out| string(out, doc));
            best.field("index", |out| integer(out, index));
            best.field("similarity", |out| serialized(out, &round4(m.similarity)));
            best.field("reuse", |out| serialized(out, &m.reuse));
            best.end();
        }
    });
    record.field("boilerplate", |out| serialized(out, &s.boilerplate));
    record.field("repeat_of", |out| serialized(out, &s.repeat_of));
    record.field("source", |out| match &result.provenance.source_of[id] {
        None => out.extend_from_slice(b"null"),
        Some(Source::Sentence(other)) => {
            let (doc, index) = sentence_ref(result, *other);
            let mut source = Object::begin(out);
            source.field("doc", |out| string(out, doc));
            source.field("index", |out| integer(out, index));
            source.end();
        }
        Some(Source::Agency(family)) => {
            let up = result.provenance.agency(*family);
            let mut source = Object::begin(out);
            source.field("agency", |out| string(out, &up.agency));
            source.field("in_corpus", |out| serialized(out, &up.in_corpus));
            source.end();
        }
    });
    record.field("drift", |out| serialized(out, &drift_json(result, id)));
    record.end();
    out.push(b'\n');
}

/// Sentence `id`'s changed facts, as the JSON spells them.
fn drift_json(result: &ScanResult, id: usize) -> Vec<DriftJson<'_>> {
    result.provenance.drift[id]
        .iter()
        .map(|d| {
            let (doc, index) = sentence_ref(result, d.other);
            DriftJson {
                kind: d.kind,
                value: &d.value,
                other_value: &d.other_value,
                doc,
                index,
            }
        })
        .collect()
}

/// A JSON object being written into a buffer, a field at a time.
struct Object<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> Object<'a> {
    fn begin(out: &'a mut Vec<u8>) -> Object<'a> {
        out.push(b'{');
        Object { out, empty: true }
    }

    /// Writes `"key":` and then the value, by `value`. Keys are constants
    /// that need no escaping.
    fn field(&mut self, key: &'static str, value: impl FnOnce(&mut Vec<u8>)) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        value(self.out);
    }

    fn end(self) {
        self.out.push(b'}');
    }
}

/// A JSON string: copied as it is when nothing in it needs escaping, as
/// almost no news text does, else escaped by serde_json.
fn string(out: &mut Vec<u8>, s: &str) {
    if needs_escaping(s.as_bytes()) {
        serialized(out, s);
    } else {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Whether JSON escapes a byte of `bytes`: quotes, backslashes and
/// control characters. Checked a block at a time without stopping early,
/// so that the compiler can vectorize the comparisons.
fn needs_escaping(bytes: &[u8]) -> bool {
    bytes.chunks(32).any(|block| {
        block.iter().fold(false, |any, &b| {
            any | (b < 0x20) | (b == b'"') | (b == b'\\')
        })
    })
}

fn integer(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Anything else, by serde_json: small values, whose form is then serde's
/// by construction.
fn serialized<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(&mut *out, value).expect("writing JSON into memory cannot fail");
}

/// Facts about the input that the scan itself does not know.
pub use crate::ingest::InputSummary;

/// Blocks serialized at once before they are written: a wave of
/// documents is about 20 MB of JSON on a Reuters-like dump.
const BLOCKS_PER_WAVE: usize = 64;
/// Documents one thread serializes into one buffer.
const DOCUMENTS_PER_BLOCK: usize = 64;
/// Families one thread serializes into one buffer: a family's record is
/// about a sixteenth of a document's with its sentences (280 against 4,600
/// bytes on the 25 MB dump).
const FAMILIES_PER_BLOCK: usize = 512;
/// Bytes reserved for a block: a block of a Reuters-like dump is about
/// 330 KB of JSON, and a buffer grown from empty is copied as it grows
/// (the JSON stage of the 250 MB verbatim scan went from 4.6–4.8 s to
/// 4.1–4.3 s, two alternating runs each).
const BLOCK_CAPACITY: usize = 1 << 19;

/// Writes records `0..count` in order, `record(buffer, i)` serializing
/// record `i`: a block of `per_block` records per buffer, the blocks of a
/// wave made on all threads while this one writes the wave before. The
/// output held in memory is two waves'.
fn write_in_waves(
    out: &mut dyn Write,
    count: usize,
    per_block: usize,
    record: impl Fn(&mut Vec<u8>, usize) -> io::Result<()> + Sync,
) -> io::Result<()> {
    let per_wave = per_block * BLOCKS_PER_WAVE;
    let serialize = |wave: usize| -> io::Result<Vec<Vec<u8>>> {
        let end = (wave + per_wave).min(count);
        (wave..end)
            .into_par_iter()
            .step_by(per_block)
            .map(|first| {
                let mut buffer = Vec::with_capacity(BLOCK_CAPACITY);
                for i in first..(first + per_block).min(end) {
                    record(&mut buffer, i)?;
                }
                Ok(buffer)
            })
            .collect()
    };
    let mut write = |blocks: io::Result<Vec<Vec<u8>>>| -> io::Result<()> {
        blocks?.iter().try_for_each(|block| out.write_all(block))
    };
    let mut overlap = Overlap::new();
    for wave in (0..count).step_by(per_wave) {
        overlap.next(|| serialize(wave), &mut write)?;
    }
    overlap.finish(write)
}

/// One `family` record.
fn write_family(out: &mut Vec<u8>, result: &ScanResult, id: usize) -> io::Result<()> {
    let family = &result.families[id];
    let members: Vec<(&str, u32)> = family
        .members
        .iter()
        .map(|&m| {
            let s = &result.sentences[m as usize];
            (result.documents.id(s.doc as usize), s.index)
        })
        .collect();
    let source = &result.provenance.families[id];
    write_record(
        out,
        &Record::Family {
            id: id as u32,
            members,
            kind: family.kind,
            outlets: family_outlets(result, id).len(),
            direction: source.direction,
            source: source.sentence.map(|s| {
                let (doc, index) = sentence_ref(result, s);
                SentenceJson { doc, index }
            }),
            upstream: source.upstream.as_ref(),
        },
    )
}

pub fn write(
    out: &mut dyn Write,
    result: &ScanResult,
    config: &ScanConfig,
    input: &InputSummary,
) -> io::Result<()> {
    // Documents and their sentences are most of the output (several times
    // the input's size); families follow (31 thousand on the 25 MB dump,
    // 9 MB). Both are serialized in parallel (see `write_in_waves`): the
    // families on one thread were the last 0.35 s of a 250 MB scan.
    write_in_waves(
        out,
        result.documents.len(),
        DOCUMENTS_PER_BLOCK,
        |buffer, d| write_document(buffer, result, d),
    )?;
    write_in_waves(
        out,
        result.families.len(),
        FAMILIES_PER_BLOCK,
        |buffer, id| write_family(buffer, result, id),
    )?;
    let mut line = |record: &Record| write_record(&mut *out, record);
    for pair in &result.provenance.outlet_pairs {
        line(&Record::OutletPair(pair))?;
    }
    let mut directions: BTreeMap<Direction, usize> = BTreeMap::new();
    for f in &result.provenance.families {
        *directions.entry(f.direction).or_default() += 1;
    }
    line(&Record::Summary {
        articles: result.documents.len(),
        outlets: outlet_count(result),
        sentences: result.sentences.len(),
        families: result.families.len(),
        labels: total_label_counts(result),
        windows_1252_decoded: input.windows_1252_decoded,
        skipped: &input.skipped,
        truncated: &input.truncated,
        renamed_ids: &input.renamed_ids,
        directions,
        drift_sentences: result
            .provenance
            .drift
            .iter()
            .filter(|d| !d.is_empty())
            .count(),
        stats: &result.stats,
        config,
    })?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::boilerplate::Boilerplate;
    use crate::scan::{scan, Silent};

    #[derive(Serialize)]
    struct BestMatch<'a> {
        doc: &'a str,
        index: u32,
        similarity: f64,
        reuse: Reuse,
    }

    /// A sentence reference or an agency, as the JSON spells it.
    #[derive(Serialize)]
    #[serde(untagged)]
    enum SourceJson<'a> {
        Sentence { doc: &'a str, index: u32 },
        Agency { agency: &'a str, in_corpus: bool },
    }

    fn source_json<'a>(result: &'a ScanResult, source: &'a Source) -> SourceJson<'a> {
        match source {
            Source::Sentence(id) => {
                let (doc, index) = sentence_ref(result, *id);
                SourceJson::Sentence { doc, index }
            }

            Source::Agency(family) => {
                let up = result.provenance.agency(*family);
                SourceJson::Agency {
                    agency: &up.agency,
                    in_corpus: up.in_corpus,
                }
            }
        }
    }
    use proptest::prelude::*;

    /// A `sentence` record as serde's derive writes it: the form
    /// `write_sentence` must keep byte for byte.
    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "lowercase")]
    enum Reference<'a> {
        Sentence {
            doc: &'a str,
            index: u32,
            start: u32,
            end: u32,
            text: &'a str,
            label: Label,
            family: Option<u32>,
            best_match: Option<BestMatch<'a>>,
            boilerplate: Option<Boilerplate>,
            repeat_of: Option<u32>,
            source: Option<SourceJson<'a>>,
            drift: Vec<DriftJson<'a>>,
        },
    }

    fn reference(result: &ScanResult, id: usize) -> Vec<u8> {
        let s = &result.sentences[id];
        let record = Reference::Sentence {
            doc: result.documents.id(s.doc as usize),
            index: s.index,
            start: s.span.start,
            end: s.span.end,
            text: result.texts.get(id as u32),
            label: s.label,
            family: s.family,
            best_match: s.best.map(|m| {
                let (doc, index) = sentence_ref(result, m.sentence);
                BestMatch {
                    doc,
                    index,
                    similarity: round4(m.similarity),
                    reuse: m.reuse,
                }
            }),
            boilerplate: s.boilerplate,
            repeat_of: s.repeat_of,
            source: result.provenance.source_of[id]
                .as_ref()
                .map(|src| source_json(result, src)),
            drift: drift_json(result, id),
        };
        let mut line = serde_json::to_vec(&record).unwrap();
        line.push(b'\n');
        line
    }

    fn article(id: &str, outlet: &str, published: &str, text: &str) -> Article {
        Article {
            id: id.to_owned(),
            outlet: outlet.to_owned(),
            published: Some(published.to_owned()),
            url: None,
            title: None,
            path: id.to_owned(),
            text: text.to_owned(),
        }
    }

    #[test]
    fn sentence_records_are_serdes_bytes() {
        let shared = "The ministry said on Monday that 15,000 troops had been sent to the \"border\" region near the river.";
        let credited = "Officials in the capital said the talks would resume in April after a pause of two weeks.";
        let articles = vec![
            article(
                "wire\\1",
                "AP",
                "2018-07-15T06:00:00Z",
                &format!("WASHINGTON (AP) \u{2014} {shared}\n\nThe end.\tDone here now."),
            ),
            article(
                "copy-\"2\"",
                "Daily",
                "2018-07-15T07:00:00Z",
                &format!(
                    "{}\n\nShare this article\n\n{credited} It was quiet.",
                    shared.replace("15,000", "18,000")
                ),
            ),
            article(
                "copy-3",
                "Herald",
                "2018-07-15T08:00:00Z",
                &format!("LONDON (Reuters) - {credited}\n\n{credited}\n\nCafé \u{1F600} owners were told."),
            ),
        ];
        let result = scan(articles, &ScanConfig::default(), &Silent).unwrap();
        // The records cover what a sentence can hold.
        let sentences = &result.sentences;
        assert!(sentences.iter().any(|s| s.best.is_some()));
        assert!(sentences.iter().any(|s| s.boilerplate.is_some()));
        assert!(sentences.iter().any(|s| s.repeat_of.is_some()));
        let sources = &result.provenance.source_of;
        assert!(sources
            .iter()
            .any(|s| matches!(s, Some(Source::Sentence(_)))));
        assert!(sources.iter().any(|s| matches!(s, Some(Source::Agency(_)))));
        assert!(result.provenance.drift.iter().any(|d| !d.is_empty()));
        for (id, s) in sentences.iter().enumerate() {
            let mut written = Vec::new();
            write_sentence(
                &mut written,
                &result,
                result.documents.id(s.doc as usize),
                id,
            );
            assert_eq!(
                String::from_utf8(written).unwrap(),
                String::from_utf8(reference(&result, id)).unwrap()
            );
        }
    }

    proptest! {
        /// Strings with and without characters JSON escapes, some past
        /// the first block that `needs_escaping` checks.
        #[test]
        fn strings_are_serdes_bytes(
            s in "[a-z \"\\\\\u{0}-\u{1f}\u{7f}é€\u{1F600}]{0,80}",
        ) {
            let mut written = Vec::new();
            string(&mut written, &s);
            prop_assert_eq!(written, serde_json::to_vec(&s).unwrap());
        }
    }
}
