//! Sentence families: verified pairs linked into groups that make one claim.
//!
//! Plain single-link clustering would glue a whole story together: a
//! rewrite of A shares words with B, B's rewrite with C, and soon "600
//! killed" and "4,700 casualties" are one family. Verbatim links are safe
//! to chain (Jaccard distance obeys the triangle inequality, so two 0.9
//! links keep the ends at least 0.8 alike). Every weaker link may only
//! join two families whose sampled wordings are all related to each other.

use std::collections::HashMap;

use foldhash::fast::FixedState;

use rayon::prelude::*;

use crate::similarity::Reuse;
use crate::sorted::merge_into;
use crate::union_find::UnionFind;

/// A verified pair of sentences from different outlets, and how strong a
/// link it is.
///
/// A large dump has millions of edges, the largest thing a scan holds when
/// it starts clustering, so the kind of reuse and the similarity share one
/// `u64`: 16 bytes an edge, not 24. A similarity is at most 1, and the two
/// top bits of an `f64` from 0 up to 2 are zero, so the kind takes them
/// and the similarity's other bits are kept whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    /// The kind in the top two bits, then the similarity's bits inverted,
    /// so that strengths sort as edges are taken: copies, then edits, then
    /// rewrites; the closest first.
    strength: u64,
}

/// The bits of an `f64` from 0 up to 2.
const SIMILARITY_BITS: u64 = (1 << 62) - 1;

impl Edge {
    /// Panics unless `0 <= similarity < 2` (similarities are from 0 to 1).
    pub fn new(a: u32, b: u32, reuse: Reuse, similarity: f64) -> Edge {
        let bits = similarity.to_bits();
        assert!(
            bits & !SIMILARITY_BITS == 0,
            "a similarity from 0 up to 2, not {similarity}"
        );
        Edge {
            a,
            b,
            strength: (reuse as u64) << 62 | (!bits & SIMILARITY_BITS),
        }
    }

    pub fn reuse(&self) -> Reuse {
        match self.strength >> 62 {
            0 => Reuse::Verbatim,
            1 => Reuse::Edited,
            _ => Reuse::Rewritten,
        }
    }

    pub fn similarity(&self) -> f64 {
        f64::from_bits(!self.strength & SIMILARITY_BITS)
    }
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

impl Grown {
    fn view(&self) -> GrownView<'_> {
        GrownView {
            sample: &self.sample,
            docs: &self.docs,
            kind: self.kind,
        }
    }
}

/// A family's state borrowed, whether it is grown or a lone sentence.
#[derive(Clone, Copy)]
struct GrownView<'a> {
    sample: &'a [u32],
    docs: &'a [u32],
    kind: Reuse,
}

impl<'a> GrownView<'a> {
    /// Two families that share a document are never merged.
    fn shares_document(&self, other: &GrownView) -> bool {
        let (small, large) = if self.docs.len() <= other.docs.len() {
            (self, other)
        } else {
            (other, self)
        };
        small
            .docs
            .iter()
            .any(|d| large.docs.binary_search(d).is_ok())
    }

    /// A lone sentence's state: its sample is itself, its documents its
    /// own (`document[id]`).
    fn lone(id: &'a u32, document: &'a [u32]) -> GrownView<'a> {
        GrownView {
            sample: std::slice::from_ref(id),
            docs: std::slice::from_ref(&document[*id as usize]),
            kind: Reuse::Verbatim,
        }
    }

    /// The pairs of sampled wordings a non-verbatim merge must find
    /// related, in the order it asks them.
    fn sampled_pairs<'b>(&'b self, other: &'b GrownView) -> impl Iterator<Item = (u32, u32)> + 'b {
        self.sample
            .iter()
            .flat_map(|&x| other.sample.iter().map(move |&y| (x, y)))
    }

    /// The first pair of [`GrownView::sampled_pairs`], from the `from`th,
    /// whose relation is not in `known`, with its position; `None` when
    /// the answers in `known` settle the merge.
    fn first_unknown(
        &self,
        other: &GrownView,
        from: usize,
        known: &Memo,
    ) -> Option<(usize, (u32, u32))> {
        for (at, pair) in self.sampled_pairs(other).enumerate().skip(from) {
            match known.get(&pair) {
                Some(true) => {}
                Some(false) => return None,
                None => return Some((at, pair)),
            }
        }
        None
    }
}

/// How many answers of `related` one component's clustering keeps at most.
const MAX_KNOWN: usize = 1 << 20;

