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
use crate::boilerplate::Boilerplate;
use crate::credits::Credit;
use crate::dateline::Dateline;
use crate::provenance::{Direction, DriftKind, OutletPair, Source, Upstream, UpstreamRef};
use crate::scan::{Label, ScanConfig, ScanResult, Stats};
use crate::similarity::Reuse;

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
    Sentence {
        doc: &'a str,
        index: u32,
        start: usize,
        end: usize,
        text: &'a str,
        label: Label,
        family: Option<u32>,
        best_match: Option<BestMatch<'a>>,
        boilerplate: Option<Boilerplate>,
        repeat_of: Option<u32>,
        source: Option<SourceJson<'a>>,
        drift: Vec<DriftJson<'a>>,
    },
    Family {
        id: u32,
        members: Vec<(&'a str, u32)>,
        kind: Reuse,
        outlets: usize,
        direction: Direction,
        source: Option<SourceJson<'a>>,
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

/// A sentence reference or an agency, as the JSON spells it.
#[derive(Serialize)]
#[serde(untagged)]
enum SourceJson<'a> {
    Sentence { doc: &'a str, index: u32 },
    Agency { agency: &'a str, in_corpus: bool },
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

#[derive(Serialize)]
struct BestMatch<'a> {
    doc: &'a str,
    index: u32,
    similarity: f64,
    reuse: Reuse,
}

fn sentence_ref(result: &ScanResult, id: u32) -> (&str, u32) {
    let s = &result.sentences[id as usize];
    (result.documents[s.doc as usize].id.as_str(), s.index)
}

fn source_json<'a>(result: &'a ScanResult, source: &'a Source) -> SourceJson<'a> {
    match source {
        Source::Sentence(id) => {
            let (doc, index) = sentence_ref(result, *id);
            SourceJson::Sentence { doc, index }
        }

        Source::Agency(up) => SourceJson::Agency {
            agency: &up.agency,
            in_corpus: up.in_corpus,
        },
    }
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
    let doc = &result.documents[d];
    let mut line = |record: &Record| write_record(&mut *out, record);
    line(&Record::Document {
        id: &doc.id,
        outlet: &doc.outlet,
        published: doc.published.as_deref(),
        title: doc.title.as_deref(),
        url: doc.url.as_deref(),
        path: &doc.path,
        sentences: doc.sentences.len(),
        labels: label_counts(result, d),
        dateline: doc.dateline.as_ref(),
        credits: &doc.credits,
        upstream: result.provenance.upstream[d]
            .iter()
            .map(|u| UpstreamJson {
                from: match &u.source {
                    UpstreamRef::Document(e) => SourceJsonRef::Document {
                        doc: &result.documents[*e as usize].id,
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
        let s = &result.sentences[id];
        let best_match = s.best.map(|m| {
            let other = &result.sentences[m.sentence as usize];
            BestMatch {
                doc: &result.documents[other.doc as usize].id,
                index: other.index,
                similarity: round4(m.similarity),
                reuse: m.reuse,
            }
        });
        line(&Record::Sentence {
            doc: &doc.id,
            index: s.index,
            start: s.span.start,
            end: s.span.end,
            text: &s.text,
            label: s.label,
            family: s.family,
            best_match,
            boilerplate: s.boilerplate,
            repeat_of: s.repeat_of,
            source: result.provenance.source_of[id]
                .as_ref()
                .map(|src| source_json(result, src)),
            drift: result.provenance.drift[id]
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
                .collect(),
        })?;
    }
    Ok(())
}

/// Facts about the input that the scan itself does not know.
#[derive(Debug, Default)]
pub struct InputSummary {
    pub windows_1252_decoded: usize,
    pub skipped: Vec<String>,
    /// Articles cut to the size limit.
    pub truncated: Vec<String>,
    /// Duplicate ids and what they were renamed to.
    pub renamed_ids: Vec<String>,
}

/// Documents serialized at once before they are written: the output held
/// in memory is one wave's (about 20 MB of JSON on a Reuters-like dump).
const DOCUMENTS_PER_WAVE: usize = 4096;
/// Documents one thread serializes into one buffer.
const DOCUMENTS_PER_BLOCK: usize = 64;
/// Bytes reserved for a block: a block of a Reuters-like dump is about
/// 330 KB of JSON, and a buffer grown from empty is copied as it grows
/// (the JSON stage of the 250 MB verbatim scan went from 4.6–4.8 s to
/// 4.1–4.3 s, two alternating runs each).
const BLOCK_CAPACITY: usize = 1 << 19;

pub fn write(
    out: &mut dyn Write,
    result: &ScanResult,
    config: &ScanConfig,
    input: &InputSummary,
) -> io::Result<()> {
    // Documents and their sentences are most of the output (several times
    // the input's size), so they are serialized in parallel, a wave of
    // blocks at a time, and written in document order, each wave while the
    // next is serialized.
    let documents = result.documents.len();
    let serialize = |wave: usize| -> io::Result<Vec<Vec<u8>>> {
        let end = (wave + DOCUMENTS_PER_WAVE).min(documents);
        (wave..end)
            .into_par_iter()
            .step_by(DOCUMENTS_PER_BLOCK)
            .map(|first| {
                let mut buffer = Vec::with_capacity(BLOCK_CAPACITY);
                for d in first..(first + DOCUMENTS_PER_BLOCK).min(end) {
                    write_document(&mut buffer, result, d)?;
                }
                Ok(buffer)
            })
            .collect()
    };
    let mut serialized: Vec<Vec<u8>> = Vec::new();
    for wave in (0..documents).step_by(DOCUMENTS_PER_WAVE) {
        let mut next = Ok(Vec::new());
        let written = rayon::in_place_scope(|scope| {
            scope.spawn(|_| next = serialize(wave));
            serialized.iter().try_for_each(|block| out.write_all(block))
        });
        written?;
        serialized = next?;
    }
    for block in serialized {
        out.write_all(&block)?;
    }
    let mut line = |record: &Record| write_record(&mut *out, record);
    for (id, family) in result.families.iter().enumerate() {
        let members: Vec<(&str, u32)> = family
            .members
            .iter()
            .map(|&m| {
                let s = &result.sentences[m as usize];
                (result.documents[s.doc as usize].id.as_str(), s.index)
            })
            .collect();
        let outlets = family_outlets(result, id);
        let source = &result.provenance.families[id];
        line(&Record::Family {
            id: id as u32,
            members,
            kind: family.kind,
            outlets: outlets.len(),
            direction: source.direction,
            source: source.sentence.map(|s| {
                let (doc, index) = sentence_ref(result, s);
                SourceJson::Sentence { doc, index }
            }),
            upstream: source.upstream.as_ref(),
        })?;
    }
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
