//! A syndicated news dump with ground truth, at any size.
//!
//! Wire stories (real wire copy from a JSONL corpus, or built-in text) are
//! republished by many outlets with the edits that really happen: verbatim
//! copies, trimmed endings, the outlet's own sentences inserted, light word
//! edits, rewrites, changed figures, rewritten headlines, credits kept or
//! stripped, publication times after the wire's, and per-outlet page
//! boilerplate. The truth file records, for every generated sentence, its
//! byte span, the wire sentence it came from and the edit that made it, so
//! `wiretrace eval` can score a scan.
//!
//! Everything is drawn from one seeded generator: the same options give
//! the same bytes.

use std::io::{self, Write};

use serde_json::json;

use crate::article::Article;
use crate::segment;

mod rounds;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Articles to write, wire articles included.
    pub articles: usize,
    /// Non-wire outlets republishing the stories.
    pub outlets: usize,
    pub seed: u64,
}

/// A small deterministic generator (splitmix64): reproducible across
/// platforms and versions, which a crate's generator does not promise.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A wire story: headline and sentences.
#[derive(Debug, Clone)]
pub struct Story {
    pub headline: String,
    pub sentences: Vec<String>,
}

/// Stories from articles of real wire copy: each article's text cut into
/// sentences by wiretrace's own cleaning and segmentation.
pub fn stories_from(articles: &[Article]) -> Vec<Story> {
    articles
        .iter()
        .filter_map(|a| {
            let sentences: Vec<String> = segment::article_sentences(&a.text)
                .into_iter()
                .filter(|s| s.split(' ').count() >= 6)
                .collect();
            let headline = a
                .title
                .clone()
                .unwrap_or_else(|| sentences.first().cloned().unwrap_or_default());
            (sentences.len() >= 4).then(|| Story {
                headline: title_case(&headline),
                sentences,
            })
        })
        .collect()
}

