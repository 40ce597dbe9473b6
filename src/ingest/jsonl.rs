//! JSON Lines: one article per non-blank line.
//!
//! Lines are decoded one at a time because concatenated dumps mix encodings:
//! one windows-1252 record must not turn the whole file into mojibake.

use std::io::{self, BufRead};

use serde_json::{Map, Value};

use super::{decode::decode, FieldNames, IngestError, Intake};
use crate::article::Article;

pub(super) type Record = Map<String, Value>;

/// Reads every record of a JSON Lines file into `out`, a line at a time;
/// `read_error` says what an error reading `input` is (a compressed
/// stream's errors are the decompressor's).
///
/// `outlet` is the fallback for records without one, usually the file stem:
/// a dump per outlet is the common layout, and outlet is never empty.
pub(super) fn read_articles(
    input: impl BufRead,
    read_error: impl Fn(io::Error) -> IngestError,
    path: &str,
    outlet: &str,
    fields: &FieldNames,
    keep_going: bool,
    out: &mut impl Intake,
) -> Result<(), IngestError> {
    let mut skipped = Vec::new();
    let read = for_each_record(
        input,
        read_error,
        path,
        keep_going,
        &mut skipped,
        |line, record, latin| out.article(article(path, line, record, outlet, fields)?, latin),
    );
    skipped.into_iter().for_each(|s| out.skipped(s));
    read
}

