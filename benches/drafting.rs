//! Drafting's parts, one thread, on a JSON Lines dump: where segmenting's
//! time goes before any matching. Each part runs over every article (or
//! every paragraph) of the dump, twice; the second pass is the one to read.
//!
//! `WIRETRACE_DUMP=target/peers/dump-reuters-20576a-20o-s1.jsonl cargo bench
//! --bench drafting` (that dump is the default; `benches/peers/run.py`
//! makes it). Any dump with a `text` field will do, e.g. BBC news:
//! `zcat ../shared/data/bbc-news.jsonl.gz > /tmp/bbc.jsonl`.

use std::time::Instant;

use wiretrace::boilerplate::Line;
use wiretrace::clean::{self, Layout};
use wiretrace::credits::Wires;
use wiretrace::dateline;
use wiretrace::normalize::{normalize, Words};
use wiretrace::segment::{self, display_text};

fn main() {
    let path = std::env::var("WIRETRACE_DUMP")
        .unwrap_or_else(|_| "target/peers/dump-reuters-20576a-20o-s1.jsonl".to_owned());
    let dump = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let texts: Vec<String> = dump
        .lines()
        .filter_map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).ok()?;
            Some(record.get("text")?.as_str()?.to_owned())
        })
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let wires = Wires::default();
    let layouts: Vec<Layout> = texts.iter().map(|t| clean::layout(t)).collect();
    let paragraphs = || {
        layouts
            .iter()
            .flat_map(|l| l.paragraphs.iter().map(move |r| (l, r.clone())))
    };
    println!(
        "{path}: {} articles, {} paragraphs, {bytes} bytes of text",
        texts.len(),
        paragraphs().count()
    );
    let normalized: Vec<String> = paragraphs().map(|(l, r)| normalize(&l.text[r])).collect();
    for pass in 1..=2 {
        println!("pass {pass}");
        time("layout", || {
            texts
                .iter()
                .map(|t| clean::layout(t).paragraphs.len())
                .sum()
        });
        time("credits", || {
            layouts.iter().map(|l| wires.credits(&l.text).len()).sum()
        });
        time("boilerplate checks", || {
            paragraphs()
                .map(|(l, r)| {
                    let line = Line::new(&l.text[r]);
                    usize::from(line.key().is_some()) + usize::from(line.classify().is_some())
                })
                .sum()
        });
        time("normalize", || {
            paragraphs().map(|(l, r)| normalize(&l.text[r]).len()).sum()
        });
        time("words", || {
            normalized.iter().map(|n| Words::new(n).count()).sum()
        });
        time("datelines", || {
            paragraphs()
                .filter(|(l, r)| dateline::parse(&l.text[r.clone()]).is_some())
                .count()
        });
        time("sentences", || {
            paragraphs()
                .map(|(l, r)| segment::sentences(&l.text, r).0.len())
                .sum()
        });
        time("display texts", || {
            paragraphs()
                .map(|(l, r)| display_text(&l.text[r]).len())
                .sum()
        });
    }
}

/// Runs `part` and prints its time with what it counted (so that it is
/// not optimized away).
fn time(name: &str, part: impl FnOnce() -> usize) {
    let began = Instant::now();
    let counted = std::hint::black_box(part());
    println!(
        "  {name:<20} {:>9.1} ms  ({counted})",
        began.elapsed().as_secs_f64() * 1e3
    );
}