fn title_case(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let lower = w.to_lowercase();
            let mut c = lower.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Built-in stories when no wire corpus is given. Each sentence is drawn
/// from a small grammar over a few hundred words, so stories share function
/// words but hardly a phrase, as unrelated news does.
pub fn builtin_stories(count: usize, seed: u64) -> Vec<Story> {
    const PLACES: &[&str] = &[
        "Lisbon", "Nairobi", "Manila", "Denver", "Tallinn", "Lima", "Osaka", "Accra", "Perth",
        "Quito", "Bergen", "Hanoi", "Tunis", "Cork", "Leeds", "Recife", "Busan", "Gdansk",
        "Tbilisi", "Halifax", "Adelaide", "Valencia", "Kumasi", "Izmir",
    ];
    const PEOPLE: &[&str] = &[
        "Ana Ruiz",
        "David Okafor",
        "Mei Tanaka",
        "Lars Berg",
        "Priya Nair",
        "Tomas Varga",
        "Grace Mensah",
        "Omar Haddad",
        "Elena Petrova",
        "Samuel Adeyemi",
        "Hiro Sato",
        "Clara Jensen",
        "Rafael Costa",
        "Nadia Karimi",
        "Owen Price",
    ];
    const ROLES: &[&str] = &[
        "minister",
        "mayor",
        "spokeswoman",
        "chief executive",
        "union leader",
        "analyst",
        "senator",
        "governor",
        "police chief",
        "economist",
    ];
    const BODIES: &[&str] = &[
        "city council",
        "health ministry",
        "central bank",
        "port authority",
        "transport agency",
        "regional government",
        "supreme court",
        "election commission",
        "fishing cooperative",
        "teachers union",
        "energy regulator",
        "airline",
        "steel maker",
        "water utility",
        "football federation",
        "refugee agency",
        "stock exchange",
        "coast guard",
    ];
    const NOUNS: &[&str] = &[
        "tariffs",
        "wages",
        "floods",
        "wildfires",
        "pensions",
        "vaccines",
        "exports",
        "subsidies",
        "strikes",
        "elections",
        "shipments",
        "protests",
        "mergers",
        "loans",
        "fares",
        "harvests",
        "rents",
        "bonds",
        "permits",
        "fines",
        "quotas",
        "reactors",
        "pipelines",
        "ferries",
        "hospitals",
        "prisons",
        "satellites",
        "vineyards",
        "mines",
        "bridges",
    ];
    const VERBS: &[&str] = &[
        "approved",
        "rejected",
        "delayed",
        "suspended",
        "expanded",
        "investigated",
        "announced",
        "cancelled",
        "defended",
        "criticised",
        "postponed",
        "doubled",
        "capped",
        "reviewed",
        "blocked",
        "funded",
        "restored",
        "challenged",
    ];
    const ADJECTIVES: &[&str] = &[
        "unexpected",
        "controversial",
        "temporary",
        "record",
        "sweeping",
        "modest",
        "emergency",
        "long-awaited",
        "disputed",
        "costly",
        "landmark",
        "preliminary",
        "cross-border",
        "annual",
        "overdue",
        "fragile",
    ];
    const MONTHS: &[&str] = &[
        "January", "March", "April", "June", "August", "October", "November", "December",
    ];
    const DAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    const PREPOSITIONS: &[&str] = &[
        "in", "near", "after", "before", "despite", "during", "against", "without", "beyond",
        "under",
    ];
    const ADVERBS: &[&str] = &[
        "quietly", "again", "sharply", "formally", "partly", "swiftly", "narrowly", "jointly",
    ];
    let rng = &mut Rng(seed);
    // A noun phrase: a name, or an optional adjective and a noun, sometimes
    // with "of the" and a body.
    let noun_phrase = |rng: &mut Rng| match rng.below(5) {
        0 => (*rng.pick(PEOPLE)).to_owned(),
        1 => format!("the {} of {}", rng.pick(BODIES), rng.pick(PLACES)),
        2 => format!("{} {}", 2 + rng.below(9_998), rng.pick(NOUNS)),
        3 => format!("the {} {}", rng.pick(ADJECTIVES), rng.pick(NOUNS)),
        _ => format!(
            "{} {} of the {}",
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(BODIES)
        ),
    };
    (0..count)
        .map(|_| {
            let place = *rng.pick(PLACES);
            let n = 5 + rng.below(5);
            let sentences = (0..n)
                .map(|_| {
                    let mut parts = vec![noun_phrase(rng)];
                    if rng.chance(0.3) {
                        parts.push((*rng.pick(ADVERBS)).to_owned());
                    }
                    parts.push((*rng.pick(VERBS)).to_owned());
                    parts.push(noun_phrase(rng));
                    for _ in 0..1 + rng.below(2) {
                        parts.push(format!("{} {}", rng.pick(PREPOSITIONS), noun_phrase(rng)));
                    }
                    match rng.below(4) {
                        0 => parts.push(format!("on {}", rng.pick(DAYS))),
                        1 => parts.push(format!("in {}", rng.pick(MONTHS))),
                        2 => parts.push(format!(
                            "{}, the {}, said",
                            rng.pick(PEOPLE),
                            rng.pick(ROLES)
                        )),
                        _ => {}
                    }
                    let mut sentence = parts.join(" ");
                    if let Some(first) = sentence.get(..1) {
                        sentence.replace_range(..1, &first.to_uppercase());
                    }
                    sentence.push('.');
                    sentence
                })
                .collect();
            Story {
                headline: title_case(&format!(
                    "{place} {} {} {}",
                    rng.pick(BODIES),
                    rng.pick(VERBS),
                    rng.pick(NOUNS)
                )),
                sentences,
            }
        })
        .collect()
}

const WIRES: &[&str] = &["Reuters", "AP", "AFP"];

const SYNONYMS: &[(&str, &str)] = &[
    ("said", "stated"),
    ("approved", "passed"),
    ("expected", "likely"),
    ("about", "around"),
    ("project", "scheme"),
    ("money", "funds"),
    ("begin", "start"),
    ("finished", "completed"),
    ("critics", "opponents"),
    ("residents", "locals"),
    ("officials", "authorities"),
    ("rose", "climbed"),
    ("fell", "dropped"),
    ("company", "firm"),
    ("shares", "stock"),
    ("increase", "rise"),
    ("year", "12-month period"),
];

const FILLER: &[&str] = &[
    "local",
    "readers",
    "weekend",
    "market",
    "traffic",
    "families",
    "museum",
    "harbour",
    "library",
    "volunteers",
    "festival",
    "teachers",
    "bakery",
    "cyclists",
    "garden",
    "orchestra",
    "farmers",
    "students",
    "coastline",
    "neighbours",
    "pharmacy",
    "stadium",
    "bridge",
    "river",
    "mayor",
    "visitors",
    "forecast",
    "evening",
    "chapel",
];

/// One generated sentence and what it is.
struct Piece {
    text: String,
    origin: Option<(usize, usize)>,
    edit: &'static str,
    drift: bool,
}

/// Writes the dump (JSONL articles) to `out` and the truth to `truth`.
pub fn generate(
    stories: &[Story],
    options: &SynthOptions,
    out: &mut dyn Write,
    truth: &mut dyn Write,
) -> io::Result<()> {
    let mut rng = Rng(options.seed);
    let outlets: Vec<String> = (0..options.outlets.max(1))
        .map(|i| format!("outlet-{:02}", i + 1))
        .collect();
    let mut written = 0usize;
    let mut story_index = 0usize;
    let base_time = 1_720_000_000i64;
    let mut rounds = rounds::Rounds::new(stories, options.seed);
    while written < options.articles && !stories.is_empty() {
        let story = rounds.story(story_index);
        let s = story_index;
        story_index += 1;
        let wire = *rng.pick(WIRES);
        let wire_id = format!("s{s}-wire");
        let published = base_time + (s as i64) * 3_600 + rng.below(3_000) as i64;
        let city = story.sentences[0]
            .split([' ', ','])
            .find(|w| w.len() > 3 && w.chars().next().is_some_and(char::is_uppercase))
            .unwrap_or("LONDON")
            .to_uppercase();
        // The wire's own article (sometimes absent from the dump: copies
        // then credit an agency the corpus does not have).
        let wire_in_corpus = rng.chance(0.7);
        let wire_pieces: Vec<Piece> = story
            .sentences
            .iter()
            .enumerate()
            .map(|(i, t)| Piece {
                text: t.clone(),
                origin: Some((s, i)),
                edit: "wire",
                drift: false,
            })
            .collect();
        let dateline = format!("{city} ({wire}) - ");
        let wire_article = compose(&story.headline, &dateline, &wire_pieces, &[]);
        let wire_spans: Vec<(usize, usize)> = wire_article
            .spans
            .iter()
            .filter(|sp| matches!(sp.2, Some(Line::Sentence(_))))
            .map(|sp| (sp.0, sp.1))
            .collect();
        let wire_ref = WireRef {
            id: &wire_id,
            headline: (0, story.headline.len()),
            spans: &wire_spans,
        };
        if wire_in_corpus {
            emit(
                out,
                truth,
                &wire_id,
                wire,
                published,
                &story.headline,
                &wire_article,
                &wire_ref,
                true,
            )?;
            written += 1;
        } else {
            // Copies will credit an agency the dump does not have.
            serde_json::to_writer(
                &mut *truth,
                &json!({"type": "article", "doc": wire_id, "outlet": wire, "wire": true, "in_corpus": false}),
            )?;
            truth.write_all(b"\n")?;
        }
        let copies = 1 + rng.below(outlets.len().min(8));
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < copies {
            let o = rng.below(outlets.len());
            if !chosen.contains(&o) {
                chosen.push(o);
            }
        }
        for o in chosen {
            if written >= options.articles {
                break;
            }
            let outlet = &outlets[o];
            let mut pieces: Vec<Piece> = Vec::new();
            let keep = if rng.chance(0.3) {
                3.max(story.sentences.len() * 2 / 3)
            } else {
                story.sentences.len()
            };
            for (i, t) in story.sentences.iter().enumerate().take(keep) {
                let (text, edit, drift) = edit_sentence(t, &mut rng);
                pieces.push(Piece {
                    text,
                    origin: Some((s, i)),
                    edit: if keep < story.sentences.len() && edit == "verbatim" {
                        "trimmed"
                    } else {
                        edit
                    },
                    drift,
                });
                if rng.chance(0.12) {
                    pieces.push(Piece {
                        text: own_sentence(&mut rng),
                        origin: None,
                        edit: "own",
                        drift: false,
                    });
                }
            }
            let headline = if rng.chance(0.5) {
                story.headline.clone()
            } else {
                rewrite(&story.headline, &mut rng)
            };
            let credit = if rng.chance(0.6) {
                dateline.clone()
            } else {
                String::new()
            };
            let boilerplate = [
                format!("Subscribe to the {outlet} newsletter"),
                format!("\u{a9} 2024 {outlet}. All rights reserved."),
            ];
            let id = format!("s{s}-{outlet}");
            let time = published + 600 + rng.below(36_000) as i64;
            let composed = compose(&headline, &credit, &pieces, &boilerplate);
            emit(
                out, truth, &id, outlet, time, &headline, &composed, &wire_ref, false,
            )?;
            written += 1;
        }
    }
    Ok(())
}

/// A line of a wire story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Headline,
    Sentence(usize),
}

