//! The JSON Lines output: one record per line, each `{"type": ...}`.
//!
//! This is a public interface (documented in the README): fields are added,
//! never renamed or removed. Records come in a fixed order: every
//! `document`, each followed by its `sentence`s, then every `family`, then
//! one `summary`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{label_counts, outlet_count, round4, total_label_counts};
use crate::boilerplate::Boilerplate;
use crate::dateline::Dateline;
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
    },
    Family {
        id: u32,
        members: Vec<(&'a str, u32)>,
        kind: Reuse,
        outlets: usize,
    },
    Summary {
        articles: usize,
        outlets: usize,
        sentences: usize,
        families: usize,
        labels: BTreeMap<Label, usize>,
        windows_1252_decoded: usize,
        skipped: &'a [String],
        stats: &'a Stats,
        config: &'a ScanConfig,
    },
}

#[derive(Serialize)]
struct BestMatch<'a> {
    doc: &'a str,
    index: u32,
    similarity: f64,
    reuse: Reuse,
}

/// Facts about the input that the scan itself does not know.
#[derive(Debug, Default)]
pub struct InputSummary {
    pub windows_1252_decoded: usize,
    pub skipped: Vec<String>,
}

pub fn write(
    out: &mut dyn Write,
    result: &ScanResult,
    config: &ScanConfig,
    input: &InputSummary,
) -> io::Result<()> {
    let mut line = |record: &Record| -> io::Result<()> {
        serde_json::to_writer(&mut *out, record)?;
        out.write_all(b"\n")
    };
    for (d, doc) in result.documents.iter().enumerate() {
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
        })?;
        for s in &result.sentences[doc.sentences.start as usize..doc.sentences.end as usize] {
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
            })?;
        }
    }
    for (id, family) in result.families.iter().enumerate() {
        let members: Vec<(&str, u32)> = family
            .members
            .iter()
            .map(|&m| {
                let s = &result.sentences[m as usize];
                (result.documents[s.doc as usize].id.as_str(), s.index)
            })
            .collect();
        let mut outlets: Vec<&str> = family
            .members
            .iter()
            .map(|&m| {
                result.documents[result.sentences[m as usize].doc as usize]
                    .outlet
                    .as_str()
            })
            .collect();
        outlets.sort_unstable();
        outlets.dedup();
        line(&Record::Family {
            id: id as u32,
            members,
            kind: family.kind,
            outlets: outlets.len(),
        })?;
    }
    line(&Record::Summary {
        articles: result.documents.len(),
        outlets: outlet_count(result),
        sentences: result.sentences.len(),
        families: result.families.len(),
        labels: total_label_counts(result),
        windows_1252_decoded: input.windows_1252_decoded,
        skipped: &input.skipped,
        stats: &result.stats,
        config,
    })?;
    out.flush()
}
