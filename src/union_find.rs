//! Disjoint sets over dense `u32` ids: the structure families are built in.

/// Union by size with path halving; ids are `0..len`.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub fn new(len: usize) -> UnionFind {
        UnionFind {
            parent: (0..len as u32).collect(),
            size: vec![1; len],
        }
    }

    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// The root of `x`'s set, without shortening paths: for readers that
    /// may not change the structure.
    pub fn root(&self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            x = self.parent[x as usize];
        }
        x
    }

    /// Joins the sets of `a` and `b`; returns the new root, or `None` if
    /// they were already one set.
    pub fn union(&mut self, a: u32, b: u32) -> Option<u32> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return None;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
        Some(big)
    }

    pub fn set_size(&mut self, x: u32) -> u32 {
        let r = self.find(x);
        self.size[r as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Reference: label propagation until nothing changes.
    fn reference_components(n: usize, edges: &[(u32, u32)]) -> Vec<u32> {
        let mut label: Vec<u32> = (0..n as u32).collect();
        loop {
            let mut changed = false;
            for &(a, b) in edges {
                let m = label[a as usize].min(label[b as usize]);
                for x in [a, b] {
                    if label[x as usize] != m {
                        label[x as usize] = m;
                        changed = true;
                    }
                }
            }
            if !changed {
                return label;
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_reference(n in 1usize..60, raw in proptest::collection::vec((0u32..60, 0u32..60), 0..80)) {
            let edges: Vec<(u32, u32)> = raw.into_iter().map(|(a, b)| (a % n as u32, b % n as u32)).collect();
            let mut uf = UnionFind::new(n);
            for &(a, b) in &edges {
                uf.union(a, b);
            }
            let reference = reference_components(n, &edges);
            for a in 0..n as u32 {
                for b in 0..n as u32 {
                    prop_assert_eq!(uf.find(a) == uf.find(b), reference[a as usize] == reference[b as usize]);
                }
            }
        }
    }

    #[test]
    fn union_reports_merges_and_sizes() {
        let mut uf = UnionFind::new(4);
        assert!(uf.union(0, 1).is_some());
        assert!(uf.union(1, 0).is_none());
        uf.union(2, 3);
        uf.union(0, 3);
        assert_eq!(uf.set_size(2), 4);
    }
}
