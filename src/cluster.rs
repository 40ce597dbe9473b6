//! Sentence families: verified pairs linked into groups that make one claim.
//!
//! Plain single-link clustering would glue a whole story together: a
//! rewrite of A shares words with B, B's rewrite with C, and soon "600
//! killed" and "4,700 casualties" are one family. Verbatim links are safe
//! to chain (Jaccard distance obeys the triangle inequality, so two 0.9
//! links keep the ends at least 0.8 alike). Every weaker link may only
//! join two families whose sampled wordings are all related to each other.

use std::collections::HashMap;

use crate::similarity::Reuse;
use crate::sorted::merge_into;
use crate::union_find::UnionFind;

/// A verified pair of sentences from different outlets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub reuse: Reuse,
    pub similarity: f64,
}

/// A group of sentences that make the same claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// Sentence ids, ascending.
    pub members: Vec<u32>,
    /// The weakest reuse that joined it: `Verbatim` means every member is
    /// a copy of every other.
    pub kind: Reuse,
}

/// The families, and the edges that built them.
#[derive(Debug, Clone, Default)]
pub struct Clustering {
    /// Ordered by smallest member, so family ids are stable.
    pub families: Vec<Family>,
    /// Family index per sentence id (`None`: in no family).
    pub family_of: Vec<Option<u32>>,
    /// Edges whose ends ended in the same family.
    pub kept: Vec<Edge>,
}

/// Wordings compared on each side before a non-verbatim link may merge two
/// families.
const MAX_SAMPLE: usize = 6;

/// A family being built, kept at its root.
#[derive(Debug)]
struct Grown {
    /// Members that entered through non-verbatim links (the family's
    /// distinct wordings), capped. A weaker link must relate every sampled
    /// wording on one side to every one on the other: complete linkage on a
    /// bounded sample, so no chain of small steps can walk a family from
    /// one claim to another.
    sample: Vec<u32>,
    /// Its members' documents, sorted. Two different sentences of one
    /// article are two claims (repeats were set aside before matching), so
    /// no link may put them in one family: this is what stops an aggregator
    /// page of snippets from chaining its stories together.
    docs: Vec<u32>,
    /// The weakest reuse that joined it.
    kind: Reuse,
}

/// A family's state borrowed, whether it is grown or a lone sentence.
#[derive(Clone, Copy)]
struct GrownView<'a> {
    sample: &'a [u32],
    docs: &'a [u32],
    kind: Reuse,
}

impl Grown {
    fn view<'a>(
        grown: &'a [Option<Box<Grown>>],
        document: &'a [u32],
        root: &'a u32,
    ) -> GrownView<'a> {
        match &grown[*root as usize] {
            Some(g) => GrownView {
                sample: &g.sample,
                docs: &g.docs,
                kind: g.kind,
            },
            None => GrownView {
                sample: std::slice::from_ref(root),
                docs: std::slice::from_ref(&document[*root as usize]),
                kind: Reuse::Verbatim,
            },
        }
    }
}

/// How many answers of `related` clustering keeps at most.
const MAX_KNOWN: usize = 1 << 20;

