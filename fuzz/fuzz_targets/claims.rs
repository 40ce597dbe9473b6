//! Claim views never panic, are distinct, bounded in number, long enough,
//! and never the sentence itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::claim::claims;

fuzz_target!(|text: &str| {
    let views = claims(text, 3);
    assert!(views.len() <= 5);
    for (i, v) in views.iter().enumerate() {
        assert!(v.split_whitespace().count() >= 3);
        assert_ne!(v.as_str(), text.trim());
        assert!(!views[..i].contains(v));
    }
});
