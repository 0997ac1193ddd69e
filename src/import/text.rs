//! What an insight's text says about it beyond its headline (which
//! [`crate::text::headline`] makes): a slug from the headline, and topics from
//! the configured keywords. Pure functions.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::config::Topic;
use crate::content::{normalize, slugify};
use crate::text::unspaced::is_unspaced;

/// Slugs longer than this are cut on a dash: URLs stay readable.
const SLUG_MAX: usize = 60;

/// A headline slug holds at most this many words…
const SHORT_SLUG_WORDS: usize = 6;
/// …and this many characters.
const SHORT_SLUG_MAX: usize = 50;

/// Words a headline slug leaves out: they carry grammar, not meaning. (`us` is
/// not among them: it is how `U.S.` reads in a slug.)
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "against", "all", "also", "am", "among", "an", "and", "any",
    "are", "as", "at", "be", "because", "been", "before", "being", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "either", "even",
    "every", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "his",
    "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may", "me", "might",
    "more", "most", "much", "must", "my", "neither", "no", "nor", "not", "of", "off", "on", "once",
    "only", "onto", "or", "other", "our", "out", "over", "own", "per", "same", "shall", "she",
    "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "through", "thus", "to", "under", "up", "very", "via", "was",
    "we", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose",
    "why", "will", "with", "without", "would", "yet", "you", "your",
];

/// Endings of adverbs (`deliberately`, `strategically`, `reportedly`) that a
/// headline slug leaves out; words shorter than 8 letters (`supply`, `family`)
/// are kept whatever their ending.
const ADVERB_ENDINGS: &[&str] = &["ally", "ely", "tly", "ily", "gly", "sly", "dly"];

/// A slug for a new insight's `headline` that `taken` does not hold: its
/// meaningful words (see [`headline_slug`]), with `-2`, `-3`, … when taken.
pub(crate) fn new_headline_slug(headline: &str, id: &str, taken: impl Fn(&str) -> bool) -> String {
    unique(headline_slug(headline, id), taken)
}

