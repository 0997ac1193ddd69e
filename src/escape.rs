//! Escaping, one rule each. HTML: the five characters that can end a text or an
//! attribute value (`&`, `<`, `>`, `"`, `'`) become entities, for brief's own
//! markup and for what templates print alike; nothing else is touched (Tera's
//! default also escapes `/`, which turns every URL into `&#x2F;` soup). URL paths:
//! [`percent_decode`] reads them the way a server does, [`url_path`] writes a
//! file's path as one. A leaf helper: pure functions, no IO, no knowledge of
//! any stage.

use std::borrow::Cow;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// `text` with the HTML specials escaped.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    write_html_escaped(text, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// Text shorter than this is searched for specials byte by byte: sooner
/// done than setting up memchr's searches, and most text escaped is short
/// (names, titles, the pieces of a phrase).
const SHORT_TEXT: usize = 64;

/// Writes `text` with the HTML specials escaped: Tera's escape function.
pub(crate) fn write_html_escaped(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = text.as_bytes();
    if bytes.len() < SHORT_TEXT {
        let specials = (0..bytes.len()).filter(|&at| is_html_special(bytes[at]));
        return write_escaped(out, bytes, specials, html_entity);
    }
    write_escaped(out, bytes, html_specials(bytes), html_entity)
}

fn is_html_special(byte: u8) -> bool {
    matches!(byte, b'&' | b'<' | b'>' | b'"' | b'\'')
}

/// The entity of one of the five HTML specials.
fn html_entity(byte: u8) -> &'static [u8] {
    match byte {
        b'&' => b"&amp;",
        b'<' => b"&lt;",
        b'>' => b"&gt;",
        b'"' => b"&quot;",
        _ => b"&#39;",
    }
}

/// `text` escaped as XML character data: `&`, `<` and `>` only (quotes need
/// no escaping outside attributes; `>` because of `]]>`), which keeps feed
/// documents, whose text is mostly HTML, short.
pub(crate) fn escape_xml_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() + text.len() / 4);
    let specials = memchr::memchr3_iter(b'&', b'<', b'>', bytes);
    write_escaped(&mut out, bytes, specials, |byte| match byte {
        b'&' => b"&amp;",
        b'<' => b"&lt;",
        _ => b"&gt;",
    })
    .expect("writing to memory cannot fail");
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// Whether [`escape_html`] would change `text`.
pub(crate) fn needs_escaping(text: &str) -> bool {
    html_specials(text.as_bytes()).next().is_some()
}

/// Undoes the escaping brief's templates and Markdown renderer apply to
/// attribute values (and `&#x27;`, another common spelling of `'`).
pub(crate) fn unescape_html(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Writes `bytes` with the byte at each of the ascending positions `specials`
/// replaced by its `escape`. The runs between them are copied whole: most text
/// has none, and memchr finds the specials many bytes at a time (escaping was a
/// tenth of a build's instructions when every byte was looked at in turn).
/// Specials are ASCII, so every cut is at a char boundary.
pub(crate) fn write_escaped<W: ?Sized + std::io::Write>(
    out: &mut W,
    bytes: &[u8],
    specials: impl Iterator<Item = usize>,
    escape: impl Fn(u8) -> &'static [u8],
) -> std::io::Result<()> {
    let mut copied = 0;
    for at in specials {
        out.write_all(&bytes[copied..at])?;
        out.write_all(escape(bytes[at]))?;
        copied = at + 1;
    }
    out.write_all(&bytes[copied..])
}

/// The ascending positions in `bytes` of the five characters HTML escapes.
/// memchr searches for at most three bytes at once, so two searches are merged.
fn html_specials(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut markup = memchr::memchr3_iter(b'&', b'<', b'>', bytes).peekable();
    let mut quotes = memchr::memchr2_iter(b'"', b'\'', bytes).peekable();
    std::iter::from_fn(move || match (markup.peek(), quotes.peek()) {
        (Some(m), Some(q)) if q < m => quotes.next(),
        (Some(_), _) => markup.next(),
        (None, _) => quotes.next(),
    })
}

/// What a file's path must escape to be a URL's path: controls, the space,
/// what would end or split the path (`#`, `?`), `%` itself, and what RFC 3986
/// never allows unescaped (`"`, `<`, `>`, `` ` ``, `{`, `}`, `|`, `\`, `^`, `[`,
/// `]`). Bytes outside ASCII are always escaped.
const URL_PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'[')
    .add(b']');

