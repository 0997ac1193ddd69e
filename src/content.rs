//! Content files → [`Insight`]s. Owns the on-disk format of `content/insights/*.md`:
//! splitting front matter (`+++` TOML or `---` YAML) from the Markdown body, the
//! serde shape of the front matter (unknown keys rejected), dates, slugs and the
//! identity hash. Errors carry the line counted from the top of the file. It reads
//! files but never writes them and knows nothing of issues, topics pages or HTML.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use rayon::prelude::*;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::config::{slug_problem, Config, SiteTz, SlugProblem, MAX_SLUG_LEN};
use crate::error::{line_col, Diagnostic, Diagnostics};
use crate::fingerprint::hash_of;
use crate::hidden::is_hidden;
use crate::hints::{
    closest, find_key_line, find_top_key_line, line_key, toml_diagnostic, toml_mistake,
    with_serde_hint,
};
use crate::printable::{make_printable, make_printable_line, printable};

mod plain_toml;

pub const INSIGHTS_DIR: &str = "content/insights";

/// One insight, loaded and checked.
#[derive(Debug, Clone)]
pub struct Insight {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub(crate) date: DateTime<FixedOffset>,
    /// The day (in the site's time zone) whose issue holds this insight.
    pub day: NaiveDate,
    pub topics: Vec<String>,
    pub sources: Vec<String>,
    pub related: Vec<String>,
    pub(crate) weight: i64,
    pub(crate) draft: bool,
    /// Where the body shown under the title starts, when the title is the
    /// body's lead sentence (see [`Insight::body_after_lead`]); `None` for a
    /// title of the editor's own or `lead = false`. Found once, here, so that a
    /// content file `serve` keeps is not searched again at every rebuild.
    pub(crate) rest_start: Option<usize>,
    /// Old site-relative paths of this insight (`/insights/old-slug/`), each
    /// kept working as a redirect.
    pub aliases: Vec<String>,
    pub body: String,
    pub path: PathBuf,
    /// Line of each front-matter key, for messages about its value.
    pub(crate) key_lines: KeyLines,
}

/// Lines (1-based, in the file) of the front-matter keys that later stages check.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyLines {
    /// `None` when the file has no `id` key: its id is derived from the body.
    pub(crate) id: Option<usize>,
    pub(crate) slug: usize,
    pub(crate) topics: usize,
    pub(crate) related: usize,
    pub(crate) date: usize,
    pub(crate) aliases: usize,
    pub(crate) body: usize,
}

