//! Tera filters brief adds to every theme: `wrap` fills plain text to a column
//! width (the email text edition), and `json_script` turns a value into JSON that
//! is safe inside a `<script>` element (JSON-LD). Pure functions, no IO.

use std::collections::HashMap;

use serde_json::Value;
use tera::{Filter, Result};

/// Registers the filters on a theme's Tera instance.
pub(crate) fn register(tera: &mut tera::Tera) {
    tera.register_filter("wrap", wrap_filter);
    tera.register_filter("json_script", JsonScript);
}

/// `{{ text | wrap(width=72, indent="   ", first="1. ") }}`: every line of `text`
/// filled to `width` columns; `first` prefixes the first line (default `indent`).
fn wrap_filter(value: &Value, args: &HashMap<String, Value>) -> Result<Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("`wrap` expects a string"))?;
    let width = match args.get("width") {
        None => 72,
        Some(w) => w
            .as_u64()
            .ok_or_else(|| tera::Error::msg("`wrap`: `width` must be a whole number"))?
            as usize,
    };
    let string_arg = |name: &str| args.get(name).and_then(Value::as_str);
    let indent = string_arg("indent").unwrap_or("");
    let first = string_arg("first").unwrap_or(indent);
    Ok(Value::String(wrap(text, width, first, indent)))
}

/// Greedy word wrap. Lines starting with four spaces or a tab are preformatted
/// (code) and kept as they are; a word longer than the width (a URL) gets a line
/// of its own rather than being cut, so it stays clickable. Blank lines stay
/// blank, without trailing indentation. Width counts characters.
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut prefix = first;
    for line in text.lines() {
        if line.trim().is_empty() {
            out.push('\n');
            continue;
        }
        if line.starts_with("    ") || line.starts_with('\t') {
            out.push_str(prefix);
            out.push_str(line);
            out.push('\n');
            prefix = indent;
            continue;
        }
        let mut column = 0;
        for word in line.split_whitespace() {
            let len = word.chars().count();
            if column > 0 && column + 1 + len <= width {
                out.push(' ');
                column += 1;
            } else {
                if column > 0 {
                    out.push('\n');
                }
                out.push_str(prefix);
                column = prefix.chars().count();
                prefix = indent;
            }
            out.push_str(word);
            column += len;
        }
        out.push('\n');
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// `{{ value | json_script }}`: JSON with `<`, `>` and `&` as `\u` escapes, so
/// text such as `</script>` cannot close the element it is embedded in. Marked
/// safe: its output must not be HTML-escaped.
struct JsonScript;

impl Filter for JsonScript {
    fn filter(&self, value: &Value, _args: &HashMap<String, Value>) -> Result<Value> {
        Ok(Value::String(json_script(value)))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

pub fn json_script(value: &Value) -> String {
    let json = serde_json::to_string(value).expect("JSON values serialize");
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_the_width_with_indents() {
        let text = "one two three four five six seven eight nine ten";
        let out = wrap(text, 16, "1. ", "   ");
        assert_eq!(
            out,
            "1. one two three\n   four five six\n   seven eight\n   nine ten"
        );
        assert!(out.lines().all(|l| l.chars().count() <= 16));
    }

    #[test]
    fn keeps_long_words_code_and_blank_lines() {
        let url = "https://example.org/a/very/long/path/";
        let out = wrap(&format!("see {url} now\n\n    let x = 1;\n"), 20, "", "  ");
        assert_eq!(out, format!("see\n  {url}\n  now\n\n      let x = 1;\n"));
    }

    #[test]
    fn json_script_cannot_close_the_script_element() {
        let out = json_script(&serde_json::json!({"t": "</script><b>&"}));
        assert!(!out.contains('<'), "{out}");
        let back: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["t"], "</script><b>&");
    }
}
