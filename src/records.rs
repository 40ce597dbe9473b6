//! Fixed-size records kept in a temporary file, read and changed in place.
//!
//! A scan's sentence records are one per sentence, tens of bytes each:
//! the largest thing its heap held (98 MiB of 444 MiB at its peak on a
//! 200 MB dump), and they grow with the dump. Unlike the texts and the
//! profiles ([`crate::spill`]), they change after they are made, when the
//! sentences are labelled. So they are pushed into a [`RecordSpill`], which
//! holds one piece of them in the heap and moves each full piece into an
//! unnamed temporary file, and read and changed through a shared mapping
//! of the whole file, [`Records`]: pages of the file's cache, which the
//! kernel writes back and drops when memory runs short, where the heap's
//! pages must stay. [`Records::write_to_disk`] makes the changed pages
//! clean again at once, so that they can be dropped without waiting to be
//! written.
//!
//! Records are moved into the file by value, never as bytes (a record's
//! padding is not bytes Rust may read), and only types that own nothing
//! outside themselves (no `Drop`) can be spilled, since the file is freed
//! without dropping its records.

use std::fmt;
use std::fs::File;
use std::marker::PhantomData;
use std::mem::{needs_drop, size_of};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::{io, ptr};

use memmap2::{MmapMut, MmapOptions};

use crate::spill::spill_error;

/// Bytes of the records a [`RecordSpill`] holds before moving them into
/// its file. A vector of millions of records grown by doubling would hold
/// its old and new buffers at once each time it grows (the sentences of a
/// 250 MB dump held twice were where a 550 MiB limit killed its scan: see
/// `benches/HISTORY.md`); pieces of a fixed size are never copied.
const PIECE_BYTES: usize = 16 << 20;

/// Records pushed one at a time into a temporary file.
pub struct RecordSpill<T> {
    file: File,
    /// The records not yet moved into the file.
    piece: Vec<T>,
    /// Records in the file.
    in_file: usize,
    /// Where the file is, for error messages.
    dir: PathBuf,
    /// What is spilled, for error messages ("sentence records").
    what: &'static str,
}

impl<T> RecordSpill<T> {
    /// Records in a piece: moved into the file at once.
    const PIECE: usize = if size_of::<T>() == 0 {
        1
    } else {
        PIECE_BYTES / size_of::<T>()
    };

    /// A spill of `what` into `dir`, or the system's temporary directory
    /// (`TMPDIR`).
    pub fn new(dir: Option<&Path>, what: &'static str) -> io::Result<RecordSpill<T>> {
        const {
            assert!(
                !needs_drop::<T>(),
                "records are freed with their file, without being dropped"
            )
        };
        let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let file = tempfile::tempfile_in(&dir).map_err(|e| spill_error(&dir, what, e))?;
        Ok(RecordSpill {
            file,
            piece: Vec::new(),
            in_file: 0,
            dir,
            what,
        })
    }

