//! Wire credits: where an article's own text says its copy came from.
//!
//! Agencies announce themselves in a handful of ways: datelines
//! ("WASHINGTON (AP) —"), bylines ("By Reuters"), credit lines
//! ("(Reporting by ...; Editing by ...)" is Reuters' house style), and
//! attributions ("The Associated Press contributed to this report", "as
//! reported by the Yonhap news agency", "via Associated Press"). These are
//! the strongest evidence of direction there is: a copy that credits AP
//! came from AP.

use std::ops::Range;

use aho_corasick::{AhoCorasick, MatchKind};
use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input};
use serde::Serialize;

/// How a credit was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CreditKind {
    /// "WASHINGTON (AP) —"
    Dateline,
    /// "By Reuters" on a line of its own.
    Byline,
    /// "(Reporting by ...; Editing by ...)".
    CreditLine,
    /// "The Associated Press contributed to this report."
    Contributed,
    /// "as reported by the Yonhap news agency", "according to AFP".
    ReportedBy,
    /// "via Associated Press".
    Via,
    /// "Copyright 2018 The Associated Press", "© Reuters".
    Copyright,
}

impl CreditKind {
    /// Every kind, each at its discriminant (`kind as usize`).
    pub const ALL: [CreditKind; 7] = [
        CreditKind::Dateline,
        CreditKind::Byline,
        CreditKind::CreditLine,
        CreditKind::Contributed,
        CreditKind::ReportedBy,
        CreditKind::Via,
        CreditKind::Copyright,
    ];

    /// Whether the credit covers the whole article (a dateline, byline or
    /// credit line) rather than the one sentence it stands in ("as reported
    /// by", "via").
    pub fn covers_article(self) -> bool {
        !matches!(self, CreditKind::ReportedBy | CreditKind::Via)
    }
}

/// One credit found in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Credit {
    /// Canonical agency name ("AP", "Reuters", "Yonhap"). Boxed, as the
    /// words are, since most articles of a wire dump keep a credit.
    pub agency: Box<str>,
    pub kind: CreditKind,
    /// The words as written.
    pub text: Box<str>,
    /// Byte span in the article text.
    pub start: usize,
    pub end: usize,
}

/// Canonical name and the ways it is written, longest first where one
/// contains another.
const AGENCIES: &[(&str, &[&str])] = &[
    ("AP", &["Associated Press", "AP"]),
    ("Reuters", &["Thomson Reuters", "Reuters"]),
    (
        "AFP",
        &["Agence France-Presse", "Agence France Presse", "AFP"],
    ),
    ("PA", &["Press Association", "PA Media", "PA"]),
    ("Yonhap", &["Yonhap News Agency", "Yonhap"]),
    ("IANS", &["Indo-Asian News Service", "IANS"]),
    ("ANI", &["Asian News International", "ANI"]),
    ("PTI", &["Press Trust of India", "PTI"]),
    ("Xinhua", &["Xinhua News Agency", "Xinhua"]),
    ("Kyodo", &["Kyodo News", "Kyodo"]),
    ("TASS", &["TASS"]),
    ("KCNA", &["Korean Central News Agency", "KCNA"]),
    ("dpa", &["Deutsche Presse-Agentur", "dpa", "DPA"]),
    ("EFE", &["EFE"]),
    ("ANSA", &["ANSA"]),
    ("UPI", &["United Press International", "UPI"]),
    ("Bloomberg", &["Bloomberg News", "Bloomberg"]),
];

/// The wire agencies wiretrace knows, plus any the user names, with the
/// credit patterns compiled for them.
#[derive(Debug, Clone)]
pub struct Wires {
    /// Extra agencies from `--wire NAME`, matched as written.
    extra: Vec<String>,
    patterns: Vec<CreditPattern>,
    /// The words of every [`Gate::Folded`], lower-cased, found in one pass
    /// per text ([`Wires::folded_words`]).
    folded: AhoCorasick,
}