/// Calls `f(line, record, decoded_as_windows_1252)` for every non-blank line.
///
/// With `keep_going`, errors from parsing or from `f` are listed in `skipped`
/// and reading continues; otherwise the first one is returned. An error
/// reading `input` ends the file whatever `keep_going` says.
pub(super) fn for_each_record(
    mut input: impl BufRead,
    read_error: impl Fn(io::Error) -> IngestError,
    path: &str,
    keep_going: bool,
    skipped: &mut Vec<String>,
    mut f: impl FnMut(usize, Record, bool) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let mut buffer = Vec::new();
    for line_no in 1.. {
        buffer.clear();
        if input.read_until(b'\n', &mut buffer).map_err(&read_error)? == 0 {
            break;
        }
        let line = buffer.strip_suffix(b"\n").unwrap_or(&buffer);
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let (text, latin) = decode(line);
        if text.trim().is_empty() {
            continue;
        }
        match parse_object(&text, path, line_no).and_then(|record| f(line_no, record, latin)) {
            Ok(()) => {}
            Err(err) if keep_going && err.can_skip() => skipped.push(err.to_string()),
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

fn parse_object(text: &str, path: &str, line: usize) -> Result<Record, IngestError> {
    match serde_json::from_str(text) {
        Ok(Value::Object(record)) => Ok(record),
        Ok(other) => Err(IngestError::NotObject {
            path: path.to_string(),
            line,
            found: type_name(&other),
        }),
        Err(err) => {
            // Each line is parsed on its own, so serde_json's "at line 1" is
            // noise next to the real line number we already report.
            let message = err.to_string();
            let message = match message.rsplit_once(" at line ") {
                Some((head, _)) => format!("{head} at column {}", err.column()),
                None => message,
            };
            Err(IngestError::Json {
                path: path.to_string(),
                line,
                message,
            })
        }
    }
}

fn article(
    path: &str,
    line: usize,
    mut record: Record,
    outlet: &str,
    fields: &FieldNames,
) -> Result<Article, IngestError> {
    let field = |name: &str| optional_string(&record, path, line, name);
    let id = field(&fields.id)?.unwrap_or_else(|| location(path, line));
    let outlet = field(&fields.outlet)?
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| outlet.to_string());
    let published = field(&fields.published)?;
    let url = field(&fields.url)?;
    let title = field(&fields.title)?;
    let text = match record.remove(&fields.text) {
        Some(Value::String(text)) => text,
        Some(other) => return Err(wrong_type(path, line, &fields.text, "a string", &other)),
        None => {
            return Err(IngestError::MissingField {
                path: path.to_string(),
                line,
                field: fields.text.clone(),
            })
        }
    };
    Ok(Article {
        id,
        outlet,
        published,
        url,
        title,
        path: location(path, line),
        text,
    })
}

/// "PATH:LINE", where a record is: the path of every article of a JSON
/// Lines dump, and the id of those without one. Allocated at its length:
/// `format!` left about twice the room it needed, in a string kept for
/// every article (18 MiB of the heap's peak on a 200 MB dump).
fn location(path: &str, line: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let line = digits.format(line);
    let mut at = String::with_capacity(path.len() + 1 + line.len());
    at.push_str(path);
    at.push(':');
    at.push_str(line);
    at
}

/// Reads an optional field that should be text.
///
/// Numbers are accepted as their decimal form because exporters write
/// numeric ids and Unix timestamps; null is treated as absent.
pub(super) fn optional_string(
    record: &Record,
    path: &str,
    line: usize,
    name: &str,
) -> Result<Option<String>, IngestError> {
    match record.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(wrong_type(path, line, name, "a string or number", other)),
    }
}

fn wrong_type(
    path: &str,
    line: usize,
    field: &str,
    expected: &'static str,
    found: &Value,
) -> IngestError {
    IngestError::WrongType {
        path: path.to_string(),
        line,
        field: field.to_string(),
        expected,
        found: type_name(found),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Corpus;

    fn read(bytes: &[u8], keep_going: bool) -> Result<Corpus, IngestError> {
        let mut corpus = Corpus::default();
        read_articles(
            bytes,
            |e| IngestError::io("dir/feed.jsonl", e),
            "dir/feed.jsonl",
            "feed",
            &FieldNames::default(),
            keep_going,
            &mut corpus,
        )?;
        Ok(corpus)
    }

    #[test]
    fn fields_are_read_and_defaulted() {
        let input = br#"{"id": "a1", "outlet": "BBC", "published": "26-FEB-1987 15:01:01.79", "url": "http://x", "title": "T", "text": "Body.", "story": "ignored"}

{"id": 42, "text": "Second.", "published": 1531655668, "title": null, "outlet": ""}
"#;
        let corpus = read(input, false).unwrap();
        assert_eq!(corpus.articles.len(), 2);
        let first = &corpus.articles[0];
        assert_eq!(first.id, "a1");
        assert_eq!(first.outlet, "BBC");
        assert_eq!(first.published.as_deref(), Some("26-FEB-1987 15:01:01.79"));
        assert_eq!(first.url.as_deref(), Some("http://x"));
        assert_eq!(first.title.as_deref(), Some("T"));
        assert_eq!(first.path, "dir/feed.jsonl:1");
        assert_eq!(first.text, "Body.");
        let second = &corpus.articles[1];
        assert_eq!(second.id, "42");
        assert_eq!(second.outlet, "feed");
        assert_eq!(second.published.as_deref(), Some("1531655668"));
        assert_eq!(second.title, None);
        assert_eq!(second.url, None);
        assert_eq!(second.path, "dir/feed.jsonl:3");
        assert_eq!(corpus.input.windows_1252_decoded, 0);
    }

    #[test]
    fn missing_id_falls_back_to_path_and_line() {
        let corpus = read(b"\r\n{\"text\": \"x\"}\r\n", false).unwrap();
        assert_eq!(corpus.articles[0].id, "dir/feed.jsonl:2");
        assert_eq!(corpus.articles[0].text, "x");
    }

    #[test]
    fn custom_field_names() {
        let fields = FieldNames {
            id: "doc".into(),
            text: "body".into(),
            outlet: "source".into(),
            ..FieldNames::default()
        };
        let mut corpus = Corpus::default();
        let input = br#"{"doc": "d", "body": "B", "source": "S", "text": 5}"#;
        read_articles(
            &input[..],
            |e| IngestError::io("f", e),
            "f",
            "f",
            &fields,
            false,
            &mut corpus,
        )
        .unwrap();
        let article = &corpus.articles[0];
        assert_eq!(
            (
                article.id.as_str(),
                article.text.as_str(),
                article.outlet.as_str()
            ),
            ("d", "B", "S")
        );
    }

    #[test]
    fn errors_name_path_line_and_field() {
        let err = read(b"{\"text\": \"ok\"}\n\n{\"id\": 1}\n", false).unwrap_err();
        assert!(
            matches!(&err, IngestError::MissingField { line: 3, field, .. } if field == "text")
        );
        assert_eq!(err.to_string(), "dir/feed.jsonl:3: missing field \"text\"");

        let err = read(b"{\"text\": 12}", false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "dir/feed.jsonl:1: field \"text\" should be a string, not a number"
        );
        let err = read(b"{\"text\": null}", false).unwrap_err();
        assert!(matches!(err, IngestError::WrongType { found: "null", .. }));
        let err = read(b"{\"text\": \"t\", \"id\": [1]}", false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "dir/feed.jsonl:1: field \"id\" should be a string or number, not an array"
        );

        let err = read(b"{\"text\": \"a\"}\n<html>\n", false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "dir/feed.jsonl:2: line is not valid JSON: expected value at column 1"
        );
        let err = read(b"{\"text\": \"a\"} x", false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "dir/feed.jsonl:1: line is not valid JSON: trailing characters at column 15"
        );
        let err = read(b"[\"text\"]", false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "dir/feed.jsonl:1: line is an array, not a JSON object"
        );
    }

    #[test]
    fn keep_going_lists_bad_lines() {
        let input = b"{\"text\": \"a\"}\n{oops\n{\"title\": \"t\"}\n{\"text\": \"b\"}\n";
        let corpus = read(input, true).unwrap();
        let texts: Vec<_> = corpus.articles.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["a", "b"]);
        assert_eq!(corpus.input.skipped.len(), 2);
        assert!(corpus.input.skipped[0].starts_with("dir/feed.jsonl:2: line is not valid JSON"));
        assert_eq!(
            corpus.input.skipped[1],
            "dir/feed.jsonl:3: missing field \"text\""
        );
    }

    #[test]
    fn lines_are_decoded_one_by_one() {
        let input = b"{\"text\": \"caf\xc3\xa9\"}\n{\"text\": \"\x93caf\xe9\x94\"}\n\xEF\xBB\xBF{\"text\": \"c\"}";
        let corpus = read(input, false).unwrap();
        assert_eq!(corpus.articles[0].text, "caf\u{e9}");
        assert_eq!(corpus.articles[1].text, "\u{201c}caf\u{e9}\u{201d}");
        assert_eq!(corpus.articles[2].text, "c");
        assert_eq!(corpus.input.windows_1252_decoded, 1);
    }
}
