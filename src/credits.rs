//! Wire credits: where an article's own text says its copy came from.
//!
//! Agencies announce themselves in a handful of ways: datelines
//! ("WASHINGTON (AP) —"), bylines ("By Reuters"), credit lines
//! ("(Reporting by ...; Editing by ...)" is Reuters' house style), and
//! attributions ("The Associated Press contributed to this report", "as
//! reported by the Yonhap news agency", "via Associated Press"). These are
//! the strongest evidence of direction there is: a copy that credits AP
//! came from AP.

use regex::Regex;
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
    /// Canonical agency name ("AP", "Reuters", "Yonhap").
    pub agency: String,
    pub kind: CreditKind,
    /// The words as written.
    pub text: String,
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
    patterns: Vec<(CreditKind, Regex)>,
}

impl Default for Wires {
    fn default() -> Wires {
        Wires::new(Vec::new())
    }
}

impl Wires {
    pub fn new(extra: Vec<String>) -> Wires {
        let mut wires = Wires {
            extra,
            patterns: Vec::new(),
        };
        wires.patterns = build_patterns(&wires.alternation());
        wires
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

    fn alternation(&self) -> String {
        let mut names: Vec<String> = AGENCIES
            .iter()
            .flat_map(|(_, n)| n.iter().map(|s| regex::escape(s)))
            .collect();
        names.extend(self.extra.iter().map(|s| regex::escape(s)));
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        names.join("|")
    }

    fn canonical(&self, written: &str) -> String {
        // "(Reporting by ...; Editing by ...)" is Reuters' credit line.
        if written.starts_with("(Reporting") {
            return "Reuters".to_owned();
        }
        for (canonical, names) in AGENCIES {
            if names.iter().any(|n| n.eq_ignore_ascii_case(written)) {
                return (*canonical).to_owned();
            }
        }
        written.to_owned()
    }

    /// Every credit in `text`, in order of position.
    pub fn credits(&self, text: &str) -> Vec<Credit> {
        let mut out: Vec<Credit> = Vec::new();
        for (kind, re) in &self.patterns {
            for caps in re.captures_iter(text) {
                let (Some(whole), Some(agency)) = (caps.get(0), caps.name("agency")) else {
                    continue;
                };
                out.push(Credit {
                    agency: self.canonical(agency.as_str()),
                    kind: *kind,
                    text: whole.as_str().trim().to_owned(),
                    start: whole.start(),
                    end: whole.end(),
                });
            }
        }
        out.sort_by_key(|a| (a.start, a.kind));
        out.dedup_by(|b, a| a.start <= b.start && b.start < a.end);
        out
    }
}

fn build_patterns(agencies: &str) -> Vec<(CreditKind, Regex)> {
    let a = format!(r"(?P<agency>{agencies})");
    let compile = |p: String| Regex::new(&p).expect("credit patterns are valid");
    vec![
        (
            CreditKind::Dateline,
            compile(format!(
                r"(?m)^[A-Z][\p{{L}}\d.'’/, -]{{1,50}}\({a}\)\s*(?:--|-|–|—)"
            )),
        ),
        (
            CreditKind::Byline,
            compile(format!(
                r"(?mi)^\s*(?:by|from)\s+(?:the\s+)?{a}(?:\s+staff)?\s*$"
            )),
        ),
        (
            CreditKind::CreditLine,
            compile(r"(?P<agency>\(Reporting by)[^)\n]{1,300}\)".to_owned()),
        ),
        (
            CreditKind::Contributed,
            compile(format!(
                r"(?:The\s+)?{a}\s+contributed\s+to\s+this\s+(?:report|story|article)"
            )),
        ),
        (
            CreditKind::ReportedBy,
            compile(format!(
                r"(?i:as\s+reported\s+by|reported\s+by|according\s+to)\s+(?:the\s+)?{a}(?:'s)?(?:\s+news\s+agency)?\b"
            )),
        ),
        (
            CreditKind::Via,
            compile(format!(r"\b(?i:via)\s+(?:the\s+)?{a}\b")),
        ),
        (
            CreditKind::Copyright,
            compile(format!(
                r"(?:©|\(c\)|(?i:copyright))\s*(?:\d{{4}}\s+)?(?:The\s+)?{a}\b"
            )),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agencies(text: &str) -> Vec<(String, CreditKind)> {
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
            w.credits("MOSCOW (Interfax) - Talks began.")[0].agency,
            "Interfax"
        );
    }
}
