//! Helpers shared by the CLI tests: running the binary, parsing its JSON
//! Lines output, and generating corpora on disk.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};

/// A `wiretrace` command for the binary built for these tests. It sees no
/// installed semantic model, so results do not depend on the machine;
/// tests of the semantic tier pass `--model` themselves.
pub fn wiretrace() -> Command {
    let mut cmd = Command::cargo_bin("wiretrace")
        .expect("the wiretrace binary is built for integration tests");
    cmd.env_remove("WIRETRACE_MODEL").env(
        "XDG_DATA_HOME",
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/no-model"),
    );
    cmd
}

/// Writes a generated dump of `articles` articles from `outlets` outlets
/// to `dump`, with its ground truth at `truth` (gzipped if it ends in
/// `.gz`); panics if synth fails.
pub fn synth(dump: &Path, truth: &Path, articles: u32, outlets: u32) {
    let output = wiretrace()
        .args(["synth", "--articles", &articles.to_string()])
        .args(["--outlets", &outlets.to_string(), "--out"])
        .arg(dump)
        .arg("--truth")
        .arg(truth)
        .output()
        .expect("wiretrace runs");
    assert!(
        output.status.success(),
        "synth: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs the shell `script` in `dir` with `$0` set to the wiretrace binary
/// and `$1`… to `args`: for pipelines as a user types them.
pub fn bash(script: &str, args: &[&std::ffi::OsStr], dir: &Path) -> std::process::Output {
    std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(assert_cmd::cargo::cargo_bin("wiretrace"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("bash runs")
}

/// The installed semantic model, if any (`WIRETRACE_MODEL` or
/// `scripts/fetch-model`'s directory).
pub fn installed_model() -> Option<PathBuf> {
    wiretrace::embed::default_model_dir()
}

/// The 5 news articles checked in with the crate.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Parses JSON Lines output; every line must be a JSON object.
pub fn parse_jsonl(bytes: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(bytes).expect("JSON output is UTF-8");
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("output line {} is not JSON ({e}): {line}", i + 1));
            assert!(value.is_object(), "output line {} is not an object", i + 1);
            value
        })
        .collect()
}

/// Runs `wiretrace scan --quiet --json - ARGS...`, asserts that it
/// succeeded, and returns the raw JSON bytes written to stdout.
pub fn scan_json_bytes<I, S>(args: I) -> Vec<u8>
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let output = wiretrace()
        .args(["scan", "--quiet", "--json", "-"])
        .args(args)
        .output()
        .expect("wiretrace runs");
    assert!(
        output.status.success(),
        "scan failed with {}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// Runs `wiretrace scan --quiet --json - ARGS...` and parses the records.
pub fn scan_json<I, S>(args: I) -> Records
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Records::new(parse_jsonl(&scan_json_bytes(args)))
}

/// The records of one scan, with accessors by type.
#[derive(Debug, Clone)]
pub struct Records {
    pub all: Vec<Value>,
}

impl Records {
    pub fn new(all: Vec<Value>) -> Records {
        Records { all }
    }

    fn of_type<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.all.iter().filter(move |r| r["type"] == kind)
    }

    pub fn documents(&self) -> Vec<&Value> {
        self.of_type("document").collect()
    }

    pub fn sentences(&self) -> Vec<&Value> {
        self.of_type("sentence").collect()
    }

    pub fn families(&self) -> Vec<&Value> {
        self.of_type("family").collect()
    }

    /// The one summary record, which must be the last.
    pub fn summary(&self) -> &Value {
        let summaries: Vec<_> = self.of_type("summary").collect();
        assert_eq!(summaries.len(), 1, "exactly one summary record");
        let last = self.all.last().expect("output is not empty");
        assert_eq!(last["type"], "summary", "the summary is the last record");
        last
    }

    /// The sentences of document `doc`, in output order.
    pub fn sentences_of(&self, doc: &str) -> Vec<&Value> {
        self.of_type("sentence")
            .filter(|s| s["doc"] == doc)
            .collect()
    }

    /// Sentence `index` of document `doc`.
    pub fn sentence(&self, doc: &str, index: u64) -> &Value {
        self.of_type("sentence")
            .find(|s| s["doc"] == doc && s["index"] == index)
            .unwrap_or_else(|| panic!("no sentence {doc}:{index}"))
    }

    /// Outlet of every document, by id.
    pub fn outlets(&self) -> BTreeMap<String, String> {
        self.documents()
            .iter()
            .map(|d| (str_of(&d["id"]), str_of(&d["outlet"])))
            .collect()
    }

    /// Members of every family as `(doc, index)` sets, by family id.
    pub fn family_members(&self) -> BTreeMap<u64, BTreeSet<(String, u64)>> {
        self.families()
            .iter()
            .map(|f| {
                let members = f["members"]
                    .as_array()
                    .expect("members is an array")
                    .iter()
                    .map(|m| (str_of(&m[0]), m[1].as_u64().expect("member index")))
                    .collect();
                (f["id"].as_u64().expect("family id"), members)
            })
            .collect()
    }

    /// Document and sentence records without their `path` fields: what must
    /// not depend on how the same articles were stored.
    pub fn without_paths(&self) -> Vec<Value> {
        self.all
            .iter()
            .filter(|r| r["type"] != "summary")
            .cloned()
            .map(|mut r| {
                r.as_object_mut()
                    .expect("record is an object")
                    .remove("path");
                r
            })
            .collect()
    }
}

