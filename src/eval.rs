//! `wiretrace eval`: how close a scan came to the known answer.
//!
//! `wiretrace synth --truth FILE` records where every generated sentence came
//! from. This module aligns a scan's JSON Lines output with that truth and
//! scores it. Scan and truth segment text independently, so sentences are
//! matched by byte overlap rather than by index: each scan sentence stands for
//! the truth sentence of its document it overlaps most (ties: the earliest),
//! and scan sentences that overlap none are ignored and counted.
//!
//! The measures, each defined on its struct below: cross-outlet links
//! ([`Links`]), families as a partition ([`Partition`], adjusted Rand index),
//! who a copy is attributed to ([`Attribution`]), changed figures
//! ([`Drift`]), and recall per kind of edit ([`EditRecall`]). A ratio with
//! nothing to divide by is `None` (`null` in JSON, "-" in the table): no
//! evidence is not the same as a score of zero.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::io::{self, BufRead, Write};
use std::path::Path;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Errors name the file, and the line for a malformed record (path:line).
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}:{line}: {message}")]
    Line {
        path: String,
        line: usize,
        message: String,
    },
}

/// A span of one document's text (byte offsets, end exclusive).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub struct Span {
    pub doc: String,
    pub start: usize,
    pub end: usize,
}

/// `{"type":"article"}` in the truth file.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthArticle {
    pub doc: String,
    pub outlet: String,
    pub wire: bool,
}

/// `{"type":"sentence"}` in the truth file.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthSentence {
    pub doc: String,
    pub start: usize,
    pub end: usize,
    /// The wire sentence this one derives from (itself for the wire's own);
    /// `None` for the outlet's own text and boilerplate.
    pub origin: Option<Span>,
    /// `wire`, `verbatim`, `trimmed`, `edited`, `rewritten`, `number`,
    /// `headline`, `own` or `boilerplate`; other values are kept as they are.
    pub edit: String,
    pub drift: bool,
}

/// Everything the truth file says.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    pub articles: Vec<TruthArticle>,
    pub sentences: Vec<TruthSentence>,
}

/// A scan `document` record: only what the measures need.
#[derive(Debug, Clone, Deserialize)]
pub struct ScanDocument {
    pub id: String,
    pub outlet: String,
}

/// A scan `sentence` record: only what the measures need.
#[derive(Debug, Clone, Deserialize)]
pub struct ScanSentence {
    pub doc: String,
    pub index: u64,
    pub start: usize,
    pub end: usize,
    pub family: Option<u64>,
    #[serde(default)]
    pub source: Option<ScanSource>,
    /// Whether the scan flagged changed facts (its `drift` list is non-empty).
    #[serde(default, rename = "drift", deserialize_with = "non_empty")]
    pub drifted: bool,
}

/// A scan sentence's `source`: another sentence, or an agency.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ScanSource {
    Sentence { doc: String, index: u64 },
    Agency { agency: String },
}

/// Everything of a scan's output that the measures use.
#[derive(Debug, Clone, Default)]
pub struct ScanOutput {
    pub documents: Vec<ScanDocument>,
    pub sentences: Vec<ScanSentence>,
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(!Vec::<IgnoredAny>::deserialize(d)?.is_empty())
}

// Record types either file may add later (the scan's `family`, `summary`
// ...) are skipped, so an older eval reads newer files.
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum TruthRecord {
    Article(TruthArticle),
    Sentence(TruthSentence),
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum ScanRecord {
    Document(ScanDocument),
    Sentence(ScanSentence),
    #[serde(other)]
    Other,
}

/// Opens `path` for reading, `-` meaning stdin, decompressing gzip or zstd
/// (so `synth --truth truth.jsonl.gz` reads back) as it is read; returns
/// the reader and the name errors should use.
pub fn open(path: &Path) -> Result<(Box<dyn BufRead>, String), EvalError> {
    // Read as it is parsed: a gigabyte dump's results are 4 GB.
    let (raw, name): (Box<dyn io::Read>, String) = if path == Path::new("-") {
        (Box::new(io::stdin().lock()), "<stdin>".to_string())
    } else {
        let name = path.display().to_string();
        match std::fs::File::open(path) {
            Ok(file) => (Box::new(file), name),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Err(EvalError::NotFound { path: name })
            }
            Err(source) => return Err(EvalError::Io { path: name, source }),
        }
    };
    match crate::ingest::decompressed(raw) {
        Ok((bytes, _)) => Ok((bytes, name)),
        Err(source) => Err(EvalError::Io { path: name, source }),
    }
}

