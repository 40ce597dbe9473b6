//! Who copied whom, and what the copy changed.
//!
//! A family says several outlets carry one claim; this stage says which
//! member the others came from, using the evidence in the order a news
//! researcher trusts it:
//!
//! 1. A member published by a wire service (AP, Reuters, ...) is the
//!    source. Failing that, if members credit an agency in their own text,
//!    the agency is upstream of all of them, in the corpus or not.
//! 2. Otherwise the member published strictly earliest.
//! 3. Otherwise the direction is unknown, and wiretrace says so rather than
//!    guess.
//!
//! It also compares every copy with its source for figures, months and
//! weekdays that changed (fact drift: "600 dead" became "1,000 dead").

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::ops::Index;
use std::path::Path;
use std::sync::Arc;

use foldhash::fast::FixedState;
use rayon::prelude::*;
use serde::Serialize;

use crate::credits::Wires;
use crate::figures;
use crate::normalize::{is_month, is_weekday, normalize, words};
use crate::records::Records;
use crate::scan::{Label, ScanResult};
use crate::similarity::Reuse;

/// How a family's source was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// A member is wire copy: its outlet is a wire service.
    Wire,
    /// Members credit a wire agency in their own text.
    Credit,
    /// The member published earliest.
    Earliest,
    /// No evidence: the family has no known source.
    Unknown,
}

/// An agency a family's text came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Upstream {
    pub agency: String,
    /// Whether any article of the corpus was published by that agency.
    pub in_corpus: bool,
}

/// Where one sentence came from.
///
/// Plain numbers, so that a scan's millions of them can be kept in a
/// temporary file (see [`crate::records`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Another sentence of the corpus (its id).
    Sentence(u32),
    /// A wire agency credited by the text: the upstream of the family
    /// numbered here, [`Provenance::agency`].
    Agency(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilySource {
    pub direction: Direction,
    /// The member the others came from (wire and earliest directions).
    pub sentence: Option<u32>,
    /// The agency credited upstream (credit direction, or the wire member's
    /// agency).
    pub upstream: Option<Upstream>,
}

/// What kind of fact changed between a copy and its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftKind {
    Number,
    Month,
    Weekday,
}

/// One changed fact, seen from one sentence.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Drift {
    pub kind: DriftKind,
    /// The value in this sentence, as written.
    pub value: String,
    /// The value in the other sentence, as written.
    pub other_value: String,
    /// The other sentence's id.
    pub other: u32,
}

/// A [`Drift`] borrowed from where it was found; ordered as a `Drift` is
/// (its fields in the same order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct FactRef<'a> {
    kind: DriftKind,
    value: &'a str,
    other_value: &'a str,
    other: u32,
}

impl FactRef<'_> {
    fn to_owned(self) -> Drift {
        Drift {
            kind: self.kind,
            value: self.value.to_owned(),
            other_value: self.other_value.to_owned(),
            other: self.other,
        }
    }
}

/// A changed fact of `sentence`, by where it was found: fact `fact` of the
/// `pair`-th pair of texts compared, `sentence` being the pair's second
/// text or its first.
#[derive(Debug, Clone, Copy)]
struct FoundFact {
    sentence: u32,
    other: u32,
    pair: u32,
    fact: u32,
    second: bool,
}

/// Sentences one document took from one upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamCount {
    pub source: UpstreamRef,
    pub sentences: usize,
}

/// An upstream of a document: another document, or an agency.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UpstreamRef {
    Document(u32),
    Agency(Arc<Upstream>),
}

/// How many sentences outlet `to` took from outlet (or agency) `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutletPair {
    pub from: String,
    pub to: String,
    pub sentences: usize,
}

/// The provenance of a whole scan.
#[derive(Debug, Default)]
pub struct Provenance {
    /// Per family.
    pub families: Vec<FamilySource>,
    /// Per sentence: where it came from. In a temporary file.
    pub source_of: Records<Option<Source>>,
    /// Per sentence: facts that differ from its source (or best match).
    pub drift: Drifts,
    /// Per document: its upstreams, most sentences first.
    pub upstream: Vec<Vec<UpstreamCount>>,
    /// Outlet pairs with at least one sentence taken, most first.
    pub outlet_pairs: Vec<OutletPair>,
}

