//! The words of a text as search sees them. `search.js` in the default theme
//! splits a reader's query by the same rules, so each rule here has its twin
//! there (keep them in step): the text is lowercased as a whole, a word is a run
//! of letters, digits and the marks written on them (Unicode `Alphabetic`,
//! `Numeric` or `Mark`, what JavaScript's `[\p{Alphabetic}\p{N}\p{M}]`
//! matches: a Hindi word goes on across its virama, `हिन्दी`, which is a mark
//! and not a letter), and words of one character, very long
//! words and the language's stop words are not indexed. Scripts written
//! without spaces between words (Chinese, Japanese kana, Thai, Lao, Burmese,
//! Khmer) are read in pairs
//! of characters instead (overlapping bigrams, a run of one character as
//! itself, the way search engines read such text without a dictionary:
//! `芯片供应` gives `芯片`, `片供` and `供应`, so a word in the middle of a
//! sentence is found, as the query's pairs are). Pure: no I/O.

use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use icu_properties::CodePointMapData;

use crate::text::is_english;
use crate::text::unspaced::{is_unspaced, stretches};

/// Shorter words are not indexed: single letters are possessive `s`, initials
/// and list markers, and match almost everything as a prefix.
pub(super) const MIN_CHARS: usize = 2;
/// Longer words are not indexed: hashes, long numbers, URLs run together.
pub(super) const MAX_CHARS: usize = 40;

/// Words so common in English prose that they find everything and rank
/// nothing. Indexing them would double the index for no reader's benefit.
const ENGLISH_STOP_WORDS: &[&str] = &[
    "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "from", "had", "has", "have",
    "he", "her", "his", "if", "in", "into", "is", "it", "its", "of", "on", "or", "our", "she",
    "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this",
    "those", "to", "was", "we", "were", "what", "when", "which", "while", "who", "will", "with",
    "would", "you", "your",
];

/// The stop words of a site written in `language` (an HTML language tag):
/// English ones for English, none for other languages, whose words would be
/// dropped by mistake.
pub(super) fn stop_words(language: &str) -> &'static [&'static str] {
    if is_english(language) {
        ENGLISH_STOP_WORDS
    } else {
        &[]
    }
}

/// `u.s.` → `us`, `e.g.` → `eg`: letters written with dots between them, as
/// one word. Alone, each letter is too short to index, and "U.S." would find
/// nothing. ASCII letters only, each one alone between dots, the first after
/// no other letter or digit and the last before none; `search.js` joins a
/// query's the same way (`ABBREVIATION`). Most texts have none: only a dot
/// right after a lone letter and before another is looked at.
pub(super) fn join_abbreviations(text: &mut String) {
    // Made only once an abbreviation turns up; `copied` is how far it holds
    // `text`.
    let mut joined: Option<String> = None;
    let mut copied = 0;
    for dot in memchr::memchr_iter(b'.', text.as_bytes()) {
        // A dot inside (or right after) the last abbreviation is part of it.
        let Some(start) = dot.checked_sub(1).filter(|&start| start >= copied) else {
            continue;
        };
        let Some(end) = abbreviation_at(text, start) else {
            continue;
        };
        let out = joined.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(&text[copied..start]);
        out.extend(text[start..end].chars().filter(|&c| c != '.'));
        copied = end;
    }
    if let Some(mut out) = joined {
        out.push_str(&text[copied..]);
        *text = out;
    }
}

/// Where the abbreviation starting at byte `at` of `text` ends (after its last
/// letter), if one does: `x.y`, `x.y.z`, … (see [`join_abbreviations`]).
fn abbreviation_at(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let letter = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
    // An ASCII letter first: then `at` is a character's start.
    if !letter(at) || text[..at].chars().next_back().is_some_and(is_word_char) {
        return None;
    }
    let mut last = at;
    while bytes.get(last + 1) == Some(&b'.')
        && letter(last + 2)
        && !text[last + 3..].chars().next().is_some_and(is_word_char)
    {
        last += 2;
    }
    (last > at).then_some(last + 1)
}

