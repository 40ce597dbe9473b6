//! The HTML report: one self-contained page a journalist opens offline and
//! mails on.
//!
//! No network, no external assets: the CSS and the (optional) filter script
//! are inlined from `templates/`. The page is rendered by askama, which
//! escapes every value for HTML, so article text (ids, outlets, titles,
//! sentences, credits) always renders as text, never as markup. Nothing is
//! embedded as JSON: the filter script reads the page's own text.
//!
//! A big dump is cut to the top N families (by size) and articles (by
//! shared share); sentences of articles not shown are not embedded, so the
//! file stays a few megabytes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{self, Write};

use askama::Template;
use similar::{capture_diff_slices, Algorithm, DiffTag};

use super::json::InputSummary;
use super::{label_counts, outlet_count, round4, total_label_counts};
use crate::credits::CreditKind;
use crate::provenance::{Direction, DriftKind, Source, Upstream, UpstreamRef};
use crate::scan::{Label, ScanResult};

/// How much to show.
#[derive(Debug, Clone, Copy)]
pub struct HtmlOptions {
    /// Families and articles shown (the largest and most shared first).
    pub top: usize,
}

impl Default for HtmlOptions {
    fn default() -> HtmlOptions {
        HtmlOptions { top: 50 }
    }
}

/// Members of one family shown beside its source.
const MAX_COPIES: usize = 40;
/// Sentences of one article shown.
const MAX_SENTENCES: usize = 300;
/// Rows (sources) and columns (copying outlets) of the outlet matrix.
const MAX_MATRIX_ROWS: usize = 25;
const MAX_MATRIX_COLS: usize = 20;
/// Upstreams listed per article in the overview.
const MAX_UPSTREAMS: usize = 5;

/// Renders the report into `out`.
pub fn write(
    out: &mut dyn Write,
    result: &ScanResult,
    input: &InputSummary,
    options: HtmlOptions,
) -> io::Result<()> {
    let page = build(result, input, options);
    let html = page
        .render()
        .map_err(|e| io::Error::other(format!("rendering the HTML report: {e}")))?;
    out.write_all(html.as_bytes())?;
    out.flush()
}

/// Renders the report to a string.
pub fn render(result: &ScanResult, input: &InputSummary, options: HtmlOptions) -> String {
    build(result, input, options)
        .render()
        .expect("the report template renders")
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    version: &'static str,
    articles_total: usize,
    outlets_total: String,
    sentences_total: String,
    families_total: usize,
    articles_text: String,
    families_text: String,
    skipped: usize,
    windows_1252_decoded: usize,
    labels: Vec<Share>,
    directions: Vec<(&'static str, usize)>,
    rows: Vec<ArticleRow<'a>>,
    matrix: Matrix<'a>,
    families: Vec<FamilyView<'a>>,
    articles: Vec<ArticleView<'a>>,
}

/// One label's share of a set of sentences.
struct Share {
    label: &'static str,
    count: usize,
    /// The count with thousands separated ("27,563").
    count_text: String,
    /// What the label means, for the legend.
    what: &'static str,
    /// Percent, formatted for CSS and for reading ("12.5").
    pct: String,
}

struct ArticleRow<'a> {
    doc: usize,
    id: &'a str,
    outlet: &'a str,
    sentences: usize,
    shares: Vec<Share>,
    shared_pct: String,
    tooltip: String,
    upstream: Vec<UpstreamView<'a>>,
    upstream_more: usize,
}

struct UpstreamView<'a> {
    name: &'a str,
    /// The upstream article's outlet (for a document upstream).
    outlet: Option<&'a str>,
    href: Option<String>,
    agency: bool,
    in_corpus: bool,
    count: usize,
}

struct Matrix<'a> {
    cols: Vec<&'a str>,
    rows: Vec<MatrixRow<'a>>,
    rows_total: usize,
    cols_total: usize,
    max: usize,
}

struct MatrixRow<'a> {
    from: &'a str,
    agency: bool,
    cells: Vec<Cell>,
}

struct Cell {
    count: usize,
    /// 0 (empty) to 6 (the largest count).
    level: u8,
}

struct FamilyView<'a> {
    id: usize,
    kind: &'static str,
    size: usize,
    outlets: usize,
    direction: &'static str,
    direction_text: String,
    upstream: Option<String>,
    upstream_in_corpus: bool,
    /// Whether `reference` is the family's source (else: its first member).
    has_source: bool,
    reference: MemberView<'a>,
    copies: Vec<CopyView<'a>>,
    copies_more: usize,
}