/// One way of crediting an agency. Most articles credit nobody, and a
/// regex search of a whole article costs more than a literal one, so a
/// pattern that cannot match without certain words first looks for them
/// and, where its matches begin at those words or at the start of their
/// line, searches only there.
#[derive(Debug, Clone)]
struct CreditPattern {
    kind: CreditKind,
    regex: Regex,
    search: Search,
}

/// Where a pattern is searched for. Each gate is words of which every
/// match has one.
#[derive(Debug, Clone)]
enum Search {
    /// The whole text, if the gate (when there is one) is found in it.
    Whole(Option<Gate>),
    /// Only where a word of the gate begins: every match begins there.
    AtGate(Gate),
    /// Only at the start of a line holding a word of the gate: every match
    /// begins at a line's start and has the word on that line.
    AtLineOfGate(Gate),
    /// Only before lines whose first word begins with one of these
    /// (ignoring ASCII case): every match begins at a line's start, and
    /// after whitespace alone, the word.
    AtFirstWordOfLine(&'static [&'static str]),
}

/// A gate's words, and how they are found.
#[derive(Debug, Clone)]
enum Gate {
    /// By the pattern's own search, as written.
    Own(AhoCorasick),
    /// Ignoring ASCII case, by the one search for all such gates
    /// (`Wires::folded`), where these are the words' numbers. Two case
    /// insensitive gates cost two passes over every text where one does:
    /// they were a tenth of segmenting.
    Folded(Range<usize>),
}

impl Gate {
    /// Where the gate's words begin in `text`, `folded` being the folded
    /// words found there.
    fn starts<'a>(
        &'a self,
        text: &'a str,
        folded: &'a [aho_corasick::Match],
    ) -> Box<dyn Iterator<Item = usize> + 'a> {
        match self {
            Gate::Own(words) => Box::new(words.find_iter(text).map(|word| word.start())),
            Gate::Folded(words) => Box::new(
                folded
                    .iter()
                    .filter(|word| words.contains(&word.pattern().as_usize()))
                    .map(|word| word.start()),
            ),
        }
    }
}

impl CreditPattern {
    /// Calls `found` with each match in `text`: the same matches, in the
    /// same order, as a search of the whole text finds (a test checks).
    /// `folded` are the words of folded gates in `text`.
    fn each_match(
        &self,
        text: &str,
        folded: &[aho_corasick::Match],
        mut found: impl FnMut(&Captures),
    ) {
        // Where matches may be: each hit is a gate word, or a line's first
        // word.
        let hits: Box<dyn Iterator<Item = usize>> = match &self.search {
            Search::Whole(gate) => {
                if gate
                    .as_ref()
                    .is_none_or(|g| g.starts(text, folded).next().is_some())
                {
                    self.regex.captures_iter(text).for_each(|c| found(&c));
                }
                return;
            }
            Search::AtGate(gate) | Search::AtLineOfGate(gate) => gate.starts(text, folded),
            Search::AtFirstWordOfLine(words) => Box::new(first_words_of_lines(text, words)),
        };
        let mut caps = self.regex.create_captures();
        // Matches do not overlap: a search resumes where the last ended.
        let mut resume = 0;
        let mut tried = None;
        for hit in hits {
            let start = match &self.search {
                Search::AtLineOfGate(_) => text[..hit].rfind('\n').map_or(0, |i| i + 1),
                // The leftmost line start from which only whitespace
                // leads to the word (`^\s*` crosses blank lines).
                Search::AtFirstWordOfLine(_) => {
                    let after_text = text[..hit].trim_end().len();
                    match line_start_from(text, after_text.max(resume)) {
                        Some(start) if start <= hit => start,
                        _ => continue,
                    }
                }
                _ => hit,
            };
            if start < resume || tried == Some(start) {
                continue;
            }
            tried = Some(start);
            let here = Input::new(text).range(start..).anchored(Anchored::Yes);
            self.regex.search_captures(&here, &mut caps);
            if let Some(m) = caps.get_match() {
                resume = m.end();
                found(&caps);
            }
        }
    }
}