/// One article's text and the spans of its lines.
struct Composed {
    text: String,
    /// (start, end, where it came from in the wire story, edit, drift)
    spans: Vec<(usize, usize, Option<Line>, &'static str, bool)>,
}

/// Lays an article out as a scraped page: headline, blank line, the
/// sentences as paragraphs (the first behind the dateline), boilerplate.
fn compose(headline: &str, dateline: &str, pieces: &[Piece], boilerplate: &[String]) -> Composed {
    let mut text = String::new();
    let mut spans = Vec::new();
    text.push_str(headline);
    spans.push((0, headline.len(), Some(Line::Headline), "headline", false));
    text.push_str("\n\n");
    for (i, p) in pieces.iter().enumerate() {
        if i == 0 {
            text.push_str(dateline);
        }
        let start = text.len();
        text.push_str(&p.text);
        spans.push((
            start,
            text.len(),
            p.origin.map(|o| Line::Sentence(o.1)),
            p.edit,
            p.drift,
        ));
        text.push_str("\n\n");
    }
    for b in boilerplate {
        let start = text.len();
        text.push_str(b);
        spans.push((start, text.len(), None, "boilerplate", false));
        text.push_str("\n\n");
    }
    text.truncate(text.trim_end().len());
    Composed { text, spans }
}

/// Where one story's wire lines stand in the wire article.
struct WireRef<'a> {
    id: &'a str,
    headline: (usize, usize),
    spans: &'a [(usize, usize)],
}