/// Clusters the sentences (`document[i]` is sentence `i`'s document) from
/// `edges`. `related(x, y)` is asked whether
/// two sentences are related before a non-verbatim edge may join their
/// families.
pub fn cluster(
    document: &[u32],
    mut edges: Vec<Edge>,
    related: impl Fn(u32, u32) -> bool,
) -> Clustering {
    let n = document.len();
    // Edges are distinct pairs, so the order is total and an unstable sort
    // gives the same order as a stable one, in place: a stable sort's
    // buffer would be half the edges again, the largest thing held here.
    edges.sort_unstable_by(|x, y| {
        x.reuse
            .cmp(&y.reuse)
            .then(y.similarity.total_cmp(&x.similarity))
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let mut sets = UnionFind::new(n);
    // Per root of a set of two or more: what the family knows about
    // itself. A sentence on its own has nothing stored (its sample is
    // itself, its documents its own), so a dump of millions of sentences
    // does not pay two small vectors for each.
    let mut grown: Vec<Option<Box<Grown>>> = Vec::new();
    grown.resize_with(n, || None);
    // Two families that failed to merge are asked about the same sampled
    // pairs again for every further edge between them, so each answer is
    // kept, up to `MAX_KNOWN` of them: then they are forgotten, which only
    // costs asking again, where a map that kept growing would be among the
    // largest things a scan of a large dump holds.
    let mut known: HashMap<(u32, u32), bool> = HashMap::new();
    let mut is_related = |x: u32, y: u32| {
        if known.len() >= MAX_KNOWN {
            known.clear();
        }
        *known.entry((x, y)).or_insert_with(|| related(x, y))
    };
    for e in &edges {
        let (ra, rb) = (sets.find(e.a), sets.find(e.b));
        if ra == rb {
            continue;
        }
        let (ga, gb) = (
            Grown::view(&grown, document, &ra),
            Grown::view(&grown, document, &rb),
        );
        let (small, large) = if ga.docs.len() <= gb.docs.len() {
            (&ga, &gb)
        } else {
            (&gb, &ga)
        };
        if small
            .docs
            .iter()
            .any(|d| large.docs.binary_search(d).is_ok())
        {
            continue;
        }
        let guarded = e.reuse != Reuse::Verbatim;
        if guarded
            && !ga
                .sample
                .iter()
                .all(|&x| gb.sample.iter().all(|&y| is_related(x, y)))
        {
            continue;
        }
        let merged_kind = ga.kind.max(gb.kind).max(e.reuse);
        if let Some(root) = sets.union(ra, rb) {
            // The root's state grows in place: a family of thousands of
            // members takes in lone sentences one at a time, and rebuilding
            // its documents for each would cost the square of its size.
            let other = if root == ra { rb } else { ra };
            let other_state = grown[other as usize].take();
            let (other_sample, other_docs) = match &other_state {
                Some(g) => (g.sample.as_slice(), g.docs.as_slice()),
                None => (
                    std::slice::from_ref(&other),
                    std::slice::from_ref(&document[other as usize]),
                ),
            };
            let state = grown[root as usize].get_or_insert_with(|| {
                Box::new(Grown {
                    sample: vec![root],
                    docs: vec![document[root as usize]],
                    kind: Reuse::Verbatim,
                })
            });
            if guarded {
                for &x in other_sample {
                    if state.sample.len() < MAX_SAMPLE && !state.sample.contains(&x) {
                        state.sample.push(x);
                    }
                }
            }
            // Disjoint: two families that share a document are not merged.
            merge_into(&mut state.docs, other_docs);
            state.kind = merged_kind;
        }
    }

    let mut family_of = vec![None; n];
    let mut families: Vec<Family> = Vec::new();
    let mut index_of_root: Vec<Option<u32>> = vec![None; n];
    for id in 0..n as u32 {
        let root = sets.find(id);
        if sets.set_size(root) < 2 {
            continue;
        }
        let index = *index_of_root[root as usize].get_or_insert_with(|| {
            families.push(Family {
                members: Vec::new(),
                kind: grown[root as usize]
                    .as_ref()
                    .map_or(Reuse::Verbatim, |g| g.kind),
            });
            families.len() as u32 - 1
        });
        families[index as usize].members.push(id);
        family_of[id as usize] = Some(index);
    }
    let kept = edges
        .into_iter()
        .filter(|e| family_of[e.a as usize] == family_of[e.b as usize])
        .collect();
    Clustering {
        families,
        family_of,
        kept,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(a: u32, b: u32, reuse: Reuse) -> Edge {
        Edge {
            a,
            b,
            reuse,
            similarity: 0.5,
        }
    }

    #[test]
    fn verbatim_links_chain() {
        let c = cluster(
            &[0, 1, 2, 3],
            vec![edge(0, 1, Reuse::Verbatim), edge(1, 2, Reuse::Verbatim)],
            |_, _| false,
        );
        assert_eq!(c.families.len(), 1);
        assert_eq!(c.families[0].members, [0, 1, 2]);
        assert_eq!(c.family_of[3], None);
        assert_eq!(c.families[0].kind, Reuse::Verbatim);
    }

    #[test]
    fn rewrite_links_do_not_chain_a_topic_together() {
        // 0~1 and 2~3 are copies; 1~2 is a weak rewrite link between two
        // different claims whose representatives are unrelated.
        let edges = vec![
            edge(0, 1, Reuse::Verbatim),
            edge(2, 3, Reuse::Verbatim),
            edge(1, 2, Reuse::Rewritten),
        ];
        let c = cluster(&[0, 1, 2, 3], edges.clone(), |_, _| false);
        assert_eq!(c.families.len(), 2);
        assert_eq!(c.kept.len(), 2);
        let c = cluster(&[0, 1, 2, 3], edges, |_, _| true);
        assert_eq!(c.families.len(), 1);
        assert_eq!(c.families[0].kind, Reuse::Rewritten);
    }

    #[test]
    fn two_sentences_of_one_document_never_share_a_family() {
        // Sentences 0 and 2 are in document 7; 1 links to both.
        let edges = vec![edge(0, 1, Reuse::Verbatim), edge(1, 2, Reuse::Verbatim)];
        let c = cluster(&[7, 8, 7], edges, |_, _| true);
        assert_eq!(c.families.len(), 1);
        assert_eq!(c.families[0].members, [0, 1]);
        assert_eq!(c.family_of[2], None);
    }

    #[test]
    fn family_order_is_by_smallest_member() {
        let c = cluster(
            &[0, 1, 2, 3, 4, 5],
            vec![edge(4, 5, Reuse::Verbatim), edge(1, 3, Reuse::Verbatim)],
            |_, _| false,
        );
        assert_eq!(c.families[0].members, [1, 3]);
        assert_eq!(c.family_of[5], Some(1));
    }
}
