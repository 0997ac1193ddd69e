//! The words a theme shows (navigation, "The top 5 insights of the day", the
//! search page's messages, email footers), in the site's `language`. A theme
//! keeps them in `words/<language>.toml` beside its templates; brief reads the
//! English file, then the file of the language (`pt`), then of the language
//! and region (`pt-BR`), each over the last, and finally the site's own
//! `[words]` in config.toml: a language file may leave phrases out (they stay
//! English) and a site may change single phrases. Templates read the phrases
//! as `words` and fill them in with the `say` filter, which picks a phrase's
//! plural form by the language's CLDR rules (ICU's data, already brief's for
//! dates). Part of the theme stage; knows nothing of pages.

use std::collections::{BTreeMap, BTreeSet};
#[cfg(test)]
use std::path::Path;
use std::sync::Arc;

use icu_plurals::{PluralCategory, PluralRules};
use tera::{Filter, Kwargs, State, TeraResult, Value};

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::escape::write_html_escaped;
use crate::hints::{closest, find_key_line, toml_diagnostic};
use crate::text::dates::locale_of;
use crate::text::is_english;

mod fold;

pub(crate) use fold::{source_col, Fold, Folded, Shift};

/// The language whose file every theme must have, with every phrase.
pub(crate) const FALLBACK_LANGUAGE: &str = "en";

/// The plural forms a phrase may have, as CLDR names them.
const FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// One phrase: a text, or a text per plural form (`other` always among them).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Phrase {
    Text(String),
    Forms(BTreeMap<String, String>),
}

/// A words file as read: where it came from (for messages) and its text.
pub(crate) struct WordsFile {
    pub(crate) path: std::path::PathBuf,
    pub(crate) text: String,
}

/// The phrases of a site's language, and its plural rules.
pub(crate) struct Words {
    phrases: BTreeMap<String, Phrase>,
    rules: Arc<PluralRules>,
}

impl Words {
    /// The phrases for `config.language` from the theme's words files
    /// (`files`: name without `.toml` → the files of that name, the built-in
    /// theme's first), then the config's `[words]`.
    pub(crate) fn load(
        files: &BTreeMap<String, Vec<WordsFile>>,
        config: &Config,
    ) -> Result<Words, Diagnostics> {
        let mut phrases = BTreeMap::new();
        let mut errors = Diagnostics::default();
        // The phrases still in English when every file is read.
        let mut english = BTreeSet::new();
        for name in file_names(&config.language) {
            for file in files.get(&name).into_iter().flatten() {
                let read = read_file(file, &mut phrases, &mut errors);
                if name == FALLBACK_LANGUAGE {
                    english.extend(read);
                } else {
                    english.retain(|key| !read.contains(key));
                }
            }
        }
        errors.into_result()?;
        apply_overrides(&config.words, config, &mut phrases)?;
        english.retain(|key| !config.words.contains_key(key));
        if !is_english(&config.language) {
            for key in &english {
                if let Some(Phrase::Forms(forms)) = phrases.get_mut(key) {
                    count_as_english(forms);
                }
            }
        }
        // The config's own key for the one phrase brief fills in most.
        if let Some(title) = &config.issue_title {
            phrases.insert("issue_title".into(), Phrase::Text(title.clone()));
        }
        Ok(Words {
            phrases,
            rules: Arc::new(plural_rules(&config.language)),
        })
    }

    /// The words as the templates' `words`: strings, and maps of plural forms.
    pub(crate) fn value(&self) -> Value {
        let map: tera::Map = self
            .phrases
            .iter()
            .map(|(key, phrase)| (key.clone().into(), phrase_value(phrase)))
            .collect();
        Value::from(map)
    }

