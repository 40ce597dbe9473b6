//! Vectors of millions of items whose count is not known ahead, grown
//! without doubling.
//!
//! A vector grows by moving its items into one twice its size: for that
//! moment both are held, and the sentences of a 250 MB dump (139 MiB at 64
//! bytes each) held twice were where a 550 MiB limit killed its scan (see
//! `benches/HISTORY.md`; the sentences are now spilled, [`crate::records`],
//! and the documents grow here). [`Pieces`] grows by adding a piece
//! instead, and [`concat`] makes the one vector the later stages index at
//! its final size, freeing each piece once it is moved: besides the final
//! vector, one piece is held twice, and freed pieces the allocator has not
//! yet returned to the system.

use std::mem::size_of;

/// Bytes of one piece.
pub(crate) const PIECE_BYTES: usize = 16 << 20;

/// Items pushed one at a time into pieces of [`PIECE_BYTES`].
#[derive(Debug)]
pub struct Pieces<T> {
    full: Vec<Vec<T>>,
    current: Vec<T>,
    len: usize,
}

impl<T> Default for Pieces<T> {
    fn default() -> Self {
        Pieces {
            full: Vec::new(),
            current: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Pieces<T> {
    pub fn push(&mut self, item: T) {
        if self.current.len() == self.current.capacity() {
            let capacity = (PIECE_BYTES / size_of::<T>().max(1)).max(1);
            let full = std::mem::replace(&mut self.current, Vec::with_capacity(capacity));
            if !full.is_empty() {
                self.full.push(full);
            }
        }
        self.current.push(item);
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The last item pushed: a new piece is begun only to push an item.
    pub fn last(&self) -> Option<&T> {
        self.current.last()
    }

    /// The items in order, in one vector of their exact length.
    pub fn into_vec(mut self) -> Vec<T> {
        self.full.push(self.current);
        concat(self.full)
    }
}

/// The pieces' items in one vector, allocated once at its final size, each
/// piece freed as soon as it is moved: at most one piece is held twice.
pub fn concat<T>(pieces: Vec<Vec<T>>) -> Vec<T> {
    let mut all = Vec::with_capacity(pieces.iter().map(Vec::len).sum());
    for mut piece in pieces {
        all.append(&mut piece);
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_keep_every_item_in_order_across_pieces() {
        // Items of 64 KiB make pieces of 256 items, so a few hundred cross
        // pieces without pushing millions.
        const WORDS: usize = 1 << 14;
        for n in [0, 1, 255, 256, 257, 600] {
            let mut pieces = Pieces::default();
            for i in 0..n {
                pieces.push([i as u32; WORDS]);
                assert_eq!(pieces.last().map(|item| item[0]), Some(i as u32));
            }
            assert_eq!((pieces.len(), pieces.is_empty()), (n, n == 0));
            let all = pieces.into_vec();
            assert_eq!((all.len(), all.capacity()), (n, n));
            for (i, item) in all.iter().enumerate() {
                assert_eq!((item[0], item[WORDS - 1]), (i as u32, i as u32));
            }
        }
    }
}
