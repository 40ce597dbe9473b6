//! The human summary: what a journalist reads first.

use std::io::{self, Write};

use super::json::InputSummary;
use super::{label_counts, outlet_count, total_label_counts};
use crate::scan::{Label, ScanResult};

/// How much to show.
#[derive(Debug, Clone, Copy)]
pub struct SummaryOptions {
    /// Largest families listed.
    pub top_families: usize,
    /// Articles listed (the most shared first when there are more).
    pub top_articles: usize,
}

impl Default for SummaryOptions {
    fn default() -> SummaryOptions {
        SummaryOptions {
            top_families: 10,
            top_articles: 20,
        }
    }
}

pub fn write(
    out: &mut dyn Write,
    result: &ScanResult,
    input: &InputSummary,
    options: SummaryOptions,
) -> io::Result<()> {
    let totals = total_label_counts(result);
    writeln!(
        out,
        "{} articles from {} outlets, {} sentences, {} families",
        result.documents.len(),
        outlet_count(result),
        result.sentences.len(),
        result.families.len()
    )?;
    let parts: Vec<String> = Label::ALL
        .iter()
        .map(|l| format!("{} {}", totals[l], l.as_str()))
        .collect();
    writeln!(out, "sentences: {}", parts.join(", "))?;
    if input.windows_1252_decoded > 0 {
        writeln!(
            out,
            "decoded as windows-1252 (not valid UTF-8): {}",
            input.windows_1252_decoded
        )?;
    }
    if !input.skipped.is_empty() {
        writeln!(out, "skipped: {}", input.skipped.len())?;
        for s in input.skipped.iter().take(10) {
            writeln!(out, "  {}", sanitize(s))?;
        }
    }

    writeln!(
        out,
        "\nArticles (share of sentences: shared with other outlets / original / boilerplate)"
    )?;
    let mut order: Vec<usize> = (0..result.documents.len()).collect();
    let shared = |d: usize| {
        let c = label_counts(result, d);
        let n = result.documents[d].sentences.len().max(1);
        let reused: usize = c.iter().filter(|(l, _)| l.is_reuse()).map(|(_, n)| n).sum();
        (
            reused as f64 / n as f64,
            c[&Label::Original] as f64 / n as f64,
            c[&Label::Boilerplate] as f64 / n as f64,
        )
    };
    if order.len() > options.top_articles {
        order.sort_by(|&a, &b| shared(b).0.total_cmp(&shared(a).0).then(a.cmp(&b)));
        order.truncate(options.top_articles);
    }
    let width = order
        .iter()
        .map(|&d| result.documents[d].id.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    for d in order {
        let doc = &result.documents[d];
        let (s, o, b) = shared(d);
        writeln!(
            out,
            "  {:<width$}  {:>4.0}% shared  {:>4.0}% original  {:>4.0}% boilerplate  [{}]",
            truncate(&sanitize(&doc.id), width),
            s * 100.0,
            o * 100.0,
            b * 100.0,
            sanitize(&doc.outlet),
        )?;
    }

    if !result.families.is_empty() {
        writeln!(out, "\nLargest families")?;
        let mut order: Vec<usize> = (0..result.families.len()).collect();
        order.sort_by(|&a, &b| {
            result.families[b]
                .members
                .len()
                .cmp(&result.families[a].members.len())
                .then(a.cmp(&b))
        });
        for f in order.into_iter().take(options.top_families) {
            let family = &result.families[f];
            writeln!(
                out,
                "  family {} ({}, {} sentences)",
                f,
                family.kind.as_str(),
                family.members.len()
            )?;
            for &m in &family.members {
                let s = &result.sentences[m as usize];
                let doc = &result.documents[s.doc as usize];
                writeln!(
                    out,
                    "    {:<9} {}:{}  {}",
                    s.label.as_str(),
                    truncate(&sanitize(&doc.id), 32),
                    s.index,
                    truncate(&sanitize(&s.text), 110)
                )?;
            }
        }
    }
    out.flush()
}

/// Article text is untrusted: control characters (escape sequences among
/// them) would move the cursor or retitle the terminal, so they are shown
/// as U+FFFD.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('\u{2026}');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_neutralised() {
        let s = sanitize("red \x1b[31mtext\x1b]0;title\x07 and\ttab");
        assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        assert!(s.contains("red") && s.contains("text"));
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("Pyongyang", 5), "Pyon\u{2026}");
        assert_eq!(truncate("한국어", 5), "한국어");
    }
}