    pub fn push(&mut self, record: T) -> io::Result<()> {
        if self.piece.capacity() == 0 {
            self.piece.reserve_exact(Self::PIECE);
        }
        self.piece.push(record);
        if self.piece.len() == Self::PIECE {
            self.move_piece()?;
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.in_file + self.piece.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves the piece's records to the end of the file, written to disk:
    /// a dump's records, all dirty pages until the scan's end, would sit
    /// in memory that cannot be dropped (see [`crate::spill::Spill`]).
    fn move_piece(&mut self) -> io::Result<()> {
        if self.piece.is_empty() || size_of::<T>() == 0 {
            self.in_file += self.piece.len();
            self.piece.clear();
            return Ok(());
        }
        let error = |e| spill_error(&self.dir, self.what, e);
        let start = (self.in_file * size_of::<T>()) as u64;
        let bytes = self.piece.len() * size_of::<T>();
        self.file.set_len(start + bytes as u64).map_err(error)?;
        // SAFETY: the file is unnamed and this process's alone (see
        // `spill`), and this range of it is mapped nowhere else.
        let mut map = unsafe {
            MmapOptions::new()
                .offset(start)
                .len(bytes)
                .map_mut(&self.file)
        }
        .map_err(error)?;
        let to = map.as_mut_ptr().cast::<T>();
        assert!(
            to.is_aligned(),
            "a record's offset is a multiple of its size"
        );
        // SAFETY: the mapping is `bytes` long, room for the piece's records,
        // and aligned for them (checked above). The records are moved: the
        // piece forgets them below.
        unsafe { ptr::copy_nonoverlapping(self.piece.as_ptr(), to, self.piece.len()) };
        // SAFETY: the records were moved into the file, and have no `Drop`.
        unsafe { self.piece.set_len(0) };
        map.flush().map_err(error)?;
        self.in_file += bytes / size_of::<T>();
        Ok(())
    }

    /// The records pushed, in order, for reading and changing.
    pub fn finish(mut self) -> io::Result<Records<T>> {
        self.move_piece()?;
        let len = self.in_file;
        if len == 0 || size_of::<T>() == 0 {
            return Ok(Records::empty(len, self.what));
        }
        // SAFETY: as in `move_piece`; the pieces' mappings are gone.
        let map = unsafe { MmapMut::map_mut(&self.file) }
            .map_err(|e| spill_error(&self.dir, self.what, e))?;
        Ok(Records {
            map: Some(map),
            len,
            what: self.what,
            of: PhantomData,
        })
    }
}

/// The records of a finished [`RecordSpill`], a slice of them mapped from
/// its file.
pub struct Records<T> {
    /// `None` when there are none (an empty file cannot be mapped) or
    /// they take no room.
    map: Option<MmapMut>,
    len: usize,
    /// What the records are, for error messages.
    what: &'static str,
    of: PhantomData<T>,
}

impl<T: Copy> Records<T> {
    /// `n` records, each `value`, in a temporary file in `dir` (as
    /// [`RecordSpill::new`]): for records set one by one later, in any
    /// order, which a [`RecordSpill`] cannot take.
    pub fn filled(
        n: usize,
        value: T,
        dir: Option<&Path>,
        what: &'static str,
    ) -> io::Result<Records<T>> {
        let mut spill = RecordSpill::new(dir, what)?;
        for _ in 0..n {
            spill.push(value)?;
        }
        spill.finish()
    }
}

impl<T> Records<T> {
    fn empty(len: usize, what: &'static str) -> Records<T> {
        Records {
            map: None,
            len,
            what,
            of: PhantomData,
        }
    }

    /// As [`crate::spill::Mapped::expect_random_reads`].
    pub fn expect_random_reads(&self) {
        #[cfg(unix)]
        if let Some(map) = &self.map {
            let _ = map.advise(memmap2::Advice::Random);
        }
    }

    /// Writes the changed records to disk and waits for it, so that their
    /// pages can be dropped when memory runs short: call it after changing
    /// many of them.
    pub fn write_to_disk(&self) -> io::Result<()> {
        match &self.map {
            Some(map) => map.flush().map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("writing the {} to their temporary file: {e}", self.what),
                )
            }),
            None => Ok(()),
        }
    }
}

impl<T> Default for Records<T> {
    fn default() -> Records<T> {
        Records::empty(0, "records")
    }
}

impl<T> Deref for Records<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.map {
            // SAFETY: the mapping holds `len` records, each moved there
            // whole by `RecordSpill`, aligned (it starts on a page), and
            // changed only through `&mut self`.
            Some(map) => unsafe { std::slice::from_raw_parts(map.as_ptr().cast::<T>(), self.len) },
            None => empty_slice(self.len),
        }
    }
}

impl<T> DerefMut for Records<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.map {
            // SAFETY: as in `deref`, borrowed mutably once.
            Some(map) => unsafe {
                std::slice::from_raw_parts_mut(map.as_mut_ptr().cast::<T>(), self.len)
            },
            None => empty_slice_mut(self.len),
        }
    }
}