/// The position of each line's first word where it begins with one of
/// `words`, ignoring ASCII case.
fn first_words_of_lines<'t>(
    text: &'t str,
    words: &'static [&'static str],
) -> impl Iterator<Item = usize> + 't {
    let mut line_start = 0;
    text.split('\n').filter_map(move |line| {
        let start = line_start;
        line_start += line.len() + 1;
        let first = line.trim_start();
        let begins = |w: &&str| {
            first
                .as_bytes()
                .get(..w.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(w.as_bytes()))
        };
        words
            .iter()
            .any(begins)
            .then_some(start + line.len() - first.len())
    })
}

/// The first start of a line at or after `from`, where `(?m)^` matches.
fn line_start_from(text: &str, from: usize) -> Option<usize> {
    if from == 0 || text.as_bytes()[from - 1] == b'\n' {
        return Some(from);
    }
    text[from..].find('\n').map(|i| from + i + 1)
}

impl Default for Wires {
    fn default() -> Wires {
        Wires::new(Vec::new())
    }
}

impl Wires {
    pub fn new(extra: Vec<String>) -> Wires {
        let (patterns, folded) = build_patterns(&alternation(&extra), &names(&extra));
        Wires {
            extra,
            patterns,
            folded,
        }
    }

    /// Canonical agency name if `outlet` is a wire service ("Reuters",
    /// "apnews.com", "Associated Press", "reuters.com").
    pub fn agency_of_outlet(&self, outlet: &str) -> Option<String> {
        let o = outlet.trim().to_lowercase();
        let host = o
            .trim_start_matches("www.")
            .split(['.', '/'])
            .next()
            .unwrap_or("")
            .to_owned();
        for (canonical, names) in AGENCIES {
            for name in *names {
                let n = name.to_lowercase();
                if o == n || host == n.replace(' ', "") || (n == "ap" && host == "apnews") {
                    return Some((*canonical).to_owned());
                }
            }
        }
        self.extra
            .iter()
            .find(|e| e.to_lowercase() == o || e.to_lowercase() == host)
            .cloned()
    }

    fn canonical(&self, written: &str) -> Box<str> {
        // "(Reporting by ...; Editing by ...)" is Reuters' credit line.
        if written.starts_with("(Reporting") {
            return "Reuters".into();
        }
        for (canonical, names) in AGENCIES {
            if names.iter().any(|n| n.eq_ignore_ascii_case(written)) {
                return (*canonical).into();
            }
        }
        written.into()
    }

    /// Every credit in `text`, in order of position.
    pub fn credits(&self, text: &str) -> Vec<Credit> {
        let mut out: Vec<Credit> = Vec::new();
        let folded = self.folded_words(text);
        for pattern in &self.patterns {
            pattern.each_match(text, &folded, |caps| {
                let (Some(whole), Some(agency)) =
                    (caps.get_match(), caps.get_group_by_name("agency"))
                else {
                    return;
                };
                out.push(Credit {
                    agency: self.canonical(&text[agency.range()]),
                    kind: pattern.kind,
                    text: text[whole.range()].trim().into(),
                    start: whole.start(),
                    end: whole.end(),
                });
            });
        }
        out.sort_by_key(|a| (a.start, a.kind));
        out.dedup_by(|b, a| a.start <= b.start && b.start < a.end);
        // Kept with the article to the end of a scan: without the room
        // grown for more, the credits of a 200 MB dump's articles took
        // 29 MiB at the heap's peak.
        out.shrink_to_fit();
        out
    }

    /// The words of the folded gates in `text`, ignoring ASCII case.
    ///
    /// They are found in an ASCII lower-cased copy of the text (the same
    /// byte offsets) by a case-sensitive search, which can use a vectorized
    /// searcher (Teddy): over the 25 MB dump's articles, 11 ms against
    /// 37 ms for an automaton that ignores case itself, whose first bytes
    /// ("a", "r", "c") are too common to skip ahead on.
    fn folded_words(&self, text: &str) -> Vec<aho_corasick::Match> {
        let lowered = text.to_ascii_lowercase();
        self.folded.find_iter(&lowered).collect()
    }
}