impl Provenance {
    /// The agency of a [`Source::Agency`]: its family's upstream. Panics
    /// when the family has none, which no source of a traced scan names.
    pub fn agency(&self, family: u32) -> &Upstream {
        self.families[family as usize]
            .upstream
            .as_ref()
            .expect("an agency source names a family with an upstream")
    }
}

/// Each sentence's changed facts, sorted, all in one vector in sentence
/// order: a vector per sentence cost 24 bytes for each of millions of
/// sentences, most of which have none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drifts {
    /// Where each sentence's facts start in `all`; the last is its length.
    /// 32-bit, as sentence ids are: a fact is two strings, and four billion
    /// of them would not fit in memory anyway.
    starts: Vec<u32>,
    all: Vec<Drift>,
}

impl Drifts {
    /// The facts of `n` sentences from entries in any order, each naming
    /// its sentence and borrowing its fact; a fact entered twice for one
    /// sentence is kept once.
    fn new<'a, E: Send>(
        n: usize,
        mut entries: Vec<E>,
        sentence: impl Fn(&E) -> u32 + Sync,
        fact: impl Fn(&E) -> FactRef<'a> + Sync,
    ) -> Drifts {
        let key = |e: &E| (sentence(e), fact(e));
        entries.par_sort_unstable_by(|a, b| key(a).cmp(&key(b)));
        entries.dedup_by(|b, a| key(a) == key(b));
        let mut starts = Vec::with_capacity(n + 1);
        let mut all = Vec::with_capacity(entries.len());
        let end = |all: &Vec<Drift>| u32::try_from(all.len()).expect("fewer than 2^32 facts");
        for e in &entries {
            while starts.len() <= sentence(e) as usize {
                starts.push(end(&all));
            }
            all.push(fact(e).to_owned());
        }
        starts.resize(n + 1, end(&all));
        Drifts { starts, all }
    }

    /// Sentences, including those without changed facts.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each sentence's facts, in sentence order.
    pub fn iter(&self) -> impl Iterator<Item = &[Drift]> {
        self.starts
            .windows(2)
            .map(|w| &self.all[w[0] as usize..w[1] as usize])
    }
}

impl Index<usize> for Drifts {
    type Output = [Drift];

    fn index(&self, sentence: usize) -> &[Drift] {
        &self.all[self.starts[sentence] as usize..self.starts[sentence + 1] as usize]
    }
}

