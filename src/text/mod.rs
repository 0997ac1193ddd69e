//! Reading insight text as an editor does: where sentences end, what an
//! insight's lead sentence is and what follows it in the Markdown, and the
//! headline made from it. Pure functions over strings; a leaf below `content`
//! (which offers the lead split on an insight) and `import` (which makes
//! headlines); and which scripts are written without spaces, and text in
//! composed form, for search and import; and how the site's language writes
//! dates and which way it runs, for the pages.

pub(crate) mod dates;
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

/// Whether `language` (a language tag, `-` or `_` between subtags) is
/// English: `en`, `en-GB`, `EN_us`.
pub(crate) fn is_english(language: &str) -> bool {
    language
        .split(['-', '_'])
        .next()
        .is_some_and(|primary| primary.eq_ignore_ascii_case("en"))
}

/// Languages written right to left (ISO 639 codes): Arabic, Aramaic, Sorani
/// Kurdish, Dhivehi, Persian, Hebrew (and its old code), Kashmiri, Pashto,
/// Sindhi, Syriac, Uyghur, Urdu, Yiddish.
const RTL_LANGUAGES: &[&str] = &[
    "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi",
];

/// Scripts written right to left (ISO 15924, as a language tag's script
/// subtag: `pa-Arab`): Arabic, Hebrew, Thaana, Syriac, N'Ko, Adlam, Hanifi Rohingya.
const RTL_SCRIPTS: &[&str] = &["arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"];

/// The writing direction of text in `language` (a language tag): `"rtl"` for
/// a language or script written right to left (`ar`, `he`, `fa`, `ur`,
/// `pa-Arab`, …; `ar-Latn` is not), else `"ltr"`.
pub(crate) fn direction_of(language: &str) -> &'static str {
    let mut subtags = language.split(['-', '_']).map(str::to_ascii_lowercase);
    let primary = subtags.next().unwrap_or_default();
    let script = subtags.find(|s| s.len() == 4 && s.bytes().all(|b| b.is_ascii_alphabetic()));
    let rtl = match script {
        Some(script) => RTL_SCRIPTS.contains(&script.as_str()),
        None => RTL_LANGUAGES.contains(&primary.as_str()),
    };
    if rtl {
        "rtl"
    } else {
        "ltr"
    }
}
