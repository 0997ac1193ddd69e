//! Scripts written without spaces between words: Chinese characters, Japanese
//! kana, Thai, Lao, Burmese and Khmer. Where English text has words, such text
//! has runs of characters, so search reads it in pairs of characters and
//! import compares it character by character. Chinese and Japanese characters
//! are also wide (two columns in a terminal or a plain-text email), and a line
//! may break between any two of them.

/// Letters of Chinese and Japanese: the ideographic iteration and zero marks
/// (`々`, `〆`, `〇`), Hiragana and Katakana, the CJK ideographs (with
/// extension A, the compatibility ideographs and extensions B and later) and
/// halfwidth Katakana.
pub(crate) const WIDE: [(char, char); 9] = [
    ('\u{3005}', '\u{3007}'),
    ('\u{3040}', '\u{30ff}'),
    ('\u{31f0}', '\u{31ff}'),
    ('\u{3400}', '\u{4dbf}'),
    ('\u{4e00}', '\u{9fff}'),
    ('\u{f900}', '\u{faff}'),
    ('\u{ff66}', '\u{ff9f}'),
    ('\u{20000}', '\u{2fa1f}'),
    ('\u{30000}', '\u{323af}'),
];

/// The Thai, Lao, Myanmar (Burmese) and Khmer blocks: scripts written without
/// spaces between words (a space ends a phrase or a sentence), whose vowel
/// signs and tone marks are combining marks on the letter before them. Their
/// characters are one column wide, and a line breaks only at spaces.
pub(crate) const SOUTHEAST_ASIAN: [(char, char); 4] = [
    ('\u{0e00}', '\u{0e7f}'),
    ('\u{0e80}', '\u{0eff}'),
    ('\u{1000}', '\u{109f}'),
    ('\u{1780}', '\u{17ff}'),
];

/// Whether `c` is a letter of a script written without spaces ([`WIDE`] or
/// [`SOUTHEAST_ASIAN`]). `search.js` in the default theme holds the same
/// ranges as a character class (a test keeps the two in step).
pub(crate) fn is_unspaced(c: char) -> bool {
    !c.is_ascii() && (is_wide(c) || within(&SOUTHEAST_ASIAN, c))
}

/// Whether `c` is a Chinese or Japanese letter ([`WIDE`]).
pub(crate) fn is_wide(c: char) -> bool {
    !c.is_ascii() && within(&WIDE, c)
}

fn within(ranges: &[(char, char)], c: char) -> bool {
    ranges.iter().any(|&(low, high)| (low..=high).contains(&c))
}

/// The stretches of `word` (letters and digits, no spaces), in order: each
/// with whether its letters are unspaced (`h200芯片` → `h200`, then `芯片`).
pub(crate) fn stretches(word: &str) -> impl Iterator<Item = (&str, bool)> {
    let mut rest = word;
    std::iter::from_fn(move || {
        let unspaced = is_unspaced(rest.chars().next()?);
        let end = rest
            .char_indices()
            .find(|&(_, c)| is_unspaced(c) != unspaced)
            .map_or(rest.len(), |(at, _)| at);
        let (stretch, after) = rest.split_at(end);
        rest = after;
        Some((stretch, unspaced))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_splits_into_stretches_of_unspaced_letters_and_others() {
        let all: Vec<(&str, bool)> = stretches("h200芯片ab东京").collect();
        assert_eq!(
            all,
            [
                ("h200", false),
                ("芯片", true),
                ("ab", false),
                ("东京", true)
            ]
        );
        assert_eq!(stretches("").count(), 0);
    }
}
