//! Sorted, distinct vectors grown in place: LSH's candidate pairs and a
//! family's documents both only ever gain items, and both are large enough
//! that copying them for each addition would cost more than the addition.

/// Merges `new` into `items`; both are sorted and distinct, and so is the
/// result. In place, from the back, so the items so far are never copied
/// into a second vector: on a large dump LSH's pairs are the biggest thing
/// a scan holds.
pub fn merge_into<T: Ord + Copy>(items: &mut Vec<T>, new: &[T]) {
    let old_len = items.len();
    // The new items stand in as filler; every slot is overwritten below.
    items.extend_from_slice(new);
    // Fill from the end: `write` never overtakes the unread old items,
    // because it stays ahead of them by the new items not yet placed.
    let (mut i, mut j, mut write) = (old_len, new.len(), items.len());
    while j > 0 {
        write -= 1;
        if i > 0 && items[i - 1] >= new[j - 1] {
            if items[i - 1] == new[j - 1] {
                j -= 1;
            }
            i -= 1;
            items[write] = items[i];
        } else {
            j -= 1;
            items[write] = new[j];
        }
    }
    // The old items before `i` are already in place; duplicates left a gap
    // of `write - i` slots between them and the merged tail.
    let gap = write - i;
    if gap > 0 {
        items.copy_within(write.., i);
        items.truncate(items.len() - gap);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn merging_keeps_each_item_once_in_order() {
        let mut pairs = vec![(0, 1), (0, 3), (2, 5)];
        merge_into(&mut pairs, &[(0, 2), (0, 3), (4, 5)]);
        assert_eq!(pairs, [(0, 1), (0, 2), (0, 3), (2, 5), (4, 5)]);
        let mut empty = Vec::new();
        merge_into(&mut empty, &[(1, 2)]);
        assert_eq!(empty, [(1, 2)]);
        merge_into(&mut empty, &[]);
        assert_eq!(empty, [(1, 2)]);
    }

    proptest! {
        #[test]
        fn merging_in_place_is_the_sorted_union(
            a in proptest::collection::btree_set((0u32..20, 0u32..20), 0..60),
            b in proptest::collection::btree_set((0u32..20, 0u32..20), 0..60),
        ) {
            let mut pairs: Vec<(u32, u32)> = a.iter().copied().collect();
            let new: Vec<(u32, u32)> = b.iter().copied().collect();
            merge_into(&mut pairs, &new);
            let union: Vec<(u32, u32)> = a.union(&b).copied().collect();
            prop_assert_eq!(pairs, union);
        }

        #[test]
        fn merging_single_values_is_the_sorted_union(
            a in proptest::collection::btree_set(0u32..50, 0..40),
            b in proptest::collection::btree_set(0u32..50, 0..40),
        ) {
            let mut docs: Vec<u32> = a.iter().copied().collect();
            let new: Vec<u32> = b.iter().copied().collect();
            merge_into(&mut docs, &new);
            let union: Vec<u32> = a.union(&b).copied().collect();
            prop_assert_eq!(docs, union);
        }
    }
}
