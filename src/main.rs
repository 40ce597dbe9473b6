//! The `wiretrace` binary: flags in, library calls, reports out.
//!
//! stdout carries data (the summary, or JSON Lines with `--json -`);
//! stderr carries progress, warnings and errors. Exit status: 0 success,
//! 2 error. A closed pipe (`wiretrace scan ... | head`) ends quietly.

mod cli;
mod output;
mod progress;

use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;

use cli::{CalibrateArgs, Cli, Command, CompareArgs, ModelArgs, PairInput, ScanArgs, SynthArgs};
use wiretrace::article::MAX_TEXT_BYTES;
use wiretrace::credits::Wires;
use wiretrace::embed::{self, Embedder};
use wiretrace::ingest::{self, FieldNames, IngestOptions};
use wiretrace::pairs::{self, Agreement, PairLine, PairVerdict};
use wiretrace::report::{html, json, terminal};
use wiretrace::scan::{Progress, ScanConfig, SegmentProgress, Segmenter};
use wiretrace::semantic::Semantic;
use wiretrace::similarity::{PairFeatures, Thresholds, Verifier};
use wiretrace::spill;
use wiretrace::synth;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C (or SIGTERM) removes any output still being written, so an
    // interrupted run leaves neither a half-written file nor a temporary one.
    let _ = ctrlc::set_handler(|| {
        output::remove_pending();
        std::process::exit(130);
    });
    match run(cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("wiretrace: error: {}", describe(&err));
            ExitCode::from(2)
        }
    }
}

/// Sentence texts, profiles and records are spilled to disk to keep them
/// out of memory (see `wiretrace::spill`, `wiretrace::records`); on a
/// tmpfs they stay in it. Said for
/// large inputs only, where it matters: below a quarter of a gigabyte of
/// text the spilled files are a small part of what a scan holds. Articles
/// are scanned as they are read, so it is said once that much has been read.
struct SpillNote {
    /// The temporary directory, when it is kept in memory; `None` once said.
    in_memory: Option<PathBuf>,
    text_read: usize,
}

impl SpillNote {
    const LARGE: usize = 256 << 20;

    fn new(temp_dir: Option<&Path>, quiet: bool) -> SpillNote {
        let dir = temp_dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        SpillNote {
            in_memory: (!quiet && spill::is_in_memory(&dir)).then_some(dir),
            text_read: 0,
        }
    }

    fn read(&mut self, text: &str) {
        self.text_read += text.len();
        if self.text_read < Self::LARGE {
            return;
        }
        if let Some(dir) = self.in_memory.take() {
            eprintln!(
                "wiretrace: note: sentence texts, profiles and records are spilled to {}, a file system kept in memory (tmpfs); for a dump near the size of RAM, pass --temp-dir with a directory on disk",
                dir.display()
            );
        }
    }
}

/// Articles read ahead of the segmenter: a few of its batches.
const READ_AHEAD: usize = 8192;

/// Reads the inputs on a thread of their own, handing the articles in order
/// to `segmenter` on this one: reading (parsing JSON on one thread) then
/// overlaps segmenting instead of leaving a core idle. An error from either
/// side stops both; the segmenter's is the one reported when both fail,
/// since the reader fails only because the segmenter stopped taking.
fn read_into(
    inputs: ingest::Inputs,
    options: &IngestOptions,
    read_bytes: &(dyn Fn(u64) + Sync),
    mut spill_note: SpillNote,
    segmenter: &mut Segmenter,
) -> Result<ingest::InputSummary> {
    let (articles, read) = std::sync::mpsc::sync_channel(READ_AHEAD);
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || {
            inputs.stream(options, read_bytes, |a| {
                spill_note.read(&a.text);
                articles
                    .send(a)
                    .map_err(|_| io::Error::other("the scan stopped taking articles"))
            })
        });
        let segmented = read.iter().try_for_each(|a| segmenter.push(a));
        // Dropping the receiver stops a reader still sending.
        drop(read);
        let input = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        segmented?;
        Ok(input?)
    })
}

