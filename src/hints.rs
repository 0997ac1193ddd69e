//! Hints for what users got wrong: "did you mean" (the known name closest to a
//! misspelt one), TOML and serde errors turned into located diagnostics with the
//! fix spelt out, and the line a `key = …` is set on. A leaf helper: it knows
//! no stage, and config, content, site, theme, check and scaffold all use it.

use std::path::Path;

use crate::error::{line_col, Diagnostic};

/// The candidate closest to `word`, when it is close enough to be the likely intent.
pub(crate) fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// The line where `key = …` is set: good enough to point a user at a value error.
pub(crate) fn find_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| line_key(l) == Some(key))
        .map(|i| i + 1)
}

/// The line where the top-level TOML key `key` is first written: `key = …`,
/// a dotted `key.sub = …`, or a table header `[key]`, `[key.sub]`, `[[key]]`.
pub(crate) fn find_top_key_line(text: &str, key: &str) -> Option<usize> {
    let names_key = |line: &str| {
        let line = line.trim_start();
        if line.starts_with('[') {
            let header = line.trim_start_matches('[').split([']', '.']).next();
            return header.map(str::trim) == Some(key);
        }
        line_key(line).is_some_and(|k| k.split('.').next().map(str::trim) == Some(key))
    };
    text.lines().position(names_key).map(|i| i + 1)
}

/// The key a `key = …` (TOML) or `key: …` (YAML) line sets, if it is one.
pub(crate) fn line_key(line: &str) -> Option<&str> {
    line.trim_start()
        .split_once(['=', ':'])
        .map(|(key, _)| key.trim_end())
}

/// A TOML parse or shape error with its line counted from the top of the file
/// (`first_line` is the file line the TOML text starts on, minus one).
pub(crate) fn toml_diagnostic(
    err: &toml::de::Error,
    text: &str,
    path: &Path,
    first_line: usize,
) -> Diagnostic {
    // toml puts details on further lines; one line keeps `path:line: error:` greppable.
    let message = err
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    let at = err.span().map(|span| line_col(text, span.start));
    toml_mistake(message, at, text, path, first_line)
}

/// A TOML mistake `message` at `(line, column)` of `text` (counted in the
/// text; `first_line` is the file line it starts on, minus one), with the
/// hint for its kind.
pub(crate) fn toml_mistake(
    message: String,
    at: Option<(usize, usize)>,
    text: &str,
    path: &Path,
    first_line: usize,
) -> Diagnostic {
    let mut d = Diagnostic::error(message.clone()).at(path);
    let mut source_line = "";
    if let Some((line, col)) = at {
        d = d.line_col(line + first_line, col);
        source_line = text.lines().nth(line - 1).unwrap_or("");
    }
    if d.message.starts_with("unknown field `") || d.message.starts_with("missing field `") {
        return with_serde_hint(d);
    }
    if message == "duplicate key" {
        return d.hint(duplicate_key_hint(text, source_line, first_line));
    }
    match toml_value_hint(&message, source_line) {
        Some(h) => d.hint(h),
        None => d,
    }
}

/// Where the key (or table) set twice on `source_line` was set first.
fn duplicate_key_hint(text: &str, source_line: &str, first_line: usize) -> String {
    let line = source_line.trim();
    if line.starts_with('[') {
        // The table may have been made by a dotted key (`feeds.limit = 3`) or
        // an inline table (`feeds = { … }`) before its header.
        let name = line.trim_matches(|c| c == '[' || c == ']').trim();
        let dotted = format!("{name}.");
        let first = text
            .lines()
            .map(str::trim)
            .enumerate()
            .find(|(_, l)| *l == line || l.starts_with(&dotted) || line_key(l) == Some(name));
        return match first {
            Some((n, l)) if l == line => format!(
                "{line} is already on line {}: put its keys under that one",
                n + 1 + first_line
            ),
            Some((n, _)) => format!(
                "`{name}` is already made on line {}: put its keys in one place",
                n + 1 + first_line
            ),
            None => format!("{line} appears twice: put its keys under one of them"),
        };
    }
    let key = line_key(line).unwrap_or(line);
    match find_key_line(text, key) {
        Some(n) => format!(
            "`{key}` is already set on line {}: keep one of the two",
            n + first_line
        ),
        None => format!("`{key}` is set twice: keep one of the two"),
    }
}

