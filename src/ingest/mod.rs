//! Reading the corpus: folders, JSON Lines dumps and stdin become [`Article`]s.
//!
//! Every later stage reports back through `Article::path`, so paths are kept
//! exactly as given and the order never depends on timing: folders are
//! walked in file name order, and files read in parallel are put back in
//! that order.

mod decode;
mod decompress;
pub use decompress::{decompress, reader as decompressed};
mod jsonl;
mod metadata;
mod walk;

use std::{
    collections::{BTreeMap, HashMap, HashSet},
    fs,
    io::{self, BufRead, Read},
    path::{Path, PathBuf},
};

use rayon::prelude::*;
use walkdir::WalkDir;

use self::{
    metadata::{Meta, Sidecar},
    walk::Kind,
};
use crate::article::Article;

/// Field names to read from JSONL records. Default: id, text, outlet, published, url, title.
///
/// Dumps from other tools name things differently (`body`, `source`), and
/// renaming fields in a multi-gigabyte dump is not something users should do.
#[derive(Debug, Clone)]
pub struct FieldNames {
    pub id: String,
    pub text: String,
    pub outlet: String,
    pub published: String,
    pub url: String,
    pub title: String,
}

impl Default for FieldNames {
    fn default() -> FieldNames {
        FieldNames {
            id: "id".to_string(),
            text: "text".to_string(),
            outlet: "outlet".to_string(),
            published: "published".to_string(),
            url: "url".to_string(),
            title: "title".to_string(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    pub fields: FieldNames,
    /// Skip unreadable files / bad JSONL lines (counted and listed in the report) instead of failing.
    pub keep_going: bool,
    /// Articles longer than this many bytes are cut (at a character
    /// boundary) and listed in [`InputSummary::truncated`]: one pathological
    /// document must not exhaust memory or stall the run. `None`: no limit
    /// here, though a scan cuts texts longer than
    /// [`crate::article::MAX_TEXT_BYTES`] without listing them.
    pub max_doc_bytes: Option<usize>,
}

/// What reading noted besides the articles, for the run summary.
#[derive(Debug, Default)]
pub struct InputSummary {
    /// Articles (or files) whose bytes were not valid UTF-8 and were decoded as windows-1252.
    pub windows_1252_decoded: usize,
    /// Things skipped with keep_going or skipped always (binary files in a folder): human-readable "path: reason" strings.
    pub skipped: Vec<String>,
    /// Articles cut to `max_doc_bytes`: "path: id: cut from N to M bytes".
    pub truncated: Vec<String>,
    /// Ids that were not unique, renamed "id#2", "id#3", ... in input order:
    /// "path: id \"a\" renamed \"a#2\"". Every output refers to
    /// articles by id, so ids must be unique (see [`make_ids_unique`]).
    pub renamed_ids: Vec<String>,
}

/// Every article read, in deterministic order, and what reading noted.
#[derive(Debug, Default)]
pub struct Corpus {
    pub articles: Vec<Article>,
    pub input: InputSummary,
}

impl Corpus {
    fn skip(path: &str, reason: &str) -> Corpus {
        let mut corpus = Corpus::default();
        corpus.skipped(format!("{path}: {reason}"));
        corpus
    }
}

/// Where one file's reading goes: its articles, in order, and what it
/// skipped.
trait Intake {
    fn article(&mut self, article: Article, windows_1252: bool) -> Result<(), IngestError>;
    fn skipped(&mut self, what: String);
}

/// Collects a file's articles: a small file read on a worker thread.
impl Intake for Corpus {
    fn article(&mut self, article: Article, windows_1252: bool) -> Result<(), IngestError> {
        self.input.windows_1252_decoded += usize::from(windows_1252);
        self.articles.push(article);
        Ok(())
    }

    fn skipped(&mut self, what: String) {
        self.input.skipped.push(what);
    }
}

/// Hands articles on as they are read, cut to the size limit, so that a
/// dump is never held whole.
struct Stream<F> {
    sink: F,
    max_doc_bytes: Option<usize>,
    input: InputSummary,
}

impl<F: FnMut(Article) -> io::Result<()>> Stream<F> {
    fn pass(&mut self, mut article: Article) -> Result<(), IngestError> {
        if let Some(max) = self.max_doc_bytes {
            if let Some(len) = article.cut_text(max) {
                self.input.truncated.push(format!(
                    "{}: {}: cut from {len} to {} bytes",
                    article.path,
                    article.id,
                    article.text.len()
                ));
            }
        }
        (self.sink)(article).map_err(IngestError::Sink)
    }

    /// Takes in what a worker thread read.
    fn absorb(&mut self, part: Corpus) -> Result<(), IngestError> {
        self.input.windows_1252_decoded += part.input.windows_1252_decoded;
        self.input.skipped.extend(part.input.skipped);
        part.articles.into_iter().try_for_each(|a| self.pass(a))
    }
}

impl<F: FnMut(Article) -> io::Result<()>> Intake for Stream<F> {
    fn article(&mut self, article: Article, windows_1252: bool) -> Result<(), IngestError> {
        self.input.windows_1252_decoded += usize::from(windows_1252);
        self.pass(article)
    }

    fn skipped(&mut self, what: String) {
        self.input.skipped.push(what);
    }
}

/// Errors always name the file, and the line for JSONL (path:line), so that
/// a bad record in a large dump can be found with an editor's "go to line".
///
/// The message is complete on its own (it includes the underlying I/O or
/// decompression error), so print it with `{}`.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: no such file or directory")]
    NotFound { path: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("{path}: cannot decompress: {source}")]
    Decompress { path: String, source: io::Error },
    #[error("{path}:{line}: line is not valid JSON: {message}")]
    Json {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}:{line}: line is {found}, not a JSON object")]
    NotObject {
        path: String,
        line: usize,
        found: &'static str,
    },
    #[error("{path}:{line}: missing field \"{field}\"")]
    MissingField {
        path: String,
        line: usize,
        field: String,
    },
    #[error("{path}:{line}: field \"{field}\" should be {expected}, not {found}")]
    WrongType {
        path: String,
        line: usize,
        field: String,
        expected: &'static str,
        found: &'static str,
    },
    /// The caller could not take an article (its own error, e.g. writing a
    /// spill file); never skipped, whatever `keep_going` says.
    #[error(transparent)]
    Sink(io::Error),
    /// A malformed `metadata.csv` sidecar.
    #[error("{path}:{line}: {message}")]
    Csv {
        path: String,
        line: u64,
        message: String,
    },
}

impl IngestError {
    fn io(path: &str, source: io::Error) -> IngestError {
        let path = path.to_string();
        match source.kind() {
            io::ErrorKind::NotFound => IngestError::NotFound { path },
            _ => IngestError::Io { path, source },
        }
    }

    /// Whether `keep_going` may list this error and read on.
    fn can_skip(&self) -> bool {
        !matches!(self, IngestError::Sink(_))
    }
}

/// Read every input (paths; "-" means stdin) in the order given.
pub fn read_inputs(inputs: &[PathBuf], options: &IngestOptions) -> Result<Corpus, IngestError> {
    let mut articles = Vec::new();
    let input = stream_inputs(inputs, options, |a| {
        articles.push(a);
        Ok(())
    })?;
    Ok(Corpus::unique(articles, input))
}

/// Text files read at once on the worker threads: enough for every thread
/// to have work, few enough that their articles are a small part of memory.
const FILES_PER_WAVE: usize = 256;

/// Reads every input (paths; "-" means stdin) in the order given and hands
/// each article to `sink` as it is read: a dump larger than memory is never
/// held whole. Ids are not yet made unique, since that needs every id:
/// the caller does it with [`make_ids_unique`] once all are read.
/// [`Inputs`] does the same in two steps, telling the size to read first.
pub fn stream_inputs(
    inputs: &[PathBuf],
    options: &IngestOptions,
    sink: impl FnMut(Article) -> io::Result<()>,
) -> Result<InputSummary, IngestError> {
    Inputs::plan(inputs, options)?.stream(options, &|_| {}, sink)
}

/// The inputs' files, listed (folders walked, sidecars read) but not yet
/// read.
pub struct Inputs(Plan);

impl Inputs {
    pub fn plan(inputs: &[PathBuf], options: &IngestOptions) -> Result<Inputs, IngestError> {
        let mut plan = Plan {
            tasks: Vec::new(),
            keep_going: options.keep_going,
            folders: HashMap::new(),
        };
        for input in inputs {
            plan.input(input)?;
        }
        Ok(Inputs(plan))
    }

    /// The bytes to read, as stored (a compressed file's compressed
    /// bytes); `None` when stdin is among the inputs. A file whose size
    /// cannot be read counts 0: reading it will say what is wrong.
    pub fn size(&self) -> Option<u64> {
        self.0.tasks.iter().try_fold(0, |size, task| match task {
            Task::Read(Job {
                source: Source::File(path),
                ..
            }) => Some(size + fs::metadata(path).map_or(0, |m| m.len())),
            Task::Read(_) => None,
            Task::Done(_) => Some(size),
        })
    }

    /// Reads the files as [`stream_inputs`] does, calling `read` with the
    /// count of each read's bytes as stored, for a progress bar out of
    /// [`Inputs::size`].
    ///
    /// Folders of text files are read a wave of files at a time on all
    /// threads, and put back in order, so the order never depends on the
    /// number of threads or on which file finishes first. An error from
    /// `sink` ends the reading.
    pub fn stream(
        self,
        options: &IngestOptions,
        read: &(dyn Fn(u64) + Sync),
        sink: impl FnMut(Article) -> io::Result<()>,
    ) -> Result<InputSummary, IngestError> {
        let Inputs(plan) = self;
        let mut stream = Stream {
            sink,
            max_doc_bytes: options.max_doc_bytes,
            input: InputSummary::default(),
        };
        let settle = |stream: &mut Stream<_>, result: Result<(), IngestError>| match result {
            Err(err) if options.keep_going && err.can_skip() => {
                stream.skipped(err.to_string());
                Ok(())
            }
            other => other,
        };
        let mut tasks = plan.tasks.into_iter().peekable();
        while let Some(task) = tasks.next() {
            match task {
                Task::Done(result) => {
                    let result = result.and_then(|part| stream.absorb(part));
                    settle(&mut stream, result)?;
                }
                Task::Read(job) if job.kind == Kind::Text => {
                    let mut wave = vec![job];
                    while wave.len() < FILES_PER_WAVE {
                        match tasks.next_if(|t| matches!(t, Task::Read(j) if j.kind == Kind::Text))
                        {
                            Some(Task::Read(job)) => wave.push(job),
                            _ => break,
                        }
                    }
                    let parts: Vec<_> = wave
                        .into_par_iter()
                        .map(|job| {
                            let mut part = Corpus::default();
                            read_job(job, options, read, &mut part).map(|()| part)
                        })
                        .collect();
                    for part in parts {
                        let result = part.and_then(|part| stream.absorb(part));
                        settle(&mut stream, result)?;
                    }
                }
                Task::Read(job) => {
                    let result = read_job(job, options, read, &mut stream);
                    settle(&mut stream, result)?;
                }
            }
        }
        Ok(stream.input)
    }
}

impl Corpus {
    fn unique(mut articles: Vec<Article>, mut input: InputSummary) -> Corpus {
        let renames = make_ids_unique(articles.iter().map(|a| a.id.as_str()));
        input.renamed_ids = renames
            .into_iter()
            .map(|(i, renamed)| {
                let article = &mut articles[i as usize];
                let note = renamed_note(&article.path, &article.id, &renamed);
                article.id = renamed;
                note
            })
            .collect();
        Corpus { articles, input }
    }
}

/// New ids for the `ids` that are not unique: "id#2", "id#3", ... in the
/// order given, skipping names another item already has or was given.
/// Returns each renamed item's index and new id, in order; the caller
/// renames them (and tells of it with [`renamed_note`]).
///
/// It runs on a whole scan's documents: the ids are compared through an
/// index sorted by id, not copied into sets (two copies of every id were
/// 40 MiB at 205,000 articles).
pub fn make_ids_unique<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<(u32, String)> {
    let ids: Vec<&str> = ids.collect();
    // Stable, so each id's occurrences stay in the order given.
    let mut by_id: Vec<u32> = (0..ids.len() as u32).collect();
    let id = |i: u32| ids[i as usize];
    by_id.sort_by(|&a, &b| id(a).cmp(id(b)));
    // Each later occurrence of an id, with its count so far.
    let mut repeats: Vec<(u32, usize)> = Vec::new();
    for run in by_id.chunk_by(|&a, &b| id(a) == id(b)) {
        repeats.extend(run.iter().enumerate().skip(1).map(|(n, &i)| (i, n + 1)));
    }
    repeats.sort_unstable();
    let is_an_id = |name: &str| by_id.binary_search_by(|&i| id(i).cmp(name)).is_ok();
    let mut given: HashSet<String> = HashSet::new();
    let mut renames = Vec::with_capacity(repeats.len());
    for (i, n) in repeats {
        let id = id(i);
        let renamed = (n..)
            .map(|k| format!("{id}#{k}"))
            .find(|name| !is_an_id(name) && !given.contains(name))
            .expect("a count has a free name");
        given.insert(renamed.clone());
        renames.push((i, renamed));
    }
    renames
}

/// What the warning says of an id [`make_ids_unique`] renamed:
/// "path: id \"a\" renamed \"a#2\"".
pub fn renamed_note(path: &str, id: &str, renamed: &str) -> String {
    format!("{path}: id {id:?} renamed {renamed:?}")
}

/// Reads one file's bytes as if they came from a file called `name`: the
/// name decides the format (`.jsonl`, `.txt`, or sniffed when neither) and
/// the fallback outlet; compression is detected from the bytes. This is
/// `read_inputs` without the file system, for embedding and fuzzing.
pub fn read_bytes(
    name: &str,
    raw: Vec<u8>,
    options: &IngestOptions,
) -> Result<Corpus, IngestError> {
    let job = Job {
        source: Source::Stdin,
        path: name.to_owned(),
        id: name.to_owned(),
        outlet: walk::stem(name),
        kind: walk::classify(name),
        meta: Meta::default(),
    };
    let mut articles = Vec::new();
    let mut stream = Stream {
        sink: |a| {
            articles.push(a);
            Ok(())
        },
        max_doc_bytes: options.max_doc_bytes,
        input: InputSummary::default(),
    };
    read_job_from(job, raw.as_slice(), options, &mut stream)?;
    let input = stream.input;
    Ok(Corpus::unique(articles, input))
}

enum Source {
    Stdin,
    File(PathBuf),
}

/// One file to read, with everything decided from its name and folder.
struct Job {
    source: Source,
    /// The path as given or walked; the start of every `Article::path`.
    path: String,
    /// The id of a text article.
    id: String,
    /// The outlet when neither the record nor a sidecar gives one.
    outlet: String,
    kind: Kind,
    meta: Meta,
}

enum Task {
    Read(Job),
    /// Settled while planning: a skip, or an error kept in its place in the
    /// order so that `keep_going` lists it where it was found.
    Done(Result<Corpus, IngestError>),
}

/// Turns inputs into the ordered list of files to read.
///
/// Sidecars are read here, before any article, because a folder's sidecar
/// may sort after the files it describes.
struct Plan {
    tasks: Vec<Task>,
    keep_going: bool,
    /// Sidecars of the folders of files named one by one, read once per
    /// folder because a shell glob can name thousands of files in one.
    folders: HashMap<PathBuf, Sidecar>,
}

impl Plan {
    fn input(&mut self, input: &Path) -> Result<(), IngestError> {
        if input == Path::new("-") {
            self.tasks.push(Task::Read(Job {
                source: Source::Stdin,
                path: "<stdin>".to_string(),
                id: "stdin".to_string(),
                outlet: "stdin".to_string(),
                kind: Kind::Unknown,
                meta: Meta::default(),
            }));
            return Ok(());
        }
        match fs::metadata(input) {
            Ok(md) if md.is_dir() => self.dir(input),
            Ok(_) => self.file(input),
            Err(err) => self.fail(IngestError::io(&input.display().to_string(), err)),
        }
    }

    fn dir(&mut self, root: &Path) -> Result<(), IngestError> {
        let mut files = Vec::new();
        let mut sidecar_paths: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
        for walked in walk::walk(root) {
            match walked {
                Ok(w) if w.kind == Kind::Sidecar => {
                    let folder = w.path.parent().unwrap_or(root).to_path_buf();
                    sidecar_paths.entry(folder).or_default().push(w.path);
                }
                other => files.push(other),
            }
        }
        let mut sidecars = HashMap::new();
        for (folder, paths) in sidecar_paths {
            let sidecar = self.sidecar(&paths)?;
            sidecars.insert(folder, sidecar);
        }
        for walked in files {
            let w = match walked {
                Ok(w) => w,
                Err(err) => {
                    self.fail(err)?;
                    continue;
                }
            };
            let name = file_name(&w.path);
            let meta = match (w.kind, w.path.parent().and_then(|p| sidecars.get(p))) {
                (Kind::Text, Some(sidecar)) => sidecar.get(&name).cloned().unwrap_or_default(),
                _ => Meta::default(),
            };
            self.tasks.push(Task::Read(Job {
                path: w.path.display().to_string(),
                source: Source::File(w.path),
                id: w.relative,
                outlet: walk::stem(&name),
                kind: w.kind,
                meta,
            }));
        }
        Ok(())
    }

    fn file(&mut self, path: &Path) -> Result<(), IngestError> {
        let name = file_name(path);
        let kind = walk::classify(&name);
        if kind == Kind::Sidecar {
            let display = path.display().to_string();
            self.tasks.push(Task::Done(Ok(Corpus::skip(
                &display,
                "metadata sidecar, not articles",
            ))));
            return Ok(());
        }
        let mut meta = Meta::default();
        if kind != Kind::Jsonl {
            let folder = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if !self.folders.contains_key(folder) {
                // Errors listing the folder are ignored: the file was named
                // explicitly, and a sidecar beside it is only a bonus.
                let paths: Vec<_> = WalkDir::new(folder)
                    .min_depth(1)
                    .max_depth(1)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_file())
                    .filter(|e| walk::classify(&e.file_name().to_string_lossy()) == Kind::Sidecar)
                    .map(walkdir::DirEntry::into_path)
                    .collect();
                let sidecar = self.sidecar(&paths)?;
                self.folders.insert(folder.to_path_buf(), sidecar);
            }
            let described = self.folders.get(folder).and_then(|s| s.get(&name));
            meta = described.cloned().unwrap_or_default();
        }
        self.tasks.push(Task::Read(Job {
            source: Source::File(path.to_path_buf()),
            path: path.display().to_string(),
            outlet: walk::stem(&name),
            id: name,
            kind,
            meta,
        }));
        Ok(())
    }

    /// Reads a folder's sidecars; when both formats exist, the later file
    /// in name order wins for a file both describe.
    fn sidecar(&mut self, paths: &[PathBuf]) -> Result<Sidecar, IngestError> {
        let mut sidecar = Sidecar::new();
        for path in paths {
            let mut skipped = Vec::new();
            match metadata::read(path, self.keep_going, &mut skipped, &mut sidecar) {
                Ok(()) if skipped.is_empty() => {}
                Ok(()) => self.tasks.push(Task::Done(Ok(Corpus {
                    input: InputSummary {
                        skipped,
                        ..InputSummary::default()
                    },
                    ..Corpus::default()
                }))),
                Err(err) => self.fail(err)?,
            }
        }
        Ok(sidecar)
    }

    /// Without `keep_going` an error ends the run at once rather than after
    /// every other input has been read.
    fn fail(&mut self, err: IngestError) -> Result<(), IngestError> {
        if !self.keep_going {
            return Err(err);
        }
        self.tasks.push(Task::Done(Err(err)));
        Ok(())
    }
}

fn file_name(path: &Path) -> String {
    match path.file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None => path.display().to_string(),
    }
}