impl KeyLines {
    /// The lines of the keys later stages point at, found in one pass over the
    /// front matter (every insight pays for this, not only those with errors).
    /// A key that is not set points at the front matter's first line.
    fn of(split: &Split) -> KeyLines {
        let mut found = [None; 6];
        for (n, line) in split.front_matter.lines().enumerate() {
            let slot = match line_key(line) {
                Some("slug") => 0,
                Some("topics") => 1,
                Some("related") => 2,
                Some("date") => 3,
                Some("aliases") => 4,
                Some("id") => 5,
                _ => continue,
            };
            found[slot].get_or_insert(split.front_matter_line + n);
        }
        let id = found[5];
        let [slug, topics, related, date, aliases, _] =
            found.map(|l| l.unwrap_or(split.front_matter_line));
        KeyLines {
            id,
            slug,
            topics,
            related,
            date,
            aliases,
            body: split.body_line,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FrontMatterFormat {
    Toml,
    Yaml,
}

/// A content file cut in two. Lines are 1-based lines of the whole file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub(crate) format: FrontMatterFormat,
    pub(crate) front_matter: &'a str,
    pub front_matter_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Splits a content file into front matter and body. Accepts a BOM and CRLF.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    let opener = text[..first_end].trim_end();
    let format = match opener {
        "+++" => FrontMatterFormat::Toml,
        "---" => FrontMatterFormat::Yaml,
        _ if text.trim().is_empty() => {
            return Err(Diagnostic::error("the file is empty")
                .line(1)
                .hint("an insight needs front matter between `+++` lines and a body; `brief new \"TITLE\"` writes one"))
        }
        // A fence with something after it: it is there, but must be alone.
        _ if opener.starts_with("+++") || opener.starts_with("---") => {
            let fence = &opener[..3];
            return Err(Diagnostic::error(format!(
                "the front matter's first line must be `{fence}` alone, not `{opener}`"
            ))
            .line_col(1, 4)
            .hint(format!("move what follows `{fence}` to a line of its own (a comment as `# …`)")));
        }
        _ => {
            return Err(Diagnostic::error("the file does not start with front matter")
                .line_col(1, 1)
                .hint("start the file with a `+++` line, then `title = \"…\"` and `date = …`, then `+++`"))
        }
    };
    let mut offset = first_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map_or(text.len(), |i| offset + i + 1);
        if text[offset..end].trim_end() == opener {
            return Ok(Split {
                format,
                front_matter: &text[first_end..offset],
                front_matter_line: 2,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    let separator = if format == FrontMatterFormat::Toml {
        '='
    } else {
        ':'
    };
    let hint = match last_key_line(&text[first_end..], separator) {
        Some(line) => {
            format!("add a line with `{opener}` after line {line}, the last front-matter key")
        }
        None => format!("add a line with `{opener}` after the last front-matter key"),
    };
    Err(Diagnostic::error(format!(
        "the front matter opened with `{opener}` on line 1 is never closed"
    ))
    .line(1)
    .hint(hint))
}

/// The file line of the last `key = …` / `key: …` line in the run of key lines
/// that follows the opener: where the missing closing line most likely belongs.
fn last_key_line(after_opener: &str, separator: char) -> Option<usize> {
    let is_key = |l: &str| {
        let key = l.split(separator).next().unwrap_or("").trim();
        l.contains(separator)
            && !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    after_opener
        .lines()
        .take_while(|l| is_key(l) || l.trim_start().starts_with('#'))
        .enumerate()
        .filter(|(_, l)| is_key(l))
        .last()
        .map(|(i, _)| i + 2)
}

/// The front matter as written. `deny_unknown_fields`: a misspelt key is an error.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrontMatter {
    #[serde(default)]
    pub(crate) id: Option<String>,
    pub(crate) title: String,
    pub(crate) date: RawDate,
    #[serde(default)]
    pub(crate) topics: Vec<String>,
    #[serde(default)]
    pub(crate) sources: Vec<String>,
    #[serde(default)]
    pub(crate) related: Vec<String>,
    #[serde(default)]
    pub(crate) weight: i64,
    #[serde(default)]
    pub(crate) draft: bool,
    #[serde(default)]
    pub(crate) slug: Option<String>,
    #[serde(default)]
    pub(crate) lead: Option<bool>,
    #[serde(default)]
    pub(crate) aliases: Vec<String>,
}

/// The keys of [`FrontMatter`], as serde lists them in its messages.
const FRONT_MATTER_KEYS: &str =
    "`id`, `title`, `date`, `topics`, `sources`, `related`, `weight`, `draft`, `slug`, `lead`, `aliases`";

/// Every mistake in TOML front matter that `toml` refused: serde stops at the
/// first, so a file with a misspelt key and a value of the wrong type would
/// take a run per mistake. Each key is checked on its own, in the words serde
/// uses. `None` when the text is not TOML at all (a syntax error is all there
/// is to say) or has no mistake of this kind.
fn every_front_matter_mistake(text: &str, path: &Path, first_line: usize) -> Option<Diagnostics> {
    let table: BTreeMap<String, toml::Spanned<toml::Value>> = toml::from_str(text).ok()?;
    let mut errors = Diagnostics::default();
    let mistake = |message: String, at| toml_mistake(message, at, text, path, first_line);
    for (key, value) in &table {
        let fits = match key.as_str() {
            "id" | "title" | "slug" => fits::<String>(value),
            "date" => fits::<RawDate>(value),
            "topics" | "sources" | "related" | "aliases" => fits::<Vec<String>>(value),
            "weight" => fits::<i64>(value),
            "draft" | "lead" => fits::<bool>(value),
            _ => {
                let line = find_top_key_line(text, key).unwrap_or(1);
                let message = format!("unknown field `{key}`, expected one of {FRONT_MATTER_KEYS}");
                errors.push(mistake(message, Some((line, 1))));
                continue;
            }
        };
        if let Err(message) = fits {
            errors.push(mistake(message, Some(line_col(text, value.span().start))));
        }
    }
    // A required key that a misspelt one stands for is that one mistake, not two.
    let misspelt = |required: &str| {
        table
            .keys()
            .any(|key| closest(key, std::iter::once(required)).is_some())
    };
    for key in ["title", "date"]
        .into_iter()
        .filter(|k| !table.contains_key(*k) && !misspelt(k))
    {
        errors.push(mistake(format!("missing field `{key}`"), Some((1, 1))));
    }
    errors.has_errors().then_some(errors)
}

/// Whether `value` reads as a `T`; otherwise serde's message.
fn fits<T: serde::de::DeserializeOwned>(value: &toml::Spanned<toml::Value>) -> Result<(), String> {
    value
        .get_ref()
        .clone()
        .try_into::<T>()
        .map(|_| ())
        .map_err(|e| e.message().to_string())
}

/// Front matter (the text between the `+++` lines) as brief's own reader and
/// as `toml` read it, each in its `Debug` form; `None` from the first when it
/// leaves the text to `toml`, from the second when `toml` rejects it. For the
/// fuzz target that holds the two readers to each other.
#[doc(hidden)]
pub fn front_matter_both_ways(text: &str) -> (Option<String>, Option<String>) {
    let plain = plain_toml::read(text).map(|fm| format!("{fm:?}"));
    let full = toml::from_str::<FrontMatter>(text)
        .ok()
        .map(|fm| format!("{fm:?}"));
    (plain, full)
}

/// A front-matter date as written: a TOML date/datetime or a string (YAML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawDate(pub(crate) String);

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = RawDate;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a date (2026-11-18) or an RFC 3339 datetime")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDate, E> {
                Ok(RawDate(v.to_string()))
            }
            // TOML hands its native datetimes over as a one-entry map.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawDate, A::Error> {
                let value: toml::value::Datetime =
                    Deserialize::deserialize(de::value::MapAccessDeserializer::new(&mut map))?;
                Ok(RawDate(value.to_string()))
            }
        }
        d.deserialize_any(DateVisitor)
    }
}

/// A day written `YYYY-MM-DD` (the month and day may have one digit). The
/// year must have four: chrono alone reads `26-1-1` as the year 26.
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let year = s.split('-').next()?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Parses a date or RFC 3339 datetime; a bare date is midnight in the site's zone.
pub(crate) fn parse_date(s: &str, tz: &SiteTz) -> Result<DateTime<FixedOffset>, String> {
    let s = s.trim();
    if let Some(day) = parse_day(s) {
        return Ok(tz.midnight(day));
    }
    if s.split('-').next().is_some_and(|year| year.len() != 4) {
        return Err(format!("invalid date {s:?}: the year needs four digits"));
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt);
    }
    // TOML allows a space for the `T`.
    if let Ok(dt) = DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)) {
        return Ok(dt);
    }
    // A local datetime (no offset) is wall-clock time in the site's zone.
    // `%.f`: TOML allows a fraction of a second, as with an offset.
    let local = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"));
    if let Ok(naive) = local {
        return Ok(tz.local(naive));
    }
    Err(format!("invalid date {s:?}"))
}

