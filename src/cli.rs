//! Command-line flags. Only the binary sees these; the library takes plain
//! configuration structs built from them in `main.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "wiretrace",
    version,
    about = "Trace where news text came from: which sentences were syndicated, rewritten from wire copy, or original.",
    after_help = "Examples:\n  wiretrace scan corpus\n  wiretrace scan dump.jsonl.gz --json out.jsonl\n  cat dump.jsonl | wiretrace scan - --json - --quiet\n  wiretrace compare \"600 troops were killed.\" \"At least 600 soldiers died.\"\n  wiretrace compare --tsv pairs.tsv --columns 4,5 --header\n\nExit status: 0 success, 1 no articles found, 2 error (the message names the file and line), 130 interrupted."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find sentence families across outlets and label every sentence.
    #[command(
        after_help = "Examples:\n  wiretrace scan corpus\n  wiretrace scan dump.jsonl.gz --json out.jsonl\n  wiretrace scan corpus --html report.html\n  wiretrace scan export.jsonl --text-field body --outlet-field site --json -\n  wiretrace scan crawl.jsonl.zst --json out.jsonl.zst --temp-dir /data/tmp\n\nInputs: folders (recursive; .txt/.md = one article, .jsonl/.ndjson = one per line), files, or - for stdin; gzip and zstd are detected from their bytes. A folder may hold metadata.jsonl or metadata.csv (file, outlet, published, url, title). Sentence texts, profiles, records, matching sets, verified pairs and the articles' metadata are kept in files in --temp-dir while the scan runs, up to about 2.9 times as large as the input's text."
    )]
    Scan(ScanArgs),
    /// Score sentence pairs the way a scan would and print the label.
    #[command(
        after_help = "Examples:\n  wiretrace compare \"The remains were cremated in Kursk.\" \"The remains were reportedly cremated in Kursk.\"\n  wiretrace compare --tsv msrp-train.tsv --columns 4,5 --header --gold 1\n\nOutput (tab-separated, one line per input line): label, score, shingle_jaccard, content_jaccard,\ncosine, containment (the last two `-` without a model). label is verbatim, edited, rewritten or\nnone. With a model the sentences' claim views are compared too, as in a scan; when a pair of\nviews decided, the figures are that pair's."
    )]
    Compare(CompareArgs),
    /// Write a syndicated news dump with ground truth, for `eval` and benchmarks.
    #[command(
        after_help = "Examples:\n  wiretrace synth --articles 2000 --outlets 30 --truth truth.jsonl > dump.jsonl\n  wiretrace synth --wire-corpus ../shared/data/reuters21578.jsonl.gz --articles 100000 --truth truth.jsonl --out dump.jsonl.gz\n  wiretrace synth | wiretrace scan - --json - --quiet | wiretrace eval\n\nThe truth goes to truth.jsonl unless --truth names another file; eval reads the same default."
    )]
    Synth(SynthArgs),
    /// Score a scan's JSON Lines against the ground truth `synth` wrote.
    #[command(
        after_help = "Examples:\n  wiretrace eval --truth truth.jsonl out.jsonl\n  wiretrace synth | wiretrace scan - --json - --quiet | wiretrace eval\n  wiretrace eval --truth truth.jsonl out.jsonl --json\n\nMeasures: cross-outlet link precision/recall/F1, family adjusted Rand index, source attribution accuracy and coverage, drift precision/recall, recall per kind of edit."
    )]
    Eval(EvalArgs),
    /// Fit the rewrite model on labelled sentence pairs (e.g. MSRP) and print it.
    #[command(
        after_help = "Example:\n  wiretrace calibrate --tsv ../shared/data/msrp-train.tsv --columns 4,5 --gold 1 --header"
    )]
    Calibrate(CalibrateArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Folders, files, or - for stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Write JSON Lines results here (- for stdout; the summary then goes to
    /// stderr). A name ending in .zst or .gz is compressed so: the results
    /// are about four times the articles' text, and zstd makes them about
    /// ten times smaller.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write a self-contained HTML report here (no network or external assets needed to view it).
    #[arg(long, value_name = "PATH")]
    pub html: Option<PathBuf>,
    /// Families and articles shown in the HTML report (the largest and most shared first).
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub html_top: usize,
    /// Worker threads (default: all cores). The output does not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Skip unreadable files and bad JSONL lines (listed in the summary) instead of stopping.
    #[arg(long)]
    pub keep_going: bool,
    /// Cut articles longer than this many bytes (with a warning), so one
    /// pathological document cannot exhaust memory. 0: no limit but 4 GiB,
    /// the longest article a scan takes.
    #[arg(long, default_value_t = 16 * 1024 * 1024, value_name = "BYTES")]
    pub max_doc_bytes: usize,
    /// Directory for the temporary files that hold sentence texts,
    /// profiles, records, matching sets, verified pairs and the articles'
    /// metadata during the scan, up to about 2.9 times as large as the
    /// input's text (default: $TMPDIR, else /tmp).
    /// They have no name on disk and go when the scan ends.
    #[arg(long, value_name = "DIR")]
    pub temp_dir: Option<PathBuf>,
    /// No progress bars.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print each stage's wall time, the processor time its threads used,
    /// and the memory held at its end (all of it, and the part that is not
    /// the mapped sentence texts) and at the peak so far, to stderr (also
    /// with --quiet).
    #[arg(long)]
    pub timings: bool,
    /// Families listed in the summary.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    /// Treat this outlet or agency as a wire service too (repeatable); AP,
    /// Reuters, AFP, PA, Yonhap, IANS, ANI, PTI, Xinhua, Kyodo, TASS, KCNA,
    /// dpa, EFE, ANSA, UPI and Bloomberg are built in.
    #[arg(long = "wire", value_name = "NAME")]
    pub wires: Vec<String>,
    #[command(flatten)]
    pub fields: FieldArgs,
    #[command(flatten)]
    pub matching: MatchingArgs,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "JSONL fields")]