struct MemberView<'a> {
    doc_id: &'a str,
    outlet: &'a str,
    published: Option<&'a str>,
    index: u32,
    label: &'static str,
    href: Option<String>,
}

struct CopyView<'a> {
    member: MemberView<'a>,
    /// Published by the reference's outlet (so never linked to it directly).
    same_outlet: bool,
    /// The reference with what the copy dropped marked.
    left: Vec<Token>,
    /// The copy with what it added marked.
    right: Vec<Token>,
    drift: Vec<DriftView>,
}

struct Token {
    /// "" (unchanged), "del", "ins", "del num" or "ins num".
    class: &'static str,
    text: String,
}

struct DriftView {
    kind: &'static str,
    from: String,
    to: String,
    /// Where `from` stands when that is not the reference.
    versus: Option<String>,
}

struct ArticleView<'a> {
    doc: usize,
    id: &'a str,
    outlet: &'a str,
    title: Option<&'a str>,
    published: Option<&'a str>,
    /// Only http(s) addresses become links.
    url: Option<&'a str>,
    url_is_link: bool,
    dateline: Option<String>,
    credits: Vec<CreditView>,
    shares: Vec<Share>,
    upstream: Vec<UpstreamView<'a>>,
    upstream_more: usize,
    sentences: Vec<SentenceView<'a>>,
    sentences_more: usize,
}

struct CreditView {
    agency: Box<str>,
    kind: &'static str,
    text: Box<str>,
}

struct SentenceView<'a> {
    id: u32,
    label: &'static str,
    text: &'a str,
    tooltip: String,
    /// Boilerplate is shown on a line of its own.
    block: bool,
    family_href: Option<String>,
    source: Option<SourceLink>,
    agency: Option<AgencyBadge<'a>>,
    drift: bool,
}

struct SourceLink {
    href: Option<String>,
    outlet: String,
    tooltip: String,
}

struct AgencyBadge<'a> {
    agency: &'a str,
    in_corpus: bool,
}

fn build<'a>(result: &'a ScanResult, input: &InputSummary, options: HtmlOptions) -> Page<'a> {
    let top = options.top.max(1);
    let totals = total_label_counts(result);

    // Articles: most shared first.
    let shared = |d: usize| {
        let c = label_counts(result, d);
        let n = result.documents.sentences(d).len();
        let reused: usize = c.iter().filter(|(l, _)| l.is_reuse()).map(|(_, n)| n).sum();
        (reused as f64 / n.max(1) as f64, reused)
    };
    let mut doc_order: Vec<usize> = (0..result.documents.len()).collect();
    let keys: Vec<(f64, usize)> = doc_order.iter().map(|&d| shared(d)).collect();
    doc_order.sort_by(|&a, &b| {
        keys[b]
            .0
            .total_cmp(&keys[a].0)
            .then(keys[b].1.cmp(&keys[a].1))
            .then(a.cmp(&b))
    });
    doc_order.truncate(top);
    let docs_shown: HashSet<usize> = doc_order.iter().copied().collect();

    // Families: largest first.
    let mut family_order = super::families_by_size(result);
    family_order.truncate(top);
    let families_shown: HashSet<usize> = family_order.iter().copied().collect();

    let ctx = Ctx {
        result,
        docs_shown,
        families_shown,
    };

    let mut directions: BTreeMap<Direction, usize> = BTreeMap::new();
    for f in &result.provenance.families {
        *directions.entry(f.direction).or_default() += 1;
    }

    Page {
        version: env!("CARGO_PKG_VERSION"),
        articles_total: result.documents.len(),
        outlets_total: thousands(outlet_count(result)),
        sentences_total: thousands(result.sentences.len()),
        families_total: result.families.len(),
        articles_text: thousands(result.documents.len()),
        families_text: thousands(result.families.len()),
        skipped: input.skipped.len(),
        windows_1252_decoded: input.windows_1252_decoded,
        labels: shares(&totals),
        directions: directions
            .into_iter()
            .map(|(d, n)| (direction_text(d), n))
            .collect(),
        rows: doc_order.iter().map(|&d| ctx.article_row(d)).collect(),
        matrix: ctx.matrix(),
        families: family_order.iter().map(|&f| ctx.family(f)).collect(),
        articles: doc_order.iter().map(|&d| ctx.article(d)).collect(),
    }
}

