//! Work made on the pool's threads a batch at a time and used on one
//! thread in order, the use of each batch overlapping the making of the
//! next.
//!
//! Segmenting, fingerprinting and writing the JSON each make batches in
//! parallel (drafts, profiles, serialized documents) and then write them
//! to a file on one thread, in order, so the output does not depend on the
//! threads' count. Done one after the other, the pool sat idle while one
//! thread wrote.

use std::io;

/// The batch made last, waiting for its turn to be used.
pub(crate) struct Overlap<T> {
    made: Option<T>,
}

impl<T: Send> Overlap<T> {
    pub fn new() -> Overlap<T> {
        Overlap { made: None }
    }

    /// Runs `make` on the pool while this thread hands the batch made
    /// before to `used`. An error from `used` is returned once `make` is
    /// done; the batch `make` made is then kept, and used by the next call
    /// or by [`Overlap::finish`].
    pub fn next(
        &mut self,
        make: impl FnOnce() -> T + Send,
        used: impl FnOnce(T) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut next = None;
        let previous = self.made.take();
        let result = rayon::in_place_scope(|scope| {
            scope.spawn(|_| next = Some(make()));
            previous.map_or(Ok(()), used)
        });
        self.made = next;
        result
    }

    /// Hands the last batch made to `used`.
    pub fn finish(self, used: impl FnOnce(T) -> io::Result<()>) -> io::Result<()> {
        self.made.map_or(Ok(()), used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn batches_are_used_in_order_each_once() {
        let mut overlap = Overlap::new();
        let mut used = Vec::new();
        for batch in (0..100u32).collect::<Vec<_>>().chunks(7) {
            overlap
                .next(
                    || batch.par_iter().map(|x| x * 2).collect::<Vec<_>>(),
                    |made| {
                        used.extend(made);
                        Ok(())
                    },
                )
                .unwrap();
        }
        overlap
            .finish(|made| {
                used.extend(made);
                Ok(())
            })
            .unwrap();
        assert_eq!(used, (0..100u32).map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn an_error_using_a_batch_is_returned() {
        let mut overlap = Overlap::new();
        let fail = |_: u32| Err(io::Error::other("disk full"));
        assert!(overlap.next(|| 1, fail).is_ok(), "nothing was made before");
        let err = overlap.next(|| 2, fail).unwrap_err();
        assert_eq!(err.to_string(), "disk full");
    }
}