/// Answers of `related` by sentence pair. Looked up for every sampled
/// pair of every merge, so hashed with foldhash, not SipHash: the keys are
/// our own ids, not input an attacker could choose.
type Memo = HashMap<(u32, u32), bool, FixedState>;

/// How a large component asks `related` ahead of need, on all threads
/// (see [`Component::ask_ahead`]).
#[derive(Clone, Copy)]
struct AskAhead {
    /// Edges per round; a component of no more edges asks nothing ahead.
    round: usize,
    /// A wave of fewer questions is left to be asked as the edges are taken.
    min_questions: usize,
}

impl AskAhead {
    const DEFAULT: AskAhead = AskAhead {
        round: 1 << 12,
        min_questions: 64,
    };
}

/// Clusters the sentences (`document[i]` is sentence `i`'s document) from
/// `edges`. `related(x, y)` is asked whether
/// two sentences are related before a non-verbatim edge may join their
/// families. `advance(n)` is told as each `n` more edges have been taken.
///
/// Edges are taken strongest first, as one sequence. But a merge only reads
/// and changes the state of the two families it joins, so the connected
/// components of the edge graph are clustered apart, in parallel, each
/// taking its edges in that same order, with the same result.
pub fn cluster(
    document: &[u32],
    edges: Vec<Edge>,
    related: impl Fn(u32, u32) -> bool + Sync,
    advance: impl Fn(u64) + Sync,
) -> Clustering {
    cluster_asking(document, edges, related, advance, AskAhead::DEFAULT)
}

fn cluster_asking(
    document: &[u32],
    mut edges: Vec<Edge>,
    related: impl Fn(u32, u32) -> bool + Sync,
    advance: impl Fn(u64) + Sync,
    ask: AskAhead,
) -> Clustering {
    let n = document.len();
    let component = components(n, &edges);
    // Edges are distinct pairs, so the order is total and an unstable sort
    // gives the same order as a stable one, in place: a stable sort's
    // buffer would be half the edges again, the largest thing held here.
    edges.par_sort_unstable_by(|x, y| {
        component[x.a as usize]
            .cmp(&component[y.a as usize])
            .then(strongest_first(x, y))
    });
    let mut parts: Vec<&[Edge]> = edges
        .chunk_by(|x, y| component[x.a as usize] == component[y.a as usize])
        .collect();
    drop(component);
    // The largest first, so that none is left to run alone at the end.
    parts.sort_by_key(|part| std::cmp::Reverse(part.len()));
    let grouped: Vec<Vec<Grouped>> = parts
        .par_iter()
        .map(|part| Component::new(document, part).cluster(part, ask, &related, &advance))
        .collect();
    drop(parts);
    assemble(n, grouped, edges)
}

/// The families, numbered by smallest member, from each component's.
///
/// A sentence's family is its members' to know: a family index per
/// sentence, 8 bytes each, was the largest thing held here beside the
/// edges, near the largest moment of a 1 GB dump's scan.
fn assemble(n: usize, grouped: Vec<Vec<Grouped>>, edges: Vec<Edge>) -> Clustering {
    let mut root_of: Vec<u32> = vec![NO_ROOT; n];
    let mut kind_of: Vec<Reuse> = vec![Reuse::Verbatim; n];
    for g in grouped.into_iter().flatten() {
        root_of[g.member as usize] = g.root;
        kind_of[g.root as usize] = g.kind;
    }
    let kept = edges
        .into_iter()
        .filter(|e| root_of[e.a as usize] == root_of[e.b as usize])
        .collect();
    let mut families: Vec<Family> = Vec::new();
    let mut index_of_root: Vec<u32> = vec![NO_ROOT; n];
    for id in 0..n as u32 {
        let root = root_of[id as usize];
        if root == NO_ROOT {
            continue;
        }
        let index = &mut index_of_root[root as usize];
        if *index == NO_ROOT {
            *index = families.len() as u32;
            families.push(Family {
                members: Vec::new(),
                kind: kind_of[root as usize],
            });
        }
        families[*index as usize].members.push(id);
    }
    Clustering { families, kept }
}

/// In no family, in [`assemble`].
const NO_ROOT: u32 = u32::MAX;

/// The order edges are taken in: copies, then edits, then rewrites; the
/// closest first; ties by ids.
fn strongest_first(x: &Edge, y: &Edge) -> std::cmp::Ordering {
    x.strength
        .cmp(&y.strength)
        .then((x.a, x.b).cmp(&(y.a, y.b)))
}