/// The error and its causes, each said once: library errors already name
/// their cause in their own message.
fn describe(err: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Compare(args) => run_compare(args).map(|()| ExitCode::SUCCESS),
        Command::Calibrate(args) => run_calibrate(args).map(|()| ExitCode::SUCCESS),
        Command::Synth(args) => run_synth(args).map(|()| ExitCode::SUCCESS),
        Command::Eval(args) => run_eval(args).map(|()| ExitCode::SUCCESS),
    }
}

fn run_scan(args: ScanArgs) -> Result<ExitCode> {
    if let Some(threads) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads.max(1))
            .build_global()
            .context("setting up worker threads")?;
    }
    let options = IngestOptions {
        fields: FieldNames {
            id: args.fields.id_field,
            text: args.fields.text_field,
            outlet: args.fields.outlet_field,
            published: args.fields.published_field,
            url: args.fields.url_field,
            title: args.fields.title_field,
        },
        keep_going: args.keep_going,
        max_doc_bytes: Some(match args.max_doc_bytes {
            0 => MAX_TEXT_BYTES,
            max => max.min(MAX_TEXT_BYTES),
        }),
    };
    let show_progress = !args.quiet && io::stderr().is_terminal();
    let progress = progress::Bars::new(show_progress, args.timings);
    let m = &args.matching;
    let semantic = if m.no_rewrites {
        None
    } else {
        load_model(&m.model)?.map(|embedder| Semantic {
            max_wordings: m.semantic_max,
            ..Semantic::new(embedder)
        })
    };
    if semantic.is_none() && !m.no_rewrites && !m.model.no_semantic && !args.quiet {
        eprintln!(
            "wiretrace: note: no semantic model installed, so rewrites are found from shared words only (install one with scripts/fetch-model, or pass --no-semantic)"
        );
    }
    let config = ScanConfig {
        shingle_size: m.shingle_size.max(1),
        num_perm: m.num_perm.max(1),
        verbatim_threshold: m.threshold,
        rewrite_threshold: m.rewrite_threshold,
        bands: m.bands,
        rewrites: !m.no_rewrites,
        min_words: m.min_words,
        min_specificity: m.min_specificity,
        common_word_share: m.common_word_share,
        common_word_cap: m.common_word_cap,
        semantic,
        wires: Wires::new(args.wires.clone()),
        temp_dir: args.temp_dir.clone(),
        ..ScanConfig::default()
    };
    // Articles are segmented as they are read, so a dump is never held
    // whole; the reading's time is segmenting's in `--timings`.
    let spill_note = SpillNote::new(args.temp_dir.as_deref(), args.quiet);
    let inputs = ingest::Inputs::plan(&args.inputs, &options)?;
    // The bar counts the input's bytes; from stdin, whose size is not
    // known, it counts articles. Sizing the inputs takes a look at each
    // file, not worth it when no bar is drawn.
    let size = if show_progress { inputs.size() } else { None };
    let counted = match size {
        Some(_) => SegmentProgress::ByCaller,
        None => SegmentProgress::Articles(0),
    };
    let mut segmenter = Segmenter::new(&config, &progress, counted)?;
    progress.count_bytes(size.unwrap_or(0));
    let read = |n| {
        if size.is_some() {
            progress.advance(n)
        }
    };
    let mut input = read_into(inputs, &options, &read, spill_note, &mut segmenter)?;
    let mut result = segmenter.finish()?;
    let renames = ingest::make_ids_unique(result.documents.iter().map(|d| d.id));
    input.renamed_ids = renames
        .into_iter()
        .map(|(d, renamed)| {
            let doc = result.documents.get(d as usize);
            let note = ingest::renamed_note(doc.path, doc.id, &renamed);
            result.documents.rename(d as usize, renamed);
            note
        })
        .collect();
    for (what, list) in [
        ("skipped", &input.skipped),
        ("truncated (--max-doc-bytes)", &input.truncated),
        ("duplicate", &input.renamed_ids),
    ] {
        for item in list {
            eprintln!("wiretrace: warning: {what} {}", terminal::sanitize(item));
        }
    }
    let found_articles = !result.documents.is_empty();
    if !found_articles {
        eprintln!("wiretrace: warning: no articles found in the input");
    }
    if let Some(wordings) = result.stats.semantic_skipped {
        eprintln!(
            "wiretrace: note: semantic tier skipped: {wordings} distinct sentences, more than --semantic-max {}",
            m.semantic_max
        );
    }

    let json_to_stdout = args.json.as_deref() == Some(Path::new("-"));
    match &args.json {
        Some(_) if json_to_stdout => progress.time("json", || {
            json::write(
                &mut BufWriter::new(io::stdout().lock()),
                &result,
                &config,
                &input,
            )
        })?,
        Some(path) => progress.time("json", || {
            write_compressed_by_name(path, |w| json::write(w, &result, &config, &input))
        })?,
        None => {}
    }
    if let Some(path) = &args.html {
        let options = html::HtmlOptions { top: args.html_top };
        progress.time("html", || {
            write_atomically(path, |w| html::write(w, &result, &input, options))
        })?;
    }
    // console's checks honour NO_COLOR and CLICOLOR, and a pipe is never
    // coloured.
    let options = terminal::SummaryOptions {
        top_families: args.top,
        colour: if json_to_stdout {
            console::colors_enabled_stderr()
        } else {
            console::colors_enabled()
        },
        ..Default::default()
    };
    progress.time("summary", || {
        if json_to_stdout {
            terminal::write(&mut io::stderr().lock(), &result, &input, options)
        } else {
            terminal::write(
                &mut BufWriter::new(io::stdout().lock()),
                &result,
                &input,
                options,
            )
        }
    })?;
    // Freeing millions of sentences one by one took half a second at the
    // end of a 250 MB scan; the process is about to exit and the system
    // takes its memory back at once.
    std::mem::forget(result);
    // Exit 1 says "nothing to scan" to scripts, like grep's "no match".
    Ok(if found_articles {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes to a temporary file beside `path` and renames it into place, so
/// an interrupted run never leaves a half-written file or truncates the
/// previous one. A `path` that is there and is no file (`/dev/null`, a
/// named pipe) is written as it is: a file renamed onto it would take its
/// place.
///
/// The file is not synced to disk before the rename: a report can be made
/// again, and the 250 MB dump's gigabyte of JSON took 0.5 s to sync, a
/// twentieth of the scan. What the rename guards against is an error or an
/// interrupt, which leave the page cache intact; after a power cut, ext4
/// (`auto_da_alloc`), XFS and Btrfs still write a file renamed over
/// another before the rename itself.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let file = fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| format!("{}: cannot open for writing", path.display()))?;
        let mut out = BufWriter::new(file);
        return write(&mut out)
            .and_then(|()| out.flush())
            .with_context(|| format!("{}: writing", path.display()));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?;
    let tmp = dir.join(format!(
        ".{}.wiretrace-{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    output::register(&tmp);
    let result = (|| -> Result<()> {
        let file = File::create(&tmp).with_context(|| {
            format!(
                "{}: cannot create a temporary file beside it",
                path.display()
            )
        })?;
        let mut out = BufWriter::new(file);
        write(&mut out)
            .and_then(|()| out.flush())
            .with_context(|| format!("{}: writing", path.display()))?;
        drop(out);
        fs::rename(&tmp, path)
            .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    output::unregister(&tmp);
    result
}

fn run_synth(args: SynthArgs) -> Result<()> {
    let stories = match &args.wire_corpus {
        Some(path) => {
            let corpus =
                ingest::read_inputs(std::slice::from_ref(path), &IngestOptions::default())?;
            synth::stories_from(&corpus.articles)
        }
        None => synth::builtin_stories(200, args.seed),
    };
    if stories.is_empty() {
        bail!("no usable stories (4 or more sentences) in the wire corpus");
    }
    let options = synth::SynthOptions {
        articles: args.articles,
        outlets: args.outlets,
        seed: args.seed,
    };
    let mut truth_bytes = Vec::new();
    let mut dump = Vec::new();
    synth::generate(&stories, &options, &mut dump, &mut truth_bytes)?;
    write_compressed_by_name(&args.truth, |w| w.write_all(&truth_bytes))?;
    if args.out == Path::new("-") {
        io::stdout().lock().write_all(&dump)?;
    } else {
        write_compressed_by_name(&args.out, |w| w.write_all(&dump))?;
    }
    Ok(())
}

/// Writes `path` atomically ([`write_atomically`]), gzip-compressed when its
/// name ends in .gz and zstd-compressed when it ends in .zst, as `scan`
/// and `eval` read them. A scan's JSON Lines are about four times its
/// articles' text, and zstd's fastest level takes them to about a
/// thirteenth of that on the benchmark dumps.
fn write_compressed_by_name(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<()> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("gz") => write_atomically(path, |w| {
            let mut gz = flate2::write::GzEncoder::new(w, flate2::Compression::fast());
            write(&mut gz)?;
            gz.finish().map(|_| ())
        }),
        Some("zst") => write_atomically(path, |w| {
            let mut zst = zstd::Encoder::new(w, ZSTD_LEVEL)?;
            write(&mut zst)?;
            zst.finish().map(|_| ())
        }),
        _ => write_atomically(path, write),
    }
}

/// zstd's level for written files: the fastest. The 250 MB dump's 1,057 MB
/// of JSON Lines take 1.8 s plainly, 3.2 s to 82 MB at level 1, and 5.7 s
/// to 147 MB with gzip's fastest level; a gigabyte dump's 4.25 GB, more
/// than the kernel holds as dirty pages, 13.3 s plainly (at the disk's
/// speed) and 11.0 s to 330 MB at level 1 (README, Performance).
const ZSTD_LEVEL: i32 = 1;

fn run_eval(args: cli::EvalArgs) -> Result<()> {
    use wiretrace::eval;
    if args.truth == Path::new("-") && args.results == Path::new("-") {
        bail!("--truth and RESULTS cannot both be stdin");
    }
    // Results first: in `synth --truth T | scan - --json - | eval --truth T`
    // the truth file exists only once synth is done, which the end of the
    // scan's output proves.
    let (input, name) = eval::open(&args.results)?;
    let scan = eval::read_scan(input, &name)?;
    let (input, name) = eval::open(&args.truth)?;
    let truth = eval::read_truth(input, &name)?;
    let metrics = eval::evaluate(&truth, &scan);
    let mut out = BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &metrics)?;
        writeln!(out)?;
    } else {
        metrics.write_table(&mut out)?;
    }
    out.flush()?;
    Ok(())
}

fn read_pairs(pairs: &PairInput, sentences: &[String]) -> Result<Vec<PairLine>> {
    match &pairs.tsv {
        Some(path) => {
            if !sentences.is_empty() {
                bail!("give either two sentences or --tsv, not both");
            }
            Ok(pairs::read_tsv(
                path,
                pairs.columns,
                pairs.gold,
                pairs.header,
            )?)
        }
        None => match sentences {
            [a, b] => Ok(vec![PairLine {
                line: 1,
                a: a.clone(),
                b: b.clone(),
                gold: None,
            }]),
            _ => bail!("compare needs two sentences, or --tsv FILE"),
        },
    }
}

/// The semantic tier's model: `--model DIR`, else the installed one; none
/// with `--no-semantic` or when none is installed.
fn load_model(args: &ModelArgs) -> Result<Option<Embedder>> {
    if args.no_semantic {
        return Ok(None);
    }
    let Some(dir) = args.model.clone().or_else(embed::default_model_dir) else {
        return Ok(None);
    };
    let embedder = Embedder::load(&dir).context("loading the semantic model")?;
    Ok(Some(embedder))
}

/// The verdicts on every pair, with the semantic tier when a model is loaded.
fn judge_pairs(
    pairs: &[PairLine],
    shingle_size: usize,
    model: &ModelArgs,
    verifier: &Verifier,
) -> Result<Vec<PairVerdict>> {
    let embedder = load_model(model)?;
    let texts: Vec<(&str, &str)> = pairs.iter().map(|p| (p.a.as_str(), p.b.as_str())).collect();
    Ok(pairs::judge(
        &texts,
        shingle_size,
        embedder.as_ref(),
        verifier,
    ))
}

fn run_compare(args: CompareArgs) -> Result<()> {
    let pairs = read_pairs(&args.pairs, &args.sentences)?;
    let verifier = Verifier::default();
    let verdicts = judge_pairs(&pairs, args.shingle_size, &args.model, &verifier)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if args.pairs.header {
        writeln!(
            out,
            "label\tscore\tshingle_jaccard\tcontent_jaccard\tcosine\tcontainment"
        )?;
    }
    let mut judged = Vec::with_capacity(pairs.len());
    for (p, v) in pairs.iter().zip(verdicts) {
        let v = v.scan;
        let label = v.reuse.map_or("none", |r| r.as_str());
        let meaning = v.features.meaning.map_or("-\t-".to_string(), |m| {
            format!("{:.4}\t{:.4}", m.cosine, m.containment)
        });
        writeln!(
            out,
            "{label}\t{:.4}\t{:.4}\t{:.4}\t{meaning}",
            v.score, v.features.shingle_jaccard, v.features.content_jaccard
        )?;
        if let Some(gold) = p.gold {
            judged.push((v.reuse.is_some(), gold));
        }
    }
    out.flush()?;
    if args.pairs.gold.is_some() {
        let a = Agreement::of(judged);
        eprintln!(
            "pairs {}  accuracy {:.1}%  precision {:.1}%  recall {:.1}%  F1 {:.1}",
            a.pairs,
            a.accuracy * 100.0,
            a.precision * 100.0,
            a.recall * 100.0,
            a.f1 * 100.0
        );
    }
    Ok(())
}

fn run_calibrate(args: CalibrateArgs) -> Result<()> {
    if args.pairs.gold.is_none() {
        bail!("calibrate needs --gold COL: the column with the human label");
    }
    let pairs = read_pairs(&args.pairs, &[])?;
    let samples: Vec<(PairFeatures, bool)> =
        judge_pairs(&pairs, args.shingle_size, &args.model, &Verifier::default())?
            .into_iter()
            .zip(&pairs)
            .map(|(v, p)| (v.whole.features, p.gold.unwrap_or(false)))
            .collect();
    let agreement = |verifier: &Verifier, subset: &[(PairFeatures, bool)]| {
        Agreement::of(
            subset
                .iter()
                .map(|(f, gold)| (verifier.judge_features(*f).reuse.is_some(), *gold)),
        )
    };
    let thresholds = Thresholds::default();
    let fitted = Verifier::calibrate(&samples, thresholds);
    // 10-fold cross-validation: the honest figure for pairs the model has
    // not seen.
    const FOLDS: usize = 10;
    let folds: Vec<Agreement> = (0..FOLDS)
        .map(|fold| {
            let (held_out, train): (Vec<_>, Vec<_>) = samples
                .iter()
                .enumerate()
                .partition(|(i, _)| i % FOLDS == fold);
            let strip = |v: Vec<(usize, &(PairFeatures, bool))>| {
                v.into_iter().map(|(_, s)| *s).collect::<Vec<_>>()
            };
            agreement(
                &Verifier::calibrate(&strip(train), thresholds),
                &strip(held_out),
            )
        })
        .collect();
    let mean = |f: fn(&Agreement) -> f64| folds.iter().map(f).sum::<f64>() / FOLDS as f64;
    let report = serde_json::json!({
        "model": if samples.iter().any(|(f, _)| f.meaning.is_some()) {
            fitted.semantic
        } else {
            fitted.model
        },
        "fit_on_all_pairs": agreement(&fitted, &samples),
        "cross_validated_10_fold": { "accuracy": mean(|a| a.accuracy), "f1": mean(|a| a.f1) },
        "builtin_model_on_these_pairs": agreement(&Verifier::default(), &samples),
    });
    let mut out = io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    Ok(())
}

/// jemalloc, returning freed pages to the system within a second. A scan
/// frees much along the way (article texts once drafted, each LSH band
/// once merged, the candidates once verified); glibc's allocator kept
/// about a quarter more memory resident than was live, and jemalloc with
/// the default decay (ten seconds) about as much. Returning pages at once
/// kept the least, but each free then cost a system call and each new
/// allocation a page fault: a fifth of a 250 MB scan's CPU time was the
/// kernel's. Measured in `benches/HISTORY.md`.
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read when it starts (see `man jemalloc`, "TUNING").
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
#[allow(non_upper_case_globals)]
#[export_name = "_rjem_malloc_conf"]
pub static malloc_conf: &[u8] = b"dirty_decay_ms:1000,muzzy_decay_ms:0\0";
