//! Vectors of millions of items whose count is not known ahead, built in
//! pieces rather than grown by doubling.
//!
//! A vector grows by moving its items into one twice its size: for that
//! moment both are held, and the sentences of a 250 MB dump (139 MiB at 64
//! bytes each) held twice were where a 550 MiB limit killed its scan (see
//! `benches/HISTORY.md`). So what grows by the million is made in pieces:
//! the records spilled to files are moved there a piece of
//! [`PIECE_BYTES`] at a time ([`crate::records`]), and the verified pairs,
//! made in parallel a piece per thread, are joined by [`concat`] into the
//! one vector the later stages index at its final size, each piece freed
//! once it is moved: besides the final vector, one piece is held twice,
//! and freed pieces the allocator has not yet returned to the system.

/// Bytes of one piece.
pub(crate) const PIECE_BYTES: usize = 16 << 20;

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
    fn pieces_are_joined_in_order_at_their_exact_length() {
        for sizes in [vec![], vec![0], vec![3], vec![2, 0, 5, 1]] {
            let mut next = 0;
            let pieces: Vec<Vec<u32>> = sizes
                .iter()
                .map(|&n| {
                    next += n;
                    (next - n..next).collect()
                })
                .collect();
            let all = concat(pieces);
            assert_eq!(all, (0..next).collect::<Vec<u32>>());
            assert_eq!(all.capacity(), all.len());
        }
    }
}