struct Ctx<'a> {
    result: &'a ScanResult,
    docs_shown: HashSet<usize>,
    families_shown: HashSet<usize>,
}

impl<'a> Ctx<'a> {
    /// Where a link to sentence `id` should point: the sentence in its
    /// article, else its family, else nowhere (neither is in the page).
    fn sentence_href(&self, id: u32) -> Option<String> {
        let s = &self.result.sentences[id as usize];
        if self.docs_shown.contains(&(s.doc as usize)) {
            Some(format!("#s-{id}"))
        } else {
            s.family
                .filter(|f| self.families_shown.contains(&(*f as usize)))
                .map(|f| format!("#f-{f}"))
        }
    }

    fn doc_href(&self, doc: usize) -> Option<String> {
        self.docs_shown.contains(&doc).then(|| format!("#a-{doc}"))
    }

    fn sentence_ref(&self, id: u32) -> String {
        let s = &self.result.sentences[id as usize];
        let doc = self.result.documents.get(s.doc as usize);
        format!("{} ({}, sentence {})", doc.outlet, doc.id, s.index)
    }

    fn article_row(&self, d: usize) -> ArticleRow<'a> {
        let result = self.result;
        let doc = result.documents.get(d);
        let counts = label_counts(result, d);
        let n = doc.sentences.len();
        let reused: usize = counts
            .iter()
            .filter(|(l, _)| l.is_reuse())
            .map(|(_, n)| n)
            .sum();
        let shares = shares(&counts);
        let tooltip = shares
            .iter()
            .map(|s| format!("{} {} ({}%)", s.count, s.label, s.pct))
            .collect::<Vec<_>>()
            .join(", ");
        let (upstream, upstream_more) = self.upstreams(d);
        ArticleRow {
            doc: d,
            id: doc.id,
            outlet: doc.outlet,
            sentences: n,
            shares,
            shared_pct: pct(reused, n),
            tooltip,
            upstream,
            upstream_more,
        }
    }

    /// The first upstreams of document `d`, and how many more it has.
    fn upstreams(&self, d: usize) -> (Vec<UpstreamView<'a>>, usize) {
        let result = self.result;
        let ups = &result.provenance.upstream[d];
        let upstream = ups
            .iter()
            .take(MAX_UPSTREAMS)
            .map(|u| match &u.source {
                UpstreamRef::Document(e) => {
                    let other = result.documents.get(*e as usize);
                    UpstreamView {
                        name: other.id,
                        outlet: Some(other.outlet),
                        href: self.doc_href(*e as usize),
                        agency: false,
                        in_corpus: true,
                        count: u.sentences,
                    }
                }
                UpstreamRef::Agency(up) => UpstreamView {
                    name: &up.agency,
                    outlet: None,
                    href: None,
                    agency: true,
                    in_corpus: up.in_corpus,
                    count: u.sentences,
                },
            })
            .collect();
        (upstream, ups.len().saturating_sub(MAX_UPSTREAMS))
    }

    fn matrix(&self) -> Matrix<'a> {
        let pairs = &self.result.provenance.outlet_pairs;
        let mut from_totals: HashMap<&str, usize> = HashMap::new();
        let mut to_totals: HashMap<&str, usize> = HashMap::new();
        let mut cells: HashMap<(&str, &str), usize> = HashMap::new();
        for p in pairs {
            *from_totals.entry(&p.from).or_default() += p.sentences;
            *to_totals.entry(&p.to).or_default() += p.sentences;
            *cells.entry((&p.from, &p.to)).or_default() += p.sentences;
        }
        let ranked = |totals: HashMap<&'a str, usize>| {
            let mut v: Vec<(&str, usize)> = totals.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            v.into_iter().map(|(name, _)| name).collect::<Vec<_>>()
        };
        let (rows_total, cols_total) = (from_totals.len(), to_totals.len());
        let mut rows = ranked(from_totals);
        let mut cols = ranked(to_totals);
        rows.truncate(MAX_MATRIX_ROWS);
        cols.truncate(MAX_MATRIX_COLS);
        let max = cells.values().copied().max().unwrap_or(0);
        let outlets: HashSet<&str> = self
            .result
            .documents
            .outlets()
            .iter()
            .map(|o| &**o)
            .collect();
        Matrix {
            rows: rows
                .iter()
                .map(|&from| MatrixRow {
                    from,
                    agency: !outlets.contains(from),
                    cells: cols
                        .iter()
                        .map(|&to| {
                            let count = cells.get(&(from, to)).copied().unwrap_or(0);
                            Cell {
                                count,
                                level: heat_level(count, max),
                            }
                        })
                        .collect(),
                })
                .collect(),
            cols,
            rows_total,
            cols_total,
            max,
        }
    }

    fn outlet_of(&self, id: u32) -> &'a str {
        self.result
            .documents
            .outlet(self.result.sentences[id as usize].doc as usize)
    }

    fn member(&self, id: u32) -> MemberView<'a> {
        let s = &self.result.sentences[id as usize];
        let doc = self.result.documents.get(s.doc as usize);
        MemberView {
            doc_id: doc.id,
            outlet: doc.outlet,
            published: doc.published,
            index: s.index,
            label: s.label.as_str(),
            href: self.sentence_href(id).filter(|h| h.starts_with("#s-")),
        }
    }

    fn family(&self, f: usize) -> FamilyView<'a> {
        let result = self.result;
        let family = &result.families[f];
        let source = &result.provenance.families[f];
        let reference = source
            .sentence
            .unwrap_or_else(|| family.members.first().copied().unwrap_or(0));
        let outlets = super::family_outlets(result, f);
        let others: Vec<u32> = family
            .members
            .iter()
            .copied()
            .filter(|&m| m != reference)
            .collect();
        let ref_text = result.texts.get(reference);
        let copies = others
            .iter()
            .take(MAX_COPIES)
            .map(|&m| {
                let text = result.texts.get(m);
                let (left, right) = word_diff(ref_text, text);
                let drift = result.provenance.drift[m as usize]
                    .iter()
                    .map(|d| DriftView {
                        kind: drift_kind(d.kind),
                        from: d.other_value.clone(),
                        to: d.value.clone(),
                        versus: (d.other != reference).then(|| self.sentence_ref(d.other)),
                    })
                    .collect();
                CopyView {
                    member: self.member(m),
                    same_outlet: self.outlet_of(m) == self.outlet_of(reference),
                    left,
                    right,
                    drift,
                }
            })
            .collect();
        FamilyView {
            id: f,
            kind: family.kind.as_str(),
            size: family.members.len(),
            outlets: outlets.len(),
            direction: direction_class(source.direction),
            direction_text: direction_text(source.direction).to_owned(),
            upstream: source.upstream.as_ref().map(upstream_text),
            upstream_in_corpus: source.upstream.as_ref().is_some_and(|u| u.in_corpus),
            has_source: source.sentence.is_some(),
            reference: self.member(reference),
            copies,
            copies_more: others.len().saturating_sub(MAX_COPIES),
        }
    }

    fn article(&self, d: usize) -> ArticleView<'a> {
        let result = self.result;
        let doc = result.documents.get(d);
        let ids = doc.sentences.start..doc.sentences.end;
        let sentences = ids
            .clone()
            .take(MAX_SENTENCES)
            .map(|id| self.sentence(id))
            .collect();
        let url = doc.url;
        let (upstream, upstream_more) = self.upstreams(d);
        let dateline = doc.dateline().map(|dl| {
            let mut s = dl.place.to_string();
            if let Some(date) = &dl.date {
                s.push_str(", ");
                s.push_str(date);
            }
            if let Some(agency) = &dl.agency {
                s.push_str(" (");
                s.push_str(agency);
                s.push(')');
            }
            s
        });
        ArticleView {
            doc: d,
            id: doc.id,
            outlet: doc.outlet,
            title: doc.title,
            published: doc.published,
            url,
            url_is_link: url.is_some_and(is_web_address),
            dateline,
            credits: doc
                .credits()
                .into_iter()
                .map(|c| CreditView {
                    agency: c.agency,
                    kind: credit_kind(c.kind),
                    text: c.text,
                })
                .collect(),
            shares: shares(&label_counts(result, d)),
            upstream,
            upstream_more,
            sentences,
            sentences_more: ids.len().saturating_sub(MAX_SENTENCES),
        }
    }

    fn sentence(&self, id: u32) -> SentenceView<'a> {
        let result = self.result;
        let s = &result.sentences[id as usize];
        let mut tooltip = s.label.as_str().to_owned();
        if let Some(kind) = s.boilerplate {
            tooltip.push_str(&format!(
                " ({})",
                serde_json::to_value(kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            ));
        }
        let mut source = None;
        let mut agency = None;
        match &result.provenance.source_of[id as usize] {
            Some(Source::Sentence(src)) => {
                let other_doc = result
                    .documents
                    .get(result.sentences[*src as usize].doc as usize);
                tooltip.push_str(&format!(" — from {}", self.sentence_ref(*src)));
                source = Some(SourceLink {
                    href: self.sentence_href(*src),
                    outlet: other_doc.outlet.to_string(),
                    tooltip: format!("source: {}", self.sentence_ref(*src)),
                });
            }
            Some(Source::Agency(family)) => {
                let up = result.provenance.agency(*family);
                tooltip.push_str(&format!(" — from {}", upstream_text(up)));
                agency = Some(AgencyBadge {
                    agency: &up.agency,
                    in_corpus: up.in_corpus,
                });
            }
            None => {
                if let Some(m) = &s.best {
                    tooltip.push_str(&format!(
                        " — closest: {} (similarity {})",
                        self.sentence_ref(m.sentence),
                        round4(m.similarity)
                    ));
                }
            }
        }
        if let Some(f) = s.family {
            tooltip.push_str(&format!("; family {f}"));
        }
        let drift = &result.provenance.drift[id as usize];
        if !drift.is_empty() {
            let facts: Vec<String> = drift
                .iter()
                .map(|d| {
                    format!(
                        "{} here, {} in {}",
                        d.value,
                        d.other_value,
                        self.sentence_ref(d.other)
                    )
                })
                .collect();
            tooltip.push_str(&format!("; changed facts: {}", facts.join(", ")));
        }
        SentenceView {
            id,
            label: s.label.as_str(),
            text: result.texts.get(id),
            tooltip,
            block: s.label == Label::Boilerplate,
            family_href: s
                .family
                .filter(|f| self.families_shown.contains(&(*f as usize)))
                .map(|f| format!("#f-{f}")),
            source,
            agency,
            drift: !drift.is_empty(),
        }
    }
}