/// Calls `found` with each word of `lowercased` (a text already lowercased as
/// a whole, as the query is) of an indexable length, in order, repeats and stop
/// words included (the index drops stop words once, not per occurrence). Runs
/// of ASCII separators and of ASCII word bytes are each crossed by a tight loop
/// of their own, and only non-ASCII characters are decoded: the words of every
/// insight are read on every build (a state kept per byte cost twice as much,
/// and splitting by `char` a twentieth of a build).
pub(super) fn each_word<'t>(lowercased: &'t str, mut found: impl FnMut(&'t str)) {
    let bytes = lowercased.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii() && !bytes[at].is_ascii_alphanumeric() {
            at += 1;
            continue;
        }
        let start = at;
        let mut chars = 0;
        let mut unspaced = false;
        loop {
            while bytes.get(at).is_some_and(u8::is_ascii_alphanumeric) {
                at += 1;
                chars += 1;
            }
            let Some(c) = wide_word_char_at(lowercased, at) else {
                break;
            };
            unspaced = unspaced || is_unspaced(c);
            at += c.len_utf8();
            chars += 1;
        }
        if chars == 0 {
            // A character that is neither ASCII nor a letter or digit.
            at += lowercased[at..].chars().next().map_or(1, char::len_utf8);
        } else if unspaced {
            each_piece(&lowercased[start..at], &mut found);
        } else {
            emit(&lowercased[start..at], chars, &mut found);
        }
    }
}

/// The letter, digit or mark outside ASCII starting at byte `at` of `text`,
/// if one does.
fn wide_word_char_at(text: &str, at: usize) -> Option<char> {
    if text.as_bytes().get(at).is_none_or(u8::is_ascii) {
        return None;
    }
    text[at..].chars().next().filter(|&c| is_word_char(c))
}

/// Whether `c` belongs to a word: a letter, a digit, or a mark written on one
/// (accents that did not compose, Indic viramas and vowel signs).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || {
        let category = CodePointMapData::<GeneralCategory>::new().get(c);
        GeneralCategoryGroup::Mark.contains(category)
    }
}

/// The words of `run` (letters and digits, some of them unspaced): each
/// stretch of unspaced letters as its pairs of characters (one letter alone
/// as itself), each stretch of other letters and digits as a word.
fn each_piece<'t>(run: &'t str, found: &mut impl FnMut(&'t str)) {
    for (stretch, unspaced) in stretches(run) {
        if unspaced {
            each_pair(stretch, found);
        } else {
            emit(stretch, stretch.chars().count(), found);
        }
    }
}

/// Each pair of adjacent characters of `stretch`, in order; `stretch` itself
/// when it is one character.
fn each_pair<'t>(stretch: &'t str, found: &mut impl FnMut(&'t str)) {
    let mut ends = stretch
        .char_indices()
        .skip(1)
        .map(|(at, _)| at)
        .chain([stretch.len()]);
    let Some(mut second) = ends.next() else {
        return;
    };
    if second == stretch.len() {
        found(stretch);
        return;
    }
    let mut first = 0;
    for end in ends {
        found(&stretch[first..end]);
        (first, second) = (second, end);
    }
}

