//! Each LSH tier's sets, one per wording, back to back in a temporary file.
//!
//! LSH reads every set once per group of bands, a dozen times or more (see
//! [`crate::lsh::candidate_pairs`]). Read from the profiles they are part
//! of, each pass read the profiles' whole file (words, shingles, content
//! words, names), and where that file and the heap did not fit in memory
//! together, every pass read it from disk again: under a 1,300 MiB limit
//! the candidates stage of the 1 GB dump took 6 to 9 times as long as
//! without one (59 s with the sets copied out, 4 times). Copied out once, in wording order, a tier's sets are a fraction of
//! that file, and the passes read only them. (The rewrite tier's sets,
//! content words less the common ones, were held in the heap.)

use std::io;
use std::path::Path;

use crate::records::{RecordSpill, Records};
use crate::spill::{Mapped, Spill};

/// Sets of `u32`s, numbered from 0, in temporary files: the values back to
/// back, and where each set's values end (as [`crate::texts::Texts`] keeps
/// texts).
#[derive(Debug, Default)]
pub struct Sets {
    /// Where each set ends in `values`, in `u32`s; set `i` starts where
    /// `i - 1` ends.
    ends: Records<u64>,
    values: Mapped,
}

impl Sets {
    /// Sets `0..count`, `set(i)` giving set `i`'s values, spilled to `dir`
    /// (as [`Spill::new`]); `what` names them in errors.
    pub fn of<S: IntoIterator<Item = u32>>(
        count: usize,
        set: impl Fn(u32) -> S,
        dir: Option<&Path>,
        what: &'static str,
    ) -> io::Result<Sets> {
        let mut values = Spill::new(dir, what)?;
        let mut ends = RecordSpill::new(dir, what)?;
        let mut buffer: Vec<u32> = Vec::new();
        for i in 0..count as u32 {
            buffer.clear();
            buffer.extend(set(i));
            values.write(bytemuck::cast_slice(&buffer))?;
            ends.push(values.written() / size_of::<u32>() as u64)?;
        }
        Ok(Sets {
            ends: ends.finish()?,
            values: values.finish()?,
        })
    }

    /// Set `i`'s values. Panics when there is no such set, like a slice.
    pub fn get(&self, i: u32) -> &[u32] {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        // A mapping starts on a page boundary, so the values are aligned;
        // an empty file is not mapped at all.
        let values: &[u32] = match self.values.bytes() {
            [] => &[],
            bytes => bytemuck::cast_slice(bytes),
        };
        &values[start..self.ends[i] as usize]
    }

    /// How many sets there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sets_read_back_as_given(
            given in proptest::collection::vec(proptest::collection::vec(any::<u32>(), 0..20), 0..50),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let sets = Sets::of(given.len(), |i| given[i as usize].clone(), Some(dir.path()), "sets").unwrap();
            prop_assert_eq!(sets.len(), given.len());
            for (i, set) in given.iter().enumerate() {
                prop_assert_eq!(sets.get(i as u32), &set[..]);
            }
        }
    }

    #[test]
    fn no_sets_or_only_empty_ones() {
        let sets = Sets::of(0, |_| [], None, "sets").unwrap();
        assert!(sets.is_empty());
        let sets = Sets::of(3, |_| [], None, "sets").unwrap();
        assert_eq!(sets.len(), 3);
        assert_eq!(sets.get(2), &[] as &[u32]);
    }
}