    /// Phrase `key` with its placeholders filled from `values` (for text brief
    /// makes itself: page titles, feed titles, email footers; a phrase of
    /// plural forms gives its `other`). A key the theme lacks is printed as
    /// itself, as a template would show it missing.
    pub(crate) fn say(&self, key: &str, values: &[(&str, &str)]) -> String {
        let text = match self.phrases.get(key) {
            Some(Phrase::Text(text)) => text,
            Some(Phrase::Forms(forms)) => forms.get("other").map_or("", String::as_str),
            None => return key.to_string(),
        };
        let mut out = String::with_capacity(text.len() + 32);
        for (before, name) in pieces(text) {
            out.push_str(before);
            let Some(name) = name else { continue };
            match values.iter().find(|(k, _)| *k == name) {
                Some((_, value)) => out.push_str(value),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            }
        }
        out
    }

    /// The `say` filter of the templates, sharing these words' plural rules.
    pub(crate) fn filter(&self) -> Say {
        Say {
            rules: Arc::clone(&self.rules),
            small: (0..SMALL_COUNTS as u64)
                .map(|n| self.rules.category_for(n))
                .collect(),
        }
    }

    /// A template's `words.NAME` read in now (see [`fold`]).
    pub(crate) fn fold(&self, template: &str) -> Folded {
        fold::fold(template, |name, said| match self.phrases.get(name) {
            Some(Phrase::Text(text)) => Fold::Phrase(text.clone()),
            Some(Phrase::Forms(forms)) if said => Fold::Phrase(encode_forms(forms)),
            Some(Phrase::Forms(_)) => Fold::Keep,
            None => Fold::Unknown,
        })
    }

    /// The phrase name closest to `name`, for a "did you mean".
    pub(crate) fn closest_name(&self, name: &str) -> Option<&str> {
        closest(name, self.phrases.keys().map(String::as_str))
    }

    /// A hash of every phrase: pages must be made again when one changes.
    pub(crate) fn fingerprint(&self) -> u64 {
        crate::fingerprint::hash_of(&self.phrases)
    }
}