/// Hands `word` of `chars` characters to `found` if it is of an indexable length.
fn emit<'t>(word: &'t str, chars: usize, found: &mut impl FnMut(&'t str)) {
    if (MIN_CHARS..=MAX_CHARS).contains(&chars) {
        found(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::unspaced::{SOUTHEAST_ASIAN, WIDE};

    fn words(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        each_word(text, |w| out.push(w));
        out
    }

    #[test]
    fn words_are_runs_of_letters_and_digits_of_two_characters_or_more() {
        let text = "china’s h200 orders — the $1.10 price, e.g. in 2026: a pause".to_lowercase();
        assert_eq!(
            words(&text),
            ["china", "h200", "orders", "the", "10", "price", "in", "2026", "pause"]
        );
        let text = "Ärger über Zölle".to_lowercase();
        assert_eq!(words(&text), ["ärger", "über", "zölle"]);
        // A virama (U+094D) and vowel signs are marks: the words stay whole.
        assert_eq!(words("हिन्दी भाषा में"), ["हिन्दी", "भाषा", "में"]);
    }

    #[test]
    fn letters_with_dots_between_are_one_word() {
        let joined = |text: &str| {
            let mut text = text.to_string();
            join_abbreviations(&mut text);
            text
        };
        assert_eq!(
            joined("the u.s. and u.k., e.g. now"),
            "the us. and uk., eg. now"
        );
        assert_eq!(joined("—u.s.-china (a.i.)"), "—us.-china (ai.)");
        assert_eq!(joined("u.s.a"), "usa");
        // A word before, or more than one letter between dots, is no abbreviation.
        for text in [
            "plan a. b is next",
            "no.5",
            "u.sa",
            "3.5",
            "ab.c",
            "end.",
            "é.u.",
            "x.yéz",
        ] {
            assert_eq!(joined(text), text);
        }
        assert_eq!(joined("über u.s."), "über us.");
    }

    #[test]
    fn stop_words_are_english_only() {
        assert!(stop_words("en").contains(&"the"));
        assert!(stop_words("EN_us").contains(&"the"));
        assert!(stop_words("fr").is_empty());
    }

    /// Words as `each_word` finds them, by splitting at every `char` and
    /// pairing unspaced letters by their positions in a `Vec<char>`.
    fn words_by_char(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for word in text.split(|c: char| !is_word_char(c)) {
            let chars: Vec<char> = word.chars().collect();
            for stretch in chars.chunk_by(|a, b| is_unspaced(*a) == is_unspaced(*b)) {
                if !is_unspaced(stretch[0]) {
                    if (MIN_CHARS..=MAX_CHARS).contains(&stretch.len()) {
                        out.push(stretch.iter().collect());
                    }
                } else if stretch.len() == 1 {
                    out.push(stretch[0].to_string());
                } else {
                    out.extend(stretch.windows(2).map(|pair| pair.iter().collect()));
                }
            }
        }
        out
    }

    #[test]
    fn the_byte_scan_finds_the_words_a_split_by_char_finds() {
        let texts = [
            "china’s h200 orders — the $1.10 price, e.g. in 2026: a pause",
            "ärger über zölle; naïve café (déjà vu) ½ ² ٣٤ 二〇二六年 ﬁx",
            "华为芯片供应 h200芯片订单 鱼 東京の電力 한국 반도체 ab华cd",
            "𠀀𠀁x 々〆〇 ｶﾀｶﾅ ㇰㇱ",
            "e\u{301}té a\u{300} x \u{301}",
            "हिन्दी भाषा में खोज, বাংলা ভাষা, தமிழ்",
            "เชียงใหม่ ๒๕๖๙ ພາສາລາວ မြန်မာ ភាសាខ្មែរ",
            "",
            "a",
            "ab",
            "ééé",
            "trailing word",
            &"y".repeat(MAX_CHARS),
            &"é".repeat(MAX_CHARS + 1),
        ];
        for text in texts {
            assert_eq!(words(text), words_by_char(text), "{text:?}");
        }
    }

    #[test]
    fn unspaced_scripts_are_read_in_pairs_of_characters() {
        assert_eq!(
            words("华为芯片供应"),
            ["华为", "为芯", "芯片", "片供", "供应"]
        );
        assert_eq!(words("h200芯片订单"), ["h200", "芯片", "片订", "订单"]);
        assert_eq!(
            words("鱼 東京の電力"),
            ["鱼", "東京", "京の", "の電", "電力"]
        );
        // Korean is written with spaces: its words stay whole.
        assert_eq!(words("한국 반도체"), ["한국", "반도체"]);
        // Thai too is written without spaces between words, its vowel signs
        // and tone marks (marks) in pairs like any character.
        assert_eq!(words("ภาษาไทย"), ["ภา", "าษ", "ษา", "าไ", "ไท", "ทย"]);
        assert_eq!(words("ใหม่"), ["ให", "หม", "ม่"]);
    }

    /// `search.js` splits a query by the same ranges.
    #[test]
    fn the_script_knows_the_same_unspaced_ranges() {
        let script = include_str!("../../../themes/default/static/search.js");
        let class: String = SOUTHEAST_ASIAN
            .iter()
            .chain(&WIDE)
            .map(|&(low, high)| format!("{}-{}", js_escape(low), js_escape(high)))
            .collect();
        assert!(
            script.contains(&format!("var UNSPACED = /[{class}]/u;")),
            "search.js has no UNSPACED class [{class}]"
        );
    }

    /// `search.js` splits a query into words of the same characters.
    #[test]
    fn the_script_knows_the_same_word_characters() {
        let script = include_str!("../../../themes/default/static/search.js");
        assert!(script.contains(r"split(/[^\p{Alphabetic}\p{N}\p{M}]+/u)"));
        assert!(script.contains(r#""(?<![\\p{Alphabetic}\\p{N}\\p{M}])""#));
        // and joins letters with dots between them as `join_abbreviations` does.
        assert!(script.contains(
            r"var ABBREVIATION = /(?<![\p{Alphabetic}\p{N}\p{M}])[a-z](?:\.[a-z])+(?![\p{Alphabetic}\p{N}\p{M}])/gu;"
        ));
    }

    fn js_escape(c: char) -> String {
        let code = u32::from(c);
        if code > 0xffff {
            format!("\\u{{{code:x}}}")
        } else {
            format!("\\u{code:04x}")
        }
    }

    #[test]
    fn very_long_words_are_not_indexed() {
        let long = "x".repeat(MAX_CHARS + 1);
        assert!(words(&format!("ok {long}")).eq(&["ok"]));
    }
}
