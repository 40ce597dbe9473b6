//! Compression sniffing and format sniffing never panic on any bytes,
//! including truncated gzip and zstd frames.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiretrace::ingest::{read_bytes, IngestOptions};

fuzz_target!(|data: &[u8]| {
    let options = IngestOptions::default();
    let _ = read_bytes("fuzz", data.to_vec(), &options);
    // The same bytes behind each real compression magic.
    for magic in [&[0x1f, 0x8b][..], &[0x28, 0xb5, 0x2f, 0xfd][..]] {
        let mut framed = magic.to_vec();
        framed.extend_from_slice(data);
        let _ = read_bytes("fuzz.txt", framed, &options);
    }
});