/// The files a site in `language` reads, from the fallback up: `en`, then
/// `pt`, then `pt-BR` (each only once, and only if a tag can be made of it).
fn file_names(language: &str) -> Vec<String> {
    let mut names = vec![FALLBACK_LANGUAGE.to_string()];
    if let Some(locale) = locale_of(language) {
        let primary = locale.id.language.to_string();
        let full = locale.to_string();
        for name in [primary, full] {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// The cardinal plural rules of `language`, English's if ICU has none.
fn plural_rules(language: &str) -> PluralRules {
    locale_of(language)
        .and_then(|locale| PluralRules::try_new_cardinal((&locale).into()).ok())
        .unwrap_or_else(|| {
            PluralRules::try_new_cardinal(icu_locale_core::locale!("en").into())
                .expect("ICU's compiled data has English")
        })
}

/// English plural forms kept for a site in another language (a phrase its
/// language's file lacks): picked as English picks them, not by that
/// language's rules, which would give "The top 1 insights" in Japanese (one
/// form for every count). English tells only 1 (`one`) from the rest, so
/// `one` becomes the exact form `=1`, which every language's rules honour.
fn count_as_english(forms: &mut BTreeMap<String, String>) {
    if let Some(one) = forms.remove("one") {
        forms.entry("=1".to_string()).or_insert(one);
    }
}

/// Reads one words file into `phrases`, each of its phrases over the one
/// before it of the same name. Returns the names it read.
fn read_file(
    file: &WordsFile,
    phrases: &mut BTreeMap<String, Phrase>,
    errors: &mut Diagnostics,
) -> Vec<String> {
    let table: toml::Table = match toml::from_str(&file.text) {
        Ok(table) => table,
        Err(e) => {
            errors.push(toml_diagnostic(&e, &file.text, &file.path, 0));
            return Vec::new();
        }
    };
    let mut read = Vec::with_capacity(table.len());
    for (key, value) in table {
        match phrase_of(&key, &value) {
            Ok(phrase) => {
                read.push(key.clone());
                phrases.insert(key, phrase);
            }
            Err(problem) => errors.push(
                Diagnostic::error(format!("phrase `{key}` {problem}"))
                    .at(&file.path)
                    .line(find_key_line(&file.text, &key).unwrap_or(1))
                    .hint(phrase_hint(&key)),
            ),
        }
    }
    read
}

/// How to write phrase `key`.
fn phrase_hint(key: &str) -> &'static str {
    match key {
        "issue_title" => "write a title such as \"Issue #{number} — {date}\"",
        _ => PHRASE_HINT,
    }
}

const PHRASE_HINT: &str =
    "write a string, or a table of plural forms such as { one = \"{n} insight\", other = \"{n} insights\" }";

/// The site's `[words]` over the theme's: each must name a phrase the theme
/// has (a typo must not pass silently), with a string or plural forms.
fn apply_overrides(
    overrides: &toml::Table,
    config: &Config,
    phrases: &mut BTreeMap<String, Phrase>,
) -> Result<(), Diagnostics> {
    if overrides.is_empty() {
        return Ok(());
    }
    // Only a mistake needs the lines: read the config again for them then.
    let text = std::fs::read_to_string(&config.path).unwrap_or_default();
    let at = |key: &str, message: String| {
        Diagnostic::error(message)
            .at(&config.path)
            .line(find_key_line(&text, key).unwrap_or(1))
    };
    let mut errors = Diagnostics::default();
    for (key, value) in overrides {
        if !phrases.contains_key(key) {
            let hint = match closest(key, phrases.keys().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`? The theme's phrases are in its words/{FALLBACK_LANGUAGE}.toml"),
                None => format!("the theme's phrases are in its words/{FALLBACK_LANGUAGE}.toml (the README lists the default theme's)"),
            };
            errors.push(at(key, format!("unknown phrase `words.{key}`")).hint(hint));
            continue;
        }
        match phrase_of(key, value) {
            Ok(phrase) => {
                phrases.insert(key.clone(), phrase);
            }
            Err(problem) => {
                errors.push(at(key, format!("`words.{key}` {problem}")).hint(phrase_hint(key)))
            }
        }
    }
    errors.into_result().map(|_| ())
}

/// A TOML value as a phrase, or what is wrong with it (in words that fit
/// after its name).
fn phrase_of(key: &str, value: &toml::Value) -> Result<Phrase, String> {
    let phrase = any_phrase_of(value)?;
    // The one phrase brief fills in itself, with names of its own.
    if key == "issue_title" {
        let Phrase::Text(text) = &phrase else {
            return Err("has plural forms, but an issue's title has one form".into());
        };
        crate::config::issue_title::check(text)
            .map_err(|problem| format!("is not a title: {problem}"))?;
    }
    Ok(phrase)
}

/// A TOML value as a phrase of any name.
fn any_phrase_of(value: &toml::Value) -> Result<Phrase, String> {
    match value {
        toml::Value::String(text) => Ok(Phrase::Text(phrase_text(text)?)),
        toml::Value::Table(table) => {
            let mut forms = BTreeMap::new();
            for (form, text) in table {
                if !FORMS.contains(&form.as_str()) && !is_exact_form_name(form) {
                    return Err(format!(
                        "has a plural form `{form}`, which no language has (there are {}, and `=N` for the count N alone)",
                        FORMS.join(", ")
                    ));
                }
                let Some(text) = text.as_str() else {
                    return Err(format!("has a plural form `{form}` that is not a string"));
                };
                forms.insert(form.clone(), phrase_text(text)?);
            }
            if !forms.contains_key("other") {
                return Err("has plural forms but no `other`, which every language uses".into());
            }
            Ok(Phrase::Forms(forms))
        }
        _ => Err("is neither a string nor a table of plural forms".into()),
    }
}

/// `text` as a phrase's text: no control character but line breaks and tabs
/// (two of them mark folded plural forms, see [`FORMS_MARK`]).
fn phrase_text(text: &str) -> Result<String, String> {
    if text.contains(|c: char| c.is_control() && c != '\n' && c != '\t') {
        return Err("holds a control character".into());
    }
    Ok(text.to_string())
}

/// Whether `form` is an exact form: `=` and a count as digits (`=0`, `=1`,
/// no leading zero), which comes before the language's categories, as in
/// ICU's messages.
fn is_exact_form_name(form: &str) -> bool {
    form.strip_prefix('=').is_some_and(|digits| {
        digits.bytes().all(|b| b.is_ascii_digit())
            && digits.parse::<u64>().is_ok_and(|n| n.to_string() == digits)
    })
}

/// Whether `form` is the exact form for `n` (`=3` for 3), given `n`'s digits.
fn is_exact_form(form: &str, digits: Option<&str>) -> bool {
    digits.is_some_and(|digits| form.strip_prefix('=') == Some(digits))
}

/// Marks the start of plural forms written as one string, and ends a form's
/// name: control characters no phrase may hold (see [`phrase_of`]).
const FORMS_MARK: char = '\u{1}';
const FORM_END: char = '\u{2}';

/// Plural forms as one string, for a template literal that `say` reads
/// (see [`fold`]): each form's name and text, each behind [`FORMS_MARK`].
fn encode_forms(forms: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (form, text) in forms {
        out.push(FORMS_MARK);
        out.push_str(form);
        out.push(FORM_END);
        out.push_str(text);
    }
    out
}

/// The text of the exact form for the count with `digits`, else of form
/// `name`, else of `other`, of forms written by [`encode_forms`] (`encoded`
/// without its first mark).
fn decode_form<'e>(encoded: &'e str, digits: Option<&str>, name: &str) -> &'e str {
    let (mut named, mut other) = (None, "");
    for form in encoded.split(FORMS_MARK) {
        let (form, text) = form.split_once(FORM_END).unwrap_or((form, ""));
        if is_exact_form(form, digits) {
            return text;
        }
        if form == name {
            named = Some(text);
        }
        if form == "other" {
            other = text;
        }
    }
    named.unwrap_or(other)
}

fn phrase_value(phrase: &Phrase) -> Value {
    match phrase {
        Phrase::Text(text) => Value::from(text.as_str()),
        Phrase::Forms(forms) => {
            let map: tera::Map = forms
                .iter()
                .map(|(form, text)| (form.clone().into(), Value::from(text.as_str())))
                .collect();
            Value::from(map)
        }
    }
}

fn category_name(category: PluralCategory) -> &'static str {
    match category {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// The pieces of `text`: each run of text with the `{name}` after it, then
/// the rest with none. A `{` that is never closed is text.
fn pieces(text: &str) -> impl Iterator<Item = (&str, Option<&str>)> + '_ {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        let bytes = text.as_bytes();
        let open = memchr::memchr(b'{', bytes);
        let close = open.and_then(|open| memchr::memchr(b'}', &bytes[open..]).map(|c| open + c));
        match (open, close) {
            (Some(open), Some(close)) => {
                rest = Some(&text[close + 1..]);
                Some((&text[..open], Some(&text[open + 1..close])))
            }
            _ => {
                rest = None;
                Some((text, None))
            }
        }
    })
}

/// `{{ words.insights | say(n=3) }}`, `{{ words.page_of | say(n=2, total=9) }}`:
/// the phrase's form for the count `n` (a phrase of one form is that form),
/// with `{n}` and every other `{name}` filled from the arguments. In an HTML
/// template the phrase is escaped and so is each value, unless it is safe
/// (a link made with `{% set %}…{% endset %}`), and the result is safe; in a
/// plain-text template nothing is escaped.
pub(crate) struct Say {
    rules: Arc<PluralRules>,
    /// The category of each count below [`SMALL_COUNTS`].
    small: Vec<PluralCategory>,
}

const SMALL_COUNTS: usize = 1000;

impl Filter<&Value, TeraResult<Value>> for Say {
    fn call(&self, phrase: &Value, kwargs: Kwargs, state: &State) -> TeraResult<Value> {
        // Arguments are few: found by a scan, not by hashing their names.
        let argument = |name: &str| {
            kwargs
                .iter()
                .find(|(key, _)| key.as_str() == Some(name))
                .map(|(_, value)| value)
        };
        let n = match argument("n") {
            Some(value) => Some(value.as_u64().ok_or_else(|| {
                // Text in quotes: `"3"` is not the count 3.
                let shown = value
                    .as_str()
                    .map_or_else(|| value.to_string(), |text| format!("{text:?}"));
                tera::Error::message(format!(
                    "`say`: n must be a count (a whole number of 0 or more), not {shown}"
                ))
            })?),
            None => None,
        };
        let text = self.form(phrase, n);
        let escaping = state.autoescaping_enabled();
        // Written as bytes, each piece escaped in place: every page says a few
        // phrases, so no piece gets a string of its own.
        let mut out = Vec::with_capacity(text.len() + 32);
        for (before, name) in pieces(text) {
            write_text(&mut out, before, escaping);
            let Some(name) = name else { continue };
            match (name, n, argument(name)) {
                ("n", Some(n), _) => {
                    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes())
                }
                (_, _, Some(value)) => write_value(&mut out, value, escaping),
                _ => {
                    out.push(b'{');
                    write_text(&mut out, name, escaping);
                    out.push(b'}');
                }
            }
        }
        let out = String::from_utf8(out).expect("pieces of strings are UTF-8");
        Ok(match escaping {
            true => Value::from(out).mark_safe(),
            false => Value::from(out),
        })
    }
}

impl Say {
    /// The text of `phrase` for the count `n`: a string as it is; of plural
    /// forms (a map, or a folded literal), the form the count takes.
    fn form<'v>(&self, phrase: &'v Value, n: Option<u64>) -> &'v str {
        let name = || n.map_or("other", |n| category_name(self.category(n)));
        let mut buffer = itoa::Buffer::new();
        let digits = n.map(|n| buffer.format(n));
        if let Some(map) = phrase.as_map() {
            let form = |wanted: &dyn Fn(&str) -> bool| {
                map.iter()
                    .find(|(key, _)| key.as_str().is_some_and(wanted))
                    .and_then(|(_, text)| text.as_str())
            };
            return form(&|key| is_exact_form(key, digits))
                .or_else(|| form(&|key| key == name()))
                .or_else(|| form(&|key| key == "other"))
                .unwrap_or_default();
        }
        let text = phrase.as_str().unwrap_or_default();
        match text.strip_prefix(FORMS_MARK) {
            Some(encoded) => decode_form(encoded, digits, name()),
            None => text,
        }
    }

    /// The plural category of `n`, looked up for the small counts pages show.
    fn category(&self, n: u64) -> PluralCategory {
        usize::try_from(n)
            .ok()
            .and_then(|i| self.small.get(i).copied())
            .unwrap_or_else(|| self.rules.category_for(n))
    }
}

fn write_text(out: &mut Vec<u8>, text: &str, escaping: bool) {
    if escaping {
        write_html_escaped(text, out).expect("writing to memory cannot fail");
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// A value as a template prints it: escaped in HTML unless it is safe.
fn write_value(out: &mut Vec<u8>, value: &Value, escaping: bool) {
    let escape = escaping && !value.is_safe();
    match (value.as_str(), value.as_i64()) {
        (Some(text), _) => write_text(out, text, escape),
        (None, Some(number)) => {
            out.extend_from_slice(itoa::Buffer::new().format(number).as_bytes())
        }
        (None, None) => write_text(out, &value.to_string(), escape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        Config::parse(text, Path::new("config.toml")).expect("a valid config")
    }

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, Vec<WordsFile>> {
        let mut files: BTreeMap<String, Vec<WordsFile>> = BTreeMap::new();
        for (language, text) in list {
            files
                .entry(language.to_string())
                .or_default()
                .push(WordsFile {
                    path: format!("words/{language}.toml").into(),
                    text: text.to_string(),
                });
        }
        files
    }

    /// `template`, plain text, rendered as a theme renders it: its phrases
    /// read in, then `say`.
    fn render(words: &Words, template: &str) -> String {
        let mut tera = tera::Tera::default();
        tera.register_filter("say", words.filter());
        tera.global_context().insert("words", &words.value());
        tera.add_raw_template("t.txt", &words.fold(template).text)
            .unwrap();
        tera.render("t.txt", &tera::Context::new()).unwrap()
    }

    const EN: &str = r#"
issues = "Issues"
insights = { one = "{n} insight", other = "{n} insights" }
page_of = "Page {n} of {total}"
"#;

    #[test]
    fn a_language_reads_english_then_its_own_then_its_region() {
        assert_eq!(file_names("en"), ["en"]);
        assert_eq!(file_names("de"), ["en", "de"]);
        assert_eq!(file_names("pt_BR"), ["en", "pt", "pt-BR"]);
        let files = files(&[
            ("en", EN),
            ("pt", "issues = \"Edições\""),
            (
                "pt-BR",
                "insights = { one = \"{n} ideia\", other = \"{n} ideias\" }",
            ),
        ]);
        let words = Words::load(&files, &config("language = \"pt-BR\"")).unwrap();
        assert_eq!(render(&words, "{{ words.issues }}"), "Edições");
        assert_eq!(
            render(&words, "{{ words.insights | say(n=2) }}"),
            "2 ideias"
        );
        // What no file of the language has stays English.
        let page = "{{ words.page_of | say(n=2, total=9) }}";
        assert_eq!(render(&words, page), "Page 2 of 9");
        // Brief's own text: a name without a value stays as written.
        assert_eq!(words.say("page_of", &[("total", "9")]), "Page {n} of 9");
    }

    #[test]
    fn plural_forms_follow_the_language() {
        let files = files(&[("en", EN)]);
        let count = |words: &Words, n: u64| {
            // Read in when the theme loads, and looked up in `words`.
            let folded = render(words, &format!("{{{{ words.insights | say(n={n}) }}}}"));
            let looked_up = format!("{{% set w = words %}}{{{{ w.insights | say(n={n}) }}}}");
            assert_eq!(render(words, &looked_up), folded);
            folded
        };
        let english = Words::load(&files, &config("")).unwrap();
        assert_eq!(count(&english, 0), "0 insights");
        assert_eq!(count(&english, 1), "1 insight");
        assert_eq!(count(&english, 1001), "1001 insights");
        // French counts 0 as one; a form a phrase lacks falls back to `other`.
        let files = self::files(&[
            ("en", EN),
            (
                "fr",
                "insights = { one = \"{n} idée\", other = \"{n} idées\" }",
            ),
            (
                "ru",
                "insights = { one = \"{n} мысль\", few = \"{n} мысли\", other = \"{n} мыслей\" }",
            ),
        ]);
        let french = Words::load(&files, &config("language = \"fr\"")).unwrap();
        assert_eq!(count(&french, 0), "0 idée");
        assert_eq!(count(&french, 2), "2 idées");
        let russian = Words::load(&files, &config("language = \"ru\"")).unwrap();
        assert_eq!(russian.rules.category_for(3_u64), PluralCategory::Few);
        assert_eq!(count(&russian, 3), "3 мысли");
        assert_eq!(count(&russian, 5), "5 мыслей");
    }

    /// English words a language's file lacks keep English grammar: Japanese
    /// has one form for every count, and its rules alone would say "1 insights".
    #[test]
    fn english_words_in_another_language_count_as_english() {
        let files = files(&[("en", EN), ("fr", "issues = \"Numéros\"")]);
        for language in ["ja", "fr"] {
            let words =
                Words::load(&files, &config(&format!("language = \"{language}\""))).unwrap();
            let count = |n: u64| render(&words, &format!("{{{{ words.insights | say(n={n}) }}}}"));
            assert_eq!(count(1), "1 insight", "{language}");
            assert_eq!(count(0), "0 insights", "{language}");
            assert_eq!(count(3), "3 insights", "{language}");
        }
    }

    #[test]
    fn exact_forms_are_counts_written_plainly() {
        for good in ["=0", "=1", "=12"] {
            assert!(is_exact_form_name(good), "{good}");
        }
        for bad in [
            "=",
            "=01",
            "=-1",
            "=1.5",
            "=x",
            "1",
            "=99999999999999999999999",
        ] {
            assert!(!is_exact_form_name(bad), "{bad}");
        }
    }

    /// A form `=N` is the count N's alone, before the language's categories.
    #[test]
    fn an_exact_form_comes_before_the_category() {
        let files = files(&[("en", EN)]);
        let words = Words::load(
            &files,
            &config("[words]\ninsights = { \"=0\" = \"No insights yet\", one = \"{n} insight\", other = \"{n} insights\" }"),
        )
        .unwrap();
        let count = |n: u64| render(&words, &format!("{{{{ words.insights | say(n={n}) }}}}"));
        assert_eq!(count(0), "No insights yet");
        assert_eq!(count(1), "1 insight");
        assert_eq!(count(10), "10 insights");
        let looked_up = "{% set w = words %}{{ w.insights | say(n=0) }}";
        assert_eq!(render(&words, looked_up), "No insights yet");
    }

    #[test]
    fn a_site_changes_single_phrases_and_a_typo_is_named() {
        let files = files(&[("en", EN)]);
        let site = config("[words]\nissues = \"Editions\"");
        let words = Words::load(&files, &site).unwrap();
        assert_eq!(render(&words, "{{ words.issues }}"), "Editions");
        let typo = config("[words]\nisues = \"Editions\"");
        let message = Words::load(&files, &typo).err().unwrap().to_string();
        assert!(
            message.contains("unknown phrase `words.isues`"),
            "{message}"
        );
        assert!(message.contains("did you mean `issues`?"), "{message}");
    }

    #[test]
    fn a_phrase_is_a_string_or_plural_forms_with_other() {
        let refusal = |text: &str| {
            let files = files(&[("en", text)]);
            Words::load(&files, &config("")).err().unwrap().to_string()
        };
        assert!(refusal("a = 3").contains("phrase `a` is neither a string nor a table"));
        assert!(refusal("a = \"x\\u0001\"").contains("phrase `a` holds a control character"));
        assert!(refusal("a = { one = \"x\" }").contains("no `other`"));
        assert!(refusal("a = { un = \"x\", other = \"y\" }").contains("plural form `un`"));
        assert!(refusal("a = { one = 1, other = \"y\" }").contains("not a string"));
        let shape = config("[words]\nissues = { one = \"x\" }");
        let message = Words::load(&files(&[("en", EN)]), &shape).err().unwrap();
        assert!(message
            .to_string()
            .contains("`words.issues` has plural forms but no `other`"));
    }

    #[test]
    fn say_fills_names_and_escapes_only_html() {
        let words = Words::load(&files(&[("en", EN)]), &config("")).unwrap();
        let mut tera = tera::Tera::default();
        tera.autoescape_on([".html"]);
        tera.register_filter("say", words.filter());
        tera.global_context().insert("words", &words.value());
        let template = "{% set link %}<a href=\"/\">x</a>{% endset %}\
            {{ words.insights | say(n=count) }} {{ words.page_of | say(n=1, total=name) }} \
            {{ \"{link} {missing}\" | say(link=link) }}";
        tera.add_raw_templates([("t.html", template), ("t.txt", template)])
            .unwrap();
        let mut context = tera::Context::new();
        context.insert("count", &1);
        context.insert("name", "<b>");
        assert_eq!(
            tera.render("t.html", &context).unwrap(),
            "1 insight Page 1 of &lt;b&gt; <a href=\"/\">x</a> {missing}"
        );
        context.insert("count", &5);
        assert_eq!(
            tera.render("t.txt", &context).unwrap(),
            "5 insights Page 1 of <b> <a href=\"/\">x</a> {missing}"
        );
    }

    /// `n` must be a count; text that looks like one is shown quoted.
    #[test]
    fn say_refuses_a_count_that_is_not_one() {
        let words = Words::load(&files(&[("en", EN)]), &config("")).unwrap();
        let mut tera = tera::Tera::default();
        tera.register_filter("say", words.filter());
        tera.global_context().insert("words", &words.value());
        tera.add_raw_template("t.txt", "{{ words.insights | say(n=\"3\") }}")
            .unwrap();
        let err = tera.render("t.txt", &tera::Context::new()).unwrap_err();
        let chain = format!("{err:?}");
        assert!(
            chain.contains(r#"not \"3\""#) || chain.contains(r#"not "3""#),
            "{chain}"
        );
    }
}
