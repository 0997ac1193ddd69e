//! Tera filters brief adds to every theme: `wrap` fills plain text to a column
//! width (the email text edition), and `json_script` turns a value into JSON that
//! is safe inside a `<script>` element (JSON-LD); plus Tera 1's `json_encode`,
//! `slug`, `urlencode` and `urlencode_strict` from tera-contrib. Pure functions,
//! no IO.

use tera::{Filter, Kwargs, State, TeraResult, Value};

use crate::escape::write_escaped;
use crate::text::unspaced::is_wide;

/// Registers the filters on a theme's Tera instance (before templates are added:
/// Tera checks every filter a template names when it parses it).
pub(crate) fn register(tera: &mut tera::Tera) {
    tera.register_filter("wrap", wrap_filter);
    tera.register_filter("json_script", JsonScript);
    tera.register_filter("safe", safe);
    // Tera 1 had these built in; Tera 2 keeps them in tera-contrib.
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_filter("slug", tera_contrib::slug::slug);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter(
        "urlencode_strict",
        tera_contrib::urlencode::urlencode_strict,
    );
}

/// Tera's own `safe`, without its copy of the string: every page passes its
/// insight bodies through `safe`, and Tera's strings are shared, not copied.
fn safe(value: &Value, _: Kwargs, _: &State) -> Value {
    if value.is_string() {
        value.clone().mark_safe()
    } else {
        Value::safe_string(&value.to_string())
    }
}

/// `{{ text | wrap(width=72, indent="   ", first="1. ") }}`: every line of `text`
/// filled to `width` columns; `first` prefixes the first line (default `indent`).
fn wrap_filter(text: &str, args: Kwargs, _: &State) -> TeraResult<String> {
    let width = args.get::<usize>("width")?.unwrap_or(72);
    let indent = args.get::<&str>("indent")?.unwrap_or("");
    let first = args.get::<&str>("first")?.unwrap_or(indent);
    Ok(wrap(text, width, first, indent))
}

/// Greedy word wrap. Lines starting with four spaces or a tab are preformatted
/// (code) and kept as they are; a word longer than the width (a URL) gets a line
/// of its own rather than being cut, so it stays clickable. Blank lines stay
/// blank, without trailing indentation. Width counts characters. Words are split
/// at ASCII whitespace only: a no-break space keeps its words together, as it
/// should (and the byte-wise split is several times faster, on every email).
/// Chinese and Japanese lines break between characters, two columns each
/// (see [`fill_wide_line`]).
pub(crate) fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut prefix = first;
    for line in text.lines() {
        if line.trim_ascii().is_empty() {
            out.push('\n');
        } else if line.starts_with("    ") || line.starts_with('\t') {
            out.push_str(prefix);
            out.push_str(line);
            out.push('\n');
            prefix = indent;
        } else if !line.is_ascii() && line.contains(is_wide) {
            fill_wide_line(&mut out, line, width, &mut prefix, indent);
            out.push('\n');
        } else {
            fill_line(&mut out, line, width, &mut prefix, indent);
            out.push('\n');
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// [`wrap`] of one line of prose. Words that stay on one output line and are
/// one space apart in `line` are copied as one slice, and each word is found
/// and counted in one pass over its bytes: an email's text is mostly such
/// runs, and copying and counting word by word was most of the filter's time.
fn fill_line<'a>(
    out: &mut String,
    line: &str,
    width: usize,
    prefix: &mut &'a str,
    indent: &'a str,
) {
    if is_simple_prose(line) {
        return fill_simple_line(out, line, width, prefix, indent);
    }
    let bytes = line.as_bytes();
    let mut column = 0;
    // The part of `line` waiting to be copied: whole words and single spaces.
    let mut run = 0..0;
    let mut at = 0;
    while let Some((start, end, len)) = next_word(bytes, at) {
        at = end;
        if column > 0 && column + 1 + len <= width {
            column += 1 + len;
            if start == run.end + 1 && bytes[run.end] == b' ' {
                run.end = end;
                continue;
            }
            out.push_str(&line[run]);
            out.push(' ');
        } else {
            out.push_str(&line[run]);
            if column > 0 {
                out.push('\n');
            }
            out.push_str(prefix);
            column = char_count(prefix) + len;
            *prefix = indent;
        }
        run = start..end;
    }
    out.push_str(&line[run]);
}

/// [`fill_line`] of a line with Chinese or Japanese text, which puts no
/// spaces between words: a line may break before any of its characters, but
/// not before punctuation nor after an opening bracket, and each of them (and
/// fullwidth punctuation) takes two columns, as terminals and mail clients show
/// them.
fn fill_wide_line<'a>(
    out: &mut String,
    line: &str,
    width: usize,
    prefix: &mut &'a str,
    indent: &'a str,
) {
    let mut column = 0;
    let mut started = false;
    for word in line.split_ascii_whitespace() {
        let mut rest = word;
        let mut spaced = true;
        while !rest.is_empty() {
            let (unit, after) = rest.split_at(unbreakable_len(rest));
            let gap = usize::from(spaced);
            let needed = columns(unit);
            if started && column + gap + needed <= width {
                if spaced {
                    out.push(' ');
                }
                column += gap;
            } else {
                if started {
                    out.push('\n');
                }
                out.push_str(prefix);
                column = columns(prefix);
                *prefix = indent;
                started = true;
            }
            out.push_str(unit);
            column += needed;
            (rest, spaced) = (after, false);
        }
    }
}