/// Adds the hint a serde shape error calls for: the nearest known key for an
/// unknown one, the key to add for a missing one.
pub(crate) fn with_serde_hint(d: Diagnostic) -> Diagnostic {
    let message = d.message.clone();
    if let Some(field) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        return d.hint(unknown_field_hint(field, &message));
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|r| r.split('`').next())
    {
        return d.hint(format!("add `{field}`; it is required"));
    }
    d
}

/// Hints for the TOML mistakes hand editors make most.
fn toml_value_hint(message: &str, source_line: &str) -> Option<String> {
    let key = source_line.split('=').next().unwrap_or("").trim();
    if message.ends_with("expected a sequence") {
        let value = source_line.split_once('=').map_or("", |(_, v)| v.trim());
        return Some(format!("`{key}` takes a list: write {key} = [{value}]"));
    }
    if message.starts_with("invalid date") {
        return Some(
            "write a date as 2026-11-18 (month 01-12, day 01-31) or a datetime as 2026-11-18T09:30:00+01:00".into(),
        );
    }
    if message.starts_with("invalid basic string") || message.starts_with("invalid string") {
        return Some("a text value needs a quote at both ends: key = \"value\"".into());
    }
    if message.starts_with("invalid type") {
        return Some(format!(
            "check the value of `{key}` against what the message above expects: text goes in quotes; numbers, dates and true/false go without them"
        ));
    }
    None
}

fn unknown_field_hint(field: &str, message: &str) -> String {
    let expected: Vec<&str> = message
        .split("expected ")
        .nth(1)
        .map(|list| list.split('`').skip(1).step_by(2).collect())
        .unwrap_or_default();
    match closest(field, expected.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("remove `{field}`; it is not a key brief knows"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(toml_text: &str, first_line: usize) -> Diagnostic {
        let err = toml::from_str::<toml::Table>(toml_text).unwrap_err();
        toml_diagnostic(&err, toml_text, Path::new("x.toml"), first_line)
    }

    #[test]
    fn a_top_level_key_is_found_as_a_key_a_dotted_key_or_a_table() {
        let text = "title = \"T\"\n\n[extra]\nfoo = 1\nmeta.a = 2\n[[list]]\n[deep.er]\n";
        let line = |key| find_top_key_line(text, key);
        assert_eq!(
            [
                line("title"),
                line("extra"),
                line("meta"),
                line("list"),
                line("deep")
            ],
            [Some(1), Some(3), Some(5), Some(6), Some(7)]
        );
        assert_eq!(line("foo"), Some(4), "the first line naming it");
        assert_eq!(line("nothing"), None);
    }

    #[test]
    fn a_key_or_table_set_twice_points_at_the_first() {
        let d = diagnostic("title = \"a\"\ndate = 1\ntitle = \"b\"\n", 1);
        assert_eq!(d.message, "duplicate key");
        assert_eq!(d.line, Some(4));
        assert_eq!(
            d.hint.as_deref(),
            Some("`title` is already set on line 2: keep one of the two")
        );
        let d = diagnostic("[feeds]\nrss = true\n\n[feeds]\natom = true\n", 0);
        assert_eq!(
            d.hint.as_deref(),
            Some("[feeds] is already on line 1: put its keys under that one")
        );
        let d = diagnostic(
            "title = \"t\"\nfeeds.limit = 3\n\n[feeds]\natom = true\n",
            0,
        );
        assert_eq!(
            d.hint.as_deref(),
            Some("`feeds` is already made on line 2: put its keys in one place")
        );
    }
}