pub struct FieldArgs {
    #[arg(long, default_value = "id", value_name = "NAME")]
    pub id_field: String,
    #[arg(long, default_value = "text", value_name = "NAME")]
    pub text_field: String,
    #[arg(long, default_value = "outlet", value_name = "NAME")]
    pub outlet_field: String,
    #[arg(long, default_value = "published", value_name = "NAME")]
    pub published_field: String,
    #[arg(long, default_value = "url", value_name = "NAME")]
    pub url_field: String,
    #[arg(long, default_value = "title", value_name = "NAME")]
    pub title_field: String,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Matching")]
pub struct MatchingArgs {
    /// Words per shingle (verbatim tier).
    #[arg(long, default_value_t = 3, value_name = "K")]
    pub shingle_size: usize,
    /// MinHash permutations per tier.
    #[arg(long, default_value_t = 128, value_name = "N")]
    pub num_perm: usize,
    /// Shingle Jaccard the verbatim tier's LSH aims at.
    #[arg(long, default_value_t = 0.5, value_name = "J")]
    pub threshold: f64,
    /// Content-word Jaccard the rewrite tier's LSH aims at.
    #[arg(long, default_value_t = 0.3, value_name = "J")]
    pub rewrite_threshold: f64,
    /// LSH bands per tier (default: derived from the thresholds).
    #[arg(long, value_name = "B")]
    pub bands: Option<usize>,
    /// Find copies only (verbatim and edited), not rewrites.
    #[arg(long)]
    pub no_rewrites: bool,
    /// Sentences with fewer words (figures not counted) never join a family.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub min_words: usize,
    /// Rarity-weighted share of content words a rewrite must share (0-1):
    /// higher keeps families to narrower claims.
    #[arg(long, default_value_t = 0.5, value_name = "S")]
    pub min_specificity: f64,
    /// Content words in more than this share of the distinct sentence
    /// wordings (0-1), and in more than 100, are left out of the rewrite
    /// tier's search for candidates: pairs that share only such words are
    /// no rewrites by --min-specificity. 1 keeps every word below the cap.
    #[arg(long, default_value_t = 0.01, value_name = "S")]
    pub common_word_share: f64,
    /// Content words in more than this many distinct wordings are left out
    /// of that search too, whatever their share: on a large dump the pairs
    /// that share a word grow with the square of its count. Raise it on
    /// a dump where one story was rewritten in thousands of wordings.
    #[arg(long, default_value_t = wiretrace::scan::COMMON_CAP, value_name = "N")]
    pub common_word_cap: u32,
    /// Distinct sentence wordings above which the semantic tier is skipped
    /// (it compares every pair of them).
    #[arg(long, default_value_t = 20_000, value_name = "N")]
    pub semantic_max: usize,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// The semantic tier's model (sentence embeddings for rewrites in other
/// words).
#[derive(Debug, Args)]
#[command(next_help_heading = "Semantic tier")]
pub struct ModelArgs {
    /// all-MiniLM-L6-v2 model directory (default: $WIRETRACE_MODEL, else
    /// where scripts/fetch-model installs it). Without a model, rewrites
    /// are found from shared words only.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// Leave the semantic tier out even when a model is installed.
    #[arg(long, conflicts_with = "model")]
    pub no_semantic: bool,
}

#[derive(Debug, Args)]
pub struct PairInput {
    /// Read pairs from this tab-separated file (split on tabs only).
    #[arg(long, value_name = "FILE")]
    pub tsv: Option<PathBuf>,
    /// The two 1-based columns holding the sentences.
    #[arg(long, default_value = "1,2", value_name = "A,B", value_parser = parse_columns)]
    pub columns: (usize, usize),
    /// The first line is a header.
    #[arg(long)]
    pub header: bool,
    /// 1-based column with the human label (1 = same claim, 0 = not): prints accuracy and F1 on stderr.
    #[arg(long, value_name = "COL")]
    pub gold: Option<usize>,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Two sentences (without --tsv).
    #[arg(value_name = "SENTENCE", num_args = 0..=2)]
    pub sentences: Vec<String>,
    #[command(flatten)]
    pub pairs: PairInput,
    #[arg(long, default_value_t = 3, value_name = "K")]
    pub shingle_size: usize,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Articles to write (wire articles included). Past the last story of
    /// the supply (each makes a few articles), its stories come round again
    /// with their words substituted, so they are new stories to a scan.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub articles: usize,
    /// Outlets republishing the wire stories.
    #[arg(long, default_value_t = 20, value_name = "M")]
    pub outlets: usize,
    /// Same seed, same bytes.
    #[arg(long, default_value_t = 1, value_name = "S")]
    pub seed: u64,
    /// JSONL corpus of real wire copy to draw stories from (fields: text,
    /// title); default: built-in stories.
    #[arg(long, value_name = "FILE")]
    pub wire_corpus: Option<PathBuf>,
    /// Where the ground truth goes (JSONL; a name ending in .gz or .zst is
    /// compressed so). `eval` reads the same default.
    #[arg(long, default_value = "truth.jsonl", value_name = "FILE")]
    pub truth: PathBuf,
    /// Where the dump goes (- for stdout, the default); a name ending in
    /// .gz or .zst is compressed so.
    #[arg(long, default_value = "-", value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    #[command(flatten)]
    pub pairs: PairInput,
    #[arg(long, default_value_t = 3, value_name = "K")]
    pub shingle_size: usize,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Ground truth written by `wiretrace synth --truth FILE` (JSON Lines,
    /// optionally compressed); synth's default file unless given.
    #[arg(long, default_value = "truth.jsonl", value_name = "FILE")]
    pub truth: PathBuf,
    /// Output of `wiretrace scan --json` (JSON Lines); - or nothing for stdin.
    #[arg(value_name = "RESULTS", default_value = "-")]
    pub results: PathBuf,
    /// Print the metrics as one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn parse_columns(s: &str) -> Result<(usize, usize), String> {
    let (a, b) = s.split_once(',').ok_or("expected two columns like 4,5")?;
    let parse = |x: &str| {
        x.trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or(format!("not a column number: {x}"))
    };
    Ok((parse(a)?, parse(b)?))
}
