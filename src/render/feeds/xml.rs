//! The XML every feed document, the OPML file and the sitemap share: a
//! quick-xml writer (which escapes text and attributes) with small helpers,
//! and the two date formats feeds use. Characters XML 1.0 forbids are dropped
//! from text before it is written. Knows nothing of feeds' structure.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::config::Config;
use crate::escape::escape_xml_text;
use crate::printable::printable;

pub(super) type Xml = Writer<Vec<u8>>;

/// A writer with the XML declaration written, indenting by two spaces, with
/// room for `capacity` bytes.
pub(super) fn xml_writer(capacity: usize) -> Xml {
    let mut w = Writer::new_with_indent(Vec::with_capacity(capacity), b' ', 2);
    write(
        &mut w,
        Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
    );
    w
}

fn write(w: &mut Xml, event: Event) {
    w.write_event(event)
        .expect("writing XML to memory cannot fail");
}

pub(super) fn open(w: &mut Xml, start: BytesStart) {
    write(w, Event::Start(start));
}

pub(super) fn close(w: &mut Xml, name: &str) {
    write(w, Event::End(BytesEnd::new(name)));
}

pub(super) fn empty(w: &mut Xml, start: BytesStart) {
    write(w, Event::Empty(start));
}

/// An element with attributes, as written: `element("link", &[("rel", "self")])`.
pub(super) fn element<'a>(name: &'a str, attributes: &[(&'a str, &'a str)]) -> BytesStart<'a> {
    let mut start = BytesStart::new(name);
    for &(key, value) in attributes {
        start.push_attribute((key, printable(value).as_ref()));
    }
    start
}

pub(super) fn text_element(w: &mut Xml, name: &str, text: &str) {
    element_with(w, BytesStart::new(name), text);
}

pub(super) fn element_with(w: &mut Xml, start: BytesStart, text: &str) {
    // XML 1.0 forbids most control characters; templates may add text too.
    let clean = printable(text);
    escaped_element(w, start, &escape_xml_text(&clean));
}

/// An element holding `escaped`: text already printable and escaped (see
/// [`escape_xml_text`]), written as it is.
pub(super) fn escaped_element(w: &mut Xml, start: BytesStart, escaped: &str) {
    let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
    open(w, start);
    write(w, Event::Text(BytesText::from_escaped(escaped)));
    close(w, &name);
}

/// RFC 822 with a numeric zone, as RSS validators insist (`+0000`, never `UTC`).
pub(super) fn rfc822(date: &DateTime<FixedOffset>) -> String {
    date.format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

pub(super) fn rfc3339(date: &DateTime<FixedOffset>) -> String {
    date.to_rfc3339_opts(SecondsFormat::Secs, false)
}

pub(crate) fn sitemap(
    config: &Config,
    pages: impl Iterator<Item = (String, Option<NaiveDate>)>,
) -> Vec<u8> {
    // A line of about a hundred bytes per page (the count is at most the
    // number of render jobs, most of them pages).
    let mut w = xml_writer(pages.size_hint().1.unwrap_or_default() * 128);
    open(
        &mut w,
        element(
            "urlset",
            &[("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9")],
        ),
    );
    for (path, lastmod) in pages {
        open(&mut w, BytesStart::new("url"));
        text_element(&mut w, "loc", &config.permalink(&path));
        if let Some(day) = lastmod {
            text_element(&mut w, "lastmod", &day.to_string());
        }
        close(&mut w, "url");
    }
    close(&mut w, "urlset");
    w.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc822_uses_a_numeric_zone() {
        let d = DateTime::parse_from_rfc3339("2026-11-18T00:00:00Z").unwrap();
        assert_eq!(rfc822(&d), "Wed, 18 Nov 2026 00:00:00 +0000");
    }

    #[test]
    fn attributes_are_escaped_and_cleaned() {
        let mut w = xml_writer(0);
        empty(&mut w, element("o", &[("text", "R&D <\"x\">\u{1}")]));
        let out = String::from_utf8(w.into_inner()).unwrap();
        assert!(
            out.ends_with(r#"<o text="R&amp;D &lt;&quot;x&quot;&gt;"/>"#),
            "{out}"
        );
    }
}