/// Parses one content file. `path` is only used in messages and for the default slug.
pub fn parse_insight(text: &str, path: &Path, config: &Config) -> Result<Insight, Diagnostics> {
    let split = split_front_matter(text).map_err(|d| d.at(path))?;
    let fm_offset = split.front_matter_line - 1;
    let fm: FrontMatter = match split.format {
        FrontMatterFormat::Toml => match plain_toml::read(split.front_matter) {
            Some(fm) => fm,
            None => toml::from_str(split.front_matter).map_err(|e| {
                every_front_matter_mistake(split.front_matter, path, fm_offset).unwrap_or_else(
                    || toml_diagnostic(&e, split.front_matter, path, fm_offset).into(),
                )
            })?,
        },
        FrontMatterFormat::Yaml => serde_yaml::from_str(split.front_matter).map_err(|e| {
            // serde_yaml appends "at line N column M" counted inside the block.
            let text = e.to_string();
            let message = text.split(" at line ").next().unwrap_or(&text);
            let d = with_serde_hint(Diagnostic::error(message).at(path));
            match e.location() {
                Some(loc) => d.line_col(loc.line() + fm_offset, loc.column()),
                None => d,
            }
        })?,
    };
    let key_line = |key: &str| {
        find_key_line(split.front_matter, key).map_or(split.front_matter_line, |l| l + fm_offset)
    };
    let key_lines = KeyLines::of(&split);

    let mut errors = Diagnostics::default();
    let date = parse_date(&fm.date.0, &config.timezone).unwrap_or_else(|msg| {
        errors.push(
            Diagnostic::error(msg)
                .at(path)
                .line(key_lines.date)
                .hint("write a date as 2026-11-18 or a datetime as 2026-11-18T09:30:00+01:00"),
        );
        config.timezone.midnight(NaiveDate::default())
    });
    if !feeds_can_express(&date, &config.timezone) {
        errors.push(
            Diagnostic::error(format!(
                "date {} is outside the years 1 to 9999 that feeds can express",
                fm.date.0.trim()
            ))
            .at(path)
            .line(key_lines.date)
            .hint("check the year; in the site's time zone, too, it must stay within 1 to 9999"),
        );
    }
    if printable(&fm.title).trim().is_empty() {
        errors.push(
            Diagnostic::error("the title is empty")
                .at(path)
                .line(key_line("title")),
        );
    }
    let slug = match fm.slug {
        Some(s) => s,
        None => slug_from_path(path),
    };
    if let Some(problem) = slug_problem(&slug) {
        let hint = match problem {
            SlugProblem::TooLong => format!(
                "set `slug = \"…\"` to at most {MAX_SLUG_LEN} characters (or rename the file)"
            ),
            SlugProblem::NotASegment => {
                "use lowercase letters, digits and dashes, or set `slug = \"…\"`".to_string()
            }
        };
        errors.push(
            Diagnostic::error(problem.message("slug", &slug))
                .at(path)
                .line(key_lines.slug)
                .hint(hint),
        );
    }
    for alias in &fm.aliases {
        if let Some(problem) = alias_problem(alias) {
            errors.push(
                Diagnostic::error(format!("alias {alias:?} {problem}"))
                    .at(path)
                    .line(key_lines.aliases)
                    .hint("an alias is an old path of this insight on the site, such as \"/insights/old-slug/\""),
            );
        }
    }
    for topic in &fm.topics {
        if config.topic(topic).is_none() {
            let mut d = Diagnostic::error(format!("unknown topic {topic:?}"))
                .at(path)
                .line(key_lines.topics);
            d = match closest(topic, config.topics.iter().map(|t| t.slug.as_str())) {
                Some(best) => d.hint(format!(
                    "did you mean {best:?}? Topics are defined by [[topics]] in config.toml"
                )),
                None => d.hint("add it as a [[topics]] table in config.toml, or remove it"),
            };
            errors.push(d);
        }
    }
    errors.into_result()?;

    // Most files have no carriage return: a copy, not a search for "\r\n".
    let mut body = if split.body.contains('\r') {
        split.body.replace("\r\n", "\n")
    } else {
        split.body.to_owned()
    };
    make_printable(&mut body);
    let mut title = fm.title;
    make_printable_line(&mut title);
    let mut sources = fm.sources;
    sources.iter_mut().for_each(make_printable);
    let rest_start = fm
        .lead
        .unwrap_or(true)
        .then(|| crate::text::lead::rest_start(&title, &body))
        .flatten();
    Ok(Insight {
        id: fm
            .id
            .map_or_else(|| insight_id(&body), |id| printable(&id).into_owned()),
        slug,
        title,
        day: config.timezone.day_of(&date),
        date,
        topics: fm.topics,
        sources,
        related: fm.related,
        weight: fm.weight,
        draft: fm.draft,
        rest_start,
        aliases: fm.aliases,
        body,
        path: path.to_path_buf(),
        key_lines,
    })
}

impl Insight {
    /// Whether `other` holds the same insight but for its slug, aliases and
    /// `related` (what `brief rename` edits).
    pub(crate) fn same_but_for_a_rename(&self, other: &Insight) -> bool {
        let (a, b) = (self, other);
        (
            &a.title, &a.date, &a.topics, &a.sources, a.weight, a.draft, &a.body,
        ) == (
            &b.title, &b.date, &b.topics, &b.sources, b.weight, b.draft, &b.body,
        )
    }

    /// The body after its lead sentence, when the title is that sentence
    /// (empty for a one-sentence insight), unless the file says `lead = false`;
    /// `None` when the whole body is shown under the title.
    pub fn body_after_lead(&self) -> Option<&str> {
        self.rest_start.map(|at| &self.body[at..])
    }

