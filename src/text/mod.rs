//! Reading insight text as an editor does: where sentences end, what an
//! insight's lead sentence is and what follows it in the Markdown, and the
//! headline made from it. Pure functions over strings; a leaf below `content`
//! (which offers the lead split on an insight) and `import` (which makes
//! headlines); and which scripts are written without spaces, and text in
//! composed form, for search and import.

pub(crate) mod headline;
pub(crate) mod lead;
pub(crate) mod sentences;
pub(crate) mod unspaced;

use std::borrow::Cow;

/// `text` in Unicode's composed form (NFC): `é` as one character, as
/// keyboards type it, also where the text has `e` and a combining accent (as
/// some systems and PDF exports write it). Search reads text in this form, and
/// its script normalizes a query the same way.
pub(crate) fn composed(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    icu_normalizer::ComposingNormalizerBorrowed::new_nfc().normalize(text)
}

/// The letters and digits of `text`, lowercased: what two texts must share to
/// say the same words, whatever their case, punctuation, spacing or Markdown.
pub(crate) fn folded(text: &str) -> String {
    folded_chars(text).collect()
}

/// The characters of [`folded`], one by one.
pub(crate) fn folded_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
}
