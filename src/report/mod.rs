//! Renderers of a [`ScanResult`]: JSON Lines for machines, a summary and an
//! HTML report for people. All read the same result; none computes anything
//! another could disagree with.

pub mod html;
pub mod json;
pub mod terminal;

use std::collections::BTreeMap;

use crate::scan::{Label, ScanResult, Sentence};

/// Sentences per label for one document (all labels present, zero or not).
pub fn label_counts(result: &ScanResult, doc: usize) -> BTreeMap<Label, usize> {
    count_labels(&result.sentences[range(&result.documents.sentences(doc))])
}

/// Sentences per label over the whole corpus.
pub fn total_label_counts(result: &ScanResult) -> BTreeMap<Label, usize> {
    count_labels(&result.sentences)
}

/// Counted in an array, not in the map: a map entry per sentence cost a
/// quarter of a second per report on a 250 MB dump.
fn count_labels(sentences: &[Sentence]) -> BTreeMap<Label, usize> {
    let mut counts = [0; Label::ALL.len()];
    for s in sentences {
        counts[s.label as usize] += 1;
    }
    Label::ALL.into_iter().zip(counts).collect()
}

/// Family indices, largest family first (ties: lower index first).
pub fn families_by_size(result: &ScanResult) -> Vec<usize> {
    let mut order: Vec<usize> = (0..result.families.len()).collect();
    order.sort_by(|&a, &b| {
        result.families[b]
            .members
            .len()
            .cmp(&result.families[a].members.len())
            .then(a.cmp(&b))
    });
    order
}

/// The distinct outlets of a family's members, sorted.
pub fn family_outlets(result: &ScanResult, family: usize) -> Vec<&str> {
    let mut outlets: Vec<&str> = result.families[family]
        .members
        .iter()
        .map(|&m| {
            result
                .documents
                .outlet(result.sentences[m as usize].doc as usize)
        })
        .collect();
    outlets.sort_unstable();
    outlets.dedup();
    outlets
}

/// Number of distinct outlets.
pub fn outlet_count(result: &ScanResult) -> usize {
    result.documents.outlets().len()
}

fn range(r: &std::ops::Range<u32>) -> std::ops::Range<usize> {
    r.start as usize..r.end as usize
}

/// Similarities are rounded so that output does not depend on the last
/// bits of floating point arithmetic.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `count_labels` indexes its array by the label's discriminant.
    #[test]
    fn labels_are_counted_under_their_own_names() {
        let sentence = |label| Sentence {
            doc: 0,
            index: 0,
            span: 0..0,
            label,
            boilerplate: None,
            repeat_of: None,
            family: None,
            best: None,
        };
        for (i, &label) in Label::ALL.iter().enumerate() {
            let sentences: Vec<Sentence> = (0..=i).map(|_| sentence(label)).collect();
            let counts = count_labels(&sentences);
            assert_eq!(counts.len(), Label::ALL.len());
            for (&l, &n) in &counts {
                assert_eq!(n, if l == label { i + 1 } else { 0 }, "{label:?}");
            }
        }
    }
}