    /// The Markdown shown under the title wherever the insight is shown: the
    /// body after its lead sentence when the title is that sentence, else the
    /// whole body. A sentence is never shown twice.
    pub(crate) fn shown_body(&self) -> &str {
        self.body_after_lead().unwrap_or(&self.body)
    }
}

/// Why `alias` is not a path a redirect page can be written at, if it is not:
/// it must be site-relative (`/insights/old-slug/`), with segments of URL-safe
/// characters that are file names too, and not the home page.
pub(crate) fn alias_problem(alias: &str) -> Option<String> {
    if !alias.starts_with('/') || alias.starts_with("//") {
        return Some("is not a site-relative path: it must start with one `/`".into());
    }
    let segments: Vec<&str> = alias[1..].trim_end_matches('/').split('/').collect();
    if segments == [""] {
        return Some("is the home page".into());
    }
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~');
    for segment in segments {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Some("has an empty, `.` or `..` segment".into());
        }
        if segment.starts_with('.') {
            return Some(format!(
                "has a hidden segment ({segment:?}): brief writes no hidden file, and hosts do not serve them as pages"
            ));
        }
        if let Some(c) = segment.chars().find(|&c| !safe(c)) {
            return Some(format!(
                "contains {c:?}: use letters, digits, `-`, `_`, `.` and `~` between slashes"
            ));
        }
        if segment.len() > MAX_SLUG_LEN {
            return Some(format!(
                "has a segment over {MAX_SLUG_LEN} characters, too long for a file name"
            ));
        }
    }
    None
}

/// Whether RSS, Atom and JSON Feed can write `date`: four-digit years, in the
/// offset it was written with, in UTC and in the site's zone (its issue's day).
pub(crate) fn feeds_can_express(date: &DateTime<FixedOffset>, tz: &SiteTz) -> bool {
    let years = 1..=9999;
    years.contains(&date.year())
        && years.contains(&date.naive_utc().year())
        && years.contains(&tz.day_of(date).year())
}

impl Insight {
    /// Every slug this insight keeps from another: its own, its file's name
    /// (even when its `slug` key says otherwise), and each slug whose page,
    /// `/insights/SLUG/`, an alias of it redirects from (a page there would
    /// take the redirect's place).
    pub(crate) fn slugs_taken(&self) -> impl Iterator<Item = String> + '_ {
        let aliased = self.aliases.iter().filter_map(|alias| {
            let slug = alias.strip_prefix("/insights/")?.split('/').next()?;
            (!slug.is_empty()).then(|| slug.to_string())
        });
        [self.slug.clone(), slug_from_path(&self.path)]
            .into_iter()
            .chain(aliased)
    }
}

/// The file stem, slugified when it is not already a clean slug.
pub(crate) fn slug_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    slugify(&stem)
}

/// Lowercase ASCII words joined by dashes.
pub(crate) fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if (c == '_' || c == '-') && !slug.is_empty() && !slug.ends_with('-') {
            slug.push(c);
        } else if (c.is_whitespace() || c.is_ascii_punctuation())
            && !slug.is_empty()
            && !slug.ends_with('-')
        {
            slug.push('-');
        }
    }
    slug.trim_end_matches(['-', '_']).to_string()
}

