//! Sentence texts, spilled to a temporary file.
//!
//! A scan's sentence texts are as large as its input, yet after segmenting
//! they are read only now and then: once in order to fingerprint them and
//! once to report them, and here and there for drift and the HTML report's
//! differences. On the heap they were a quarter of a scan's peak on the
//! 250 MB dump, and with them no dump larger than RAM could finish. So they
//! are written back to back into an unnamed temporary file and mapped into
//! memory: pages the kernel reads in when they are asked for and drops
//! again when memory runs short, instead of memory that must be held.
//!
//! The file is made without a name (or unlinked as soon as it is made, where
//! the file system cannot), so nothing is left on disk however the process
//! ends, and no other program can open it to change it under the mapping.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use memmap2::Mmap;

/// Write buffer of a [`TextSpill`]: large writes, few system calls.
const WRITE_BUFFER: usize = 1 << 20;

/// Texts numbered from 0 in the order they were pushed to a [`TextSpill`].
#[derive(Debug, Default)]
pub struct Texts {
    /// Where each text ends in `bytes`; text `i` starts where `i - 1` ends.
    ends: Vec<u64>,
    /// `None` when there are no bytes: an empty file cannot be mapped.
    bytes: Option<Mmap>,
}

impl Texts {
    /// Text `i`. Panics when there is no such text, like a slice.
    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        if start == end {
            return "";
        }
        let bytes = self.bytes.as_deref().unwrap_or_default();
        // SAFETY: `finish` checked that the file is UTF-8, and every text
        // starts and ends where one pushed `&str` did, so on a character
        // boundary. The file is this process's alone (see the module doc),
        // and it is only read once mapped.
        unsafe { std::str::from_utf8_unchecked(&bytes[start..end]) }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Writes texts to a temporary file, to be read back as [`Texts`].
pub struct TextSpill {
    file: BufWriter<File>,
    ends: Vec<u64>,
    written: u64,
    /// Where the file is, for error messages.
    dir: PathBuf,
}

impl TextSpill {
    /// A spill into `dir`, or the system's temporary directory (`TMPDIR`).
    pub fn new(dir: Option<&Path>) -> io::Result<TextSpill> {
        let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let file = tempfile::tempfile_in(&dir).map_err(|e| spill_error(&dir, e))?;
        Ok(TextSpill {
            file: BufWriter::with_capacity(WRITE_BUFFER, file),
            ends: Vec::new(),
            written: 0,
            dir,
        })
    }

    /// Appends a text and returns its number.
    pub fn push(&mut self, text: &str) -> io::Result<u32> {
        let number = self.ends.len() as u32;
        self.file
            .write_all(text.as_bytes())
            .map_err(|e| spill_error(&self.dir, e))?;
        self.written += text.len() as u64;
        self.ends.push(self.written);
        Ok(number)
    }

    /// The texts pushed so far, for reading.
    pub fn finish(self) -> io::Result<Texts> {
        let dir = self.dir;
        let file = self
            .file
            .into_inner()
            .map_err(|e| spill_error(&dir, e.into_error()))?;
        // Written to disk before mapping: dirty pages cannot be dropped
        // when memory runs short (a memory cgroup's reclaim does not write
        // them back, and kills the process instead), clean ones can.
        file.sync_data().map_err(|e| spill_error(&dir, e))?;
        let bytes = if self.written == 0 {
            None
        } else {
            // SAFETY: the file is unnamed and this process's alone, so no one
            // else can change or shorten it while it is mapped.
            let map = unsafe { Mmap::map(&file) }.map_err(|e| spill_error(&dir, e))?;
            std::str::from_utf8(&map)
                .map_err(|e| spill_error(&dir, io::Error::new(io::ErrorKind::InvalidData, e)))?;
            Some(map)
        };
        Ok(Texts {
            ends: self.ends,
            bytes,
        })
    }
}

/// Whether `dir` is on a file system kept in memory (tmpfs, ramfs), by the
/// mount table: texts spilled there take RAM after all, and some systems
/// mount /tmp so. `false` where the table cannot be read (not Linux).
pub fn is_in_memory(dir: &Path) -> bool {
    let Ok(mounts) = std::fs::read_to_string("/proc/self/mounts") else {
        return false;
    };
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    mounted_in_memory(&dir, &mounts)
}

/// [`is_in_memory`] for a mount table's text: the mount whose point is the
/// longest that holds `dir` decides, the later of two at one point (the
/// one on top).
fn mounted_in_memory(dir: &Path, mounts: &str) -> bool {
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace().skip(1);
            Some((unescape_mount_point(fields.next()?), fields.next()?))
        })
        .filter(|(point, _)| dir.starts_with(point))
        .max_by_key(|(point, _)| point.len())
        .is_some_and(|(_, kind)| matches!(kind, "tmpfs" | "ramfs"))
}