/// Each sentence's connected component in the graph of `edges`, named by
/// its smallest sentence id.
fn components(n: usize, edges: &[Edge]) -> Vec<u32> {
    let mut sets = UnionFind::new(n);
    for e in edges {
        sets.union(e.a, e.b);
    }
    let mut smallest = vec![u32::MAX; n];
    (0..n as u32)
        .map(|id| {
            let root = sets.find(id) as usize;
            if smallest[root] == u32::MAX {
                smallest[root] = id;
            }
            smallest[root]
        })
        .collect()
}

/// A sentence that ended in a family, with the family's root (a sentence
/// id) and kind.
struct Grouped {
    member: u32,
    root: u32,
    kind: Reuse,
}

/// The families being built from one component's edges.
struct Component<'a> {
    document: &'a [u32],
    /// The sentences the edges touch, ascending: a sentence's local number
    /// is its index here, so union by size breaks its ties as it would
    /// over all ids.
    vertices: Vec<u32>,
    sets: UnionFind,
    /// Per local root of a set of two or more: what the family knows about
    /// itself. A sentence on its own has nothing stored (its sample is
    /// itself, its documents its own), so a component of thousands of
    /// sentences does not pay two small vectors for each.
    grown: Vec<Option<Box<Grown>>>,
}

impl<'a> Component<'a> {
    fn new(document: &'a [u32], edges: &[Edge]) -> Component<'a> {
        let mut vertices: Vec<u32> = edges.iter().flat_map(|e| [e.a, e.b]).collect();
        vertices.sort_unstable();
        vertices.dedup();
        let mut grown = Vec::new();
        grown.resize_with(vertices.len(), || None);
        Component {
            document,
            sets: UnionFind::new(vertices.len()),
            vertices,
            grown,
        }
    }

    fn local(&self, id: u32) -> u32 {
        self.vertices
            .binary_search(&id)
            .expect("an edge's end is a vertex") as u32
    }

    /// The state of the family at local `root`.
    fn view(&self, root: u32) -> GrownView<'_> {
        match &self.grown[root as usize] {
            Some(g) => g.view(),
            None => GrownView::lone(&self.vertices[root as usize], self.document),
        }
    }

    /// Takes `edges`, ordered, and returns the sentences that ended in a
    /// family.
    fn cluster(
        mut self,
        edges: &[Edge],
        ask: AskAhead,
        related: &(impl Fn(u32, u32) -> bool + Sync),
        advance: impl Fn(u64),
    ) -> Vec<Grouped> {
        // Two families that failed to merge are asked about the same sampled
        // pairs again for every further edge between them, so each answer is
        // kept, up to about `MAX_KNOWN` of them: then they are forgotten,
        // which only costs asking again, where a map that kept growing would
        // be among the largest things a scan of a large dump holds.
        let mut known: Memo = Memo::default();
        for round in edges.chunks(ask.round) {
            if known.len() >= MAX_KNOWN {
                known.clear();
            }
            if edges.len() > ask.round {
                self.ask_ahead(round, ask.min_questions, &mut known, related);
            }
            for e in round {
                self.take(e, &mut known, related);
            }
            advance(round.len() as u64);
        }
        (0..self.vertices.len() as u32)
            .filter_map(|v| {
                let root = self.sets.find(v);
                (self.sets.set_size(root) >= 2).then(|| Grouped {
                    member: self.vertices[v as usize],
                    root: self.vertices[root as usize],
                    kind: self.view(root).kind,
                })
            })
            .collect()
    }