/// The length in bytes of the start of `text` (no whitespace in it) that no
/// line may break inside: opening brackets, then one Chinese or Japanese
/// character or a run of other characters (a Latin word, a number), then the
/// punctuation after it.
fn unbreakable_len(text: &str) -> usize {
    let mut chars = text.char_indices().peekable();
    while chars.next_if(|&(_, c)| is_opening(c)).is_some() {}
    if chars.next_if(|&(_, c)| is_wide(c)).is_none() {
        while chars
            .next_if(|&(_, c)| !is_wide(c) && !is_opening(c))
            .is_some()
        {}
    }
    while chars
        .next_if(|&(_, c)| !c.is_alphanumeric() && !is_opening(c))
        .is_some()
    {}
    chars.peek().map_or(text.len(), |&(at, _)| at)
}

fn is_opening(c: char) -> bool {
    matches!(
        c,
        '(' | '[' | '“' | '‘' | '「' | '『' | '（' | '【' | '《' | '〈' | '〔' | '［' | '｛'
    )
}

/// The columns `text` takes on a terminal: two for each Chinese or Japanese
/// character and each fullwidth sign, one for any other character.
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = is_wide(c)
                || ('\u{3000}'..='\u{303f}').contains(&c)
                || ('\u{ff01}'..='\u{ff60}').contains(&c)
                || ('\u{ffe0}'..='\u{ffe6}').contains(&c);
            1 + usize::from(wide)
        })
        .sum()
}

/// Whether `line` is ASCII words one space apart, no space at either end:
/// most lines of an email's text, which [`fill_simple_line`] wraps without
/// reading them word by word.
fn is_simple_prose(line: &str) -> bool {
    let bytes = line.as_bytes();
    line.is_ascii()
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && !bytes.iter().any(|&b| b.is_ascii_whitespace() && b != b' ')
        && memchr::memmem::find(bytes, b"  ").is_none()
}

/// [`fill_line`] of a line that [`is_simple_prose`]: each output line is the
/// longest run of words that fits, found as the last space within the room
/// left after the prefix (bytes are characters here); a word longer than that
/// room gets a line of its own.
fn fill_simple_line<'a>(
    out: &mut String,
    line: &str,
    width: usize,
    prefix: &mut &'a str,
    indent: &'a str,
) {
    let mut rest = line;
    loop {
        out.push_str(prefix);
        let room = width.saturating_sub(char_count(prefix));
        *prefix = indent;
        if rest.len() <= room {
            out.push_str(rest);
            return;
        }
        let bytes = rest.as_bytes();
        let cut = match bytes[..=room].iter().rposition(|&b| b == b' ') {
            Some(space) => space,
            None => memchr::memchr(b' ', bytes).unwrap_or(rest.len()),
        };
        out.push_str(&rest[..cut]);
        if cut == rest.len() {
            return;
        }
        out.push('\n');
        rest = &rest[cut + 1..];
    }
}

/// The next word of `bytes` from `at` on: its start, its end and its length in
/// characters (see [`starts_char`]). ASCII whitespace
/// never occurs inside a multi-byte character, so the bounds are char bounds.
fn next_word(bytes: &[u8], mut at: usize) -> Option<(usize, usize, usize)> {
    while bytes.get(at)?.is_ascii_whitespace() {
        at += 1;
    }
    let start = at;
    let mut chars = 0;
    while let Some(&b) = bytes.get(at).filter(|b| !b.is_ascii_whitespace()) {
        chars += usize::from(starts_char(b));
        at += 1;
    }
    Some((start, at, chars))
}

/// `{{ value | json_script }}`: JSON with `<`, `>` and `&` as `\u` escapes, so
/// text such as `</script>` cannot close the element it is embedded in. Marked
/// safe: its output must not be HTML-escaped.
struct JsonScript;

impl Filter<&Value, String> for JsonScript {
    fn call(&self, value: &Value, _: Kwargs, _: &State) -> String {
        json_script(value)
    }

    fn is_safe(&self) -> bool {
        true
    }
}

pub(crate) fn json_script(value: &impl serde::Serialize) -> String {
    let mut out = Vec::with_capacity(1024);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, ScriptSafe);
    value
        .serialize(&mut serializer)
        .expect("template values serialize");
    String::from_utf8(out).expect("JSON is UTF-8")
}

/// Compact JSON whose strings have `<`, `>` and `&` as `\u` escapes, written in
/// one pass. The three occur nowhere in JSON but inside strings.
struct ScriptSafe;

