//! Writing content files: a new insight file, and editing the front matter of
//! an existing one (import grows its `sources`/`related` lists and renews a
//! title it made; `rename` sets `slug`, `aliases` and `related`). Existing files
//! are edited as a `toml_edit` document and spliced back between their `+++`
//! lines, so every hand edit, comment, key order and the body survive byte for
//! byte.

use chrono::{Datelike, NaiveDate};
use toml_edit::{Array, DocumentMut, Item, Value};

use crate::content::{split_front_matter, FrontMatterFormat};

/// The front matter and body of an insight the importer creates.
#[derive(Debug)]
pub(crate) struct NewInsight<'a> {
    pub(crate) id: &'a str,
    pub(crate) title: &'a str,
    pub(crate) date: NaiveDate,
    pub(crate) topics: &'a [String],
    pub(crate) sources: &'a [String],
    pub(crate) related: &'a [String],
    pub(crate) body: &'a str,
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

/// What import adds to an existing file: sources and related slugs (those
/// already present are skipped), and a new title for one it made itself.
#[derive(Debug, Default)]
pub(crate) struct Growth<'a> {
    pub(crate) sources: &'a [String],
    pub(crate) related: &'a [String],
    pub(crate) title: Option<&'a str>,
}

/// `text` grown as `growth` says. Everything else is left as it was. Returns
/// `Ok(None)` when there is nothing to change.
pub(crate) fn grow(text: &str, growth: &Growth) -> Result<Option<String>, EditError> {
    edit_front_matter(text, |doc| {
        let grew_sources = append_missing(doc, "sources", growth.sources)?;
        let grew_related = append_missing(doc, "related", growth.related)?;
        let retitled = growth
            .title
            .is_some_and(|title| set_string(doc, "title", title));
        Ok(grew_sources || grew_related || retitled)
    })
}

/// `text` with its TOML front matter changed by `edit`, which says whether it
/// changed anything (`Ok(None)` when not). The front matter is edited as a
/// `toml_edit` document and spliced back by offsets: the opener line (and any
/// BOM), the closer and the body stay untouched byte for byte.
pub(crate) fn edit_front_matter(
    text: &str,
    edit: impl FnOnce(&mut DocumentMut) -> Result<bool, EditError>,
) -> Result<Option<String>, EditError> {
    let split = split_front_matter(text).map_err(|d| EditError::Invalid(d.message))?;
    if split.format == FrontMatterFormat::Yaml {
        return Err(EditError::Yaml);
    }
    let mut doc: DocumentMut = split
        .front_matter
        .parse()
        .map_err(|e: toml_edit::TomlError| EditError::Invalid(e.message().to_string()))?;
    if !edit(&mut doc)? {
        return Ok(None);
    }
    let start = split.front_matter.as_ptr() as usize - text.as_ptr() as usize;
    let end = start + split.front_matter.len();
    // toml_edit writes its lines with `\n`: a file written with `\r\n` (on
    // Windows, say) keeps its line endings on every line, edited or not.
    let edited = match split.front_matter.contains("\r\n") {
        true => doc.to_string().replace("\r\n", "\n").replace('\n', "\r\n"),
        false => doc.to_string(),
    };
    Ok(Some(format!("{}{edited}{}", &text[..start], &text[end..])))
}

/// Sets string `key` to `value`, keeping the comments and spacing around the
/// old value; true when the value changed.
pub(crate) fn set_string(doc: &mut DocumentMut, key: &str, value: &str) -> bool {
    match doc.get_mut(key).and_then(Item::as_value_mut) {
        Some(old) if old.as_str() == Some(value) => false,
        Some(old) => {
            let decor = old.decor().clone();
            *old = Value::from(value);
            *old.decor_mut() = decor;
            true
        }
        None => {
            doc[key] = toml_edit::value(value);
            true
        }
    }
}

