//! What an insight's text says about it: a title from its first sentence, a slug
//! from the title, and topics from the configured keywords. Pure functions.

use std::collections::HashMap;

use crate::config::Topic;
use crate::content::{normalize, slugify};

/// Titles longer than this are cut on a word boundary.
const TITLE_MAX: usize = 90;
/// Slugs longer than this are cut on a dash: URLs stay readable.
const SLUG_MAX: usize = 60;

/// Words that end in a dot without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "vs", "etc", "mr", "mrs", "ms", "dr", "prof", "st", "inc", "ltd", "corp", "co",
    "jr", "sr", "no", "approx",
];

/// The title of an insight: its first sentence, without the final stop, at most
/// [`TITLE_MAX`] characters cut on a word boundary (marked with `…`).
pub(crate) fn title_of(text: &str) -> String {
    // A title is plain text: Markdown emphasis and code marks would show literally.
    let plain = text.trim().replace(['*', '`'], "");
    let sentence = first_sentence(&plain);
    let sentence = sentence.trim_end_matches(['.', '!', '?', ' ']);
    if sentence.chars().count() <= TITLE_MAX {
        return sentence.to_string();
    }
    // Up to TITLE_MAX characters and the one after, so that a word ending
    // exactly at the limit is kept.
    let limit = sentence
        .char_indices()
        .nth(TITLE_MAX + 1)
        .map_or(sentence.len(), |(i, _)| i);
    let cut = sentence[..limit]
        .rfind(char::is_whitespace)
        .map_or(&sentence[..limit], |i| &sentence[..i]);
    format!("{}…", cut.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

/// Text up to the first `.`, `!` or `?` that ends a sentence: followed by
/// whitespace then an uppercase letter, digit or quote, and not ending a known
/// abbreviation or an initial (`U.S.`, `e.g.`, `J.`).
fn first_sentence(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        if !matches!(c, '.' | '!' | '?') || !bytes.get(i + 1).is_some_and(u8::is_ascii_whitespace) {
            continue;
        }
        let next = text[i + 1..].trim_start().chars().next();
        let starts_sentence =
            next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || "\"'“‘(".contains(n));
        if starts_sentence && !(c == '.' && is_abbreviation(&text[..i])) {
            return &text[..=i];
        }
    }
    text
}

fn is_abbreviation(before_dot: &str) -> bool {
    let word = before_dot
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    let single_letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    word.contains('.') || single_letter || ABBREVIATIONS.contains(&word.to_lowercase().as_str())
}

/// A slug for `title` that `taken` does not hold: the title's slug, else with
/// `-2`, `-3`, … appended. Stable: the same title and taken set give the same slug.
pub(crate) fn new_slug(title: &str, id: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = base_slug(title, id);
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !taken(s))
        .expect("an unbounded range has a free suffix")
}

/// The slug of `title`, at most [`SLUG_MAX`] characters cut on a dash. Text
/// without ASCII letters or digits falls back to `insight-<id>`.
fn base_slug(title: &str, id: &str) -> String {
    // `China's` → `chinas` and `U.S.` → `us`; a dash or any other symbol
    // separates words (`slugify` alone would glue `utility—free` into one).
    let words: String = title
        .chars()
        .filter(|c| !matches!(c, '\'' | '’' | '.'))
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let slug = slugify(&words);
    if slug.is_empty() {
        return format!("insight-{id}");
    }
    if slug.len() <= SLUG_MAX {
        return slug;
    }
    let cut = slug[..SLUG_MAX].rfind('-').unwrap_or(SLUG_MAX);
    slug[..cut].to_string()
}

/// One keyword: its words, the last of which may be a prefix (`export control*`).
#[derive(Debug)]
struct Keyword {
    words: Vec<String>,
    prefix: bool,
}

impl Keyword {
    fn parse(keyword: &str) -> Option<Keyword> {
        let trimmed = keyword.trim();
        let prefix = trimmed.ends_with('*');
        let words: Vec<String> = normalize(trimmed)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect();
        (!words.is_empty()).then_some(Keyword { words, prefix })
    }

    /// Whole-word match of the keyword starting at `text[at]`.
    fn matches_at(&self, text: &[&str], at: usize) -> bool {
        let Some(window) = text.get(at..at + self.words.len()) else {
            return false;
        };
        let last = self.words.len() - 1;
        window
            .iter()
            .zip(&self.words)
            .enumerate()
            .all(|(i, (w, k))| {
                if self.prefix && i == last {
                    w.starts_with(k.as_str())
                } else {
                    w == k
                }
            })
    }
}

/// The configured topics compiled once for matching many insights: keywords are
/// looked up by their first word, so each word of a text costs one hash lookup
/// plus a check of the one-word prefixes (`sanction*`), whatever the keyword count.
#[derive(Debug)]
pub(crate) struct TopicMatcher {
    slugs: Vec<String>,
    by_first_word: HashMap<String, Vec<(usize, Keyword)>>,
    prefixes: Vec<(usize, String)>,
}