fn read_job(
    job: Job,
    options: &IngestOptions,
    read: &(dyn Fn(u64) + Sync),
    out: &mut impl Intake,
) -> Result<(), IngestError> {
    match &job.source {
        Source::Stdin => read_job_from(job, io::stdin().lock(), options, out),
        Source::File(path) => match fs::File::open(path) {
            Ok(file) => read_job_from(job, Counted { inner: file, read }, options, out),
            Err(err) => Err(IngestError::io(&job.path, err)),
        },
    }
}

/// A reader that tells `read` how many bytes each read gave.
struct Counted<'r, R> {
    inner: R,
    read: &'r (dyn Fn(u64) + Sync),
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.read)(n as u64);
        Ok(n)
    }
}

/// Reads one file's articles from `raw`, its bytes as stored. A JSON Lines
/// dump is read and parsed a line at a time: held whole, its bytes were as
/// large as the articles made from them, and a scan's largest allocation
/// while reading.
fn read_job_from(
    job: Job,
    raw: impl Read,
    options: &IngestOptions,
    out: &mut impl Intake,
) -> Result<(), IngestError> {
    let path = job.path.clone();
    let (mut input, compressed) =
        decompress::reader(raw).map_err(|err| IngestError::io(&path, err))?;
    let read_error = |source: io::Error| {
        if compressed {
            IngestError::Decompress {
                path: path.clone(),
                source,
            }
        } else {
            IngestError::io(&path, source)
        }
    };
    let head = decode::head(&mut input).map_err(read_error)?;
    let input = io::Cursor::new(head).chain(input);
    parse(job, input, read_error, options, out)
}