    /// Merges the families of `e`'s ends if `e` may join them.
    fn take(&mut self, e: &Edge, known: &mut Memo, related: impl Fn(u32, u32) -> bool) {
        let (ra, rb) = (
            self.sets.find(self.local(e.a)),
            self.sets.find(self.local(e.b)),
        );
        if ra == rb {
            return;
        }
        let (ga, gb) = (self.view(ra), self.view(rb));
        if ga.shares_document(&gb) {
            return;
        }
        let guarded = e.reuse() != Reuse::Verbatim;
        if guarded
            && !ga
                .sampled_pairs(&gb)
                .all(|(x, y)| *known.entry((x, y)).or_insert_with(|| related(x, y)))
        {
            return;
        }
        let merged_kind = ga.kind.max(gb.kind).max(e.reuse());
        let Some(root) = self.sets.union(ra, rb) else {
            return;
        };
        // The root's state grows in place: a family of thousands of
        // members takes in lone sentences one at a time, and rebuilding its
        // documents for each would cost the square of its size.
        let other = if root == ra { rb } else { ra };
        let other_state = self.grown[other as usize].take();
        let other_view = match &other_state {
            Some(g) => g.view(),
            None => GrownView::lone(&self.vertices[other as usize], self.document),
        };
        let root_id = self.vertices[root as usize];
        let document = self.document;
        let state = self.grown[root as usize].get_or_insert_with(|| {
            Box::new(Grown {
                sample: vec![root_id],
                docs: vec![document[root_id as usize]],
                kind: Reuse::Verbatim,
            })
        });
        if guarded {
            for &x in other_view.sample {
                if state.sample.len() < MAX_SAMPLE && !state.sample.contains(&x) {
                    state.sample.push(x);
                }
            }
        }
        // Disjoint: two families that share a document are not merged.
        merge_into(&mut state.docs, other_view.docs);
        state.kind = merged_kind;
    }

