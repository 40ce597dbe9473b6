//! Each LSH tier's sets, one per wording, back to back in a temporary file.
//!
//! LSH reads every set once per group of bands, a dozen times or more (see
//! [`crate::lsh::candidate_pairs`]). Read from the profiles they are part
//! of, each pass read the profiles' whole file (words, shingles, content
//! words, names), and where that file and the heap did not fit in memory
//! together, every pass read it from disk again: under a 1,300 MiB limit
//! the candidates stage of the 1 GB dump took 9 times as long as without
//! one. Copied out once, in wording order, a tier's sets are a fraction of
//! that file, and the passes read only them. (The rewrite tier's sets,
//! content words less the common ones, were held in the heap.)

use std::io;
use std::path::Path;

use crate::spill::{Mapped, Spill};

/// Sets of `u32`s, numbered from 0, in two mapped files: the values, and
/// where each set's values end.
#[derive(Debug, Default)]
pub struct Sets {
    values: Mapped,
    ends: Mapped,
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
        let mut ends = Spill::new(dir, what)?;
        let mut buffer: Vec<u32> = Vec::new();
        for i in 0..count as u32 {
            buffer.clear();
            buffer.extend(set(i));
            values.write(bytemuck::cast_slice(&buffer))?;
            let end = values.written() / size_of::<u32>() as u64;
            ends.write(&end.to_ne_bytes())?;
        }
        Ok(Sets {
            values: values.finish()?,
            ends: ends.finish()?,
        })
    }

    /// Set `i`'s values. Panics when there is no such set, like a slice.
    pub fn get(&self, i: u32) -> &[u32] {
        let ends: &[u64] = words(&self.ends);
        let i = i as usize;
        let start = if i == 0 { 0 } else { ends[i - 1] as usize };
        &words(&self.values)[start..ends[i] as usize]
    }

    /// How many sets there are.
    pub fn len(&self) -> usize {
        words::<u64>(&self.ends).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A mapped file of `T`s written whole, as `T`s. A mapping starts on a page
/// boundary, so it is aligned; an empty file is not mapped at all.
fn words<T: bytemuck::Pod>(mapped: &Mapped) -> &[T] {
    match mapped.bytes() {
        [] => &[],
        bytes => bytemuck::cast_slice(bytes),
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
