//! The human summary: what a journalist reads first.

use std::io::{self, Write};

use super::json::InputSummary;
use super::{families_by_size, label_counts, outlet_count, total_label_counts};
use console::Style;

use crate::provenance::{Direction, Upstream, UpstreamRef};
use crate::scan::{Label, ScanResult};

/// How much to show, and how.
#[derive(Debug, Clone, Copy)]
pub struct SummaryOptions {
    /// Largest families listed.
    pub top_families: usize,
    /// Articles listed (the most shared first when there are more).
    pub top_articles: usize,
    /// Outlet pairs listed.
    pub top_pairs: usize,
    /// Colour the labels (the caller decides: a terminal, and no NO_COLOR).
    pub colour: bool,
}

impl Default for SummaryOptions {
    fn default() -> SummaryOptions {
        SummaryOptions {
            top_families: 10,
            top_articles: 20,
            top_pairs: 10,
            colour: false,
        }
    }
}

/// Label colours, the same everywhere wiretrace shows labels.
fn label_style(label: Label, colour: bool) -> Style {
    let style = match label {
        Label::Verbatim => Style::new().red(),
        Label::Edited => Style::new().yellow(),
        Label::Rewritten => Style::new().magenta(),
        Label::Original => Style::new().green(),
        Label::Boilerplate => Style::new().dim(),
    };
    style.force_styling(colour)
}

/// A family's sentences listed in the summary; the rest are counted. A
/// family of a formula repeated across a dump can have hundreds.
const MEMBERS_SHOWN: usize = 12;
/// Changed figures listed per sentence.
const CHANGES_SHOWN: usize = 3;

