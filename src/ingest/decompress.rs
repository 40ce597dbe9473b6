//! Transparent decompression of gzip and zstd inputs.
//!
//! Compression is recognised by magic bytes rather than by file name, so a
//! dump renamed by hand, or piped in on stdin, still reads.

use std::io::{self, BufRead, BufReader, Read};

use flate2::read::MultiGzDecoder;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// Read buffer of [`reader`]: a dump is read a line at a time, and large
/// reads keep the system calls few.
const READ_BUFFER: usize = 1 << 20;

/// The decompressed bytes of `raw` as they are read, and whether it was
/// compressed: a dump is read a line at a time, never held whole.
///
/// `MultiGzDecoder` is used because `cat a.gz b.gz` and bgzip output are
/// several gzip members, and a plain decoder silently stops after the first.
pub fn reader<'a>(mut raw: impl Read + 'a) -> io::Result<(Box<dyn BufRead + 'a>, bool)> {
    // The magic is read whole even from a pipe that hands out a byte at a
    // time, and put back in front of the rest.
    let mut magic = Vec::with_capacity(ZSTD_MAGIC.len());
    raw.by_ref()
        .take(ZSTD_MAGIC.len() as u64)
        .read_to_end(&mut magic)?;
    let format = Format::of(&magic);
    let raw = io::Cursor::new(magic).chain(raw);
    let reader: Box<dyn BufRead + 'a> = match format {
        Format::Gzip => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            MultiGzDecoder::new(raw),
        )),
        Format::Zstd => Box::new(BufReader::with_capacity(
            READ_BUFFER,
            zstd::stream::read::Decoder::new(raw)?,
        )),
        Format::Plain => Box::new(BufReader::with_capacity(READ_BUFFER, raw)),
    };
    Ok((reader, format != Format::Plain))
}

#[derive(PartialEq)]
enum Format {
    Gzip,
    Zstd,
    Plain,
}

impl Format {
    fn of(start: &[u8]) -> Format {
        if start.starts_with(GZIP_MAGIC) {
            Format::Gzip
        } else if start.starts_with(ZSTD_MAGIC) {
            Format::Zstd
        } else {
            Format::Plain
        }
    }
}

/// Returns the decompressed bytes, or `raw` itself when it is not compressed:
/// [`reader`] for inputs read whole (metadata sidecars).
pub fn decompress(raw: Vec<u8>) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let (mut bytes, compressed) = reader(raw.as_slice())?;
    if !compressed {
        drop(bytes);
        return Ok(raw);
    }
    bytes.read_to_end(&mut out)?;
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

    /// A pipe that hands out one byte per read.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_reader_sees_the_magic_of_a_trickle_and_reads_what_decompress_does() {
        let zst = zstd::encode_all(&b"hello zstd\n"[..], 3).unwrap();
        for raw in [
            gzip(b"hello gzip\n"),
            zst,
            b"plain\n".to_vec(),
            b"x".to_vec(),
            Vec::new(),
        ] {
            let mut read = Vec::new();
            let (mut reader, compressed) = reader(Trickle(&raw)).unwrap();
            reader.read_to_end(&mut read).unwrap();
            drop(reader);
            assert_eq!(compressed, read != raw);
            assert_eq!(read, decompress(raw).unwrap());
        }
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