#[allow(clippy::too_many_arguments)]
fn emit(
    out: &mut dyn Write,
    truth: &mut dyn Write,
    id: &str,
    outlet: &str,
    published: i64,
    headline: &str,
    composed: &Composed,
    wire: &WireRef,
    is_wire: bool,
) -> io::Result<()> {
    let time = jiff::Timestamp::from_second(published)
        .map(|t| t.to_string())
        .unwrap_or_default();
    let record = json!({"id": id, "outlet": outlet, "published": time, "title": headline, "text": composed.text});
    serde_json::to_writer(&mut *out, &record)?;
    out.write_all(b"\n")?;
    serde_json::to_writer(
        &mut *truth,
        &json!({"type": "article", "doc": id, "outlet": outlet, "wire": is_wire, "in_corpus": true}),
    )?;
    truth.write_all(b"\n")?;
    for &(start, end, origin, edit, drift) in &composed.spans {
        let origin = origin.map(|line| {
            let (start, end) = match line {
                Line::Headline => wire.headline,
                Line::Sentence(i) => wire.spans[i],
            };
            json!({"doc": wire.id, "start": start, "end": end})
        });
        // The wire's own headline is the origin of itself.
        let edit = if is_wire && edit == "headline" {
            "wire"
        } else {
            edit
        };
        serde_json::to_writer(
            &mut *truth,
            &json!({"type": "sentence", "doc": id, "start": start, "end": end, "origin": origin, "edit": edit, "drift": drift}),
        )?;
        truth.write_all(b"\n")?;
    }
    Ok(())
}

/// Applies one randomly chosen edit, the commonest being none.
fn edit_sentence(text: &str, rng: &mut Rng) -> (String, &'static str, bool) {
    let roll = rng.below(100);
    match roll {
        0..=59 => (text.to_owned(), "verbatim", false),
        60..=74 => (light_edit(text, rng), "edited", false),
        75..=87 => (rewrite(text, rng), "rewritten", false),
        _ => match change_number(text, rng) {
            Some(changed) => (changed, "number", true),
            None => (text.to_owned(), "verbatim", false),
        },
    }
}

fn light_edit(text: &str, rng: &mut Rng) -> String {
    let mut words: Vec<String> = text.split(' ').map(str::to_owned).collect();
    let at = 1 + rng.below(words.len().saturating_sub(2).max(1));
    match rng.below(3) {
        0 => {
            words.insert(
                at,
                (*rng.pick(&["also", "reportedly", "now", "still", "further"])).to_owned(),
            );
        }
        1 if words.len() > 8 => {
            words.remove(at);
        }
        _ => {
            swap_synonym(&mut words, rng);
        }
    }
    words.join(" ")
}

/// Clause moved to the front and a few synonyms: the same claim in other
/// words.
fn rewrite(text: &str, rng: &mut Rng) -> String {
    let trimmed = text.trim_end_matches('.');
    let reordered = match trimmed.split_once(", ") {
        Some((a, b)) if b.split(' ').count() >= 3 => {
            let mut b = b.to_owned();
            if let Some(first) = b.get(..1) {
                b.replace_range(..1, &first.to_uppercase());
            }
            format!(
                "{b}, {}{}",
                lower_first(a),
                if text.ends_with('.') { "." } else { "" }
            )
        }
        _ => text.to_owned(),
    };
    let mut words: Vec<String> = reordered.split(' ').map(str::to_owned).collect();
    for _ in 0..3 {
        swap_synonym(&mut words, rng);
    }
    words.join(" ")
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        // Keep names and acronyms capitalised.
        Some(f)
            if s.split(' ')
                .next()
                .is_some_and(|w| w.len() > 1 && w.chars().skip(1).all(char::is_lowercase))
                && !matches!(f, 'I') =>
        {
            f.to_lowercase().collect::<String>() + c.as_str()
        }
        _ => s.to_owned(),
    }
}