/// Text reduced to what identifies an insight: lowercase words, punctuation and
/// runs of whitespace folded to single spaces, accents composed (`u` and a
/// combining U+0308 are `ü`, as one file may write what another types).
pub(crate) fn normalize(text: &str) -> String {
    let text = crate::text::composed(text);
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// A short, stable hash of the normalized text: an insight's identity.
pub fn insight_id(text: &str) -> String {
    normalized_id(&normalize(text))
}

/// [`insight_id`] of text already [`normalize`]d: import normalizes each line once.
pub(crate) fn normalized_id(normalized: &str) -> String {
    let digest = Sha256::digest(normalized.as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Loads every `*.md` under `content/insights/`, in parallel, sorted by path.
/// Every file's errors are collected; site-wide checks come after.
/// A site without `content/insights/` has no insights yet (import and `new`
/// create it); warnings are the build's to report.
pub fn load_insights(root: &Path, config: &Config) -> Result<Vec<Insight>, Diagnostics> {
    if !root.join(INSIGHTS_DIR).is_dir() {
        return Ok(Vec::new());
    }
    load_insights_from(root, config, None).map(|loaded| loaded.insights)
}

/// What `serve` remembers of a content file between rebuilds, so an unchanged file
/// is neither parsed nor even read again (see [`load_insights_from`]).
#[derive(Debug, Clone)]
pub(crate) struct KnownFile {
    /// The file's stamp when it was read, if it vouches for the text: `None` when
    /// the file had changed too recently (see [`RACY_WINDOW`]).
    stamp: Option<FileStamp>,
    /// A hash of the config the file was parsed with: parsing reads the topics
    /// and the time zone.
    config: u64,
    /// A hash of the text, for files whose stamp changed but text did not.
    text: u64,
    insight: Arc<Insight>,
}

impl KnownFile {
    /// The insight the file held.
    pub(crate) fn insight(&self) -> &Insight {
        &self.insight
    }
}

/// Content file path → what the last build made of it.
pub(crate) type KnownFiles = HashMap<PathBuf, KnownFile>;

/// What a `stat` tells of a file's content without reading it. The inode and the
/// change time (which no tool can set back) catch a file replaced by one of the
/// same size and modification time, e.g. restored from a backup by rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    inode: u64,
    #[cfg(unix)]
    changed: Option<SystemTime>,
}

/// A file changed this shortly before it was read may change again within the
/// same tick of the file system's clock (a whole second or two on some file
/// systems) without its stamp changing: such a stamp is not trusted, and the file
/// is read again at the next build. (Git's index has the same "racy" rule.)
pub(crate) const RACY_WINDOW: Duration = Duration::from_secs(2);

impl FileStamp {
    fn of(meta: &std::fs::Metadata) -> FileStamp {
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: std::os::unix::fs::MetadataExt::ino(meta),
            #[cfg(unix)]
            changed: change_time(meta),
        }
    }

    /// The stamp, if it was taken long enough after the file's last change to
    /// vouch for the content: see [`RACY_WINDOW`].
    fn settled(self, read_at: SystemTime) -> Option<FileStamp> {
        let last_change = self.modified?;
        #[cfg(unix)]
        let last_change = last_change.max(self.changed?);
        (last_change + RACY_WINDOW < read_at).then_some(self)
    }
}

/// When the file's inode last changed (its content, name or attributes).
#[cfg(unix)]
fn change_time(meta: &std::fs::Metadata) -> Option<SystemTime> {
    use std::os::unix::fs::MetadataExt;
    let secs = u64::try_from(meta.ctime()).ok()?;
    let nanos = u32::try_from(meta.ctime_nsec()).ok()?;
    std::time::UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// A content file's insight, and what `serve` keeps of the file (see [`KnownFile`]).
type LoadedFile = Result<(Insight, Option<KnownFile>), Diagnostics>;

/// What [`load_insights_from`] read.
pub(crate) struct Loaded {
    pub(crate) insights: Vec<Insight>,
    /// About entries of `content/` that are not read, and insights related
    /// to themselves.
    pub(crate) warnings: Diagnostics,
    /// What to know of the files next time: empty unless `known` was given.
    pub(crate) files: KnownFiles,
}

/// The insights of a build. Given the files the last build `known` (`serve`
/// keeps them between rebuilds, in the build's memory), an unchanged file's
/// insight comes from there instead of being read and parsed again, and
/// [`Loaded::files`] is what to know next time. A missing `content/insights/`
/// is an error: building from it would empty the site.
pub(crate) fn load_insights_from(
    root: &Path,
    config: &Config,
    known: Option<&KnownFiles>,
) -> Result<Loaded, Diagnostics> {
    let dir = root.join(INSIGHTS_DIR);
    require_dir(root, &dir)?;
    let config_key = hash_of(&format!("{config:?}"));
    let read_at = SystemTime::now();
    // Each file is read and parsed as soon as the walk finds it: the walk alone
    // takes a tenth of a second at 100k files, and would otherwise come first.
    let mut results: Vec<(PathBuf, LoadedFile)> = content_files(&dir)
        .par_bridge()
        .map(|found| {
            let path = match found {
                Found::File(path) => path,
                Found::Problem(path, d) => return (path, Err(d.into())),
            };
            let previous = known
                .and_then(|files| files.get(&path))
                .filter(|file| file.config == config_key);
            let loaded = load_file(&path, config, config_key, previous, read_at)
                .map(|file| {
                    // Only a memory that keeps files needs the insight twice.
                    match known {
                        Some(_) => (Insight::clone(&file.insight), Some(file)),
                        None => (Arc::unwrap_or_clone(file.insight), None),
                    }
                })
                .map_err(|errors| unless_gone(&path, errors));
            (path, loaded)
        })
        .collect();
    // Any fixed order makes messages deterministic (the site model sorts the
    // insights itself). Plain bytes compare fastest: sorting by path components
    // takes paths apart at every comparison, which was a twentieth of a `serve`
    // rebuild at 10k files. The paths are sorted, then each file moved once.
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.par_sort_unstable_by(|&a, &b| results[a].0.as_os_str().cmp(results[b].0.as_os_str()));
    crate::arrange::by_order(&mut results, &order);
    // Warnings about skipped entries come in as errors do; `into_result` tells
    // them apart. Messages are gathered in file order first; then every thread
    // moves insights into the list at once (one thread alone kept the other
    // waiting a tenth of a second at 100k insights). The insights are not kept
    // behind their `Arc`s until here, though that would make the results
    // smaller to sort: 100k of them freed at once raised a 100k build's peak of
    // memory by 24 MiB, to the edge of its 512 MiB.
    let mut errors = Diagnostics::default();
    for (_, result) in &results {
        match result {
            Ok((insight, _)) => errors.0.extend(related_to_itself(insight)),
            Err(d) => errors.extend(d.clone()),
        }
    }
    let warnings = errors.into_result()?;
    results.retain(|(_, result)| result.is_ok());
    // Boxed: a build keeps no files, and a word per file is all it then pays.
    type Kept = Option<Box<(PathBuf, KnownFile)>>;
    let (insights, kept): (Vec<Insight>, Vec<Kept>) = results
        .into_par_iter()
        .map(|(path, result)| match result {
            Ok((insight, file)) => (insight, file.map(|file| Box::new((path, file)))),
            Err(_) => unreachable!("only the files read are left"),
        })
        .unzip();
    let kept: KnownFiles = kept.into_iter().flatten().map(|kept| *kept).collect();
    Ok(Loaded {
        insights,
        warnings,
        files: kept,
    })
}

/// The insights of the files that parse, and the slugs (by file name) of
/// those that do not: when some files fail, the mistakes between the others
/// (a `related` naming no insight, two files with one slug) are listed with
/// theirs, so one run shows every mistake. Read again, one file at a time, as
/// this is only for a run that failed.
pub(crate) fn load_what_parses(root: &Path, config: &Config) -> (Vec<Insight>, HashSet<String>) {
    let mut parsed = Vec::new();
    let mut unreadable = HashSet::new();
    for found in content_files(&root.join(INSIGHTS_DIR)) {
        let Found::File(path) = found else { continue };
        match load_file(&path, config, 0, None, SystemTime::now()) {
            Ok(file) => parsed.push(Arc::unwrap_or_clone(file.insight)),
            Err(_) => {
                unreadable.insert(slug_from_path(&path));
            }
        }
    }
    (parsed, unreadable)
}

/// A warning for an insight whose `related` names its own slug (a copied
/// line, most likely): the site leaves the entry out, as a page never lists
/// itself, but the editor meant some other insight.
fn related_to_itself(insight: &Insight) -> Option<Diagnostic> {
    let slug = &insight.slug;
    insight.related.contains(slug).then(|| {
        Diagnostic::warning(format!(
            "`related` names {slug:?}, this insight itself: left out"
        ))
        .at(&insight.path)
        .line(insight.key_lines.related)
        .hint("name another insight, or remove the entry")
    })
}

/// `content/insights/` must be a folder; the message names the first missing one.
fn require_dir(root: &Path, dir: &Path) -> Result<(), Diagnostic> {
    if dir.is_dir() {
        return Ok(());
    }
    let content = root.join("content");
    let missing = if content.is_dir() { dir } else { &content };
    Err(Diagnostic::error(format!(
        "the folder {}/ is missing: refusing to build a site without content",
        missing.strip_prefix(root).unwrap_or(missing).display()
    ))
    .at(missing)
    .hint(format!(
        "run `brief init` to start a site, or create {INSIGHTS_DIR}/ (an empty one builds an empty site); check --root"
    )))
}

/// Every content file under `dir`, in the order the walk finds them, or the
/// path that could not be read and why, or a warning about an entry that looks
/// like content but is skipped. Hidden folders (`.drafts/`, editors' state) are
/// not content, and `serve` does not watch them either. Only the walk's file
/// types are looked at (never following a link), so nothing is opened that
/// could block, such as a FIFO.
fn content_files(dir: &Path) -> impl Iterator<Item = Found> + Send + '_ {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()))
        .filter_map(move |entry| match entry {
            Ok(e) if e.file_type().is_file() && is_content_file(e.path()) => {
                Some(Found::File(e.into_path()))
            }
            Ok(e) => skipped(&e).map(|d| Found::Problem(e.into_path(), d)),
            // Gone since its folder was listed: deleted, as far as this run goes.
            Err(e)
                if e.io_error()
                    .is_some_and(|e| e.kind() == ErrorKind::NotFound) =>
            {
                None
            }
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                let d = Diagnostic::error(format!("cannot read: {e}")).at(&path);
                Some(Found::Problem(path, d))
            }
        })
}