/// Reads a truth file (JSON Lines, as `wiretrace synth --truth` writes it).
pub fn read_truth(input: impl BufRead, path: &str) -> Result<Truth, EvalError> {
    let mut truth = Truth::default();
    for_each_record(input, path, |record| match record {
        TruthRecord::Article(a) => truth.articles.push(a),
        TruthRecord::Sentence(s) => truth.sentences.push(s),
        TruthRecord::Other => {}
    })?;
    Ok(truth)
}

/// Reads a scan's JSON Lines output (`wiretrace scan --json`).
pub fn read_scan(input: impl BufRead, path: &str) -> Result<ScanOutput, EvalError> {
    let mut scan = ScanOutput::default();
    for_each_record(input, path, |record| match record {
        ScanRecord::Document(d) => scan.documents.push(d),
        ScanRecord::Sentence(s) => scan.sentences.push(s),
        ScanRecord::Other => {}
    })?;
    Ok(scan)
}

/// Parses every non-blank line as a `T`, naming path:line on failure.
fn for_each_record<T: DeserializeOwned>(
    mut input: impl BufRead,
    path: &str,
    mut f: impl FnMut(T),
) -> Result<(), EvalError> {
    let mut buf = Vec::new();
    let mut line = 0;
    loop {
        buf.clear();
        let read = input
            .read_until(b'\n', &mut buf)
            .map_err(|source| EvalError::Io {
                path: path.to_string(),
                source,
            })?;
        if read == 0 {
            return Ok(());
        }
        line += 1;
        let bytes = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let text = String::from_utf8_lossy(bytes.strip_suffix(b"\r").unwrap_or(bytes));
        if text.trim().is_empty() {
            continue;
        }
        let fail = |message: String| EvalError::Line {
            path: path.to_string(),
            line,
            message,
        };
        // Each line is parsed on its own: serde_json's "at line 1" is noise
        // next to the real line number.
        let value: Value = serde_json::from_str(&text).map_err(|err| {
            let message = err.to_string();
            let head = message.rsplit_once(" at line ").map_or(&*message, |m| m.0);
            fail(format!("not valid JSON: {head} at column {}", err.column()))
        })?;
        let found = match &value {
            Value::Object(_) => None,
            Value::Array(_) => Some("an array"),
            Value::String(_) => Some("a string"),
            Value::Number(_) => Some("a number"),
            Value::Bool(_) => Some("a boolean"),
            Value::Null => Some("null"),
        };
        if let Some(found) = found {
            return Err(fail(format!("line is {found}, not a JSON object")));
        }
        f(T::deserialize(value).map_err(|err| fail(err.to_string()))?);
    }
}

/// All the measures; serialized as `wiretrace eval --json` prints them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub alignment: Alignment,
    pub links: Links,
    pub families: Partition,
    pub source: Attribution,
    pub drift: Drift,
    /// Keyed by `edit` value; `own`, `boilerplate` and `wire` are left out.
    pub edits: BTreeMap<String, EditRecall>,
}

/// How scan sentences met truth sentences.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alignment {
    pub scan_sentences: u64,
    /// Scan sentences overlapping some truth sentence of their document:
    /// the items links, families and drift are counted over.
    pub aligned: u64,
    /// Scan sentences overlapping none (or of documents the truth lacks).
    pub ignored: u64,
    pub truth_sentences: u64,
    /// Truth sentences no scan sentence was aligned to (the scan joined
    /// them to a neighbour, or skipped them).
    pub truth_unmatched: u64,
}

/// Unordered pairs of aligned sentences from different outlets that share
/// a family: truly (same `origin`) or as predicted (same scan `family`).
/// `correct` pairs share both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Links {
    #[serde(rename = "true")]
    pub truth: u64,
    pub predicted: u64,
    pub correct: u64,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
    pub f1: Option<f64>,
}

/// Adjusted Rand index of predicted against true families, over aligned
/// sentences in a true or a predicted family; a sentence without a family
/// on one side is a singleton there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partition {
    pub sentences: u64,
    pub ari: Option<f64>,
}

/// Over truth sentences with an origin in non-wire articles. The scan
/// sentence standing for one is its aligned scan sentence of largest
/// overlap. A source is `correct` when it is a sentence of the origin's
/// document, or an agency named like the origin article's outlet (case
/// aside); `exact` when it is the origin sentence itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribution {
    pub sentences: u64,
    /// Sentences whose scan sentence has a source.
    pub attributed: u64,
    pub correct: u64,
    /// Attributed sentences whose origin is in the corpus: only these can
    /// be attributed `exact`ly (the others can only name the agency).
    pub attributed_in_corpus: u64,
    pub exact: u64,
    /// correct / attributed.
    pub accuracy: Option<f64>,
    /// attributed / sentences.
    pub coverage: Option<f64>,
}