impl TopicMatcher {
    pub(crate) fn new(topics: &[Topic]) -> Self {
        let mut matcher = TopicMatcher {
            slugs: topics.iter().map(|t| t.slug.clone()).collect(),
            by_first_word: HashMap::new(),
            prefixes: Vec::new(),
        };
        for (topic, t) in topics.iter().enumerate() {
            for keyword in t.keywords.iter().filter_map(|k| Keyword::parse(k)) {
                if keyword.prefix && keyword.words.len() == 1 {
                    matcher.prefixes.push((topic, keyword.words[0].clone()));
                } else {
                    let first = keyword.words[0].clone();
                    matcher
                        .by_first_word
                        .entry(first)
                        .or_default()
                        .push((topic, keyword));
                }
            }
        }
        matcher
    }

    /// Slugs of every topic with a keyword in `normalized` (text passed through
    /// [`normalize`], so `open-source` matches `open source` and `NVIDIA's`
    /// matches `nvidia`), in config order.
    pub(crate) fn topics_of(&self, normalized: &str) -> Vec<String> {
        let words: Vec<&str> = normalized.split(' ').collect();
        let mut hit = vec![false; self.slugs.len()];
        for (at, word) in words.iter().enumerate() {
            for (topic, keyword) in self.by_first_word.get(*word).into_iter().flatten() {
                hit[*topic] = hit[*topic] || keyword.matches_at(&words, at);
            }
            for (topic, prefix) in &self.prefixes {
                hit[*topic] = hit[*topic] || word.starts_with(prefix.as_str());
            }
        }
        self.slugs
            .iter()
            .zip(hit)
            .filter(|(_, hit)| *hit)
            .map(|(slug, _)| slug.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_the_first_sentence_without_its_stop() {
        assert_eq!(title_of("China leads. It also serves."), "China leads");
        assert_eq!(
            title_of("While the U.S. AI strategy pursues profits, China commoditizes. More."),
            "While the U.S. AI strategy pursues profits, China commoditizes"
        );
        assert_eq!(
            title_of("Costs fall (e.g. Kimi). Then more."),
            "Costs fall (e.g. Kimi)"
        );
        assert_eq!(
            title_of("Prices are $1.10 vs. $10 today"),
            "Prices are $1.10 vs. $10 today"
        );
        assert_eq!(
            title_of("**Huawei** ships `Ascend`. More."),
            "Huawei ships Ascend"
        );
    }

    #[test]
    fn long_titles_are_cut_on_a_word_boundary() {
        let text = "DeepSeek explicitly stated its already low API prices will drop further once domestic chip production from Huawei ramps up. Next.";
        let title = title_of(text);
        assert_eq!(title, "DeepSeek explicitly stated its already low API prices will drop further once domestic chip…");
        assert!(title.chars().count() <= TITLE_MAX + 1);
    }

    #[test]
    fn slugs_are_made_unique_with_a_number() {
        let taken = ["china-leads", "china-leads-2"];
        assert_eq!(
            new_slug("China leads", "ab", |s| taken.contains(&s)),
            "china-leads-3"
        );
        assert_eq!(
            new_slug("China follows", "ab", |s| taken.contains(&s)),
            "china-follows"
        );
    }

    #[test]
    fn slugs_are_short_and_never_empty() {
        assert_eq!(
            base_slug("China leads in open-source AI", "ab"),
            "china-leads-in-open-source-ai"
        );
        let long = base_slug(&"word ".repeat(30), "ab");
        assert!(long.len() <= SLUG_MAX && !long.ends_with('-'), "{long}");
        assert_eq!(base_slug("中国", "ab12"), "insight-ab12");
        assert_eq!(
            base_slug("China's utility—free (U.S. AI)", "ab"),
            "chinas-utility-free-us-ai"
        );
    }

    fn topic(slug: &str, keywords: &[&str]) -> Topic {
        Topic {
            slug: slug.into(),
            name: slug.into(),
            description: String::new(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn topics_match_whole_words_phrases_and_prefixes() {
        let m = TopicMatcher::new(&[
            topic("nvidia", &["NVIDIA"]),
            topic("moe", &["mixture of experts"]),
            topic("export-controls", &["export control*", "sanction*"]),
            topic("open-source", &["open source"]),
            topic("ai", &["AI"]),
        ]);
        let topics_of = |text: &str| m.topics_of(&normalize(text));
        assert_eq!(topics_of("NVIDIA's H20 chips"), ["nvidia"]);
        assert_eq!(topics_of("a \"Mixture of Experts\" design"), ["moe"]);
        assert_eq!(
            m.topics_of("US export controls and sanctions"),
            ["export-controls"]
        );
        assert_eq!(topics_of("open-source models"), ["open-source"]);
        assert_eq!(
            m.topics_of("said nvidiaX, mixture of expert, exportcontrol"),
            Vec::<String>::new()
        );
        assert_eq!(topics_of("the AIM of it; Ai labs"), ["ai"]);
    }
}