/// Every agency name as written, `extra` being the user's.
fn names(extra: &[String]) -> Vec<&str> {
    AGENCIES
        .iter()
        .flat_map(|(_, n)| n.iter().copied())
        .chain(extra.iter().map(String::as_str))
        .collect()
}

/// Every agency name as a regex alternation, longest first.
fn alternation(extra: &[String]) -> String {
    let mut names: Vec<String> = names(extra).into_iter().map(regex::escape).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.join("|")
}

/// Words every "reported by" or "according to" credit has one of.
const REPORTED_WORDS: &[&str] = &["reported", "according"];
/// Words every copyright notice begins with.
const COPYRIGHT_WORDS: &[&str] = &["©", "(c)", "copyright"];
/// The words a byline begins with.
const BYLINE_WORDS: &[&str] = &["by", "from"];

/// The credit patterns for the agency names `names`, `agencies` being
/// their regex alternation. A gate must find a word in every match of its
/// regex: its words are literal parts of the regex. Datelines begin a line
/// and have the agency's name in brackets on it (nothing before the
/// brackets can be a line break); copyright notices begin with their
/// sign or word; bylines are a line of their own. Where the regex
/// ignores case, the gate ignores ASCII case, which is the same only for
/// words without a `k` or an `s` (the Kelvin sign and the long s fold to
/// them): a test checks the letters the gates use.
///
/// Returns the patterns and the search for the words of their folded
/// gates. No such word can overlap another in a text (none begins with
/// the end of another), so one search finds every gate's words.
fn build_patterns(agencies: &str, names: &[&str]) -> (Vec<CreditPattern>, AhoCorasick) {
    let a = format!(r"(?P<agency>{agencies})");
    let compile = |p: String| Regex::new(&p).expect("credit patterns are valid");
    let own =
        |words: Vec<String>| Gate::Own(AhoCorasick::new(words).expect("credit gates are small"));
    let mut folded: Vec<&str> = Vec::new();
    let mut fold = |words: &[&'static str]| {
        folded.extend(words);
        Gate::Folded(folded.len() - words.len()..folded.len())
    };
    let (reported, copyright) = (fold(REPORTED_WORDS), fold(COPYRIGHT_WORDS));
    // Leftmost-first, which for words that cannot overlap finds what the
    // standard semantics do, is what the vectorized searcher supports.
    let folded = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .build(folded.iter().map(|w| w.to_ascii_lowercase()))
        .expect("credit gates are small");
    let pattern = |kind, regex, search| CreditPattern {
        kind,
        regex,
        search,
    };
    let patterns = vec![
        pattern(
            CreditKind::Dateline,
            compile(format!(
                r"(?m)^[A-Z][\p{{L}}\d.'’/, -]{{1,50}}\({a}\)\s*(?:--|-|–|—)"
            )),
            Search::AtLineOfGate(own(names.iter().map(|n| format!("({n})")).collect())),
        ),
        pattern(
            CreditKind::Byline,
            compile(format!(
                r"(?mi)^\s*(?:by|from)\s+(?:the\s+)?{a}(?:\s+staff)?\s*$"
            )),
            Search::AtFirstWordOfLine(BYLINE_WORDS),
        ),
        pattern(
            CreditKind::CreditLine,
            compile(r"(?P<agency>\(Reporting by)[^)\n]{1,300}\)".to_owned()),
            Search::Whole(None),
        ),
        pattern(
            CreditKind::Contributed,
            compile(format!(
                r"(?:The\s+)?{a}\s+contributed\s+to\s+this\s+(?:report|story|article)"
            )),
            Search::Whole(Some(own(vec!["contributed".to_owned()]))),
        ),
        pattern(
            CreditKind::ReportedBy,
            compile(format!(
                r"(?i:as\s+reported\s+by|reported\s+by|according\s+to)\s+(?:the\s+)?{a}(?:'s)?(?:\s+news\s+agency)?\b"
            )),
            Search::Whole(Some(reported)),
        ),
        pattern(
            CreditKind::Via,
            compile(format!(r"\b(?i:via)\s+(?:the\s+)?{a}\b")),
            Search::Whole(None),
        ),
        pattern(
            CreditKind::Copyright,
            compile(format!(
                r"(?:©|\(c\)|(?i:copyright))\s*(?:\d{{4}}\s+)?(?:The\s+)?{a}\b"
            )),
            Search::AtGate(copyright),
        ),
    ];
    (patterns, folded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Pieces of credits and of text around them, run together.
    const PIECES: &[&str] = &[
        "WASHINGTON",
        "Seoul, April 30",
        " ",
        " ",
        "\n",
        "\n\n",
        "(AP)",
        "(Reuters)",
        "(Associated Press)",
        "(PA Media)",
        "-",
        "--",
        "—",
        "©",
        "(c)",
        "(C)",
        "Copyright",
        "COPYRIGHT",
        "2018 ",
        "The ",
        "By ",
        "by",
        "from ",
        "FROM\t",
        "\u{a0}",
        "\r\n",
        " staff",
        "Reuters",
        "AP",
        "Press",
        "via ",
        "according to ",
        "reported by ",
        "contributed to this report",
        "(Reporting by Jeff Mason)",
        "word",
        "x",
        ".",
    ];

    proptest! {
        /// Searching only at gate words, or at their lines, finds the
        /// matches a search of the whole text finds.
        #[test]
        fn gated_searches_find_what_whole_searches_find(
            pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..30),
        ) {
            let text = pieces.concat();
            let spans = |caps: &Captures| {
                (
                    caps.get_match().map(|m| m.range()),
                    caps.get_group_by_name("agency").map(|a| a.range()),
                )
            };
            let wires = Wires::default();
            let folded = wires.folded_words(&text);
            for pattern in &wires.patterns {
                let mut gated = Vec::new();
                pattern.each_match(&text, &folded, |caps| gated.push(spans(caps)));
                let whole: Vec<_> = pattern.regex.captures_iter(&text).map(|c| spans(&c)).collect();
                prop_assert_eq!(gated, whole, "{:?} in {:?}", pattern.kind, text);
            }
        }
    }

    /// Bylines after blank lines, indented, or right after another: cases
    /// the random texts above seldom build.
    #[test]
    fn gated_bylines_are_whole_searches_bylines() {
        let texts = [
            "Headline\n\nBy Reuters\n\nText.",
            "Headline\n \n\t By Reuters\nText.",
            "By AP\n\n\nfrom the Associated Press staff\n",
            "\u{a0}\n  BY REUTERS  \n\nBy the way, AP said so.",
            "Text. By Reuters\nbyline\nFrom\r\nAP\r\n",
        ];
        let byline = Wires::default()
            .patterns
            .into_iter()
            .find(|p| p.kind == CreditKind::Byline)
            .expect("a byline pattern");
        for text in texts {
            let mut gated = Vec::new();
            byline.each_match(text, &[], |caps| {
                gated.push(caps.get_match().map(|m| m.range()))
            });
            let whole: Vec<_> = byline
                .regex
                .captures_iter(text)
                .map(|c| c.get_match().map(|m| m.range()))
                .collect();
            assert!(!whole.is_empty(), "{text:?} has a byline");
            assert_eq!(gated, whole, "{text:?}");
        }
    }

    /// The case-insensitive gates fold ASCII only: no other character may
    /// match one of their letters under the regexes' `(?i)`.
    #[test]
    fn gates_fold_case_as_the_patterns_do() {
        let words = [REPORTED_WORDS, COPYRIGHT_WORDS, BYLINE_WORDS].concat();
        for letter in words
            .iter()
            .flat_map(|w| w.chars())
            .filter(char::is_ascii_alphabetic)
        {
            let re = Regex::new(&format!("(?i)^{letter}$")).expect("a letter is a regex");
            let others: Vec<char> = (0x80..=0x10FFFF)
                .filter_map(char::from_u32)
                .filter(|c| re.is_match(&*c.encode_utf8(&mut [0; 4])))
                .collect();
            assert!(others.is_empty(), "{letter} also matches {others:?}");
        }
        // As the rule says, `s` and `k` would not do.
        let s = Regex::new("(?i)^s$").expect("valid");
        assert!(s.is_match("\u{17F}"));
    }

    #[test]
    fn gated_patterns_still_find_their_credits() {
        let w = Wires::default();
        let kinds = |text: &str| -> Vec<CreditKind> {
            w.credits(text).into_iter().map(|c| c.kind).collect()
        };
        assert_eq!(
            kinds("LONDON (Reuters) - Shares fell."),
            [CreditKind::Dateline]
        );
        assert_eq!(kinds("LONDON (reuters) - Shares fell."), []);
        assert_eq!(
            kinds("The Associated Press contributed to this report."),
            [CreditKind::Contributed]
        );
        assert_eq!(
            kinds("Shares fell, ACCORDING TO Reuters."),
            [CreditKind::ReportedBy]
        );
        assert_eq!(kinds("Photo COPYRIGHT 2024 AFP"), [CreditKind::Copyright]);
        assert_eq!(kinds("Photo (c) AFP"), [CreditKind::Copyright]);
    }

    fn agencies(text: &str) -> Vec<(Box<str>, CreditKind)> {
        Wires::default()
            .credits(text)
            .into_iter()
            .map(|c| (c.agency, c.kind))
            .collect()
    }

    #[test]
    fn the_ways_agencies_are_credited() {
        assert_eq!(
            agencies("WASHINGTON (AP) — The Senate voted."),
            [("AP".into(), CreditKind::Dateline)]
        );
        assert_eq!(
            agencies("Seoul, April 30 (Yonhap) -- South Korea said."),
            [("Yonhap".into(), CreditKind::Dateline)]
        );
        assert_eq!(
            agencies("Headline\n\nBy Reuters\n\nText."),
            [("Reuters".into(), CreditKind::Byline)]
        );
        assert_eq!(
            agencies("Text.\n(Reporting by Jeff Mason; Editing by Mary Milliken)"),
            [("Reuters".into(), CreditKind::CreditLine)]
        );
        assert_eq!(
            agencies("The Associated Press contributed to this report."),
            [("AP".into(), CreditKind::Contributed)]
        );
        assert_eq!(
            agencies("troops to Russia, as reported by the Yonhap news agency."),
            [("Yonhap".into(), CreditKind::ReportedBy)]
        );
        assert_eq!(
            agencies("Photo via Associated Press"),
            [("AP".into(), CreditKind::Via)]
        );
        assert_eq!(
            agencies("Copyright 2018 The Associated Press. All rights reserved."),
            [("AP".into(), CreditKind::Copyright)]
        );
    }

    #[test]
    fn mentions_are_not_credits() {
        assert!(agencies("state-run KCNA claiming its soldiers helped Moscow").is_empty());
        assert!(agencies("The APEC summit opened in Lima. By then it was late.").is_empty());
        assert!(agencies("Shares of Bloombergville Inc rose.").is_empty());
    }

    #[test]
    fn wire_outlets_are_recognised() {
        let w = Wires::new(vec!["Interfax".into()]);
        assert_eq!(w.agency_of_outlet("Reuters").as_deref(), Some("Reuters"));
        assert_eq!(w.agency_of_outlet("apnews.com").as_deref(), Some("AP"));
        assert_eq!(
            w.agency_of_outlet("www.reuters.com").as_deref(),
            Some("Reuters")
        );
        assert_eq!(w.agency_of_outlet("Interfax").as_deref(), Some("Interfax"));
        assert_eq!(w.agency_of_outlet("nytimes.com"), None);
        let w = Wires::new(vec!["Interfax".into()]);
        assert_eq!(
            &*w.credits("MOSCOW (Interfax) - Talks began.")[0].agency,
            "Interfax"
        );
    }
}
