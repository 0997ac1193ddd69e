//! Every mistake serde finds in `config.toml`, not only the first. serde stops
//! at the first unknown key or wrong type; a run lists every one, so each key
//! of the file (each key of a section; each `[[topics]]` and `[[deploy.rules]]`
//! entry, and key by key an entry that does not read) is read on its own, the
//! others taking their defaults, and placed by its span in the file. The keys
//! that read are kept, so the values can then be checked as usual: a misspelt
//! key does not hide a bad time zone either.

use std::path::Path;

use serde::de::DeserializeOwned;
use toml_edit::{Item, Key, TableLike};

use super::deploy::credential_error;
use crate::error::{line_col, Diagnostics};
use crate::hints::toml_mistake;

/// The sections whose keys are read one by one: every key of them has a
/// default. (`[extra]` and `[words]` take any key; `[[topics]]` entries have
/// keys without defaults, and are read as a [`List`].)
const SECTIONS: [&str; 5] = ["feeds", "import", "markdown", "email", "deploy"];

/// What of a config reads.
pub(super) struct KeysThatRead {
    /// The config without the keys (and entries) that do not read.
    pub(super) kept: toml::Table,
    /// A mistake for each of those.
    pub(super) mistakes: Diagnostics,
    /// Whether every `[[topics]]` entry read.
    pub(super) topics_intact: bool,
}

/// `text` as a table without the keys that `T` (the raw config) refuses, and
/// a mistake for each of those; `None` when the file is not TOML at all, which
/// the parser's own message says best.
pub(super) fn keys_that_read<T: DeserializeOwned>(text: &str, path: &Path) -> Option<KeysThatRead> {
    let table: toml::Table = toml::from_str(text).ok()?;
    let document = toml_edit::Document::parse(text).ok()?;
    let mut check = Check {
        text,
        path,
        errors: Diagnostics::default(),
    };
    let mut kept = toml::Table::new();
    let mut topics_intact = true;
    for (key, value) in table {
        let (key_at, item) = match document.get_key_value(&key) {
            Some((k, item)) => (Some(k), Some(item)),
            None => (None, None),
        };
        let value = match value {
            toml::Value::Table(section) if SECTIONS.contains(&key.as_str()) => {
                let mut kept_section = toml::Table::new();
                for (sub, sub_value) in section {
                    let inner = item
                        .and_then(Item::as_table_like)
                        .and_then(|t| t.get_key_value(&sub));
                    let wrap = |v: toml::Value| one_key(&key, toml::Value::Table(one_key(&sub, v)));
                    match sub_value {
                        toml::Value::Array(entries) if sub == "rules" => {
                            let entries = List {
                                entries,
                                item: inner.map(|(_, i)| i),
                                required: &["pattern"],
                            };
                            let rules = check.entries_that_read::<T>(entries, &wrap);
                            kept_section.insert(sub, toml::Value::Array(rules));
                        }
                        sub_value => {
                            let (k, i) = (inner.map(|(k, _)| k), inner.map(|(_, i)| i));
                            if check.reads::<T>(wrap(sub_value.clone()), k, i) {
                                kept_section.insert(sub, sub_value);
                            }
                        }
                    }
                }
                toml::Value::Table(kept_section)
            }
            toml::Value::Array(entries) if key == "topics" => {
                let count = entries.len();
                let entries = List {
                    entries,
                    item,
                    required: &["slug", "name"],
                };
                let topics = check.entries_that_read::<T>(entries, &|v| one_key(&key, v));
                topics_intact = topics.len() == count;
                toml::Value::Array(topics)
            }
            value => {
                if !check.reads::<T>(one_key(&key, value.clone()), key_at, item) {
                    continue;
                }
                value
            }
        };
        kept.insert(key, value);
    }
    Some(KeysThatRead {
        kept,
        mistakes: check.errors,
        topics_intact,
    })
}

/// An array of tables (`[[topics]]`, `[[deploy.rules]]`) as read, where it
/// is in the file, and the keys each entry must have.
struct List<'a> {
    entries: Vec<toml::Value>,
    item: Option<&'a Item>,
    required: &'static [&'static str],
}

