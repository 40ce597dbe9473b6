//! Turning bytes into text.
//!
//! News archives mix UTF-8 with older windows-1252 exports (curly quotes and
//! pound signs as single bytes). Rejecting those would drop real articles, so
//! anything that is not UTF-8 is read as windows-1252, which maps every byte.

use std::borrow::Cow;
use std::io::{self, Read};

use encoding_rs::WINDOWS_1252;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How much of a file is inspected to decide whether it is text.
const SNIFF_LEN: usize = 8 * 1024;

/// Decodes `bytes`, returning the text and whether windows-1252 was needed.
///
/// A leading UTF-8 byte order mark is dropped: editors on Windows add one,
/// and left in it would end up at byte 0 of the first sentence.
pub(super) fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), false),
        Err(_) => (WINDOWS_1252.decode_without_bom_handling(bytes).0, true),
    }
}

/// The first bytes of a file, as many as the sniffing below looks at: at
/// least `SNIFF_LEN` unless the file is shorter, and more while they are
/// all whitespace, up to the first byte that is not.
pub(super) fn head(input: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(SNIFF_LEN);
    loop {
        let read = input
            .by_ref()
            .take(SNIFF_LEN as u64)
            .read_to_end(&mut head)?;
        let blank = head
            .strip_prefix(BOM)
            .unwrap_or(&head)
            .iter()
            .all(u8::is_ascii_whitespace);
        if read < SNIFF_LEN || !blank {
            return Ok(head);
        }
    }
}

/// Whether the start of a file looks like something other than text.
///
/// Folders of articles often hold images or PDFs with a `.txt` name next to
/// them; reading those would flood later stages with noise. A NUL byte is the
/// classic tell (it also catches UTF-16); otherwise too many control bytes.
pub(super) fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(SNIFF_LEN)];
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f)
        .count();
    control * 10 > head.len()
}

/// Whether the first non-blank byte opens a JSON object: how input with no
/// telling name (stdin, `dump.out`) is recognised as JSON Lines.
pub(super) fn looks_like_jsonl(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed_and_bom_is_stripped() {
        let (text, latin) = decode("\u{FEFF}caf\u{e9}".as_bytes());
        assert_eq!(text, "caf\u{e9}");
        assert!(!latin);
        assert!(matches!(text, Cow::Borrowed(_)));
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let (text, latin) = decode(b"\x93Quoted\x94 costs \xa3600m \x96 caf\xe9");
        assert_eq!(
            text,
            "\u{201c}Quoted\u{201d} costs \u{a3}600m \u{2013} caf\u{e9}"
        );
        assert!(latin);
    }

    #[test]
    fn every_byte_decodes() {
        let all: Vec<u8> = (0..=255).collect();
        let (text, latin) = decode(&all);
        assert!(latin);
        assert_eq!(text.chars().count(), 256);
    }

    #[test]
    fn binary_detection() {
        assert!(looks_binary(b"PK\x03\x04\x00\x00"));
        assert!(looks_binary(&[0x01, 0x02, 0x03, b'a', 0x1b, 0x05]));
        assert!(!looks_binary(b"plain text\r\n\twith \x0c form feed"));
        assert!(!looks_binary(b"caf\xe9 \x93windows\x94 text"));
        assert!(!looks_binary(b""));
        // Only the head is inspected.
        let mut late_nul = vec![b'a'; SNIFF_LEN];
        late_nul.push(0);
        assert!(!looks_binary(&late_nul));
    }

    #[test]
    fn jsonl_sniffing() {
        assert!(looks_like_jsonl(b"  \n{\"text\": 1}"));
        assert!(looks_like_jsonl(b"\xEF\xBB\xBF{}"));
        assert!(!looks_like_jsonl(b"Headline\n{not json}"));
        assert!(!looks_like_jsonl(b"[1, 2]"));
        assert!(!looks_like_jsonl(b""));
    }
}