/// `errors`, the mistakes of reading the file at `path`, or none if the file
/// is gone: deleted since the walk listed it (a checkout, an archive
/// unpacked over the folder, `cp --remove-destination`), it counts as
/// deleted, as it would a moment later; `serve` rebuilds when it comes back.
fn unless_gone(path: &Path, errors: Diagnostics) -> Diagnostics {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => Diagnostics::default(),
        _ => errors,
    }
}

/// What the walk of `content/insights/` finds.
enum Found {
    File(PathBuf),
    /// An entry that cannot be read (an error) or is skipped (a warning).
    Problem(PathBuf, Diagnostic),
}

/// A warning for an entry that is not read although it may have been meant as
/// content: a symbolic link, a FIFO, socket or device, or a folder named `*.md`.
/// Other files (notes, images) are passed over in silence.
fn skipped(entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let kind = entry.file_type();
    let (what, hint) = if kind.is_symlink() {
        (
            "a symbolic link",
            "brief reads only regular files in content/: move the file here (and link the other way if you need to)",
        )
    } else if kind.is_dir() {
        if entry.depth() == 0 || !is_content_file(entry.path()) {
            return None;
        }
        (
            "a folder named like a content file (the files in it are read as usual)",
            "rename the folder without `.md`",
        )
    } else if kind.is_file() {
        return None;
    } else {
        (
            "not a regular file (a FIFO, socket or device)",
            "brief reads only regular files in content/: remove it",
        )
    };
    Some(
        Diagnostic::warning(format!("skipped: {what}"))
            .at(entry.path())
            .hint(hint),
    )
}

/// One content file, from `previous` when its stamp or its text shows it unchanged.
fn load_file(
    path: &Path,
    config: &Config,
    config_key: u64,
    previous: Option<&KnownFile>,
    read_at: SystemTime,
) -> Result<KnownFile, Diagnostics> {
    if let Some(previous) = previous.filter(|p| p.stamp.is_some()) {
        let stamp = std::fs::metadata(path).map(|meta| FileStamp::of(&meta));
        if stamp.is_ok_and(|stamp| previous.stamp == Some(stamp)) {
            return Ok(previous.clone());
        }
    }
    let (text, stamp) = read_text(path)?;
    let text_key = hash_of(&text);
    let insight = match previous.filter(|p| p.text == text_key) {
        Some(previous) => Arc::clone(&previous.insight),
        None => Arc::new(parse_insight(&text, path, config)?),
    };
    Ok(KnownFile {
        stamp: stamp.settled(read_at),
        config: config_key,
        text: text_key,
        insight,
    })
}

/// A content file's text, and its stamp as of the read.
fn read_text(path: &Path) -> Result<(String, FileStamp), Diagnostic> {
    let read = |e: std::io::Error| Diagnostic::io("read", path, &e);
    let file = std::fs::File::open(path).map_err(read)?;
    let meta = file.metadata().map_err(read)?;
    let len = usize::try_from(meta.len()).unwrap_or(0);
    let bytes = read_whole(file, len).map_err(read)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Diagnostic::error(format!(
            "the file is not valid UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
        .at(path)
        .hint("save the file as UTF-8")
    })?;
    Ok((text, FileStamp::of(&meta)))
}