/// "The scan flagged changed facts" against truth `drift`, over aligned
/// sentences of non-wire articles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    pub sentences: u64,
    #[serde(rename = "true")]
    pub truth: u64,
    pub flagged: u64,
    pub correct: u64,
    pub precision: Option<f64>,
    pub recall: Option<f64>,
}

/// Truth sentences of one kind of edit whose scan sentence's family holds a
/// scan sentence aligned to their origin. Copies of a wire story that is
/// not in the corpus (the truth lists no sentence at the origin span) could
/// not be found by any scan: they are counted in `origin_absent`, not in
/// `sentences`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct EditRecall {
    pub sentences: u64,
    pub found: u64,
    pub recall: Option<f64>,
    pub origin_absent: u64,
}

/// Byte overlap of two spans.
fn overlap(a: (usize, usize), b: (usize, usize)) -> usize {
    a.1.min(b.1).saturating_sub(a.0.max(b.0))
}

/// For each scan sentence, the truth sentence of the same document it
/// overlaps most (ties: earliest start), with the overlap.
pub fn align(truth: &Truth, scan: &ScanOutput) -> Vec<Option<(usize, usize)>> {
    // Per document: truth sentences by start, and the largest end so far,
    // so a lookup walks back only over spans that can still overlap.
    let mut by_doc: HashMap<&str, Vec<usize>> = HashMap::new();
    for (t, s) in truth.sentences.iter().enumerate() {
        by_doc.entry(&s.doc).or_default().push(t);
    }
    let by_doc: HashMap<&str, (Vec<usize>, Vec<usize>)> = by_doc
        .into_iter()
        .map(|(doc, mut ts)| {
            ts.sort_by_key(|&t| (truth.sentences[t].start, truth.sentences[t].end, t));
            let max_end = ts
                .iter()
                .scan(0, |m, &t| {
                    *m = (*m).max(truth.sentences[t].end);
                    Some(*m)
                })
                .collect();
            (doc, (ts, max_end))
        })
        .collect();
    scan.sentences
        .iter()
        .map(|s| {
            let (ts, max_end) = by_doc.get(s.doc.as_str())?;
            let hi = ts.partition_point(|&t| truth.sentences[t].start < s.end);
            let mut best = None;
            for j in (0..hi).rev() {
                if max_end[j] <= s.start {
                    break;
                }
                let t = &truth.sentences[ts[j]];
                let o = overlap((s.start, s.end), (t.start, t.end));
                // Walking back, `>=` lets the earlier of equal overlaps win.
                if o > 0 && best.is_none_or(|(_, b)| o >= b) {
                    best = Some((ts[j], o));
                }
            }
            best
        })
        .collect()
}

/// C(n, 2).
fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Cross-outlet pairs within groups, from counts alone: per group, all
/// pairs less those within one outlet.
fn cross_outlet_pairs<K: Hash + Eq>(items: impl IntoIterator<Item = (K, u32)>) -> u64 {
    let mut cells: HashMap<(K, u32), u64> = HashMap::new();
    for item in items {
        *cells.entry(item).or_default() += 1;
    }
    let within: u64 = cells.values().map(|&n| pairs(n)).sum();
    let mut groups: HashMap<K, u64> = HashMap::new();
    for ((k, _), n) in cells {
        *groups.entry(k).or_default() += n;
    }
    groups.values().map(|&n| pairs(n)).sum::<u64>() - within
}