/// Traces sources over a finished scan, relabelling sentences relative to
/// their source. `judge` labels a pair of sentences the way the scan did;
/// `text_number` numbers sentences so that two have the same number
/// exactly when their texts are equal.
/// Sources are kept in a temporary file in `dir` (or `TMPDIR`); an error
/// is that file's.
pub fn trace(
    result: &mut ScanResult,
    wires: &Wires,
    judge: impl Fn(u32, u32) -> Option<Reuse> + Sync,
    text_number: impl Fn(u32) -> u32,
    dir: Option<&Path>,
) -> io::Result<Provenance> {
    let n = result.sentences.len();
    let published: Vec<Option<i64>> = result
        .documents
        .iter()
        .map(|d| d.published.and_then(parse_published))
        .collect();
    // Asked once per outlet, not per document: a dump has few outlets, and
    // each answer compares the name with every agency's.
    let mut agency_of: HashMap<&str, Option<String>> = HashMap::new();
    let wire_of_doc: Vec<Option<String>> = (0..result.documents.len())
        .map(|d| {
            let outlet = result.documents.outlet(d);
            agency_of
                .entry(outlet)
                .or_insert_with(|| wires.agency_of_outlet(outlet))
                .clone()
        })
        .collect();
    drop(agency_of);
    let agencies_in_corpus: HashSet<&str> =
        wire_of_doc.iter().flatten().map(String::as_str).collect();
    // Labels are changed last, so the sentences are only read until then.
    let doc_of = |s: u32| result.sentences[s as usize].doc as usize;

    let mut prov = Provenance {
        source_of: Records::filled(n, None, dir, "sentence sources")?,
        ..Default::default()
    };
    // The members that are their family's source.
    let mut sources = Vec::new();
    // The agency of each family whose members' source it is, for the
    // documents' upstreams.
    let mut agencies: Vec<Option<Arc<Upstream>>> = Vec::with_capacity(result.families.len());
    for (f, family) in result.families.iter().enumerate() {
        let members = &family.members;
        let earliest_of = |candidates: &[u32]| {
            candidates
                .iter()
                .copied()
                .min_by_key(|&s| (published[doc_of(s)].unwrap_or(i64::MAX), s))
        };
        let wire_members: Vec<u32> = members
            .iter()
            .copied()
            .filter(|&s| wire_of_doc[doc_of(s)].is_some())
            .collect();
        let source = if let Some(first) = earliest_of(&wire_members) {
            let agency = wire_of_doc[doc_of(first)].clone().unwrap_or_default();
            FamilySource {
                direction: Direction::Wire,
                sentence: Some(first),
                upstream: Some(Upstream {
                    agency,
                    in_corpus: true,
                }),
            }
        } else if let Some(agency) = most_credited(result, members) {
            let in_corpus = agencies_in_corpus.contains(&agency.as_str());
            FamilySource {
                direction: Direction::Credit,
                sentence: None,
                upstream: Some(Upstream { agency, in_corpus }),
            }
        } else {
            let times: Vec<Option<i64>> = members.iter().map(|&s| published[doc_of(s)]).collect();
            let earliest = times.iter().flatten().min().copied();
            let unique =
                earliest.is_some_and(|t| times.iter().filter(|x| **x == Some(t)).count() == 1);
            match (earliest, unique) {
                (Some(t), true) => FamilySource {
                    direction: Direction::Earliest,
                    sentence: members
                        .iter()
                        .copied()
                        .find(|&s| published[doc_of(s)] == Some(t)),
                    upstream: None,
                },
                _ => FamilySource {
                    direction: Direction::Unknown,
                    sentence: None,
                    upstream: None,
                },
            }
        };

        for &m in members {
            match (&source.sentence, &source.upstream) {
                (Some(src), _) if *src == m => sources.push(m),
                (Some(src), _) => prov.source_of[m as usize] = Some(Source::Sentence(*src)),
                (None, Some(_)) => prov.source_of[m as usize] = Some(Source::Agency(f as u32)),
                (None, None) => {}
            }
        }
        // Only where the members name it: a wire family's members name its
        // first member.
        agencies.push(match (&source.sentence, &source.upstream) {
            (None, Some(up)) => Some(Arc::new(up.clone())),
            _ => None,
        });
        prov.families.push(source);
    }
    // Drift: each copy against its source, else against its best match.
    // Most copies are word for word, and the same text states the same
    // facts: only the others are parsed, and only they are kept. The copies
    // of one wording compared with one source are the same two texts over
    // and over, and each distinct pair is parsed once. Texts are told apart
    // by their numbers, not compared: the copies are millions of texts of a
    // hundred bytes.
    let text = |s: u32| result.texts.get(s);
    let mut distinct: HashMap<(u32, u32), u32, FixedState> = HashMap::default();
    // Each distinct pair of texts by the sentences first seen with it: 8
    // bytes, where its two `&str`s were 32.
    let mut text_pairs: Vec<(u32, u32)> = Vec::new();
    // (copy, what it is compared with, their pair of texts)
    let compared: Vec<(u32, u32, u32)> = (0..n as u32)
        .filter_map(|s| {
            let other = match &prov.source_of[s as usize] {
                Some(Source::Sentence(src)) => Some(*src),
                _ => result.sentences[s as usize]
                    .best
                    .map(|m| m.sentence)
                    .filter(|o| {
                        result.sentences[*o as usize].family.is_some()
                            && result.sentences[*o as usize].family
                                == result.sentences[s as usize].family
                    }),
            }?;
            let numbers = (text_number(s), text_number(other));
            if numbers.0 == numbers.1 {
                return None;
            }
            let pair = *distinct.entry(numbers).or_insert_with(|| {
                text_pairs.push((s, other));
                text_pairs.len() as u32 - 1
            });
            Some((s, other, pair))
        })
        .collect();
    drop(distinct);
    let changes: Vec<Vec<(DriftKind, String, String)>> = text_pairs
        .par_iter()
        .map(|&(a, b)| changed_facts(text(a), text(b)))
        .collect();
    drop(text_pairs);
    // Each fact is entered for both sentences by where it was found, and
    // its words are copied once, into its place in `Drifts`: entered as
    // copies, the facts were held twice at provenance's peak (the entries,
    // then the sorted facts), the largest moment of a scan's heap.
    let mut found = Vec::new();
    for (s, other, pair) in compared {
        for fact in 0..changes[pair as usize].len() as u32 {
            found.push(FoundFact {
                sentence: s,
                other,
                pair,
                fact,
                second: false,
            });
            found.push(FoundFact {
                sentence: other,
                other: s,
                pair,
                fact,
                second: true,
            });
        }
    }
    prov.drift = Drifts::new(
        n,
        found,
        |f| f.sentence,
        |f| {
            let (kind, first, second) = &changes[f.pair as usize][f.fact as usize];
            let (value, other_value) = if f.second {
                (second, first)
            } else {
                (first, second)
            };
            FactRef {
                kind: *kind,
                value,
                other_value,
                other: f.other,
            }
        },
    );
    drop(changes);

    // Per document upstreams and the outlet matrix.
    // Keyed by borrowed names: there is a lookup per copied sentence, and
    // each used to clone both names.
    let mut pairs: HashMap<(&str, &str), usize> = HashMap::new();
    for (d, doc) in result.documents.iter().enumerate() {
        let mut counts: HashMap<UpstreamRef, usize> = HashMap::new();
        for s in doc.sentences.clone() {
            let (from, from_outlet) = match &prov.source_of[s as usize] {
                Some(Source::Sentence(src)) if doc_of(*src) != d => {
                    let e = doc_of(*src);
                    let outlet = result.documents.outlet(e);
                    (UpstreamRef::Document(e as u32), outlet)
                }
                Some(Source::Agency(f)) => {
                    let up = agencies[*f as usize].as_ref().expect("a family's agency");
                    (UpstreamRef::Agency(Arc::clone(up)), up.agency.as_str())
                }
                _ => continue,
            };
            *counts.entry(from).or_default() += 1;
            *pairs.entry((from_outlet, doc.outlet)).or_default() += 1;
        }
        let mut counts: Vec<UpstreamCount> = counts
            .into_iter()
            .map(|(source, sentences)| UpstreamCount { source, sentences })
            .collect();
        counts.sort_by(|a, b| b.sentences.cmp(&a.sentences).then(a.source.cmp(&b.source)));
        prov.upstream.push(counts);
    }
    let mut outlet_pairs: Vec<OutletPair> = pairs
        .into_iter()
        .filter(|((f, t), _)| f != t)
        .map(|((from, to), sentences)| OutletPair {
            from: from.to_owned(),
            to: to.to_owned(),
            sentences,
        })
        .collect();
    outlet_pairs.sort_by(|a, b| {
        b.sentences
            .cmp(&a.sentences)
            .then((&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    prov.outlet_pairs = outlet_pairs;

    // Each copy is labelled against its source, in parallel: on a large
    // dump this is hundreds of thousands of verifier calls.
    let relabelled: Vec<(u32, Reuse)> = prov
        .source_of
        .par_iter()
        .enumerate()
        .filter_map(|(m, source)| match source {
            Some(Source::Sentence(src)) => judge(m as u32, *src).map(|reuse| (m as u32, reuse)),
            _ => None,
        })
        .collect();
    for (m, reuse) in relabelled {
        result.sentences[m as usize].label = reuse.into();
    }
    for m in sources {
        result.sentences[m as usize].label = Label::Original;
    }
    prov.source_of.write_to_disk()?;
    Ok(prov)
}

/// The agency credited for the most members (ties: alphabetical). A
/// member is credited by its article's dateline, byline or credit line, or
/// by an attribution inside the sentence itself.
fn most_credited(result: &ScanResult, members: &[u32]) -> Option<String> {
    let mut votes: BTreeMap<Box<str>, usize> = BTreeMap::new();
    for &m in members {
        let s = &result.sentences[m as usize];
        let mut credited: Vec<Box<str>> = result
            .documents
            .get(s.doc as usize)
            .credits()
            .into_iter()
            .filter(|c| {
                c.kind.covers_article()
                    || (c.start < s.span.end as usize && (s.span.start as usize) < c.end)
            })
            .map(|c| c.agency)
            .collect();
        credited.sort_unstable();
        credited.dedup();
        for a in credited {
            *votes.entry(a).or_default() += 1;
        }
    }
    votes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(a, _)| a.into())
}

/// Facts of `a` that `b` states differently: values only one side has,
/// paired in order of appearance, per kind, when they stand in the same
/// place: the word before or the word after is the same on both sides
/// ("15,000 troops" / "18,000 troops", "since April" / "since March"). A
/// rewrite can state two different facts of one kind ("in 2016" and "No. 5
/// in the index"); without a shared neighbour they are not one fact
/// changed.
pub fn changed_facts(a: &str, b: &str) -> Vec<(DriftKind, String, String)> {
    let (na, nb) = (normalize(a), normalize(b));
    let (wa, wb) = (words(&na), words(&nb));
    let mut out = Vec::new();
    for kind in [DriftKind::Number, DriftKind::Month, DriftKind::Weekday] {
        let (va, vb) = (facts_of(kind, &wa), facts_of(kind, &wb));
        let mut only_b: Vec<&Fact> = vb
            .iter()
            .filter(|y| !va.iter().any(|x| x.key == y.key))
            .collect();
        for x in va.iter().filter(|x| !vb.iter().any(|y| x.key == y.key)) {
            let same_place = |y: &&Fact| {
                (x.before.is_some() && x.before == y.before)
                    || (x.after.is_some() && x.after == y.after)
            };
            if let Some(i) = only_b.iter().position(same_place) {
                let y = only_b.remove(i);
                out.push((kind, x.written.clone(), y.written.clone()));
            }
        }
    }
    out
}

/// A fact as written, its comparison key, and the words around it.
struct Fact<'a> {
    written: String,
    key: String,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

fn facts_of<'a>(kind: DriftKind, ws: &[&'a str]) -> Vec<Fact<'a>> {
    let fact = |tokens: std::ops::Range<usize>, key: String| Fact {
        written: ws[tokens.clone()].join(" "),
        key,
        before: tokens.start.checked_sub(1).map(|i| ws[i]),
        after: ws.get(tokens.end).copied(),
    };
    match kind {
        DriftKind::Number => figures::find(ws)
            .into_iter()
            .map(|f| fact(f.tokens, f.value))
            .collect(),
        DriftKind::Month | DriftKind::Weekday => {
            let is_name = if kind == DriftKind::Month {
                is_month
            } else {
                is_weekday
            };
            ws.iter()
                .enumerate()
                .filter(|(_, w)| is_name(w))
                .map(|(i, w)| fact(i..i + 1, w[..3].to_owned()))
                .collect()
        }
    }
}