/// Every label's share, in the report's fixed order.
fn shares(counts: &BTreeMap<Label, usize>) -> Vec<Share> {
    let total: usize = counts.values().sum();
    Label::ALL
        .iter()
        .map(|l| {
            let count = counts.get(l).copied().unwrap_or(0);
            Share {
                label: l.as_str(),
                count,
                count_text: thousands(count),
                what: label_meaning(*l),
                pct: pct(count, total),
            }
        })
        .collect()
}

fn label_meaning(l: Label) -> &'static str {
    match l {
        Label::Verbatim => "copied word for word",
        Label::Edited => "copied with small changes",
        Label::Rewritten => "same claim in other words",
        Label::Original => "found in no other outlet",
        Label::Boilerplate => "page furniture",
    }
}

/// `27563` as "27,563".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn pct(n: usize, total: usize) -> String {
    if total == 0 {
        return "0".to_owned();
    }
    let p = n as f64 * 100.0 / total as f64;
    let s = format!("{p:.1}");
    s.strip_suffix(".0").map(str::to_owned).unwrap_or(s)
}

/// Intensity step of a heatmap cell: square-root scaled so that small
/// counts stay visible next to a large one.
fn heat_level(count: usize, max: usize) -> u8 {
    if count == 0 || max == 0 {
        return 0;
    }
    let r = (count as f64 / max as f64).sqrt();
    (r * 6.0).ceil().clamp(1.0, 6.0) as u8
}

