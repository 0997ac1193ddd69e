//! A theme's phrases are constants of a build, so a template's `words.NAME`
//! of a plain phrase is read once, when the theme loads: inside every tag, it
//! becomes the phrase as a string literal. Tera then prints the literal as it
//! would have printed the variable (escaped the same way), without looking
//! `words` up and hashing `NAME` on every page: on the default theme that
//! lookup was several per cent of a build. A phrase with plural forms folds
//! only where it goes to `say` (which reads the forms out of the literal, see
//! `words::encode_forms`); `words` used any other way stays a lookup. The
//! literal is seldom as long as
//! what it replaces, so each fold is recorded ([`Shift`]) to put the columns of
//! Tera's messages back where the template has them.

/// A template's source with the plain phrases it names folded in.
pub(crate) struct Folded {
    pub(crate) text: String,
    pub(crate) shifts: Vec<Shift>,
    /// Each `words.NAME` whose NAME is no phrase: its name and its line and
    /// column in the source (a typo, reported when the theme loads rather
    /// than printing nothing through `say`).
    pub(crate) unknown: Vec<(String, usize, usize)>,
}

/// What becomes of one `words.NAME` of a template.
pub(crate) enum Fold {
    /// It is read in: the phrase as a literal.
    Phrase(String),
    /// It stays a lookup (plural forms not said, text a literal cannot hold).
    Keep,
    /// NAME is no phrase.
    Unknown,
}

/// A fold that changed a line's length: from column `col` of line `line` of
/// the folded text (the first character after the literal) on, columns are
/// `delta` characters more than in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shift {
    line: usize,
    col: usize,
    delta: isize,
}

/// The column in the source of column `col` (1-based) of line `line` of the
/// folded text.
pub(crate) fn source_col(shifts: &[Shift], line: usize, col: usize) -> usize {
    let delta: isize = shifts
        .iter()
        .filter(|s| s.line == line && s.col <= col)
        .map(|s| s.delta)
        .sum();
    col.saturating_add_signed(-delta).max(1)
}

/// `source` with each `words.NAME` inside a tag replaced by `phrase(NAME,
/// said)` as a string literal (`said`: the phrase goes to the `say` filter),
/// when there is one and a literal can hold it. Comments and `{% raw %}`
/// blocks are left as they are, and so is a template that names a `words` of
/// its own (`set words`, `for words in`), where `words.NAME` may be another.
pub(crate) fn fold(source: &str, phrase: impl Fn(&str, bool) -> Fold) -> Folded {
    if sets_words(source) {
        return Folded {
            text: source.to_string(),
            shifts: Vec::new(),
            unknown: Vec::new(),
        };
    }
    let mut folder = Folder {
        out: String::with_capacity(source.len()),
        shifts: Vec::new(),
        unknown: Vec::new(),
        line: 1,
        col: 1,
    };
    let mut rest = source;
    while let Some(open) = rest.find('{') {
        folder.copy(&rest[..open]);
        rest = &rest[open..];
        // How far this `{` reaches, and whether it opens a tag to fold in.
        let (taken, is_tag) = match rest.as_bytes().get(1) {
            Some(b'%') if is_raw_tag(rest) => (raw_len(rest), false),
            Some(b'{') => (tag_len(rest, "}}"), true),
            Some(b'%') => (tag_len(rest, "%}"), true),
            Some(b'#') => (rest.find("#}").map_or(rest.len(), |end| end + 2), false),
            _ => (1, false),
        };
        if is_tag {
            folder.tag(&rest[..taken], &phrase);
        } else {
            folder.copy(&rest[..taken]);
        }
        rest = &rest[taken..];
    }
    folder.copy(rest);
    Folded {
        text: folder.out,
        shifts: folder.shifts,
        unknown: folder.unknown,
    }
}

struct Folder {
    out: String,
    shifts: Vec<Shift>,
    unknown: Vec<(String, usize, usize)>,
    /// Where the end of `out` is: line and column (characters), from 1.
    line: usize,
    col: usize,
}

impl Folder {
    fn copy(&mut self, text: &str) {
        (self.line, self.col) = after(self.line, self.col, text);
        self.out.push_str(text);
    }

