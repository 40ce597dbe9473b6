//! Sentence pairs from a TSV file, for `compare` and `calibrate`: reading
//! them, judging them as a scan would, and the agreement figures against a
//! human label.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::claim;
use crate::embed::Embedder;
use crate::semantic::{self, Meaning};
use crate::shingle::OwnedProfile;
use crate::similarity::{sentence_match, Verdict, Verifier};

/// One line of a pairs file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairLine {
    /// 1-based line number in the file.
    pub line: usize,
    pub a: String,
    pub b: String,
    /// The human label, when a gold column was named.
    pub gold: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum PairError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Line {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// Reads `path`, split on tabs only (MSRP quotes are not CSV quoting). A
/// UTF-8 byte order mark is ignored. With `header`, line 1 is skipped.
pub fn read_tsv(
    path: &Path,
    columns: (usize, usize),
    gold: Option<usize>,
    header: bool,
) -> Result<Vec<PairLine>, PairError> {
    let bytes = fs::read(path).map_err(|source| PairError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let need = columns.0.max(columns.1).max(gold.unwrap_or(0));
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if (header && line == 1) || raw.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = raw.trim_end_matches('\r').split('\t').collect();
        let err = |message: String| PairError::Line {
            path: path.to_owned(),
            line,
            message,
        };
        if fields.len() < need {
            return Err(err(format!(
                "has {} tab-separated columns, need {need}",
                fields.len()
            )));
        }
        let gold = match gold {
            None => None,
            Some(c) => Some(match fields[c - 1].trim() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                other => {
                    return Err(err(format!(
                        "gold label in column {c} is {other:?}, expected 1 or 0"
                    )))
                }
            }),
        };
        out.push(PairLine {
            line,
            a: fields[columns.0 - 1].to_owned(),
            b: fields[columns.1 - 1].to_owned(),
            gold,
        });
    }
    Ok(out)
}

/// The verifier's verdicts on one pair.
#[derive(Debug, Clone, Copy)]
pub struct PairVerdict {
    /// On the two whole sentences: what the rewrite models are fitted on.
    pub whole: Verdict,
    /// What a scan concludes: the whole sentences for copies, else the
    /// strongest verdict over the pairs of their claim views (with a model;
    /// [`crate::claim`]).
    pub scan: Verdict,
}

/// Judges each pair (`a`, `b`), with embeddings when `embedder` is given.
pub fn judge(
    pairs: &[(&str, &str)],
    shingle_size: usize,
    embedder: Option<&Embedder>,
    verifier: &Verifier,
) -> Vec<PairVerdict> {
    let min_words = verifier.thresholds.min_rewrite_words;
    let views = |text: &str| -> Vec<String> {
        let mut v = vec![text.to_string()];
        if embedder.is_some() {
            v.extend(claim::claims(text, min_words));
        }
        v
    };
    let pair_views: Vec<(Vec<String>, Vec<String>)> =
        pairs.iter().map(|&(a, b)| (views(a), views(b))).collect();
    // Every distinct text once, for the profiles and the encoder.
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut texts: Vec<&str> = Vec::new();
    for v in pair_views.iter().flat_map(|(a, b)| a.iter().chain(b)) {
        index.entry(v).or_insert_with(|| {
            texts.push(v);
            texts.len() - 1
        });
    }
    let view_pairs: Vec<Vec<(usize, usize)>> = pair_views
        .iter()
        .map(|(a, b)| {
            a.iter()
                .flat_map(|x| b.iter().map(|y| (index[x.as_str()], index[y.as_str()])))
                .collect()
        })
        .collect();
    let flat: Vec<(usize, usize)> = view_pairs.iter().flatten().copied().collect();
    let meanings: Vec<Option<Meaning>> = match embedder {
        Some(e) => semantic::compare_texts(e, &texts, &flat)
            .into_iter()
            .map(Some)
            .collect(),
        None => vec![None; flat.len()],
    };
    let profiles: Vec<OwnedProfile> = texts
        .iter()
        .map(|t| OwnedProfile::new(t, shingle_size))
        .collect();
    let mut start = 0;
    view_pairs
        .iter()
        .map(|vp| {
            let verdicts: Vec<Verdict> = vp
                .iter()
                .zip(&meanings[start..])
                .map(|(&(x, y), &meaning)| {
                    verifier.judge(&profiles[x].view(), &profiles[y].view(), meaning)
                })
                .collect();
            start += vp.len();
            let whole = verdicts[0];
            let kept = |v: Verdict| Some((v.reuse?, Verifier::similarity(&v), v));
            let scan = sentence_match(kept(whole), || {
                verdicts[1..].iter().filter_map(|&v| kept(v))
            })
            .map_or(whole, |(reuse, _, v)| Verdict {
                reuse: Some(reuse),
                ..v
            });
            PairVerdict { whole, scan }
        })
        .collect()
}

/// Agreement of binary predictions with gold labels.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Agreement {
    pub pairs: usize,
    pub accuracy: f64,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Agreement {
    pub fn of(predicted_and_gold: impl IntoIterator<Item = (bool, bool)>) -> Agreement {
        let (mut tp, mut fp, mut tn, mut fn_) = (0usize, 0usize, 0usize, 0usize);
        for (p, g) in predicted_and_gold {
            match (p, g) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, false) => tn += 1,
                (false, true) => fn_ += 1,
            }
        }
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(tp, tp + fp);
        let recall = ratio(tp, tp + fn_);
        let f1 = if precision + recall == 0.0 {
            0.0
        } else {
            2.0 * precision * recall / (precision + recall)
        };
        Agreement {
            pairs: tp + fp + tn + fn_,
            accuracy: ratio(tp + tn, tp + fp + tn + fn_),
            precision,
            recall,
            f1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_msrp_shaped_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.tsv");
        fs::write(
            &path,
            "\u{feff}Quality\t#1\t#2\tA\tB\n1\t1\t2\tHe said \"no.\tHe said no.\n\n0\t3\t4\tx\ty\n",
        )
        .unwrap();
        let pairs = read_tsv(&path, (4, 5), Some(1), true).unwrap();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].a, "He said \"no.");
        assert_eq!((pairs[0].line, pairs[0].gold), (2, Some(true)));
        assert_eq!((pairs[1].line, pairs[1].gold), (4, Some(false)));
    }

    #[test]
    fn short_lines_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.tsv");
        fs::write(&path, "a\tb\nonly one\n").unwrap();
        let err = read_tsv(&path, (1, 2), None, false)
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("p.tsv:2: has 1 tab-separated columns, need 2"),
            "{err}"
        );
    }

    #[test]
    fn agreement_figures() {
        let a = Agreement::of([(true, true), (true, false), (false, false), (false, true)]);
        assert_eq!(
            (a.accuracy, a.precision, a.recall, a.f1),
            (0.5, 0.5, 0.5, 0.5)
        );
        assert_eq!(Agreement::of([]).accuracy, 0.0);
    }
}
