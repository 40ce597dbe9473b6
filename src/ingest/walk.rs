//! Finding article files in folders and telling their kinds apart by name.
//!
//! Names decide only what a file holds (text, JSON Lines, sidecar); whether
//! it is compressed is decided later from its bytes.

use std::{
    io,
    path::{Path, PathBuf},
};

use walkdir::WalkDir;

use super::IngestError;

const COMPRESSED_SUFFIXES: [&str; 3] = [".gz", ".zst", ".zstd"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// `.txt` or `.md`: the whole file is one article.
    Text,
    /// `.jsonl` or `.ndjson`: one article per line.
    Jsonl,
    /// `metadata.jsonl` or `metadata.csv`: describes the text files beside it.
    Sidecar,
    /// Ignored in folders; sniffed when named explicitly.
    Unknown,
}

/// Classifies a file name, looking through a compression suffix.
pub(super) fn classify(name: &str) -> Kind {
    let name = name.to_ascii_lowercase();
    let inner = strip_compression(&name);
    if inner == "metadata.jsonl" || inner == "metadata.csv" {
        return Kind::Sidecar;
    }
    match inner.rsplit_once('.').map(|(_, ext)| ext) {
        Some("txt" | "md") => Kind::Text,
        Some("jsonl" | "ndjson") => Kind::Jsonl,
        _ => Kind::Unknown,
    }
}

/// The outlet a file stands for when nothing better is known:
/// `bbc-summaries.jsonl.gz` is `bbc-summaries`.
///
/// Only the compression suffix and one extension go, so dotted names such as
/// `nytimes.com.jsonl` keep their meaning.
pub(super) fn stem(name: &str) -> String {
    let inner = strip_compression(name);
    match Path::new(inner).file_stem() {
        Some(stem) if !stem.is_empty() => stem.to_string_lossy().into_owned(),
        _ => name.to_string(),
    }
}

fn strip_compression(name: &str) -> &str {
    COMPRESSED_SUFFIXES
        .iter()
        .find_map(|suffix| {
            let cut = name.len().checked_sub(suffix.len())?;
            let (head, tail) = (name.get(..cut)?, name.get(cut..)?);
            (tail.eq_ignore_ascii_case(suffix) && !head.is_empty()).then_some(head)
        })
        .unwrap_or(name)
}

/// A file found under a folder given as input.
#[derive(Debug)]
pub(super) struct Walked {
    pub path: PathBuf,
    pub kind: Kind,
    /// The path relative to the folder given, with `/` on every platform,
    /// so ids do not change with the machine a corpus is read on.
    pub relative: String,
}

/// Every text, JSON Lines or sidecar file under `root`, in file name order
/// so that runs are reproducible whatever the file system's listing order.
pub(super) fn walk(root: &Path) -> impl Iterator<Item = Result<Walked, IngestError>> + '_ {
    WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(move |entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err.path().unwrap_or(root).display().to_string();
                    let message = err.to_string();
                    let source = err
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other(message));
                    return Some(Err(IngestError::io(&path, source)));
                }
            };
            if !entry.file_type().is_file() {
                return None;
            }
            let kind = classify(&entry.file_name().to_string_lossy());
            if kind == Kind::Unknown {
                return None;
            }
            let relative = entry
                .path()
                .strip_prefix(root)
                .unwrap_or(entry.path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some(Ok(Walked {
                path: entry.into_path(),
                kind,
                relative,
            }))
        })
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    #[test]
    fn classification() {
        let cases = [
            ("a.txt", Kind::Text),
            ("A.MD", Kind::Text),
            ("a.txt.gz", Kind::Text),
            ("a.md.zstd", Kind::Text),
            ("a.jsonl", Kind::Jsonl),
            ("a.ndjson.zst", Kind::Jsonl),
            ("bbc-summaries.jsonl.gz", Kind::Jsonl),
            ("metadata.jsonl", Kind::Sidecar),
            ("metadata.csv", Kind::Sidecar),
            ("metadata.csv.gz", Kind::Sidecar),
            ("other.csv", Kind::Unknown),
            ("a.json", Kind::Unknown),
            ("a.gz", Kind::Unknown),
            (".gz", Kind::Unknown),
            ("README", Kind::Unknown),
            ("photo.jpg", Kind::Unknown),
        ];
        for (name, kind) in cases {
            assert_eq!(classify(name), kind, "{name}");
        }
    }

    #[test]
    fn stems() {
        assert_eq!(stem("bbc-summaries.jsonl.gz"), "bbc-summaries");
        assert_eq!(stem("reuters21578.jsonl"), "reuters21578");
        assert_eq!(stem("story.TXT.ZST"), "story");
        assert_eq!(stem("nytimes.com.jsonl"), "nytimes.com");
        assert_eq!(stem("README"), "README");
        assert_eq!(stem(".gz"), ".gz");
    }

    #[test]
    fn walk_is_sorted_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/inner")).unwrap();
        for name in [
            "c.txt",
            "a.jsonl",
            "b/inner/z.md",
            "b/y.txt.gz",
            "b/metadata.csv",
            "skip.png",
            "b.txt",
        ] {
            fs::write(root.join(name), "x").unwrap();
        }
        let walked: Vec<_> = walk(root).map(Result::unwrap).collect();
        let found: Vec<_> = walked
            .iter()
            .map(|w| (w.relative.as_str(), w.kind))
            .collect();
        assert_eq!(
            found,
            [
                ("a.jsonl", Kind::Jsonl),
                ("b/inner/z.md", Kind::Text),
                ("b/metadata.csv", Kind::Sidecar),
                ("b/y.txt.gz", Kind::Text),
                ("b.txt", Kind::Text),
                ("c.txt", Kind::Text),
            ]
        );
        assert_eq!(walked[0].path, root.join("a.jsonl"));
    }
}