/// All of `file`, whose size was `len` when asked. A regular file reads short
/// only at its end, so a read that returns exactly those `len` bytes of the
/// `len + 1` asked for is the whole file: one `read` per content file instead
/// of a second that returns nothing (10,000 calls at 10k insights). Any other
/// count (the file changed since, or a file system that reads short) reads on
/// to the end as usual.
fn read_whole(mut file: std::fs::File, len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; len + 1];
    let first = loop {
        match file.read(&mut bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            result => break result?,
        }
    };
    bytes.truncate(first);
    if first != len {
        // Through `Take`: `File`'s own `read_to_end` asks the size and position
        // of the file again, two more system calls than the read needs.
        file.take(u64::MAX).read_to_end(&mut bytes)?;
    }
    Ok(bytes)
}

fn is_content_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md") && !path.file_name().is_some_and(is_hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_gone_since_the_walk_counts_as_deleted_not_as_a_mistake() {
        let dir = tempfile::tempdir().unwrap();
        let errors = || Diagnostics::from(Diagnostic::error("cannot read"));
        let gone = dir.path().join("gone.md");
        assert!(!unless_gone(&gone, errors()).has_errors());
        let here = dir.path().join("here.md");
        std::fs::write(&here, "+++\n").unwrap();
        assert!(unless_gone(&here, errors()).has_errors());
    }

    #[test]
    fn a_fence_with_more_on_its_line_is_named() {
        let e = split_front_matter("+++ # front matter\ntitle = \"T\"\n+++\n").unwrap_err();
        assert_eq!(
            e.message,
            "the front matter's first line must be `+++` alone, not `+++ # front matter`"
        );
        assert_eq!((e.line, e.col), (Some(1), Some(4)));
    }

    #[test]
    fn a_title_is_one_line() {
        let i = parse("+++\ntitle = \"\"\"\n  China\tleads\r\n  the\\u00a0race  \"\"\"\ndate = 2026-11-18\n+++\nBody.\n")
            .unwrap();
        assert_eq!(i.title, "China leads the\u{a0}race");
    }

    #[test]
    fn a_file_is_read_whole_whatever_size_was_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.md");
        let text = "+++\ntitle = \"A\"\n+++\nBody.\n".repeat(300);
        std::fs::write(&path, &text).unwrap();
        // The size as asked, and sizes from before the file grew or shrank.
        for len in [
            text.len(),
            0,
            10,
            text.len() - 1,
            text.len() + 1,
            3 * text.len(),
        ] {
            let file = std::fs::File::open(&path).unwrap();
            assert_eq!(read_whole(file, len).unwrap(), text.as_bytes(), "{len}");
        }
        std::fs::write(&path, "").unwrap();
        let file = std::fs::File::open(&path).unwrap();
        assert!(read_whole(file, 0).unwrap().is_empty());
    }

    fn config() -> Config {
        Config::parse(
            "[[topics]]\nslug = \"chips\"\nname = \"Chips\"\n",
            Path::new("config.toml"),
        )
        .unwrap()
    }

    fn parse(text: &str) -> Result<Insight, Diagnostics> {
        parse_insight(text, Path::new("content/insights/a-b.md"), &config())
    }

    /// A local datetime may carry a fraction of a second, as TOML allows and
    /// as one with an offset always could.
    #[test]
    fn a_local_datetime_may_have_a_fraction_of_a_second() {
        for date in [
            "2026-11-18T09:30:00.5",
            "2026-11-18T09:30:00.123456",
            "2026-11-18T09:30:00",
        ] {
            let i = parse(&format!("+++\ntitle = \"T\"\ndate = {date}\n+++\nBody.\n"))
                .unwrap_or_else(|e| panic!("{date}: {e}"));
            assert_eq!(i.date.format("%H:%M:%S").to_string(), "09:30:00", "{date}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn stamps_of_files_changed_just_before_reading_are_not_trusted() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.md");
        std::fs::write(&path, "x").unwrap();
        // An old modification time does not help: the change time is now.
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        let stamp = FileStamp::of(&std::fs::metadata(&path).unwrap());
        let now = SystemTime::now();
        assert_eq!(stamp.settled(now), None);
        let later = now + RACY_WINDOW + Duration::from_millis(100);
        assert_eq!(stamp.settled(later), Some(stamp));
    }

    #[test]
    fn splits_toml_front_matter_with_bom_and_crlf() {
        let text = "\u{feff}+++\r\ntitle = \"x\"\r\n+++\r\nBody\r\n";
        let s = split_front_matter(text).unwrap();
        assert_eq!(s.format, FrontMatterFormat::Toml);
        assert_eq!(s.front_matter, "title = \"x\"\r\n");
        assert_eq!(s.body, "Body\r\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn reports_unclosed_front_matter() {
        let e =
            split_front_matter("+++\ntitle = \"x\"\ndate = 2026-11-18\nBody: text\n").unwrap_err();
        assert!(e.message.contains("never closed"));
        assert!(e.hint.unwrap().contains("after line 3"));
    }

    #[test]
    fn parses_toml_and_yaml_dates() {
        let i = parse("+++\ntitle = \"T\"\ndate = 2026-11-18\ntopics = [\"chips\"]\n+++\nHello")
            .unwrap();
        assert_eq!(i.date.to_rfc3339(), "2026-11-18T00:00:00+00:00");
        assert_eq!(i.slug, "a-b");
        assert_eq!(i.body, "Hello");
        let i = parse("---\ntitle: T\ndate: 2026-11-18T23:30:00-02:00\n---\nHi").unwrap();
        assert_eq!(i.day, NaiveDate::from_ymd_opt(2026, 11, 19).unwrap());
    }

    /// serde stops at a file's first mistake; brief lists them all, each at
    /// its line, and a misspelt required key is one mistake, not a missing key too.
    #[test]
    fn every_front_matter_mistake_of_a_file_is_listed() {
        let e = parse("+++\ntitle = \"T\"\ndate = 2026-11-18\nweigth = 1\ndraft = \"no\"\ntopics = \"chips\"\n+++\nHi")
            .unwrap_err();
        let lines: Vec<String> = e.0.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(
            lines[0].contains("a-b.md:5:9: error: invalid type: string \"no\", expected a boolean"),
            "{lines:#?}"
        );
        assert!(
            lines[1].contains(
                "a-b.md:6:10: error: invalid type: string \"chips\", expected a sequence"
            ),
            "{lines:#?}"
        );
        assert!(
            lines[2].contains("a-b.md:4:1: error: unknown field `weigth`"),
            "{lines:#?}"
        );
        let e = parse("+++\ntitel = \"T\"\ndate = 2026-11-18\n+++\nHi").unwrap_err();
        assert_eq!(e.0.len(), 1, "{e}");
        let e = parse("+++\ndate = 2026-11-18\n+++\nHi")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing field `title`"), "{e}");
    }

    /// The key list brief's own messages give is serde's for `FrontMatter`,
    /// and the key-by-key check knows every one of those keys.
    #[test]
    fn the_front_matter_keys_are_the_structs() {
        let err = toml::from_str::<FrontMatter>("nope = 1").unwrap_err();
        let message = err.message();
        assert!(
            message.ends_with(&format!("expected one of {FRONT_MATTER_KEYS}")),
            "{message}"
        );
        let every_key = "id = \"a\"\ntitle = \"T\"\ndate = 2026-11-18\ntopics = []\nsources = []\nrelated = []\nweight = 1\ndraft = false\nslug = \"s\"\nlead = true\naliases = []\nweight2 = 1\n";
        let mistakes = every_front_matter_mistake(every_key, Path::new("a.md"), 0).unwrap();
        assert_eq!(mistakes.0.len(), 1, "only the unknown key: {mistakes}");
        assert!(mistakes.0[0].message.contains("`weight2`"), "{mistakes}");
    }

    #[test]
    fn a_day_needs_a_year_of_four_digits() {
        let day = |s| parse_day(s).map(|d| d.to_string());
        assert_eq!(day("2026-11-18").as_deref(), Some("2026-11-18"));
        assert_eq!(day("2026-1-5").as_deref(), Some("2026-01-05"));
        assert_eq!(day("26-1-1"), None, "not the year 26");
        assert_eq!(day("+2026-11-18"), None);
        assert_eq!(day("2026-02-30"), None);
        let e = parse("---\ntitle: T\ndate: 26-1-1\n---\nHi")
            .unwrap_err()
            .to_string();
        assert!(e.contains("the year needs four digits"), "{e}");
    }

    #[test]
    fn unknown_key_names_file_line_and_suggests() {
        let e = parse("+++\ntitel = \"T\"\ndate = 2026-11-18\n+++\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("content/insights/a-b.md:2:1"), "{e}");
        assert!(e.contains("did you mean `title`"), "{e}");
    }

    #[test]
    fn bad_date_and_unknown_topic_are_both_reported() {
        let e = parse("+++\ntitle = \"T\"\ndate = \"2026-13-01\"\ntopics = [\"chipz\"]\n+++\n")
            .unwrap_err();
        assert_eq!(e.error_count(), 2, "{e}");
        let e = e.to_string();
        assert!(e.contains("a-b.md:3: error: invalid date"), "{e}");
        assert!(
            e.contains("a-b.md:4: error: unknown topic \"chipz\""),
            "{e}"
        );
        assert!(e.contains("did you mean \"chips\""), "{e}");
    }

    #[test]
    fn lead_and_aliases_are_optional_and_aliases_checked() {
        let i = parse("+++\ntitle = \"China leads\"\ndate = 2026-11-18\n+++\nChina leads. More.\n")
            .unwrap();
        assert_eq!(i.rest_start, Some(13));
        assert!(i.aliases.is_empty());
        assert_eq!(i.body_after_lead(), Some("More.\n"));
        let i = parse("+++\ntitle = \"China leads\"\ndate = 2026-11-18\nlead = false\naliases = [\"/insights/old/\", \"/2026/china.html\"]\n+++\nChina leads. More.\n")
            .unwrap();
        assert_eq!(i.body_after_lead(), None);
        assert_eq!(i.aliases, ["/insights/old/", "/2026/china.html"]);
        let e = parse("+++\ntitle = \"T\"\ndate = 2026-11-18\n\naliases = [\"insights/old/\", \"/\", \"/a/../b/\", \"/a b/\", \"/.well-known/x/\"]\n+++\n")
            .unwrap_err();
        assert_eq!(e.error_count(), 5, "{e}");
        let e = e.to_string();
        assert!(
            e.contains("a-b.md:5: error: alias \"insights/old/\" is not a site-relative path"),
            "{e}"
        );
        assert!(e.contains("alias \"/\" is the home page"), "{e}");
        assert!(e.contains("alias \"/a b/\" contains ' '"), "{e}");
        assert!(
            e.contains("a-b.md:5: error: alias \"/.well-known/x/\" has a hidden segment"),
            "{e}"
        );
    }

    #[test]
    fn identity_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            insight_id("China's  pause, on chips."),
            insight_id("china s pause on chips")
        );
        assert_ne!(insight_id("a b"), insight_id("a c"));
        assert_eq!(insight_id("x").len(), 16);
        // Accents as combining marks are the accented letters.
        assert_eq!(
            insight_id("Zu\u{308}rich weighs cafe\u{301} chains"),
            insight_id("Zürich weighs café chains")
        );
        assert_ne!(insight_id("Zürich"), insight_id("Zurich"));
    }

    #[test]
    fn slugify_makes_url_segments() {
        assert_eq!(
            slugify("DeepSeek ties API cuts to Huawei!"),
            "deepseek-ties-api-cuts-to-huawei"
        );
        assert_eq!(slugify("  a__b "), "a__b");
    }
}
