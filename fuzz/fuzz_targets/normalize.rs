//! Normalization is idempotent and its words are non-empty substrings.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::normalize::{normalize, words};

fuzz_target!(|text: &str| {
    let once = normalize(text);
    assert_eq!(normalize(&once), once);
    for w in words(&once) {
        assert!(!w.is_empty() && once.contains(w));
    }
});
