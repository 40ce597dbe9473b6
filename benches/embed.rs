//! Sentence-embedding throughput on typical news sentences, and the cosine
//! similarity of a few paraphrase and non-paraphrase pairs.
//!
//! ```sh
//! scripts/fetch-model
//! cargo bench --bench embed [-- SENTENCES]
//! ```

use std::time::Instant;

use wiretrace::embed::{default_model_dir, Embedder};

const PAIRS: [(&str, &str); 4] = [
    (
        "The bodies of the deceased North Korean soldiers will be cremated and the remains returned home.",
        "The remains of the dead soldiers are to be sent back to North Korea after cremation.",
    ),
    (
        "North Korea has sent a total of 15,000 troops to Russia in two stages.",
        "North Korea dispatched 18,000 troops to the Kursk region in two phases.",
    ),
    (
        "At least 600 people were killed in the attack.",
        "The conflict has caused 4,700 casualties.",
    ),
    (
        "The announcement follows North Korea's confirmation on Monday that it had dispatched troops to aid Russian operations.",
        "This revelation comes on the heels of North Korea's announcement on Monday regarding its troop dispatch.",
    ),
];

const SUBJECTS: [&str; 6] = [
    "The prime minister's office",
    "A spokesman for the regional police",
    "Officials at the state health agency",
    "The company's chief executive, Maria Lopez,",
    "Two senior U.S. diplomats",
    "Local residents interviewed by reporters",
];
const VERBS: [&str; 4] = [
    "said on Tuesday",
    "confirmed late Friday",
    "told the AP",
    "warned",
];
const CLAUSES: [&str; 5] = [
    "that at least 1,200 people had been evacuated from flooded neighborhoods near the river",
    "that the new tariffs would raise prices for consumers by about 4.5% next year",
    "that negotiations over the ceasefire had stalled after a night of heavy shelling",
    "that the factory would close in March, cutting nearly 600 jobs in the town",
    "that investigators were still trying to determine what caused the fire on Sunday",
];

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .map_or(2000, |n| n.parse().expect("SENTENCES must be a number"));
    let Some(dir) = default_model_dir() else {
        eprintln!("no model: run scripts/fetch-model or set WIRETRACE_MODEL");
        std::process::exit(1);
    };
    let start = Instant::now();
    let embedder = Embedder::load(&dir).unwrap_or_else(|err| {
        eprintln!("{err}");
        std::process::exit(2);
    });
    println!("loaded {} in {:.2?}", dir.display(), start.elapsed());

    for (a, b) in PAIRS {
        let e = embedder.embed(&[a, b]);
        let cosine: f32 = e[0].iter().zip(&e[1]).map(|(x, y)| x * y).sum();
        println!("{cosine:.4}  {a}\n        {b}");
    }

    let sentences: Vec<String> = (0..count)
        .map(|i| {
            let subject = SUBJECTS[i % SUBJECTS.len()];
            let verb = VERBS[i / SUBJECTS.len() % VERBS.len()];
            let clause = CLAUSES[i / 7 % CLAUSES.len()];
            format!("{subject} {verb} {clause}, according to report {i}.")
        })
        .collect();
    let texts: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let words = texts
        .iter()
        .map(|t| t.split_whitespace().count())
        .sum::<usize>();
    let start = Instant::now();
    let embeddings = embedder.embed(&texts);
    let seconds = start.elapsed().as_secs_f64();
    assert_eq!(embeddings.len(), count);
    println!(
        "{count} sentences ({:.1} words on average) in {seconds:.2} s: {:.0} sentences/s on {} threads",
        words as f64 / count as f64,
        count as f64 / seconds,
        rayon::current_num_threads(),
    );
}