impl serde_json::ser::Formatter for ScriptSafe {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let bytes = fragment.as_bytes();
        let specials = memchr::memchr3_iter(b'<', b'>', b'&', bytes);
        write_escaped(writer, bytes, specials, |byte| match byte {
            b'<' => b"\\u003c",
            b'>' => b"\\u003e",
            _ => b"\\u0026",
        })
    }
}

/// The characters in `s` (a line's prefix in `wrap`; [`next_word`] counts
/// words as it finds them).
fn char_count(s: &str) -> usize {
    s.bytes().filter(|&b| starts_char(b)).count()
}

/// Whether `b` starts a UTF-8 character (is not a continuation byte):
/// branch-free, where `chars().count()` costs more in its setup than in
/// counting a short word.
fn starts_char(b: u8) -> bool {
    (b as i8) >= -0x40
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
    fn counts_characters_not_bytes() {
        assert_eq!(char_count("naïve—café"), 10);
        assert_eq!(wrap("éééé ééé", 7, "", ""), "éééé\nééé");
        // A no-break space is not a place to break.
        assert_eq!(wrap("a 10\u{a0}km b", 6, "", ""), "a\n10\u{a0}km\nb");
    }

    #[test]
    fn keeps_long_words_code_and_blank_lines() {
        let url = "https://example.org/a/very/long/path/";
        let out = wrap(&format!("see {url} now\n\n    let x = 1;\n"), 20, "", "  ");
        assert_eq!(out, format!("see\n  {url}\n  now\n\n      let x = 1;\n"));
    }

    #[test]
    fn chinese_and_japanese_lines_break_between_characters_at_two_columns_each() {
        let text = "深度求索将进一步的API降价与华为芯片供应挂钩，如果昇腾芯片的产能跟不上，降价计划可能会推迟到明年第二季度。「電力が足りない！」と社長は言った。".repeat(3);
        let wrapped = wrap(&text, 40, "1. ", "   ");
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines.len() > 10, "{wrapped}");
        for line in &lines {
            assert!(columns(line) <= 40, "{line:?} is {} columns", columns(line));
            let body = &line[3..];
            assert!(!body.starts_with(['，', '。', '！', '」']), "{line:?}");
            assert!(!body.ends_with('「'), "{line:?}");
        }
        assert!(lines[0].starts_with("1. 深度"));
        let joined: String = lines.iter().map(|line| &line[3..]).collect();
        assert_eq!(joined, text);
        // A Latin word inside is never cut, and spaces between words stay.
        assert!(!wrapped.contains("A\n") && !wrapped.contains("P\n"));
        assert_eq!(
            wrap("中文 and English 混合", 72, "", ""),
            "中文 and English 混合"
        );
    }

    /// Thai puts no spaces between words but is not wide, and its vowel
    /// signs sit on the letter before them: a line breaks only at spaces.
    #[test]
    fn wrap_breaks_thai_only_at_spaces() {
        let text = "ราคาชิปลดลง ผู้ผลิตในเชียงใหม่เพิ่มกำลังการผลิต";
        assert_eq!(
            wrap(text, 20, "", ""),
            "ราคาชิปลดลง\nผู้ผลิตในเชียงใหม่เพิ่มกำลังการผลิต"
        );
    }

    /// The word-by-word fill `wrap` copied before it copied runs of words.
    fn wrap_word_by_word(text: &str, width: usize, first: &str, indent: &str) -> String {
        let mut out = String::new();
        let mut prefix = first;
        for line in text.lines() {
            if line.trim_ascii().is_empty() {
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
            for word in line.split_ascii_whitespace() {
                let len = char_count(word);
                if column > 0 && column + 1 + len <= width {
                    out.push(' ');
                    column += 1;
                } else {
                    if column > 0 {
                        out.push('\n');
                    }
                    out.push_str(prefix);
                    column = char_count(prefix);
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

    #[test]
    fn copying_runs_of_words_fills_as_word_by_word_does() {
        let texts = [
            "one two  three\tfour\u{a0}five  six seven eight nine ten eleven twelve",
            "  lead spaces and trailing ones   \nsecond line\n\n    code  kept\nlast",
            "a https://example.org/a/very/long/path/that/is/longer/than/the/width b c",
            "Simple prose of short and loooooooooooong words, one space apart: it fills to the width.",
            "exactly five chars each words here ok\nand a second simple line of prose",
            "supercalifragilistic a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii",
            "naïve café — über straße and ümlauts: ëëë ïïï ööö üüü ÿÿÿ ààà",
            "",
            "\n\n",
            "x",
        ];
        for text in texts {
            for width in [1, 5, 9, 16, 30, 72] {
                for (first, indent) in [("", ""), ("1. ", "   "), ("* ", "  ")] {
                    assert_eq!(
                        wrap(text, width, first, indent),
                        wrap_word_by_word(text, width, first, indent),
                        "{text:?} at {width} with {first:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn json_script_cannot_close_the_script_element() {
        let out = json_script(&serde_json::json!({"t": "</script><b>&"}));
        assert!(!out.contains('<'), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(back["t"], "</script><b>&");
    }
}
