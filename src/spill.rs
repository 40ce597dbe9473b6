//! Temporary files for what a scan holds long but reads seldom.
//!
//! A scan's sentence texts and their profiles grow with its input, yet
//! after they are made they are only read. So they are written to an
//! unnamed temporary file and mapped into memory: pages the kernel reads
//! in when they are asked for and drops again when memory runs short,
//! instead of memory that must be held. Together they are about 1.7 bytes
//! per byte of article text (403 MiB at 250 MB), which the heap no longer
//! holds. The per-sentence records, which change, are in
//! [`crate::records`].
//!
//! A file is made without a name (or unlinked as soon as it is made, where
//! the file system cannot), so nothing is left on disk however the process
//! ends, and no other program can open it to change it under the mapping.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use memmap2::Mmap;

/// Write buffer of a [`Spill`]: large writes, few system calls.
const WRITE_BUFFER: usize = 1 << 20;

/// Bytes written between two writes to disk (see [`Spill::write`]).
const SYNC_EVERY: u64 = 64 << 20;

/// Bytes written to a temporary file, to be read back as [`Mapped`].
pub struct Spill {
    file: BufWriter<File>,
    written: u64,
    /// `written` when the file was last written to disk.
    synced: u64,
    /// Where the file is, for error messages.
    dir: PathBuf,
    /// What is spilled, for error messages ("sentence texts").
    what: &'static str,
}

impl Spill {
    /// A spill of `what` into `dir`, or the system's temporary directory
    /// (`TMPDIR`).
    pub fn new(dir: Option<&Path>, what: &'static str) -> io::Result<Spill> {
        let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let file = tempfile::tempfile_in(&dir).map_err(|e| spill_error(&dir, what, e))?;
        Ok(Spill {
            file: BufWriter::with_capacity(WRITE_BUFFER, file),
            written: 0,
            synced: 0,
            dir,
            what,
        })
    }

    /// Appends `bytes`. Every [`SYNC_EVERY`] bytes the file is written to
    /// disk, for the reason [`Spill::finish`] gives: a spill as large as
    /// the input, all dirty pages until it is finished, would otherwise
    /// sit in memory that cannot be reclaimed while it is written.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.file
            .write_all(bytes)
            .map_err(|e| spill_error(&self.dir, self.what, e))?;
        self.written += bytes.len() as u64;
        if self.written - self.synced >= SYNC_EVERY {
            self.synced = self.written;
            self.file
                .flush()
                .and_then(|()| self.file.get_ref().sync_data())
                .map_err(|e| spill_error(&self.dir, self.what, e))?;
        }
        Ok(())
    }

    /// How many bytes were written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The bytes written, for reading.
    pub fn finish(self) -> io::Result<Mapped> {
        let (dir, what) = (self.dir, self.what);
        let file = self
            .file
            .into_inner()
            .map_err(|e| spill_error(&dir, what, e.into_error()))?;
        // Written to disk before mapping: dirty pages cannot be dropped
        // when memory runs short (a memory cgroup's reclaim does not write
        // them back, and kills the process instead), clean ones can.
        file.sync_data().map_err(|e| spill_error(&dir, what, e))?;
        if self.written == 0 {
            return Ok(Mapped(None));
        }
        // SAFETY: the file is unnamed and this process's alone, so no one
        // else can change or shorten it while it is mapped.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| spill_error(&dir, what, e))?;
        Ok(Mapped(Some(map)))
    }
}

impl Spill {
    /// [`Spill::finish`] for text written only as whole `&str`s: checked to
    /// be UTF-8 once here, so that readers can take any piece that starts
    /// and ends where a written `&str` did without checking it again.
    pub fn finish_text(self) -> io::Result<Mapped> {
        let what = self.what;
        let mapped = self.finish()?;
        if let Err(e) = std::str::from_utf8(mapped.bytes()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("the spilled {what} read back as invalid UTF-8: {e}"),
            ));
        }
        Ok(mapped)
    }
}

/// The bytes of a finished [`Spill`], mapped. `None` when there are none:
/// an empty file cannot be mapped.
#[derive(Debug, Default)]
pub struct Mapped(Option<Mmap>);

impl Mapped {
    /// The bytes; they start on a page boundary, so they can be read as
    /// any plain type's values that were written whole.
    pub fn bytes(&self) -> &[u8] {
        self.0.as_deref().unwrap_or_default()
    }

    /// Tells the kernel the bytes will be read here and there, not in
    /// order: a page missing from memory is then read alone, not with the
    /// pages around it, which would push out pages still wanted. Only a hint,
    /// so where it cannot be given nothing changes.
    pub fn expect_random_reads(&self) {
        #[cfg(unix)]
        if let Some(map) = &self.0 {
            let _ = map.advise(memmap2::Advice::Random);
        }
    }

    /// Undoes [`Mapped::expect_random_reads`]: the kernel reads ahead again.
    pub fn expect_reads_in_order(&self) {
        #[cfg(unix)]
        if let Some(map) = &self.0 {
            let _ = map.advise(memmap2::Advice::Normal);
        }
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

pub(crate) fn spill_error(dir: &Path, what: &str, e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!(
            "spilling {what} to a temporary file in {} (choose another with --temp-dir): {e}",
            dir.display()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let err = Spill::new(
            Some(Path::new("/nonexistent/wiretrace-dir")),
            "sentence texts",
        )
        .err()
        .unwrap();
        let message = err.to_string();
        assert!(message.contains("sentence texts"), "{message}");
        assert!(message.contains("/nonexistent/wiretrace-dir"), "{message}");
        assert!(message.contains("--temp-dir"), "{message}");
    }

    #[test]
    fn text_is_checked_once_finished() {
        let mut spill = Spill::new(None, "test texts").unwrap();
        spill.write("caf\u{e9}".as_bytes()).unwrap();
        assert_eq!(spill.finish_text().unwrap().bytes(), "caf\u{e9}".as_bytes());
        let mut spill = Spill::new(None, "test texts").unwrap();
        spill.write(b"caf\xe9").unwrap();
        let message = spill.finish_text().unwrap_err().to_string();
        assert!(
            message.contains("test texts") && message.contains("UTF-8"),
            "{message}"
        );
    }

    #[test]
    fn bytes_read_back_as_written() {
        let mut spill = Spill::new(None, "test bytes").unwrap();
        spill.write(b"abc").unwrap();
        spill.write(b"").unwrap();
        spill.write(&[0, 255]).unwrap();
        assert_eq!(spill.written(), 5);
        assert_eq!(spill.finish().unwrap().bytes(), b"abc\0\xff");
        let empty = Spill::new(None, "test bytes").unwrap().finish().unwrap();
        assert!(empty.bytes().is_empty());
    }
}