    /// Copies a tag, folding each `words.NAME` outside its strings.
    fn tag(&mut self, tag: &str, phrase: &impl Fn(&str, bool) -> Fold) {
        let bytes = tag.as_bytes();
        let mut copied = 0;
        let mut past = 0;
        for at in outside_strings(bytes, 0) {
            if at < past || !starts_name(bytes, at) || !bytes[at..].starts_with(b"words.") {
                continue;
            }
            let name_at = at + "words.".len();
            let name_len = bytes[name_at..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            let end = name_at + name_len;
            past = end;
            let followed = bytes.get(end).copied();
            if name_len == 0 || matches!(followed, Some(b'.' | b'[' | b'(')) {
                continue;
            }
            let said = goes_to_say(&tag[end..]);
            let name = &tag[name_at..end];
            let literal = match phrase(name, said) {
                Fold::Phrase(text) => literal(&text),
                Fold::Keep => None,
                Fold::Unknown => {
                    self.note_unknown(name, &tag[copied..at]);
                    None
                }
            };
            let Some(literal) = literal else {
                continue;
            };
            self.copy(&tag[copied..at]);
            self.copy(&literal);
            let delta = literal.chars().count() as isize - (end - at) as isize;
            if delta != 0 {
                let (line, col) = (self.line, self.col);
                self.shifts.push(Shift { line, col, delta });
            }
            copied = end;
        }
        self.copy(&tag[copied..]);
    }
}

impl Folder {
    /// Notes the unknown `words.NAME` that follows `before` (the part of its
    /// tag not yet copied), at its place in the source.
    fn note_unknown(&mut self, name: &str, before: &str) {
        let (line, col) = after(self.line, self.col, before);
        let col = source_col(&self.shifts, line, col);
        self.unknown.push((name.to_string(), line, col));
    }
}

/// The line and column (in characters, from 1) after `text`, which starts at
/// `line`, `col`.
fn after(mut line: usize, mut col: usize, text: &str) -> (usize, usize) {
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    (line, col)
}

/// The positions in `bytes`, from `from` on, that are outside the string
/// literals of a tag (and are not their quotes). Every byte a tag's syntax
/// looks for is ASCII, so each such position is a character boundary.
fn outside_strings(bytes: &[u8], from: usize) -> impl Iterator<Item = usize> + '_ {
    let mut quote = None;
    let mut at = from;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let b = bytes[at];
            at += 1;
            match quote {
                Some(_) if b == b'\\' => at += 1,
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
                None => return Some(at - 1),
            }
        }
        None
    })
}