/// A JSON string value as an owned `String`.
pub fn str_of(value: &Value) -> String {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, found {value}"))
        .to_string()
}

/// Collapses every run of whitespace to one space and trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

pub fn zstd(data: &[u8]) -> Vec<u8> {
    zstd::encode_all(data, 3).expect("zstd in memory")
}

/// Writes `data` to `dir/name`, creating folders, and returns the path.
pub fn write_file(dir: &Path, name: &str, data: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create folder");
    }
    std::fs::write(&path, data).expect("write test file");
    path
}

/// Serializes records as JSON Lines (one object per line, newline-ended).
pub fn jsonl(records: &[Value]) -> String {
    records.iter().map(|r| format!("{r}\n")).collect()
}

/// A generated syndication corpus: one wire story and three copies of it
/// published by other outlets.
pub mod syndication {
    use super::*;

    pub const WIRE: &str = "wire-1";
    /// Copies every wire sentence word for word.
    pub const VERBATIM: &str = "herald-1";
    /// Copies every wire sentence, but changes the figure in the first.
    pub const EDITED: &str = "post-1";
    /// Drops two wire sentences and adds two of its own.
    pub const PARTIAL: &str = "valley-1";

    /// Index (in the wire story) of the sentence whose figure the edited
    /// copy changes.
    pub const CHANGED_SENTENCE: usize = 0;
    /// Wire sentences the partial copy leaves out.
    pub const DROPPED: [usize; 2] = [4, 6];

    pub const WIRE_SENTENCES: [&str; 8] = [
        "The regional water authority announced on Tuesday that it would spend 450 million dollars upgrading the aging treatment plant north of the city.",
        "Engineers said the plant, built in 1962, had suffered repeated pump failures during the unusually hot summer months of last year.",
        "Residents in three districts were told to boil their tap water for nearly two weeks after a large pipe burst in August.",
        "The authority's chief executive, Maria Delgado, told reporters that the upgrade would be finished well before the end of 2027.",
        "Opposition councillors questioned whether the budget was realistic given rapidly rising construction costs across the country.",
        "A consultant's report published last spring warned that the filtration system could fail completely without major new investment.",
        "Local business owners welcomed the announcement but asked for clearer timelines about any planned interruptions to the supply.",
        "The project will be financed through a combination of municipal bonds, federal grants and a modest increase in household bills.",
    ];

    /// The partial copy's own sentences.
    pub const OWN_SENTENCES: [&str; 2] = [
        "Our reporter visited the riverside pumping station on Wednesday and found several maintenance crews repairing corroded valves by hand.",
        "Valley Times readers have written dozens of letters complaining about the brown colour of their morning coffee since the spring.",
    ];

    /// Where each sentence of a document came from.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Origin {
        /// The wire sentence with this index.
        Wire(usize),
        /// One of the outlet's own sentences.
        Own,
    }

    pub struct Article {
        pub id: &'static str,
        pub outlet: &'static str,
        pub published: &'static str,
        pub sentences: Vec<(Origin, String)>,
    }

    impl Article {
        /// Paragraph per sentence, as scraped pages often come.
        pub fn text(&self) -> String {
            self.sentences
                .iter()
                .map(|(_, s)| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        }

        pub fn to_json(&self) -> Value {
            json!({
                "id": self.id,
                "outlet": self.outlet,
                "published": self.published,
                "text": self.text(),
            })
        }
    }

    fn wire(i: usize) -> (Origin, String) {
        (Origin::Wire(i), WIRE_SENTENCES[i].to_string())
    }

    /// The wire story first, then its copies.
    pub fn articles() -> Vec<Article> {
        let all_wire = || (0..WIRE_SENTENCES.len()).map(wire).collect::<Vec<_>>();
        let mut edited = all_wire();
        edited[CHANGED_SENTENCE].1 = edited[CHANGED_SENTENCE].1.replace("450", "480");
        assert_ne!(edited[CHANGED_SENTENCE].1, WIRE_SENTENCES[CHANGED_SENTENCE]);
        let mut partial: Vec<_> = (0..WIRE_SENTENCES.len())
            .filter(|i| !DROPPED.contains(i))
            .map(wire)
            .collect();
        partial.insert(3, (Origin::Own, OWN_SENTENCES[0].to_string()));
        partial.push((Origin::Own, OWN_SENTENCES[1].to_string()));
        vec![
            Article {
                id: WIRE,
                outlet: "Wire Service",
                published: "2024-05-06T08:00:00Z",
                sentences: all_wire(),
            },
            Article {
                id: VERBATIM,
                outlet: "Daily Herald",
                published: "2024-05-06T10:30:00Z",
                sentences: all_wire(),
            },
            Article {
                id: EDITED,
                outlet: "Evening Post",
                published: "2024-05-06T12:15:00Z",
                sentences: edited,
            },
            Article {
                id: PARTIAL,
                outlet: "Valley Times",
                published: "2024-05-07T07:45:00Z",
                sentences: partial,
            },
        ]
    }

    /// The corpus as JSON Lines, one article per line.
    pub fn jsonl() -> String {
        let records: Vec<Value> = articles().iter().map(Article::to_json).collect();
        super::jsonl(&records)
    }
}