fn swap_synonym(words: &mut [String], rng: &mut Rng) {
    let candidates: Vec<usize> = (0..words.len())
        .filter(|&i| {
            SYNONYMS.iter().any(|(a, b)| {
                words[i]
                    .trim_matches(|c: char| !c.is_alphanumeric())
                    .eq_ignore_ascii_case(a)
                    || words[i]
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .eq_ignore_ascii_case(b)
            })
        })
        .collect();
    if candidates.is_empty() {
        return;
    }
    let i = *rng.pick(&candidates);
    let bare = words[i]
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if let Some((a, b)) = SYNONYMS.iter().find(|(a, b)| *a == bare || *b == bare) {
        let other = if *a == bare { b } else { a };
        words[i] = words[i].replacen(
            &words[i]
                .trim_matches(|c: char| !c.is_alphanumeric())
                .to_owned(),
            other,
            1,
        );
    }
}

/// Changes one figure by 10 to 50 percent, as updates and sloppy copies do.
fn change_number(text: &str, rng: &mut Rng) -> Option<String> {
    let words: Vec<&str> = text.split(' ').collect();
    let numeric: Vec<usize> = (0..words.len())
        .filter(|&i| {
            let w = words[i].trim_matches(|c: char| !c.is_ascii_digit());
            !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 6
        })
        .collect();
    let &i = numeric.get(rng.below(numeric.len().max(1)))?;
    let digits = words[i].trim_matches(|c: char| !c.is_ascii_digit());
    let value: u64 = digits.parse().ok()?;
    let factor = 110 + rng.below(41) as u64;
    let changed = (value * factor / 100).max(value + 1);
    let mut out: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    out[i] = words[i].replacen(digits, &changed.to_string(), 1);
    Some(out.join(" "))
}

/// An outlet's own sentence: random, so it matches nothing else.
fn own_sentence(rng: &mut Rng) -> String {
    let n = 10 + rng.below(8);
    let words: Vec<&str> = (0..n).map(|_| *rng.pick(FILLER)).collect();
    let mut s = words.join(" ");
    if let Some(first) = s.get(..1) {
        s.replace_range(..1, &first.to_uppercase());
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(seed: u64) -> (String, String) {
        let stories = builtin_stories(5, seed);
        let (mut out, mut truth) = (Vec::new(), Vec::new());
        generate(
            &stories,
            &SynthOptions {
                articles: 30,
                outlets: 6,
                seed,
            },
            &mut out,
            &mut truth,
        )
        .unwrap();
        (
            String::from_utf8(out).unwrap(),
            String::from_utf8(truth).unwrap(),
        )
    }

    #[test]
    fn same_seed_same_bytes() {
        assert_eq!(run(7), run(7));
        assert_ne!(run(7).0, run(8).0);
    }

    #[test]
    fn truth_spans_point_at_the_text() {
        let (out, truth) = run(3);
        let texts: std::collections::HashMap<String, String> = out
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["id"].as_str().unwrap().to_owned(),
                    v["text"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(texts.len(), 30);
        let mut edits = std::collections::HashSet::new();
        for l in truth.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            if v["type"] == "sentence" {
                let text = &texts[v["doc"].as_str().unwrap()];
                let (s, e) = (
                    v["start"].as_u64().unwrap() as usize,
                    v["end"].as_u64().unwrap() as usize,
                );
                assert!(e <= text.len() && s < e && !text[s..e].contains('\n'));
                edits.insert(v["edit"].as_str().unwrap().to_owned());
            }
        }
        for edit in ["wire", "verbatim", "headline", "boilerplate"] {
            assert!(edits.contains(edit), "{edit} missing from {edits:?}");
        }
    }

    #[test]
    fn edits_do_what_they_say() {
        let mut rng = Rng(1);
        let s = "Officials said the council approved 450 million dollars for repairs, expected to begin in March.";
        let changed = change_number(s, &mut rng).unwrap();
        assert!(!changed.contains("450") && changed.contains("million"));
        assert_ne!(rewrite(s, &mut rng), s);
        assert!(own_sentence(&mut rng).ends_with('.'));
    }
}