/// The mistakes found so far, and where to place them.
struct Check<'a> {
    text: &'a str,
    path: &'a Path,
    errors: Diagnostics,
}

impl Check<'_> {
    /// Whether the table `one` (a key and its value) reads as a `T`; if not,
    /// the mistake is noted at the key (an unknown key) or at its value.
    fn reads<T: DeserializeOwned>(
        &mut self,
        one: toml::Table,
        key: Option<&Key>,
        item: Option<&Item>,
    ) -> bool {
        let unknown = toml::Value::Table(one.clone())
            .try_into::<T>()
            .err()
            .is_some_and(|e| e.message().starts_with("unknown field"));
        let span = if unknown {
            key.and_then(Key::span)
        } else {
            item.and_then(Item::span)
        };
        self.reads_at::<T>(one, span)
    }

    /// The entries of `list` that read, `wrap` putting an array of entries
    /// where it goes in the config. An entry that does not is read key by key
    /// (its required keys given stand-ins), so each of its mistakes is noted
    /// at its own line, and each required key it lacks at the entry.
    fn entries_that_read<T: DeserializeOwned>(
        &mut self,
        list: List,
        wrap: &dyn Fn(toml::Value) -> toml::Table,
    ) -> Vec<toml::Value> {
        let mut kept = Vec::new();
        for (n, entry) in list.entries.into_iter().enumerate() {
            let whole = wrap(toml::Value::Array(vec![entry.clone()]));
            if toml::Value::Table(whole.clone()).try_into::<T>().is_ok() {
                kept.push(entry);
                continue;
            }
            let span = list.item.and_then(|i| entry_span(i, n));
            let toml::Value::Table(fields) = &entry else {
                self.reads_at::<T>(whole, span);
                continue;
            };
            let table = list.item.and_then(|i| entry_table(i, n));
            for (key, value) in fields {
                let mut alone: toml::Table = list
                    .required
                    .iter()
                    .map(|r| (r.to_string(), toml::Value::String("x".into())))
                    .collect();
                alone.insert(key.clone(), value.clone());
                let at = table.and_then(|t| t.get_key_value(key));
                let one = wrap(toml::Value::Array(vec![toml::Value::Table(alone)]));
                self.reads::<T>(one, at.map(|(k, _)| k), at.map(|(_, i)| i));
            }
            for missing in list.required.iter().filter(|r| !fields.contains_key(**r)) {
                self.note(format!("missing field `{missing}`"), span.clone());
            }
        }
        kept
    }

    /// Notes the mistake `message` at the start of `span`.
    fn note(&mut self, message: String, span: Option<std::ops::Range<usize>>) {
        let at = span.map(|s| line_col(self.text, s.start));
        let mistake = toml_mistake(message, at, self.text, self.path, 0);
        self.errors.push(credential_error(mistake));
    }

    /// Whether the table `one` reads as a `T`; if not, the mistake is noted at
    /// the start of `span`.
    fn reads_at<T: DeserializeOwned>(
        &mut self,
        one: toml::Table,
        span: Option<std::ops::Range<usize>>,
    ) -> bool {
        match toml::Value::Table(one).try_into::<T>() {
            Ok(_) => true,
            Err(e) => {
                self.note(e.message().to_string(), span);
                false
            }
        }
    }
}

/// A table of `key` alone.
fn one_key(key: &str, value: toml::Value) -> toml::Table {
    toml::Table::from_iter([(key.to_string(), value)])
}

/// Where entry `n` of an array of tables (`[[topics]]`) or an inline array
/// is in the file.
fn entry_span(item: &Item, n: usize) -> Option<std::ops::Range<usize>> {
    match item.as_array_of_tables() {
        Some(tables) => tables.get(n)?.span(),
        None => item.as_array()?.get(n)?.span(),
    }
}

/// Entry `n` of an array of tables or an inline array of inline tables.
fn entry_table(item: &Item, n: usize) -> Option<&dyn TableLike> {
    match item.as_array_of_tables() {
        Some(tables) => Some(tables.get(n)? as &dyn TableLike),
        None => Some(item.as_array()?.get(n)?.as_inline_table()? as &dyn TableLike),
    }
}
