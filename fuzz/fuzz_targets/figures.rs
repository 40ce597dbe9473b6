//! Figures are found in order, inside the sentence, without overlap, and a
//! sentence compared with itself has no changed facts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::figures;
use wiretrace::normalize::{normalize, words};
use wiretrace::provenance::changed_facts;

fuzz_target!(|text: &str| {
    let normalized = normalize(text);
    let words = words(&normalized);
    let mut end = 0;
    for f in figures::find(&words) {
        assert!(f.tokens.start >= end && f.tokens.start < f.tokens.end);
        assert!(f.tokens.end <= words.len());
        assert!(!f.value.is_empty());
        end = f.tokens.end;
    }
    assert!(changed_facts(text, text).is_empty());
});