fn direction_class(d: Direction) -> &'static str {
    match d {
        Direction::Wire => "wire",
        Direction::Credit => "credit",
        Direction::Earliest => "earliest",
        Direction::Unknown => "unknown",
    }
}

fn direction_text(d: Direction) -> &'static str {
    match d {
        Direction::Wire => "wire copy",
        Direction::Credit => "credited agency",
        Direction::Earliest => "earliest published",
        Direction::Unknown => "direction unknown",
    }
}

fn upstream_text(up: &Upstream) -> String {
    if up.in_corpus {
        format!("{} \u{2014} in corpus", up.agency)
    } else {
        format!("{} \u{2014} not in corpus", up.agency)
    }
}

fn drift_kind(k: DriftKind) -> &'static str {
    match k {
        DriftKind::Number => "number",
        DriftKind::Month => "month",
        DriftKind::Weekday => "weekday",
    }
}

fn credit_kind(k: CreditKind) -> &'static str {
    match k {
        CreditKind::Dateline => "dateline",
        CreditKind::Byline => "byline",
        CreditKind::CreditLine => "credit line",
        CreditKind::Contributed => "contributed",
        CreditKind::ReportedBy => "reported by",
        CreditKind::Via => "via",
        CreditKind::Copyright => "copyright",
    }
}

