//! Transparent decompression of gzip and zstd inputs.
//!
//! Compression is recognised by magic bytes rather than by file name, so a
//! dump renamed by hand, or piped in on stdin, still reads.

use std::io::{self, Read};

use flate2::read::MultiGzDecoder;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Returns the decompressed bytes, or `raw` itself when it is not compressed.
///
/// `MultiGzDecoder` is used because `cat a.gz b.gz` and bgzip output are
/// several gzip members, and a plain decoder silently stops after the first.
pub fn decompress(raw: Vec<u8>) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    if raw.starts_with(GZIP_MAGIC) {
        MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut out)?;
    } else if raw.starts_with(ZSTD_MAGIC) {
        zstd::stream::read::Decoder::with_buffer(raw.as_slice())?.read_to_end(&mut out)?;
    } else {
        return Ok(raw);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use flate2::{write::GzEncoder, Compression};

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn plain_bytes_pass_through() {
        assert_eq!(decompress(b"hello".to_vec()).unwrap(), b"hello");
        assert_eq!(decompress(Vec::new()).unwrap(), b"");
    }

    #[test]
    fn gzip_is_detected_by_magic() {
        assert_eq!(decompress(gzip(b"hello gzip")).unwrap(), b"hello gzip");
    }

    #[test]
    fn concatenated_gzip_members_are_read_whole() {
        let mut raw = gzip(b"first\n");
        raw.extend(gzip(b"second\n"));
        assert_eq!(decompress(raw).unwrap(), b"first\nsecond\n");
    }

    #[test]
    fn zstd_is_detected_by_magic() {
        let raw = zstd::encode_all(&b"hello zstd"[..], 3).unwrap();
        assert_eq!(decompress(raw).unwrap(), b"hello zstd");
    }

    #[test]
    fn truncated_or_corrupt_input_is_an_error() {
        let data = "some text that compresses. ".repeat(200);
        let gz = gzip(data.as_bytes());
        assert!(decompress(gz[..gz.len() / 2].to_vec()).is_err());
        let zst = zstd::encode_all(data.as_bytes(), 3).unwrap();
        assert!(decompress(zst[..zst.len() / 2].to_vec()).is_err());
        assert!(decompress(vec![0x1f, 0x8b, 0, 1, 2, 3]).is_err());
        assert!(decompress(vec![0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff]).is_err());
    }
}