/// The meaningful words of `headline` (stop words and adverbs left out), at
/// most [`SHORT_SLUG_WORDS`] of them and [`SHORT_SLUG_MAX`] characters: "AI lab
/// DeepSeek deliberately delayed a major model release…" →
/// `ai-lab-deepseek-delayed-major-model`. Falls back to the whole headline's
/// slug when it has no such word, and to `insight-<id>` when it has no word.
fn headline_slug(headline: &str, id: &str) -> String {
    let words = slug_words(headline);
    // The stop words and adverb endings are English: a headline in another
    // script keeps every word (spelled in ASCII, `an` of 安全 is no article).
    let latin = headline
        .chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| u32::from(c) < LATIN_END);
    let meaningful = words.iter().filter(|w| !latin || is_meaningful(w));
    // A script without spaces (Chinese, Japanese, Thai) spells each letter as
    // a syllable: only the length counts, or six would cut its second word.
    let most = match headline.chars().any(is_unspaced) {
        true => usize::MAX,
        false => SHORT_SLUG_WORDS,
    };
    let mut slug = String::new();
    for word in meaningful.take(most) {
        if !slug.is_empty() && slug.len() + 1 + word.len() > SHORT_SLUG_MAX {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    if slug.is_empty() {
        return base_slug(headline, id);
    }
    // A first word longer than the limit on its own.
    if slug.len() > SHORT_SLUG_MAX {
        let cut = slug[..SHORT_SLUG_MAX].rfind('-').unwrap_or(SHORT_SLUG_MAX);
        slug.truncate(cut);
    }
    slug
}

/// The end of the Latin letters (ASCII to Latin Extended-B): a headline of
/// these alone is read as English for its stop words.
const LATIN_END: u32 = 0x250;

/// The words of `text` as slug parts: lowercase ASCII, apostrophes and dots
/// inside words dropped (`China's` → `chinas`, `U.S.` → `us`; the backtick
/// ASCII spells Arabic's ayn with), a hyphenated compound kept as one
/// (`open-source`).
fn slug_words(text: &str) -> Vec<String> {
    let spaced: String = spelled_in_ascii(text)
        .chars()
        .filter(|&c| !inside_a_word(c))
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect();
    spaced
        .split_whitespace()
        .map(slugify)
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether `c` is dropped from slugs as part of a word, not a break between
/// words: apostrophes and dots (`China's`, `U.S.`), and the backtick ASCII
/// spells Arabic's ayn with.
fn inside_a_word(c: char) -> bool {
    matches!(c, '\'' | '’' | '.' | '`')
}

/// `text` with its letters and digits outside ASCII spelled in ASCII (`Über` →
/// `Uber`, `économie` → `economie`, `芯片` → `Xin Pian`), punctuation left as
/// it is: slugs keep to ASCII, and leaving such letters out made `ber` of
/// `Über` and no slug at all of a headline in Chinese.
fn spelled_in_ascii(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match deunicode::deunicode_char(c) {
            _ if c.is_ascii() => out.push(c),
            // A syllable of Chinese comes with a space after it: words apart.
            Some(ascii) if c.is_alphanumeric() => out.push_str(ascii),
            // A combining accent (`e` + U+0301 is how some systems write `é`)
            // is part of its letter, not a break between words.
            Some("") => {}
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn is_meaningful(word: &str) -> bool {
    let adverb = word.len() >= 8 && ADVERB_ENDINGS.iter().any(|e| word.ends_with(e));
    !adverb && !STOP_WORDS.contains(&word)
}

/// A slug for `title` that `taken` does not hold: the title's slug, else with
/// `-2`, `-3`, … appended. Stable: the same title and taken set give the same slug.
/// `base`, else `base-2`, `base-3`, …: the first that `taken` does not hold.
fn unique(base: String, taken: impl Fn(&str) -> bool) -> String {
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
    let words: String = spelled_in_ascii(title)
        .chars()
        .filter(|&c| !inside_a_word(c))
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
///
/// A keyword in Chinese or Japanese characters matches wherever it occurs in
/// the text: those scripts put no spaces around words, so there is no whole
/// word to find.
#[derive(Debug)]
pub(crate) struct TopicMatcher {
    slugs: Vec<String>,
    by_first_word: HashMap<String, Vec<(usize, Keyword)>>,
    prefixes: Vec<(usize, String)>,
    unspaced: Vec<(usize, String)>,
}

impl TopicMatcher {
    pub(crate) fn new(topics: &[Topic]) -> Self {
        let mut matcher = TopicMatcher {
            slugs: topics.iter().map(|t| t.slug.clone()).collect(),
            by_first_word: HashMap::new(),
            prefixes: Vec::new(),
            unspaced: Vec::new(),
        };
        for (topic, t) in topics.iter().enumerate() {
            for keyword in t.keywords.iter().filter_map(|k| Keyword::parse(k)) {
                let text = keyword.words.join(" ");
                if text.contains(is_unspaced) {
                    matcher.unspaced.push((topic, text));
                } else if keyword.prefix && keyword.words.len() == 1 {
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
        for (topic, keyword) in &self.unspaced {
            hit[*topic] = hit[*topic] || normalized.contains(keyword.as_str());
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
    fn headline_slugs_keep_the_meaningful_words() {
        assert_eq!(
            headline_slug("AI lab DeepSeek deliberately delayed a major model release to re-engineer its inference capabilities for Huawei's hardware", "ab"),
            "ai-lab-deepseek-delayed-major-model"
        );
        assert_eq!(
            headline_slug(
                "While the U.S. AI strategy pursues a 'winner-take-all' model",
                "ab"
            ),
            "us-ai-strategy-pursues-winner-take-all-model"
        );
        assert_eq!(
            headline_slug(
                "China's pause on Nvidia H200 chip orders is not a permanent ban",
                "ab"
            ),
            "chinas-pause-nvidia-h200-chip-orders"
        );
        assert_eq!(headline_slug("It is what it is", "ab"), "it-is-what-it-is");
        assert_eq!(headline_slug("中国", "ab12"), "zhong-guo");
        // English stop words are English: "an" of 安全 and "you" of 由 stay,
        // and a script without spaces has no words to count, only letters.
        assert_eq!(
            headline_slug("安全问题再次引发关注。", "ab12"),
            "an-quan-wen-ti-zai-ci-yin-fa-guan-zhu"
        );
        // Arabic's ayn is spelled with a backtick, no break between words.
        assert_eq!(headline_slug("تعتمد الصناعة", "ab12"), "ttmd-lsn");
        assert_eq!(headline_slug("¿?", "ab12"), "insight-ab12");
        let long = headline_slug(&format!("{} chips", "x".repeat(70)), "ab");
        assert!(long.len() <= SHORT_SLUG_MAX, "{long}");
        for headline in [
            "Supply of family chips",
            "The only way: strategically, reportedly",
        ] {
            let slug = headline_slug(headline, "ab");
            assert!(
                slug.len() <= SHORT_SLUG_MAX && !slug.contains("--"),
                "{slug}"
            );
        }
        assert_eq!(
            headline_slug("Supply of family chips", "ab"),
            "supply-family-chips"
        );
    }

    #[test]
    fn letters_outside_ascii_are_spelled_in_ascii() {
        assert_eq!(
            headline_slug("Über die Zukunft der Chips — 芯片 im Überblick", "ab"),
            // Letters without spaces among them: only the length counts.
            "uber-die-zukunft-der-chips-xin-pian-im-uberblick"
        );
        assert_eq!(
            base_slug("L'économie française ralentit, dit l'État", "ab"),
            "leconomie-francaise-ralentit-dit-letat"
        );
        assert_eq!(base_slug("芯片出口管制", "ab"), "xin-pian-chu-kou-guan-zhi");
        assert_eq!(
            base_slug("Straße in Ørsted’s plan", "ab"),
            "strasse-in-orsteds-plan"
        );
        // Decomposed accents (as some systems write them) break no word.
        assert_eq!(
            base_slug("E\u{301}conomie u\u{308}ber", "ab"),
            "economie-uber"
        );
        // Punctuation still separates words, as it did.
        assert_eq!(base_slug("utility—free «AI»", "ab"), "utility-free-ai");
    }

    #[test]
    fn slugs_are_made_unique_with_a_number() {
        let taken = ["china-leads", "china-leads-2"];
        assert_eq!(
            new_headline_slug("China leads", "ab", |s| taken.contains(&s)),
            "china-leads-3"
        );
        assert_eq!(
            new_headline_slug("China follows", "ab", |s| taken.contains(&s)),
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
        assert_eq!(base_slug("中国", "ab12"), "zhong-guo");
        assert_eq!(base_slug("— ¿? —", "ab12"), "insight-ab12");
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

    #[test]
    fn chinese_and_japanese_keywords_match_inside_a_sentence() {
        let m = TopicMatcher::new(&[
            topic("chips", &["芯片", "半導体"]),
            topic("huawei", &["华为", "Huawei"]),
            topic("energy", &["電力*"]),
        ]);
        let topics_of = |text: &str| m.topics_of(&normalize(text));
        assert_eq!(
            topics_of("深度求索将API降价与华为芯片供应挂钩。"),
            ["chips", "huawei"]
        );
        assert_eq!(
            topics_of("日本の電力会社は半導体工場と契約した。"),
            ["chips", "energy"]
        );
        assert_eq!(topics_of("价格下调。"), Vec::<String>::new());
        // Thai too puts no spaces between words.
        let m = TopicMatcher::new(&[topic("chips", &["ชิป"])]);
        assert_eq!(m.topics_of(&normalize("ราคาชิปในเชียงใหม่ลดลง")), ["chips"]);
    }
}
