//! The front matter brief and editors write most, read without the `toml`
//! crate: one `key = value` per line, values that are strings, one-line arrays
//! of strings, a date, an integer or a boolean, and comments. `toml` costs
//! about 26 k instructions per front matter (a twentieth of a 10k build); this
//! reads the same in a few thousand. Anything else (a datetime, a table, a
//! multi-line array, an escape it does not know, an unknown or repeated key, a
//! missing title) is not read here: the caller hands the text to `toml`, which
//! reads it or reports the error with its line and column. So this reader
//! decides nothing `toml` would decide otherwise; a differential test holds it
//! to that.

use chrono::NaiveDate;

use super::{FrontMatter, RawDate};

/// `text` read as `toml` would read it, or `None` when it is not in the subset
/// this reader knows (the caller then asks `toml`).
pub(super) fn read(text: &str) -> Option<FrontMatter> {
    let mut fields = Fields::default();
    for line in text.split_inclusive('\n') {
        // A line ends at `\n` or `\r\n`; a `\r` of its own is left to `toml`.
        let line = match line.strip_suffix('\n') {
            Some(line) => line.strip_suffix('\r').unwrap_or(line),
            None => line,
        };
        let rest = skip_space(line);
        if rest.is_empty() || rest.starts_with('#') {
            comment_or_end(rest)?;
            continue;
        }
        let key_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        let (key, rest) = rest.split_at(key_len);
        let rest = skip_space(rest).strip_prefix('=')?;
        let rest = fields.set(key, skip_space(rest))?;
        comment_or_end(skip_space(rest))?;
    }
    fields.finish()
}

/// The front matter's fields as read so far: each may be set once.
#[derive(Default)]
struct Fields {
    id: Option<String>,
    title: Option<String>,
    date: Option<RawDate>,
    topics: Option<Vec<String>>,
    sources: Option<Vec<String>>,
    related: Option<Vec<String>>,
    weight: Option<i64>,
    draft: Option<bool>,
    slug: Option<String>,
    lead: Option<bool>,
    aliases: Option<Vec<String>>,
}

impl Fields {
    /// Reads the value of `key` at the start of `text` into its field; what
    /// follows the value. `None` for an unknown key, a key set twice or a value
    /// of another shape.
    fn set<'t>(&mut self, key: &str, text: &'t str) -> Option<&'t str> {
        match key {
            "id" => once(&mut self.id, string(text)?),
            "title" => once(&mut self.title, string(text)?),
            "slug" => once(&mut self.slug, string(text)?),
            "date" => once(&mut self.date, date(text)?),
            "topics" => once(&mut self.topics, strings(text)?),
            "sources" => once(&mut self.sources, strings(text)?),
            "related" => once(&mut self.related, strings(text)?),
            "aliases" => once(&mut self.aliases, strings(text)?),
            "weight" => once(&mut self.weight, integer(text)?),
            "draft" => once(&mut self.draft, boolean(text)?),
            "lead" => once(&mut self.lead, boolean(text)?),
            _ => None,
        }
    }

    /// The front matter, if it has the two keys every insight needs.
    fn finish(self) -> Option<FrontMatter> {
        Some(FrontMatter {
            id: self.id,
            title: self.title?,
            date: self.date?,
            topics: self.topics.unwrap_or_default(),
            sources: self.sources.unwrap_or_default(),
            related: self.related.unwrap_or_default(),
            weight: self.weight.unwrap_or_default(),
            draft: self.draft.unwrap_or_default(),
            slug: self.slug,
            lead: self.lead,
            aliases: self.aliases.unwrap_or_default(),
        })
    }
}

/// Stores a value read into a field not set before; what follows the value.
fn once<'t, T>(field: &mut Option<T>, (value, rest): (T, &'t str)) -> Option<&'t str> {
    if field.is_some() {
        return None;
    }
    *field = Some(value);
    Some(rest)
}

/// TOML's whitespace is spaces and tabs.
fn skip_space(text: &str) -> &str {
    text.trim_start_matches([' ', '\t'])
}

/// The end of a line: nothing, or a comment of characters TOML allows.
fn comment_or_end(rest: &str) -> Option<()> {
    match rest.strip_prefix('#') {
        _ if rest.is_empty() => Some(()),
        Some(comment) if !comment.chars().any(is_control) => Some(()),
        _ => None,
    }
}

/// Control characters TOML allows in no string or comment (a tab it allows).
fn is_control(c: char) -> bool {
    (c < ' ' && c != '\t') || c == '\u{7f}'
}

/// A basic (`"…"`) or literal (`'…'`) one-line string at the start of `text`.
fn string(text: &str) -> Option<(String, &str)> {
    if let Some(body) = text.strip_prefix('\'') {
        let end = body.find('\'')?;
        let value = &body[..end];
        if value.chars().any(is_control) || body[end..].starts_with("''") {
            // `'''` opens a multi-line string.
            return None;
        }
        return Some((value.to_string(), &body[end + 1..]));
    }
    let body = text.strip_prefix('"')?;
    if body.starts_with("\"\"") {
        return None;
    }
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &body[i + 1..])),
            '\\' => value.push(escaped(&mut chars)?),
            c if is_control(c) => return None,
            c => value.push(c),
        }
    }
    None
}

