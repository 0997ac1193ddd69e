//! Writing content files for import: a new insight file, and growing the
//! `sources`/`related` lists of an existing one. Existing files are edited as a
//! `toml_edit` document and spliced back between their `+++` lines, so every hand
//! edit, comment, key order and the body survive byte for byte.

use chrono::{Datelike, NaiveDate};
use toml_edit::{Array, DocumentMut, Item, Value};

use crate::content::{split_front_matter, FrontMatterFormat};

/// The front matter and body of an insight the importer creates.
#[derive(Debug)]
pub(crate) struct NewInsight<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: NaiveDate,
    pub topics: &'a [String],
    pub sources: &'a [String],
    pub related: &'a [String],
    pub body: &'a str,
}

/// The text of a new content file.
pub(crate) fn render_new(insight: &NewInsight) -> String {
    let mut doc = DocumentMut::new();
    doc["id"] = toml_edit::value(insight.id);
    doc["title"] = toml_edit::value(insight.title);
    let date = toml_edit::Date {
        year: u16::try_from(insight.date.year()).expect("a four-digit year"),
        month: insight.date.month() as u8,
        day: insight.date.day() as u8,
    };
    doc["date"] = toml_edit::value(toml_edit::Datetime {
        date: Some(date),
        time: None,
        offset: None,
    });
    doc["topics"] = toml_edit::value(string_array(insight.topics));
    doc["sources"] = toml_edit::value(string_array(insight.sources));
    doc["related"] = toml_edit::value(string_array(insight.related));
    format!("+++\n{doc}+++\n{}\n", insight.body.trim())
}

fn string_array(items: &[String]) -> Array {
    items.iter().map(String::as_str).collect()
}

/// Why an existing file could not be edited.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum EditError {
    /// YAML front matter has no comment-preserving editor here.
    Yaml,
    /// The file no longer parses (it was valid when content was loaded).
    Invalid(String),
}

/// `text` with `sources` and `related` grown to hold the given values (in order,
/// skipping those already present). Everything else is left as it was. Returns
/// `Ok(None)` when there is nothing to add.
pub(crate) fn add_to_lists(
    text: &str,
    sources: &[String],
    related: &[String],
) -> Result<Option<String>, EditError> {
    let split = split_front_matter(text).map_err(|d| EditError::Invalid(d.message))?;
    if split.format == FrontMatterFormat::Yaml {
        return Err(EditError::Yaml);
    }
    let mut doc: DocumentMut = split
        .front_matter
        .parse()
        .map_err(|e: toml_edit::TomlError| EditError::Invalid(e.message().to_string()))?;
    let grew_sources = append_missing(&mut doc, "sources", sources)?;
    let grew_related = append_missing(&mut doc, "related", related)?;
    if !(grew_sources || grew_related) {
        return Ok(None);
    }
    // Splice by offsets: the opener line (and any BOM) and the body stay untouched.
    let start = split.front_matter.as_ptr() as usize - text.as_ptr() as usize;
    let end = start + split.front_matter.len();
    Ok(Some(format!("{}{doc}{}", &text[..start], &text[end..])))
}

/// Appends the values of `add` missing from array `key` (created at the end of
/// the front matter when absent); true when anything was added.
fn append_missing(doc: &mut DocumentMut, key: &str, add: &[String]) -> Result<bool, EditError> {
    let array = match doc.get_mut(key) {
        Some(item) => item
            .as_array_mut()
            .ok_or_else(|| EditError::Invalid(format!("`{key}` is not an array")))?,
        None if add.is_empty() => return Ok(false),
        None => {
            doc[key] = Item::Value(Value::Array(Array::new()));
            doc[key].as_array_mut().expect("just inserted")
        }
    };
    let mut grew = false;
    for value in add {
        if !array.iter().any(|v| v.as_str() == Some(value)) {
            push_like_neighbours(array, value);
            grew = true;
        }
    }
    Ok(grew)
}

/// Pushes a string; in a one-per-line array, laid out like the last element so
/// the array stays one per line (inline arrays get toml_edit's `, ` spacing).
fn push_like_neighbours(array: &mut Array, value: &str) {
    let multi_line = array
        .iter()
        .last()
        .and_then(|last| last.decor().prefix().cloned())
        .filter(|prefix| prefix.as_str().is_some_and(|p| p.contains('\n')));
    array.push(value);
    if let (Some(prefix), Some(new)) = (multi_line, array.iter_mut().last()) {
        new.decor_mut().set_prefix(prefix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn new_files_have_the_documented_shape() {
        let text = render_new(&NewInsight {
            id: "3f9a1c2e7b4d5a60",
            title: "Echoing Don Valentine's VC wisdom that 'scarcity sparks \"ingenuity\"'",
            date: NaiveDate::from_ymd_opt(2026, 11, 18).unwrap(),
            topics: &strings(&["pricing"]),
            sources: &strings(&["000_a.txt"]),
            related: &[],
            body: "Body *text*.",
        });
        let split = split_front_matter(&text).unwrap();
        assert_eq!(split.body, "Body *text*.\n");
        let fm: toml::Table = toml::from_str(split.front_matter).unwrap();
        let keys: Vec<&str> = fm.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["date", "id", "related", "sources", "title", "topics"]
        );
        assert_eq!(
            fm["title"].as_str(),
            Some("Echoing Don Valentine's VC wisdom that 'scarcity sparks \"ingenuity\"'")
        );
        assert!(
            text.starts_with("+++\nid = \"3f9a1c2e7b4d5a60\"\ntitle = "),
            "{text}"
        );
        assert!(text.contains("\ndate = 2026-11-18\ntopics = [\"pricing\"]\nsources = [\"000_a.txt\"]\nrelated = []\n+++\n"), "{text}");
    }

    #[test]
    fn edits_keep_comments_order_and_body() {
        let text = "+++\n# hand-written note\ntitle = \"My title\"  # better\ndate = 2026-11-18\nsources = [\"a.txt\"]\nweight = 3\n+++\nEdited body.\n";
        let edited = add_to_lists(text, &strings(&["a.txt", "b.txt"]), &strings(&["other"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            edited,
            "+++\n# hand-written note\ntitle = \"My title\"  # better\ndate = 2026-11-18\nsources = [\"a.txt\", \"b.txt\"]\nweight = 3\nrelated = [\"other\"]\n+++\nEdited body.\n"
        );
        assert_eq!(
            add_to_lists(&edited, &strings(&["b.txt"]), &strings(&["other"])),
            Ok(None)
        );
    }

    #[test]
    fn multi_line_arrays_stay_one_per_line() {
        let text = "+++\ntitle = \"T\"\nsources = [\n  \"a.txt\",\n  \"b.txt\",\n]\n+++\nBody\n";
        let edited = add_to_lists(text, &strings(&["c.txt"]), &[])
            .unwrap()
            .unwrap();
        assert_eq!(edited, "+++\ntitle = \"T\"\nsources = [\n  \"a.txt\",\n  \"b.txt\",\n  \"c.txt\",\n]\n+++\nBody\n");
    }

    #[test]
    fn yaml_front_matter_is_not_edited() {
        let text = "---\ntitle: T\n---\nBody\n";
        assert_eq!(
            add_to_lists(text, &strings(&["x"]), &[]),
            Err(EditError::Yaml)
        );
    }
}