/// Adjusted Rand index of two labelings of the same items; `None` is a
/// singleton cluster. Identical trivial partitions (all singletons, or one
/// cluster) score 1; fewer than two items give `None`.
pub fn adjusted_rand_index<A: Hash + Eq, B: Hash + Eq>(
    labels: impl IntoIterator<Item = (Option<A>, Option<B>)>,
) -> Option<f64> {
    let mut n = 0u64;
    let mut rows: HashMap<A, u64> = HashMap::new();
    let mut cols: HashMap<B, u64> = HashMap::new();
    let mut cells: HashMap<(A, B), u64> = HashMap::new();
    // A singleton adds nothing to any sum of C(count, 2): only n sees it.
    for (a, b) in labels {
        n += 1;
        match (a, b) {
            (Some(a), Some(b)) => *cells.entry((a, b)).or_default() += 1,
            (Some(a), None) => *rows.entry(a).or_default() += 1,
            (None, Some(b)) => *cols.entry(b).or_default() += 1,
            (None, None) => {}
        }
    }
    let index: u64 = cells.values().map(|&c| pairs(c)).sum();
    for ((a, b), c) in cells {
        *rows.entry(a).or_default() += c;
        *cols.entry(b).or_default() += c;
    }
    if n < 2 {
        return None;
    }
    let row_pairs = rows.values().map(|&c| pairs(c)).sum::<u64>() as f64;
    let col_pairs = cols.values().map(|&c| pairs(c)).sum::<u64>() as f64;
    let expected = row_pairs * col_pairs / pairs(n) as f64;
    let max = (row_pairs + col_pairs) / 2.0;
    if max == expected {
        return Some(1.0);
    }
    Some((index as f64 - expected) / (max - expected))
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn f1(p: Option<f64>, r: Option<f64>) -> Option<f64> {
    match (p?, r?) {
        (p, r) if p + r > 0.0 => Some(2.0 * p * r / (p + r)),
        _ => Some(0.0),
    }
}

/// Scores `scan` against `truth`.
pub fn evaluate(truth: &Truth, scan: &ScanOutput) -> Metrics {
    let aligned = align(truth, scan);
    let ts = &truth.sentences;
    let articles: HashMap<&str, &TruthArticle> =
        truth.articles.iter().map(|a| (a.doc.as_str(), a)).collect();
    let scan_outlets: HashMap<&str, &str> = scan
        .documents
        .iter()
        .map(|d| (d.id.as_str(), d.outlet.as_str()))
        .collect();
    let is_wire = |doc: &str| articles.get(doc).is_some_and(|a| a.wire);

    // Outlets as small ids; the truth's outlet first, the scan's if the
    // truth lacks the article, else the document is an outlet of its own.
    let mut outlet_ids: HashMap<&str, u32> = HashMap::new();
    let mut outlet_of = |t: usize| -> u32 {
        let doc = ts[t].doc.as_str();
        let name = articles
            .get(doc)
            .map(|a| a.outlet.as_str())
            .or_else(|| scan_outlets.get(doc).copied())
            .unwrap_or(doc);
        let next = outlet_ids.len() as u32;
        *outlet_ids.entry(name).or_insert(next)
    };
    // True family of a truth sentence: an id per distinct origin.
    let mut family_ids: HashMap<&Span, u32> = HashMap::new();
    let true_family: Vec<Option<u32>> = ts
        .iter()
        .map(|t| {
            let origin = t.origin.as_ref()?;
            let next = family_ids.len() as u32;
            Some(*family_ids.entry(origin).or_insert(next))
        })
        .collect();

    // Per truth sentence: the scan sentence of largest overlap (ties:
    // earliest) and the predicted families of all its scan sentences.
    let mut standing: Vec<Option<(usize, usize)>> = vec![None; ts.len()];
    let mut families_of: Vec<Vec<u64>> = vec![Vec::new(); ts.len()];
    for (i, a) in aligned.iter().enumerate() {
        let Some((t, o)) = *a else { continue };
        let better = match standing[t] {
            None => true,
            Some((j, b)) => o > b || (o == b && scan.sentences[i].start < scan.sentences[j].start),
        };
        if better {
            standing[t] = Some((i, o));
        }
        families_of[t].extend(scan.sentences[i].family);
    }

    // Items: aligned scan sentences, with true family, predicted family and
    // outlet.
    let items: Vec<(Option<u32>, Option<u64>, u32)> = aligned
        .iter()
        .zip(&scan.sentences)
        .filter_map(|(a, s)| {
            let (t, _) = (*a)?;
            Some((true_family[t], s.family, outlet_of(t)))
        })
        .collect();

    let alignment = Alignment {
        scan_sentences: scan.sentences.len() as u64,
        aligned: items.len() as u64,
        ignored: (scan.sentences.len() - items.len()) as u64,
        truth_sentences: ts.len() as u64,
        truth_unmatched: standing.iter().filter(|s| s.is_none()).count() as u64,
    };

    let true_links = cross_outlet_pairs(items.iter().filter_map(|&(t, _, o)| Some((t?, o))));
    let predicted_links = cross_outlet_pairs(items.iter().filter_map(|&(_, p, o)| Some((p?, o))));
    let correct_links =
        cross_outlet_pairs(items.iter().filter_map(|&(t, p, o)| Some(((t?, p?), o))));
    let (precision, recall) = (
        ratio(correct_links, predicted_links),
        ratio(correct_links, true_links),
    );
    let links = Links {
        truth: true_links,
        predicted: predicted_links,
        correct: correct_links,
        precision,
        recall,
        f1: f1(precision, recall),
    };

    let in_families: Vec<(Option<u32>, Option<u64>)> = items
        .iter()
        .filter(|(t, p, _)| t.is_some() || p.is_some())
        .map(|&(t, p, _)| (t, p))
        .collect();
    let families = Partition {
        sentences: in_families.len() as u64,
        ari: adjusted_rand_index(in_families),
    };

    // Scan sentence by (doc, index), to follow a `source` reference.
    let by_ref: HashMap<(&str, u64), usize> = scan
        .sentences
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.doc.as_str(), s.index), i))
        .collect();
    let truth_index: HashMap<(&str, usize, usize), usize> = ts
        .iter()
        .enumerate()
        .map(|(t, s)| ((s.doc.as_str(), s.start, s.end), t))
        .collect();
    let origin_index = |o: &Span| truth_index.get(&(o.doc.as_str(), o.start, o.end)).copied();

    let (mut sentences, mut attributed, mut correct) = (0, 0, 0);
    let (mut attributed_in_corpus, mut exact) = (0, 0);
    let mut edits: BTreeMap<String, EditRecall> = BTreeMap::new();
    for (t, truth_sentence) in ts.iter().enumerate() {
        let Some(origin) = &truth_sentence.origin else {
            continue;
        };
        let scan_sentence = standing[t].map(|(i, _)| &scan.sentences[i]);
        if !matches!(truth_sentence.edit.as_str(), "own" | "boilerplate" | "wire") {
            let entry = edits.entry(truth_sentence.edit.clone()).or_default();
            match origin_index(origin) {
                None => entry.origin_absent += 1,
                Some(o) => {
                    let family = scan_sentence.and_then(|s| s.family);
                    entry.sentences += 1;
                    entry.found += u64::from(family.is_some_and(|f| families_of[o].contains(&f)));
                }
            }
        }
        if is_wire(&truth_sentence.doc) {
            continue;
        }
        sentences += 1;
        let Some(source) = scan_sentence.and_then(|s| s.source.as_ref()) else {
            continue;
        };
        attributed += 1;
        let (is_correct, is_exact) = match source {
            ScanSource::Sentence { doc, index } => {
                let target = by_ref
                    .get(&(doc.as_str(), *index))
                    .and_then(|&i| aligned[i]);
                match target {
                    Some((u, _)) if ts[u].doc == origin.doc => {
                        (true, Some(u) == origin_index(origin))
                    }
                    _ => (false, false),
                }
            }
            ScanSource::Agency { agency } => {
                let wire = articles.get(origin.doc.as_str());
                let named = wire.is_some_and(|a| a.outlet.to_lowercase() == agency.to_lowercase());
                (named, false)
            }
        };
        correct += u64::from(is_correct);
        attributed_in_corpus += u64::from(origin_index(origin).is_some());
        exact += u64::from(is_exact);
    }
    let source = Attribution {
        sentences,
        attributed,
        correct,
        attributed_in_corpus,
        exact,
        accuracy: ratio(correct, attributed),
        coverage: ratio(attributed, sentences),
    };

    let (mut drift_sentences, mut drift_true, mut flagged, mut drift_correct) = (0, 0, 0, 0);
    for (a, s) in aligned.iter().zip(&scan.sentences) {
        let Some((t, _)) = *a else { continue };
        if is_wire(&ts[t].doc) {
            continue;
        }
        drift_sentences += 1;
        drift_true += u64::from(ts[t].drift);
        flagged += u64::from(s.drifted);
        drift_correct += u64::from(ts[t].drift && s.drifted);
    }
    let drift = Drift {
        sentences: drift_sentences,
        truth: drift_true,
        flagged,
        correct: drift_correct,
        precision: ratio(drift_correct, flagged),
        recall: ratio(drift_correct, drift_true),
    };

    Metrics {
        alignment,
        links,
        families,
        source,
        drift,
        edits: edits
            .into_iter()
            .map(|(edit, e)| {
                let recall = ratio(e.found, e.sentences);
                (edit, EditRecall { recall, ..e })
            })
            .collect(),
    }
}

