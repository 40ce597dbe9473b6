//! wiretrace traces where news text came from.
//!
//! The library is one pipeline, and its modules follow it in order:
//!
//! 1. [`ingest`] reads folders, JSON Lines dumps (plain, gzip or zstd) and
//!    stdin into [`Article`]s, decoding windows-1252 where UTF-8 fails.
//! 2. [`clean`] decides how the raw lines form paragraphs (hard wraps are
//!    joined) and which lines are page boilerplate.
//! 3. [`segment`] splits paragraphs into sentences with byte offsets into
//!    the article text.
//! 4. [`normalize`] produces the matching form of a sentence (never shown).
//! 5. [`shingle`] and [`minhash`] turn sentences into signatures, in
//!    parallel.
//! 6. [`wording`] takes sentences with the same profile as one; [`lsh`]
//!    groups the signatures of the wordings' [`sets`] into candidate pairs; [`similarity`]
//!    verifies and labels them. With a model, [`semantic`] adds candidates
//!    by meaning, comparing the [`claim`]s inside sentences too.
//! 7. [`cluster`] links verified pairs into sentence families with a
//!    union-find that refuses topic chaining.
//! 8. [`scan`] runs the whole pipeline; [`report`] renders its result.
//!
//! Every stage is deterministic: the same input gives the same output bytes
//! whatever the number of threads.

pub mod article;
pub mod boilerplate;
pub mod claim;
pub mod clean;
pub mod cluster;
pub mod credits;
pub mod dateline;
pub mod documents;
mod draft;
pub mod embed;
pub mod eval;
pub mod figures;
pub mod idf;
pub mod ingest;
pub mod lsh;
pub mod minhash;
pub mod normalize;
mod overlap;
pub mod pairs;
pub mod provenance;
pub mod records;
pub mod report;
pub mod scan;
pub mod segment;
pub mod semantic;
pub mod sets;
pub mod shingle;
pub mod similarity;
pub mod sorted;
pub mod spill;
pub mod synth;
pub mod texts;
pub mod union_find;
pub mod wording;

pub use article::Article;
