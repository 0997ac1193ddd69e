//! The words of a text as search sees them. `search.js` in the default theme
//! splits a reader's query by the same rules, so each rule here has its twin
//! there (keep them in step): the text is lowercased as a whole, a word is a run
//! of letters and digits (Unicode `Alphabetic` or `Numeric`, what JavaScript's
//! `[\p{Alphabetic}\p{N}]` matches), and words of one character, very long
//! words and the language's stop words are not indexed. Pure: no I/O.

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
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    if primary.eq_ignore_ascii_case("en") {
        ENGLISH_STOP_WORDS
    } else {
        &[]
    }
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
        while let Some(width) = word_char_at(lowercased, at) {
            at += width;
            chars += 1;
        }
        if chars == 0 {
            // A character that is neither ASCII nor a letter or digit.
            at += lowercased[at..].chars().next().map_or(1, char::len_utf8);
        } else {
            emit(&lowercased[start..at], chars, &mut found);
        }
    }
}

/// The width in bytes of the letter or digit starting at byte `at` of `text`,
/// if one does.
fn word_char_at(text: &str, at: usize) -> Option<usize> {
    let b = *text.as_bytes().get(at)?;
    if b.is_ascii() {
        return b.is_ascii_alphanumeric().then_some(1);
    }
    let c = text[at..].chars().next()?;
    c.is_alphanumeric().then(|| c.len_utf8())
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
    }

    #[test]
    fn stop_words_are_english_only() {
        assert!(stop_words("en").contains(&"the"));
        assert!(stop_words("EN_us").contains(&"the"));
        assert!(stop_words("fr").is_empty());
    }

    /// Words as `each_word` found them by splitting at every `char`.
    fn words_by_char(text: &str) -> Vec<&str> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| (MIN_CHARS..=MAX_CHARS).contains(&w.chars().count()))
            .collect()
    }

    #[test]
    fn the_byte_scan_finds_the_words_a_split_by_char_finds() {
        let texts = [
            "china’s h200 orders — the $1.10 price, e.g. in 2026: a pause",
            "ärger über zölle; naïve café (déjà vu) ½ ² ٣٤ 二〇二六年 ﬁx",
            "e\u{301}té a\u{300} x",
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
    fn very_long_words_are_not_indexed() {
        let long = "x".repeat(MAX_CHARS + 1);
        assert!(words(&format!("ok {long}")).eq(&["ok"]));
    }
}