    /// Asks `related`, on all threads, what the guarded edges of `round`
    /// would ask if the families stayed as they are now. Taking the edges
    /// one by one then finds most answers in `known`, and asks only where
    /// an earlier merge of the round changed a family. The questions come
    /// in waves, each edge's next one only once the last was answered yes,
    /// as taking the edge would ask them: a refused merge asks little.
    fn ask_ahead(
        &self,
        round: &[Edge],
        min_questions: usize,
        known: &mut Memo,
        related: &(impl Fn(u32, u32) -> bool + Sync),
    ) {
        // Each guarded edge that could merge two families now, with how far
        // through their sampled pairs its questions have got.
        let mut pending: Vec<(GrownView, GrownView, usize)> = round
            .iter()
            .filter(|e| e.reuse() != Reuse::Verbatim)
            .filter_map(|e| {
                let (ra, rb) = (
                    self.sets.root(self.local(e.a)),
                    self.sets.root(self.local(e.b)),
                );
                let (ga, gb) = (self.view(ra), self.view(rb));
                (ra != rb && !ga.shares_document(&gb)).then_some((ga, gb, 0))
            })
            .collect();
        loop {
            let mut questions = Vec::new();
            pending.retain_mut(|(ga, gb, next)| match ga.first_unknown(gb, *next, known) {
                Some((at, question)) => {
                    *next = at;
                    questions.push(question);
                    true
                }
                None => false,
            });
            questions.sort_unstable();
            questions.dedup();
            if questions.len() < min_questions.max(1) {
                return;
            }
            let answers: Vec<bool> = questions.par_iter().map(|&(x, y)| related(x, y)).collect();
            known.extend(questions.into_iter().zip(answers));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every edge taken in one sequence over all sentences, nothing asked
    /// ahead: the algorithm as it reads, without the components and waves
    /// that make it parallel.
    fn in_one_sequence(
        document: &[u32],
        mut edges: Vec<Edge>,
        related: impl Fn(u32, u32) -> bool + Sync,
    ) -> Clustering {
        edges.sort_unstable_by(strongest_first);
        let never = AskAhead {
            round: usize::MAX,
            min_questions: 1,
        };
        let grouped =
            vec![Component::new(document, &edges).cluster(&edges, never, &related, |_| {})];
        assemble(document.len(), grouped, edges)
    }

    fn by_ends(mut edges: Vec<Edge>) -> Vec<Edge> {
        edges.sort_unstable_by_key(|e| (e.a, e.b));
        edges
    }

    proptest! {
        #[test]
        fn components_and_questions_asked_ahead_change_nothing(
            document in proptest::collection::vec(0u32..12, 2..40),
            ends in proptest::collection::btree_map((0u32..40, 0u32..40), (0usize..3, 0u32..4), 0..150),
            salt in 0u32..7,
            round in 1usize..6,
        ) {
            let n = document.len() as u32;
            let kinds = [Reuse::Verbatim, Reuse::Edited, Reuse::Rewritten];
            let mut edges: Vec<Edge> = ends
                .into_iter()
                .map(|((a, b), (kind, similarity))| ((a % n).min(b % n), (a % n).max(b % n), kind, similarity))
                .filter(|&(a, b, _, _)| a != b)
                .map(|(a, b, kind, similarity)| Edge::new(a, b, kinds[kind], f64::from(similarity) / 4.0))
                .collect();
            edges.sort_unstable_by_key(|e| (e.a, e.b));
            edges.dedup_by_key(|e| (e.a, e.b));
            let related = |x: u32, y: u32| !(x * 7 + y * 13 + salt).is_multiple_of(5);
            let ask = AskAhead { round, min_questions: 1 };
            let taken = std::sync::atomic::AtomicU64::new(0);
            let count = |n| {
                taken.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            };
            let parallel = cluster_asking(&document, edges.clone(), related, count, ask);
            prop_assert_eq!(taken.into_inner(), edges.len() as u64);
            let reference = in_one_sequence(&document, edges, related);
            prop_assert_eq!(&parallel.families, &reference.families);
            prop_assert_eq!(by_ends(parallel.kept), by_ends(reference.kept));
        }
    }

    fn in_a_family(c: &Clustering, sentence: u32) -> bool {
        c.families.iter().any(|f| f.members.contains(&sentence))
    }

    fn edge(a: u32, b: u32, reuse: Reuse) -> Edge {
        Edge::new(a, b, reuse, 0.5)
    }

    proptest! {
        /// The strength sorts as the kind, then the similarity downwards,
        /// and gives both back whole.
        #[test]
        fn strengths_sort_as_kind_then_similarity_down_and_keep_both(
            x in (0usize..3, 0.0f64..=1.0),
            y in (0usize..3, 0.0f64..=1.0),
        ) {
            let kinds = [Reuse::Verbatim, Reuse::Edited, Reuse::Rewritten];
            let (ex, ey) = (Edge::new(0, 1, kinds[x.0], x.1), Edge::new(0, 1, kinds[y.0], y.1));
            prop_assert_eq!((ex.reuse(), ex.similarity().to_bits()), (kinds[x.0], x.1.to_bits()));
            let expected = kinds[x.0].cmp(&kinds[y.0]).then(y.1.total_cmp(&x.1));
            prop_assert_eq!(strongest_first(&ex, &ey), expected);
        }
    }

    #[test]
    fn strengths_keep_the_ends_of_the_range() {
        for similarity in [0.0, f64::MIN_POSITIVE, 0.5, 1.0, 1.999_999] {
            let e = Edge::new(3, 4, Reuse::Rewritten, similarity);
            assert_eq!((e.reuse(), e.similarity()), (Reuse::Rewritten, similarity));
        }
    }

    #[test]
    #[should_panic(expected = "a similarity from 0 up to 2")]
    fn a_similarity_out_of_range_is_refused() {
        Edge::new(0, 1, Reuse::Verbatim, 2.0);
    }

    #[test]
    fn verbatim_links_chain() {
        let c = cluster(
            &[0, 1, 2, 3],
            vec![edge(0, 1, Reuse::Verbatim), edge(1, 2, Reuse::Verbatim)],
            |_, _| false,
            |_| {},
        );
        assert_eq!(c.families.len(), 1);
        assert_eq!(c.families[0].members, [0, 1, 2]);
        assert!(!in_a_family(&c, 3));
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
        let c = cluster(&[0, 1, 2, 3], edges.clone(), |_, _| false, |_| {});
        assert_eq!(c.families.len(), 2);
        assert_eq!(c.kept.len(), 2);
        let c = cluster(&[0, 1, 2, 3], edges, |_, _| true, |_| {});
        assert_eq!(c.families.len(), 1);
        assert_eq!(c.families[0].kind, Reuse::Rewritten);
    }

    #[test]
    fn two_sentences_of_one_document_never_share_a_family() {
        // Sentences 0 and 2 are in document 7; 1 links to both.
        let edges = vec![edge(0, 1, Reuse::Verbatim), edge(1, 2, Reuse::Verbatim)];
        let c = cluster(&[7, 8, 7], edges, |_, _| true, |_| {});
        assert_eq!(c.families.len(), 1);
        assert_eq!(c.families[0].members, [0, 1]);
        assert!(!in_a_family(&c, 2));
    }

    #[test]
    fn family_order_is_by_smallest_member() {
        let c = cluster(
            &[0, 1, 2, 3, 4, 5],
            vec![edge(4, 5, Reuse::Verbatim), edge(1, 3, Reuse::Verbatim)],
            |_, _| false,
            |_| {},
        );
        assert_eq!(c.families[0].members, [1, 3]);
        assert_eq!(c.families[1].members, [4, 5]);
    }
}