/// Whether a name starts at `at`: the byte before it cannot be part of one
/// (`site.words.x` and `my_words.x` are other names).
fn starts_name(bytes: &[u8], at: usize) -> bool {
    at == 0 || !matches!(bytes[at - 1], b'.' | b'_' | b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9')
}

/// Whether `source` makes a variable `words` of its own: `set words`,
/// `set_global words`, `for words in`, `for key, words in`.
fn sets_words(source: &str) -> bool {
    source.match_indices("words").any(|(at, _)| {
        let before = source[..at].trim_end();
        let rest = &source[at + "words".len()..];
        let name_ends = !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        let after = rest.trim_start();
        let set = before.ends_with("set") || before.ends_with("set_global");
        let looped = after.starts_with("in ")
            && (before.ends_with("for") || before.ends_with(',') && before.contains("for"));
        name_ends && starts_name(source.as_bytes(), at) && (set || looped)
    })
}

/// Whether what follows a name starts with the filter `say`.
fn goes_to_say(after: &str) -> bool {
    let Some(rest) = after.trim_start().strip_prefix('|') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.strip_prefix("say")
        .is_some_and(|r| !r.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
}

/// `text` as a Tera string literal, in the first quote it does not contain;
/// none for text a literal cannot hold as it is (a backslash would start an
/// escape, and a line break would move every line after it).
fn literal(text: &str) -> Option<String> {
    if text.contains(['\\', '\n', '\r']) {
        return None;
    }
    let quote = ['"', '\'', '`'].into_iter().find(|q| !text.contains(*q))?;
    Some(format!("{quote}{text}{quote}"))
}

/// Whether `rest` starts with `{% raw %}` (with any spacing and `-`).
fn is_raw_tag(rest: &str) -> bool {
    let inside = rest
        .strip_prefix("{%")
        .map(|r| r.trim_start_matches('-').trim_start());
    inside.is_some_and(|r| {
        r.starts_with("raw")
            && r[3..]
                .trim_start()
                .trim_start_matches('-')
                .starts_with("%}")
    })
}

/// The length of the `{% raw %}` block at the start of `rest`, to the end of
/// its `{% endraw %}` (the whole rest if it has none: Tera says so).
fn raw_len(rest: &str) -> usize {
    rest.find("endraw").map_or(rest.len(), |end| {
        end + rest[end..]
            .find("%}")
            .map_or(rest.len() - end, |close| close + 2)
    })
}

/// The length of the tag at the start of `rest`, up to and with `close`
/// outside its strings (the whole rest if it is never closed: Tera says so).
fn tag_len(rest: &str, close: &str) -> usize {
    let bytes = rest.as_bytes();
    outside_strings(bytes, 2)
        .find(|&at| bytes[at..].starts_with(close.as_bytes()))
        .map_or(rest.len(), |at| at + close.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(name: &str, said: bool) -> Fold {
        let text = match (name, said) {
            ("issues", _) => "Issues",
            ("quoted", _) => "say \"hi\"",
            ("all_quotes", _) => "\"'`",
            ("slash", _) => "a\\b",
            ("counted", true) => "forms",
            ("counted", false) => return Fold::Keep,
            _ => return Fold::Unknown,
        };
        Fold::Phrase(text.to_string())
    }

    #[test]
    fn unknown_names_are_noted_at_their_place_in_the_source() {
        let source = "{{ words.issues }} {{ words.nope | say(n=1) }}\n  {% if words.other %}{{ words.counted }}{% endif %}";
        let result = fold(source, phrases);
        assert_eq!(
            result.unknown,
            [("nope".to_string(), 1, 23), ("other".to_string(), 2, 9)]
        );
    }

    fn folded(source: &str) -> String {
        fold(source, phrases).text
    }

    #[test]
    fn plain_phrases_in_tags_become_literals() {
        assert_eq!(
            folded("<a>{{ words.issues }}</a>"),
            "<a>{{ \"Issues\" }}</a>"
        );
        assert_eq!(
            folded("{%- set t = words.issues -%}"),
            "{%- set t = \"Issues\" -%}"
        );
        assert_eq!(
            folded("{{ words.quoted | upper }}"),
            "{{ 'say \"hi\"' | upper }}"
        );
        assert_eq!(
            folded("{{ words.issues | say(n=words.issues) }}"),
            "{{ \"Issues\" | say(n=\"Issues\") }}"
        );
    }

    #[test]
    fn a_phrase_of_plural_forms_folds_only_into_say() {
        assert_eq!(
            folded("{{ words.counted | say(n=2) }}"),
            "{{ \"forms\" | say(n=2) }}"
        );
        for source in ["{{ words.counted }}", "{{ words.counted | sayit }}"] {
            assert_eq!(folded(source), source);
        }
    }

    #[test]
    fn everything_else_is_left_as_it_is() {
        for source in [
            "text words.issues {{ x }}",
            "{# {{ words.issues }} #}",
            "{% raw %}{{ words.issues }}{% endraw %}{{ y }}",
            "{{ \"words.issues\" }}",
            "{{ site.words.issues }} {{ my_words.issues }}",
            "{{ words.unknown }} {{ words.issues.len }} {{ words }}",
            "{{ words.all_quotes }} {{ words.slash }}",
            "{% set words = other %}{{ words.issues }}",
            "{% for key, words in list %}{{ words.issues }}{% endfor %}",
            "{{ é }} {% if ü %}",
        ] {
            assert_eq!(folded(source), source);
        }
    }

    #[test]
    fn columns_after_a_fold_are_put_back() {
        let source = "ab {{ words.issues }} {{ oops }}\n{{ words.issues }}";
        let result = fold(source, phrases);
        let line = result.text.lines().next().unwrap();
        let oops = line.find("oops").unwrap() + 1;
        assert_eq!(
            source_col(&result.shifts, 1, oops),
            source.find("oops").unwrap() + 1
        );
        // Before the fold, and on other lines, nothing moves.
        assert_eq!(source_col(&result.shifts, 1, 2), 2);
        assert_eq!(source_col(&result.shifts, 2, 2), 2);
    }
}