/// Publication time as Unix seconds, from RFC 3339 ("2018-07-15T07:54:28-04:00"),
/// a plain date ("2018-07-15"), or the Reuters-21578 form
/// ("26-FEB-1987 15:01:01.79").
pub fn parse_published(text: &str) -> Option<i64> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Some(ts.as_second());
    }
    if let Ok(dt) = t.parse::<jiff::civil::DateTime>() {
        return dt
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_second());
    }
    if let Ok(d) = t.parse::<jiff::civil::Date>() {
        return d
            .to_zoned(jiff::tz::TimeZone::UTC)
            .ok()
            .map(|z| z.timestamp().as_second());
    }
    let without_fraction = t.split('.').next().unwrap_or(t);
    let titled: String = without_fraction
        .char_indices()
        .map(|(i, c)| {
            if i > 3
                && c.is_ascii_uppercase()
                && without_fraction.as_bytes()[i - 1].is_ascii_alphabetic()
            {
                c.to_ascii_lowercase()
            } else {
                c
            }
        })
        .collect();
    jiff::civil::DateTime::strptime("%d-%b-%Y %H:%M:%S", &titled)
        .ok()
        .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| z.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    impl Drift {
        fn borrowed(&self) -> FactRef<'_> {
            FactRef {
                kind: self.kind,
                value: &self.value,
                other_value: &self.other_value,
                other: self.other,
            }
        }
    }

    proptest! {
        /// The same facts per sentence as a sorted, deduplicated vector per
        /// sentence, whatever the order they were entered in.
        #[test]
        fn drifts_are_each_sentences_facts_sorted_once(
            n in 0usize..12,
            raw in prop::collection::vec((0u32..12, 0u8..3, "[0-9]{1,2}", 0u32..4), 0..40),
        ) {
            let entries: Vec<(u32, Drift)> = raw
                .into_iter()
                .filter(|(s, ..)| (*s as usize) < n)
                .map(|(s, kind, value, other)| {
                    let kind = [DriftKind::Number, DriftKind::Month, DriftKind::Weekday][kind as usize];
                    (s, Drift { kind, other_value: value.clone(), value, other })
                })
                .collect();
            let mut expected: Vec<Vec<Drift>> = vec![Vec::new(); n];
            for (s, d) in &entries {
                expected[*s as usize].push(d.clone());
            }
            for facts in &mut expected {
                facts.sort();
                facts.dedup();
            }
            let borrowed: Vec<(u32, &Drift)> = entries.iter().map(|(s, d)| (*s, d)).collect();
            let drifts = Drifts::new(n, borrowed, |e| e.0, |e| e.1.borrowed());
            prop_assert_eq!(drifts.len(), n);
            let by_iter: Vec<Vec<Drift>> = drifts.iter().map(<[Drift]>::to_vec).collect();
            prop_assert_eq!(&by_iter, &expected);
            for (s, facts) in expected.iter().enumerate() {
                prop_assert_eq!(&drifts[s], facts.as_slice());
            }
        }
    }

    #[test]
    fn changed_figures_months_and_weekdays() {
        let facts = changed_facts(
            "North Korea sent a total of 15,000 troops in March, officials said on Monday.",
            "North Korea sent 18,000 troops in April, officials said on Tuesday.",
        );
        assert_eq!(
            facts,
            [
                (DriftKind::Number, "15,000".into(), "18,000".into()),
                (DriftKind::Month, "march".into(), "april".into()),
                (DriftKind::Weekday, "monday".into(), "tuesday".into()),
            ]
        );
        assert!(changed_facts("600 were killed.", "600 were killed in May.").is_empty());
        // Two different facts, not one changed: nothing around them agrees.
        assert!(changed_facts(
            "The treaty expires in 2021, the minister said.",
            "Finland is No. 5 in the index, the minister said."
        )
        .is_empty());
        assert!(changed_facts("It cost 15,000 dollars.", "It cost 15000 dollars.").is_empty());
    }

    #[test]
    fn figures_in_words_are_compared_by_value() {
        assert!(
            changed_facts("Six hundred troops were killed.", "600 troops were killed.").is_empty()
        );
        assert!(changed_facts("It cost 1.5 mln dlrs.", "It cost 1.5 million dollars.").is_empty());
        assert_eq!(
            changed_facts(
                "Shr loss six cts vs profit 4.4 mln",
                "Shr loss five cts vs profit 4.4 mln"
            ),
            [(DriftKind::Number, "six".into(), "five".into())]
        );
        assert_eq!(
            changed_facts("Revenue was $1.5 billion.", "Revenue was $1.5 million."),
            [(
                DriftKind::Number,
                "1.5 billion".into(),
                "1.5 million".into()
            )]
        );
        assert!(changed_facts("One of them said no one knew.", "One said nobody knew.").is_empty());
    }

    #[test]
    fn publication_times() {
        let a = parse_published("2018-07-15T07:54:28-04:00").unwrap();
        let b = parse_published("2018-07-15T06:34:13-04:00").unwrap();
        assert!(b < a);
        assert!(parse_published("2018-07-15").is_some());
        assert_eq!(
            parse_published("26-FEB-1987 15:01:01.79").unwrap()
                - parse_published("26-FEB-1987 15:00:00.00").unwrap(),
            61
        );
        assert_eq!(parse_published("yesterday"), None);
    }
}