/// No records, or `len` records of a type that takes no room.
fn empty_slice<'a, T>(len: usize) -> &'a [T] {
    debug_assert!(len == 0 || size_of::<T>() == 0);
    // SAFETY: zero bytes are read from a dangling, aligned pointer.
    unsafe { std::slice::from_raw_parts(ptr::NonNull::dangling().as_ptr(), len) }
}

fn empty_slice_mut<'a, T>(len: usize) -> &'a mut [T] {
    debug_assert!(len == 0 || size_of::<T>() == 0);
    // SAFETY: as in `empty_slice`.
    unsafe { std::slice::from_raw_parts_mut(ptr::NonNull::dangling().as_ptr(), len) }
}

impl<T: fmt::Debug> fmt::Debug for Records<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A record with padding and a niche, as a sentence's is.
    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Padded {
        a: u32,
        b: Option<u64>,
        c: bool,
    }

    proptest! {
        /// Records read back in order across pieces, and keep changes.
        #[test]
        fn records_read_back_as_pushed_and_keep_changes(
            records in prop::collection::vec((any::<u32>(), any::<Option<u64>>(), any::<bool>()), 0..40),
        ) {
            let records: Vec<Padded> = records.into_iter().map(|(a, b, c)| Padded { a, b, c }).collect();
            let mut spill = RecordSpill::new(None, "test records").unwrap();
            for r in &records {
                spill.push(*r).unwrap();
            }
            prop_assert_eq!(spill.len(), records.len());
            let mut spilled = spill.finish().unwrap();
            prop_assert_eq!(&spilled[..], records.as_slice());
            for r in spilled.iter_mut() {
                r.c = !r.c;
            }
            spilled.write_to_disk().unwrap();
            let changed: Vec<Padded> = records.iter().map(|r| Padded { c: !r.c, ..*r }).collect();
            prop_assert_eq!(&spilled[..], changed.as_slice());
        }
    }

    #[test]
    fn records_cross_pieces_in_order() {
        // Records of 12,004 bytes make pieces of 1,397, which end inside a
        // page of the file, as a sentence's 56 bytes do; three pieces and
        // a part.
        type Record = [u32; 3001];
        let mut spill = RecordSpill::new(None, "test records").unwrap();
        let n = 3 * RecordSpill::<Record>::PIECE + 5;
        assert_ne!(
            (RecordSpill::<Record>::PIECE * size_of::<Record>()) % 4096,
            0
        );
        for i in 0..n as u32 {
            spill.push([i; 3001]).unwrap();
        }
        let spilled = spill.finish().unwrap();
        assert_eq!(spilled.len(), n);
        assert!(spilled
            .iter()
            .enumerate()
            .all(|(i, r)| r.iter().all(|&x| x == i as u32)));
    }

    #[test]
    fn filled_records_are_set_in_any_order() {
        let mut numbers = Records::filled(5, 7u32, None, "test records").unwrap();
        assert_eq!(&numbers[..], &[7; 5]);
        for (i, at) in [3usize, 0, 4].into_iter().enumerate() {
            numbers[at] = i as u32;
        }
        numbers.write_to_disk().unwrap();
        assert_eq!(&numbers[..], &[1, 7, 7, 0, 2]);
        assert!(Records::filled(0, 0u8, None, "test records")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn no_records_and_records_of_no_size() {
        let none = RecordSpill::<u64>::new(None, "test records")
            .unwrap()
            .finish()
            .unwrap();
        assert!(none.is_empty());
        none.write_to_disk().unwrap();
        let mut units = RecordSpill::new(None, "test records").unwrap();
        for _ in 0..3 {
            units.push(()).unwrap();
        }
        assert_eq!(units.finish().unwrap().len(), 3);
    }

    #[test]
    fn a_missing_directory_is_named() {
        let message =
            RecordSpill::<u64>::new(Some(Path::new("/nonexistent/wt")), "sentence records")
                .err()
                .unwrap()
                .to_string();
        assert!(
            message.contains("sentence records") && message.contains("/nonexistent/wt"),
            "{message}"
        );
    }
}
