//! What an insight's text says about it: a title from its first sentence, a slug
//! from the title, and topics from the configured keywords. Pure functions.

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
    let sentence = first_sentence(text.trim());
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

    /// Whole-word match anywhere in `text` (already split into lowercase words).
    fn matches(&self, text: &[&str]) -> bool {
        let n = self.words.len();
        text.windows(n).any(|window| {
            window
                .iter()
                .zip(&self.words)
                .enumerate()
                .all(|(i, (w, k))| {
                    if self.prefix && i == n - 1 {
                        w.starts_with(k.as_str())
                    } else {
                        w == k
                    }
                })
        })
    }
}

/// The configured topics compiled once for matching many insights.
#[derive(Debug)]
pub(crate) struct TopicMatcher {
    topics: Vec<(String, Vec<Keyword>)>,
}

impl TopicMatcher {
    pub(crate) fn new(topics: &[Topic]) -> Self {
        let topics = topics
            .iter()
            .map(|t| {
                (
                    t.slug.clone(),
                    t.keywords
                        .iter()
                        .filter_map(|k| Keyword::parse(k))
                        .collect(),
                )
            })
            .collect();
        TopicMatcher { topics }
    }

    /// Slugs of every topic with a keyword in `text`, in config order. Words are
    /// what [`normalize`] makes of the text, so `open-source` matches `open source`
    /// and `NVIDIA's` matches `nvidia`.
    pub(crate) fn topics_of(&self, text: &str) -> Vec<String> {
        let normalized = normalize(text);
        let words: Vec<&str> = normalized.split(' ').collect();
        self.topics
            .iter()
            .filter(|(_, keywords)| keywords.iter().any(|k| k.matches(&words)))
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
        assert_eq!(m.topics_of("NVIDIA's H20 chips"), ["nvidia"]);
        assert_eq!(m.topics_of("a \"Mixture of Experts\" design"), ["moe"]);
        assert_eq!(
            m.topics_of("US export controls and sanctions"),
            ["export-controls"]
        );
        assert_eq!(m.topics_of("open-source models"), ["open-source"]);
        assert_eq!(
            m.topics_of("said nvidiaX, mixture of expert, exportcontrol"),
            Vec::<String>::new()
        );
        assert_eq!(m.topics_of("the AIM of it; Ai labs"), ["ai"]);
    }
}
