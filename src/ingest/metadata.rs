//! Sidecar metadata for folders of plain-text articles.
//!
//! A `.txt` file carries no outlet, date or title. Scrapers usually write
//! those into one `metadata.jsonl` or `metadata.csv` next to the articles,
//! keyed by file name, so that is where they are looked up.

use std::{collections::HashMap, fs, path::Path};

use super::{decode::decode, decompress::decompress, jsonl, IngestError};

/// What a sidecar says about one file; `None` leaves the default in place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Meta {
    pub outlet: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
}

/// Sidecar entries of one folder, keyed by file name.
pub(super) type Sidecar = HashMap<String, Meta>;

/// Reads one sidecar into `into`; later entries for a file replace earlier ones.
pub(super) fn read(
    path: &Path,
    keep_going: bool,
    skipped: &mut Vec<String>,
    into: &mut Sidecar,
) -> Result<(), IngestError> {
    let display = path.display().to_string();
    let raw = fs::read(path).map_err(|err| IngestError::io(&display, err))?;
    let bytes = decompress(raw).map_err(|source| IngestError::Decompress {
        path: display.clone(),
        source,
    })?;
    let is_csv = path.file_name().is_some_and(|name| {
        name.to_string_lossy()
            .to_ascii_lowercase()
            .starts_with("metadata.csv")
    });
    if is_csv {
        read_csv(&bytes, &display, keep_going, skipped, into)
    } else {
        let read_error = |e| IngestError::io(&display, e);
        jsonl::for_each_record(
            bytes.as_slice(),
            read_error,
            &display,
            keep_going,
            skipped,
            |line, record, _| {
                let field = |name| jsonl::optional_string(&record, &display, line, name);
                let file = field("file")?.ok_or_else(|| missing_file(&display, line))?;
                let meta = Meta {
                    outlet: field("outlet")?,
                    published: field("published")?,
                    url: field("url")?,
                    title: field("title")?,
                };
                into.insert(key(&file), meta);
                Ok(())
            },
        )
    }
}

fn read_csv(
    bytes: &[u8],
    path: &str,
    keep_going: bool,
    skipped: &mut Vec<String>,
    into: &mut Sidecar,
) -> Result<(), IngestError> {
    let (text, _) = decode(bytes);
    let csv_error = |err: csv::Error| IngestError::Csv {
        path: path.to_string(),
        line: err.position().map_or(0, |pos| pos.line()),
        message: err.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(csv_error)?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let file_column = column("file").ok_or_else(|| missing_file(path, 1))?;
    let columns = ["outlet", "published", "url", "title"].map(column);
    for record in reader.records() {
        let result = record.map_err(csv_error).and_then(|record| {
            let line = record.position().map_or(0, |pos| pos.line());
            let cell = |index: Option<usize>| {
                index
                    .and_then(|i| record.get(i))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            };
            let file = cell(Some(file_column)).ok_or_else(|| missing_file(path, line as usize))?;
            let [outlet, published, url, title] = columns.map(cell);
            into.insert(
                key(&file),
                Meta {
                    outlet,
                    published,
                    url,
                    title,
                },
            );
            Ok(())
        });
        match result {
            Ok(()) => {}
            Err(err) if keep_going => skipped.push(err.to_string()),
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

fn missing_file(path: &str, line: usize) -> IngestError {
    IngestError::MissingField {
        path: path.to_string(),
        line,
        field: "file".to_string(),
    }
}

/// Sidecars are hand-written as often as generated; `./a.txt` means `a.txt`.
fn key(file: &str) -> String {
    let file = file.trim();
    file.strip_prefix("./").unwrap_or(file).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_sidecar(
        name: &str,
        contents: &[u8],
        keep_going: bool,
    ) -> (Result<Sidecar, IngestError>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        fs::write(&path, contents).unwrap();
        let (mut sidecar, mut skipped) = (Sidecar::new(), Vec::new());
        let result = read(&path, keep_going, &mut skipped, &mut sidecar).map(|()| sidecar);
        let skipped = skipped
            .iter()
            .map(|s| s.replace(&path.display().to_string(), name))
            .collect();
        (result, skipped)
    }

    #[test]
    fn jsonl_sidecar() {
        let input = br#"{"file": "a.txt", "outlet": "AP", "published": "2018-07-15", "title": "Hi"}
{"file": "./b.md", "url": "http://b", "extra": true}
"#;
        let sidecar = read_sidecar("metadata.jsonl", input, false).0.unwrap();
        assert_eq!(sidecar["a.txt"].outlet.as_deref(), Some("AP"));
        assert_eq!(sidecar["a.txt"].published.as_deref(), Some("2018-07-15"));
        assert_eq!(sidecar["a.txt"].title.as_deref(), Some("Hi"));
        assert_eq!(
            sidecar["b.md"],
            Meta {
                url: Some("http://b".into()),
                ..Meta::default()
            }
        );
    }

    #[test]
    fn csv_sidecar() {
        let input =
            b"\xEF\xBB\xBFFile,title,outlet,ignored\na.txt,\"Hello, world\",AP,x\nb.txt,,\n";
        let sidecar = read_sidecar("metadata.csv", input, false).0.unwrap();
        assert_eq!(sidecar["a.txt"].title.as_deref(), Some("Hello, world"));
        assert_eq!(sidecar["a.txt"].outlet.as_deref(), Some("AP"));
        assert_eq!(sidecar["a.txt"].published, None);
        assert_eq!(sidecar["b.txt"], Meta::default());
    }

    #[test]
    fn sidecar_errors() {
        let err = read_sidecar("metadata.csv", b"name,title\na,b\n", false)
            .0
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("metadata.csv:1: missing field \"file\""),
            "{err}"
        );
        let err = read_sidecar("metadata.jsonl", b"{\"title\": \"x\"}\n", false)
            .0
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("metadata.jsonl:1: missing field \"file\""),
            "{err}"
        );

        let (result, skipped) = read_sidecar("metadata.csv", b"file,title\n,x\nb.txt,y\n", true);
        assert_eq!(result.unwrap().len(), 1);
        assert_eq!(skipped, ["metadata.csv:2: missing field \"file\""]);
    }
}