/// A site path (a file's, `/`-separated) as it is written in a URL:
/// `files/Über 100%.pdf` → `files/%C3%9Cber%20100%25.pdf`. The inverse of
/// [`percent_decode`].
pub(crate) fn url_path(path: &str) -> Cow<'_, str> {
    utf8_percent_encode(path, URL_PATH).into()
}

/// A URL path (or fragment) with its `%XX` escapes decoded, the way a server
/// reads a request: `None` when a `%` does not start two hex digits or the bytes
/// are not UTF-8, because such a URL names no file (`serve` answers 400, and
/// `check` reports the link as broken), and a lenient reading could make `%zz`
/// or a lone `%` hide a path from the checks that follow.
pub(crate) fn percent_decode(text: &str) -> Option<String> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b == b'%' {
            // Two hex digits, checked as such: `from_str_radix` alone would also
            // take a sign (`%+1`).
            let hex = tail
                .get(..2)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            out.push(b);
            rest = tail;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_escape_what_a_url_cannot_hold_and_decode_back() {
        assert_eq!(
            url_path("insights/a-b_c/index.html"),
            "insights/a-b_c/index.html"
        );
        assert_eq!(
            url_path("files/Über Bericht (final) 100%.pdf"),
            "files/%C3%9Cber%20Bericht%20(final)%20100%25.pdf"
        );
        assert_eq!(url_path("a+b&c=d;e,f'g~.txt"), "a+b&c=d;e,f'g~.txt");
        assert_eq!(url_path("q?#x[1]"), "q%3F%23x%5B1%5D");
        for path in [
            "files/中文 名.txt",
            "100%/x y#z?.pdf",
            "a\\b|c^d`e{f}\"g<h>",
        ] {
            assert_eq!(percent_decode(&url_path(path)).as_deref(), Some(path));
        }
    }

    #[test]
    fn escapes_markup_characters_only() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("a/b?c=d"), "a/b?c=d");
        assert_eq!(
            escape_html("<script>\"x\" & 'y'</script>é"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;é"
        );
        assert!(!needs_escaping("/insights/a-b/"));
        assert!(needs_escaping("Tom's"));
    }

    #[test]
    fn xml_text_escapes_markup_but_not_quotes() {
        assert_eq!(
            escape_xml_text("<p class=\"x\">R&D's ]]></p>"),
            "&lt;p class=\"x\"&gt;R&amp;D's ]]&gt;&lt;/p&gt;"
        );
        assert_eq!(escape_xml_text("plain"), "plain");
    }

    #[test]
    fn unescaping_undoes_escaping() {
        let text = "<a href=\"x\">Tom's & co</a>";
        assert_eq!(unescape_html(&escape_html(text)), text);
        assert_eq!(unescape_html("it&#x27;s"), "it's");
    }

    #[test]
    fn html_specials_merges_both_searches_in_order() {
        let found: Vec<usize> = html_specials(b"'a<b\"&c>'\"").collect();
        assert_eq!(found, [0, 2, 4, 5, 7, 8, 9]);
        assert_eq!(html_specials(b"plain text").count(), 0);
    }

    #[test]
    fn decodes_percent_escapes_strictly() {
        assert_eq!(percent_decode("/a%20b.png").as_deref(), Some("/a b.png"));
        assert_eq!(percent_decode("/%E2%82%AC/").as_deref(), Some("/€/"));
        for malformed in ["/100%", "%zz", "/%4", "/%ff%fe", "/%+1"] {
            assert_eq!(percent_decode(malformed), None, "{malformed}");
        }
    }
}
