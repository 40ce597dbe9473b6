//! Cleaning and segmentation: spans stay in bounds, on character
//! boundaries, ordered and non-overlapping, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::{clean, segment};

fuzz_target!(|text: &str| {
    let layout = clean::layout(text);
    assert_eq!(layout.text.len(), text.len());
    let mut last_end = 0;
    for paragraph in &layout.paragraphs {
        assert!(paragraph.start >= last_end && paragraph.end <= text.len());
        let (spans, _) = segment::sentences(&layout.text, paragraph.clone());
        for span in spans {
            assert!(
                span.start >= last_end,
                "{span:?} overlaps the previous sentence"
            );
            assert!(span.start <= span.end && span.end <= paragraph.end);
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            last_end = span.end;
        }
        last_end = last_end.max(paragraph.end);
    }
});
