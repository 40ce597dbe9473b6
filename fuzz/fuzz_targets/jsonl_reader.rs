//! The JSONL reader never panics, and what it accepts has text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::ingest::{read_bytes, IngestOptions};

fuzz_target!(|data: &[u8]| {
    for keep_going in [false, true] {
        let options = IngestOptions {
            keep_going,
            ..IngestOptions::default()
        };
        if let Ok(corpus) = read_bytes("fuzz.jsonl", data.to_vec(), &options) {
            for article in &corpus.articles {
                assert!(!article.id.is_empty() && !article.outlet.is_empty());
            }
        }
    }
});