impl Metrics {
    /// The human report: one line on alignment, then a table of measures.
    pub fn write_table(&self, out: &mut dyn Write) -> io::Result<()> {
        let a = &self.alignment;
        writeln!(
            out,
            "{} of {} scan sentences aligned to the truth ({} ignored); {} of {} truth sentences unmatched",
            a.aligned, a.scan_sentences, a.ignored, a.truth_unmatched, a.truth_sentences
        )?;
        writeln!(out)?;
        let percent = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.1}%", x * 100.0));
        let of = |a: u64, b: u64| format!("{a} of {b}");
        let (l, s, d) = (&self.links, &self.source, &self.drift);
        let row = |name: &str, value: String, count: String| (name.to_string(), value, count);
        let ari = self
            .families
            .ari
            .map_or("-".to_string(), |x| format!("{x:.3}"));
        let exact = percent(ratio(s.exact, s.attributed_in_corpus));
        let mut rows = vec![
            row(
                "link precision",
                percent(l.precision),
                of(l.correct, l.predicted),
            ),
            row("link recall", percent(l.recall), of(l.correct, l.truth)),
            row("link F1", percent(l.f1), String::new()),
            row(
                "family ARI",
                ari,
                format!("{} sentences", self.families.sentences),
            ),
            row(
                "source accuracy",
                percent(s.accuracy),
                of(s.correct, s.attributed),
            ),
            row(
                "source exact sentence",
                exact,
                of(s.exact, s.attributed_in_corpus),
            ),
            row(
                "source coverage",
                percent(s.coverage),
                of(s.attributed, s.sentences),
            ),
            row(
                "drift precision",
                percent(d.precision),
                of(d.correct, d.flagged),
            ),
            row("drift recall", percent(d.recall), of(d.correct, d.truth)),
        ];
        for (edit, e) in &self.edits {
            let mut count = of(e.found, e.sentences);
            if e.origin_absent > 0 {
                count.push_str(&format!(
                    " ({} more: origin not in corpus)",
                    e.origin_absent
                ));
            }
            rows.push(row(&format!("recall: {edit}"), percent(e.recall), count));
        }
        let name_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(7);
        let value_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0).max(5);
        writeln!(
            out,
            "{:<name_width$}  {:>value_width$}  count",
            "measure", "value"
        )?;
        for (name, value, count) in rows {
            let line = format!("{name:<name_width$}  {value:>value_width$}  {count}");
            writeln!(out, "{}", line.trim_end())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn jsonl(records: &[serde_json::Value]) -> String {
        records.iter().map(|r| format!("{r}\n")).collect()
    }

    fn truth_sentence(doc: &str, start: usize, end: usize) -> TruthSentence {
        TruthSentence {
            doc: doc.into(),
            start,
            end,
            origin: None,
            edit: "own".into(),
            drift: false,
        }
    }

    fn scan_sentence(doc: &str, index: u64, start: usize, end: usize) -> ScanSentence {
        ScanSentence {
            doc: doc.into(),
            index,
            start,
            end,
            family: None,
            source: None,
            drifted: false,
        }
    }

    #[test]
    fn ari_of_identical_partitions_is_one() {
        let labels = [0, 0, 1, 1, 2];
        let ari = adjusted_rand_index(labels.iter().map(|&l| (Some(l), Some(l + 10))));
        assert_eq!(ari, Some(1.0));
        // All singletons on both sides: trivially identical.
        let singletons = adjusted_rand_index((0..4).map(|_| (None::<u8>, None::<u8>)));
        assert_eq!(singletons, Some(1.0));
        assert_eq!(adjusted_rand_index([(Some(1), Some(1))]), None);
    }

    #[test]
    fn ari_of_hand_computed_partitions() {
        // {0,1}{2,3} vs {0,1}{2}{3}: index 1, expected 2*1/6, max 1.5, so
        // (1 - 1/3) / (1.5 - 1/3) = 4/7.
        let ari =
            adjusted_rand_index([(0, 0), (0, 0), (1, 1), (1, 2)].map(|(a, b)| (Some(a), Some(b))));
        assert!((ari.unwrap() - 4.0 / 7.0).abs() < 1e-12);
        // A singleton written as None is the same as a cluster of its own.
        let ari2 = adjusted_rand_index([
            (Some(0), Some(0)),
            (Some(0), Some(0)),
            (Some(1), Some(1)),
            (Some(1), None),
        ]);
        assert_eq!(ari, ari2);
        // {0,1}{2,3} vs {0,2}{1,3}: index 0, expected 2/3, max 2: -0.5.
        let crossed =
            adjusted_rand_index([(0, 0), (0, 1), (1, 0), (1, 1)].map(|(a, b)| (Some(a), Some(b))));
        assert!((crossed.unwrap() + 0.5).abs() < 1e-12);
    }

    #[test]
    fn cross_outlet_pairs_leave_out_pairs_within_an_outlet() {
        // One group of outlets A, A, B, C: 6 pairs, 1 of them within A.
        assert_eq!(cross_outlet_pairs([(0, 1), (0, 1), (0, 2), (0, 3)]), 5);
        // Two groups of one outlet each: nothing.
        assert_eq!(cross_outlet_pairs([(0, 1), (0, 1), (1, 2)]), 0);
    }

    #[test]
    fn scan_sentences_align_to_the_largest_overlap_earliest_on_ties() {
        let truth = Truth {
            articles: vec![],
            sentences: vec![
                truth_sentence("d", 20, 30),
                truth_sentence("d", 0, 10),
                truth_sentence("d", 10, 20),
                truth_sentence("e", 0, 100),
            ],
        };
        let scan = ScanOutput {
            documents: vec![],
            sentences: vec![
                scan_sentence("d", 0, 0, 20),  // 10 and 10: the earlier
                scan_sentence("d", 1, 5, 25),  // 5, 10, 5
                scan_sentence("d", 2, 8, 30),  // 2, 10, 10: the earlier
                scan_sentence("d", 3, 30, 40), // touches, no overlap
                scan_sentence("x", 0, 0, 10),  // no such document
                scan_sentence("e", 0, 50, 60), // inside
            ],
        };
        let aligned = align(&truth, &scan);
        assert_eq!(
            aligned,
            vec![
                Some((1, 10)),
                Some((2, 10)),
                Some((2, 10)),
                None,
                None,
                Some((3, 10))
            ]
        );
    }

    /// Wire `w` (AP) with two sentences; `a` and `a2` (outlet A) copy the
    /// first; `b` (B) edits the first with a changed figure, rewrites the
    /// second and copies a Reuters story `x` that is not in the corpus; `a`
    /// adds a sentence of its own. The scan also has a document `zz` the
    /// truth does not know.
    fn fixture() -> (Truth, ScanOutput) {
        let article = |doc: &str, outlet: &str, wire: bool| json!({"type": "article", "doc": doc, "outlet": outlet, "wire": wire});
        let sentence =
            |doc: &str, start: usize, origin: Option<(&str, usize)>, edit: &str, drift: bool| {
                json!({"type": "sentence", "doc": doc, "start": start, "end": start + 40,
                   "origin": origin.map(|(d, s)| json!({"doc": d, "start": s, "end": s + 40})),
                   "edit": edit, "drift": drift})
            };
        let truth = jsonl(&[
            article("w", "AP", true),
            sentence("w", 0, Some(("w", 0)), "wire", false),
            sentence("w", 41, Some(("w", 41)), "wire", false),
            article("a", "A", false),
            sentence("a", 0, Some(("w", 0)), "verbatim", false),
            sentence("a", 41, None, "own", false),
            article("a2", "A", false),
            sentence("a2", 0, Some(("w", 0)), "verbatim", false),
            article("b", "B", false),
            sentence("b", 0, Some(("w", 0)), "edited", true),
            sentence("b", 41, Some(("w", 41)), "rewritten", false),
            sentence("b", 82, Some(("x", 0)), "verbatim", false),
            article("x", "Reuters", true),
        ]);
        let doc = |id: &str, outlet: &str| json!({"type": "document", "id": id, "outlet": outlet});
        let sent =
            |doc: &str, index: u64, family: Option<u64>, source: serde_json::Value, drift: bool| {
                let drift = if drift {
                    json!([{"kind": "number"}])
                } else {
                    json!([])
                };
                json!({"type": "sentence", "doc": doc, "index": index, "start": index * 41,
                   "end": index * 41 + 40, "text": "...", "label": "original",
                   "family": family, "source": source, "drift": drift})
            };
        let scan = jsonl(&[
            doc("w", "AP"),
            sent("w", 0, Some(1), json!(null), false),
            sent("w", 1, Some(2), json!(null), false),
            doc("a", "A"),
            sent("a", 0, Some(1), json!({"doc": "w", "index": 0}), false),
            sent("a", 1, Some(2), json!({"doc": "w", "index": 1}), true),
            doc("a2", "A"),
            sent(
                "a2",
                0,
                Some(1),
                json!({"agency": "ap", "in_corpus": true}),
                false,
            ),
            doc("b", "B"),
            sent("b", 0, None, json!({"doc": "a", "index": 0}), true),
            sent("b", 1, Some(2), json!(null), false),
            sent("b", 2, None, json!(null), false),
            doc("zz", "Z"),
            sent("zz", 0, Some(2), json!(null), false),
            json!({"type": "family", "id": 1, "members": [["w", 0]]}),
            json!({"type": "summary", "articles": 4}),
        ]);
        (
            read_truth(truth.as_bytes(), "truth.jsonl").unwrap(),
            read_scan(scan.as_bytes(), "scan.jsonl").unwrap(),
        )
    }

    #[test]
    fn metrics_of_a_hand_made_case() {
        let (truth, scan) = fixture();
        let m = evaluate(&truth, &scan);
        assert_eq!(
            m.alignment,
            Alignment {
                scan_sentences: 9,
                aligned: 8,
                ignored: 1,
                truth_sentences: 8,
                truth_unmatched: 0
            }
        );
        // True: {w0, a0, a2, b0} has 6 pairs less a0-a2 (both A) = 5, plus
        // w1-b1. Predicted: family 1 {w0, a0, a2} = 2, family 2 {w1, a1,
        // b1} = 3. Correct: w0-a0, w0-a2, w1-b1.
        assert_eq!(
            (m.links.truth, m.links.predicted, m.links.correct),
            (6, 5, 3)
        );
        assert_eq!((m.links.precision, m.links.recall), (Some(0.6), Some(0.5)));
        // Eight sentences; true {4}{2}{b2}{a1}, predicted {3}{3}{b0}{b2}:
        // index 3 + 1, expected 7 * 6 / 28 = 1.5, max 6.5: 2.5 / 5.
        assert_eq!(m.families.sentences, 8);
        assert!((m.families.ari.unwrap() - 0.5).abs() < 1e-12);
        // a0 names w0 (exact), a2 names AP (case aside), b0 names a (wrong),
        // b1 and b2 name nothing.
        assert_eq!(
            (
                m.source.sentences,
                m.source.attributed,
                m.source.correct,
                m.source.attributed_in_corpus,
                m.source.exact
            ),
            (5, 3, 2, 3, 1)
        );
        // Non-wire: a0, a1, a2, b0, b1, b2; b0 drifted and is flagged, a1
        // is flagged wrongly.
        assert_eq!(
            (
                m.drift.sentences,
                m.drift.truth,
                m.drift.flagged,
                m.drift.correct
            ),
            (6, 1, 2, 1)
        );
        let recall = |e: &str| {
            let e = &m.edits[e];
            (e.found, e.sentences, e.origin_absent)
        };
        assert_eq!(recall("verbatim"), (2, 2, 1));
        assert_eq!(recall("edited"), (0, 1, 0));
        assert_eq!(recall("rewritten"), (1, 1, 0));
        assert!(!m.edits.contains_key("wire") && !m.edits.contains_key("own"));

        let mut table = Vec::new();
        m.write_table(&mut table).unwrap();
        let table = String::from_utf8(table).unwrap();
        assert!(
            table.contains("link precision          60.0%  3 of 5"),
            "{table}"
        );
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["links"]["true"], 6);
        assert_eq!(json["edits"]["verbatim"]["origin_absent"], 1);
    }

    #[test]
    fn malformed_lines_name_file_and_line() {
        let err = |text: &str| {
            read_truth(text.as_bytes(), "truth.jsonl")
                .unwrap_err()
                .to_string()
        };
        let article = r#"{"type":"article","doc":"w","outlet":"AP","wire":true}"#;
        assert_eq!(
            err(&format!("{article}\n\n{{\"type\":\"article\"\n")),
            "truth.jsonl:3: not valid JSON: EOF while parsing an object at column 17"
        );
        assert_eq!(
            err(&format!(
                "{article}\n{{\"type\":\"sentence\",\"doc\":\"w\",\"start\":0,\"end\":3}}\n"
            )),
            "truth.jsonl:2: missing field `edit`"
        );
        assert_eq!(
            err("[1]\n"),
            "truth.jsonl:1: line is an array, not a JSON object"
        );
        let scan_err = read_scan(
            &b"{\"type\":\"sentence\",\"doc\":\"w\",\"index\":\"0\"}\n"[..],
            "<stdin>",
        )
        .unwrap_err()
        .to_string();
        assert!(
            scan_err.starts_with("<stdin>:1: invalid type: string \"0\""),
            "{scan_err}"
        );
        // A scan file given as truth fails on its first sentence.
        assert!(
            err(r#"{"type":"sentence","doc":"w","index":0,"start":0,"end":4,"family":null}"#)
                .starts_with("truth.jsonl:1: missing field")
        );
    }
}