/// Turns the decompressed bytes of one file into articles; `input` starts
/// with at least the bytes [`decode::head`] reads, whole in its buffer.
fn parse(
    job: Job,
    mut input: io::Chain<io::Cursor<Vec<u8>>, impl BufRead>,
    read_error: impl Fn(io::Error) -> IngestError,
    options: &IngestOptions,
    out: &mut impl Intake,
) -> Result<(), IngestError> {
    let head = input.get_ref().0.get_ref();
    if decode::looks_binary(head) {
        out.skipped(format!("{}: binary file", job.path));
        return Ok(());
    }
    let jsonl = match job.kind {
        Kind::Jsonl => true,
        Kind::Unknown => decode::looks_like_jsonl(head),
        Kind::Text | Kind::Sidecar => false,
    };
    if jsonl {
        let fields = &options.fields;
        return jsonl::read_articles(
            input,
            read_error,
            &job.path,
            &job.outlet,
            fields,
            options.keep_going,
            out,
        );
    }
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).map_err(read_error)?;
    let (text, latin) = decode::decode(&bytes);
    let Meta {
        outlet,
        published,
        url,
        title,
    } = job.meta;
    let article = Article {
        id: job.id,
        outlet: outlet
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(job.outlet),
        published,
        url,
        title,
        path: job.path,
        text: text.into_owned(),
    };
    out.article(article, latin)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::{write::GzEncoder, Compression};

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        zstd::encode_all(data, 1).unwrap()
    }

    fn write(root: &Path, name: &str, data: &[u8]) -> PathBuf {
        let path = root.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, data).unwrap();
        path
    }

    fn read(inputs: &[PathBuf], keep_going: bool) -> Result<Corpus, IngestError> {
        read_inputs(
            inputs,
            &IngestOptions {
                keep_going,
                ..IngestOptions::default()
            },
        )
    }

    #[test]
    fn articles_are_streamed_in_order_and_a_sink_error_ends_reading_even_with_keep_going() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // More text files than one wave, so several waves are read on the
        // worker threads, then a dump streamed a record at a time.
        let folder = root.join("texts");
        for i in 0..FILES_PER_WAVE + 3 {
            write(
                &folder,
                &format!("{i:04}.txt"),
                format!("text {i}").as_bytes(),
            );
        }
        let dump = write(
            root,
            "dump.jsonl",
            b"{\"text\": \"a\"}\n{\"text\": \"b\"}\n",
        );
        let options = IngestOptions {
            keep_going: true,
            ..IngestOptions::default()
        };
        let mut texts = Vec::new();
        stream_inputs(&[folder.clone(), dump.clone()], &options, |a| {
            texts.push(a.text);
            Ok(())
        })
        .unwrap();
        let mut expected: Vec<String> = (0..FILES_PER_WAVE + 3)
            .map(|i| format!("text {i}"))
            .collect();
        expected.extend(["a".to_string(), "b".to_string()]);
        assert_eq!(texts, expected);

        for input in [folder, dump] {
            let mut taken = 0;
            let err = stream_inputs(&[input], &options, |_| {
                taken += 1;
                Err(io::Error::other("disk full"))
            })
            .unwrap_err();
            assert!(matches!(err, IngestError::Sink(_)), "{err}");
            assert_eq!((taken, err.to_string().as_str()), (1, "disk full"));
        }
    }

    #[test]
    fn the_bytes_read_add_up_to_the_inputs_size() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let folder = root.join("texts");
        write(&folder, "a.txt", b"one article");
        write(&folder, "b.txt.gz", &gzip(b"another, gzipped"));
        let lines = "{\"text\": \"a line\"}\n".repeat(3000);
        let dump = write(root, "dump.jsonl.zst", &zstd(lines.as_bytes()));
        let options = IngestOptions::default();
        let inputs = Inputs::plan(&[folder, dump], &options).unwrap();
        let size = inputs.size().unwrap();
        let on_disk: u64 = ["texts/a.txt", "texts/b.txt.gz", "dump.jsonl.zst"]
            .iter()
            .map(|name| fs::metadata(root.join(name)).unwrap().len())
            .sum();
        assert_eq!(size, on_disk);
        let read = std::sync::atomic::AtomicU64::new(0);
        let mut articles = 0;
        inputs
            .stream(
                &options,
                &|n| {
                    read.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
                },
                |_| {
                    articles += 1;
                    Ok(())
                },
            )
            .unwrap();
        assert_eq!((read.into_inner(), articles), (size, 3002));
        // stdin's size is not known.
        let with_stdin = Inputs::plan(&[PathBuf::from("-")], &options).unwrap();
        assert_eq!(with_stdin.size(), None);
    }

    /// `(id, outlet, path relative to root)` of each article.
    fn summary(corpus: &Corpus, root: &Path) -> Vec<(String, String, String)> {
        let root = format!("{}/", root.display());
        corpus
            .articles
            .iter()
            .map(|a| (a.id.clone(), a.outlet.clone(), a.path.replace(&root, "")))
            .collect()
    }

    #[test]
    fn folder_is_walked_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "b.txt", b"B text");
        write(root, "a/z.md", b"Z text");
        write(
            root,
            "a/feed.jsonl.gz",
            &gzip(b"{\"id\": 1, \"text\": \"one\"}\n\n{\"id\": 2, \"text\": \"two\"}\n"),
        );
        write(
            root,
            "a/more.ndjson.zst",
            &zstd(b"{\"text\": \"three\", \"outlet\": \"AP\"}"),
        );
        write(root, "c.txt.zstd", &zstd(b"C text"));
        write(root, "notes.csv", b"ignored");
        write(root, "image.png", b"\x89PNG\x00");
        let corpus = read(&[root.to_path_buf()], false).unwrap();
        let expected = [
            ("1", "feed", "a/feed.jsonl.gz:1"),
            ("2", "feed", "a/feed.jsonl.gz:3"),
            ("a/more.ndjson.zst:1", "AP", "a/more.ndjson.zst:1"),
            ("a/z.md", "z", "a/z.md"),
            ("b.txt", "b", "b.txt"),
            ("c.txt.zstd", "c", "c.txt.zstd"),
        ];
        let mut found = summary(&corpus, root);
        // The fallback id holds the full path; compare it relative too.
        found[2].0 = found[2].0.replace(&format!("{}/", root.display()), "");
        let expected: Vec<_> = expected
            .iter()
            .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
            .collect();
        assert_eq!(found, expected);
        let texts: Vec<_> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["one", "two", "three", "Z text", "B text", "C text"]);
        assert!(corpus.input.skipped.is_empty());
        assert!(corpus
            .articles
            .iter()
            .all(|a| a.title.is_none() && a.published.is_none()));
    }

    #[test]
    fn binary_files_in_a_folder_are_skipped_not_errors() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.txt", b"fine");
        write(root, "b.txt.gz", &gzip(b"%PDF\x00\x01\x02"));
        write(root, "c.jsonl", &[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, b'{']);
        let corpus = read(&[root.to_path_buf()], false).unwrap();
        assert_eq!(corpus.articles.len(), 1);
        let skipped: Vec<_> = corpus
            .input
            .skipped
            .iter()
            .map(|s| s.replace(&format!("{}/", root.display()), ""))
            .collect();
        assert_eq!(skipped, ["b.txt.gz: binary file", "c.jsonl: binary file"]);
    }

    #[test]
    fn sidecars_describe_text_files_in_their_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.txt", b"A");
        write(root, "b.txt", b"B");
        write(root, "sub/c.txt", b"C");
        write(
            root,
            "metadata.jsonl",
            b"{\"file\": \"a.txt\", \"outlet\": \"AP\", \"published\": \"2018-07-15\", \"url\": \"u\", \"title\": \"T\"}\n{\"file\": \"c.txt\", \"outlet\": \"wrong folder\"}\n",
        );
        write(
            root,
            "sub/metadata.csv",
            b"file,outlet,title\nc.txt,Reuters,Headline\n",
        );
        let corpus = read(&[root.to_path_buf()], false).unwrap();
        let a = &corpus.articles[0];
        assert_eq!((a.id.as_str(), a.outlet.as_str()), ("a.txt", "AP"));
        assert_eq!(a.published.as_deref(), Some("2018-07-15"));
        assert_eq!(a.url.as_deref(), Some("u"));
        assert_eq!(a.title.as_deref(), Some("T"));
        let b = &corpus.articles[1];
        assert_eq!((b.outlet.as_str(), b.title.as_deref()), ("b", None));
        let c = &corpus.articles[2];
        assert_eq!(
            (c.id.as_str(), c.outlet.as_str(), c.title.as_deref()),
            ("sub/c.txt", "Reuters", Some("Headline"))
        );
        assert_eq!(corpus.articles.len(), 3);

        // A file named on its own still gets its folder's sidecar.
        let single = read(&[root.join("a.txt")], false).unwrap();
        assert_eq!(single.articles[0].outlet, "AP");
        assert_eq!(single.articles[0].id, "a.txt");
        assert_eq!(
            single.articles[0].path,
            root.join("a.txt").display().to_string()
        );
    }

    #[test]
    fn sidecar_is_read_once_per_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let a = write(root, "a.txt", b"A");
        let b = write(root, "b.txt", b"B");
        write(
            root,
            "metadata.jsonl",
            b"{\"file\": \"b.txt\", \"outlet\": \"BB\"}\nbad\n",
        );
        let err = read(&[a.clone(), b.clone()], false).unwrap_err();
        assert!(err
            .to_string()
            .ends_with("metadata.jsonl:2: line is not valid JSON: expected value at column 1"));
        let corpus = read(&[a, b], true).unwrap();
        let outlets: Vec<_> = corpus.articles.iter().map(|a| a.outlet.as_str()).collect();
        assert_eq!(outlets, ["a", "BB"]);
        assert_eq!(corpus.input.skipped.len(), 1);
    }

    #[test]
    fn single_files_and_sniffing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let dump = write(root, "dump.out", b"\n  {\"text\": \"from json\"}\n");
        let plain = write(root, "story", b"Just a story.\n");
        let zipped_plain = write(root, "news.dat", &gzip(b"Compressed story."));
        let sidecar = write(
            root,
            "metadata.jsonl",
            b"{\"file\": \"story\", \"outlet\": \"X\"}\n",
        );
        let corpus = read(&[dump, plain, zipped_plain, sidecar.clone()], false).unwrap();
        let texts: Vec<_> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["from json", "Just a story.\n", "Compressed story."]);
        let outlets: Vec<_> = corpus.articles.iter().map(|a| a.outlet.as_str()).collect();
        assert_eq!(outlets, ["dump", "X", "news"]);
        assert_eq!(
            corpus.articles[0].path,
            format!("{}:2", root.join("dump.out").display())
        );
        assert_eq!(
            corpus.input.skipped,
            [format!(
                "{}: metadata sidecar, not articles",
                sidecar.display()
            )]
        );
    }

    #[test]
    fn stdin_is_sniffed() {
        let job = || Job {
            source: Source::Stdin,
            path: "<stdin>".into(),
            id: "stdin".into(),
            outlet: "stdin".into(),
            kind: Kind::Unknown,
            meta: Meta::default(),
        };
        let options = IngestOptions::default();
        let read = |bytes: &[u8]| {
            let mut corpus = Corpus::default();
            read_job_from(job(), bytes, &options, &mut corpus).map(|()| corpus)
        };
        let corpus = read(b"{\"text\": \"t\"}\n").unwrap();
        let a = &corpus.articles[0];
        assert_eq!(
            (a.id.as_str(), a.outlet.as_str(), a.path.as_str()),
            ("<stdin>:1", "stdin", "<stdin>:1")
        );
        // Sniffing reads past a long blank start to the first real byte.
        let mut padded = vec![b' '; 20_000];
        padded.extend_from_slice(b"\n{\"text\": \"t\"}\n");
        let corpus = read(&padded).unwrap();
        assert_eq!(corpus.articles[0].text, "t");
        let corpus = read(b"plain \x93text\x94").unwrap();
        let a = &corpus.articles[0];
        assert_eq!(
            (a.id.as_str(), a.outlet.as_str(), a.text.as_str()),
            ("stdin", "stdin", "plain \u{201c}text\u{201d}")
        );
        assert_eq!(corpus.input.windows_1252_decoded, 1);
    }

    #[test]
    fn compression_is_detected_by_magic_not_name() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let gz_named_txt = write(root, "a.txt", &gzip(b"gzip inside"));
        let plain_named_gz = write(root, "b.jsonl.gz", b"{\"text\": \"plain inside\"}");
        let multi = {
            let mut data = gzip(b"{\"text\": \"m1\"}\n");
            data.extend(gzip(b"{\"text\": \"m2\"}\n"));
            write(root, "c.jsonl.gz", &data)
        };
        let corpus = read(&[gz_named_txt, plain_named_gz, multi], false).unwrap();
        let texts: Vec<_> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["gzip inside", "plain inside", "m1", "m2"]);
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let missing = root.join("missing.jsonl");
        let err = read(std::slice::from_ref(&missing), false).unwrap_err();
        assert!(matches!(err, IngestError::NotFound { .. }));
        assert_eq!(
            err.to_string(),
            format!("{}: no such file or directory", missing.display())
        );

        let data = gzip("{\"text\": \"a long line\"}\n".repeat(500).as_bytes());
        let truncated = write(root, "t.jsonl.gz", &data[..data.len() - 20]);
        let err = read(std::slice::from_ref(&truncated), false).unwrap_err();
        assert!(matches!(err, IngestError::Decompress { .. }));
        assert!(
            err.to_string()
                .starts_with(&format!("{}: cannot decompress: ", truncated.display())),
            "{err}"
        );

        let zst = zstd(b"{\"text\": \"a\"}");
        let truncated_zst = write(root, "t.jsonl.zst", &zst[..zst.len() - 3]);
        let err = read(std::slice::from_ref(&truncated_zst), false).unwrap_err();
        assert!(matches!(err, IngestError::Decompress { .. }), "{err}");

        let bad_line = write(root, "bad.jsonl", b"{\"text\": \"ok\"}\n{\"text\": \n");
        let err = read(std::slice::from_ref(&bad_line), false).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("{}:2: line is not valid JSON", bad_line.display())),
            "{err}"
        );

        // With keep_going, all of them are listed in order and reading goes
        // on; what the damaged file gave before its damage is kept.
        let good = write(root, "good.txt", b"good");
        let corpus = read(&[missing, truncated, good, bad_line], true).unwrap();
        let texts: Vec<_> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
        let (before_damage, rest) = texts.split_at(texts.len() - 2);
        assert_eq!(rest, ["good", "ok"]);
        assert!(
            (1..500).contains(&before_damage.len()),
            "{} records",
            before_damage.len()
        );
        assert!(before_damage.iter().all(|&t| t == "a long line"));
        assert_eq!(corpus.input.skipped.len(), 3);
        assert!(corpus.input.skipped[0].contains("missing.jsonl: no such file"));
        assert!(corpus.input.skipped[1].contains("t.jsonl.gz: cannot decompress"));
        assert!(corpus.input.skipped[2].contains("bad.jsonl:2: line is not valid JSON"));
    }

    #[test]
    fn limits_and_unique_ids() {
        let options = IngestOptions {
            max_doc_bytes: Some(4),
            ..IngestOptions::default()
        };
        let data = "{\"id\":\"a\",\"text\":\"caf\u{e9} au lait\"}\n{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"a#2\",\"text\":\"y\"}\n";
        let corpus = read_bytes("n.jsonl", data.as_bytes().to_vec(), &options).unwrap();
        let ids: Vec<&str> = corpus.articles.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "a#3", "a#2"]);
        assert_eq!(
            corpus.articles[0].text, "caf",
            "cut before the two-byte \u{e9}"
        );
        assert_eq!(
            corpus.input.truncated,
            ["n.jsonl:1: a: cut from 13 to 3 bytes"]
        );
        assert_eq!(corpus.input.renamed_ids.len(), 1);
    }

    /// A name given to one repeat is not given to another: the second "x"
    /// skips "x#2", taken, to "x#3", so the third, counted 3, takes "x#4".
    #[test]
    fn renamed_ids_are_unique_among_themselves_too() {
        let ids = ["x", "x#2", "x", "y", "x", "y"];
        let renamed = make_ids_unique(ids.into_iter());
        assert_eq!(
            renamed,
            [(2, "x#3".into()), (4, "x#4".into()), (5, "y#2".into())]
        );
    }

    #[test]
    fn windows_1252_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.txt", b"\xa3600m");
        write(root, "b.txt", "\u{a3}600m".as_bytes());
        write(
            root,
            "c.jsonl",
            b"{\"text\": \"\xe9\"}\n{\"text\": \"\xe9\"}\n{\"text\": \"ok\"}\n",
        );
        let corpus = read(&[root.to_path_buf()], false).unwrap();
        assert_eq!(corpus.articles[0].text, corpus.articles[1].text);
        assert_eq!(corpus.articles[2].text, "\u{e9}");
        assert_eq!(corpus.input.windows_1252_decoded, 3);
    }

    #[test]
    fn order_does_not_depend_on_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for i in 0..40 {
            let body = format!("{{\"text\": \"line {i}\"}}\n").repeat(i * 50 + 1);
            match i % 3 {
                0 => write(
                    root,
                    &format!("d{}/f{i}.jsonl.gz", i % 4),
                    &gzip(body.as_bytes()),
                ),
                1 => write(root, &format!("d{}/f{i}.txt", i % 4), body.as_bytes()),
                _ => write(root, &format!("f{i}.ndjson.zst"), &zstd(body.as_bytes())),
            };
        }
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| read(&[root.to_path_buf(), root.join("d1")], false).unwrap())
                .articles
        };
        let one = run(1);
        assert!(one.len() > 100);
        assert_eq!(one, run(4));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes: Vec<u8>, kind in 0..3u8, keep_going: bool) {
            let kind = [Kind::Text, Kind::Jsonl, Kind::Unknown][usize::from(kind)];
            let job = Job {
                source: Source::Stdin,
                path: "p".into(),
                id: "i".into(),
                outlet: "o".into(),
                kind,
                meta: Meta::default(),
            };
            let options = IngestOptions { keep_going, ..IngestOptions::default() };
            let _ = read_job_from(job, bytes.as_slice(), &options, &mut Corpus::default());
        }
    }
}