fn is_web_address(url: &str) -> bool {
    let u = url.trim_start().to_ascii_lowercase();
    u.starts_with("http://") || u.starts_with("https://")
}

/// Appends one word to `side`, joining it to the last token when that has
/// the same class, so that a replaced phrase is one highlight rather than
/// many.
fn push_word(side: &mut Vec<Token>, class: &'static str, word: &str) {
    let token = |class: &'static str, text: String| Token { class, text };
    match side.last_mut() {
        None => side.push(token(class, word.to_owned())),
        Some(last) if last.class == class => {
            last.text.push(' ');
            last.text.push_str(word);
        }
        Some(last) if last.class.is_empty() => {
            last.text.push(' ');
            side.push(token(class, word.to_owned()));
        }
        Some(_) if class.is_empty() => side.push(token(class, format!(" {word}"))),
        Some(_) => {
            side.push(token("", " ".to_owned()));
            side.push(token(class, word.to_owned()));
        }
    }
}

/// What a word is compared by: case, punctuation and thousands separators
/// aside ("Killed," matches "killed", "15,000" matches "15000").
fn word_key(word: &str) -> String {
    let key: String = word
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if key.is_empty() {
        word.to_owned()
    } else {
        key
    }
}

/// A word-level diff of `copy` against `reference`: the reference with
/// the words the copy dropped marked `del`, and the copy with the words it
/// added marked `ins`. A changed word holding a digit is also `num`.
fn word_diff(reference: &str, copy: &str) -> (Vec<Token>, Vec<Token>) {
    let old: Vec<&str> = reference.split_whitespace().collect();
    let new: Vec<&str> = copy.split_whitespace().collect();
    let old_keys: Vec<String> = old.iter().map(|w| word_key(w)).collect();
    let new_keys: Vec<String> = new.iter().map(|w| word_key(w)).collect();
    let changed = |word: &str, class: &'static str, num: &'static str| {
        if word.chars().any(|c| c.is_ascii_digit()) {
            num
        } else {
            class
        }
    };
    let mut left: Vec<Token> = Vec::new();
    let mut right: Vec<Token> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys) {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let (old_class, new_class) = match tag {
            DiffTag::Equal => (Some(""), Some("")),
            DiffTag::Delete => (Some("del"), None),
            DiffTag::Insert => (None, Some("ins")),
            DiffTag::Replace => (Some("del"), Some("ins")),
        };
        if let Some(class) = old_class {
            for w in &old[old_range] {
                let class = if class.is_empty() {
                    class
                } else {
                    changed(w, class, "del num")
                };
                push_word(&mut left, class, w);
            }
        }
        if let Some(class) = new_class {
            for w in &new[new_range] {
                let class = if class.is_empty() {
                    class
                } else {
                    changed(w, class, "ins num")
                };
                push_word(&mut right, class, w);
            }
        }
    }
    (left, right)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::scan::{scan, ScanConfig, Silent};

    const HOSTILE: &str = "<script>document.title='PWNED'</script> \
        <img src=x onerror=\"alert(1)\"> </style><b id=\"injected\">x</b> & 'quotes'";

    fn article(id: &str, outlet: &str, text: &str) -> Article {
        Article {
            id: id.to_owned(),
            outlet: outlet.to_owned(),
            published: None,
            url: None,
            title: None,
            path: id.to_owned(),
            text: text.to_owned(),
        }
    }

    fn hostile_result() -> ScanResult {
        let shared = "The ministry said on Monday that 15,000 troops had been sent to the border region near the river.";
        let mut a = article("a<b>.txt", "outlet<i>one</i>", shared);
        a.text.push_str("\n\n");
        a.text.push_str(HOSTILE);
        a.title = Some(format!("Title {HOSTILE}"));
        a.url = Some("javascript:alert(1)".to_owned());
        a.published = Some("2018-07-15T07:00:00Z".to_owned());
        let mut b = article(
            "b\"onmouseover=\"x.txt",
            "AP",
            &format!(
                "WASHINGTON (AP) \u{2014} The ministry said on Monday that 18,000 troops had been sent to the border region near the river.\n\n{HOSTILE}"
            ),
        );
        b.url = Some("https://example.org/b?x=1&y=<2>".to_owned());
        b.published = Some("2018-07-15T06:00:00Z".to_owned());
        scan(vec![a, b], &ScanConfig::default(), &Silent).unwrap()
    }

    #[test]
    fn hostile_text_is_escaped() {
        let result = hostile_result();
        assert!(
            !result.families.is_empty(),
            "the two articles share a claim"
        );
        let html = render(&result, &InputSummary::default(), HtmlOptions::default());
        // Only the report's own markup: one script, one style, no injected
        // elements or handlers.
        assert_eq!(html.matches("<script").count(), 1, "one script element");
        assert_eq!(html.matches("</script>").count(), 1);
        assert_eq!(html.matches("</style>").count(), 1);
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b id=\"injected\""));
        assert!(!html.contains("onerror=\""));
        assert!(!html.contains("\"onmouseover=\""));
        assert!(!html.contains("<i>one</i>"));
        assert!(!html.contains("href=\"javascript:"));
        // The hostile text is there, as text.
        assert!(html.contains("&#60;script&#62;document.title=&#39;PWNED&#39;&#60;/script&#62;"));
        assert!(html.contains("outlet&#60;i&#62;one&#60;/i&#62;"));
        assert!(html.contains("href=\"https://example.org/b?x=1&#38;y=&#60;2&#62;\""));
    }

    #[test]
    fn report_has_its_sections_and_links() {
        let result = hostile_result();
        let html = render(&result, &InputSummary::default(), HtmlOptions::default());
        for id in ["overview", "families", "articles", "filter"] {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
        }
        for s in 0..result.sentences.len() {
            assert!(html.contains(&format!("id=\"s-{s}\"")), "sentence {s}");
        }
        // The AP article is the wire source: the copy links to it.
        let copy = result
            .provenance
            .source_of
            .iter()
            .position(|s| matches!(s, Some(Source::Sentence(_))))
            .expect("a sentence has a source");
        let Some(Source::Sentence(src)) = &result.provenance.source_of[copy] else {
            unreachable!()
        };
        assert!(html.contains(&format!("href=\"#s-{src}\"")));
        assert!(html.contains("wire copy"));
        // The changed figure is marked in the diff and in the drift list.
        assert!(html.contains("class=\"ins num\">15,000"), "{html}");
        assert!(html.contains("class=\"del num\">18,000"));
        assert!(html.contains("<s>18,000</s> \u{2192} <b>15,000</b>"));
    }

    #[test]
    fn big_scans_are_cut_to_the_top() {
        let result = hostile_result();
        let html = render(&result, &InputSummary::default(), HtmlOptions { top: 1 });
        assert!(html.contains("showing 1 of 2 articles"), "{html}");
        // Sentences of the article left out are not embedded.
        let shown = html.matches("class=\"s l-").count();
        assert!(shown < result.sentences.len());
    }

    #[test]
    fn word_diff_marks_changes_and_numbers() {
        let (left, right) = word_diff(
            "600 troops were Killed, officials said",
            "1,000 troops were killed there, officials said",
        );
        let show = |side: &[Token]| {
            side.iter()
                .map(|t| format!("[{}]{}", t.class, t.text))
                .collect::<String>()
        };
        assert_eq!(
            show(&left),
            "[del num]600[] troops were Killed, officials said"
        );
        assert_eq!(
            show(&right),
            "[ins num]1,000[] troops were killed [ins]there,[] officials said"
        );
        // Case, punctuation and separators are not changes.
        let (_, right) = word_diff("It cost 15000 Dollars.", "it cost 15,000 dollars");
        assert!(right.iter().all(|t| t.class.is_empty()), "{}", show(&right));
        let joined: String = right.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(joined, "it cost 15,000 dollars");
    }

    #[test]
    fn percentages_and_heat() {
        assert_eq!(pct(1, 3), "33.3");
        assert_eq!(pct(1, 2), "50");
        assert_eq!(pct(0, 0), "0");
        assert_eq!(heat_level(0, 10), 0);
        assert_eq!(heat_level(10, 10), 6);
        assert_eq!(heat_level(1, 1000), 1);
        assert_eq!(thousands(27563), "27,563");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
