//! Per-stage benchmarks on the bundled corpus, repeated to a few hundred
//! articles so that each stage has work to measure.
//!
//! Run with `cargo bench --bench pipeline`.

use std::fs;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wiretrace::cluster::{self, Edge};
use wiretrace::lsh::{self, Banding};
use wiretrace::minhash::MinHasher;
use wiretrace::normalize::normalize;
use wiretrace::report::html::{self, HtmlOptions};
use wiretrace::report::json::{self, InputSummary};
use wiretrace::scan::{self, ScanConfig, Silent};
use wiretrace::segment;
use wiretrace::shingle::OwnedProfile;
use wiretrace::Article;

/// The corpus articles, each repeated under several outlets.
fn articles() -> Vec<Article> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("corpus/ exists")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for copy in 0..40 {
        for f in &files {
            let text = fs::read_to_string(f).expect("corpus is UTF-8");
            let stem = f
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            out.push(Article {
                id: format!("{copy}/{stem}"),
                outlet: format!("outlet-{copy}"),
                published: None,
                url: None,
                title: None,
                path: f.display().to_string(),
                text,
            });
        }
    }
    out
}

fn sentences(articles: &[Article]) -> Vec<String> {
    articles
        .iter()
        .flat_map(|a| segment::article_sentences(&a.text))
        .collect()
}

fn stages(c: &mut Criterion) {
    let articles = articles();
    let bytes: u64 = articles.iter().map(|a| a.text.len() as u64).sum();
    let sentences = sentences(&articles);
    let profiles: Vec<OwnedProfile> = sentences.iter().map(|s| OwnedProfile::new(s, 3)).collect();
    let hasher = MinHasher::new(128, 1);
    let ids: Vec<u32> = (0..profiles.len() as u32).collect();

    let mut g = c.benchmark_group("stages");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("segment", |b| b.iter(|| sentences_len(&articles)));
    g.bench_function("normalize", |b| {
        b.iter(|| sentences.iter().map(|s| normalize(s).len()).sum::<usize>())
    });
    g.bench_function("profile", |b| {
        b.iter(|| {
            sentences
                .iter()
                .map(|s| OwnedProfile::new(s, 3).view().words().len())
                .sum::<usize>()
        })
    });
    g.bench_function("minhash", |b| {
        let mut signature = vec![0u32; 128];
        b.iter(|| {
            profiles
                .iter()
                .map(|p| {
                    hasher.signature_into(p.view().shingles().iter().copied(), &mut signature);
                    signature[0] as u64
                })
                .sum::<u64>()
        })
    });
    // As a scan runs it: each band's MinHash values computed when the band
    // is grouped.
    g.bench_function("minhash+lsh", |b| {
        b.iter(|| {
            lsh::candidate_pairs(
                Banding::for_threshold(0.5, 128),
                &ids,
                |id, perms, out| {
                    hasher.values_into(
                        profiles[id as usize].view().shingles().iter().copied(),
                        perms,
                        out,
                    )
                },
                |_, _| true,
                &[],
            )
            .iter()
            .map(Vec::len)
            .sum::<usize>()
        })
    });
    let config = ScanConfig::default();
    g.bench_function("scan", |b| {
        b.iter_batched(
            || articles.clone(),
            |articles| {
                scan::scan(articles, &config, &Silent)
                    .expect("spills to the temporary directory")
                    .sentences
                    .len()
            },
            criterion::BatchSize::LargeInput,
        )
    });

    // Clustering and rendering, on the scan's own links and result.
    let result =
        scan::scan(articles.clone(), &config, &Silent).expect("spills to the temporary directory");
    let document: Vec<u32> = result.sentences.iter().map(|s| s.doc).collect();
    let edges: Vec<Edge> = result
        .sentences
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let m = s.best?;
            Some(Edge::new(i as u32, m.sentence, m.reuse, m.similarity))
        })
        .collect();
    g.bench_function("cluster", |b| {
        b.iter(|| {
            cluster::cluster(&document, edges.clone(), |_, _| true, |_| {})
                .families
                .len()
        })
    });
    let input = InputSummary::default();
    g.bench_function("render_json", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            json::write(&mut out, &result, &config, &input).expect("writes to memory");
            out.len()
        })
    });
    g.bench_function("render_html", |b| {
        b.iter(|| html::render(&result, &input, HtmlOptions::default()).len())
    });
    g.finish();
}

fn sentences_len(articles: &[Article]) -> usize {
    sentences(articles).len()
}

criterion_group!(benches, stages);
criterion_main!(benches);