/// Appends the values of `add` missing from array `key` (created at the end of
/// the front matter when absent); true when anything was added.
pub(crate) fn append_missing(
    doc: &mut DocumentMut,
    key: &str,
    add: &[String],
) -> Result<bool, EditError> {
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
/// A comment after the last element (on its line, or below it) is the
/// editor's note on that element: it stays where it is, above the new one,
/// rather than following the new element down.
fn push_like_neighbours(array: &mut Array, value: &str) {
    let multi_line = array
        .iter()
        .last()
        .and_then(|last| last.decor().prefix().cloned())
        .filter(|prefix| prefix.as_str().is_some_and(|p| p.contains('\n')));
    let Some(prefix) = multi_line else {
        array.push(value);
        return;
    };
    let prefix = prefix.as_str().unwrap_or_default().to_string();
    let indent = prefix.rsplit('\n').next().unwrap_or_default().to_string();
    let last = array
        .iter_mut()
        .last()
        .expect("a multi-line array has a last element");
    let suffix = raw_text(last.decor().suffix());
    let after = suffix + &raw_text(Some(array.trailing()));
    let commented = after
        .rsplit_once('\n')
        .filter(|(head, _)| head.contains('#'));
    let new_prefix = match commented {
        Some((head, tail)) => {
            let (head, tail) = (format!("{head}\n"), tail.to_string());
            array
                .iter_mut()
                .last()
                .expect("checked")
                .decor_mut()
                .set_suffix("");
            array.set_trailing(format!("\n{tail}"));
            format!("{head}{indent}")
        }
        None => prefix,
    };
    array.push(value);
    if let Some(new) = array.iter_mut().last() {
        new.decor_mut().set_prefix(new_prefix);
    }
}

/// The text of a piece of decor (none when toml_edit keeps it elsewhere).
fn raw_text(raw: Option<&toml_edit::RawString>) -> String {
    raw.and_then(|r| r.as_str()).unwrap_or_default().to_string()
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
        let (sources, related) = (strings(&["a.txt", "b.txt"]), strings(&["other"]));
        let growth = Growth {
            sources: &sources,
            related: &related,
            title: None,
        };
        let edited = grow(text, &growth).unwrap().unwrap();
        assert_eq!(
            edited,
            "+++\n# hand-written note\ntitle = \"My title\"  # better\ndate = 2026-11-18\nsources = [\"a.txt\", \"b.txt\"]\nweight = 3\nrelated = [\"other\"]\n+++\nEdited body.\n"
        );
        assert_eq!(grow(&edited, &growth), Ok(None));
    }

    /// A file written with `\r\n` keeps them on every line, edited or not.
    #[test]
    fn edits_keep_crlf_line_endings() {
        let text = "+++\r\ntitle = \"T\"\r\ndate = 2026-11-18\r\nsources = [\"a.txt\"]\r\n+++\r\nBody.\r\n";
        let sources = strings(&["a.txt", "b.txt"]);
        let growth = Growth {
            sources: &sources,
            ..Growth::default()
        };
        let edited = grow(text, &growth).unwrap().unwrap();
        assert_eq!(
            edited,
            "+++\r\ntitle = \"T\"\r\ndate = 2026-11-18\r\nsources = [\"a.txt\", \"b.txt\"]\r\n+++\r\nBody.\r\n"
        );
    }

    /// A comment after an element stays with it, wherever the comma is.
    #[test]
    fn a_comment_after_the_last_element_stays_with_it() {
        let sources = strings(&["c.txt"]);
        let growth = Growth {
            sources: &sources,
            ..Growth::default()
        };
        let cases = [
            (
                "sources = [\n  \"a.txt\",\n  \"b.txt\", # by phone\n]\n",
                "sources = [\n  \"a.txt\",\n  \"b.txt\", # by phone\n  \"c.txt\",\n]\n",
            ),
            (
                "sources = [\n  \"a.txt\",\n  \"b.txt\" # by phone\n]\n",
                "sources = [\n  \"a.txt\",\n  \"b.txt\", # by phone\n  \"c.txt\"\n]\n",
            ),
            (
                "sources = [\n  \"a.txt\", # first\n  # a note of its own\n]\n",
                "sources = [\n  \"a.txt\", # first\n  # a note of its own\n  \"c.txt\",\n]\n",
            ),
        ];
        for (before, after) in cases {
            let text = format!("+++\ntitle = \"T\"\n{before}+++\nBody\n");
            let edited = grow(&text, &growth).unwrap().unwrap();
            assert_eq!(edited, format!("+++\ntitle = \"T\"\n{after}+++\nBody\n"));
            let count = |text: &str| {
                let fm: toml::Table =
                    toml::from_str(split_front_matter(text).unwrap().front_matter).unwrap();
                fm["sources"].as_array().unwrap().len()
            };
            assert_eq!(count(&edited), count(&text) + 1);
        }
    }

    #[test]
    fn multi_line_arrays_stay_one_per_line() {
        let text = "+++\ntitle = \"T\"\nsources = [\n  \"a.txt\",\n  \"b.txt\",\n]\n+++\nBody\n";
        let sources = strings(&["c.txt"]);
        let growth = Growth {
            sources: &sources,
            ..Growth::default()
        };
        let edited = grow(text, &growth).unwrap().unwrap();
        assert_eq!(edited, "+++\ntitle = \"T\"\nsources = [\n  \"a.txt\",\n  \"b.txt\",\n  \"c.txt\",\n]\n+++\nBody\n");
    }

    #[test]
    fn yaml_front_matter_is_not_edited() {
        let text = "---\ntitle: T\n---\nBody\n";
        let sources = strings(&["x"]);
        let growth = Growth {
            sources: &sources,
            ..Growth::default()
        };
        assert_eq!(grow(text, &growth), Err(EditError::Yaml));
    }

    #[test]
    fn a_new_title_keeps_the_comment_beside_it() {
        let text = "+++\ntitle = 'Old…'  # from import\ndate = 2026-11-18\n+++\nBody\n";
        let growth = Growth {
            title: Some("New \"title\""),
            ..Growth::default()
        };
        assert_eq!(
            grow(text, &growth).unwrap().unwrap(),
            "+++\ntitle = 'New \"title\"'  # from import\ndate = 2026-11-18\n+++\nBody\n"
        );
        let same = Growth {
            title: Some("Old…"),
            ..Growth::default()
        };
        assert_eq!(grow(text, &same), Ok(None));
    }
}