/// The character an escape stands for, read after its backslash: TOML 1.0's
/// escapes (TOML 1.1's `\e` and `\x` are left to `toml`).
fn escaped(chars: &mut std::str::CharIndices) -> Option<char> {
    let hex = |chars: &mut std::str::CharIndices, digits: usize| {
        let code: String = chars.take(digits).map(|(_, c)| c).collect();
        (code.len() == digits && code.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u32::from_str_radix(&code, 16).ok())
            .flatten()
            .and_then(char::from_u32)
    };
    match chars.next()?.1 {
        'b' => Some('\u{8}'),
        't' => Some('\t'),
        'n' => Some('\n'),
        'f' => Some('\u{c}'),
        'r' => Some('\r'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        'u' => hex(chars, 4),
        'U' => hex(chars, 8),
        _ => None,
    }
}

/// A one-line array of strings (a trailing comma allowed, as in TOML).
fn strings(text: &str) -> Option<(Vec<String>, &str)> {
    let mut rest = skip_space(text.strip_prefix('[')?);
    let mut values = Vec::new();
    loop {
        if let Some(after) = rest.strip_prefix(']') {
            return Some((values, after));
        }
        let (value, after) = string(rest)?;
        values.push(value);
        rest = skip_space(after);
        match rest.strip_prefix(',') {
            Some(after) => rest = skip_space(after),
            None if rest.starts_with(']') => {}
            None => return None,
        }
    }
}

/// A date (`2026-11-18`) that is a day of the calendar, or a string; a
/// datetime is left to `toml`.
fn date(text: &str) -> Option<(RawDate, &str)> {
    if text.starts_with(['"', '\'']) {
        return string(text).map(|(s, rest)| (RawDate(s), rest));
    }
    let (day, rest) = text.split_at_checked(10)?;
    let b = day.as_bytes();
    let shape = b.iter().enumerate().all(|(i, b)| match i {
        4 | 7 => *b == b'-',
        _ => b.is_ascii_digit(),
    });
    let real = || NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok();
    // `2026-11-18 09:30:00` is a datetime: a space and a digit go on.
    let time_follows = skip_space(rest).starts_with(|c: char| c.is_ascii_digit());
    (shape && ends_value(rest) && !time_follows && real()).then(|| (RawDate(day.to_string()), rest))
}

/// A decimal integer as brief writes weights: no sign but `-`, no leading
/// zero, no underscore (anything else is left to `toml`).
fn integer(text: &str) -> Option<(i64, &str)> {
    let digits_start = usize::from(text.starts_with('-'));
    let len = digits_start
        + text[digits_start..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
    let (number, rest) = text.split_at(len);
    let digits = &number[digits_start..];
    let plain = !digits.is_empty() && (digits == "0" || !digits.starts_with('0'));
    if plain && ends_value(rest) {
        number.parse().ok().map(|n| (n, rest))
    } else {
        None
    }
}

fn boolean(text: &str) -> Option<(bool, &str)> {
    let (value, rest) = if let Some(rest) = text.strip_prefix("true") {
        (true, rest)
    } else {
        (false, text.strip_prefix("false")?)
    };
    ends_value(rest).then_some((value, rest))
}

/// Whether a bare value (a date, a number, a boolean) ends where `rest`
/// starts: at the end of the line, a space or a comment, not inside a longer
/// token such as `2026-11-18T09:30` or `falsey`.
fn ends_value(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with([' ', '\t', '#'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `toml` makes of `text`, as this reader would return it.
    fn by_toml(text: &str) -> Option<FrontMatter> {
        toml::from_str(text).ok()
    }

    /// Every front matter this reader reads, `toml` reads the same; and it
    /// reads the common ones (those brief and editors write).
    fn agree(text: &str) -> bool {
        match read(text) {
            Some(fm) => {
                assert_eq!(
                    Some(&fm),
                    by_toml(text).as_ref(),
                    "read differently: {text:?}"
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn reads_what_brief_writes_as_toml_does() {
        for text in [
            "id = \"84a36179c88ab243\"\ntitle = \"A lab\"\ndate = 2021-12-31\ntopics = [\"geopolitics\"]\nsources = [\"261_8b.txt\"]\nrelated = [\"a-b\", \"c-d\"]\n",
            "title = \"New\"\ndate = 2026-11-18\ntopics = []   # [[topics]] slugs from config.toml\n",
            "title = 'Says \"no\"'\ndate = 2026-11-18\nweight = -3\ndraft = true\nlead = false\nslug = \"x\"\naliases = [\"/insights/old/\"]\n",
            "# a note\n\n  title = \"Tab\\tand \\\"quote\\\" \\u00e9 \\U0001F600\"  # why\ndate = \"2026-11-18\"\r\nweight = 0\n",
            "title = \"x\"\ndate = 2024-02-29\nsources = [ \"a\" , 'b', ]\n",
        ] {
            assert!(agree(text), "not read: {text:?}");
        }
    }

    /// The sample digest's content, imported by brief and edited by hand, is
    /// read here, file by file as `toml` reads it.
    #[test]
    fn reads_the_sample_digest() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(super::super::INSIGHTS_DIR);
        let mut files = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let split = super::super::split_front_matter(&text).unwrap();
            assert!(
                agree(split.front_matter),
                "not read: {}",
                split.front_matter
            );
            files += 1;
        }
        assert!(files >= 39, "{files} files");
    }

    /// Front matter outside the subset (or wrong) is left to `toml`, whatever
    /// `toml` makes of it.
    #[test]
    fn leaves_the_rest_to_toml() {
        for text in [
            "title = \"x\"\n",
            "date = 2026-11-18\n",
            "title = \"x\"\ndate = 2026-11-18\ntitle = \"y\"\n",
            "title = \"x\"\ndate = 2026-11-18\ntitel = \"y\"\n",
            "title = \"x\"\ndate = 2026-02-30\n",
            "title = \"x\"\ndate = 2023-02-29\n",
            "title = \"x\"\ndate = 2026-11-18T09:30:00+01:00\n",
            "title = \"x\"\ndate = 2026-11-18 09:30:00\n",
            "title = \"x\"\ndate = 2026-11-18\ntopics = [\n  \"a\",\n]\n",
            "title = \"x\"\ndate = 2026-11-18\nweight = 007\n",
            "title = \"x\"\ndate = 2026-11-18\nweight = +7\n",
            "title = \"x\"\ndate = 2026-11-18\nweight = 1_000\n",
            "title = \"x\"\ndate = 2026-11-18\nweight = 99999999999999999999\n",
            "title = \"x\\e\"\ndate = 2026-11-18\n",
            "title = \"\"\"x\"\"\"\ndate = 2026-11-18\n",
            "title = '''x'''\ndate = 2026-11-18\n",
            "title = \"x\"\ndate = 2026-11-18\ndraft = True\n",
            "title = \"x\"\ndate = 2026-11-18\n[extra]\n",
            "\"title\" = \"x\"\ndate = 2026-11-18\n",
            "title = \"x\" y\ndate = 2026-11-18\n",
            "title = \"x\u{1}\"\ndate = 2026-11-18\n",
            "title = \"x\"\ndate = 2026-11-18\ntopics = [\"a\" \"b\"]\n",
            "title = \"x\"\ndate = 2026-11-18\ntopics = [1]\n",
        ] {
            assert!(!agree(text), "read, but toml should decide: {text:?}");
        }
    }

    /// Lines from every shape above and a few wrong ones, combined: whatever
    /// this reader reads, `toml` reads the same (a mismatch panics in `agree`).
    #[test]
    fn never_reads_otherwise_than_toml() {
        let titles = [
            "title = \"A \\\"b\\\" c\"",
            "title = 'a \"b\"'",
            "title = \"\\u00e9t\\u00e9\"",
            "title = \"\\uD800\"",
            "title = \"a\\\\\"",
            "title=\"tight\"",
            "title = \"é # not a comment\" # a comment",
            "title = \"tab\tin\"",
            "title = ''",
            "title = \"x\" # \u{7f}",
        ];
        let dates = [
            "date = 2026-11-18",
            "date = 0000-01-01",
            "date = 9999-12-31",
            "date = 2026-13-01",
            "date = 2026-1-01",
            "date = 2026-11-18Z",
            "date = 2026-11-18 # day",
            "date = 2026-11-18#day",
            "date = 2026-11-18  09:30:00",
            "date = \"18 November\"",
        ];
        let others = [
            "",
            "weight = -0",
            "weight = 0",
            "weight = -9223372036854775808",
            "weight = 9223372036854775808",
            "draft = false # no",
            "draft = falsey",
            "lead = true",
            "topics = [ ]",
            "topics = [,]",
            "topics = [\"a\",,]",
            "related = [\"a\", \"b\"] # two",
            "aliases = [\"/a/\"]x",
            "id = \"\"",
            "  # indented comment",
            "slug = \"a-b\"\r",
            "slug = \"a-b\"\rx",
        ];
        let mut read_here = 0;
        let mut cases = 0;
        for title in titles {
            for date in dates {
                for other in others {
                    for text in [
                        format!("{title}\n{date}\n{other}\n"),
                        format!("{other}\n{date}\n{title}"),
                    ] {
                        cases += 1;
                        read_here += usize::from(agree(&text));
                    }
                }
            }
        }
        assert!(read_here > cases / 4, "{read_here} of {cases} read here");
    }
}