/// The mount table writes space, tab, newline and backslash in a mount
/// point as octal escapes (`\040`).
fn unescape_mount_point(point: &str) -> String {
    let mut out = String::with_capacity(point.len());
    let mut rest = point;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let code = rest
            .get(at + 1..at + 4)
            .and_then(|o| u8::from_str_radix(o, 8).ok());
        match code {
            Some(byte) => {
                out.push(char::from(byte));
                rest = &rest[at + 4..];
            }
            None => {
                out.push('\\');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn spill_error(dir: &Path, e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!(
            "spilling sentence texts to a temporary file in {} (choose another with --temp-dir): {e}",
            dir.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    impl Texts {
        /// Texts spilled to a file in the system's temporary directory.
        fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> io::Result<Texts> {
            let mut spill = TextSpill::new(None)?;
            for text in texts {
                spill.push(text)?;
            }
            spill.finish()
        }
    }

    proptest! {
        #[test]
        fn texts_read_back_as_pushed(texts in prop::collection::vec(".{0,40}", 0..50)) {
            let spilled = Texts::of(texts.iter().map(String::as_str)).unwrap();
            prop_assert_eq!(spilled.len(), texts.len());
            for (i, text) in texts.iter().enumerate() {
                prop_assert_eq!(spilled.get(i as u32), text.as_str());
            }
        }
    }

    #[test]
    fn no_texts_and_empty_texts() {
        let none = Texts::of([]).unwrap();
        assert!(none.is_empty());
        let empty = Texts::of(["", ""]).unwrap();
        assert_eq!((empty.get(0), empty.get(1)), ("", ""));
        let mixed = Texts::of(["", "caf\u{e9}", ""]).unwrap();
        assert_eq!(
            (mixed.get(0), mixed.get(1), mixed.get(2)),
            ("", "caf\u{e9}", "")
        );
    }

    #[test]
    fn in_memory_file_systems_are_told_by_the_longest_mount_point() {
        let mounts = "/dev/vda / ext4 rw 0 0\n\
                      tmpfs /tmp tmpfs rw 0 0\n\
                      /dev/vdb /tmp/big\\040disk xfs rw 0 0\n\
                      tmpfs /tmpx tmpfs rw 0 0\n\
                      /dev/vdc /mnt ext4 rw 0 0\n\
                      ramfs /mnt ramfs rw 0 0\n";
        let in_memory = |dir: &str| mounted_in_memory(Path::new(dir), mounts);
        assert!(in_memory("/tmp"));
        assert!(in_memory("/tmp/wiretrace"));
        assert!(
            !in_memory("/tmp/big disk/spill"),
            "a disk mounted under /tmp"
        );
        assert!(!in_memory("/tmpfoo"), "whole components, not prefixes");
        assert!(!in_memory("/home/user"));
        assert!(in_memory("/mnt/x"), "the later of two mounts at one point");
        assert!(!mounted_in_memory(Path::new("/tmp"), ""));
    }

    #[test]
    fn a_missing_directory_is_named() {
        let err = TextSpill::new(Some(Path::new("/nonexistent/wiretrace-dir")))
            .err()
            .unwrap();
        let message = err.to_string();
        assert!(message.contains("/nonexistent/wiretrace-dir"), "{message}");
        assert!(message.contains("--temp-dir"), "{message}");
    }
}
