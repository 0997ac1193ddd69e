//! The one rule for characters that must not reach a page, a feed or a terminal:
//! C0 controls other than tab, line feed and carriage return; DEL; C1 controls;
//! and Unicode non-characters (U+FDD0–U+FDEF and the last two code points of every
//! plane, U+FFFE and U+FFFF among them). XML 1.0 forbids most of them, HTML calls
//! them parse errors, and a terminal obeys ESC and CSI as commands. They are
//! dropped where text enters (content files, the config) and where it leaves for a
//! terminal (diagnostics); the feeds apply the rule once more to what templates
//! add. A leaf: it depends on nothing in the crate.

use std::borrow::Cow;

/// `text` without the characters above; borrowed when it has none.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !may_hold_unprintable(text.as_bytes()) || text.chars().all(is_printable) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| is_printable(c)).collect())
    }
}

/// [`printable`] in place, for owned text that usually has nothing to drop.
pub(crate) fn make_printable(text: &mut String) {
    if let Cow::Owned(clean) = printable(text) {
        *text = clean;
    }
}

/// Whether `c` may be shown.
fn is_printable(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => true,
        '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fdd0}'..='\u{fdef}' => false,
        _ => (c as u32) & 0xfffe != 0xfffe,
    }
}

/// Whether `bytes` hold a byte that can begin an unprintable character in UTF-8:
/// a control byte, or the lead byte of U+0080–U+00BF (C1 controls), of
/// U+F000–U+FFFF (U+FDD0–U+FDEF, U+FFFE, U+FFFF) or of another plane. Text
/// without one (most text) is clean without decoding a character. Whole chunks
/// are tested without branching, which the compiler turns into vector
/// instructions: feeds pass every issue's HTML through here.
fn may_hold_unprintable(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|chunk| {
        chunk
            .iter()
            .fold(false, |found, &b| found | may_start_unprintable(b))
    })
}

/// See [`may_hold_unprintable`]; `|` and `&` rather than `||` and `&&` keep it
/// free of branches.
fn may_start_unprintable(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
        | (b == 0x7f)
        | (b == 0xc2)
        | (b == 0xef)
        | (b >= 0xf0)
}

/// [`make_printable`], then [`make_one_line`]: a title or a name as it is
/// shown.
pub(crate) fn make_printable_line(text: &mut String) {
    make_printable(text);
    make_one_line(text);
}

/// `text` as one line, as a title or a name needs to be wherever it is shown
/// (a page's `<title>` and headline, a feed item's title, a tag): its line
/// breaks, tabs and runs of spaces become one space, and it is trimmed. ASCII
/// whitespace only: a no-break space is the writer's choice and stays.
pub(crate) fn make_one_line(text: &mut String) {
    let is_one_line = !text.contains(['\n', '\r', '\t', '\x0c'])
        && !text.contains("  ")
        && !text.starts_with(' ')
        && !text.ends_with(' ');
    if !is_one_line {
        *text = text.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_collapses_ascii_whitespace_only() {
        for (text, line) in [
            ("Already one line", "Already one line"),
            ("  two\r\n lines\tand  runs ", "two lines and runs"),
            ("no\u{a0}break", "no\u{a0}break"),
            (" \n ", ""),
        ] {
            let mut text = text.to_string();
            make_one_line(&mut text);
            assert_eq!(text, line);
        }
    }

    #[test]
    fn drops_controls_and_non_characters_only() {
        let dirty = "a\u{1}b\u{1b}[31mc\0d\u{fffe}e\u{ffff}f\u{9b}g\u{7f}h\u{fdd0}i\u{1fffe}j";
        assert_eq!(printable(dirty), "ab[31mcdefghij");
        let clean = "tab\tline\nreturn\r é « » © \u{fdcf} \u{fff0} \u{1f600} \u{10fffd}";
        assert!(matches!(printable(clean), Cow::Borrowed(_)));
        assert_eq!(printable(clean), clean);
    }

    #[test]
    fn finds_a_control_in_any_chunk() {
        let clean = "x".repeat(130);
        for at in [0, 63, 64, 127, 130] {
            let mut dirty = clean.clone();
            dirty.insert(at, '\u{7}');
            assert_eq!(printable(&dirty), clean, "at {at}");
        }
    }

    #[test]
    fn in_place_leaves_clean_text_alone() {
        let mut text = String::from("ok\u{1b}");
        make_printable(&mut text);
        assert_eq!(text, "ok");
    }
}
