//! Scripts written without spaces between words: Chinese characters and
//! Japanese kana. Where English text has words, such text has runs of
//! characters, so search reads it in pairs of characters and import compares
//! it character by character.

/// Letters of scripts written without spaces between words: the ideographic
/// iteration and zero marks (`々`, `〆`, `〇`), Hiragana and Katakana, the CJK
/// ideographs (with extension A, the compatibility ideographs and extensions B
/// and later) and halfwidth Katakana. `search.js` in the default theme holds
/// the same ranges as a character class (a test keeps the two in step).
pub(crate) const UNSPACED: [(char, char); 9] = [
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

/// Whether `c` is a letter of a script written without spaces ([`UNSPACED`]).
pub(crate) fn is_unspaced(c: char) -> bool {
    !c.is_ascii()
        && UNSPACED
            .iter()
            .any(|&(low, high)| (low..=high).contains(&c))
}