pub fn write(
    out: &mut dyn Write,
    result: &ScanResult,
    input: &InputSummary,
    options: SummaryOptions,
) -> io::Result<()> {
    let bold = Style::new().bold().force_styling(options.colour);
    let alert = Style::new().red().bold().force_styling(options.colour);
    let totals = total_label_counts(result);
    writeln!(
        out,
        "{}",
        bold.apply_to(format!(
            "{} articles from {} outlets, {} sentences, {} families",
            result.documents.len(),
            outlet_count(result),
            result.sentences.len(),
            result.families.len()
        ))
    )?;
    let parts: Vec<String> = Label::ALL
        .iter()
        .map(|l| {
            label_style(*l, options.colour)
                .apply_to(format!("{} {}", totals[l], l.as_str()))
                .to_string()
        })
        .collect();
    writeln!(out, "sentences: {}", parts.join(", "))?;
    let prov = &result.provenance;
    if !prov.families.is_empty() {
        let count = |d: Direction| prov.families.iter().filter(|f| f.direction == d).count();
        let drifted = prov.drift.iter().filter(|d| !d.is_empty()).count();
        writeln!(
            out,
            "family sources: {} wire copy, {} credited agency, {} earliest published, {} direction unknown; {} sentences with changed facts",
            count(Direction::Wire),
            count(Direction::Credit),
            count(Direction::Earliest),
            count(Direction::Unknown),
            drifted
        )?;
    }
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

    writeln!(out, "\n{}", bold.apply_to("Articles (share of sentences: shared with other outlets / original / boilerplate; where shared text came from)"))?;
    let mut order: Vec<usize> = (0..result.documents.len()).collect();
    let shares = |d: usize| {
        let c = label_counts(result, d);
        let n = result.documents.sentences(d).len().max(1) as f64;
        let reused: usize = c.iter().filter(|(l, _)| l.is_reuse()).map(|(_, n)| n).sum();
        (
            reused as f64 / n,
            c[&Label::Original] as f64 / n,
            c[&Label::Boilerplate] as f64 / n,
        )
    };
    if order.len() > options.top_articles {
        // Each document's share is counted once, not once per comparison.
        let shared: Vec<f64> = order.iter().map(|&d| shares(d).0).collect();
        order.sort_by(|&a, &b| shared[b].total_cmp(&shared[a]).then(a.cmp(&b)));
        order.truncate(options.top_articles);
    }
    let width = order
        .iter()
        .map(|&d| result.documents.id(d).chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    for d in order {
        let doc = result.documents.get(d);
        let (s, o, b) = shares(d);
        let upstream: Vec<String> = prov.upstream[d]
            .iter()
            .take(3)
            .map(|u| format!("{} \u{d7}{}", upstream_name(result, &u.source), u.sentences))
            .collect();
        writeln!(
            out,
            "  {:<width$}  {:>4.0}% shared  {:>4.0}% original  {:>4.0}% boilerplate  [{}]{}",
            truncate(&sanitize(doc.id), width),
            s * 100.0,
            o * 100.0,
            b * 100.0,
            sanitize(doc.outlet),
            if upstream.is_empty() {
                String::new()
            } else {
                format!("  from {}", upstream.join(", "))
            },
        )?;
    }

    if !prov.outlet_pairs.is_empty() {
        writeln!(out, "\n{}", bold.apply_to("Who took from whom (sentences)"))?;
        for pair in prov.outlet_pairs.iter().take(options.top_pairs) {
            writeln!(
                out,
                "  {:>6}  {} \u{2192} {}",
                pair.sentences,
                sanitize(&pair.from),
                sanitize(&pair.to)
            )?;
        }
    }

    if !result.families.is_empty() {
        writeln!(out, "\n{}", bold.apply_to("Largest families"))?;
        let order = families_by_size(result);
        for f in order.into_iter().take(options.top_families) {
            let family = &result.families[f];
            let source = &prov.families[f];
            let origin = match (source.direction, &source.upstream) {
                (Direction::Wire, Some(up)) => {
                    format!("source: wire copy from {}", sanitize(&up.agency))
                }
                (Direction::Credit, Some(up)) => format!("upstream: {}", agency_name(up)),
                (Direction::Earliest, _) => "source: earliest published".to_owned(),
                _ => "direction unknown".to_owned(),
            };
            writeln!(
                out,
                "  family {} ({}, {} sentences; {})",
                f,
                family.kind.as_str(),
                family.members.len(),
                origin
            )?;
            for &m in family.members.iter().take(MEMBERS_SHOWN) {
                let s = &result.sentences[m as usize];
                let doc = result.documents.get(s.doc as usize);
                let tag = if source.sentence == Some(m) {
                    "source".to_owned()
                } else {
                    s.label.as_str().to_owned()
                };
                writeln!(
                    out,
                    "    {} {}:{}  {}",
                    label_style(s.label, options.colour).apply_to(format!("{tag:<9}")),
                    truncate(&sanitize(doc.id), 32),
                    s.index,
                    truncate(&sanitize(result.texts.get(m)), 110)
                )?;
                let drift = &prov.drift[m as usize];
                for d in drift.iter().take(CHANGES_SHOWN) {
                    let other = &result.sentences[d.other as usize];
                    writeln!(
                        out,
                        "              {} {} here, {} in {}:{}",
                        alert.apply_to("changed:"),
                        sanitize(&d.value),
                        sanitize(&d.other_value),
                        truncate(&sanitize(result.documents.id(other.doc as usize)), 32),
                        other.index
                    )?;
                }
                if drift.len() > CHANGES_SHOWN {
                    writeln!(
                        out,
                        "              … {} more changes",
                        drift.len() - CHANGES_SHOWN
                    )?;
                }
            }
            if family.members.len() > MEMBERS_SHOWN {
                writeln!(
                    out,
                    "    … {} more sentences (all of them in --json and --html)",
                    family.members.len() - MEMBERS_SHOWN
                )?;
            }
        }
    }
    out.flush()
}

fn agency_name(up: &Upstream) -> String {
    if up.in_corpus {
        sanitize(&up.agency)
    } else {
        format!("{} (not in corpus)", sanitize(&up.agency))
    }
}

fn upstream_name(result: &ScanResult, source: &UpstreamRef) -> String {
    match source {
        UpstreamRef::Document(d) => truncate(&sanitize(result.documents.id(*d as usize)), 32),
        UpstreamRef::Agency(up) => agency_name(up),
    }
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
