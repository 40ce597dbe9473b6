//! The article: the unit every input format is read into.

use serde::Serialize;

/// One news article as read from the corpus, before any text processing.
///
/// `text` is the decoded article text; every byte offset wiretrace reports
/// points into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    /// Unique within a run: the JSONL `id` field, or the file's path
    /// relative to the folder that was scanned.
    pub id: String,
    /// Who published it. Cross-outlet reuse is what wiretrace reports, so
    /// this is never empty: it falls back to the file stem.
    pub outlet: String,
    /// Publication time as written in the input (not parsed here).
    pub published: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// Where the article came from: a file path, with `:line` for JSONL.
    pub path: String,
    pub text: String,
}
